//! Typed transitions, end to end: remove `Blocked -> Preempted` from the
//! board's lifecycle table in a copy of this workspace and check the
//! hypervisor image there. The build must break at the handler declared for
//! the removed transition and, once that handler goes too, at every line of
//! the hypervisor that performs `Blocked -> Preempted`, with a message naming
//! the transition; the untouched copy must build.
//!
//! The copy lives in the system temp directory (outside this workspace, so
//! cargo reads only the copy's `.cargo/config.toml`), and its build output in
//! `<workspace>/target/typed-transitions`, kept between runs.
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TABLE_EDGE: &str = "        Blocked -> Preempted;\n";
const HANDLER_ENTRY: &str = "        Blocked -> Preempted => crate::sp::on_chain_preempt,\n";
const MISSING: &str = "the lifecycle table `programs::board::Lifecycle` has no transition `programs::board::Blocked -> programs::board::Preempted`";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_path_buf()
}

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
        .env("CARGO_TARGET_DIR", workspace().join("target").join("typed-transitions"))
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
                && ["go", "lc", "settle"]
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

#[test]
fn removing_a_transition_breaks_every_line_that_performs_it() {
    let ws = workspace();
    let copy = std::env::temp_dir().join(format!("typed-transitions-{}", std::process::id()));
    let _ = fs::remove_dir_all(&copy);
    copy_tree(&ws, &copy);

    // The untouched copy builds: what breaks below is the edit's doing.
    let (ok, stderr) = check_image(&copy);
    assert!(ok, "the unmodified workspace copy should build:\n{stderr}");

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
