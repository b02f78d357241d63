//! The hypervisor image: `cargo run -p hypervisor --release --target aarch64-unknown-none`
//! boots it in QEMU (see `hypervisor/qemu-run`). On the host this binary is a
//! stub so that `cargo test --workspace` builds.
#![cfg_attr(target_os = "none", no_std, no_main)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
// A refused transition (or any must-use result) is handled, never discarded.
#![deny(clippy::let_underscore_must_use)]

#[cfg(target_os = "none")]
mod image;

#[cfg(not(target_os = "none"))]
fn main() {
    println!(
        "the hypervisor image is built for aarch64-unknown-none: \
         cargo run -p hypervisor --release --target aarch64-unknown-none"
    );
}
