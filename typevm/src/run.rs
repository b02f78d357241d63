//! The run driver: many ticks at a solver depth that grows with log(ticks).
//!
//! A *block* of level `L` runs 16^L ticks: level 0 is one tick, and a block
//! of level `L + 1` is sixteen blocks of level `L`, written as sixteen
//! *sibling* where-clauses chained through impl parameters
//! (`Self: Block<L, Out = M1>, M1: Block<L, Out = M2>, ...`). The solver
//! nests one level per block level and never per tick: 2^17 ticks nest five
//! levels deep, plus one tick's own depth.
//!
//! A budget `N` (a typenum number) is split into hex digits once, outside the
//! per-tick path; digit `d` at position `k` runs `d` blocks of level `k`.
//! Ticks are ticks whatever their grouping, and a halted or faulted machine
//! is a fixed point whose blocks cost O(1), so the final machine is the one
//! after `min(N, ticks to finish)` ticks.
//!
//! Measured (see `benches/`): every goal that mentions the machine costs a
//! walk of the whole machine type (canonicalizing it, and generalizing it
//! when an output binds an inference variable), so the per-tick path is kept
//! to two such goals, `Block<L0>` and the instruction's `Execute` (a third,
//! a separate `Step` goal, cost about 30% of a trivial tick). A binary driver
//! (`N = 2q + b`) and a hex driver that recursed on the budget number at
//! every level were 2.6x and 3.5x slower per tick.

use core::marker::PhantomData;
use frunk::{HCons, HNil};
use typenum::{B0, B1, UInt, UTerm};

use crate::machine::{Ahead, Execute, Faulted, Halted, Vm};
use crate::num::Low;

/// Block level 0: one tick.
pub struct L0;
/// Block level `L + 1`: sixteen blocks of level `L`.
pub struct Up<L>(PhantomData<L>);

/// Run a block of level `L` (16^L ticks, fewer if the machine finishes).
pub trait Block<L> {
    type Out;
}
// One tick: the instruction at the head of `Ahead` executes on the zipper
// moved past it. This is the machine's rule (`Step` is defined by it), here
// and only here, so a tick costs one goal on the machine besides `Execute`.
impl<R, S, B, A, I, B1, A1> Block<L0> for Vm<R, S, B, A>
where
    A: Ahead<Head = I, Passed = B1, Tail = A1>,
    I: Execute<R, S, B1, A1>,
{
    type Out = <I as Execute<R, S, B1, A1>>::Next;
}
impl<L, R, S, B, A> Block<L> for Halted<R, S, B, A> {
    type Out = Self;
}
impl<L, Rs, It, At, R, S, B, A> Block<L> for Faulted<Rs, It, At, R, S, B, A> {
    type Out = Self;
}
impl<L, R, S, B, A, M1, M2, M3, M4, M5, M6, M7, M8, M9, M10, M11, M12, M13, M14, M15, M16> Block<Up<L>>
    for Vm<R, S, B, A>
where
    Self: Block<L, Out = M1>,
    M1: Block<L, Out = M2>,
    M2: Block<L, Out = M3>,
    M3: Block<L, Out = M4>,
    M4: Block<L, Out = M5>,
    M5: Block<L, Out = M6>,
    M6: Block<L, Out = M7>,
    M7: Block<L, Out = M8>,
    M8: Block<L, Out = M9>,
    M9: Block<L, Out = M10>,
    M10: Block<L, Out = M11>,
    M11: Block<L, Out = M12>,
    M12: Block<L, Out = M13>,
    M13: Block<L, Out = M14>,
    M14: Block<L, Out = M15>,
    M15: Block<L, Out = M16>,
{
    type Out = M16;
}

/// One hex digit of a budget: `D0..D3` (low bit first) blocks of level `L`.
pub struct Digit<L, D0, D1, D2, D3>(PhantomData<(L, D0, D1, D2, D3)>);

/// A budget number as its hex digits, least significant first, each tagged
/// with its block level (starting at `L`).
pub trait HexDigits<L> {
    type Out;
}
impl<L> HexDigits<L> for UTerm {
    type Out = HNil;
}
impl<L, U, Bt, N1, N2, N3, Q, D0, D1, D2, D3, Rest> HexDigits<L> for UInt<U, Bt>
where
    UInt<U, Bt>: Low<Bit = D0, Rest = N1>,
    N1: Low<Bit = D1, Rest = N2>,
    N2: Low<Bit = D2, Rest = N3>,
    N3: Low<Bit = D3, Rest = Q>,
    Q: HexDigits<Up<L>, Out = Rest>,
{
    type Out = HCons<Digit<L, D0, D1, D2, D3>, Rest>;
}

/// Run the blocks a list of digits says.
pub trait Follow<Plan> {
    type Out;
}
impl<M> Follow<HNil> for M {
    type Out = M;
}
impl<M, L, D0, D1, D2, D3, Rest, T1, T2, T3, T4, Out> Follow<HCons<Digit<L, D0, D1, D2, D3>, Rest>> for M
where
    M: BlocksIf<D0, L, X1, Out = T1>,
    T1: BlocksIf<D1, L, X2, Out = T2>,
    T2: BlocksIf<D2, L, X4, Out = T3>,
    T3: BlocksIf<D3, L, X8, Out = T4>,
    T4: Follow<Rest, Out = Out>,
{
    type Out = Out;
}

/// Block counts of the four bits of a digit.
pub struct X1;
/// See [`X1`].
pub struct X2;
/// See [`X1`].
pub struct X4;
/// See [`X1`].
pub struct X8;

/// `K` blocks of level `L` when the bit is `B1`.
pub trait BlocksIf<Bit, L, K> {
    type Out;
}
impl<M, L, K> BlocksIf<B0, L, K> for M {
    type Out = M;
}
impl<M: Block<L>, L> BlocksIf<B1, L, X1> for M {
    type Out = <M as Block<L>>::Out;
}
impl<M, L, A1, A2> BlocksIf<B1, L, X2> for M
where
    M: Block<L, Out = A1>,
    A1: Block<L, Out = A2>,
{
    type Out = A2;
}
impl<M, L, A1, A2, A3, A4> BlocksIf<B1, L, X4> for M
where
    M: Block<L, Out = A1>,
    A1: Block<L, Out = A2>,
    A2: Block<L, Out = A3>,
    A3: Block<L, Out = A4>,
{
    type Out = A4;
}
impl<M, L, A1, A2, A3, A4, A5, A6, A7, A8> BlocksIf<B1, L, X8> for M
where
    M: Block<L, Out = A1>,
    A1: Block<L, Out = A2>,
    A2: Block<L, Out = A3>,
    A3: Block<L, Out = A4>,
    A4: Block<L, Out = A5>,
    A5: Block<L, Out = A6>,
    A6: Block<L, Out = A7>,
    A7: Block<L, Out = A8>,
{
    type Out = A8;
}

/// Run at most `N` ticks (a typenum number).
pub trait Run<N> {
    type Out;
}
impl<M, N, Plan, Out> Run<N> for M
where
    N: HexDigits<L0, Out = Plan>,
    M: Follow<Plan, Out = Out>,
{
    type Out = Out;
}

/// `2^k - 1` as a typenum: the all-ones budgets.
macro_rules! ones {
    () => { UTerm };
    ($b:tt $($rest:tt)*) => { UInt<ones!($($rest)*), B1> };
}
/// 2^17 - 1 = 131,071 ticks: the default budget.
pub type DefaultBudget = ones!(1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1);
/// The number value of [`DefaultBudget`].
pub const DEFAULT_BUDGET: u64 = (1 << 17) - 1;

/// The final machine of `Code` run on `Input` (a stack, top first) within `Budget` ticks.
pub type Outcome<Code, Input = frunk::HNil, Budget = DefaultBudget> =
    <crate::machine::Boot<Code, Input> as Run<Budget>>::Out;
