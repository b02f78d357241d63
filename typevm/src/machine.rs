//! The machine: a state is a type, a step is a projection.
//!
//! `Vm<Regs, Stack, Behind, Ahead, Mode>` holds eight registers and a
//! 256-word memory (`Regs`), a stack (an
//! HList, top first) and the program as a zipper: `Behind` is the list of
//! instructions already passed, nearest first; `Ahead` starts with the next
//! instruction. Executing an instruction moves it from `Ahead` to `Behind`, so
//! the program counter is `len(Behind)` and is never stored.
//!
//! Jumps do not index into the program. A jump puts the machine in a *seek*
//! mode that moves one instruction across the zipper per tick (forward: from
//! `Ahead` to `Behind`; backward: the other way) until the distance is used
//! up. Every tick is therefore one non-recursive projection, a loop runs by
//! moving back over its body, and the program is never copied.
//!
//! A run ends in [`Halted`] or [`Faulted`]; both are fixed points of
//! [`Step`], so a run that halts early costs nothing for the rest of its
//! budget.

use core::marker::PhantomData;
use frunk::{HCons, HNil};
use typenum::{U0, UInt, UTerm};

use crate::num::{Dec, Inc};
use crate::reason;

/// A running machine. See the module documentation.
pub struct Vm<R, S, B, A, M>(PhantomData<(R, S, B, A, M)>);
/// A machine that executed `Halt`: the accepted end of a run.
pub struct Halted<R, S, B, A>(PhantomData<(R, S, B, A)>);
/// A machine that stopped on a fault: `Reason` says what happened, `Item`
/// what it happened to, `At` where (see [`AtHead`], [`AtEnd`], [`FwdFrom`],
/// [`BackFrom`]). The rest is the machine as it was, for reflection.
pub struct Faulted<Reason, Item, At, R, S, B, A>(PhantomData<(Reason, Item, At, R, S, B, A)>);

/// Mode: execute the instruction at the head of `Ahead`.
pub struct Ready;
/// Mode: move `N` (≥ 1) more instructions forward; `Moved` already moved.
pub struct SeekFwd<N, Moved>(PhantomData<(N, Moved)>);
/// Mode: move `N` (≥ 1) more instructions backward; `Moved` already moved.
pub struct SeekBack<N, Moved>(PhantomData<(N, Moved)>);

/// Fault position: the instruction at the head of `Behind` (the one that ran).
pub struct AtHead;
/// Fault position: past the last instruction.
pub struct AtEnd;
/// Fault position: a forward jump that had moved `Moved` instructions.
pub struct FwdFrom<Moved>(PhantomData<Moved>);
/// Fault position: a backward jump that had moved `Moved` instructions.
pub struct BackFrom<Moved>(PhantomData<Moved>);

/// The item of a fault that concerns no value.
pub struct NoItem;
/// The item of a fault about two operands.
pub struct Pair<X, Y>(PhantomData<(X, Y)>);

/// Eight registers, `r0`..`r7`, each holding any value, the memory (see
/// [`crate::memory`]) and the log of reported violations ([`Notes`]).
pub struct Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Log>(PhantomData<(X0, X1, X2, X3, X4, X5, X6, X7, Mem, Log)>);
/// All registers and all memory zero, nothing reported.
pub type ZeroRegs = Regs<U0, U0, U0, U0, U0, U0, U0, U0, crate::memory::ZeroMemory, NoNotes>;

/// The violations a run reported with `Report`/`Report2`: `List` holds the
/// first [`MAX_NOTES`] as [`Noted`], newest first; `Room` is a list of one
/// unit per note still kept; `Dropped` counts the ones past the limit. The
/// limit keeps the machine type (and its reflection) small whatever the
/// number of violations.
pub struct Notes<List, Room, Dropped>(PhantomData<(List, Room, Dropped)>);
/// One reported violation: reason `R` about `Item` (a value or a [`Pair`]).
pub struct Noted<R, Item>(PhantomData<(R, Item)>);
/// Most violations a run keeps.
pub const MAX_NOTES: usize = 16;
/// A log with nothing reported and room for [`MAX_NOTES`].
pub type NoNotes = Notes<HNil, frunk::HList![(), (), (), (), (), (), (), (), (), (), (), (), (), (), (), ()], U0>;

/// The machine before its first tick: registers zero, `Stack` as given
/// (the program's input), the whole program ahead.
pub type Boot<Program, Stack = HNil> = Vm<ZeroRegs, Stack, HNil, Program, Ready>;

/// One tick: the machine after this one.
pub trait Step {
    type Next;
}

/// The rule of one instruction. `B` already has the instruction at its head.
pub trait Execute<R, S, B, A> {
    type Next;
}

impl<R, S, B, I, A> Step for Vm<R, S, B, HCons<I, A>, Ready>
where
    I: Execute<R, S, HCons<I, B>, A>,
{
    type Next = <I as Execute<R, S, HCons<I, B>, A>>::Next;
}
impl<R, S, B> Step for Vm<R, S, B, HNil, Ready> {
    type Next = Faulted<reason::FellOffEnd, NoItem, AtEnd, R, S, B, HNil>;
}

/// Where a seek goes after moving one instruction: `N` left to move.
pub trait SeekNext<N, Mv> {
    type Mode;
}
impl<Mv> SeekNext<UTerm, Mv> for SeekFwd<(), ()> {
    type Mode = Ready;
}
impl<U, Bt, Mv> SeekNext<UInt<U, Bt>, Mv> for SeekFwd<(), ()> {
    type Mode = SeekFwd<UInt<U, Bt>, Mv>;
}
impl<Mv> SeekNext<UTerm, Mv> for SeekBack<(), ()> {
    type Mode = Ready;
}
impl<U, Bt, Mv> SeekNext<UInt<U, Bt>, Mv> for SeekBack<(), ()> {
    type Mode = SeekBack<UInt<U, Bt>, Mv>;
}

impl<R, S, B, I, A, N, Mv, N1, Mv1, Mo> Step for Vm<R, S, B, HCons<I, A>, SeekFwd<N, Mv>>
where
    N: Dec<Out = N1>,
    Mv: Inc<Out = Mv1>,
    SeekFwd<(), ()>: SeekNext<N1, Mv1, Mode = Mo>,
{
    type Next = Vm<R, S, HCons<I, B>, A, Mo>;
}
impl<R, S, B, N, Mv> Step for Vm<R, S, B, HNil, SeekFwd<N, Mv>> {
    type Next = Faulted<reason::JumpPastEnd, NoItem, FwdFrom<Mv>, R, S, B, HNil>;
}
impl<R, S, I, B, A, N, Mv, N1, Mv1, Mo> Step for Vm<R, S, HCons<I, B>, A, SeekBack<N, Mv>>
where
    N: Dec<Out = N1>,
    Mv: Inc<Out = Mv1>,
    SeekBack<(), ()>: SeekNext<N1, Mv1, Mode = Mo>,
{
    type Next = Vm<R, S, B, HCons<I, A>, Mo>;
}
impl<R, S, A, N, Mv> Step for Vm<R, S, HNil, A, SeekBack<N, Mv>> {
    type Next = Faulted<reason::JumpBeforeStart, NoItem, BackFrom<Mv>, R, S, HNil, A>;
}

impl<R, S, B, A> Step for Halted<R, S, B, A> {
    type Next = Self;
}
impl<Rs, It, At, R, S, B, A> Step for Faulted<Rs, It, At, R, S, B, A> {
    type Next = Self;
}
