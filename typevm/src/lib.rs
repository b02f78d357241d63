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

pub mod interp;
pub mod isa;
pub mod machine;
pub mod message;
pub mod num;
pub mod reason;
pub mod reflect;
pub mod run;
pub mod value;

pub use reflect::{Op, Program, Verdict};
pub use run::{DefaultBudget, Outcome, DEFAULT_BUDGET};
pub use value::Val;
/// The typenum type of an integer literal (`num!(0x0900_0000)`), up to `u64::MAX`.
pub use typevm_macros::num;

#[doc(hidden)]
pub use frunk;
#[doc(hidden)]
pub use typenum;

/// Declare a program: a unit type implementing [`Program`], whose `Code` is
/// the HList of the instructions and whose `OPS` are their reflections.
/// A type that is not an instruction is an error at that type.
#[macro_export]
macro_rules! program {
    ($($(#[$m:meta])* $vis:vis $name:ident = [$($i:ty),* $(,)?];)*) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default)]
        $vis struct $name;
        impl $crate::reflect::Program for $name {
            type Code = $crate::frunk::HList![$($i),*];
            const OPS: &'static [$crate::reflect::Op] = $crate::__ops!($name; [0]; []; $($i,)*);
            const NAME: &'static str = stringify!($name);
        }
    )*};
}

/// Reflect a program's instructions, each through [`isa::InstrAt`] so that a
/// type that is not an instruction is reported with its index.
#[doc(hidden)]
#[macro_export]
macro_rules! __ops {
    ($p:ident; [$($n:tt)*]; [$($acc:tt)*]; $i:ty, $($rest:ty,)*) => {
        $crate::__ops!($p; [$($n)* + 1]; [$($acc)* <$i as $crate::isa::InstrAt<$p, { $($n)* }>>::OP,]; $($rest,)*)
    };
    ($p:ident; [$($n:tt)*]; [$($acc:tt)*];) => {
        &[$($acc)*]
    };
}

/// Run a program in the trait solver while compiling, and fail the
/// compilation with the verdict's message unless it halts.
///
/// `typevm::check!(P)` runs on an empty stack within [`DefaultBudget`];
/// `typevm::check!(P, input = I, budget = N)` gives the input stack (an HList,
/// top first) and the budget (a typenum number of ticks).
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
        const _: () = $crate::message::assert_accepted(
            &<$crate::Outcome<<$p as $crate::reflect::Program>::Code, $i, $b> as $crate::reflect::Verdicts>::VERDICT,
            <$p as $crate::reflect::Program>::NAME,
            <$b as $crate::typenum::Unsigned>::U64,
        );
    };
}
