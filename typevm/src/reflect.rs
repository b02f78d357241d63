//! Reflection: instructions, programs and final machines as const values.

use frunk::{HCons, HNil};
use typenum::{UInt, UTerm, Unsigned};

use crate::isa::Instr;
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
    Peek,
    Poke,
    Halt,
    Fail(&'static ReasonInfo),
    Assert(&'static ReasonInfo),
    Fail2(&'static ReasonInfo),
    Assert2(&'static ReasonInfo),
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
            Op::Peek => "Peek",
            Op::Poke => "Poke",
            Op::Halt => "Halt",
            Op::Fail(_) => "Fail",
            Op::Assert(_) => "Assert",
            Op::Fail2(_) => "Fail2",
            Op::Assert2(_) => "Assert2",
        }
    }
}

/// A program: instructions as a type-level list, reflected flat.
pub trait Program {
    /// The instructions, an HList.
    type Code;
    /// The same instructions as values, index `i` = instruction `#i`.
    const OPS: &'static [Op];
    /// The program's name.
    const NAME: &'static str;
}

/// A cell of a reflected instruction list (nearest first).
#[derive(Clone, Copy, Debug)]
pub struct OpNode {
    pub op: Op,
    pub next: Option<&'static OpNode>,
}

/// Reflection of a list of instructions (the zipper's `Behind` or `Ahead`).
/// Recursive in the list's length: for the zipper of a program, not for data.
pub trait OpList {
    const LIST: Option<&'static OpNode>;
    const LEN: usize;
}
impl OpList for HNil {
    const LIST: Option<&'static OpNode> = None;
    const LEN: usize = 0;
}
impl<I: Instr, T: OpList> OpList for HCons<I, T> {
    const LIST: Option<&'static OpNode> = Some(&OpNode {
        op: I::OP,
        next: T::LIST,
    });
    const LEN: usize = 1 + T::LEN;
}

/// The `n`th node of a reflected list.
pub const fn nth_op(mut list: Option<&'static OpNode>, mut n: usize) -> Option<Op> {
    while let Some(node) = list {
        if n == 0 {
            return Some(node.op);
        }
        n -= 1;
        list = node.next;
    }
    None
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
impl FaultItem for UTerm {
    const ITEM: Item = Item::One(Val::Num(0));
}
impl<U: Unsigned, B: typenum::Bit> FaultItem for UInt<U, B> {
    const ITEM: Item = Item::One(Val::Num(<Self as Unsigned>::U64));
}
impl FaultItem for HNil {
    const ITEM: Item = Item::One(Val::Nil);
}
impl<H: Value, T: Value> FaultItem for HCons<H, T> {
    const ITEM: Item = Item::One(<Self as Value>::VAL);
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Status {
    /// `Halt` ran at instruction `pc`.
    Halted,
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
impl<R, S, B: OpList, A: OpList> Verdicts for Halted<R, S, B, A> {
    const VERDICT: Verdict = Verdict {
        status: Status::Halted,
        pc: B::LEN - 1,
        op: nth_op(B::LIST, 0),
    };
}
impl<R, S, B: OpList, A: OpList, M> Verdicts for Vm<R, S, B, A, M> {
    const VERDICT: Verdict = Verdict {
        status: Status::Exhausted,
        pc: B::LEN,
        op: nth_op(A::LIST, 0),
    };
}
/// The index of the instruction a fault is about.
pub trait FaultPc<B: OpList, A: OpList> {
    const PC: usize;
    const OP: Option<Op>;
}
impl<B: OpList, A: OpList> FaultPc<B, A> for AtHead {
    const PC: usize = B::LEN - 1;
    const OP: Option<Op> = nth_op(B::LIST, 0);
}
impl<B: OpList, A: OpList> FaultPc<B, A> for AtEnd {
    const PC: usize = B::LEN;
    const OP: Option<Op> = None;
}
impl<B: OpList, A: OpList, Mv: Unsigned> FaultPc<B, A> for FwdFrom<Mv> {
    const PC: usize = B::LEN - 1 - Mv::USIZE;
    const OP: Option<Op> = nth_op(B::LIST, Mv::USIZE);
}
impl<B: OpList, A: OpList, Mv: Unsigned> FaultPc<B, A> for BackFrom<Mv> {
    const PC: usize = Mv::USIZE;
    const OP: Option<Op> = nth_op(A::LIST, Mv::USIZE);
}
impl<Rs: Reason, It: FaultItem, At: FaultPc<B, A>, R, S, B: OpList, A: OpList> Verdicts
    for Faulted<Rs, It, At, R, S, B, A>
{
    const VERDICT: Verdict = Verdict {
        status: Status::Faulted {
            reason: &Rs::INFO,
            item: It::ITEM,
        },
        pc: At::PC,
        op: At::OP,
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
impl<X0: Value, X1: Value, X2: Value, X3: Value, X4: Value, X5: Value, X6: Value, X7: Value, Mem: MemoryVals> RegVals
    for Regs<X0, X1, X2, X3, X4, X5, X6, X7, Mem>
{
    const REGS: [Val; 8] = [X0::VAL, X1::VAL, X2::VAL, X3::VAL, X4::VAL, X5::VAL, X6::VAL, X7::VAL];
    const MEMORY: [Val; 256] = Mem::WORDS;
}
impl<R: RegVals, S: Value, B: OpList, A: OpList> Snapshots for Halted<R, S, B, A> {
    const SNAPSHOT: Snapshot = Snapshot {
        verdict: <Self as Verdicts>::VERDICT,
        regs: R::REGS,
        stack: S::VAL,
        memory: R::MEMORY,
    };
}
impl<R: RegVals, S: Value, B: OpList, A: OpList, M> Snapshots for Vm<R, S, B, A, M> {
    const SNAPSHOT: Snapshot = Snapshot {
        verdict: <Self as Verdicts>::VERDICT,
        regs: R::REGS,
        stack: S::VAL,
        memory: R::MEMORY,
    };
}
impl<Rs: Reason, It: FaultItem, At: FaultPc<B, A>, R: RegVals, S: Value, B: OpList, A: OpList> Snapshots
    for Faulted<Rs, It, At, R, S, B, A>
{
    const SNAPSHOT: Snapshot = Snapshot {
        verdict: <Self as Verdicts>::VERDICT,
        regs: R::REGS,
        stack: S::VAL,
        memory: R::MEMORY,
    };
}
