//! The checks' compile errors, pinned: every VM fault and every configuration
//! rule has a case in `tests/ui/` whose rustc output must match its `.stderr`.
//! Pass cases must compile (and run) under the same `-Znext-solver` flags.
//!
//! Regenerate the snapshots after an intended change with
//! `TRYBUILD=overwrite cargo test -p tests --test checks`, then read the diff.

#[test]
fn checks() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/vm/*.rs");
    t.compile_fail("ui/config/*.rs");
    t.compile_fail("ui/gate/*.rs");
    t.pass("ui/pass/*.rs");
}
