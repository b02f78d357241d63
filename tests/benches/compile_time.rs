//! Compile time and peak memory of rustc against VM ticks, with a const-eval
//! baseline of the same loop, the per-tick cost's independence of program
//! length, and the article's VM side by side. `cargo bench -p tests --bench
//! compile_time` (`BENCH_RUNS=n` for the runs per size, default 3;
//! `BENCH_PARTS=ticks,length,article,const` to run only some parts).
//!
//! Each size is a crate that runs `programs::examples::SumTo` in the trait
//! solver (`typevm::check!`, default recursion limit). Times are whole
//! `cargo check` processes minus the same for an empty crate; the fit is over
//! those deltas.

mod common;
use common::configs::{sum_to, sum_to_ticks};
use common::*;
use std::path::Path;

/// A crate that runs the SumTo loop on `n` inside a program of the loop's
/// 14 instructions followed by `pad` instructions it never executes.
fn padded_loop(n: u64, pad: usize) -> String {
    let mut s = String::from(
        "use typevm::isa::{regs::*, *};\nuse typenum::U1;\ntypevm::program! {\n    pub Padded = [\n\
         Store<R0>,\n top: Load<R0>, Jz<@done>,\n Load<R1>, Load<R0>, Add, Store<R1>,\n\
         Load<R0>, Push<U1>, Sub, Store<R0>,\n Jmp<@top>,\n done: Load<R1>, Halt,\n",
    );
    for i in 0..pad {
        s += &format!(" Push<typevm::num!({})>,\n", 0xffff_0000_0000u64 + i as u64);
    }
    s += "    ];\n}\n";
    s += &format!("typevm::check!(Padded, input = frunk::HList![typevm::num!({n})]);\n");
    s
}

fn main() {
    let runs = runs(3);
    let sizes: [u64; 6] = [1_000, 5_000, 10_000, 25_000, 50_000, 100_000];
    let mut b = Bench::new("compile_time");
    b.add("empty", "pub const X: u64 = 1;\n");
    let mut cases = Vec::new();
    for &target in &sizes {
        let n = (target - 5).div_ceil(11);
        let ticks = sum_to_ticks(n);
        let name = format!("vm_{target}");
        b.add(&name, &sum_to(n));
        cases.push((name, n, ticks));
    }
    // The same loop inside a 14- and a 214-instruction program, each also
    // run for 10 passes only: declaring 200 more instructions costs compile
    // time of its own (their cells' impls), which is not a cost per tick.
    let length_n = 1_800;
    for (len, pad) in [(14, 0), (214, 200)] {
        b.add(&format!("len_{len}"), &padded_loop(length_n, pad));
        b.add(&format!("len_{len}_short"), &padded_loop(10, pad));
    }
    // The article's loop (sum 1..255) in this engine: SumTo on 255.
    b.add("article_loop", &sum_to(255));
    // The same loop as a const fn, at the largest size and at 100x it (const
    // eval is too fast to time at the smaller sizes).
    let const_src = |n: u64| {
        format!(
            "#![allow(long_running_const_eval)]\n\
             const fn sum_to(n: u64) -> u64 {{ let (mut i, mut s) = (n, 0u64); while i != 0 {{ s += i; i -= 1; }} s }}\n\
             const _: () = assert!(sum_to({n}) == {n} * ({n} + 1) / 2);\n"
        )
    };
    let big = cases.last().unwrap().1;
    b.add("const_same", &const_src(big));
    b.add("const_100x", &const_src(big * 100));
    b.prepare();

    let parts = std::env::var("BENCH_PARTS").unwrap_or_else(|_| "ticks,length,article,const".into());
    let part = |p: &str| parts.split(',').any(|x| x.trim() == p);
    let empty = b.median("empty", runs).expect("empty crate compiles");
    println!(
        "compile_time: SumTo in the trait solver, median of {runs} runs, minus an empty crate ({:.2} s, {:.0} MB)",
        empty.seconds, empty.max_rss_mb
    );
    // The time fit over the SumTo sizes, which the const-eval comparison uses too.
    let fit = part("ticks").then(|| ticks_table(&b, runs, empty, &cases));
    if part("length") {
        length(&b, runs, length_n);
    }
    if part("article") {
        println!();
        article(&b, runs, empty);
    }
    if part("const") {
        let (_, slope, _) = fit.unwrap_or_else(|| ticks_fit(&b, runs, empty, &cases));
        const_baseline(&b, runs, empty, big, slope);
    }
}

/// The SumTo sizes: (crate, n, ticks).
type Cases = [(String, u64, u64)];

/// The SumTo table and its fits; returns the time fit.
fn ticks_table(b: &Bench, runs: usize, empty: Sample, cases: &Cases) -> (f64, f64, f64) {
    println!();
    println!("| VM ticks | SumTo n | compile (s) | above empty (s) | peak RSS (MB) | ms per 1k ticks |");
    println!("|---:|---:|---:|---:|---:|---:|");
    let (mut xs, mut ys, mut ms) = (Vec::new(), Vec::new(), Vec::new());
    for (name, n, ticks) in cases {
        match b.median(name, runs) {
            Ok(s) => {
                let d = s.seconds - empty.seconds;
                println!(
                    "| {ticks} | {n} | {:.2} | {:.2} | {:.0} | {:.2} |",
                    s.seconds,
                    d,
                    s.max_rss_mb,
                    d * 1e6 / *ticks as f64
                );
                xs.push(*ticks as f64);
                ys.push(d);
                ms.push(s.max_rss_mb);
            }
            Err(e) => println!("| {ticks} | {n} | failed: {} |", e.lines().next().unwrap_or("")),
        }
    }
    let (a, slope, r2) = linear_fit(&xs, &ys);
    let (ma, mslope, mr2) = linear_fit(&xs, &ms);
    println!();
    println!(
        "time fit:   {:.3} s + {:.3} ms/tick x ticks (r² = {r2:.4})",
        a,
        slope * 1000.0
    );
    println!(
        "memory fit: {:.0} MB + {:.2} KB/tick x ticks (r² = {mr2:.4})",
        ma,
        mslope * 1024.0
    );
    (a, slope, r2)
}

/// The time fit over the SumTo sizes, for a run without the table part.
fn ticks_fit(b: &Bench, runs: usize, empty: Sample, cases: &Cases) -> (f64, f64, f64) {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for (name, _, ticks) in cases {
        if let Ok(s) = b.median(name, runs) {
            xs.push(*ticks as f64);
            ys.push(s.seconds - empty.seconds);
        }
    }
    linear_fit(&xs, &ys)
}

/// Per tick against program length: the long run minus the short run of the
/// same program, per tick of difference.
fn length(b: &Bench, runs: usize, length_n: u64) {
    let t = (sum_to_ticks(length_n) - sum_to_ticks(10)) as f64;
    println!();
    println!(
        "per tick against program length: the same loop, {} ticks minus {} (the program's own cost)",
        sum_to_ticks(length_n),
        sum_to_ticks(10)
    );
    println!("| program | instructions | 10 passes (s) | {length_n} passes (s) | µs per tick |");
    println!("|---|---:|---:|---:|---:|");
    let mut per = Vec::new();
    for len in [14, 214] {
        match (
            b.median(&format!("len_{len}_short"), runs),
            b.median(&format!("len_{len}"), runs),
        ) {
            (Ok(short), Ok(long)) => {
                let d = long.seconds - short.seconds;
                println!(
                    "| len_{len} | {len} | {:.2} | {:.2} | {:.1} |",
                    short.seconds,
                    long.seconds,
                    d * 1e6 / t
                );
                per.push(d);
            }
            (Err(e), _) | (_, Err(e)) => println!("| len_{len} | {len} | failed: {} |", e.lines().next().unwrap_or("")),
        }
    }
    if let [short, long] = per[..] {
        println!(
            "ratio per tick, 214 / 14 instructions: {:.2} (target: 1.0, independent of length)",
            long / short
        );
    }
}

fn const_baseline(b: &Bench, runs: usize, empty: Sample, big: u64, slope: f64) {
    let c1 = b.median("const_same", runs).expect("const baseline compiles");
    let c100 = b.median("const_100x", runs).expect("const baseline compiles");
    let per_iter = (c100.seconds - c1.seconds) / (99.0 * big as f64);
    println!();
    println!("baseline: the same loop as a const fn");
    println!("| const fn iterations | compile (s) | above empty (s) |");
    println!("|---:|---:|---:|");
    println!("| {big} | {:.2} | {:.2} |", c1.seconds, c1.seconds - empty.seconds);
    println!(
        "| {} | {:.2} | {:.2} |",
        big * 100,
        c100.seconds,
        c100.seconds - empty.seconds
    );
    // One loop iteration of SumTo is 11 VM ticks.
    let vm_per_iter = slope * 11.0;
    println!();
    println!(
        "per loop iteration: type level {:.1} µs (11 ticks), const eval {:.3} µs: ratio {:.0}x",
        vm_per_iter * 1e6,
        per_iter * 1e6,
        vm_per_iter / per_iter
    );
}

/// The article's loop (sum 1..255) in the article's byte-circuit VM, as
/// `../shared/baselines/article_vm.py` re-creates it, against the same loop in
/// this engine; both above their own empty program (the article's with a loop
/// of one pass). The script stays outside the repository.
fn article(b: &Bench, runs: usize, empty: Sample) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let script = repo.join("../shared/baselines/article_vm.py");
    if !script.exists() {
        println!(
            "article VM: baseline script not found at {} (it lives outside the repository); comparison skipped",
            script.display()
        );
        return;
    }
    let dir = b.root().join("article");
    std::fs::create_dir_all(&dir).unwrap();
    let generate = |n: u32| {
        let out = std::process::Command::new("python3")
            .arg(&script)
            .args([n.to_string(), "65536".to_string()])
            .output()
            .expect("python3 runs");
        assert!(out.status.success(), "article_vm.py failed");
        std::fs::write(dir.join(format!("vm{n}.rs")), out.stdout).unwrap();
    };
    generate(255);
    generate(1);
    let compile = |n: u32| {
        let src = format!("vm{n}.rs");
        let out = format!("vm{n}.rmeta");
        let args = [
            "-Znext-solver",
            "--edition",
            "2021",
            "--crate-type",
            "lib",
            "--emit=metadata",
            "-o",
            out.as_str(),
            src.as_str(),
        ];
        // `rustc` in the repository resolves to its pinned nightly.
        let s: Vec<Sample> = (0..runs)
            .map(|_| time_command(&dir, "rustc", &args).expect("the article's VM compiles"))
            .collect();
        median_of(s)
    };
    let (a255, a1) = (compile(255), compile(1));
    let ours = b.median("article_loop", runs).expect("SumTo 255 compiles");
    let article_cost = a255.seconds - a1.seconds;
    let our_cost = ours.seconds - empty.seconds;
    println!("the article's loop, sum 1..255 (median of {runs}, same run)");
    println!("| engine | compile (s) | above its empty program (s) | peak RSS (MB) |");
    println!("|---|---:|---:|---:|");
    println!(
        "| article's VM (article_vm.py 255 65536) | {:.2} | {:.2} | {:.0} |",
        a255.seconds, article_cost, a255.max_rss_mb
    );
    println!(
        "| typevm, SumTo 255 ({} ticks) | {:.2} | {:.2} | {:.0} |",
        sum_to_ticks(255),
        ours.seconds,
        our_cost,
        ours.max_rss_mb
    );
    println!(
        "ratio typevm / article (above empty): {:.2} (target <= 1.0)",
        our_cost / article_cost
    );
}
