//! What the configuration checks cost to compile. `cargo bench -p tests
//! --bench config_checks` (`BENCH_RUNS=n`, default 3 for the board, 1 for
//! the scaling tables).
//!
//! 1. The QEMU virt board configuration (the text of `programs::board`) with
//!    its checks, against the same types without the checks, and against the
//!    same rules written as a const-eval check over arrays: as ratios in one run.
//! 2. Scaling: dense lifecycle tables (every transition `i -> j`, `j != i`,
//!    none into the initial state: `(n-1)^2`) of 5, 16, 32 and 64 states; a
//!    64-state chain with its transitions listed first-to-last and
//!    last-first; device maps of 4, 16, 37 (QEMU virt's count of platform
//!    devices and virtio-mmio transports), 64 and 128 devices.
//!    `BENCH_MAX_STATES` / `BENCH_MAX_DEVICES` cap the sizes run;
//!    `BENCH_PARTS=board` runs part 1 only.
//!
//! Every row gives the VM ticks of its checks (from `explain`, the twin,
//! tick for tick the type level), so that fewer ticks and cheaper ticks show
//! separately.

mod common;
use common::configs::*;
use common::*;

/// The configuration the hypervisor boots, as it is (`programs/src/board.rs`:
/// kinds, lifecycle, devices, partitions, and the gate that runs every
/// check on them), compiled as a crate of its own.
fn grown_board() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../programs/src/board.rs");
    let text = std::fs::read_to_string(path).expect("programs/src/board.rs");
    // The kinds stay `programs::board`'s: the gate's emulations are of those
    // (a copy of the set is another set, whose trapped kinds it refuses).
    let (head, rest) = text
        .split_once("pub mod kinds {")
        .expect("board.rs declares its kinds in `mod kinds`");
    let (_, tail) = rest.split_once("pub use kinds::*;").expect("and re-exports them");
    let text = format!("{head}pub use programs::board::kinds::*;{tail}");
    text.lines()
        .filter(|l| !l.starts_with("//!"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("crate::", "programs::")
}

/// The board's types and reflections as the macros emit them, without the checks.
fn types_only() -> String {
    let (_, edges, devs) = owned();
    let mut s = String::from(STATES);
    s += "use typevm::value::{Display, Value};\nuse typevm::num;\n";
    s += "pub type Edges = frunk::HList![";
    s += &edges
        .iter()
        .map(|(f, t)| format!("programs::lifecycle::Edge<{f}, {t}>"))
        .collect::<Vec<_>>()
        .join(", ");
    s += "];\n";
    s += "pub const EDGE_VALS: &[typevm::Val] = &[";
    s += &edges
        .iter()
        .map(|(f, t)| format!("<programs::lifecycle::Edge<{f}, {t}> as Value>::VAL"))
        .collect::<Vec<_>>()
        .join(", ");
    s += "];\n";
    s += "typevm::record!(pub struct QemuVirt = [num!(0x4000_0000), num!(0x4000_0000), num!(0x0800_0000), num!(0x3800_0000), num!(0x4020_0000), num!(0x0100_0000), num!(1), programs::board::VirtKinds] as Display::Name);\n";
    for (n, k, b, z, i) in &devs {
        s += &format!(
            "typevm::record!(#[allow(non_camel_case_types)] pub struct {n} = [programs::board::{k}, num!({b:#x}), num!({z:#x}), num!({i})] as Display::Window);\n"
        );
    }
    s += &format!(
        "pub type Devices = frunk::HList![{}];\n",
        devs.iter().map(|d| d.0.clone()).collect::<Vec<_>>().join(", ")
    );
    s += &format!(
        "pub const DEVICE_VALS: &[typevm::Val] = &[{}];\n",
        devs.iter()
            .map(|d| format!("<{} as Value>::VAL", d.0))
            .collect::<Vec<_>>()
            .join(", ")
    );
    s
}

/// The same rules as const fns over arrays (what a const-eval check of the
/// catalogue looks like), run on the board.
fn const_eval() -> String {
    let (names, edges, devs) = owned();
    let id = |n: &str| names.iter().position(|x| x == n).unwrap();
    let mut s = String::from(
        r#"
struct Dev { base: u64, size: u64, irq: u64, kind: u8, singleton: bool, class: u8 }
const fn lifecycle(n: usize, declared: u64, initial: &[usize], terminal: u64, reentrant: u64, edges: &[(usize, usize)]) {
    let mut legal = [0u64; 64];
    let mut i = 0;
    while i < edges.len() {
        let (f, t) = edges[i];
        assert!(declared >> f & 1 == 1 && declared >> t & 1 == 1, "state not declared");
        assert!(legal[f] >> t & 1 == 0, "duplicate transition");
        legal[f] |= 1 << t;
        i += 1;
    }
    assert!(initial.len() == 1, "exactly one initial state");
    let init = initial[0];
    let mut reach = 1u64 << init;
    loop {
        let before = reach;
        let mut s = 0;
        while s < n { if reach >> s & 1 == 1 { reach |= legal[s]; } s += 1; }
        if reach == before { break; }
    }
    assert!(reach & declared == declared, "unreachable state");
    let mut s = 0;
    while s < n {
        if declared >> s & 1 == 1 { assert!(legal[s] != 0 || terminal >> s & 1 == 1, "dead end"); }
        if legal[s] >> init & 1 == 1 { assert!(reentrant >> init & 1 == 1, "transition into the initial state"); }
        s += 1;
    }
}
const fn devices(d: &[Dev], ram: (u64, u64), range: (u64, u64), image: (u64, u64)) {
    let mut i = 0;
    let mut singles = 0u64;
    while i < d.len() {
        let a = &d[i];
        assert!(a.base & 0xfff == 0 && a.size & 0xfff == 0 && a.size != 0, "misaligned window");
        assert!(a.base >= range.0 && a.base + a.size <= range.0 + range.1, "outside the device range");
        assert!(!(a.base < ram.0 + ram.1 && ram.0 < a.base + a.size), "overlaps RAM");
        assert!(!(a.base < image.0 + image.1 && image.0 < a.base + a.size), "overlaps the image");
        match a.class {
            0 => assert!(a.irq == 0, "unexpected interrupt"),
            1 => assert!(a.irq >= 32 && a.irq <= 1019, "not an SPI"),
            _ => assert!(a.irq >= 16 && a.irq <= 31, "not a PPI"),
        }
        if a.singleton { assert!(singles >> a.kind & 1 == 0, "second singleton"); singles |= 1 << a.kind; }
        let mut j = i + 1;
        while j < d.len() {
            let b = &d[j];
            assert!(!(a.base < b.base + b.size && b.base < a.base + a.size), "overlapping windows");
            assert!(a.irq == 0 || a.irq != b.irq, "shared interrupt");
            j += 1;
        }
        i += 1;
    }
}
"#,
    );
    let e: Vec<String> = edges.iter().map(|(f, t)| format!("({}, {})", id(f), id(t))).collect();
    s += &format!(
        "const _: () = lifecycle(5, 0b11111, &[0], 0, 0, &[{}]);\n",
        e.join(", ")
    );
    let kind = |k: &str| match k {
        "Pl011" => (0, false, 1),
        "Pl031" => (1, false, 1),
        "GicV3Distributor" => (2, true, 0),
        _ => (3, false, 0),
    };
    let d: Vec<String> = devs
        .iter()
        .map(|(_, k, b, z, i)| {
            let (kid, single, class) = kind(k);
            format!("Dev {{ base: {b:#x}, size: {z:#x}, irq: {i}, kind: {kid}, singleton: {single}, class: {class} }}")
        })
        .collect();
    s += &format!(
        "const _: () = devices(&[{}], (0x4000_0000, 0x4000_0000), (0x0800_0000, 0x3800_0000), (0x4020_0000, 0x0100_0000));\n",
        d.join(", ")
    );
    s
}

fn main() {
    let runs = runs(3);
    let mut b = Bench::new("config_checks");
    let (names, edges, devs) = owned();
    let board_ticks = ticks(&checked(STATES, &names, &edges, &devs, BOARD));
    b.add("empty", "pub const X: u64 = 1;\n");
    b.add("board_checked", &checked(STATES, &names, &edges, &devs, BOARD));
    b.add("board_types_only", &types_only());
    b.add("board_const_eval", &const_eval());
    b.add("grown_board", &grown_board());
    let board_only = std::env::var("BENCH_PARTS").is_ok_and(|p| p == "board");
    let state_sizes: Vec<usize> = [5usize, 16, 32, 64]
        .into_iter()
        .filter(|&n| n <= max_size("BENCH_MAX_STATES", usize::MAX) && !board_only)
        .collect();
    let device_sizes: Vec<usize> = [4usize, 16, 37, 64, 128]
        .into_iter()
        .filter(|&n| n <= max_size("BENCH_MAX_DEVICES", usize::MAX) && !board_only)
        .collect();
    for &n in &state_sizes {
        b.add(&format!("lifecycle_{n}"), &dense_lifecycle(n));
    }
    if !board_only {
        b.add("chain_forward", &chain(64, false));
        b.add("chain_reversed", &chain(64, true));
    }
    for &n in &device_sizes {
        b.add(&format!("devices_{n}"), &many_devices(n, BOARD));
    }
    b.prepare();

    let empty = b.median("empty", runs).unwrap();
    let checked = b.median("board_checked", runs).unwrap();
    let types = b.median("board_types_only", runs).unwrap();
    let consteval = b.median("board_const_eval", runs).unwrap();
    println!(
        "config_checks: the QEMU virt board (5 states, 8 transitions, 4 devices, {} VM ticks), median of {runs} runs",
        board_ticks
    );
    println!();
    println!("| crate | compile (s) | above empty (s) | peak RSS (MB) |");
    println!("|---|---:|---:|---:|");
    for (name, s) in [
        ("empty crate", empty),
        ("board types, no checks", types),
        ("board, same rules as const eval", consteval),
        ("board with its VM checks", checked),
    ] {
        println!(
            "| {name} | {:.2} | {:.2} | {:.0} |",
            s.seconds,
            s.seconds - empty.seconds,
            s.max_rss_mb
        );
    }
    let grown = b.median("grown_board", runs).unwrap();
    println!(
        "| the grown board (`programs/src/board.rs`: {} kinds, 5 states, 8 transitions, {} devices, {} partitions; {} VM ticks) | {:.2} | {:.2} | {:.0} |",
        programs::board::ACCEPTED.board().kinds().len(),
        programs::board::ACCEPTED.devices().len(),
        programs::board::ACCEPTED.partitions().len(),
        ticks(&grown_board()),
        grown.seconds,
        grown.seconds - empty.seconds,
        grown.max_rss_mb
    );
    let cost = checked.seconds - types.seconds;
    let const_cost = (consteval.seconds - empty.seconds).max(0.01);
    println!();
    println!("the checks add {cost:.2} s over the same types without them");
    println!("ratio: VM checks / types only = {:.2}", checked.seconds / types.seconds);
    println!(
        "ratio: VM checks / const-eval check (whole process) = {:.2}",
        checked.seconds / consteval.seconds
    );
    println!(
        "ratio: VM check cost / const-eval check cost (above empty, floor 0.01 s) = {:.0}",
        (checked.seconds - empty.seconds) / const_cost
    );

    if board_only {
        return;
    }
    let scale_runs = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    println!();
    println!("scaling, dense lifecycle tables ({scale_runs} run(s) each)");
    println!("| states | transitions | VM ticks | compile (s) | above empty (s) | peak RSS (MB) |");
    println!("|---:|---:|---:|---:|---:|---:|");
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for &n in &state_sizes {
        let e = (n - 1) * (n - 1);
        match b.median(&format!("lifecycle_{n}"), scale_runs) {
            Ok(s) => {
                println!(
                    "| {n} | {e} | {} | {:.2} | {:.2} | {:.0} |",
                    ticks(&dense_lifecycle(n)),
                    s.seconds,
                    s.seconds - empty.seconds,
                    s.max_rss_mb
                );
                xs.push(e as f64);
                ys.push(s.seconds - empty.seconds);
            }
            Err(err) => println!("| {n} | {e} | failed: {} |", err.lines().next().unwrap_or("")),
        }
    }
    if xs.len() >= 2 {
        let (a, slope, r2) = linear_fit(&xs, &ys);
        println!(
            "fit over transitions: {a:.2} s + {:.2} ms/transition (r² = {r2:.4})",
            slope * 1000.0
        );
    }
    println!();
    println!("64-state chain, either order");
    println!("| order | VM ticks | compile (s) | above empty (s) | peak RSS (MB) |");
    println!("|---|---:|---:|---:|---:|");
    for (name, reversed) in [("chain_forward", false), ("chain_reversed", true)] {
        match b.median(name, scale_runs) {
            Ok(s) => println!(
                "| {} | {} | {:.2} | {:.2} | {:.0} |",
                if reversed { "last-first" } else { "first-to-last" },
                ticks(&chain(64, reversed)),
                s.seconds,
                s.seconds - empty.seconds,
                s.max_rss_mb
            ),
            Err(err) => println!("| {name} | failed: {} |", err.lines().next().unwrap_or("")),
        }
    }
    println!();
    println!("scaling, device maps (one GIC distributor, the rest UARTs)");
    println!("| devices | VM ticks | compile (s) | above empty (s) | peak RSS (MB) |");
    println!("|---:|---:|---:|---:|---:|");
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for &n in &device_sizes {
        match b.median(&format!("devices_{n}"), scale_runs) {
            Ok(s) => {
                println!(
                    "| {n} | {} | {:.2} | {:.2} | {:.0} |",
                    ticks(&many_devices(n, BOARD)),
                    s.seconds,
                    s.seconds - empty.seconds,
                    s.max_rss_mb
                );
                xs.push(n as f64);
                ys.push(s.seconds - empty.seconds);
            }
            Err(err) => println!("| {n} | failed: {} |", err.lines().next().unwrap_or("")),
        }
    }
    if xs.len() >= 2 {
        let (a, slope, r2) = linear_fit(&xs, &ys);
        println!(
            "fit over devices: {a:.2} s + {:.2} ms/device (r² = {r2:.4})",
            slope * 1000.0
        );
    }
}
