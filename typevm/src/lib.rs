//! # typevm: a virtual machine that runs in rustc's trait solver
//!
//! Instructions are types, a program is a type-level list of them, and the
//! machine is a type whose next state is an associated-type projection
//! ([`machine::Step`]). rustc computes a run while it resolves traits
//! (under `-Znext-solver`); a const assertion over the reflected final state
//! turns a rejected run into a compile error that says what failed.
//!
//! * [`machine`]: the state (registers, stack, program zipper) and a tick.
//! * [`isa`]: the instructions and their rules.
//! * [`memory`]: 256 words of memory as a two-level 16-ary tree.
//! * [`num`]: 64-bit arithmetic on typenum numbers at bounded solver depth.
//! * [`run`]: the driver, depth O(log ticks).
//! * [`reflect`]: programs and final machines as const values.
//! * [`interp`]: the value-level twin, tick for tick the same.
//! * [`message`]: the verdict as a message, built in const fns.
//!
//! ```
//! use typevm::isa::{*, regs::*};
//! use typenum::{U1, U8, U9, U10};
//! // r0 = 8; r1 = 0; while r0 != 0 { r1 += r0; r0 -= 1 }
//! typevm::program! {
//!     pub SumTo8 = [
//!         Push<U8>, Store<R0>,
//!         Load<R0>, Jz<Fwd<U9>>,
//!         Load<R1>, Load<R0>, Add, Store<R1>,
//!         Load<R0>, Push<U1>, Sub, Store<R0>,
//!         Jmp<Back<U10>>,
//!         Halt,
//!     ];
//! }
//! typevm::check!(SumTo8);
//! type Done = typevm::Outcome<<SumTo8 as typevm::Program>::Code>;
//! const RESULT: typevm::reflect::Snapshot = <Done as typevm::reflect::Snapshots>::SNAPSHOT;
//! assert_eq!(RESULT.regs[1], typevm::Val::Num(36));
//! ```
#![no_std]
// Machine states, registers and memory pages are types with many parameters
// by design: the machine *is* its type. Aliases would only hide them.
#![allow(clippy::type_complexity)]

pub mod interp;
pub mod isa;
pub mod machine;
pub mod memory;
pub mod message;
pub mod num;
pub mod reason;
pub mod reflect;
pub mod run;
pub mod value;

pub use reflect::{Op, Program, Verdict};
pub use run::{DEFAULT_BUDGET, DefaultBudget, Outcome};
/// The typenum type of an integer literal (`num!(0x0900_0000)`), up to `u64::MAX`.
pub use typevm_macros::num;
pub use value::Val;

/// Declare programs: each a unit type implementing [`Program`], whose `Code`
/// is the HList of its instructions and whose `OPS` reflect them.
///
/// ```text
/// typevm::program! {
///     /// docs
///     pub Name = [ Instr, label: Instr, Jz<@label>, ... ];
/// }
/// ```
///
/// Jumps may name a label (`Jmp<@top>`, `Jz<@done>`, `Jnz<@again>`): the
/// macro writes the distance (`Fwd<N>` or `Back<N>`). A type that is not an
/// instruction is an error naming it and its index.
pub use typevm_macros::program;

#[doc(hidden)]
pub use frunk;
#[doc(hidden)]
pub use typenum;

/// Run a program in the trait solver while compiling, and fail the
/// compilation with the verdict's message unless it halts.
///
/// `typevm::check!(P)` runs on an empty stack within [`DefaultBudget`];
/// `typevm::check!(P, input = I, budget = N)` gives the input stack (an HList,
/// top first) and the budget (a typenum number of ticks);
/// `subject = "Name"` names what was checked in a failed check's headline.
#[macro_export]
macro_rules! check {
    ($p:ty) => {
        $crate::check!($p, input = $crate::frunk::HNil, budget = $crate::run::DefaultBudget);
    };
    ($p:ty, budget = $b:ty) => {
        $crate::check!($p, input = $crate::frunk::HNil, budget = $b);
    };
    ($p:ty, input = $i:ty) => {
        $crate::check!($p, input = $i, budget = $crate::run::DefaultBudget);
    };
    ($p:ty, input = $i:ty, budget = $b:ty) => {
        $crate::check!($p, input = $i, budget = $b, subject = "");
    };
    ($p:ty, input = $i:ty, budget = $b:ty, subject = $s:expr) => {
        const _: () = {
            let message = $crate::message::verdict_message(
                &<$crate::Outcome<<$p as $crate::reflect::Program>::Code, $i, $b> as $crate::reflect::Verdicts>::VERDICT,
                <$p as $crate::reflect::Program>::NAME,
                $s,
                <$b as $crate::typenum::Unsigned>::U64,
            );
            if !message.is_empty() {
                ::core::panic!("{}", message.as_str());
            }
        };
    };
}
