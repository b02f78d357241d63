//! The instruction set. Each instruction is a type; its rule is its
//! [`Execute`] impl; its value-level twin is the matching arm of
//! [`crate::interp`]; its reflection is its [`Instr::OP`].
//!
//! Conventions: the stack's top is the *right* operand (`Push a, Push b, Sub`
//! computes `a - b`); booleans are the numbers 1 and 0; every operand an
//! instruction pops must be there, or the run faults with `StackUnderflow`
//! (and the fault shows the stack as it was before the instruction).
//!
//! | instruction | rule |
//! |---|---|
//! | `Push<V>` | push the value `V` |
//! | `Pop` | drop the top |
//! | `Dup` | push a copy of the top |
//! | `Swap` | exchange the top two |
//! | `Over` | push a copy of the second |
//! | `Load<Rn>` | push register `n` |
//! | `Store<Rn>` | pop into register `n` |
//! | `Add`, `Sub` | `a + b`, `a - b`; overflow past 64 bits and negative results fault |
//! | `And`, `Or`, `Xor` | bitwise |
//! | `Shl`, `Shr` | `a << b`, `a >> b`; `b` must be below 64; `Shl` faults on overflow |
//! | `Eq`, `Lt` | `a == b`, `a < b` as 1 or 0 |
//! | `TestBit<Rn>` | pop an index `i` (below 64); push bit `i` of register `n` as 1 or 0 |
//! | `SetBit<Rn>` | pop an index `i` (below 64); set bit `i` of register `n` |
//! | `Ctz` | pop a number; push how many zero bits end it (64 for 0) |
//! | `Jmp<Fwd<N>>` | continue at `pc + 1 + N` |
//! | `Jmp<Back<N>>` | continue at `pc - N` |
//! | `Jz<D>`, `Jnz<D>` | pop a number; jump like `Jmp<D>` when it is zero / not zero |
//! | `Uncons` | pop a list: empty pushes 0; `h :: t` pushes `t`, `h`, 1 |
//! | `Field<N>` | pop a record, push its field `N` |
//! | `Peek` | pop an address (0..=255), push the memory word there |
//! | `Poke` | pop a value and an address, store the value there |
//! | `Halt` | stop; the run is accepted |
//! | `Fail<R>` | pop an item; stop with fault `R` about it |
//! | `Assert<R>` | pop a condition and an item; if the condition is 0, fault `R` about the item |
//! | `Fail2<R>` | pop two items; stop with fault `R` about the pair |
//! | `Assert2<R>` | pop a condition and two items; if the condition is 0, fault `R` about the pair |
//! | `Report<R>` | pop a condition and an item; if the condition is 0, note violation `R` about the item and go on |
//! | `Report2<R>` | pop a condition and two items; if the condition is 0, note violation `R` about the pair and go on |
//!
//! A run that reported a violation and then executes `Halt` is *rejected*
//! with every violation it noted (the first 16, and how many more), so a
//! check reports every offending item, not only the first.
//!
//! Every instruction, a jump included, is one tick: a jump follows the link
//! `program!` put on its cell (see [`crate::machine`]). A jump whose target
//! is outside the program faults at the jump (`JumpPastEnd` past the end,
//! `JumpBeforeStart` before the first instruction); a jump to the position
//! just past the last instruction lands there and the next tick faults with
//! `FellOffEnd`.

use core::marker::PhantomData;
use frunk::{HCons, HNil};
use typenum::{B0, U0, U1, UInt, UTerm};

use crate::machine::*;
use crate::num::{self, AddW, BitW, CmpW, Fuel64, Inc, Overflow, ShlW, ShrW, SubW, Underflow};
use crate::reason::{self, Reason};
use crate::reflect::{Dir, Op};
use crate::value::{BrokenCell, Class, ListK, ListShape, NumK, RecK, Record, Value};
use rules::*;

// Output aliases for the projections the rules repeat.

/// The kind (number, list or record) of value `X`: [`NumK`], [`ListK`] or [`RecK`].
type KindOf<X> = <X as Class>::K;
/// Register `Rn` of register file `R`.
type RegGet<Rn, R> = <Rn as Register<R>>::Get;
/// Register file `R` with register `Rn` set to `V`.
type RegSet<Rn, R, V> = <Rn as Register<R>>::Set<V>;
/// Condition `C` by its value: `UTerm` (0) for zero, `U1` otherwise.
type TruthOf<C> = <C as Truth>::Out;

/// An instruction: a type with a reflected opcode.
pub trait Instr {
    const OP: Op;
}

/// An instruction at index `PC` of program `P`: how `program!` reflects each
/// instruction, so that a type that is not one is named with its place.
#[diagnostic::on_unimplemented(
    message = "`{Self}` at instruction #{PC} of `{P}` is not a typevm instruction",
    label = "not an instruction",
    note = "instructions are the types in `typevm::isa` (`Push<V>`, `Add`, `Jmp<Fwd<N>>`, ...)"
)]
pub trait InstrAt<P, const PC: usize> {
    const OP: Op;
}
impl<I: Instr, P, const PC: usize> InstrAt<P, PC> for I {
    const OP: Op = I::OP;
}

macro_rules! unit_instr {
    ($($(#[$m:meta])* $name:ident => $op:expr;)*) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl Instr for $name { const OP: Op = $op; }
    )*};
}

unit_instr! {
    /// Drop the top of the stack.
    Pop => Op::Pop;
    /// Push a copy of the top.
    Dup => Op::Dup;
    /// Exchange the top two values.
    Swap => Op::Swap;
    /// Push a copy of the second value.
    Over => Op::Over;
    /// `a + b`.
    Add => Op::Add;
    /// `a - b`; faults when `b > a`.
    Sub => Op::Sub;
    /// Bitwise `a & b`.
    And => Op::And;
    /// Bitwise `a | b`.
    Or => Op::Or;
    /// Bitwise `a ^ b`.
    Xor => Op::Xor;
    /// `a << b`.
    Shl => Op::Shl;
    /// `a >> b`.
    Shr => Op::Shr;
    /// `a == b` as 1 or 0.
    Eq => Op::Eq;
    /// `a < b` as 1 or 0.
    Lt => Op::Lt;
    /// Pop a list; push `tail, head, 1`, or `0` when it is empty.
    Uncons => Op::Uncons;
    /// Stop: the run is accepted.
    Halt => Op::Halt;
    /// Pop an address; push the memory word there.
    Peek => Op::Peek;
    /// Pop a value and an address; store the value there.
    Poke => Op::Poke;
}

/// Push the value `V`.
pub struct Push<V>(PhantomData<V>);
impl<V: Value> Instr for Push<V> {
    const OP: Op = Op::Push(V::VAL);
}
/// Push register `Rn`.
pub struct Load<Rn>(PhantomData<Rn>);
/// Pop into register `Rn`.
pub struct Store<Rn>(PhantomData<Rn>);
/// Pop a record and push its field `N` (a typenum, from 0).
pub struct Field<N>(PhantomData<N>);
impl<N: typenum::Unsigned> Instr for Field<N> {
    const OP: Op = {
        assert!(N::U64 < 256, "`Field<N>` takes a field number below 256");
        Op::Field(N::U8)
    };
}
/// Pop an index `i` (below 64) and push bit `i` of register `Rn`: 1 or 0.
pub struct TestBit<Rn>(PhantomData<Rn>);
/// Pop an index `i` (below 64) and set bit `i` of register `Rn`.
pub struct SetBit<Rn>(PhantomData<Rn>);
/// Pop a number and push how many zero bits end it: the index of its lowest
/// set bit, or 64 for 0.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ctz;
impl Instr for Ctz {
    const OP: Op = Op::Ctz;
}
/// Pop an item and fault with reason `R` about it.
pub struct Fail<R>(PhantomData<R>);
impl<R: Reason> Instr for Fail<R> {
    const OP: Op = Op::Fail(&R::INFO);
}
/// Pop a condition and an item; fault with reason `R` about the item when
/// the condition is 0.
pub struct Assert<R = reason::AssertionFailed>(PhantomData<R>);
impl<R: Reason> Instr for Assert<R> {
    const OP: Op = Op::Assert(&R::INFO);
}

/// Pop two items (the top is the second) and fault with reason `R` about the pair.
pub struct Fail2<R>(PhantomData<R>);
impl<R: Reason> Instr for Fail2<R> {
    const OP: Op = Op::Fail2(&R::INFO);
}
/// Pop a condition and two items; fault with reason `R` about the pair when
/// the condition is 0.
pub struct Assert2<R>(PhantomData<R>);
impl<R: Reason> Instr for Assert2<R> {
    const OP: Op = Op::Assert2(&R::INFO);
}

/// Pop a condition and an item; when the condition is 0, note violation
/// `R` about the item and go on.
pub struct Report<R>(PhantomData<R>);
impl<R: Reason> Instr for Report<R> {
    const OP: Op = Op::Report(&R::INFO);
}
/// Pop a condition and two items; when the condition is 0, note violation
/// `R` about the pair and go on.
pub struct Report2<R>(PhantomData<R>);
impl<R: Reason> Instr for Report2<R> {
    const OP: Op = Op::Report2(&R::INFO);
}

/// Jump distance: `N` instructions forward (0 continues with the next one).
pub struct Fwd<N>(PhantomData<N>);
/// Jump distance: to the instruction `N` before the jump (0 is the jump itself).
pub struct Back<N>(PhantomData<N>);
/// Jump unconditionally.
pub struct Jmp<D>(PhantomData<D>);
/// Pop a number; jump when it is zero.
pub struct Jz<D>(PhantomData<D>);
/// Pop a number; jump when it is not zero.
pub struct Jnz<D>(PhantomData<D>);

/// Reflection of a jump distance.
pub trait Distance {
    const DIR: Dir;
    const N: u64;
}
impl<N: typenum::Unsigned> Distance for Fwd<N> {
    const DIR: Dir = Dir::Fwd;
    const N: u64 = N::U64;
}
impl<N: typenum::Unsigned> Distance for Back<N> {
    const DIR: Dir = Dir::Back;
    const N: u64 = N::U64;
}
impl<D: Distance> Instr for Jmp<D> {
    const OP: Op = Op::Jmp(D::DIR, D::N);
}
/// `program!` links a jump written with a literal distance (`Jz<Fwd<U9>>`)
/// by reading the literal; this holds the link to the type's own value, so
/// that a name that lies (`type U9 = typenum::U5;`) cannot make the type
/// level jump one way and the twin another.
#[doc(hidden)]
pub const fn linked_as<I: Instr>(forward: bool, distance: u64) {
    let (dir, n) = match I::OP {
        Op::Jmp(d, n) | Op::Jz(d, n) | Op::Jnz(d, n) => (d, n),
        // `program!` calls this only for the three jumps.
        _ => panic!("`program!` linked an instruction that is not a jump"),
    };
    if matches!(dir, Dir::Fwd) != forward || n != distance {
        panic!(
            "this jump's distance is not the number its name reads as: `program!` links a jump by the literal \
             it is written with; write the distance as `U<n>` of typenum, `num!(n)` or a label"
        );
    }
}
impl<D: Distance> Instr for Jz<D> {
    const OP: Op = Op::Jz(D::DIR, D::N);
}
impl<D: Distance> Instr for Jnz<D> {
    const OP: Op = Op::Jnz(D::DIR, D::N);
}

// ------------------------------------------------------------- registers

/// Register markers.
pub mod regs {
    /// Register r0.
    pub struct R0;
    /// Register r1.
    pub struct R1;
    /// Register r2.
    pub struct R2;
    /// Register r3.
    pub struct R3;
    /// Register r4.
    pub struct R4;
    /// Register r5.
    pub struct R5;
    /// Register r6.
    pub struct R6;
    /// Register r7.
    pub struct R7;
}
use regs::*;

macro_rules! registers {
    ($($r:ident $i:literal: [$($b:ident),*] $x:ident [$($a:ident),*];)*) => {$(
        impl<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg> Register<Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>> for $r {
            type Get = $x;
            type Set<V> = Regs<$($b,)* V $(, $a)*, Mem, Lg>;
        }
        /// `Load<Rn>`: `[s..] -> [s.., rn]`.
        impl<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg, S, B, A> Execute<Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>, S, B, A>
            for Load<$r>
        {
            type Next = Vm<Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>, HCons<$x, S>, B, A>;
        }
        /// `Store<Rn>`: `[s.., x] -> [s..]`, `rn = x`.
        impl<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg, V, S, B, A>
            Execute<Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>, HCons<V, S>, B, A> for Store<$r>
        {
            type Next = Vm<Regs<$($b,)* V $(, $a)*, Mem, Lg>, S, B, A>;
        }
        impl Instr for Load<$r> { const OP: Op = Op::Load($i); }
        impl Instr for Store<$r> { const OP: Op = Op::Store($i); }
        impl Instr for TestBit<$r> { const OP: Op = Op::TestBit($i); }
        impl Instr for SetBit<$r> { const OP: Op = Op::SetBit($i); }
    )*};
}
registers! {
    R0 0: [] X0 [X1, X2, X3, X4, X5, X6, X7];
    R1 1: [X0] X1 [X2, X3, X4, X5, X6, X7];
    R2 2: [X0, X1] X2 [X3, X4, X5, X6, X7];
    R3 3: [X0, X1, X2] X3 [X4, X5, X6, X7];
    R4 4: [X0, X1, X2, X3] X4 [X5, X6, X7];
    R5 5: [X0, X1, X2, X3, X4] X5 [X6, X7];
    R6 6: [X0, X1, X2, X3, X4, X5] X6 [X7];
    R7 7: [X0, X1, X2, X3, X4, X5, X6] X7 [];
}

// ---------------------------------------------------------------- results

/// `Produced<V>`: `[s..] -> [s.., V]`, on to the next instruction.
impl<V, R, S, B, A, Orig> Resume<R, S, B, A, Orig> for Produced<V> {
    type Next = Vm<R, HCons<V, S>, B, A>;
}
/// `Refused<Rs, It>`: fault `Rs` about `It`, with the stack as it was before the instruction.
impl<Rs, It, R, S, B, A, Orig> Resume<R, S, B, A, Orig> for Refused<Rs, It> {
    type Next = Faulted<Rs, It, AtHead, R, Orig, B, A>;
}

/// A fault because the stack had too few values.
type Underflowed<R, S, B, A> = Faulted<reason::StackUnderflow, NoItem, AtHead, R, S, B, A>;

// ------------------------------------------------------------- stack ops

/// `Push<V>`: `[s..] -> [s.., V]`.
impl<V, R, S, B, A> Execute<R, S, B, A> for Push<V> {
    type Next = Vm<R, HCons<V, S>, B, A>;
}
/// `Pop`: `[s.., x] -> [s..]`.
impl<X, R, S, B, A> Execute<R, HCons<X, S>, B, A> for Pop {
    type Next = Vm<R, S, B, A>;
}
/// `Dup`: `[s.., x] -> [s.., x, x]`.
impl<X, R, S, B, A> Execute<R, HCons<X, S>, B, A> for Dup {
    type Next = Vm<R, HCons<X, HCons<X, S>>, B, A>;
}
/// `Swap`: `[s.., x, y] -> [s.., y, x]`.
impl<X, Y, R, S, B, A> Execute<R, HCons<Y, HCons<X, S>>, B, A> for Swap {
    type Next = Vm<R, HCons<X, HCons<Y, S>>, B, A>;
}
/// `Over`: `[s.., x, y] -> [s.., x, y, x]`.
impl<X, Y, R, S, B, A> Execute<R, HCons<Y, HCons<X, S>>, B, A> for Over {
    type Next = Vm<R, HCons<X, HCons<Y, HCons<X, S>>>, B, A>;
}
// `Load<Rn>` and `Store<Rn>` match the register file's fields directly (one
// impl per register, in `registers!` above): no `Register` goal and no
// projection left in the next machine for the solver to normalize.

/// Stack underflow for instructions that pop one value.
macro_rules! needs_one {
    ($($i:ty $([$($p:ident),*])?;)*) => {$(
        impl<$($($p,)*)? R, B, A> Execute<R, HNil, B, A> for $i {
            type Next = Underflowed<R, HNil, B, A>;
        }
    )*};
}
/// Stack underflow for instructions that pop two values.
macro_rules! needs_two {
    ($($i:ty $([$($p:ident),*])?;)*) => {$(
        needs_one!($i $([$($p),*])?;);
        impl<$($($p,)*)? X, R, B, A> Execute<R, HCons<X, HNil>, B, A> for $i {
            type Next = Underflowed<R, HCons<X, HNil>, B, A>;
        }
    )*};
}
/// Stack underflow for instructions that pop three values.
macro_rules! needs_three {
    ($($i:ty $([$($p:ident),*])?;)*) => {$(
        needs_two!($i $([$($p),*])?;);
        impl<$($($p,)*)? X, Y, R, B, A> Execute<R, HCons<Y, HCons<X, HNil>>, B, A> for $i {
            type Next = Underflowed<R, HCons<Y, HCons<X, HNil>>, B, A>;
        }
    )*};
}
needs_one! { Pop; Dup; Store<Rn> [Rn]; Uncons; Field<N> [N]; Fail<Rs> [Rs]; Jz<D> [D]; Jnz<D> [D]; Peek; TestBit<Rn> [Rn]; SetBit<Rn> [Rn]; Ctz; }
needs_two! { Swap; Over; Add; Sub; And; Or; Xor; Shl; Shr; Eq; Lt; Assert<Rs> [Rs]; Fail2<Rs> [Rs]; Poke; Report<Rs> [Rs]; }
needs_three! { Assert2<Rs> [Rs]; Report2<Rs> [Rs]; }

// ------------------------------------------------------------ arithmetic

impl<Op: NumOp<X, Y>, X, Y> Binary<NumK, NumK, X, Y> for Op {
    type Out = <Op as NumOp<X, Y>>::Out;
}
macro_rules! not_numbers {
    ($($kx:ty, $ky:ty => $bad:ident;)*) => {$(
        impl<Op, X, Y> Binary<$kx, $ky, X, Y> for Op { type Out = Refused<reason::NotANumber, $bad>; }
    )*};
}
not_numbers! {
    ListK, NumK => X; RecK, NumK => X; ListK, ListK => X; ListK, RecK => X;
    RecK, ListK => X; RecK, RecK => X; NumK, ListK => Y; NumK, RecK => Y;
}

/// `x op y` past 64 bits: fault `ArithmeticOverflow` about `(x, y)`.
impl<X, Y> Checked<X, Y> for Overflow {
    type Out = Refused<reason::ArithmeticOverflow, Pair<X, Y>>;
}
/// `x - y` below zero: fault `SubtractUnderflow` about `(x, y)`.
impl<X, Y> Checked<X, Y> for Underflow {
    type Out = Refused<reason::SubtractUnderflow, Pair<X, Y>>;
}
/// A zero result is produced.
impl<X, Y> Checked<X, Y> for UTerm {
    type Out = Produced<UTerm>;
}
/// A non-zero result is produced.
impl<X, Y, U, Bt> Checked<X, Y> for UInt<U, Bt> {
    type Out = Produced<UInt<U, Bt>>;
}

impl<X, Y, A> ShiftChecked<X, Y, A> for UTerm {
    type Out = Produced<UTerm>;
}
impl<X, Y, A, U, Bt> ShiftChecked<X, Y, A> for UInt<U, Bt> {
    type Out = Produced<UInt<U, Bt>>;
}
/// `x << y` with `y < 64` that loses bits: fault `ArithmeticOverflow`.
impl<X, Y> ShiftChecked<X, Y, num::Less> for Overflow {
    type Out = Refused<reason::ArithmeticOverflow, Pair<X, Y>>;
}
/// A shift by exactly 64: fault `ShiftTooFar`.
impl<X, Y> ShiftChecked<X, Y, num::Equal> for Overflow {
    type Out = Refused<reason::ShiftTooFar, Pair<X, Y>>;
}
/// A shift by more than 64: fault `ShiftTooFar`.
impl<X, Y> ShiftChecked<X, Y, num::Greater> for Overflow {
    type Out = Refused<reason::ShiftTooFar, Pair<X, Y>>;
}

/// 64 as a typenum.
type U64 = typenum::U64;

/// `Add`: `x + y`, checked.
impl<X: AddW<Y, B0, Fuel64>, Y> NumOp<X, Y> for Add
where
    num::SumOf<X, Y>: Checked<X, Y>,
{
    type Out = <num::SumOf<X, Y> as Checked<X, Y>>::Out;
}
/// `Sub`: `x - y`, checked.
impl<X: SubW<Y, B0>, Y> NumOp<X, Y> for Sub
where
    num::DifferenceOf<X, Y>: Checked<X, Y>,
{
    type Out = <num::DifferenceOf<X, Y> as Checked<X, Y>>::Out;
}
macro_rules! bitwise {
    ($($i:ident => $op:ty;)*) => {$(
        impl<X: BitW<$op, Y>, Y> NumOp<X, Y> for $i {
            type Out = Produced<num::BitwiseOf<$op, X, Y>>;
        }
    )*};
}
bitwise! { And => num::AndOp; Or => num::OrOp; Xor => num::XorOp; }
/// `Shl`: `x << y`, checked (bits lost, or `y >= 64`, fault).
impl<X: ShlW<Y>, Y: CmpW<U64, num::Equal>> NumOp<X, Y> for Shl
where
    num::ShiftedLeft<X, Y>: ShiftChecked<X, Y, num::Comparison<Y, U64>>,
{
    type Out = <num::ShiftedLeft<X, Y> as ShiftChecked<X, Y, num::Comparison<Y, U64>>>::Out;
}
/// `Shr`: `x >> y` (`y >= 64` faults).
impl<X: ShrW<Y>, Y: CmpW<U64, num::Equal>> NumOp<X, Y> for Shr
where
    num::ShiftedRight<X, Y>: ShiftChecked<X, Y, num::Comparison<Y, U64>>,
{
    type Out = <num::ShiftedRight<X, Y> as ShiftChecked<X, Y, num::Comparison<Y, U64>>>::Out;
}

/// `x == y` when they compare `Equal`: 1.
impl IsEq for num::Equal {
    type Out = U1;
}
/// `x == y` when `x < y`: 0.
impl IsEq for num::Less {
    type Out = U0;
}
/// `x == y` when `x > y`: 0.
impl IsEq for num::Greater {
    type Out = U0;
}
/// `x < y` when `x < y`: 1.
impl IsLt for num::Less {
    type Out = U1;
}
/// `x < y` when they are equal: 0.
impl IsLt for num::Equal {
    type Out = U0;
}
/// `x < y` when `x > y`: 0.
impl IsLt for num::Greater {
    type Out = U0;
}
/// `Eq`: `x == y` as 1 or 0.
impl<X: CmpW<Y, num::Equal>, Y> NumOp<X, Y> for Eq
where
    num::Comparison<X, Y>: IsEq,
{
    type Out = Produced<<num::Comparison<X, Y> as IsEq>::Out>;
}
/// `Lt`: `x < y` as 1 or 0.
impl<X: CmpW<Y, num::Equal>, Y> NumOp<X, Y> for Lt
where
    num::Comparison<X, Y>: IsLt,
{
    type Out = Produced<<num::Comparison<X, Y> as IsLt>::Out>;
}

macro_rules! binary_instr {
    ($($i:ident;)*) => {$(
        impl<X, Y, R, S, B, A, Res> Execute<R, HCons<Y, HCons<X, S>>, B, A> for $i
        where
            X: Class,
            Y: Class,
            $i: Binary<KindOf<X>, KindOf<Y>, X, Y, Out = Res>,
            Res: Resume<R, S, B, A, HCons<Y, HCons<X, S>>>,
        {
            type Next = <Res as Resume<R, S, B, A, HCons<Y, HCons<X, S>>>>::Next;
        }
    )*};
}
binary_instr! { Add; Sub; And; Or; Xor; Shl; Shr; Eq; Lt; }

// -------------------------------------------------------------- bit ops

// `TestBit<Rn>` and `SetBit<Rn>` are binary operations on the register's
// value (left) and the popped index (right), dispatched like `Shr`: a
// non-number faults about the first operand that is not one, an index of
// 64 or more with `ShiftTooFar` about the pair.
// Sibling where-clauses, not nested projections: each step is its own goal
// one level down, so the instruction's solver depth stays flat.
/// `TestBit`: `(x >> i) & 1` for register value `x` and index `i` (`i >= 64` faults).
impl<Rn, X, Y, Ord, Sh, Res> NumOp<X, Y> for TestBit<Rn>
where
    Y: CmpW<U64, num::Equal, Out = Ord>,
    X: ShrW<Y, Out = Sh>,
    Sh: ShiftChecked<X, Y, Ord>,
    <Sh as ShiftChecked<X, Y, Ord>>::Out: LowBitOf<Out = Res>,
{
    type Out = Res;
}
/// The low bit of a shifted value, as the number 1 or 0.
impl<V: num::Low> LowBitOf for Produced<V>
where
    <V as num::Low>::Bit: BitAsNum,
{
    type Out = Produced<<<V as num::Low>::Bit as BitAsNum>::Out>;
}
/// A refused shift stays refused.
impl<Rs, It> LowBitOf for Refused<Rs, It> {
    type Out = Refused<Rs, It>;
}
/// Bit `B0` as the number 0.
impl BitAsNum for B0 {
    type Out = U0;
}
/// Bit `B1` as the number 1.
impl BitAsNum for typenum::B1 {
    type Out = U1;
}
/// `SetBit`: `x | (1 << i)` for register value `x` and index `i` (`i >= 64` faults).
impl<Rn, X, Y, Ord, Sh, Res> NumOp<X, Y> for SetBit<Rn>
where
    Y: CmpW<U64, num::Equal, Out = Ord>,
    U1: ShlW<Y, Out = Sh>,
    Sh: ShiftChecked<X, Y, Ord>,
    <Sh as ShiftChecked<X, Y, Ord>>::Out: OrInto<X, Out = Res>,
{
    type Out = Res;
}
/// `X | bit` for the shifted one bit.
impl<X: BitW<num::OrOp, V>, V> OrInto<X> for Produced<V> {
    type Out = Produced<num::BitwiseOf<num::OrOp, X, V>>;
}
/// A refused shift stays refused.
impl<X, Rs, It> OrInto<X> for Refused<Rs, It> {
    type Out = Refused<Rs, It>;
}

/// `TestBit<Rn>`: `[s.., i] -> [s.., bit i of rn]`.
impl<Rn, Y, R, S, B, A, Res> Execute<R, HCons<Y, S>, B, A> for TestBit<Rn>
where
    Rn: Register<R>,
    RegGet<Rn, R>: Class,
    Y: Class,
    TestBit<Rn>: Binary<KindOf<RegGet<Rn, R>>, KindOf<Y>, RegGet<Rn, R>, Y, Out = Res>,
    Res: Resume<R, S, B, A, HCons<Y, S>>,
{
    type Next = <Res as Resume<R, S, B, A, HCons<Y, S>>>::Next;
}
/// `SetBit<Rn>`: `[s.., i] -> [s..]`, `rn |= 1 << i`.
impl<Rn, Y, R, S, B, A, Res> Execute<R, HCons<Y, S>, B, A> for SetBit<Rn>
where
    Rn: Register<R>,
    RegGet<Rn, R>: Class,
    Y: Class,
    SetBit<Rn>: Binary<KindOf<RegGet<Rn, R>>, KindOf<Y>, RegGet<Rn, R>, Y, Out = Res>,
    Res: StoreResult<Rn, R, S, B, A, HCons<Y, S>>,
{
    type Next = <Res as StoreResult<Rn, R, S, B, A, HCons<Y, S>>>::Next;
}
/// `SetBit`'s result goes back into its register.
impl<Rn: Register<R>, V, R, S, B, A, Orig> StoreResult<Rn, R, S, B, A, Orig> for Produced<V> {
    type Next = Vm<RegSet<Rn, R, V>, S, B, A>;
}
/// A refused `SetBit` faults with the stack as it was.
impl<Rn, Rs, It, R, S, B, A, Orig> StoreResult<Rn, R, S, B, A, Orig> for Refused<Rs, It> {
    type Next = Faulted<Rs, It, AtHead, R, Orig, B, A>;
}

/// `Ctz` of a number; anything else faults with `NotANumber` about it.
impl<X: num::TrailingZeros> CtzK<NumK> for X {
    type Out = Produced<num::TrailingZerosOf<X>>;
}
/// `Ctz` of a list: `NotANumber` about it.
impl<X> CtzK<ListK> for X {
    type Out = Refused<reason::NotANumber, X>;
}
/// `Ctz` of a record: `NotANumber` about it.
impl<X> CtzK<RecK> for X {
    type Out = Refused<reason::NotANumber, X>;
}
/// `Ctz`: `[s.., x] -> [s.., trailing zeros of x]`.
impl<X: Class, R, S, B, A, Res> Execute<R, HCons<X, S>, B, A> for Ctz
where
    X: CtzK<KindOf<X>, Out = Res>,
    Res: Resume<R, S, B, A, HCons<X, S>>,
{
    type Next = <Res as Resume<R, S, B, A, HCons<X, S>>>::Next;
}

// ------------------------------------------------------------------ jumps

// A jump lands in one tick: the `Behind` cell with the jump at its head
// links to the cells of its target (`program!` resolved the distance), so
// `Jmp<D>`'s rule only follows that link. `D` is kept for reflection.
/// `Land<B2, A2>`: continue with the target's cells.
impl<R, S, B, A, Orig, B2, A2> Jump<R, S, B, A, Orig> for Land<B2, A2> {
    type Next = Vm<R, S, B2, A2>;
}
/// `Outside<Rs>`: the target is not in the program; fault at the jump with
/// the stack as it was before it.
impl<R, S, B, A, Orig, Rs> Jump<R, S, B, A, Orig> for Outside<Rs> {
    type Next = Faulted<Rs, NoItem, AtHead, R, Orig, B, A>;
}

/// `Jmp<D>`: continue at the target the cell links to.
impl<D, R, S, B: Behind, A> Execute<R, S, B, A> for Jmp<D>
where
    B::Jump: Jump<R, S, B, A, S>,
{
    type Next = <B::Jump as Jump<R, S, B, A, S>>::Next;
}

// A conditional jump decides on its condition alone (small, cached), then
// one `Go` continues: through the jump link, to the next instruction, or to
// a fault with the stack as it was.
macro_rules! branch {
    ($($i:ident: zero => $z:ident, nonzero => $nz:ident;)*) => {$(
        impl<D> Branch<NumK, UTerm> for $i<D> {
            type Out = $z;
        }
        impl<D, U, Bt> Branch<NumK, UInt<U, Bt>> for $i<D> {
            type Out = $nz;
        }
        impl<D, C> Branch<ListK, C> for $i<D> {
            type Out = Refused<reason::NotANumber, C>;
        }
        impl<D, C> Branch<RecK, C> for $i<D> {
            type Out = Refused<reason::NotANumber, C>;
        }
        impl<D, C, R, S, B, A, W> Execute<R, HCons<C, S>, B, A> for $i<D>
        where
            C: Class + Truth,
            $i<D>: Branch<KindOf<C>, TruthOf<C>, Out = W>,
            W: Go<R, S, B, A, HCons<C, S>>,
        {
            type Next = <W as Go<R, S, B, A, HCons<C, S>>>::Next;
        }
    )*};
}
/// A taken branch jumps like `Jmp`.
impl<R, S, B: Behind, A, Orig> Go<R, S, B, A, Orig> for Taken
where
    B::Jump: Jump<R, S, B, A, Orig>,
{
    type Next = <B::Jump as Jump<R, S, B, A, Orig>>::Next;
}
/// A branch not taken goes on to the next instruction, the condition popped.
impl<R, S, B, A, Orig> Go<R, S, B, A, Orig> for NotTaken {
    type Next = Vm<R, S, B, A>;
}
/// A branch on a value that is not a number faults.
impl<Rs, It, R, S, B, A, Orig> Go<R, S, B, A, Orig> for Refused<Rs, It> {
    type Next = Faulted<Rs, It, AtHead, R, Orig, B, A>;
}
branch! {
    Jz: zero => Taken, nonzero => NotTaken;
    Jnz: zero => NotTaken, nonzero => Taken;
}

// ------------------------------------------------------------- end of run

/// `Halt`: the run stops, accepted (rejected if it noted violations).
impl<R, S, B, A> Execute<R, S, B, A> for Halt {
    type Next = Halted<R, S, B, A>;
}
/// `Fail<Rs>`: `[s.., x]` stops with fault `Rs` about `x`.
impl<Rs, X, R, S, B, A> Execute<R, HCons<X, S>, B, A> for Fail<Rs> {
    type Next = Faulted<Rs, X, AtHead, R, HCons<X, S>, B, A>;
}

/// `Assert<Rs>` on 0: fault `Rs` about the item.
impl<Rs, X, R, S, B, A, Orig> Check<NumK, UTerm, X, R, S, B, A, Orig> for Assert<Rs> {
    type Next = Faulted<Rs, X, AtHead, R, Orig, B, A>;
}
/// `Assert<Rs>` on a non-zero number: `[s.., x, c] -> [s..]`.
impl<Rs, U, Bt, X, R, S, B, A, Orig> Check<NumK, UInt<U, Bt>, X, R, S, B, A, Orig> for Assert<Rs> {
    type Next = Vm<R, S, B, A>;
}
/// `Assert<Rs>` on a list: `NotANumber` about it.
impl<Rs, C, X, R, S, B, A, Orig> Check<ListK, C, X, R, S, B, A, Orig> for Assert<Rs> {
    type Next = Faulted<reason::NotANumber, C, AtHead, R, Orig, B, A>;
}
/// `Assert<Rs>` on a record: `NotANumber` about it.
impl<Rs, C, X, R, S, B, A, Orig> Check<RecK, C, X, R, S, B, A, Orig> for Assert<Rs> {
    type Next = Faulted<reason::NotANumber, C, AtHead, R, Orig, B, A>;
}
/// `Assert<Rs>`: `[s.., x, c]`, decided on `c`'s kind and value.
impl<Rs, C: Class + Truth, X, R, S, B, A> Execute<R, HCons<C, HCons<X, S>>, B, A> for Assert<Rs>
where
    Assert<Rs>: Check<KindOf<C>, TruthOf<C>, X, R, S, B, A, HCons<C, HCons<X, S>>>,
{
    type Next = <Assert<Rs> as Check<KindOf<C>, TruthOf<C>, X, R, S, B, A, HCons<C, HCons<X, S>>>>::Next;
}

// ------------------------------------------------------------------ data

// `Uncons` decides on the list alone (a small goal, cached across ticks:
// a loop unconses the same cells every pass) and one `Resume` builds the
// next machine.
/// A list's shape: `HNil` → empty, `HCons<H, T>` → head and tail.
impl<L: ListShape> UnconsK<ListK> for L
where
    <L as ListShape>::Shape: UnconsShape,
{
    type Out = <<L as ListShape>::Shape as UnconsShape>::Out;
}
/// `[]`: push 0.
impl UnconsShape for HNil {
    type Out = Produced<U0>;
}
/// `h :: t`: push `t`, `h`, 1.
impl<H, T> UnconsShape for HCons<H, T> {
    type Out = Unconsed<H, T>;
}
/// A nominal cell whose rank does not hold: `BrokenList` about it.
impl<T> UnconsShape for BrokenCell<T> {
    type Out = Refused<reason::BrokenList, T>;
}
/// Not a list: `NotAList` about it.
impl<L> UnconsK<NumK> for L {
    type Out = Refused<reason::NotAList, L>;
}
/// `Uncons` of a record: `NotAList` about it.
impl<L> UnconsK<RecK> for L {
    type Out = Refused<reason::NotAList, L>;
}
/// `h :: t` pushes `t`, `h`, 1.
impl<H, T, R, S, B, A, Orig> Resume<R, S, B, A, Orig> for Unconsed<H, T> {
    type Next = Vm<R, HCons<U1, HCons<H, HCons<T, S>>>, B, A>;
}
/// `Uncons`: `[s.., l] -> [s.., t, h, 1]` or `[s.., 0]`.
impl<L: Class, R, S, B, A, Res> Execute<R, HCons<L, S>, B, A> for Uncons
where
    L: UnconsK<KindOf<L>, Out = Res>,
    Res: Resume<R, S, B, A, HCons<L, S>>,
{
    type Next = <Res as Resume<R, S, B, A, HCons<L, S>>>::Next;
}

/// Item 0 of `h :: t` is `h`.
impl<H, T> Nth<UTerm> for HCons<H, T> {
    type Out = Produced<H>;
}
/// No item `N` in `[]`: `NoSuchField`.
impl<N> Nth<N> for HNil {
    type Out = Refused<reason::NoSuchField, NoItem>;
}
/// Item `n` of `h :: t` is item `n - 1` of `t`.
impl<H, T, U, Bt, N1> Nth<UInt<U, Bt>> for HCons<H, T>
where
    UInt<U, Bt>: SubW<U1, B0, Out = N1>,
    T: Nth<N1>,
{
    type Out = <T as Nth<N1>>::Out;
}

// `Field<N>` decides on the record alone (cached per record type) and one
// `Resume` builds the next machine.
/// Field `N` of a record, or `NoSuchField` about the record.
impl<N, X: Record> FieldK<RecK, N> for X
where
    X::Fields: Nth<N>,
    <X::Fields as Nth<N>>::Out: FieldOf<X>,
{
    type Out = <<X::Fields as Nth<N>>::Out as FieldOf<X>>::Out;
}
/// A field found is produced.
impl<V, X> FieldOf<X> for Produced<V> {
    type Out = Produced<V>;
}
/// No such field: `NoSuchField` about the record.
impl<It, X> FieldOf<X> for Refused<reason::NoSuchField, It> {
    type Out = Refused<reason::NoSuchField, X>;
}
/// Not a record: `NotARecord` about it.
impl<N, X> FieldK<NumK, N> for X {
    type Out = Refused<reason::NotARecord, X>;
}
/// `Field` of a list: `NotARecord` about it.
impl<N, X> FieldK<ListK, N> for X {
    type Out = Refused<reason::NotARecord, X>;
}
/// `Field<N>`: `[s.., x] -> [s.., field N of x]`.
impl<N, X: Class, R, S, B, A, Res> Execute<R, HCons<X, S>, B, A> for Field<N>
where
    X: FieldK<KindOf<X>, N, Out = Res>,
    Res: Resume<R, S, B, A, HCons<X, S>>,
{
    type Next = <Res as Resume<R, S, B, A, HCons<X, S>>>::Next;
}

/// `Fail2<Rs>`: `[s.., x, y]` stops with fault `Rs` about `(x, y)`.
impl<Rs, X, Y, R, S, B, A> Execute<R, HCons<Y, HCons<X, S>>, B, A> for Fail2<Rs> {
    type Next = Faulted<Rs, Pair<X, Y>, AtHead, R, HCons<Y, HCons<X, S>>, B, A>;
}

/// `Assert2<Rs>` on 0: fault `Rs` about the pair.
impl<Rs, X, Y, R, S, B, A, Orig> Check2<NumK, UTerm, X, Y, R, S, B, A, Orig> for Assert2<Rs> {
    type Next = Faulted<Rs, Pair<X, Y>, AtHead, R, Orig, B, A>;
}
/// `Assert2<Rs>` on a non-zero number: `[s.., x, y, c] -> [s..]`.
impl<Rs, U, Bt, X, Y, R, S, B, A, Orig> Check2<NumK, UInt<U, Bt>, X, Y, R, S, B, A, Orig> for Assert2<Rs> {
    type Next = Vm<R, S, B, A>;
}
/// `Assert2<Rs>` on a list: `NotANumber` about it.
impl<Rs, C, X, Y, R, S, B, A, Orig> Check2<ListK, C, X, Y, R, S, B, A, Orig> for Assert2<Rs> {
    type Next = Faulted<reason::NotANumber, C, AtHead, R, Orig, B, A>;
}
/// `Assert2<Rs>` on a record: `NotANumber` about it.
impl<Rs, C, X, Y, R, S, B, A, Orig> Check2<RecK, C, X, Y, R, S, B, A, Orig> for Assert2<Rs> {
    type Next = Faulted<reason::NotANumber, C, AtHead, R, Orig, B, A>;
}
/// `Assert2<Rs>`: `[s.., x, y, c]`, decided on `c`'s kind and value.
impl<Rs, C: Class + Truth, X, Y, R, S, B, A> Execute<R, HCons<C, HCons<Y, HCons<X, S>>>, B, A> for Assert2<Rs>
where
    Assert2<Rs>: Check2<KindOf<C>, TruthOf<C>, X, Y, R, S, B, A, HCons<C, HCons<Y, HCons<X, S>>>>,
{
    type Next = <Assert2<Rs> as Check2<KindOf<C>, TruthOf<C>, X, Y, R, S, B, A, HCons<C, HCons<Y, HCons<X, S>>>>>::Next;
}

// --------------------------------------------------------------- reports

/// `Note<N>`: the log after noting `N` (kept while there is room, else counted).
impl<N, L, Rm: Room, D> Note<N> for Notes<L, Rm, D> {
    type Out = Notes<HCons<N, L>, Rm::Less, D>;
}
/// No room left: count the note in `Dropped`.
impl<N, L, D: Inc> Note<N> for Notes<L, Room0, D> {
    type Out = Notes<L, Room0, <D as Inc>::Out>;
}
/// `Report<R>`/`Report2<R>` on condition `C` of kind `K`: zero notes `N`.
impl<N, X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg: Note<N>, S, B, A, Orig> Noting<NumK, UTerm, N, S, B, A, Orig>
    for Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>
{
    type Next = Vm<Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, <Lg as Note<N>>::Out>, S, B, A>;
}
/// `Report` on a non-zero number: nothing noted, the operands popped.
impl<U, Bt, N, R, S, B, A, Orig> Noting<NumK, UInt<U, Bt>, N, S, B, A, Orig> for R {
    type Next = Vm<R, S, B, A>;
}
/// `Report` on a list: `NotANumber` about it.
impl<C, N, R, S, B, A, Orig> Noting<ListK, C, N, S, B, A, Orig> for R {
    type Next = Faulted<reason::NotANumber, C, AtHead, R, Orig, B, A>;
}
/// `Report` on a record: `NotANumber` about it.
impl<C, N, R, S, B, A, Orig> Noting<RecK, C, N, S, B, A, Orig> for R {
    type Next = Faulted<reason::NotANumber, C, AtHead, R, Orig, B, A>;
}
/// `Report<Rs>`: `[s.., x, c] -> [s..]`, noting `Rs` about `x` when `c` is 0.
impl<Rs, C: Class + Truth, X, R, S, B, A> Execute<R, HCons<C, HCons<X, S>>, B, A> for Report<Rs>
where
    R: Noting<KindOf<C>, TruthOf<C>, Noted<Rs, X>, S, B, A, HCons<C, HCons<X, S>>>,
{
    type Next = <R as Noting<KindOf<C>, TruthOf<C>, Noted<Rs, X>, S, B, A, HCons<C, HCons<X, S>>>>::Next;
}
/// `Report2<Rs>`: `[s.., x, y, c] -> [s..]`, noting `Rs` about `(x, y)` when `c` is 0.
impl<Rs, C: Class + Truth, X, Y, R, S, B, A> Execute<R, HCons<C, HCons<Y, HCons<X, S>>>, B, A> for Report2<Rs>
where
    R: Noting<KindOf<C>, TruthOf<C>, Noted<Rs, Pair<X, Y>>, S, B, A, HCons<C, HCons<Y, HCons<X, S>>>>,
{
    type Next =
        <R as Noting<KindOf<C>, TruthOf<C>, Noted<Rs, Pair<X, Y>>, S, B, A, HCons<C, HCons<Y, HCons<X, S>>>>>::Next;
}

// ----------------------------------------------------------------- memory

impl<X, W0, W1, W2, W3, P0, P1, P2, P3, Hi, Out> Address for X
where
    X: num::Split8<Lo = num::C8<W0, W1, W2, W3, P0, P1, P2, P3>, Hi = Hi>,
    (): AddressInRange<Hi, Addr<W0, W1, W2, W3, P0, P1, P2, P3>, X, Out = Out>,
{
    type Out = Out;
}
impl<Ad, X> AddressInRange<UTerm, Ad, X> for () {
    type Out = Produced<Ad>;
}
impl<U, Bt, Ad, X> AddressInRange<UInt<U, Bt>, Ad, X> for () {
    type Out = Refused<reason::AddressOutOfRange, X>;
}

impl<W0, W1, W2, W3, P0, P1, P2, P3, X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg, Page, Word, S, B, A, Orig>
    PeekAt<Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>, S, B, A, Orig>
    for Produced<Addr<W0, W1, W2, W3, P0, P1, P2, P3>>
where
    Mem: crate::memory::Select<P0, P1, P2, P3, Out = Page>,
    Page: crate::memory::Select<W0, W1, W2, W3, Out = Word>,
{
    type Next = Vm<Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>, HCons<Word, S>, B, A>;
}
impl<Rs, It, R, S, B, A, Orig> PeekAt<R, S, B, A, Orig> for Refused<Rs, It> {
    type Next = Faulted<Rs, It, AtHead, R, Orig, B, A>;
}
impl<X: Address, R, S, B, A> PeekK<NumK, X, R, S, B, A> for Peek
where
    <X as Address>::Out: PeekAt<R, S, B, A, HCons<X, S>>,
{
    type Next = <<X as Address>::Out as PeekAt<R, S, B, A, HCons<X, S>>>::Next;
}
impl<X, R, S, B, A> PeekK<ListK, X, R, S, B, A> for Peek {
    type Next = Faulted<reason::NotANumber, X, AtHead, R, HCons<X, S>, B, A>;
}
impl<X, R, S, B, A> PeekK<RecK, X, R, S, B, A> for Peek {
    type Next = Faulted<reason::NotANumber, X, AtHead, R, HCons<X, S>, B, A>;
}
impl<X: Class, R, S, B, A> Execute<R, HCons<X, S>, B, A> for Peek
where
    Peek: PeekK<KindOf<X>, X, R, S, B, A>,
{
    type Next = <Peek as PeekK<KindOf<X>, X, R, S, B, A>>::Next;
}

impl<V, W0, W1, W2, W3, P0, P1, P2, P3, X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg, Page, Page2, Mem2, S, B, A, Orig>
    PokeAt<V, Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>, S, B, A, Orig>
    for Produced<Addr<W0, W1, W2, W3, P0, P1, P2, P3>>
where
    Mem: crate::memory::Select<P0, P1, P2, P3, Out = Page>,
    Page: crate::memory::Replace<W0, W1, W2, W3, V, Out = Page2>,
    Mem: crate::memory::Replace<P0, P1, P2, P3, Page2, Out = Mem2>,
{
    type Next = Vm<Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem2, Lg>, S, B, A>;
}
impl<V, Rs, It, R, S, B, A, Orig> PokeAt<V, R, S, B, A, Orig> for Refused<Rs, It> {
    type Next = Faulted<Rs, It, AtHead, R, Orig, B, A>;
}
impl<X: Address, V, R, S, B, A> PokeK<NumK, X, V, R, S, B, A> for Poke
where
    <X as Address>::Out: PokeAt<V, R, S, B, A, HCons<V, HCons<X, S>>>,
{
    type Next = <<X as Address>::Out as PokeAt<V, R, S, B, A, HCons<V, HCons<X, S>>>>::Next;
}
impl<X, V, R, S, B, A> PokeK<ListK, X, V, R, S, B, A> for Poke {
    type Next = Faulted<reason::NotANumber, X, AtHead, R, HCons<V, HCons<X, S>>, B, A>;
}
impl<X, V, R, S, B, A> PokeK<RecK, X, V, R, S, B, A> for Poke {
    type Next = Faulted<reason::NotANumber, X, AtHead, R, HCons<V, HCons<X, S>>, B, A>;
}
impl<X: Class, V, R, S, B, A> Execute<R, HCons<V, HCons<X, S>>, B, A> for Poke
where
    Poke: PokeK<KindOf<X>, X, V, R, S, B, A>,
{
    type Next = <Poke as PokeK<KindOf<X>, X, V, R, S, B, A>>::Next;
}

// ------------------------------------------------------------- conditions

// What a condition is, for `Jz`, `Jnz`, `Assert*` and `Report*`: a number
// reads as `UTerm` (zero) or `U1` (not zero) by its *value*, so a number
// spelled with leading zero bits (`UInt<UTerm, B0>`) is zero here exactly as
// it is in arithmetic, in reflection and in the twin; a list or a record
// stays itself (and faults as not a number).
impl Truth for UTerm {
    type Out = UTerm;
}
// Up to two zero bits at the end: decided by the pattern (most conditions).
impl<U> Truth for UInt<UInt<U, typenum::B1>, B0> {
    type Out = U1;
}
impl<U> Truth for UInt<UInt<UInt<U, typenum::B1>, B0>, B0> {
    type Out = U1;
}
impl Truth for UInt<UTerm, B0> {
    type Out = UTerm;
}
impl Truth for UInt<UInt<UTerm, B0>, B0> {
    type Out = UTerm;
}
// More: flat, whatever the number of trailing zero bits (`1 << 63` would
// nest 63 goals deep bit by bit): the chunks' lowest set bits, as `Ctz`
// finds them.
impl<U> Truth for UInt<UInt<UInt<U, B0>, B0>, B0>
where
    Self: num::Chunks,
    <Self as num::Chunks>::FirstSets: num::AnySet,
{
    type Out = <<Self as num::Chunks>::FirstSets as num::AnySet>::Out;
}
impl<U> Truth for UInt<U, typenum::B1> {
    type Out = U1;
}
impl Truth for HNil {
    type Out = HNil;
}
impl<H, T> Truth for HCons<H, T> {
    type Out = HCons<H, T>;
}
impl<T: crate::value::Declared> Truth for T {
    type Out = T;
}

// ------------------------------------------------------------------ rules

/// The per-kind dispatch traits and intermediate results of the rules
/// above. The module is private, so no other crate can name, and therefore
/// implement, any of them: what an instruction does with a value is decided
/// here and only here (together with the sealed [`Class`]).
mod rules {
    use core::marker::PhantomData;

    /// A condition by its value (see the impls above the module).
    pub trait Truth {
        type Out;
    }

    /// The log after noting a violation.
    pub trait Note<N> {
        type Out;
    }

    /// `Report`'s decision on its condition's kind and value, on the register file `Self`.
    pub trait Noting<K, C, N, S, B, A, Orig> {
        type Next;
    }

    /// Read and write one register of a register file.
    pub trait Register<Regs> {
        type Get;
        type Set<V>;
    }

    /// Continue after a result: push it, or fault with the stack as it was.
    pub trait Resume<R, S, B, A, Orig> {
        type Next;
    }

    /// The value rule of a binary operation on two numbers: `Produced<V>` or `Refused<..>`.
    pub trait NumOp<X, Y> {
        type Out;
    }

    /// Dispatch on the operands' kinds: numbers go to [`NumOp`], anything else
    /// faults with `NotANumber` about the first operand that is not one.
    pub trait Binary<KX, KY, X, Y> {
        type Out;
    }

    /// Map an arithmetic outcome to an instruction result (`Overflow` and
    /// `Underflow` become faults about the operands).
    pub trait Checked<X, Y> {
        type Out;
    }

    /// A shift outcome: `Overflow` means the amount was 64 or more (for `Shr`)
    /// or the result did not fit (for `Shl`, when the amount was in range).
    pub trait ShiftChecked<X, Y, Amount> {
        type Out;
    }

    /// The low bit of a shifted value as a number (`TestBit`).
    pub trait LowBitOf {
        type Out;
    }

    /// A bit as the number 1 or 0.
    pub trait BitAsNum {
        type Out;
    }

    /// `X | Self` for a produced one-bit mask (`SetBit`).
    pub trait OrInto<X> {
        type Out;
    }

    /// Continue after `SetBit`: store the result in register `Rn`, or fault
    /// with the stack as it was.
    pub trait StoreResult<Rn, R, S, B, A, Orig> {
        type Next;
    }

    /// `Ctz` on a value of kind `K`.
    pub trait CtzK<K> {
        type Out;
    }

    /// An order as the result of `Eq` (`Self` = `Equal` gives 1).
    pub trait IsEq {
        type Out;
    }

    /// An order as the result of `Lt` (`Self` = `Less` gives 1).
    pub trait IsLt {
        type Out;
    }

    /// Follow a jump link (`Self` = [`Land`](crate::machine::Land) or
    /// [`Outside`](crate::machine::Outside)) from the machine whose `Behind`
    /// has the jump at its head; `Orig` is the stack before the jump.
    pub trait Jump<R, S, B, A, Orig> {
        type Next;
    }

    /// A conditional jump's decision on its popped condition: `Taken`,
    /// `NotTaken` or a refusal. `Self` is `Jz<D>` or `Jnz<D>`; `K` the
    /// condition's kind, `C` its truth.
    pub trait Branch<K, C> {
        type Out;
    }

    /// Continue after a conditional jump's decision.
    pub trait Go<R, S, B, A, Orig> {
        type Next;
    }

    /// `Assert`'s decision on its condition's kind and value.
    pub trait Check<K, C, X, R, S, B, A, Orig> {
        type Next;
    }

    /// `Uncons` on `Self`, a value of kind `K`: a result for [`Resume`].
    pub trait UnconsK<K> {
        type Out;
    }

    /// `Uncons` on a list's shape.
    pub trait UnconsShape {
        type Out;
    }

    /// Field `N` of a field list: `Produced<V>`, or `Err` when there are fewer fields.
    pub trait Nth<N> {
        type Out;
    }

    /// `Field<N>` on `Self`, a value of kind `K`: a result for [`Resume`].
    pub trait FieldK<K, N> {
        type Out;
    }

    /// The field, or `NoSuchField` naming the record `X`.
    pub trait FieldOf<X> {
        type Out;
    }

    /// `Assert2`'s decision on its condition's kind and value.
    pub trait Check2<K, C, X, Y, R, S, B, A, Orig> {
        type Next;
    }

    /// An address split into its page and word nibbles, or `Err` when it is
    /// not below 256.
    pub trait Address {
        type Out;
    }

    /// `Produced<Addr>` when the high part is zero, else `Err` naming the address.
    pub trait AddressInRange<Hi, Ad, X> {
        type Out;
    }

    /// `Peek` with a checked address.
    pub trait PeekAt<R, S, B, A, Orig> {
        type Next;
    }

    /// `Peek` on an address of kind `K`.
    pub trait PeekK<K, X, R, S, B, A> {
        type Next;
    }

    /// `Poke` with a checked address.
    pub trait PokeAt<V, R, S, B, A, Orig> {
        type Next;
    }

    /// `Poke` on an address of kind `K`.
    pub trait PokeK<K, X, V, R, S, B, A> {
        type Next;
    }

    /// An instruction's value result.
    pub struct Produced<V>(PhantomData<V>);

    /// An instruction's fault result.
    pub struct Refused<Rs, It>(PhantomData<(Rs, It)>);

    /// `Uncons` of `h :: t`: push `t`, `h`, 1.
    pub struct Unconsed<H, T>(PhantomData<(H, T)>);

    /// A valid address: page nibble `P0..P3`, word nibble `W0..W3` (low bit first).
    pub struct Addr<W0, W1, W2, W3, P0, P1, P2, P3>(PhantomData<(W0, W1, W2, W3, P0, P1, P2, P3)>);

    /// Take the jump or fall through.
    pub struct Taken;

    /// See [`Taken`].
    pub struct NotTaken;
}
