//! The catalogue three ways, item for item: generated configurations (valid
//! and broken: vocabulary mixes, address-space edges, every rule) go through
//! `explain` (the check programs on the value-level twin) and through a
//! plain-Rust reference checker written from the catalogue's words; a sample
//! of them also goes through rustc (the check programs in the trait solver).
//! All three must report the same violations of the same items.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use programs::devices;

mod common;
use programs::handlers;
use programs::lifecycle;
use programs_dsl::{ConfigFile, Edge, Ident};
use typevm::reason::Reason;
use typevm::reflect::{Item, Status};
use typevm::value::{Display, Val, Value};

/// How many configurations `explain` and the reference checker compare.
const GENERATED: u64 = 1200;
/// How many of them rustc compiles too (in one crate).
const THROUGH_RUSTC: u64 = 50;

// ------------------------------------------------------------ generation

/// xorshift64*: a small deterministic generator, so a failure names its seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

/// The board's kinds the generator uses (`programs::board::VirtKinds`),
/// trapped and passed through, whole-page and sub-page, then `Uart`, a kind
/// of another set (a mistake).
const KINDS: [&str; 7] = [
    "Pl011",
    "VirtioMmio",
    "Pl061",
    "Pl031",
    "GicV3Distributor",
    "GicV3Redistributor",
    "Uart",
];

/// One generated configuration: a vocabulary (and sometimes a second one),
/// a lifecycle table, a board, a device map and handlers, as source text.
fn generate(seed: u64) -> String {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut s = String::new();
    let n = 2 + r.below(5) as usize;
    // A third of the configurations get no mistake on purpose.
    let clean = r.chance(33);
    let mistake = |r: &mut Rng, percent: u64| !clean && r.chance(percent);
    let states: Vec<String> = (0..n).map(|i| format!("S{i}")).collect();
    writeln!(s, "programs::sp_states! {{ pub Voc: {}; }}", states.join(", ")).unwrap();
    // A second vocabulary whose ids overlap the first's.
    let foreign = mistake(&mut r, 15);
    if foreign {
        writeln!(s, "mod other {{ programs::sp_states! {{ pub Other: F0, F1, F2; }} }}").unwrap();
        writeln!(s, "use other::{{F0, F1, F2}};").unwrap();
    }
    let any_state = |r: &mut Rng| -> String {
        if foreign && r.chance(10) {
            format!("F{}", r.below(3))
        } else {
            r.pick(&states).clone()
        }
    };
    // `states:` usually all, sometimes missing one (undeclared) or with a foreign one.
    let mut declared: Vec<String> = states.clone();
    if mistake(&mut r, 15) {
        declared.remove(r.below(n as u64) as usize);
    }
    if foreign && r.chance(30) {
        declared.push(format!("F{}", r.below(3)));
    }
    let initial: Vec<String> = match if clean { 9 } else { r.below(10) } {
        0 => vec![],
        1 => vec![states[0].clone(), states[1].clone()],
        _ => vec![states[0].clone()],
    };
    let terminal: Vec<String> = (0..r.below(2)).map(|_| any_state(&mut r)).collect();
    let reentrant: Vec<String> = if r.chance(15) { vec![states[0].clone()] } else { vec![] };
    let mut edges: Vec<(String, String)> = Vec::new();
    // Mostly a ring (valid), plus random extras.
    if clean || r.chance(70) {
        for i in 0..n {
            edges.push((states[i].clone(), states[(i + 1) % n].clone()));
        }
        if clean || r.chance(60) {
            // Do not always enter the initial state.
            edges.pop();
            edges.push((states[n - 1].clone(), states[1 % n].clone()));
        }
    }
    for _ in 0..if clean { 0 } else { r.below(n as u64 + 2) } {
        edges.push((any_state(&mut r), any_state(&mut r)));
    }
    if !edges.is_empty() && mistake(&mut r, 10) {
        let e = edges[r.below(edges.len() as u64) as usize].clone();
        edges.push(e);
    }
    writeln!(s, "programs::sp_lifecycle! {{\n    pub Table for Voc {{").unwrap();
    writeln!(s, "        states: {};", declared.join(", ")).unwrap();
    writeln!(s, "        initial: {};", initial.join(", ")).unwrap();
    writeln!(s, "        terminal: {};", terminal.join(", ")).unwrap();
    writeln!(s, "        reentrant: {};", reentrant.join(", ")).unwrap();
    for (f, t) in &edges {
        writeln!(s, "        {f} -> {t};").unwrap();
    }
    writeln!(s, "    }}\n}}").unwrap();

    // The board: usually QEMU virt's shape, sometimes at the top of the address space.
    let top = r.chance(25);
    let (dev_base, dev_size) = if top {
        (0xffff_0000_0000_0000u64, 0x1_0000_0000_0000u64)
    } else {
        (0x0800_0000, 0x3800_0000)
    };
    writeln!(
        s,
        "use programs::board::{{VirtKinds, Pl011, Pl031, Pl061, VirtioMmio, GicV3Distributor, GicV3Redistributor}};"
    )
    .unwrap();
    // A kind of another set, which the board does not declare.
    let foreign_kinds = mistake(&mut r, 10);
    if foreign_kinds {
        writeln!(
            s,
            "mod otherk {{ programs::device_kinds! {{ pub OtherKinds {{ Uart: trapped, spi; }} }} }}\nuse otherk::Uart;"
        )
        .unwrap();
    }
    let cpus = 1 + r.below(4);
    writeln!(
        s,
        "programs::board! {{ pub Board {{ ram: 0x4000_0000 + 0x4000_0000; devices: {dev_base:#x} + {dev_size:#x}; image: 0x4020_0000 + 0x0100_0000; cpus: {cpus}; kinds: VirtKinds; }} }}"
    )
    .unwrap();
    let count = 1 + r.below(6);
    let mut devs: Vec<(String, &str, u64, u64)> = Vec::new();
    writeln!(s, "programs::devices! {{\n    pub Map on Board {{").unwrap();
    let mut next = dev_base + 0x10_0000;
    for i in 0..count {
        let kind = if clean || r.chance(80) {
            *r.pick(&KINDS[..3])
        } else {
            *r.pick(&KINDS[..if foreign_kinds { 7 } else { 6 }])
        };
        // virtio-mmio transports pack 0x200 bytes to a window, eight to a page.
        let sub_page = kind == "VirtioMmio";
        let mut base = if sub_page {
            next
        } else {
            next.saturating_add(0xfff) & !0xfff
        };
        let mut size = if sub_page { 0x200 } else { 0x1000 * (1 + r.below(3)) };
        match if clean { 99 } else { r.below(15) } {
            0 => base = base.saturating_add(0x800),                     // misaligned base
            1 => size = 0x1800,                                         // misaligned size
            2 => size = 0,                                              // empty
            3 => base = base.saturating_sub(0x1000),                    // overlaps the previous
            4 => base = 0x4020_0000,                                    // over the image
            5 => base = 0x5000_0000,                                    // over RAM
            6 => base = 0x100,                                          // outside the range
            7 if top => base = 0xffff_ffff_ffff_f000,                   // ends exactly at 2^64
            8 if top => (base, size) = (0xffff_ffff_ffff_f000, 0x2000), // wraps
            9 => base = next,                                           // into the previous window's page
            _ => {}
        }
        let gap = if sub_page && r.chance(70) {
            0
        } else {
            0x1000 * r.below(3)
        };
        next = next.max(base.saturating_add(size)).saturating_add(gap);
        let irq = match kind {
            "Pl011" | "Pl031" | "Pl061" | "VirtioMmio" | "Uart" => match if clean { 99 } else { r.below(12) } {
                0 => 0,
                1 => 20,
                2 => 33,
                _ => 40 + i,
            },
            _ => {
                if mistake(&mut r, 15) {
                    50
                } else {
                    0
                }
            }
        };
        let irq_text = if irq == 0 {
            String::new()
        } else {
            format!(", irq {irq}")
        };
        writeln!(s, "        d{i}: {kind} @ {base:#x} + {size:#x}{irq_text};").unwrap();
        devs.push((format!("d{i}"), kind, base, irq));
    }
    writeln!(s, "    }}\n}}").unwrap();

    // Partitions on the map (most configurations), sometimes granted a
    // device of a second map.
    if r.chance(75) {
        let other = mistake(&mut r, 10);
        if other {
            writeln!(
                s,
                "programs::devices! {{ pub OtherMap on Board {{ o0: Pl011 @ {:#x} + 0x1000, irq 60; }} }}",
                dev_base
            )
            .unwrap();
        }
        generate_partitions(&mut r, &mut s, &devs, other, cpus, clean);
    }

    // Handlers: one per transition, then a mistake or two.
    let mut handled: Vec<(String, String)> = edges.clone();
    if !handled.is_empty() && mistake(&mut r, 20) {
        handled.remove(r.below(handled.len() as u64) as usize);
    }
    if mistake(&mut r, 15) {
        handled.push((any_state(&mut r), any_state(&mut r)));
    }
    writeln!(s, "fn on(_: &()) {{}}").unwrap();
    writeln!(
        s,
        "programs::transition_handlers! {{\n    pub static HANDLERS: programs::HandlerTable<(), Table> = {{"
    )
    .unwrap();
    for (f, t) in &handled {
        writeln!(s, "        {f} -> {t} => on,").unwrap();
    }
    writeln!(s, "    }};\n}}").unwrap();
    s
}

/// A partition set `Parts on Map` of one to four partitions: ids, UUIDs,
/// contexts, memory regions (the first placed, most of the others placed
/// by size), grants of the map's devices (`devs`: name, kind, base,
/// interrupt)
/// and routed interrupts, each with its mistakes unless `clean`. `other`:
/// the file has a second map whose `o0` a partition may be given.
fn generate_partitions(
    r: &mut Rng,
    s: &mut String,
    devs: &[(String, &str, u64, u64)],
    other: bool,
    cpus: u64,
    clean: bool,
) {
    let mistake = |r: &mut Rng, percent: u64| !clean && r.chance(percent);
    let n = 1 + r.below(4);
    writeln!(s, "programs::partitions! {{\n    pub Parts on Map {{").unwrap();
    // `cursor`: where the next well-placed region goes (page aligned);
    // `after`: where a region placed by size would go (the last region's
    // end rounded up to a page, while below 2^64). A misplaced region does
    // not move the cursor, and the region after it is placed explicitly,
    // so one mistake is not every later region's.
    let mut cursor: u64 = 0x4200_0000;
    let mut after: Option<u64> = None;
    let mut routed: Vec<u64> = Vec::new();
    for p in 0..n {
        let id = match if clean { 99 } else { r.below(20) } {
            0 => 0x8000,
            1 => 0x7fff,
            2 => 0x1_0000,
            3 if p > 0 => 0x8000 + p,
            _ => 0x8001 + p,
        };
        let contexts = match if clean { 99 } else { r.below(15) } {
            0 => 0,
            1 => cpus + 1,
            _ => 1 + r.below(cpus),
        };
        let uuid = format!("{:08x}-0000-4000-8000-{:012x}", r.next() as u32 | 1, p);
        writeln!(s, "        p{p}: id {id:#x}, uuid \"{uuid}\", contexts {contexts} {{").unwrap();
        let mut regions = Vec::new();
        for k in 0..1 + r.below(3) {
            let perms = *r.pick(&["rx", "rw", "r"]);
            let mut size = 0x1000 * (1 + r.below(0x40));
            let mut misplaced = None;
            match if clean { 99 } else { r.below(40) } {
                0 => size = 0,                                                  // empty
                1 => size += 0x800,                                             // misaligned size
                2 => misplaced = Some(0x4020_0000 + 0x1000 * r.below(0x10)),    // over the image
                3 => misplaced = Some(0x7fff_f000),                             // runs past RAM
                4 => misplaced = Some(0x3fff_0000),                             // starts below RAM
                5 => misplaced = Some(devs[0].2 & !0xfff),                      // over a device
                6 => (misplaced, size) = (Some(0xffff_ffff_ffff_f000), 0x2000), // wraps
                7 => misplaced = Some(0x4200_0000 + 0x1000 * r.below(0x20)),    // into the first regions
                8 => misplaced = Some(0x4200_0800),                             // misaligned base
                _ => {}
            }
            // Placed by size: mostly after a well-placed region; by mistake
            // after any region that leaves a page after it.
            let follow =
                misplaced.is_none() && after.is_some() && (after == Some(cursor) && r.chance(80) || mistake(r, 20));
            let base = if follow {
                after.unwrap()
            } else {
                misplaced.unwrap_or(cursor)
            };
            let text = if follow {
                // Where the parser must place it (the test holds it to this).
                writeln!(s, "            // p{p}.m{k} is placed at {base:#x}").unwrap();
                format!("m{k} + {size:#x} {perms}")
            } else {
                format!("m{k} @ {base:#x} + {size:#x} {perms}")
            };
            let misplaced = (base != cursor).then_some(base);
            after = base
                .checked_add(size)
                .filter(|e| *e <= u64::MAX - 0xfff)
                .map(|e| e.next_multiple_of(0x1000));
            if misplaced.is_none() {
                cursor = after.expect("a well-placed region ends in RAM");
            }
            regions.push(text);
        }
        writeln!(s, "            memory: {};", regions.join(", ")).unwrap();
        // Grants: some of the map's devices, each once.
        let mut grants: Vec<(String, bool)> = Vec::new();
        for (d, kind, _, _) in devs {
            if r.chance(40) {
                // Passed-through devices are given exclusively, unless by mistake.
                let exclusive = if *kind == "Pl061" {
                    !mistake(r, 30)
                } else {
                    r.chance(30)
                };
                grants.push((d.clone(), exclusive));
            }
        }
        if other && r.chance(50) {
            grants.push(("o0".to_string(), r.chance(50)));
        }
        if !grants.is_empty() {
            let g: Vec<String> = grants
                .iter()
                .map(|(d, e)| if *e { format!("exclusive {d}") } else { d.clone() })
                .collect();
            writeln!(s, "            devices: {};", g.join(", ")).unwrap();
        }
        // Interrupts: of the devices it owns, then mistakes.
        let mut irqs: Vec<u64> = Vec::new();
        for (d, kind, _, irq) in devs {
            // A passed-through device's interrupt; a trapped one's by mistake.
            let routable = *kind == "Pl061" || mistake(r, 30);
            if *irq != 0
                && routable
                && grants.contains(&(d.clone(), true))
                && !routed.contains(irq)
                && !irqs.contains(irq)
                && r.chance(70)
            {
                irqs.push(*irq);
            }
        }
        if mistake(r, 25) {
            let wrong = match r.below(9) {
                0 => 0,
                1 => 27,
                2 => 31,
                3 => 32,
                4 => 1019,
                5 => 1020,
                6 => 999,
                7 => routed.first().copied().unwrap_or(40),
                _ => devs[r.below(devs.len() as u64) as usize].3.max(33),
            };
            if !irqs.contains(&wrong) {
                irqs.push(wrong);
            }
        }
        routed.extend(&irqs);
        if !irqs.is_empty() {
            let t: Vec<String> = irqs.iter().map(|i| i.to_string()).collect();
            writeln!(s, "            interrupts: {};", t.join(", ")).unwrap();
        }
        writeln!(s, "        }}").unwrap();
    }
    writeln!(s, "    }}\n}}").unwrap();
}

// ------------------------------------------------------------ violations

/// One violation, as all three report it: what was checked, the rule's
/// message template, and the items it is about by name.
type Violation = (String, &'static str, String, String);

/// How an item part shows in a [`Violation`].
fn show(v: &Val) -> String {
    match v {
        Val::Num(n) => format!("{n:#x}"),
        Val::Rec(r) => match r.display {
            Display::Arrow => format!("{} -> {}", show(&r.fields[0]), show(&r.fields[1])),
            Display::Name | Display::Window | Display::BrokenCell => r.name.to_string(),
        },
        Val::Nil | Val::Cons(..) | Val::Slice(_) => {
            let mut parts = Vec::new();
            let mut rest = *v;
            while let Some((h, t)) = rest.uncons() {
                parts.push(show(&h));
                rest = t;
            }
            format!("[{}]", parts.join(", "))
        }
    }
}

/// The violations `explain` reports; panics on a fault (a check program
/// must never fault on a configuration that parses).
fn explained(config: &ConfigFile, seed: u64) -> BTreeSet<Violation> {
    let report = explain::explain(config, "gen", false).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    let mut out = BTreeSet::new();
    for run in report.runs() {
        let verdict = run.verdict.unwrap_or_else(|| panic!("seed {seed}: {}", run.message));
        match verdict.status {
            Status::Halted => {}
            Status::Reported(v) => {
                assert_eq!(
                    v.dropped, 0,
                    "seed {seed}: `{}` found more violations than a check keeps",
                    run.program
                );
                for note in v.kept.iter().flatten() {
                    let (a, b) = match note.item {
                        Item::One(x) => (show(&x), String::new()),
                        Item::Pair(x, y) => (show(&x), show(&y)),
                        Item::None => (String::new(), String::new()),
                    };
                    out.insert((run.subject.clone(), note.reason.message, a, b));
                }
            }
            Status::Faulted { .. } | Status::Exhausted => {
                panic!("seed {seed}: `{}` did not finish: {}", run.program, run.message)
            }
        }
    }
    out
}

/// A kind the generator uses: (of the board's set, id, singleton, irq
/// class, access), from the kind records the checks read. `Uart` is
/// another set's (trapped, SPI).
fn kind_info(k: &Ident) -> (bool, u64, u64, u64, u64) {
    let mut rest = <<programs::board::VirtKinds as devices::KindSet>::Kinds as Value>::VAL;
    while let Some((v, tail)) = rest.uncons() {
        let Val::Rec(r) = v else {
            unreachable!("kinds are records")
        };
        if k == r.name {
            let f = |i: usize| r.fields[i].num().unwrap();
            return (true, f(0), f(1), f(2), f(3));
        }
        rest = tail;
    }
    assert_eq!(k.to_string(), "Uart", "kind {k}");
    (false, 0, 0, 1, 0)
}

/// The board a map is on (declared in the file).
fn board_of<'a>(config: &'a ConfigFile, map: &programs_dsl::Devices) -> &'a programs_dsl::Board {
    config
        .boards
        .iter()
        .find(|b| map.board.is_ident(&b.name))
        .expect("the map's board")
}

/// The last byte of a range (of its first byte when it is empty), saturating
/// at 2^64 - 1: ranges compare by their last byte.
fn last(base: u64, size: u64) -> u64 {
    base.saturating_add(size.max(1) - 1)
}

/// The partition rules in plain Rust, from the catalogue's words, for
/// every `partitions!` set of `config` (on a map of the file).
fn reference_partitions(config: &ConfigFile, add: &mut dyn FnMut(&str, &'static str, String, String)) {
    use programs::partitions as parts;
    // The kinds the hypervisor emulates, by id (of the board's set).
    let mut emulated = BTreeSet::new();
    let mut rest = <programs::board::Emulated as Value>::VAL;
    while let Some((Val::Rec(k), tail)) = rest.uncons() {
        emulated.insert(k.fields[0].num().unwrap());
        rest = tail;
    }
    // A device by name, in whichever map of the file declares it.
    let device = |n: &Ident| -> &programs_dsl::Device {
        config
            .devices
            .iter()
            .flat_map(|m| &m.devices)
            .find(|d| d.name == *n)
            .unwrap_or_else(|| panic!("`{n}` is a device"))
    };
    let hex = |n: u64| format!("{n:#x}");
    for set in &config.partitions {
        let name = set.name.to_string();
        let map = config
            .devices
            .iter()
            .find(|m| set.map.is_ident(&m.name))
            .expect("the set's map");
        let b = board_of(config, map);
        let board = b.name.to_string();
        let ps = &set.partitions;
        // Where a device is in the map, as the grant rules find it: by its
        // window's base (a map whose windows share a base is refused by its
        // own checks), the first device there.
        let index = |d: &programs_dsl::Device| map.devices.iter().position(|e| e.window.base == d.window.base);
        // Exclusive and total grants per map device.
        let mut grants_of = vec![(0u64, 0u64); map.devices.len()];
        for p in ps {
            for g in &p.grants {
                if let Some(k) = index(device(&g.device)) {
                    grants_of[k].0 += 1;
                    grants_of[k].1 += g.exclusive as u64;
                }
            }
        }
        let mut routed = BTreeSet::new();
        for (i, p) in ps.iter().enumerate() {
            let pn = p.name.to_string();
            // PartitionIdsUnique: the range, and the first later partition with its id.
            if !(0x8001..=0xffff).contains(&p.id) {
                add(
                    &name,
                    parts::NotASecurePartitionId::INFO.message,
                    pn.clone(),
                    String::new(),
                );
            }
            if let Some(q) = ps[i + 1..].iter().find(|q| q.id == p.id) {
                add(
                    &name,
                    parts::SamePartitionId::INFO.message,
                    q.name.to_string(),
                    pn.clone(),
                );
            }
            for g in &p.grants {
                let d = device(&g.device);
                let dn = d.name.to_string();
                let (of_board, kid, _, _, access) = kind_info(&d.kind);
                // GrantsInMap: a device of the map with its kind id, window and interrupt.
                let in_map = map.devices.iter().any(|e| {
                    e.window.base == d.window.base
                        && e.window.size == d.window.size
                        && e.irq.unwrap_or(0) == d.irq.unwrap_or(0)
                        && kind_info(&e.kind).1 == kid
                });
                if !in_map {
                    add(&name, parts::GrantNotInMap::INFO.message, pn.clone(), dn.clone());
                }
                // PassthroughGrantsExclusive
                if access == 1 && !g.exclusive {
                    add(&name, parts::PassthroughShared::INFO.message, pn.clone(), dn.clone());
                }
                // ExclusiveGrantsOnce
                if let Some(k) = index(d) {
                    let (total, exclusive) = grants_of[k];
                    if exclusive > 0 && total >= 2 {
                        let m = if g.exclusive {
                            parts::ExclusiveButShared::INFO.message
                        } else {
                            parts::HeldExclusivelyElsewhere::INFO.message
                        };
                        add(&name, m, pn.clone(), dn.clone());
                    }
                }
                // KindsEmulated: trapped devices of a kind the hypervisor emulates.
                if access == 0 && !(of_board && emulated.contains(&kid)) {
                    add(&name, parts::NotEmulated::INFO.message, pn.clone(), dn.clone());
                }
            }
            // MemoryPlaced
            let (ram, image) = (
                (b.ram.base, last(b.ram.base, b.ram.size)),
                (b.image.base, last(b.image.base, b.image.size)),
            );
            for r in &p.regions {
                let rn = format!("{pn}.{}", r.name);
                let (base, size) = (r.window.base, r.window.size);
                if size == 0 {
                    add(&name, parts::EmptyRegion::INFO.message, rn, String::new());
                    continue;
                }
                if (base | size) & 0xfff != 0 {
                    add(&name, parts::MisalignedRegion::INFO.message, rn, String::new());
                    continue;
                }
                if size - 1 > u64::MAX - base {
                    add(&name, parts::RegionWraps::INFO.message, rn, String::new());
                    continue;
                }
                let rlast = base + (size - 1);
                if base < ram.0 || ram.1 < rlast {
                    add(&name, parts::RegionOutsideRam::INFO.message, rn.clone(), board.clone());
                }
                if !(rlast < image.0 || image.1 < base) {
                    add(
                        &name,
                        parts::RegionOverlapsImage::INFO.message,
                        rn.clone(),
                        board.clone(),
                    );
                }
                for e in &map.devices {
                    let (eb, es) = (e.window.base, e.window.size);
                    let clear = es == 0 || eb > rlast || (eb < base && es - 1 < base - eb);
                    if !clear {
                        add(
                            &name,
                            parts::RegionOverlapsDevice::INFO.message,
                            rn.clone(),
                            e.name.to_string(),
                        );
                    }
                }
            }
            // InterruptsRouted: SPIs of a device the partition owns, each routed once.
            for &(n, _) in &p.interrupts {
                if !(32..=1019).contains(&n) {
                    add(&name, parts::RoutedNotAnSpi::INFO.message, pn.clone(), hex(n));
                    continue;
                }
                let Some(e) = map.devices.iter().find(|e| e.irq.unwrap_or(0) == n) else {
                    add(&name, parts::InterruptWithoutDevice::INFO.message, pn.clone(), hex(n));
                    continue;
                };
                let owned = p
                    .grants
                    .iter()
                    .any(|g| g.exclusive && device(&g.device).window.base == e.window.base);
                if !owned {
                    add(
                        &name,
                        parts::InterruptOfUngrantedDevice::INFO.message,
                        pn.clone(),
                        e.name.to_string(),
                    );
                } else if kind_info(&e.kind).4 == 0 {
                    add(
                        &name,
                        parts::InterruptOfTrappedDevice::INFO.message,
                        pn.clone(),
                        e.name.to_string(),
                    );
                }
                if !routed.insert(n) {
                    add(&name, parts::InterruptRoutedTwice::INFO.message, pn.clone(), hex(n));
                }
            }
            // ContextsFitCpus
            if p.contexts == 0 {
                add(
                    &name,
                    parts::NoExecutionContext::INFO.message,
                    pn.clone(),
                    String::new(),
                );
            } else if p.contexts > b.cpus {
                add(
                    &name,
                    parts::MoreContextsThanCpus::INFO.message,
                    pn.clone(),
                    board.clone(),
                );
            }
        }
        // MemoryDisjoint: every region against every region after it (one
        // that is empty or wraps is MemoryPlaced's).
        let regions: Vec<(String, u64, u64)> = ps
            .iter()
            .flat_map(|p| {
                p.regions
                    .iter()
                    .map(move |r| (format!("{}.{}", p.name, r.name), r.window.base, r.window.size))
            })
            .collect();
        for (i, (rn, base, size)) in regions.iter().enumerate() {
            if *size == 0 || size - 1 > u64::MAX - base {
                continue;
            }
            let rlast = base + (size - 1);
            for (sn, sb, ss) in &regions[i + 1..] {
                let clear = *ss == 0 || *sb > rlast || (sb < base && ss - 1 < base - sb);
                if !clear {
                    add(&name, parts::RegionsOverlap::INFO.message, rn.clone(), sn.clone());
                }
            }
        }
    }
}

/// The reference checker: the catalogue's rules in plain Rust, on the parsed
/// configuration. States are numbered in their vocabulary, as `sp_states!`
/// numbers them; ids are what the rules compare.
fn reference(config: &ConfigFile) -> BTreeSet<Violation> {
    let mut out = BTreeSet::new();
    let mut add = |subject: &str, message: &'static str, a: String, b: String| {
        out.insert((subject.to_string(), message, a, b));
    };
    // (vocabulary, id) of every state name.
    let state = |n: &Ident| -> (String, usize) {
        let n = n.to_string();
        for v in &config.states {
            if let Some(id) = v.names.iter().position(|s| *s == n) {
                return (v.vocabulary.to_string(), id);
            }
        }
        panic!("`{n}` is not a state");
    };
    let arrow = |e: &Edge| format!("{} -> {}", e.from, e.to);
    for t in &config.lifecycles {
        let name = t.name.to_string();
        let voc = t.vocabulary.segments.last().unwrap().ident.to_string();
        let foreign = |n: &Ident| state(n).0 != voc;
        let id = |n: &Ident| state(n).1;
        // StatesDeclared: a state of another vocabulary declares nothing.
        let mut declared: BTreeSet<usize> = BTreeSet::new();
        for s in &t.states {
            if foreign(s) {
                add(
                    &name,
                    lifecycle::ForeignDeclaredState::INFO.message,
                    s.to_string(),
                    voc.clone(),
                );
            } else if !declared.insert(id(s)) {
                add(
                    &name,
                    lifecycle::StateDeclaredTwice::INFO.message,
                    s.to_string(),
                    String::new(),
                );
            }
        }
        for e in &t.edges {
            if foreign(&e.from) || foreign(&e.to) {
                add(&name, lifecycle::ForeignState::INFO.message, arrow(e), voc.clone());
            }
            for s in [&e.from, &e.to] {
                if !declared.contains(&id(s)) {
                    add(&name, lifecycle::UndeclaredState::INFO.message, arrow(e), s.to_string());
                }
            }
        }
        for s in t.initial.iter().chain(&t.terminal).chain(&t.reentrant) {
            if foreign(s) {
                add(
                    &name,
                    lifecycle::ForeignMarkedState::INFO.message,
                    s.to_string(),
                    voc.clone(),
                );
            }
            if !declared.contains(&id(s)) {
                add(
                    &name,
                    lifecycle::UndeclaredMarkedState::INFO.message,
                    s.to_string(),
                    String::new(),
                );
            }
        }
        // OneInitialState
        match t.initial.len() {
            0 => add(
                &name,
                lifecycle::NoInitialState::INFO.message,
                "0x0".into(),
                String::new(),
            ),
            1 => {}
            _ => {
                let l: Vec<String> = t.initial.iter().map(|s| s.to_string()).collect();
                add(
                    &name,
                    lifecycle::SeveralInitialStates::INFO.message,
                    format!("[{}]", l.join(", ")),
                    String::new(),
                );
            }
        }
        // NoDuplicateTransition: transitions naming a state of another
        // vocabulary are StatesDeclared's (their ids alias).
        let mut seen = BTreeSet::new();
        for e in t.edges.iter().filter(|e| !foreign(&e.from) && !foreign(&e.to)) {
            if !seen.insert((id(&e.from), id(&e.to))) {
                add(
                    &name,
                    lifecycle::DuplicateTransition::INFO.message,
                    arrow(e),
                    String::new(),
                );
            }
        }
        // HandlersMatchTable, for the handlers of this table.
        for h in &config.handlers {
            let hname = h.name.to_string();
            let table: BTreeSet<(usize, usize)> = t.edges.iter().map(|e| (id(&e.from), id(&e.to))).collect();
            let mut handled = BTreeSet::new();
            for x in &h.handlers {
                let e = &x.edge;
                if foreign(&e.from) || foreign(&e.to) {
                    add(&hname, handlers::ForeignHandler::INFO.message, arrow(e), voc.clone());
                    continue;
                }
                let key = (id(&e.from), id(&e.to));
                if !table.contains(&key) {
                    add(
                        &hname,
                        handlers::HandlerWithoutTransition::INFO.message,
                        arrow(e),
                        String::new(),
                    );
                }
                if !handled.insert(key) {
                    add(
                        &hname,
                        handlers::DuplicateHandler::INFO.message,
                        arrow(e),
                        String::new(),
                    );
                }
            }
            for e in t.edges.iter().filter(|e| !foreign(&e.from) && !foreign(&e.to)) {
                if !handled.contains(&(id(&e.from), id(&e.to))) {
                    add(&hname, handlers::MissingHandler::INFO.message, arrow(e), String::new());
                }
            }
        }
        // NoDeadEnd
        let leaves: BTreeSet<usize> = t
            .edges
            .iter()
            .map(|e| id(&e.from))
            .chain(t.terminal.iter().map(id))
            .collect();
        for s in t.states.iter().filter(|s| !foreign(s)) {
            if !leaves.contains(&id(s)) {
                add(&name, lifecycle::DeadEnd::INFO.message, s.to_string(), String::new());
            }
        }
        let Some(init) = t.initial.first() else { continue };
        // EveryStateReachable
        let mut reached = BTreeSet::from([id(init)]);
        loop {
            let before = reached.len();
            for e in &t.edges {
                if reached.contains(&id(&e.from)) {
                    reached.insert(id(&e.to));
                }
            }
            if reached.len() == before {
                break;
            }
        }
        for s in t.states.iter().filter(|s| !foreign(s)) {
            if !reached.contains(&id(s)) {
                add(
                    &name,
                    lifecycle::UnreachableState::INFO.message,
                    s.to_string(),
                    init.to_string(),
                );
            }
        }
        // InitialNotEntered
        if !t.reentrant.iter().any(|s| id(s) == id(init)) {
            for e in &t.edges {
                if id(&e.to) == id(init) && !foreign(&e.to) {
                    add(
                        &name,
                        lifecycle::EntersInitialState::INFO.message,
                        arrow(e),
                        init.to_string(),
                    );
                }
            }
        }
    }
    for m in &config.devices {
        let name = m.name.to_string();
        let b = board_of(config, m);
        let board = b.name.to_string();
        let (ram, image) = (
            (b.ram.base, last(b.ram.base, b.ram.size)),
            (b.image.base, last(b.image.base, b.image.size)),
        );
        let (rbase, rlast) = (b.devices.base, last(b.devices.base, b.devices.size));
        let kind = kind_info;
        let mut singletons = BTreeSet::new();
        // WindowsDisjoint sweeps the map in address order (the parser's, as
        // `devices!`'s): the window before that reaches furthest, if any.
        let mut furthest: Option<(u64, &programs_dsl::Device)> = None;
        assert!(
            m.devices.is_sorted_by_key(|d| d.window.base),
            "a map is in address order"
        );
        for (i, d) in m.devices.iter().enumerate() {
            let dn = d.name.to_string();
            let (base, size) = (d.window.base, d.window.size);
            let irq = d.irq.unwrap_or(0);
            let (of_board, kid, singleton, class, access) = kind(&d.kind);
            // KindsOfBoard
            if !of_board {
                add(&name, devices::KindNotOfBoard::INFO.message, dn.clone(), board.clone());
            }
            // WindowsAligned: every window non-empty, passed-through ones whole pages.
            if size == 0 {
                add(&name, devices::EmptyWindow::INFO.message, dn.clone(), String::new());
            } else if access == 1 {
                if base & 0xfff != 0 {
                    add(&name, devices::MisalignedBase::INFO.message, dn.clone(), String::new());
                }
                if size & 0xfff != 0 {
                    add(&name, devices::MisalignedSize::INFO.message, dn.clone(), String::new());
                }
            }
            // SharedPagesTrapped: against the window before it in address order.
            if i > 0 {
                let p = &m.devices[i - 1];
                let page = base & !0xfff;
                let shares = p.window.base >= page || page - p.window.base < p.window.size;
                if shares && (access == 1 || kind(&p.kind).4 == 1) {
                    add(
                        &name,
                        devices::PassthroughSharesPage::INFO.message,
                        dn.clone(),
                        p.name.to_string(),
                    );
                }
            }
            // WindowsInDeviceRange
            if size != 0 {
                if size - 1 > u64::MAX - base {
                    add(
                        &name,
                        devices::WrapsAddressSpace::INFO.message,
                        dn.clone(),
                        String::new(),
                    );
                } else if base < rbase || base > rlast || rlast - base < size - 1 {
                    add(
                        &name,
                        devices::OutsideDeviceRange::INFO.message,
                        dn.clone(),
                        board.clone(),
                    );
                }
            }
            // WindowsClearOfRamAndImage
            let dlast = last(base, size);
            let overlaps = |(b0, b1): (u64, u64)| !(b1 < base || dlast < b0);
            if overlaps(image) {
                add(&name, devices::OverlapsImage::INFO.message, dn.clone(), board.clone());
            }
            if overlaps(ram) {
                add(&name, devices::OverlapsRam::INFO.message, dn.clone(), board.clone());
            }
            // WindowsDisjoint: against the window before it that reaches furthest.
            match furthest {
                Some((flast, f)) if base <= flast => {
                    add(
                        &name,
                        devices::OverlappingWindows::INFO.message,
                        dn.clone(),
                        f.name.to_string(),
                    );
                    if flast < dlast {
                        furthest = Some((dlast, d));
                    }
                }
                _ => furthest = Some((dlast, d)),
            }
            // InterruptsUnique: against the first device before it with the same interrupt.
            if irq != 0
                && irq < 1024
                && let Some(e) = m.devices[..i].iter().find(|e| e.irq == Some(irq))
            {
                add(
                    &name,
                    devices::SharedInterrupt::INFO.message,
                    dn.clone(),
                    e.name.to_string(),
                );
            }
            // InterruptsInRange
            match class {
                0 if irq != 0 => add(
                    &name,
                    devices::UnexpectedInterrupt::INFO.message,
                    dn.clone(),
                    String::new(),
                ),
                1 if !(32..=1019).contains(&irq) => {
                    add(&name, devices::NotAnSpi::INFO.message, dn.clone(), String::new())
                }
                2 if !(16..=31).contains(&irq) => add(&name, devices::NotAPpi::INFO.message, dn.clone(), String::new()),
                _ => {}
            }
            // SingletonsOnce
            if singleton == 1 && !singletons.insert(kid) {
                add(&name, devices::SecondSingleton::INFO.message, dn.clone(), String::new());
            }
        }
    }
    reference_partitions(config, &mut add);
    out
}

/// Every region the generator placed by size is where it says (a
/// `// pN.mK is placed at ADDR` line): explain, the reference checker and
/// rustc all read the parser's placement, so only this holds it to an
/// independent computation.
fn placed_where_generated(source: &str, config: &ConfigFile, seed: u64) -> usize {
    let mut checked = 0;
    for line in source.lines().filter_map(|l| l.trim().strip_prefix("// ")) {
        let Some((region, at)) = line.split_once(" is placed at 0x") else {
            continue;
        };
        let (p, r) = region.split_once('.').unwrap();
        let base = u64::from_str_radix(at, 16).unwrap();
        let placed = config
            .partitions
            .iter()
            .flat_map(|set| &set.partitions)
            .filter(|x| x.name == p)
            .flat_map(|x| &x.regions)
            .find(|x| x.name == r)
            .unwrap_or_else(|| panic!("seed {seed}: no region {region}"));
        assert_eq!(placed.window.base, base, "seed {seed}: {region} placed by size");
        assert!(placed.follows.is_some(), "seed {seed}: {region} is placed by size");
        checked += 1;
    }
    checked
}

#[test]
fn explain_and_the_reference_checker_agree_on_generated_configurations() {
    let (mut accepted, mut rejected, mut violations) = (0, 0, 0);
    let mut seen: BTreeSet<&'static str> = BTreeSet::new();
    let mut placed = 0;
    for seed in 0..GENERATED {
        let source = generate(seed);
        let config = ConfigFile::parse(&source).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{source}"));
        placed += placed_where_generated(&source, &config, seed);
        let (ex, re) = (explained(&config, seed), reference(&config));
        assert_eq!(
            ex, re,
            "seed {seed}: explain and the reference checker differ\n{source}"
        );
        seen.extend(ex.iter().map(|v| v.1));
        if ex.is_empty() {
            accepted += 1;
        } else {
            rejected += 1;
            violations += ex.len();
        }
    }
    println!(
        "{GENERATED} configurations: {accepted} accepted, {rejected} rejected, {violations} violations, all agreeing; \
         {placed} regions placed by size where the generator placed them"
    );
    assert!(placed >= 200, "only {placed} regions placed by size");
    // Every partition rule is broken somewhere (the lifecycle and device
    // rules have their own differential programs and UI cases too).
    use programs::partitions as parts;
    for (rule, message) in [
        ("NotASecurePartitionId", parts::NotASecurePartitionId::INFO.message),
        ("SamePartitionId", parts::SamePartitionId::INFO.message),
        ("GrantNotInMap", parts::GrantNotInMap::INFO.message),
        ("ExclusiveButShared", parts::ExclusiveButShared::INFO.message),
        (
            "HeldExclusivelyElsewhere",
            parts::HeldExclusivelyElsewhere::INFO.message,
        ),
        ("PassthroughShared", parts::PassthroughShared::INFO.message),
        ("NotEmulated", parts::NotEmulated::INFO.message),
        ("EmptyRegion", parts::EmptyRegion::INFO.message),
        ("MisalignedRegion", parts::MisalignedRegion::INFO.message),
        ("RegionWraps", parts::RegionWraps::INFO.message),
        ("RegionOutsideRam", parts::RegionOutsideRam::INFO.message),
        ("RegionOverlapsImage", parts::RegionOverlapsImage::INFO.message),
        ("RegionOverlapsDevice", parts::RegionOverlapsDevice::INFO.message),
        ("RegionsOverlap", parts::RegionsOverlap::INFO.message),
        ("RoutedNotAnSpi", parts::RoutedNotAnSpi::INFO.message),
        ("InterruptWithoutDevice", parts::InterruptWithoutDevice::INFO.message),
        (
            "InterruptOfUngrantedDevice",
            parts::InterruptOfUngrantedDevice::INFO.message,
        ),
        (
            "InterruptOfTrappedDevice",
            parts::InterruptOfTrappedDevice::INFO.message,
        ),
        ("InterruptRoutedTwice", parts::InterruptRoutedTwice::INFO.message),
        ("NoExecutionContext", parts::NoExecutionContext::INFO.message),
        ("MoreContextsThanCpus", parts::MoreContextsThanCpus::INFO.message),
    ] {
        assert!(seen.contains(message), "no generated configuration breaks `{rule}`");
    }
    // The generator must exercise both sides.
    assert!(
        accepted >= GENERATED / 10 && rejected >= GENERATED / 2,
        "{accepted} accepted, {rejected} rejected"
    );
}

/// The violations rustc reports: every `check `...` failed for `S`: ...`
/// line of its errors, reduced to the same shape as [`Violation`] through
/// the message `explain` would print for each violation.
#[test]
fn rustc_agrees_on_a_sample() {
    let dir = sample_crate();
    let out = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--message-format=short"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Every check line rustc printed, by module (the subject names repeat).
    // A message's later lines (more violations, `help:`) follow the first
    // line indented, so they belong to the last module named.
    let mut from_rustc: BTreeSet<(u64, String)> = BTreeSet::new();
    let mut rejected_by_rustc: BTreeSet<u64> = BTreeSet::new();
    let mut seed = None;
    for line in stderr.lines() {
        if let Some((path, _)) = line.split_once(": error") {
            // The module's file, or, for the gate's error (reported in
            // `programs`), the module its configuration type is in.
            let number = |s: &str| {
                s.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
            };
            seed = path
                .rsplit("/m")
                .next()
                .and_then(number)
                .filter(|_| path.contains("/src/m"))
                .or_else(|| line.split("<m").nth(1).and_then(number));
            if let Some(s) = seed {
                rejected_by_rustc.insert(s);
            }
        } else if !line.starts_with(' ') {
            seed = None;
        }
        let (Some(s), Some(at)) = (seed, line.find("check `")) else {
            continue;
        };
        // The short format ends the first line with where the evaluation
        // failed; a message past its capacity ends in `...` (the gate's
        // refusal, which repeats every check's messages).
        let text = line[at..]
            .split(": evaluation of `")
            .next()
            .unwrap_or_default()
            .trim_end();
        if !text.ends_with("...") {
            from_rustc.insert((s, text.to_string()));
        }
    }
    let mut from_explain: BTreeSet<(u64, String)> = BTreeSet::new();
    let mut rejected_by_explain: BTreeSet<u64> = BTreeSet::new();
    for seed in 0..THROUGH_RUSTC {
        let config = ConfigFile::parse(&generate(seed)).unwrap();
        let report = explain::explain(&config, "gen", false).unwrap();
        for run in report.runs().filter(|r| !r.passed()) {
            rejected_by_explain.insert(seed);
            for line in run.message.lines().filter(|l| l.starts_with("check `")) {
                from_explain.insert((seed, line.to_string()));
            }
        }
    }
    assert_eq!(
        rejected_by_rustc, rejected_by_explain,
        "rustc and explain reject different configurations\n{stderr}"
    );
    let only_rustc: Vec<_> = from_rustc.difference(&from_explain).collect();
    let only_explain: Vec<_> = from_explain.difference(&from_rustc).collect();
    assert!(
        only_rustc.is_empty() && only_explain.is_empty(),
        "rustc and explain report different violations\nonly rustc: {only_rustc:#?}\nonly explain: {only_explain:#?}"
    );
    // The sample exercises the partition rules through rustc too.
    let partition_lines = from_rustc
        .iter()
        .filter(|(_, l)| l.starts_with("check `partitions:"))
        .count();
    assert!(
        partition_lines >= 10,
        "only {partition_lines} partition violations through rustc"
    );
    println!(
        "{THROUGH_RUSTC} configurations through rustc: {} rejected, {} violations ({partition_lines} of partitions), all agreeing with explain",
        rejected_by_rustc.len(),
        from_rustc.len()
    );
}

/// Two crates with one module per sampled configuration (cargo builds
/// them on both cores), under `target/`, so that the workspace's
/// `.cargo/config.toml` (`-Znext-solver`) applies. Each module also links
/// its configuration through the gate.
fn sample_crate() -> PathBuf {
    let root = common::workspace();
    let dir = root.join("target").join("config-differential");
    let dep = |name: &str, path: &str| format!("{name} = {{ path = {:?} }}\n", root.join(path).display().to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nmembers = [\"half0\", \"half1\"]\nresolver = \"3\"\n",
    )
    .unwrap();
    for half in 0..2 {
        let crate_dir = dir.join(format!("half{half}"));
        std::fs::create_dir_all(crate_dir.join("src")).unwrap();
        let manifest = format!(
            "[package]\nname = \"half{half}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{}{}frunk = {{ version = \"0.5\", default-features = false }}\ntypenum = \"1.20\"\n",
            dep("programs", "programs"),
            dep("typevm", "typevm"),
        );
        std::fs::write(crate_dir.join("Cargo.toml"), manifest).unwrap();
        let mut lib = String::from("#![allow(dead_code, unused_imports, non_camel_case_types)]\n");
        for seed in (0..THROUGH_RUSTC).filter(|s| s % 2 == half) {
            writeln!(lib, "mod m{seed};").unwrap();
            let source = generate(seed);
            let partitions = if source.contains("pub Parts on Map") {
                " type Partitions = Parts;"
            } else {
                ""
            };
            let gate = format!(
                "pub struct Cfg;\nimpl programs::Config for Cfg {{ type Lifecycle = Table; type Devices = Map;{partitions} }}\n\
                 static ACCEPTED: programs::Accepted<Cfg> = programs::Accepted::CHECKED;\n"
            );
            std::fs::write(crate_dir.join("src").join(format!("m{seed}.rs")), source + &gate).unwrap();
        }
        std::fs::write(crate_dir.join("src").join("lib.rs"), lib).unwrap();
    }
    // The lock file of the workspace pins the same dependency versions.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}
