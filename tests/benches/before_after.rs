//! Issue 8's targets, before and after, in one run on one machine: the same
//! configurations and programs compiled on the engine as it was when the
//! engine work started (`BENCH_BEFORE`, default `3296f72`, exported from
//! this repository's history with `git archive`) and on this tree, with the
//! same compiler. `cargo bench -p tests --bench before_after`
//! (`BENCH_RUNS=n`, default 1; `BENCH_MAX_STATES` / `BENCH_MAX_DEVICES`
//! cap the largest tables, default 32 states and 128 devices: the dense
//! 64-state table took 28 minutes before).
//!
//! Each row is compiled on the two engines one after the other. Times are
//! whole `cargo check` processes minus an empty crate on the same engine;
//! ticks are this engine's (from `explain`).

mod common;
use common::configs::*;
use common::*;
use std::path::PathBuf;
use std::process::Command;

/// The board line of the engine before: boards had no kind sets then.
const BOARD_BEFORE: &str = "programs::board! { pub QemuVirt { ram: 0x4000_0000 + 0x4000_0000; \
devices: 0x0800_0000 + 0x3800_0000; image: 0x4020_0000 + 0x0100_0000; } }\n";

/// The tree of revision `rev`, exported once under `target/bench-engines/`.
fn export(rev: &str) -> PathBuf {
    let repo = repo();
    let dir = repo.join("target/bench-engines").join(rev);
    // Written last: a directory without it is an interrupted export.
    let done = dir.join(".exported");
    if done.exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let archive = Command::new("git")
        .args(["archive", "--format=tar", rev])
        .current_dir(&repo)
        .output()
        .expect("git runs");
    assert!(
        archive.status.success(),
        "`git archive {rev}` failed (BENCH_BEFORE must name a revision of this repository): {}",
        String::from_utf8_lossy(&archive.stderr)
    );
    let mut tar = Command::new("tar")
        .args(["-x", "-C"])
        .arg(&dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("tar runs");
    use std::io::Write;
    tar.stdin.take().unwrap().write_all(&archive.stdout).unwrap();
    assert!(tar.wait().unwrap().success(), "tar could not unpack `{rev}`");
    std::fs::write(&done, rev).unwrap();
    dir
}

/// A row: its name, its source on the engine before (none when that engine
/// cannot run it) and on this tree, and this engine's ticks.
struct Row {
    name: String,
    before: Option<String>,
    after: String,
    ticks: u64,
}

impl Row {
    /// A configuration: the same source on both engines but for the board line.
    fn config(name: String, source: impl Fn(&str) -> String) -> Row {
        let after = source(BOARD);
        Row {
            name,
            before: Some(source(BOARD_BEFORE)),
            ticks: ticks(&after),
            after,
        }
    }

    /// SumTo on `n`, on both engines or (`both` false) on this one only.
    fn sum_to(name: &str, n: u64, both: bool) -> Row {
        Row {
            name: name.into(),
            before: both.then(|| sum_to(n)),
            after: sum_to(n),
            ticks: sum_to_ticks(n),
        }
    }
}

/// A measured row's cell: seconds above the empty crate and peak MB, or why not.
fn cell(sample: &Result<Sample, String>, empty: Sample) -> (String, String) {
    match sample {
        Ok(s) => (
            format!("{:.2}", s.seconds - empty.seconds),
            format!("{:.0}", s.max_rss_mb),
        ),
        Err(e) => (format!("failed: {}", e.lines().next().unwrap_or("")), String::new()),
    }
}

fn main() {
    let runs = runs(1);
    let rev = std::env::var("BENCH_BEFORE").unwrap_or_else(|_| "3296f72".into());
    let max_states = max_size("BENCH_MAX_STATES", 32);
    let max_devices = max_size("BENCH_MAX_DEVICES", usize::MAX);
    let engine_before = export(&rev);

    let (names, edges, devs) = owned();
    let mut rows = vec![Row::config(
        "board (5 states, 8 transitions, 4 devices)".into(),
        |board| checked(STATES, &names, &edges, &devs, board),
    )];
    for n in [37, 64, 128].into_iter().filter(|&n| n <= max_devices) {
        rows.push(Row::config(format!("{n}-device map"), |board| many_devices(n, board)));
    }
    for n in [16, 32, 64].into_iter().filter(|&n| n <= max_states) {
        rows.push(Row::config(format!("dense {n}-state table"), |_| dense_lifecycle(n)));
    }
    for (order, reversed) in [("first-to-last", false), ("last-first", true)] {
        rows.push(Row::config(format!("64-state chain, {order}"), |_| chain(64, reversed)));
    }
    // SumTo on 4,761 was 100,000 ticks on the engine before (21 per loop
    // pass); on 9,091 it is 100,000 ticks now (11 per pass), which the
    // engine before cannot run within its default budget of 131,071.
    rows.push(Row::sum_to("SumTo 4,761 (100k ticks before)", 4_761, true));
    rows.push(Row::sum_to("SumTo 9,091 (100k ticks now)", 9_091, false));
    rows.push(Row::sum_to("the article's loop, SumTo 255", 255, true));

    let mut before = Bench::on_engine("before_after_before", &engine_before);
    let mut after = Bench::new("before_after_after");
    before.add("empty", "pub const X: u64 = 1;\n");
    after.add("empty", "pub const X: u64 = 1;\n");
    for (i, row) in rows.iter().enumerate() {
        if let Some(src) = &row.before {
            before.add(&format!("row_{i}"), src);
        }
        after.add(&format!("row_{i}"), &row.after);
    }
    before.prepare();
    after.prepare();
    let empty_before = before
        .median("empty", runs)
        .expect("an empty crate compiles on the engine before");
    let empty_after = after.median("empty", runs).expect("an empty crate compiles");

    println!(
        "before_after: engine {rev} (before) and this tree (after), same compiler, median of {runs} run(s), \
         minus an empty crate on each ({:.2} s / {:.2} s)",
        empty_before.seconds, empty_after.seconds
    );
    println!();
    println!("| row | ticks now | before (s) | before peak (MB) | after (s) | after peak (MB) | speed-up |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (i, row) in rows.iter().enumerate() {
        let crate_name = format!("row_{i}");
        let b = row.before.as_ref().map(|_| before.median(&crate_name, runs));
        let a = after.median(&crate_name, runs);
        let (bs, bm) = b
            .as_ref()
            .map_or(("n/a".into(), String::new()), |b| cell(b, empty_before));
        let (as_, am) = cell(&a, empty_after);
        let ratio = match (&b, &a) {
            (Some(Ok(x)), Ok(y)) if y.seconds > empty_after.seconds => format!(
                "{:.1}x",
                (x.seconds - empty_before.seconds) / (y.seconds - empty_after.seconds)
            ),
            _ => String::new(),
        };
        println!(
            "| {} | {} | {bs} | {bm} | {as_} | {am} | {ratio} |",
            row.name, row.ticks
        );
    }
}
