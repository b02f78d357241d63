//! Arithmetic on typenum numbers with bounded solver depth.
//!
//! typenum's own `Sub`, `IsEqual` and `Shl` recurse one or more goals per bit
//! (and `Shl` per shifted position): on 64-bit operands they overflow rustc's
//! default recursion limit on their own, before the VM adds any depth. The
//! operations here keep typenum's representation (`UInt<High, LowBit>`,
//! canonical: no leading zero bits) but work on 8-bit chunks: inside a chunk
//! the eight bit-goals are *siblings* (chained through impl parameters that
//! associated-type bindings constrain), and only chunks nest. A 64-bit operand
//! costs at most 8 nested levels, and work stays proportional to the operands'
//! length.
//!
//! Every VM number is a 64-bit word: an operation whose exact result does not
//! fit in 64 bits yields [`Overflow`], one whose result would be negative
//! yields [`Underflow`]; the VM turns both into faults. The value-level twin
//! (`u64` with checked operations) has the same rule.

use core::marker::PhantomData;
use typenum::{B0, B1, UInt, UTerm};

/// The exact result of an arithmetic operation did not fit in 64 bits.
pub struct Overflow;
/// The exact result of a subtraction would be negative.
pub struct Underflow;

/// A Peano counter of the chunks an operation may still produce (8 for 64
/// bits), named so that it does not collide with a user's `S`/`Z`: no chunk
/// left.
pub struct NoFuel;
/// One chunk more than `N`.
pub struct Fuel<N>(PhantomData<N>);
/// Eight chunks of eight bits: the width of a VM word.
pub type Fuel64 = Fuel<Fuel<Fuel<Fuel<Fuel<Fuel<Fuel<Fuel<NoFuel>>>>>>>>;

// Output aliases, in typenum's manner (`Sum<A, B>` for `<A as Add<B>>::Output`).

/// `X + Y` in 64 bits: the sum, or [`Overflow`].
pub type SumOf<X, Y> = <X as AddW<Y, B0, Fuel64>>::Out;
/// `X - Y`: the difference, or [`Underflow`].
pub type DifferenceOf<X, Y> = <X as SubW<Y, B0>>::Out;
/// `X op Y` bit by bit (`Op` is [`AndOp`], [`OrOp`] or [`XorOp`]).
pub type BitwiseOf<Op, X, Y> = <X as BitW<Op, Y>>::Out;
/// How `X` compares with `Y`: [`Less`], [`Equal`] or [`Greater`].
pub type Comparison<X, Y> = <X as CmpW<Y, Equal>>::Out;
/// `X << N`, or [`Overflow`] (bits shifted out, or `N` of 64 or more).
pub type ShiftedLeft<X, N> = <X as ShlW<N>>::Out;
/// `X >> N`, or [`Overflow`] (`N` of 64 or more).
pub type ShiftedRight<X, N> = <X as ShrW<N>>::Out;
/// The number of zero bits that end `X` (64 for zero).
pub type TrailingZerosOf<X> = <X as TrailingZeros>::Out;

/// Canonical constructor: `Self` is the high part, `B` the new low bit.
/// `Mk<B0>` of zero is zero (no leading zero bits); errors propagate.
pub trait Mk<B> {
    type N;
}
impl Mk<B0> for UTerm {
    type N = UTerm;
}
impl Mk<B1> for UTerm {
    type N = UInt<UTerm, B1>;
}
impl<U, X, B> Mk<B> for UInt<U, X> {
    type N = UInt<UInt<U, X>, B>;
}
impl<B> Mk<B> for Overflow {
    type N = Overflow;
}
impl<B> Mk<B> for Underflow {
    type N = Underflow;
}

/// The low bit and the rest; zero splits into `B0` and zero.
pub trait Low {
    type Bit;
    type Rest;
}
impl Low for UTerm {
    type Bit = B0;
    type Rest = UTerm;
}
impl<U, B> Low for UInt<U, B> {
    type Bit = B;
    type Rest = U;
}

/// Eight bits, least significant first.
pub struct C8<A0, A1, A2, A3, A4, A5, A6, A7>(PhantomData<(A0, A1, A2, A3, A4, A5, A6, A7)>);

/// Split off the low eight bits (as a [`C8`]) and the remaining high part.
/// One goal: each impl matches a number's low eight bits as a pattern (a
/// number of eight bits or more), or its whole shape (fewer, padded with
/// zeros), so that no impl overlaps and no per-bit goal is needed.
pub trait Split8 {
    type Lo;
    type Hi;
}
/// `UInt<..UInt<$base, $a_top>.., $a0>`: the bits from the lowest out.
macro_rules! nest {
    ($base:ty;) => { $base };
    ($base:ty; $a:ident $($rest:ident)*) => { UInt<nest!($base; $($rest)*), $a> };
}
/// `Split8` of the numbers whose low bits are the listed ones, padded with `B0`.
macro_rules! split8 {
    ($([$($a:ident)*] $pad:tt;)*) => {$(
        impl<$($a),*> Split8 for nest!(UTerm; $($a)*) {
            type Lo = split8!(@c8 [$($a)*] $pad);
            type Hi = UTerm;
        }
    )*};
    (@c8 [$($a:ident)*] [$($z:ident)*]) => { C8<$($a,)* $($z),*> };
}
split8! {
    [] [B0 B0 B0 B0 B0 B0 B0 B0];
    [A0] [B0 B0 B0 B0 B0 B0 B0];
    [A0 A1] [B0 B0 B0 B0 B0 B0];
    [A0 A1 A2] [B0 B0 B0 B0 B0];
    [A0 A1 A2 A3] [B0 B0 B0 B0];
    [A0 A1 A2 A3 A4] [B0 B0 B0];
    [A0 A1 A2 A3 A4 A5] [B0 B0];
    [A0 A1 A2 A3 A4 A5 A6] [B0];
}
// Eight or more bits: the high part is what is under the eighth `UInt`
// (`UTerm` for exactly eight bits; the impls above have fewer `UInt`s, so
// none overlaps).
impl<H, A0, A1, A2, A3, A4, A5, A6, A7> Split8 for nest!(UInt<H, A7>; A0 A1 A2 A3 A4 A5 A6) {
    type Lo = C8<A0, A1, A2, A3, A4, A5, A6, A7>;
    type Hi = H;
}

/// Put eight low bits under a high part: `Self` is the high part. Under a
/// number that is not zero the bits nest as they are (one goal); under zero
/// they lose their leading zeros (bit by bit, once per result); an
/// [`Overflow`] or [`Underflow`] stays one.
pub trait Join8<C> {
    type N;
}
impl<U, X, A0, A1, A2, A3, A4, A5, A6, A7> Join8<C8<A0, A1, A2, A3, A4, A5, A6, A7>> for UInt<U, X> {
    type N = nest!(UInt<U, X>; A0 A1 A2 A3 A4 A5 A6 A7);
}
impl<A0, A1, A2, A3, A4, A5, A6, A7, R7, R6, R5, R4, R3, R2, R1, R0> Join8<C8<A0, A1, A2, A3, A4, A5, A6, A7>> for UTerm
where
    UTerm: Mk<A7, N = R7>,
    R7: Mk<A6, N = R6>,
    R6: Mk<A5, N = R5>,
    R5: Mk<A4, N = R4>,
    R4: Mk<A3, N = R3>,
    R3: Mk<A2, N = R2>,
    R2: Mk<A1, N = R1>,
    R1: Mk<A0, N = R0>,
{
    type N = R0;
}
impl<C> Join8<C> for Overflow {
    type N = Overflow;
}
impl<C> Join8<C> for Underflow {
    type N = Underflow;
}

// ------------------------------------------------------ increment, decrement

/// `Self + 1`, unbounded: recursion only over trailing one bits, so O(1)
/// amortized (used for counters the VM keeps, not for program values).
pub trait Inc {
    type Out;
}
impl Inc for UTerm {
    type Out = UInt<UTerm, B1>;
}
impl<U> Inc for UInt<U, B0> {
    type Out = UInt<U, B1>;
}
impl<U: Inc> Inc for UInt<U, B1> {
    type Out = UInt<<U as Inc>::Out, B0>;
}

/// How many zero bits end `Self`: the index of its lowest set bit, or 64
/// when there is none (zero, however it is spelled). Flat: see [`Chunks`].
pub trait TrailingZeros {
    type Out;
}
impl<X: Chunks> TrailingZeros for X
where
    X::FirstSets: FirstChunk,
{
    type Out = <X::FirstSets as FirstChunk>::Out;
}

/// The lowest set bit of each of a number's eight chunks ([`FirstSet`]),
/// as a tuple: the chunks split off as sibling goals and each looked up by
/// pattern, so the solver's depth does not grow with the bit's position.
pub trait Chunks {
    type FirstSets;
}
impl<X, C0, C1, C2, C3, C4, C5, C6, C7, H1, H2, H3, H4, H5, H6, H7, H8, F0, F1, F2, F3, F4, F5, F6, F7> Chunks for X
where
    X: Split8<Lo = C0, Hi = H1>,
    H1: Split8<Lo = C1, Hi = H2>,
    H2: Split8<Lo = C2, Hi = H3>,
    H3: Split8<Lo = C3, Hi = H4>,
    H4: Split8<Lo = C4, Hi = H5>,
    H5: Split8<Lo = C5, Hi = H6>,
    H6: Split8<Lo = C6, Hi = H7>,
    H7: Split8<Lo = C7, Hi = H8>,
    C0: FirstSet<Out = F0>,
    C1: FirstSet<Out = F1>,
    C2: FirstSet<Out = F2>,
    C3: FirstSet<Out = F3>,
    C4: FirstSet<Out = F4>,
    C5: FirstSet<Out = F5>,
    C6: FirstSet<Out = F6>,
    C7: FirstSet<Out = F7>,
{
    type FirstSets = (F0, F1, F2, F3, F4, F5, F6, F7);
}
/// A chunk's lowest set bit: `Some<N>` (N = 0..=7 as typenum) or `NoneSet`.
pub trait FirstSet {
    type Out;
}
/// A chunk with no bit set.
pub struct NoneSet;
/// The lowest set bit of a chunk is bit `N`.
pub struct SetAt<N>(PhantomData<N>);
macro_rules! first_set {
    ($([$($z:ident)*] $n:ident [$($a:ident)*];)*) => {$(
        impl<$($a),*> FirstSet for C8<$($z,)* B1 $(, $a)*> {
            type Out = SetAt<typenum::$n>;
        }
    )*};
}
first_set! {
    [] U0 [A1 A2 A3 A4 A5 A6 A7];
    [B0] U1 [A2 A3 A4 A5 A6 A7];
    [B0 B0] U2 [A3 A4 A5 A6 A7];
    [B0 B0 B0] U3 [A4 A5 A6 A7];
    [B0 B0 B0 B0] U4 [A5 A6 A7];
    [B0 B0 B0 B0 B0] U5 [A6 A7];
    [B0 B0 B0 B0 B0 B0] U6 [A7];
    [B0 B0 B0 B0 B0 B0 B0] U7 [];
}
impl FirstSet for C8<B0, B0, B0, B0, B0, B0, B0, B0> {
    type Out = NoneSet;
}
/// The first chunk with a set bit, as the bit's index in the word: `8 k + n`
/// for chunk `k`'s bit `n`, or 64 when no chunk has one.
pub trait FirstChunk {
    type Out;
}
/// Whether any chunk has a set bit: `U1`, or `UTerm` (zero).
pub trait AnySet {
    type Out;
}
macro_rules! first_chunk {
    ($([$($none:ident)*] $base:ident [$($rest:ident)*];)*) => {$(
        impl<N: AddW<typenum::$base, B0, Fuel64> $(, $rest)*> FirstChunk for ($($none,)* SetAt<N>, $($rest,)*) {
            type Out = <N as AddW<typenum::$base, B0, Fuel64>>::Out;
        }
        impl<N $(, $rest)*> AnySet for ($($none,)* SetAt<N>, $($rest,)*) {
            type Out = typenum::U1;
        }
    )*};
}
first_chunk! {
    [] U0 [F1 F2 F3 F4 F5 F6 F7];
    [NoneSet] U8 [F2 F3 F4 F5 F6 F7];
    [NoneSet NoneSet] U16 [F3 F4 F5 F6 F7];
    [NoneSet NoneSet NoneSet] U24 [F4 F5 F6 F7];
    [NoneSet NoneSet NoneSet NoneSet] U32 [F5 F6 F7];
    [NoneSet NoneSet NoneSet NoneSet NoneSet] U40 [F6 F7];
    [NoneSet NoneSet NoneSet NoneSet NoneSet NoneSet] U48 [F7];
    [NoneSet NoneSet NoneSet NoneSet NoneSet NoneSet NoneSet] U56 [];
}
impl FirstChunk for (NoneSet, NoneSet, NoneSet, NoneSet, NoneSet, NoneSet, NoneSet, NoneSet) {
    type Out = typenum::U64;
}
impl AnySet for (NoneSet, NoneSet, NoneSet, NoneSet, NoneSet, NoneSet, NoneSet, NoneSet) {
    type Out = UTerm;
}

/// `Self - 1` for `Self >= 1`: recursion only over trailing zero bits.
pub trait Dec {
    type Out;
}
impl<U: Mk<B0>> Dec for UInt<U, B1> {
    type Out = <U as Mk<B0>>::N;
}
impl<U: Dec> Dec for UInt<U, B0> {
    type Out = UInt<<U as Dec>::Out, B1>;
}

// ---------------------------------------------------------------- addition

/// Full adder: `Self + Y + C` as a sum bit and a carry bit.
pub trait FullAdd<Y, C> {
    type Sum;
    type Carry;
}
macro_rules! full_add {
    ($($x:ident $y:ident $c:ident => $s:ident $co:ident;)*) => {
        $(impl FullAdd<$y, $c> for $x { type Sum = $s; type Carry = $co; })*
    };
}
full_add! {
    B0 B0 B0 => B0 B0; B0 B0 B1 => B1 B0; B0 B1 B0 => B1 B0; B0 B1 B1 => B0 B1;
    B1 B0 B0 => B1 B0; B1 B0 B1 => B0 B1; B1 B1 B0 => B0 B1; B1 B1 B1 => B1 B1;
}

/// Eight-bit add with carry in and carry out.
pub trait Add8<Y, C> {
    type Sum;
    type Carry;
}
impl<
    A0,
    A1,
    A2,
    A3,
    A4,
    A5,
    A6,
    A7,
    B0_,
    B1_,
    B2_,
    B3_,
    B4_,
    B5_,
    B6_,
    B7_,
    C,
    C1,
    C2,
    C3,
    C4,
    C5,
    C6,
    C7,
    C8_,
    S0,
    S1,
    S2,
    S3,
    S4,
    S5,
    S6,
    S7,
> Add8<C8<B0_, B1_, B2_, B3_, B4_, B5_, B6_, B7_>, C> for C8<A0, A1, A2, A3, A4, A5, A6, A7>
where
    A0: FullAdd<B0_, C, Sum = S0, Carry = C1>,
    A1: FullAdd<B1_, C1, Sum = S1, Carry = C2>,
    A2: FullAdd<B2_, C2, Sum = S2, Carry = C3>,
    A3: FullAdd<B3_, C3, Sum = S3, Carry = C4>,
    A4: FullAdd<B4_, C4, Sum = S4, Carry = C5>,
    A5: FullAdd<B5_, C5, Sum = S5, Carry = C6>,
    A6: FullAdd<B6_, C6, Sum = S6, Carry = C7>,
    A7: FullAdd<B7_, C7, Sum = S7, Carry = C8_>,
{
    type Sum = C8<S0, S1, S2, S3, S4, S5, S6, S7>;
    type Carry = C8_;
}

/// `Self + Y + C`, with `F` chunks of room left: a number or [`Overflow`].
pub trait AddW<Y, C, F> {
    type Out;
}
impl<F> AddW<UTerm, B0, F> for UTerm {
    type Out = UTerm;
}
macro_rules! add_chunk {
    ($([$($p:ident),*] $x:ty, $y:ty, $c:ty;)*) => {$(
        impl<$($p,)* F, XL, XH, YL, YH, SL, CO, RH, R> AddW<$y, $c, Fuel<F>> for $x
        where
            $x: Split8<Lo = XL, Hi = XH>,
            $y: Split8<Lo = YL, Hi = YH>,
            XL: Add8<YL, $c, Sum = SL, Carry = CO>,
            XH: AddW<YH, CO, F, Out = RH>,
            RH: Join8<SL, N = R>,
        {
            type Out = R;
        }
        impl<$($p),*> AddW<$y, $c, NoFuel> for $x {
            type Out = Overflow;
        }
    )*};
}
add_chunk! {
    [X, Bx, Y, By, C] UInt<X, Bx>, UInt<Y, By>, C;
    [X, Bx] UInt<X, Bx>, UTerm, B1;
    [Y, By, C] UTerm, UInt<Y, By>, C;
}
// `X + 0` with no carry is `X` (a VM number fits in 64 bits, so in any
// fuel left): the chunks above the shorter operand cost nothing.
impl<X, Bx, F> AddW<UTerm, B0, Fuel<F>> for UInt<X, Bx> {
    type Out = UInt<X, Bx>;
}
impl<X, Bx> AddW<UTerm, B0, NoFuel> for UInt<X, Bx> {
    type Out = Overflow;
}
// 0 + 0 + carry: the last carry becomes the top bit.
impl<F> AddW<UTerm, B1, Fuel<F>> for UTerm {
    type Out = UInt<UTerm, B1>;
}
impl AddW<UTerm, B1, NoFuel> for UTerm {
    type Out = Overflow;
}

// ------------------------------------------------------------- subtraction

/// Full subtractor: `Self - Y - Borrow` as a difference bit and a borrow bit.
pub trait FullSub<Y, Bw> {
    type Diff;
    type Borrow;
}
macro_rules! full_sub {
    ($($x:ident $y:ident $b:ident => $d:ident $bo:ident;)*) => {
        $(impl FullSub<$y, $b> for $x { type Diff = $d; type Borrow = $bo; })*
    };
}
full_sub! {
    B0 B0 B0 => B0 B0; B0 B0 B1 => B1 B1; B0 B1 B0 => B1 B1; B0 B1 B1 => B0 B1;
    B1 B0 B0 => B1 B0; B1 B0 B1 => B0 B0; B1 B1 B0 => B0 B0; B1 B1 B1 => B1 B1;
}

/// Eight-bit subtract with borrow in and out.
pub trait Sub8<Y, Bw> {
    type Diff;
    type Borrow;
}
impl<
    A0,
    A1,
    A2,
    A3,
    A4,
    A5,
    A6,
    A7,
    B0_,
    B1_,
    B2_,
    B3_,
    B4_,
    B5_,
    B6_,
    B7_,
    W,
    W1,
    W2,
    W3,
    W4,
    W5,
    W6,
    W7,
    W8,
    D0,
    D1,
    D2,
    D3,
    D4,
    D5,
    D6,
    D7,
> Sub8<C8<B0_, B1_, B2_, B3_, B4_, B5_, B6_, B7_>, W> for C8<A0, A1, A2, A3, A4, A5, A6, A7>
where
    A0: FullSub<B0_, W, Diff = D0, Borrow = W1>,
    A1: FullSub<B1_, W1, Diff = D1, Borrow = W2>,
    A2: FullSub<B2_, W2, Diff = D2, Borrow = W3>,
    A3: FullSub<B3_, W3, Diff = D3, Borrow = W4>,
    A4: FullSub<B4_, W4, Diff = D4, Borrow = W5>,
    A5: FullSub<B5_, W5, Diff = D5, Borrow = W6>,
    A6: FullSub<B6_, W6, Diff = D6, Borrow = W7>,
    A7: FullSub<B7_, W7, Diff = D7, Borrow = W8>,
{
    type Diff = C8<D0, D1, D2, D3, D4, D5, D6, D7>;
    type Borrow = W8;
}

/// `Self - Y - Bw`: a number or [`Underflow`].
pub trait SubW<Y, Bw> {
    type Out;
}
impl SubW<UTerm, B0> for UTerm {
    type Out = UTerm;
}
impl SubW<UTerm, B1> for UTerm {
    type Out = Underflow;
}
macro_rules! sub_chunk {
    ($([$($p:ident),*] $x:ty, $y:ty, $w:ty;)*) => {$(
        impl<$($p,)* XL, XH, YL, YH, DL, WO, RH, R> SubW<$y, $w> for $x
        where
            $x: Split8<Lo = XL, Hi = XH>,
            $y: Split8<Lo = YL, Hi = YH>,
            XL: Sub8<YL, $w, Diff = DL, Borrow = WO>,
            XH: SubW<YH, WO, Out = RH>,
            RH: Join8<DL, N = R>,
        {
            type Out = R;
        }
    )*};
}
sub_chunk! {
    [X, Bx, Y, By, W] UInt<X, Bx>, UInt<Y, By>, W;
    [X, Bx] UInt<X, Bx>, UTerm, B1;
    [Y, By, W] UTerm, UInt<Y, By>, W;
}
// `X - 0` with no borrow is `X`.
impl<X, Bx> SubW<UTerm, B0> for UInt<X, Bx> {
    type Out = UInt<X, Bx>;
}

// ----------------------------------------------------------------- bitwise

/// Bitwise AND.
pub struct AndOp;
/// Bitwise OR.
pub struct OrOp;
/// Bitwise XOR.
pub struct XorOp;

/// One bit of a bitwise operation.
pub trait BitOp<X, Y> {
    type Out;
}
macro_rules! bit_op {
    ($op:ident: $($x:ident $y:ident => $r:ident;)*) => {
        $(impl BitOp<$x, $y> for $op { type Out = $r; })*
    };
}
bit_op!(AndOp: B0 B0 => B0; B0 B1 => B0; B1 B0 => B0; B1 B1 => B1;);
bit_op!(OrOp: B0 B0 => B0; B0 B1 => B1; B1 B0 => B1; B1 B1 => B1;);
bit_op!(XorOp: B0 B0 => B0; B0 B1 => B1; B1 B0 => B1; B1 B1 => B0;);

/// Eight bits of a bitwise operation.
pub trait Bit8<Op, Y> {
    type Out;
}
impl<Op, A0, A1, A2, A3, A4, A5, A6, A7, B0_, B1_, B2_, B3_, B4_, B5_, B6_, B7_, R0, R1, R2, R3, R4, R5, R6, R7>
    Bit8<Op, C8<B0_, B1_, B2_, B3_, B4_, B5_, B6_, B7_>> for C8<A0, A1, A2, A3, A4, A5, A6, A7>
where
    Op: BitOp<A0, B0_, Out = R0>
        + BitOp<A1, B1_, Out = R1>
        + BitOp<A2, B2_, Out = R2>
        + BitOp<A3, B3_, Out = R3>
        + BitOp<A4, B4_, Out = R4>
        + BitOp<A5, B5_, Out = R5>
        + BitOp<A6, B6_, Out = R6>
        + BitOp<A7, B7_, Out = R7>,
{
    type Out = C8<R0, R1, R2, R3, R4, R5, R6, R7>;
}

/// `Self Op Y` bitwise.
pub trait BitW<Op, Y> {
    type Out;
}
impl<Op> BitW<Op, UTerm> for UTerm {
    type Out = UTerm;
}
macro_rules! bit_chunk {
    ($([$($p:ident),*] $x:ty, $y:ty;)*) => {$(
        impl<$($p,)* Op, XL, XH, YL, YH, RL, RH, R> BitW<Op, $y> for $x
        where
            $x: Split8<Lo = XL, Hi = XH>,
            $y: Split8<Lo = YL, Hi = YH>,
            XL: Bit8<Op, YL, Out = RL>,
            XH: BitW<Op, YH, Out = RH>,
            RH: Join8<RL, N = R>,
        {
            type Out = R;
        }
    )*};
}
bit_chunk! {
    [X, Bx, Y] UInt<X, Bx>, Y;
    [Y, By] UTerm, UInt<Y, By>;
}

// -------------------------------------------------------------- comparison

/// `Self < Y` (as far as decided).
pub struct Less;
/// `Self == Y` (as far as decided).
pub struct Equal;
/// `Self > Y` (as far as decided).
pub struct Greater;

/// Fold one bit pair into the order of the bits below it: a difference in a
/// higher bit decides; equal bits keep the lower order.
pub trait CmpBit<X, Y> {
    type Out;
}
macro_rules! cmp_bit {
    ($($x:ident $y:ident),*) => {$(
        impl<O> CmpBit<$x, $y> for O where (): CmpBitSel<$x, $y, O> {
            type Out = <() as CmpBitSel<$x, $y, O>>::Out;
        }
    )*};
}
/// Implementation detail of [`CmpBit`].
pub trait CmpBitSel<X, Y, O> {
    type Out;
}
impl<O> CmpBitSel<B0, B0, O> for () {
    type Out = O;
}
impl<O> CmpBitSel<B1, B1, O> for () {
    type Out = O;
}
impl<O> CmpBitSel<B0, B1, O> for () {
    type Out = Less;
}
impl<O> CmpBitSel<B1, B0, O> for () {
    type Out = Greater;
}
cmp_bit!(B0 B0, B0 B1, B1 B0, B1 B1);

/// Order of two chunks, given the order of everything below them.
pub trait Cmp8<Y, Below> {
    type Out;
}
impl<A0, A1, A2, A3, A4, A5, A6, A7, B0_, B1_, B2_, B3_, B4_, B5_, B6_, B7_, O, O1, O2, O3, O4, O5, O6, O7, O8>
    Cmp8<C8<B0_, B1_, B2_, B3_, B4_, B5_, B6_, B7_>, O> for C8<A0, A1, A2, A3, A4, A5, A6, A7>
where
    O: CmpBit<A0, B0_, Out = O1>,
    O1: CmpBit<A1, B1_, Out = O2>,
    O2: CmpBit<A2, B2_, Out = O3>,
    O3: CmpBit<A3, B3_, Out = O4>,
    O4: CmpBit<A4, B4_, Out = O5>,
    O5: CmpBit<A5, B5_, Out = O6>,
    O6: CmpBit<A6, B6_, Out = O7>,
    O7: CmpBit<A7, B7_, Out = O8>,
{
    type Out = O8;
}

/// Order of `Self` and `Y` given the order of the chunks below them
/// (`Equal` at the top call): one of [`Less`], [`Equal`], [`Greater`].
pub trait CmpW<Y, Below> {
    type Out;
}
impl<O> CmpW<UTerm, O> for UTerm {
    type Out = O;
}
macro_rules! cmp_chunk {
    ($([$($p:ident),*] $x:ty, $y:ty;)*) => {$(
        impl<$($p,)* O, XL, XH, YL, YH, OL, R> CmpW<$y, O> for $x
        where
            $x: Split8<Lo = XL, Hi = XH>,
            $y: Split8<Lo = YL, Hi = YH>,
            XL: Cmp8<YL, O, Out = OL>,
            XH: CmpW<YH, OL, Out = R>,
        {
            type Out = R;
        }
    )*};
}
cmp_chunk! {
    [X, Bx, Y] UInt<X, Bx>, Y;
    [Y, By] UTerm, UInt<Y, By>;
}

// ------------------------------------------------------------------ shifts

/// Stage markers of a shift: stage `Kn` moves by `2^n` positions. A shift
/// amount below 64 has six bits, so six stages cover every legal shift.
pub struct K0;
/// See [`K0`].
pub struct K1;
/// See [`K0`].
pub struct K2;
/// See [`K0`].
pub struct K3;
/// See [`K0`].
pub struct K4;
/// See [`K0`].
pub struct K5;

/// Shift left by `2^k` positions (`K` is the stage marker).
pub trait ShlPow<K> {
    type Out;
}
/// Shift right by `2^k` positions.
pub trait ShrPow<K> {
    type Out;
}
impl<X: Mk<B0>> ShlPow<K0> for X {
    type Out = <X as Mk<B0>>::N;
}
impl<X: Low> ShrPow<K0> for X {
    type Out = <X as Low>::Rest;
}
macro_rules! shift_double {
    ($($k:ident = 2 * $h:ident;)*) => {$(
        impl<X, Y, R> ShlPow<$k> for X where X: ShlPow<$h, Out = Y>, Y: ShlPow<$h, Out = R> {
            type Out = R;
        }
        impl<X, Y, R> ShrPow<$k> for X where X: ShrPow<$h, Out = Y>, Y: ShrPow<$h, Out = R> {
            type Out = R;
        }
    )*};
}
shift_double! { K1 = 2 * K0; K2 = 2 * K1; K4 = 2 * K3; K5 = 2 * K4; }
// Eight positions at once: a whole chunk, one goal each way (`Split8`'s
// high part, or eight zero bits joined under the number).
impl<X: Split8> ShrPow<K3> for X {
    type Out = <X as Split8>::Hi;
}
impl<X: Join8<C8<B0, B0, B0, B0, B0, B0, B0, B0>>> ShlPow<K3> for X {
    type Out = <X as Join8<C8<B0, B0, B0, B0, B0, B0, B0, B0>>>::N;
}

/// Apply stage `K` when `Bit` is `B1`.
pub trait ShlIf<K, Bit> {
    type Out;
}
/// Apply stage `K` when `Bit` is `B1`.
pub trait ShrIf<K, Bit> {
    type Out;
}
impl<X, K> ShlIf<K, B0> for X {
    type Out = X;
}
impl<X: ShlPow<K>, K> ShlIf<K, B1> for X {
    type Out = <X as ShlPow<K>>::Out;
}
impl<X, K> ShrIf<K, B0> for X {
    type Out = X;
}
impl<X: ShrPow<K>, K> ShrIf<K, B1> for X {
    type Out = <X as ShrPow<K>>::Out;
}

/// `Self << N` for `N < 64`, as a number or [`Overflow`] when the result
/// needs more than 64 bits; `N >= 64` is [`Overflow`] too.
pub trait ShlW<N> {
    type Out;
}
/// `Self >> N`; `N >= 64` is [`Overflow`] (the VM reports a shift too far).
pub trait ShrW<N> {
    type Out;
}
/// Selects the outcome of a shift from the amount's high bits (all zero: in range).
pub trait ShiftInRange<X, A6, A7, Hi> {
    type Out;
}
impl<X> ShiftInRange<X, B0, B0, UTerm> for () {
    type Out = X;
}
macro_rules! shift_out_of_range {
    ($([$($p:ident),*] $a6:ty, $a7:ty, $hi:ty;)*) => {$(
        impl<X, $($p),*> ShiftInRange<X, $a6, $a7, $hi> for () { type Out = Overflow; }
    )*};
}
shift_out_of_range! {
    [] B1, B0, UTerm; [] B0, B1, UTerm; [] B1, B1, UTerm;
    [A6, A7, H, Hb] A6, A7, UInt<H, Hb>;
}
impl<X, N, A0, A1, A2, A3, A4, A5, A6, A7, Hi, X1, X2, X3, X4, X5, X6, R, F> ShlW<N> for X
where
    N: Split8<Lo = C8<A0, A1, A2, A3, A4, A5, A6, A7>, Hi = Hi>,
    X: ShlIf<K0, A0, Out = X1>,
    X1: ShlIf<K1, A1, Out = X2>,
    X2: ShlIf<K2, A2, Out = X3>,
    X3: ShlIf<K3, A3, Out = X4>,
    X4: ShlIf<K4, A4, Out = X5>,
    X5: ShlIf<K5, A5, Out = X6>,
    X6: Fits<Fuel64, Out = F>,
    (): ShiftInRange<F, A6, A7, Hi, Out = R>,
{
    type Out = R;
}
impl<X, N, A0, A1, A2, A3, A4, A5, A6, A7, Hi, X1, X2, X3, X4, X5, X6, R> ShrW<N> for X
where
    N: Split8<Lo = C8<A0, A1, A2, A3, A4, A5, A6, A7>, Hi = Hi>,
    X: ShrIf<K0, A0, Out = X1>,
    X1: ShrIf<K1, A1, Out = X2>,
    X2: ShrIf<K2, A2, Out = X3>,
    X3: ShrIf<K3, A3, Out = X4>,
    X4: ShrIf<K4, A4, Out = X5>,
    X5: ShrIf<K5, A5, Out = X6>,
    (): ShiftInRange<X6, A6, A7, Hi, Out = R>,
{
    type Out = R;
}

/// `Self` itself when it fits in `F` chunks, else [`Overflow`].
pub trait Fits<F> {
    type Out;
}
impl<F> Fits<F> for UTerm {
    type Out = UTerm;
}
impl<U, B> Fits<NoFuel> for UInt<U, B> {
    type Out = Overflow;
}
impl<U, B, F, H, R, Keep> Fits<Fuel<F>> for UInt<U, B>
where
    UInt<U, B>: Split8<Hi = H>,
    H: Fits<F, Out = R>,
    (): KeepIfFits<R, UInt<U, B>, Out = Keep>,
{
    type Out = Keep;
}
/// `X` unless the high part overflowed.
pub trait KeepIfFits<HighResult, X> {
    type Out;
}
impl<X> KeepIfFits<Overflow, X> for () {
    type Out = Overflow;
}
impl<X> KeepIfFits<UTerm, X> for () {
    type Out = X;
}
impl<X, U, B> KeepIfFits<UInt<U, B>, X> for () {
    type Out = X;
}
