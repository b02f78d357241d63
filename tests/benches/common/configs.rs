//! The crates the compile-time benchmarks generate: the QEMU virt board's
//! small configuration, dense lifecycle tables, chains, device maps, and
//! SumTo runs. `board` is the line that declares the board, which differs between
//! engine revisions (`before_after` compiles the same configurations on the
//! engine issue 8 started from).

pub const STATES: &str = "programs::sp_states! { pub SpState: Reset, Idle, Running, Blocked, Preempted; }\n";
pub const EDGES: [(&str, &str); 8] = [
    ("Reset", "Idle"),
    ("Idle", "Running"),
    ("Running", "Idle"),
    ("Running", "Blocked"),
    ("Blocked", "Running"),
    ("Running", "Preempted"),
    ("Preempted", "Running"),
    ("Blocked", "Preempted"),
];
/// (name, kind, base, size, irq)
pub const DEVICES: [(&str, &str, u64, u64, u64); 4] = [
    ("gicd", "GicV3Distributor", 0x0800_0000, 0x1_0000, 0),
    ("gicr", "GicV3Redistributor", 0x080a_0000, 0x8_0000, 0),
    ("uart0", "Pl011", 0x0900_0000, 0x1000, 33),
    ("rtc0", "Pl031", 0x0901_0000, 0x1000, 34),
];
pub const BOARD: &str = "use programs::board::{VirtKinds, Pl011, Pl031, GicV3Distributor, GicV3Redistributor};\n\
programs::board! { pub QemuVirt { ram: 0x4000_0000 + 0x4000_0000; devices: 0x0800_0000 + 0x3800_0000; image: 0x4020_0000 + 0x0100_0000; kinds: VirtKinds; } }\n";

/// The small board: `states`, a lifecycle over `names` with `edges`, and `devices` on the board `board` declares.
pub fn checked(
    states: &str,
    names: &[String],
    edges: &[(String, String)],
    devices: &[(String, String, u64, u64, u64)],
    board: &str,
) -> String {
    let mut s = String::from(states);
    s += &format!(
        "programs::sp_lifecycle! {{ pub Lifecycle for SpState {{ states: {}; initial: {};\n",
        names.join(", "),
        names[0]
    );
    for (f, t) in edges {
        s += &format!("    {f} -> {t};\n");
    }
    s += "} }\n";
    s += board;
    s += "programs::devices! { pub Devices on QemuVirt {\n";
    for (n, k, b, z, i) in devices {
        let irq = if *i == 0 { String::new() } else { format!(", irq {i}") };
        s += &format!("    {n}: {k} @ {b:#x} + {z:#x}{irq};\n");
    }
    s += "} }\n";
    s
}

/// A device as the generated source writes it: name, kind, base, size, irq.
pub type DeviceRow = (String, String, u64, u64, u64);

pub fn owned() -> (Vec<String>, Vec<(String, String)>, Vec<DeviceRow>) {
    let names = ["Reset", "Idle", "Running", "Blocked", "Preempted"]
        .map(String::from)
        .to_vec();
    let edges = EDGES.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    let devs = DEVICES
        .iter()
        .map(|(n, k, b, z, i)| (n.to_string(), k.to_string(), *b, *z, *i))
        .collect();
    (names, edges, devs)
}

pub fn dense_lifecycle(n: usize) -> String {
    let names: Vec<String> = (0..n).map(|i| format!("S{i}")).collect();
    let mut edges = Vec::new();
    for i in 0..n {
        for j in 1..n {
            if i != j {
                edges.push((names[i].clone(), names[j].clone()));
            }
        }
    }
    let mut s = format!("programs::sp_states! {{ pub SpState: {}; }}\n", names.join(", "));
    s += &format!(
        "programs::sp_lifecycle! {{ pub Dense for SpState {{ states: {}; initial: S0;\n",
        names.join(", ")
    );
    for (f, t) in &edges {
        s += &format!("    {f} -> {t};\n");
    }
    s += "} }\n";
    s
}

/// A chain `S0 -> S1 -> ... -> S(n-1)`, the last state terminal, its
/// transitions listed first-to-last or last-first.
pub fn chain(n: usize, reversed: bool) -> String {
    let names: Vec<String> = (0..n).map(|i| format!("S{i}")).collect();
    let mut edges: Vec<(String, String)> = (0..n - 1).map(|i| (names[i].clone(), names[i + 1].clone())).collect();
    if reversed {
        edges.reverse();
    }
    let mut s = format!("programs::sp_states! {{ pub SpState: {}; }}\n", names.join(", "));
    s += &format!(
        "programs::sp_lifecycle! {{ pub Chain for SpState {{ states: {}; initial: S0; terminal: S{};\n",
        names.join(", "),
        n - 1
    );
    for (f, t) in &edges {
        s += &format!("    {f} -> {t};\n");
    }
    s += "} }\n";
    s
}

/// A map of one GIC distributor and `n - 1` UARTs, each with its own window and SPI.
pub fn many_devices(n: usize, board: &str) -> String {
    let mut s = String::from(board);
    s += "programs::devices! { pub Many on QemuVirt {\n    gicd: GicV3Distributor @ 0x0800_0000 + 0x1_0000;\n";
    for i in 0..n.saturating_sub(1) {
        s += &format!(
            "    uart{i}: Pl011 @ {:#x} + 0x1000, irq {};\n",
            0x0900_0000 + i * 0x1000,
            40 + i
        );
    }
    s += "} }\n";
    s
}

/// The VM ticks `explain` counts for every check of a configuration source.
pub fn ticks(source: &str) -> u64 {
    let config = programs_dsl::ConfigFile::parse(source).expect("the generated configuration parses");
    let report = explain::explain(&config, "bench", false).expect("explain runs");
    report
        .items
        .iter()
        .flat_map(|(_, runs)| runs.iter())
        .map(|r| r.ticks)
        .sum()
}

/// The largest size to run: the environment variable `var`, or `default` when unset.
pub fn max_size(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// A crate that runs `programs::examples::SumTo` on `n` in the trait solver.
pub fn sum_to(n: u64) -> String {
    format!(
        "use frunk::HList;\nuse programs::examples::SumTo;\n\
         typevm::check!(SumTo, input = HList![typevm::num!({n})]);\n"
    )
}

/// SumTo on `n` takes `11 n + 5` ticks: 11 per loop pass (a jump is one tick).
pub fn sum_to_ticks(n: u64) -> u64 {
    11 * n + 5
}
