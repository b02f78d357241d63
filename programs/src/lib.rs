//! # programs: configuration written as typevm programs
//!
//! Users write the Secure Partition lifecycle table and the virtual device
//! map of a board in a plain syntax ([`sp_states!`], [`sp_lifecycle!`],
//! [`board!`], [`devices!`]); the macros turn them into types, and every
//! rule of the check catalogue runs as a typevm program on those types in
//! rustc's trait solver while the configuration compiles. A broken rule is a
//! compile error that names the check and the items. The hypervisor declares
//! its per-transition handlers with [`transition_handlers!`], held one-to-one
//! to the table the same way, and links only an [`Accepted`] configuration,
//! whose runtime tables are reflected from the checked types.
//!
//! * [`lifecycle`], [`devices`], [`partitions`], [`handlers`]: the check programs and their messages.
//! * [`gate`]: [`Accepted`], the only way to the runtime tables.
//! * [`transitions`]: typed transitions, proved from the accepted table.
//! * [`board`]: the QEMU `virt` configuration.
//! * [`examples`]: example programs for the engine.
//! * [`model`]: the runtime tables' value types.
#![no_std]
#![feature(associated_type_defaults)]

extern crate self as programs;

pub mod board;
pub mod catalogue;
pub mod devices;
pub mod examples;
pub mod gate;
pub mod handlers;
pub mod lifecycle;
pub mod model;
pub mod partitions;
pub mod transitions;

pub use gate::{Accepted, Config};
pub use handlers::HandlerTable;
pub use lifecycle::{StateId, StateOf};
pub use model::*;
pub use programs_macros::{board, device_kinds, devices, partitions, sp_lifecycle, sp_states, transition_handlers};
pub use transitions::{Lists, Transition};

#[doc(hidden)]
pub mod __private {
    pub use frunk;
    pub use typenum;
    pub use typevm;
}
