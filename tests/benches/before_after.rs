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
    if dir.join("Cargo.toml").exists() {
        return dir;
    }
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
    dir
}

/// A row: its name, the source on each engine, and this engine's ticks.
struct Row {
    name: String,
    before: Option<String>,
    after: String,
    ticks: Option<u64>,
}

fn sum_to(n: u64) -> String {
    format!(
        "use frunk::HList;\nuse programs::examples::SumTo;\ntypevm::check!(SumTo, input = HList![typevm::num!({n})]);\n"
    )
}

fn main() {
    let runs = runs(1);
    let rev = std::env::var("BENCH_BEFORE").unwrap_or_else(|_| "3296f72".into());
    let max_states = std::env::var("BENCH_MAX_STATES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(32);
    let max_devices = max_size("BENCH_MAX_DEVICES");
    let engine_before = export(&rev);

    let (names, edges, devs) = owned();
    let mut rows = vec![Row {
        name: "board (5 states, 8 transitions, 4 devices)".into(),
        before: Some(checked(STATES, &names, &edges, &devs, BOARD_BEFORE)),
        after: checked(STATES, &names, &edges, &devs, BOARD),
        ticks: Some(ticks(&checked(STATES, &names, &edges, &devs, BOARD))),
    }];
    for n in [37, 64, 128].into_iter().filter(|&n| n <= max_devices) {
        rows.push(Row {
            name: format!("{n}-device map"),
            before: Some(many_devices(n, BOARD_BEFORE)),
            after: many_devices(n, BOARD),
            ticks: Some(ticks(&many_devices(n, BOARD))),
        });
    }
    for n in [16, 32, 64].into_iter().filter(|&n| n <= max_states) {
        rows.push(Row {
            name: format!("dense {n}-state table"),
            before: Some(dense_lifecycle(n)),
            after: dense_lifecycle(n),
            ticks: Some(ticks(&dense_lifecycle(n))),
        });
    }
    for (order, reversed) in [("first-to-last", false), ("last-first", true)] {
        rows.push(Row {
            name: format!("64-state chain, {order}"),
            before: Some(chain(64, reversed)),
            after: chain(64, reversed),
            ticks: Some(ticks(&chain(64, reversed))),
        });
    }
    // SumTo on 4,761 was 100,000 ticks on the engine before (21 per loop
    // pass); on 9,091 it is 100,000 ticks now (11 per pass), which the
    // engine before cannot run within its default budget of 131,071.
    rows.push(Row {
        name: "SumTo 4,761 (100k ticks before)".into(),
        before: Some(sum_to(4_761)),
        after: sum_to(4_761),
        ticks: Some(11 * 4_761 + 5),
    });
    rows.push(Row {
        name: "SumTo 9,091 (100k ticks now)".into(),
        before: None,
        after: sum_to(9_091),
        ticks: Some(11 * 9_091 + 5),
    });
    rows.push(Row {
        name: "the article's loop, SumTo 255".into(),
        before: Some(sum_to(255)),
        after: sum_to(255),
        ticks: Some(11 * 255 + 5),
    });

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
        let b = row.before.as_ref().map(|_| {
            before
                .median(&crate_name, runs)
                .map(|s| (s.seconds - empty_before.seconds, s.max_rss_mb))
        });
        let a = after
            .median(&crate_name, runs)
            .map(|s| (s.seconds - empty_after.seconds, s.max_rss_mb));
        let cell = |r: &Option<Result<(f64, f64), String>>| match r {
            None => ("n/a".to_string(), "".to_string()),
            Some(Ok((s, m))) => (format!("{s:.2}"), format!("{m:.0}")),
            Some(Err(e)) => (format!("failed: {}", e.lines().next().unwrap_or("")), "".to_string()),
        };
        let (bs, bm) = cell(&b);
        let (as_, am) = cell(&Some(a.clone()));
        let ratio = match (&b, &a) {
            (Some(Ok((x, _))), Ok((y, _))) if *y > 0.0 => format!("{:.1}x", x / y),
            _ => "".to_string(),
        };
        let ticks = row.ticks.map(|t| t.to_string()).unwrap_or_default();
        println!("| {} | {ticks} | {bs} | {bm} | {as_} | {am} | {ratio} |", row.name);
    }
}
