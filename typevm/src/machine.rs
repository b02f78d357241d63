//! The machine: a state is a type, a step is a projection.
//!
//! `Vm<Regs, Stack, Behind, Ahead>` holds eight registers and a 256-word
//! memory (`Regs`), a stack (an HList, top first) and the program as a
//! zipper: `Behind` is the list of instructions already passed, nearest
//! first; `Ahead` starts with the next instruction. Executing an instruction
//! moves it from `Ahead` to `Behind`, so the program counter is
//! `len(Behind)` and is never stored.
//!
//! **Nominal cells.** Both halves are type-level lists whose cells are unit
//! types, one per position, that `program!` declares: the `Ahead` cell at
//! position `k` is the list `[I_k, I_k+1, ..]` and names its head and its
//! tail ([`Ahead`]); the `Behind` cell at `k` is `[I_k-1, .., I_0]`
//! ([`Behind`]). A machine therefore holds two small types whatever the
//! program's length, and every goal the solver canonicalizes per tick costs
//! the same in a 10- and an 800-instruction program.
//!
//! **Jumps are one tick.** A jump's `Behind` cell links to the cells of the
//! position it lands on ([`Behind::Jump`], resolved by `program!` from the
//! label or distance), so a loop goes back to its head in one step instead
//! of moving across its body one instruction per tick.
//!
//! A run ends in [`Halted`] or [`Faulted`]; both are fixed points of
//! [`Step`], so a run that halts early costs nothing for the rest of its
//! budget.

use core::marker::PhantomData;
use frunk::HNil;
use typenum::U0;

use crate::reason;
use crate::reflect::Op;

/// A running machine. See the module documentation.
pub struct Vm<R, S, B, A>(PhantomData<(R, S, B, A)>);
/// A machine that executed `Halt`: the accepted end of a run.
pub struct Halted<R, S, B, A>(PhantomData<(R, S, B, A)>);
/// A machine that stopped on a fault: `Reason` says what happened, `Item`
/// what it happened to, `At` where (see [`AtHead`], [`AtEnd`]). The rest is
/// the machine as it was, for reflection.
pub struct Faulted<Reason, Item, At, R, S, B, A>(PhantomData<(Reason, Item, At, R, S, B, A)>);

/// Fault position: the instruction at the head of `Behind` (the one that ran).
pub struct AtHead;
/// Fault position: past the last instruction.
pub struct AtEnd;

/// The item of a fault that concerns no value.
pub struct NoItem;
/// The item of a fault about two operands.
pub struct Pair<X, Y>(PhantomData<(X, Y)>);

/// A cell of a program's `Ahead` list: the list `[Head, ..Tail]`.
/// `program!` declares one per position, and one past the end whose head
/// is [`End`].
pub trait Ahead {
    /// The instruction at this position.
    type Head;
    /// The cell of the next position.
    type Tail;
    /// The `Behind` cell at this position (the zipper's other half).
    type Behind;
    /// The `Behind` cell once `Head` has moved onto it.
    type Passed;
}

/// A cell of a program's `Behind` list: the list `[Head, ..Tail]` of the
/// instructions already passed, nearest first.
pub trait Behind {
    /// The nearest instruction passed ([`Start`] at position 0).
    type Head;
    /// The cell one position back (itself at position 0).
    type Tail;
    /// Where the jump at the head lands: [`Land<B, A>`] with the two cells
    /// of its target, or [`Outside<Reason>`] when the target is not in the
    /// program. [`NoJump`] when the head is not a jump.
    type Jump;
    /// How many instructions are behind: the program counter.
    const PC: usize;
    /// The whole program, reflected (for verdicts).
    const OPS: &'static [Op];
}

/// The head of the `Ahead` cell past the last instruction: running it
/// faults with `FellOffEnd`.
pub struct End;
/// The head of the `Behind` cell at position 0.
pub struct Start;
/// A jump's target: the `Behind` and `Ahead` cells of the position it lands on.
pub struct Land<B, A>(PhantomData<(B, A)>);
/// A jump whose target is outside the program, faulting with `Reason`.
pub struct Outside<Reason>(PhantomData<Reason>);
/// The jump link of a cell whose head is not a jump.
pub struct NoJump;

/// Eight registers, `r0`..`r7`, each holding any value, the memory (see
/// [`crate::memory`]) and the log of reported violations ([`Notes`]).
pub struct Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Log>(PhantomData<(X0, X1, X2, X3, X4, X5, X6, X7, Mem, Log)>);
/// All registers and all memory zero, nothing reported.
pub type ZeroRegs = Regs<U0, U0, U0, U0, U0, U0, U0, U0, crate::memory::Blank, NoNotes>;

/// The violations a run reported with `Report`/`Report2`: `List` holds the
/// first [`MAX_NOTES`] as [`Noted`], newest first; `Room` says how many more
/// it keeps ([`Room`]); `Dropped` counts the ones past the limit. The limit
/// keeps the machine type (and its reflection) small whatever the number of
/// violations.
pub struct Notes<List, Room, Dropped>(PhantomData<(List, Room, Dropped)>);

/// Room for notes: one unit type per count, each naming the one below, so
/// the log of a run that reported nothing is three small types.
pub trait Room {
    /// The room after keeping one more note.
    type Less;
}
macro_rules! room {
    ($($(#[$m:meta])* $r:ident => $less:ident;)*) => {$(
        $(#[$m])*
        pub struct $r;
        impl Room for $r { type Less = $less; }
    )*};
}
/// No room left: further notes are counted in `Dropped`.
pub struct Room0;
room! {
    /// Room for one more note.
    Room1 => Room0;
    /// Room for 2 more notes.
    Room2 => Room1;
    /// Room for 3 more notes.
    Room3 => Room2;
    /// Room for 4 more notes.
    Room4 => Room3;
    /// Room for 5 more notes.
    Room5 => Room4;
    /// Room for 6 more notes.
    Room6 => Room5;
    /// Room for 7 more notes.
    Room7 => Room6;
    /// Room for 8 more notes.
    Room8 => Room7;
    /// Room for 9 more notes.
    Room9 => Room8;
    /// Room for 10 more notes.
    Room10 => Room9;
    /// Room for 11 more notes.
    Room11 => Room10;
    /// Room for 12 more notes.
    Room12 => Room11;
    /// Room for 13 more notes.
    Room13 => Room12;
    /// Room for 14 more notes.
    Room14 => Room13;
    /// Room for 15 more notes.
    Room15 => Room14;
    /// Room for [`MAX_NOTES`] notes.
    Room16 => Room15;
}
/// One reported violation: reason `R` about `Item` (a value or a [`Pair`]).
pub struct Noted<R, Item>(PhantomData<(R, Item)>);
/// Most violations a run keeps.
pub const MAX_NOTES: usize = 16;
/// A log with nothing reported and room for [`MAX_NOTES`].
pub type NoNotes = Notes<HNil, Room16, U0>;

/// The machine before its first tick: registers zero, `Stack` as given
/// (the program's input), the whole program ahead. `Code` is the program's
/// first `Ahead` cell ([`crate::Program::Code`]).
pub type Boot<Code, Stack = HNil> = Vm<ZeroRegs, Stack, <Code as Ahead>::Behind, Code>;

/// One tick: the machine after this one.
pub trait Step {
    type Next;
}

/// The rule of one instruction. `B` already has the instruction at its
/// head; `A` starts with the next one.
pub trait Execute<R, S, B, A> {
    type Next;
}

/// A tick is the run driver's one-tick block ([`crate::run::Block`] at
/// level `L0`), which holds the rule: `<A as Ahead>::Head` executes on the
/// zipper moved past it, and a halted or faulted machine stays as it is.
impl<M: crate::run::Block<crate::run::L0>> Step for M {
    type Next = <M as crate::run::Block<crate::run::L0>>::Out;
}

/// Past the last instruction: `FellOffEnd`. (The end cell's `Passed` is
/// its own `Behind`, so the fault's position is the program's length.)
impl<R, S, B, A> Execute<R, S, B, A> for End {
    type Next = Faulted<reason::FellOffEnd, NoItem, AtEnd, R, S, B, A>;
}
