//! The machine's memory: 256 words addressed 0..=255, each holding any value.
//!
//! At the type level memory is a two-level 16-ary tree: a [`Node16`] of
//! sixteen pages, each a [`Node16`] of sixteen words or a [`ZeroPage`]
//! (sixteen zeros, so an untouched memory stays a small type). An address's
//! high nibble picks the page, its low nibble the word; `Peek` and `Poke`
//! touch two nodes, never the whole memory.
//!
//! (Generated shape: one `Select` and one `Replace` impl per slot.)

use core::marker::PhantomData;
use typenum::{B0, B1, U0};

use crate::value::{Val, Value};

/// Sixteen children, slot `k` at parameter `Ck`.
pub struct Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>(
    PhantomData<(C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15)>,
);
/// A page of sixteen zero words.
pub struct ZeroPage;
/// Memory as the machine starts: never written, every word zero. One small
/// type, so a program that does not use memory carries none of it in its
/// machine; the first `Poke` turns it into a tree ([`ZeroTree`]).
pub struct Blank;
/// Memory of sixteen zero pages, as a tree.
pub type ZeroTree = Node16<
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
    ZeroPage,
>;
/// A page whose words are all zero, as a node.
pub type ZeroWords = Node16<U0, U0, U0, U0, U0, U0, U0, U0, U0, U0, U0, U0, U0, U0, U0, U0>;

/// The child in slot `A0 + 2 A1 + 4 A2 + 8 A3` (bits low first).
pub trait Select<A0, A1, A2, A3> {
    type Out;
}
/// The node with the child in slot `A0 + 2 A1 + 4 A2 + 8 A3` replaced by `V`.
pub trait Replace<A0, A1, A2, A3, V> {
    type Out;
}
impl<A0, A1, A2, A3> Select<A0, A1, A2, A3> for ZeroPage {
    type Out = U0;
}
impl<A0, A1, A2, A3> Select<A0, A1, A2, A3> for Blank {
    type Out = ZeroPage;
}
impl<A0, A1, A2, A3, V> Replace<A0, A1, A2, A3, V> for Blank
where
    ZeroTree: Replace<A0, A1, A2, A3, V>,
{
    type Out = <ZeroTree as Replace<A0, A1, A2, A3, V>>::Out;
}
impl<A0, A1, A2, A3, V> Replace<A0, A1, A2, A3, V> for ZeroPage
where
    ZeroWords: Replace<A0, A1, A2, A3, V>,
{
    type Out = <ZeroWords as Replace<A0, A1, A2, A3, V>>::Out;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B0, B0, B0, B0>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C0;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B0, B0, B0, B0, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<V, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B1, B0, B0, B0>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C1;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B1, B0, B0, B0, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, V, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B0, B1, B0, B0>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C2;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B0, B1, B0, B0, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, V, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B1, B1, B0, B0>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C3;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B1, B1, B0, B0, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, V, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B0, B0, B1, B0>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C4;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B0, B0, B1, B0, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, V, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B1, B0, B1, B0>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C5;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B1, B0, B1, B0, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, V, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B0, B1, B1, B0>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C6;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B0, B1, B1, B0, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, C5, V, C7, C8, C9, C10, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B1, B1, B1, B0>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C7;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B1, B1, B1, B0, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, C5, C6, V, C8, C9, C10, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B0, B0, B0, B1>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C8;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B0, B0, B0, B1, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, C5, C6, C7, V, C9, C10, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B1, B0, B0, B1>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C9;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B1, B0, B0, B1, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, V, C10, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B0, B1, B0, B1>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C10;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B0, B1, B0, B1, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, V, C11, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B1, B1, B0, B1>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C11;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B1, B1, B0, B1, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, V, C12, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B0, B0, B1, B1>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C12;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B0, B0, B1, B1, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, V, C13, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B1, B0, B1, B1>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C13;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B1, B0, B1, B1, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, V, C14, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B0, B1, B1, B1>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C14;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B0, B1, B1, B1, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, V, C15>;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15> Select<B1, B1, B1, B1>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = C15;
}
impl<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, V> Replace<B1, B1, B1, B1, V>
    for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    type Out = Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, V>;
}

/// Reflection of a page: sixteen word values.
pub trait PageVals {
    const WORDS: [Val; 16];
}
impl PageVals for ZeroPage {
    const WORDS: [Val; 16] = [Val::Num(0); 16];
}
impl<
    C0: Value,
    C1: Value,
    C2: Value,
    C3: Value,
    C4: Value,
    C5: Value,
    C6: Value,
    C7: Value,
    C8: Value,
    C9: Value,
    C10: Value,
    C11: Value,
    C12: Value,
    C13: Value,
    C14: Value,
    C15: Value,
> PageVals for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    const WORDS: [Val; 16] = [
        C0::VAL,
        C1::VAL,
        C2::VAL,
        C3::VAL,
        C4::VAL,
        C5::VAL,
        C6::VAL,
        C7::VAL,
        C8::VAL,
        C9::VAL,
        C10::VAL,
        C11::VAL,
        C12::VAL,
        C13::VAL,
        C14::VAL,
        C15::VAL,
    ];
}

/// Reflection of a whole memory: 256 word values, address order.
pub trait MemoryVals {
    const WORDS: [Val; 256];
}
impl MemoryVals for Blank {
    const WORDS: [Val; 256] = [Val::Num(0); 256];
}
impl<
    C0: PageVals,
    C1: PageVals,
    C2: PageVals,
    C3: PageVals,
    C4: PageVals,
    C5: PageVals,
    C6: PageVals,
    C7: PageVals,
    C8: PageVals,
    C9: PageVals,
    C10: PageVals,
    C11: PageVals,
    C12: PageVals,
    C13: PageVals,
    C14: PageVals,
    C15: PageVals,
> MemoryVals for Node16<C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15>
{
    const WORDS: [Val; 256] = flatten([
        C0::WORDS,
        C1::WORDS,
        C2::WORDS,
        C3::WORDS,
        C4::WORDS,
        C5::WORDS,
        C6::WORDS,
        C7::WORDS,
        C8::WORDS,
        C9::WORDS,
        C10::WORDS,
        C11::WORDS,
        C12::WORDS,
        C13::WORDS,
        C14::WORDS,
        C15::WORDS,
    ]);
}

const fn flatten(pages: [[Val; 16]; 16]) -> [Val; 256] {
    let mut out = [Val::Num(0); 256];
    let mut i = 0;
    while i < 256 {
        out[i] = pages[i / 16][i % 16];
        i += 1;
    }
    out
}
