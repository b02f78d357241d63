//! What several cross-crate test binaries share: where the workspace is,
//! and QEMU (missing: the test fails with the command that installs it).
#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::process::Command;

/// How to install QEMU on the Debian machines the README targets.
pub const QEMU_INSTALL: &str = "sudo apt-get update && sudo apt-get install -y qemu-system-arm";

/// The workspace root (`tests/` lives in it).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_path_buf()
}

/// Fail, with the command that installs it, unless qemu-system-aarch64 runs.
pub fn require_qemu(what: &str) {
    let found = Command::new("qemu-system-aarch64")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "qemu-system-aarch64 is not installed; {what} need(s) it. Install it with:\n    {QEMU_INSTALL}\n"
    );
}
