//! The hypervisor's pure logic: everything here builds and is tested on the host
//! (`cargo test -p hypervisor`), and is linked unchanged into the EL2 image
//! (`src/main.rs`, `src/image/`).
//!
//! The configuration the image runs is `programs::board::ACCEPTED`: its lifecycle
//! table drives [`lifecycle`] and [`sp`], its device map builds [`devices`], its
//! board facts bound the image ([`layout`]) and stage-2 ([`stage2`]), its
//! partitions' regions check their programs ([`elf`]).
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
// A refused transition (or any must-use result) is handled, never discarded.
#![deny(clippy::let_underscore_must_use)]

pub mod devices;
pub mod elf;
pub mod esr;
pub mod layout;
pub mod lifecycle;
pub mod linebuf;
pub mod log;
pub mod sp;
pub mod stage2;
pub mod sync;

pub use programs;
