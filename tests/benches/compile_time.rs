//! Compile time and peak memory of rustc against VM ticks, with a const-eval
//! baseline of the same loop. `cargo bench -p tests --bench compile_time`
//! (`BENCH_RUNS=n` for the runs per size, default 3).
//!
//! Each size is a crate that runs `programs::examples::SumTo` in the trait
//! solver (`typevm::check!`, default recursion limit). Times are whole
//! `cargo check` processes minus the same for an empty crate; the fit is over
//! those deltas.

mod common;
use common::*;

/// SumTo on `n` takes `21 n + 14` ticks.
fn ticks_of(n: u64) -> u64 {
    21 * n + 14
}

fn main() {
    let runs = runs(3);
    let sizes: [u64; 6] = [1_000, 5_000, 10_000, 25_000, 50_000, 100_000];
    let mut b = Bench::new("compile_time");
    b.add("empty", "pub const X: u64 = 1;\n");
    let mut cases = Vec::new();
    for &target in &sizes {
        let n = (target - 14).div_ceil(21);
        let ticks = ticks_of(n);
        let name = format!("vm_{target}");
        b.add(
            &name,
            &format!(
                "use frunk::HList;\nuse programs::examples::SumTo;\n\
                 typevm::check!(SumTo, input = HList![typevm::num!({n})]);\n"
            ),
        );
        cases.push((name, n, ticks));
    }
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

    let empty = b.median("empty", runs).expect("empty crate compiles");
    println!(
        "compile_time: SumTo in the trait solver, median of {runs} runs, minus an empty crate ({:.2} s, {:.0} MB)",
        empty.seconds, empty.max_rss_mb
    );
    println!();
    println!("| VM ticks | SumTo n | compile (s) | above empty (s) | peak RSS (MB) | ms per 1k ticks |");
    println!("|---:|---:|---:|---:|---:|---:|");
    let (mut xs, mut ys, mut ms) = (Vec::new(), Vec::new(), Vec::new());
    for (name, n, ticks) in &cases {
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
    // One loop iteration of SumTo is 21 VM ticks.
    let vm_per_iter = slope * 21.0;
    println!();
    println!(
        "per loop iteration: type level {:.1} µs (21 ticks), const eval {:.3} µs: ratio {:.0}x",
        vm_per_iter * 1e6,
        per_iter * 1e6,
        vm_per_iter / per_iter
    );
}
