//! Reflection: instructions, programs and final machines as const values.

use frunk::{HCons, HNil};
use typenum::Unsigned;

use crate::machine::*;
use crate::memory::MemoryVals;
use crate::reason::{Reason, ReasonInfo};
use crate::value::{Val, Value};

/// Jump direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Fwd,
    Back,
}

/// An instruction at the value level. See [`crate::isa`] for each rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Push(Val),
    Pop,
    Dup,
    Swap,
    Over,
    Load(u8),
    Store(u8),
    Add,
    Sub,
    And,
    Or,
    Xor,
    Shl,
    Shr,
    Eq,
    Lt,
    Jmp(Dir, u64),
    Jz(Dir, u64),
    Jnz(Dir, u64),
    Uncons,
    Field(u8),
    TestBit(u8),
    SetBit(u8),
    Ctz,
    Peek,
    Poke,
    Halt,
    Fail(&'static ReasonInfo),
    Assert(&'static ReasonInfo),
    Fail2(&'static ReasonInfo),
    Assert2(&'static ReasonInfo),
    Report(&'static ReasonInfo),
    Report2(&'static ReasonInfo),
}

impl Op {
    /// The instruction's name as programs spell it.
    pub const fn mnemonic(&self) -> &'static str {
        match self {
            Op::Push(_) => "Push",
            Op::Pop => "Pop",
            Op::Dup => "Dup",
            Op::Swap => "Swap",
            Op::Over => "Over",
            Op::Load(_) => "Load",
            Op::Store(_) => "Store",
            Op::Add => "Add",
            Op::Sub => "Sub",
            Op::And => "And",
            Op::Or => "Or",
            Op::Xor => "Xor",
            Op::Shl => "Shl",
            Op::Shr => "Shr",
            Op::Eq => "Eq",
            Op::Lt => "Lt",
            Op::Jmp(..) => "Jmp",
            Op::Jz(..) => "Jz",
            Op::Jnz(..) => "Jnz",
            Op::Uncons => "Uncons",
            Op::Field(_) => "Field",
            Op::TestBit(_) => "TestBit",
            Op::SetBit(_) => "SetBit",
            Op::Ctz => "Ctz",
            Op::Peek => "Peek",
            Op::Poke => "Poke",
            Op::Halt => "Halt",
            Op::Fail(_) => "Fail",
            Op::Assert(_) => "Assert",
            Op::Fail2(_) => "Fail2",
            Op::Assert2(_) => "Assert2",
            Op::Report(_) => "Report",
            Op::Report2(_) => "Report2",
        }
    }
}

/// A program: instructions as a type-level list, reflected flat.
pub trait Program {
    /// The instructions: the first cell of the program's nominal `Ahead`
    /// list (see [`crate::machine`]).
    type Code: Ahead;
    /// The same instructions as values, index `i` = instruction `#i`.
    const OPS: &'static [Op];
    /// The program's name.
    const NAME: &'static str;
}

/// The instruction at `pc` of a reflected program, if there is one.
pub const fn op_at(ops: &'static [Op], pc: usize) -> Option<Op> {
    if pc < ops.len() { Some(ops[pc]) } else { None }
}

/// What a fault is about, at the value level.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Item {
    /// Nothing in particular (a jump, the end of the program, an empty stack).
    None,
    /// One value.
    One(Val),
    /// Two operands.
    Pair(Val, Val),
}

/// Reflection of a fault's item.
pub trait FaultItem {
    const ITEM: Item;
}
impl FaultItem for NoItem {
    const ITEM: Item = Item::None;
}
impl<X: Value, Y: Value> FaultItem for Pair<X, Y> {
    const ITEM: Item = Item::Pair(X::VAL, Y::VAL);
}
impl<T: Value> FaultItem for T {
    const ITEM: Item = Item::One(T::VAL);
}

/// One violation a run reported.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Note {
    pub reason: &'static ReasonInfo,
    pub item: Item,
}

/// The violations a run reported, in the order it reported them: the first
/// [`MAX_NOTES`](crate::machine::MAX_NOTES), and how many more.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Violations {
    pub kept: [Option<Note>; crate::machine::MAX_NOTES],
    pub dropped: u64,
}

impl Violations {
    /// Nothing reported.
    pub const NONE: Violations = Violations {
        kept: [None; crate::machine::MAX_NOTES],
        dropped: 0,
    };
    /// Was anything reported?
    pub const fn is_empty(&self) -> bool {
        self.kept[0].is_none()
    }
    /// How many were kept.
    pub const fn len(&self) -> usize {
        let mut n = 0;
        while n < crate::machine::MAX_NOTES && self.kept[n].is_some() {
            n += 1;
        }
        n
    }
}

/// Reflection of a run's log, oldest first.
pub trait NoteVals {
    const NOTES: Violations;
}
/// The kept notes of a list, newest first, put in reporting order.
pub trait NoteList {
    const LEN: usize;
    const NOTES: [Option<Note>; crate::machine::MAX_NOTES];
}
impl NoteList for HNil {
    const LEN: usize = 0;
    const NOTES: [Option<Note>; crate::machine::MAX_NOTES] = [None; crate::machine::MAX_NOTES];
}
impl<Rs: Reason, It: FaultItem, T: NoteList> NoteList for HCons<Noted<Rs, It>, T> {
    const LEN: usize = 1 + T::LEN;
    const NOTES: [Option<Note>; crate::machine::MAX_NOTES] = {
        // The list is newest first: this note comes after the older ones.
        let mut n = T::NOTES;
        n[T::LEN] = Some(Note {
            reason: &Rs::INFO,
            item: It::ITEM,
        });
        n
    };
}
impl<L: NoteList, Rm, D: Unsigned> NoteVals for crate::machine::Notes<L, Rm, D> {
    const NOTES: Violations = Violations {
        kept: L::NOTES,
        dropped: D::U64,
    };
}

/// How a run ended.
// `Reported` carries its violations inline: verdicts are built in const
// evaluation, where they cannot be boxed, and live only at compile time.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Status {
    /// `Halt` ran at instruction `pc`, and no violation was reported.
    Halted,
    /// `Halt` ran at instruction `pc` after the run reported violations: a
    /// rejection listing every one of them.
    Reported(Violations),
    /// A fault at instruction `pc` (`pc` = program length: past the end).
    Faulted { reason: &'static ReasonInfo, item: Item },
    /// The step budget ran out; `pc` is where the machine was.
    Exhausted,
}

/// The verdict of a run: how it ended, where, and on which instruction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    pub status: Status,
    pub pc: usize,
    /// The instruction at `pc`, if there is one.
    pub op: Option<Op>,
}

/// Reflection of a final machine's verdict. Cheap: it never reflects the
/// stack or the registers (which may hold long data lists).
pub trait Verdicts {
    const VERDICT: Verdict;
}
impl<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg: NoteVals, S, B: Behind, A> Verdicts
    for Halted<Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>, S, B, A>
{
    const VERDICT: Verdict = Verdict {
        status: if Lg::NOTES.is_empty() {
            Status::Halted
        } else {
            Status::Reported(Lg::NOTES)
        },
        pc: B::PC - 1,
        op: op_at(B::OPS, B::PC - 1),
    };
}
impl<R, S, B: Behind, A> Verdicts for Vm<R, S, B, A> {
    const VERDICT: Verdict = Verdict {
        status: Status::Exhausted,
        pc: B::PC,
        op: op_at(B::OPS, B::PC),
    };
}
/// The index of the instruction a fault is about.
pub trait FaultPc<B: Behind> {
    const PC: usize;
}
impl<B: Behind> FaultPc<B> for AtHead {
    const PC: usize = B::PC - 1;
}
impl<B: Behind> FaultPc<B> for AtEnd {
    const PC: usize = B::PC;
}
impl<Rs: Reason, It: FaultItem, At: FaultPc<B>, R, S, B: Behind, A> Verdicts for Faulted<Rs, It, At, R, S, B, A> {
    const VERDICT: Verdict = Verdict {
        status: Status::Faulted {
            reason: &Rs::INFO,
            item: It::ITEM,
        },
        pc: At::PC,
        op: op_at(B::OPS, At::PC),
    };
}

/// The registers and stack of a final machine, for tests and `explain`.
/// Recursive in the stack's length: for small programs' results.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snapshot {
    pub verdict: Verdict,
    pub regs: [Val; 8],
    /// The stack as a list, top first.
    pub stack: Val,
    /// Memory, address order.
    pub memory: [Val; 256],
}

/// Reflection of a final machine's registers and stack.
pub trait Snapshots {
    const SNAPSHOT: Snapshot;
}
/// Reflection of a register file and its memory.
pub trait RegVals {
    const REGS: [Val; 8];
    const MEMORY: [Val; 256];
}
impl<X0: Value, X1: Value, X2: Value, X3: Value, X4: Value, X5: Value, X6: Value, X7: Value, Mem: MemoryVals, Lg>
    RegVals for Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>
{
    const REGS: [Val; 8] = [X0::VAL, X1::VAL, X2::VAL, X3::VAL, X4::VAL, X5::VAL, X6::VAL, X7::VAL];
    const MEMORY: [Val; 256] = Mem::WORDS;
}
impl<R: RegVals, S: Value, B: Behind, A> Snapshots for Halted<R, S, B, A>
where
    Self: Verdicts,
{
    const SNAPSHOT: Snapshot = Snapshot {
        verdict: <Self as Verdicts>::VERDICT,
        regs: R::REGS,
        stack: S::VAL,
        memory: R::MEMORY,
    };
}
impl<R: RegVals, S: Value, B: Behind, A> Snapshots for Vm<R, S, B, A> {
    const SNAPSHOT: Snapshot = Snapshot {
        verdict: <Self as Verdicts>::VERDICT,
        regs: R::REGS,
        stack: S::VAL,
        memory: R::MEMORY,
    };
}
impl<Rs: Reason, It: FaultItem, At: FaultPc<B>, R: RegVals, S: Value, B: Behind, A> Snapshots
    for Faulted<Rs, It, At, R, S, B, A>
{
    const SNAPSHOT: Snapshot = Snapshot {
        verdict: <Self as Verdicts>::VERDICT,
        regs: R::REGS,
        stack: S::VAL,
        memory: R::MEMORY,
    };
}

/// What a run leaves for its caller: how it ended, register `r0` and the
/// memory. This is how a program *outputs* a table built from data of any
/// length: it writes items into memory words, and reflecting memory has a
/// fixed depth (a 16-ary tree of 256 words), where reflecting a long list
/// would recurse once per element. Registers other than `r0` and the stack
/// are not reflected (they may hold the tails of long lists).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Output {
    pub verdict: Verdict,
    /// Register `r0` at `Halt` (`Val::Nil` when the run did not halt).
    pub r0: Val,
    /// Memory at `Halt`, address order (all `Val::Nil` when the run did not halt).
    pub memory: [Val; 256],
}

/// Reflection of a final machine's [`Output`].
pub trait Outputs {
    const OUTPUT: Output;
}
impl<X0: Value, X1, X2, X3, X4, X5, X6, X7, Mem: MemoryVals, Lg: NoteVals, S, B: Behind, A> Outputs
    for Halted<Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem, Lg>, S, B, A>
{
    const OUTPUT: Output = Output {
        verdict: <Self as Verdicts>::VERDICT,
        r0: X0::VAL,
        memory: Mem::WORDS,
    };
}
impl<R, S, B: Behind, A> Outputs for Vm<R, S, B, A> {
    const OUTPUT: Output = Output {
        verdict: <Self as Verdicts>::VERDICT,
        r0: Val::Nil,
        memory: [Val::Nil; 256],
    };
}
impl<Rs: Reason, It: FaultItem, At: FaultPc<B>, R, S, B: Behind, A> Outputs for Faulted<Rs, It, At, R, S, B, A> {
    const OUTPUT: Output = Output {
        verdict: <Self as Verdicts>::VERDICT,
        r0: Val::Nil,
        memory: [Val::Nil; 256],
    };
}
