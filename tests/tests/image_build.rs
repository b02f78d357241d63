//! The image's build against its configuration, end to end: edit the board's
//! configuration in a copy of this workspace and check the hypervisor image
//! there.
//!
//! * Typed transitions: remove `Blocked -> Preempted` from the lifecycle
//!   table. The build must break at the handler declared for it and, once
//!   that handler goes too, at every line of the hypervisor that performs
//!   `Blocked -> Preempted`, with a message naming the transition.
//! * Partitions the image cannot load (the checks accept them; there is no
//!   program for one, or its program does not fit its code region): the
//!   build must break, naming the partition or the region.
//!
//! The untouched copy must build. A copy lives in the system temp directory
//! (outside this workspace, so cargo reads only the copy's
//! `.cargo/config.toml`), and its build output in
//! `<workspace>/target/image-build/<test>`, kept between runs.
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TABLE_EDGE: &str = "        Blocked -> Preempted;\n";
const HANDLER_ENTRY: &str = "        Blocked -> Preempted => crate::sp::on_chain_preempt,\n";
const MISSING: &str = "the lifecycle table `programs::board::Lifecycle` has no transition `programs::board::Blocked -> programs::board::Preempted`";

mod common;
use common::workspace;

/// Copy the workspace's sources (not `target/`, not `.git/`) to `to`.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

/// Replace the one occurrence of `what` in `file` with `with`.
fn edit(file: &Path, what: &str, with: &str) {
    let text = fs::read_to_string(file).unwrap();
    assert_eq!(
        text.matches(what).count(),
        1,
        "{} should hold {what:?} exactly once",
        file.display()
    );
    fs::write(file, text.replacen(what, with, 1)).unwrap();
}

/// The test a copy is for: its directory's name without the process id.
fn test_of(copy: &Path) -> String {
    let name = copy.file_name().unwrap().to_string_lossy();
    name.rsplit_once('-')
        .map_or(name.to_string(), |(test, _pid)| test.to_string())
}

/// `cargo check` the hypervisor image in the copy: (success, diagnostics).
fn check_image(copy: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO"))
        .current_dir(copy)
        .args([
            "check",
            "--offline",
            "-p",
            "hypervisor",
            "--bins",
            "--target",
            "aarch64-unknown-none",
            "--message-format=short",
        ])
        // One build directory per test: cargo names a workspace member's
        // artifacts by its path relative to the workspace, so two copies
        // built in one directory would overwrite each other's.
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target").join("image-build").join(test_of(copy)),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo check on the workspace copy");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `file:line` of every line under `dir` that performs `Blocked ->
/// Preempted` (`go`, or the scheduler's `lc`/`settle` wrappers), outside tests.
fn lines_performing(root: &Path, dir: &Path, found: &mut BTreeSet<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            lines_performing(root, &path, found);
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let tests_from = text.find("#[cfg(test)]").unwrap_or(text.len());
        let mut offset = 0;
        for (n, line) in text.lines().enumerate() {
            if offset < tests_from
                && ["go", "lc", "settle", "take", "leave"]
                    .iter()
                    .any(|f| line.contains(&format!("{f}::<Blocked, Preempted>(")))
            {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                found.insert(format!("{rel}:{}", n + 1));
            }
            offset += line.len() + 1;
        }
    }
}

/// A fresh copy of the workspace named for `test`, checked to build as it is
/// (so that what breaks afterwards is the edit's doing).
fn building_copy(test: &str) -> PathBuf {
    let copy = std::env::temp_dir().join(format!("{test}-{}", std::process::id()));
    if copy.exists() {
        fs::remove_dir_all(&copy).unwrap();
    }
    copy_tree(&workspace(), &copy);
    let (ok, stderr) = check_image(&copy);
    assert!(ok, "the unmodified workspace copy should build:\n{stderr}");
    copy
}

/// The edits `(what, with)` of the copy's board configuration together
/// break the image's build with `expected` among its errors; they are
/// undone afterwards.
fn edits_break(copy: &Path, edits: &[(&str, &str)], expected: &str) {
    let path = copy.join("programs/src/board.rs");
    let before = fs::read_to_string(&path).unwrap();
    for (what, with) in edits {
        edit(&path, what, with);
    }
    let (ok, stderr) = check_image(copy);
    fs::write(&path, before).unwrap();
    assert!(!ok, "the image built after {edits:?}");
    assert!(stderr.contains(expected), "expected\n{expected}\nin\n{stderr}");
}

#[test]
fn a_partition_the_image_cannot_load_fails_its_build() {
    let copy = building_copy("image-partitions");
    // A partition without a program.
    edits_break(
        &copy,
        &[("        sp2: id", "        sp9: id")],
        "partition `sp9` of the accepted configuration has no program: add hypervisor/partitions/src/bin/sp9.rs",
    );
    // A code region the checks accept but the partition's program does not
    // fit: its binary, linked at the configuration's regions, does not link
    // (lld: "section '.text' will not fit in region 'code'", which the short
    // message format leaves out).
    edits_break(
        &copy,
        &[(
            "code + 0x1_0000 rx, data + 0x1f_0000 rw;\n            devices: uart0, rtc0;",
            "code + 0x1000 rx, data + 0x1f_0000 rw;\n            devices: uart0, rtc0;",
        )],
        "could not compile `partitions` (bin \"sp1\")",
    );
    fs::remove_dir_all(&copy).unwrap();
}

#[test]
fn removing_a_transition_breaks_every_line_that_performs_it() {
    let copy = building_copy("image-transitions");

    // 1. The edge leaves the table: its handler has no transition any more.
    let board = copy.join("programs/src/board.rs");
    edit(&board, TABLE_EDGE, "");
    let (ok, stderr) = check_image(&copy);
    assert!(!ok, "the image built without `Blocked -> Preempted` in its table");
    let sp = fs::read_to_string(copy.join("hypervisor/src/sp.rs")).unwrap();
    let handler_line = sp
        .lines()
        .position(|l| l == HANDLER_ENTRY.trim_end_matches('\n'))
        .unwrap()
        + 1;
    let expected = format!(
        "hypervisor/src/sp.rs:{handler_line}:9: error[E0080]: evaluation panicked: check `handlers: none for a transition not in the table` failed for `SP_HANDLERS`: a handler is declared for `Blocked -> Preempted`, which is not a transition of the lifecycle table"
    );
    assert!(stderr.contains(&expected), "expected\n{expected}\nin\n{stderr}");

    // 2. The handler goes too: every line performing the transition breaks,
    //    and no other line.
    edit(&copy.join("hypervisor/src/sp.rs"), HANDLER_ENTRY, "");
    let (ok, stderr) = check_image(&copy);
    assert!(!ok, "the image built while performing a transition its table lacks");
    let mut expected = BTreeSet::new();
    lines_performing(&copy, &copy.join("hypervisor/src"), &mut expected);
    assert!(
        !expected.is_empty(),
        "the hypervisor performs `Blocked -> Preempted` somewhere"
    );
    let reported: BTreeSet<String> = stderr
        .lines()
        .filter(|l| l.contains(": error"))
        .map(|l| {
            assert!(
                l.contains(MISSING),
                "an error other than the missing transition:\n{l}\n\n{stderr}"
            );
            let mut parts = l.splitn(3, ':');
            format!("{}:{}", parts.next().unwrap(), parts.next().unwrap())
        })
        .collect();
    assert_eq!(
        reported, expected,
        "lines reported vs lines performing the transition:\n{stderr}"
    );
    let _ = fs::remove_dir_all(&copy);
}
