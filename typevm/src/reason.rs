//! Why a run stopped: fault reasons, the VM's own and the ones checks declare.

/// What a fault reason says. `message` and `help` are templates: `{item}` is
/// the fault's item, `{0}`, `{1}`, ... the elements of an item that is a list
/// (or the fields of a record), `{op}` the instruction and `{pc}` its index.
/// Records show by name (`Running`), as an arrow (`Running -> Reset`) or as a
/// window (`uart0 [0x9000000, +0x1000)`); numbers show in hex, or in
/// decimal as `{N:dec}` (interrupt ids). `{N.M}` is field `M` of part `N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReasonInfo {
    /// The check this reason belongs to (`"typevm"` for the engine's own faults).
    pub check: &'static str,
    /// What went wrong, in words.
    pub message: &'static str,
    /// What would fix it.
    pub help: &'static str,
}

/// A fault reason type.
pub trait Reason {
    const INFO: ReasonInfo;
}

/// Declare fault reason types.
///
/// ```
/// typevm::reason! {
///     /// A state nothing leads to.
///     pub Unreachable: "lifecycle: every state reachable",
///         "state {item} is not reachable from the initial state",
///         "add a transition that leads to {item}, or remove it from `states`";
/// }
/// ```
#[macro_export]
macro_rules! reason {
    ($($(#[$m:meta])* $vis:vis $name:ident : $check:expr, $message:expr, $help:expr;)*) => {$(
        $(#[$m])*
        $vis struct $name;
        impl $crate::reason::Reason for $name {
            const INFO: $crate::reason::ReasonInfo =
                $crate::reason::ReasonInfo { check: $check, message: $message, help: $help };
        }
    )*};
}

crate::reason! {
    /// An instruction needed more values than the stack held.
    pub StackUnderflow: "typevm", "stack underflow: `{op}` needs more values than the stack holds",
        "push the operands before `{op}`";
    /// `Sub` with a right operand larger than the left.
    pub SubtractUnderflow: "typevm", "subtract underflow: {0} - {1} is negative",
        "compare with `Lt` before subtracting";
    /// A result that does not fit in 64 bits.
    pub ArithmeticOverflow: "typevm", "arithmetic overflow: `{op}` of {0} and {1} does not fit in 64 bits",
        "VM numbers are 64-bit words; keep results below 2^64";
    /// A shift by 64 or more.
    pub ShiftTooFar: "typevm", "shift amount {1} is not below 64",
        "shift by 0..=63";
    /// An operand that is not a number.
    pub NotANumber: "typevm", "`{op}` expects a number but found {item}",
        "check what the program left on the stack before `{op}`";
    /// `Uncons` on something that is not a list.
    pub NotAList: "typevm", "`{op}` expects a list but found {item}",
        "check what the program left on the stack before `{op}`";
    /// `Uncons` on a nominal list cell whose rank does not hold (see
    /// `typevm::value::CellOf`): a list that would unfold forever, or past
    /// 4096 items, ends here.
    pub BrokenList: "typevm", "`{op}`: {item} is not a well-formed list cell: a cell of rank n holds an item and a next cell of rank n - 1, the last cell has rank 0, and no list is longer than 4096 items",
        "declare long lists with the configuration macros, which rank their cells; a hand-written cell of a list is `CellOf<Shape, Rank>` with `Rank` the number of items from it to the end";
    /// `Field` on something that is not a record.
    pub NotARecord: "typevm", "`{op}` expects a record but found {item}",
        "check what the program left on the stack before `{op}`";
    /// `Field<N>` past the record's last field.
    pub NoSuchField: "typevm", "`{op}`: record {item} has no such field",
        "records number their fields from 0";
    /// A forward jump past the last instruction.
    pub JumpPastEnd: "typevm", "`{op}` jumps past the end of the program",
        "jump at most to the last instruction (end programs with `Halt`)";
    /// A backward jump before the first instruction.
    pub JumpBeforeStart: "typevm", "`{op}` jumps before the start of the program",
        "a backward jump from instruction #{pc} may go back at most {pc} instructions";
    /// Execution ran past the last instruction.
    pub FellOffEnd: "typevm", "execution ran past the last instruction without `Halt`",
        "end the program with `Halt` (or `Fail`)";
    /// `Peek`/`Poke` outside memory.
    pub AddressOutOfRange: "typevm", "`{op}`: address {item} is outside memory (0x0..=0xff)",
        "memory has 256 words";
    /// `Assert` or `Fail` without a reason of its own.
    pub AssertionFailed: "typevm", "assertion failed on {item}",
        "give `Assert` a reason type declared with `typevm::reason!`";
}
