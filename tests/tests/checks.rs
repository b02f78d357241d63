//! The checks' compile errors, pinned: every VM fault and every configuration
//! rule has a case in `tests/ui/` whose rustc output must match its `.stderr`.
//! Pass cases must compile (and run) under the same `-Znext-solver` flags.
//!
//! Regenerate the snapshots after an intended change with
//! `TRYBUILD=overwrite cargo test -p tests --test checks`, then read the diff.

//!
//! One test per folder, so that one folder can be run alone while working
//! on it (`cargo test -p tests --test checks gate`); trybuild serializes
//! them on its shared build directory.

#[test]
fn vm_faults() {
    trybuild::TestCases::new().compile_fail("ui/vm/*.rs");
}

#[test]
fn config_rules() {
    trybuild::TestCases::new().compile_fail("ui/config/*.rs");
}

#[test]
fn gate() {
    trybuild::TestCases::new().compile_fail("ui/gate/*.rs");
}

#[test]
fn accepted_configurations_pass() {
    trybuild::TestCases::new().pass("ui/pass/*.rs");
}
