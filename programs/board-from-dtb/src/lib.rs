//! Read a flattened device tree and write the `board!`/`devices!`
//! configuration of its machine, with the kinds of
//! `programs::board::VirtKinds` (each kind declares the device-tree
//! `compatible`s it stands for). What the tree holds that no kind covers
//! (unknown compatibles, nodes without an MMIO window, interrupt maps) is
//! written as comments, so nothing is dropped silently. The output is a
//! configuration like any other: its checks run when it compiles.

use std::collections::HashMap;
use std::fmt::Write as _;

use fdt::Fdt;
use fdt::node::FdtNode;
use programs::devices::{Compatible, KindSet};
use programs::{IrqClass, KindInfo};

/// The kind set the tool maps compatibles to.
type Kinds = programs::board::VirtKinds;

/// What the tree cannot say.
#[derive(Clone, Debug)]
pub struct Options {
    /// The board's name; the map is `{name}Devices`.
    pub name: String,
    /// Where the hypervisor image goes (`image:`); by default 2 MiB into
    /// RAM, 16 MiB long, as `cargo boot` links it on QEMU virt.
    pub image: Option<(u64, u64)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            name: "DtbBoard".to_string(),
            image: None,
        }
    }
}

/// `BASE+SIZE` in hex or decimal, `_` allowed: `0x4020_0000+0x100_0000`.
pub fn parse_window(s: &str) -> Option<(u64, u64)> {
    let (b, z) = s.split_once('+')?;
    Some((parse_num(b)?, parse_num(z)?))
}

fn parse_num(s: &str) -> Option<u64> {
    let s = s.trim().replace('_', "");
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// One device the tree describes with a kind of [`Kinds`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// Where it comes from: `pl011@9000000`, with the `reg` entry when a
    /// node holds several.
    pub node: String,
    /// The node's name before `@`, for the device's name.
    pub stem: String,
    pub kind: &'static str,
    pub base: u64,
    pub size: u64,
    pub irq: Option<u64>,
}

/// What the tree holds, read against [`Kinds`].
#[derive(Clone, Debug, Default)]
pub struct Board {
    /// `model` of the root node.
    pub model: String,
    pub ram: (u64, u64),
    pub cpus: usize,
    pub devices: Vec<Device>,
    /// What no kind covers, one line each.
    pub notes: Vec<String>,
}

/// The board a device tree describes.
pub fn read(data: &[u8]) -> Result<Board, String> {
    let fdt = Fdt::new(data).map_err(|e| format!("not a flattened device tree ({e:?})"))?;
    let mut board = Board {
        model: fdt.root().model().to_string(),
        cpus: fdt.cpus().count(),
        ..Board::default()
    };
    let memory = fdt.memory();
    let mut ram = memory.regions();
    let first = ram.next().ok_or("the tree has no `memory` node with a `reg`")?;
    board.ram = (first.starting_address as u64, first.size.unwrap_or(0) as u64);
    for extra in ram {
        board.notes.push(format!(
            "memory {:#x} + {:#x}: a board! has one RAM range; only the first is used",
            extra.starting_address as u64,
            extra.size.unwrap_or(0)
        ));
    }
    let root_parent = fdt
        .find_node("/")
        .and_then(|r| r.property("interrupt-parent"))
        .and_then(|p| p.as_usize())
        .and_then(|ph| fdt.find_phandle(ph as u32));
    let kinds = programs::board::ACCEPTED.board().kinds();
    for node in fdt.all_nodes() {
        let device_type = node.property("device_type").and_then(|p| p.as_str());
        if matches!(device_type, Some("cpu" | "memory")) {
            continue;
        }
        if node.property("status").and_then(|p| p.as_str()) == Some("disabled") {
            continue;
        }
        let Some(compatible) = node.compatible() else {
            continue;
        };
        let compatibles: Vec<&str> = compatible.all().collect();
        let regs: Vec<(u64, u64)> = node
            .reg()
            .map(|r| {
                r.map(|m| (m.starting_address as u64, m.size.unwrap_or(0) as u64))
                    .collect()
            })
            .unwrap_or_default();
        let interrupt = interrupt(&node, root_parent);
        let entries: Vec<&Compatible> = compatibles
            .iter()
            .find_map(|c| {
                let e: Vec<&Compatible> = Kinds::COMPATIBLES.iter().filter(|e| e.compatible == *c).collect();
                (!e.is_empty()).then_some(e)
            })
            .unwrap_or_default();
        let shown = compatibles.join(", ");
        if entries.is_empty() {
            if regs.is_empty() {
                board.notes.push(format!(
                    "{} ({shown}): no MMIO window{}",
                    node.name,
                    irq_note(&interrupt)
                ));
            } else {
                let windows: Vec<String> = regs.iter().map(|(b, s)| format!("{b:#x} + {s:#x}")).collect();
                board.notes.push(format!(
                    "{} ({shown}): {}{}: no kind of {} has this compatible",
                    node.name,
                    windows.join(", "),
                    irq_note(&interrupt),
                    Kinds::NAME
                ));
            }
            continue;
        }
        let stem = stem(node.name);
        let add = |reg: usize, kind: &KindInfo, board: &mut Board| {
            let Some(&(base, size)) = regs.get(reg) else {
                board.notes.push(format!(
                    "{} ({shown}): no `reg` entry {reg} for its {}",
                    node.name,
                    kind.name()
                ));
                return;
            };
            let irq = match (kind.irq(), &interrupt) {
                (IrqClass::None, _) => None,
                (IrqClass::Spi | IrqClass::Ppi, Interrupt::Gic(n)) => Some(*n),
                (IrqClass::Spi | IrqClass::Ppi, _) => None,
            };
            if irq.is_none() && !matches!(kind.irq(), IrqClass::None) {
                board.notes.push(format!(
                    "{}: a {} raises an interrupt, but the tree gives none this tool reads{}",
                    node.name,
                    kind.name(),
                    irq_note(&interrupt)
                ));
            }
            let node_name = if regs.len() > 1 {
                format!("{} reg {reg}", node.name)
            } else {
                node.name.to_string()
            };
            board.devices.push(Device {
                node: node_name,
                stem: stem.clone(),
                kind: kind.name(),
                base,
                size,
                irq,
            });
        };
        for e in &entries {
            let kind = &kinds[e.kind as usize];
            match e.reg {
                Some(r) => add(r as usize, kind, &mut board),
                None => {
                    for r in 0..regs.len() {
                        add(r, kind, &mut board);
                    }
                }
            }
        }
        if node.property("ranges").is_some_and(|r| !r.value.is_empty()) {
            board.notes.push(format!(
                "{} ({shown}): its `ranges` (the windows it decodes for its children, e.g. PCI memory) are not read",
                node.name
            ));
        }
        if node.property("interrupt-map").is_some() {
            board.notes.push(format!(
                "{} ({shown}): its `interrupt-map` (e.g. PCI INTx) is not read: route those interrupts by hand",
                node.name
            ));
        }
    }
    board.devices.sort_by_key(|d| d.base);
    Ok(board)
}

/// A node's first interrupt, as the configuration numbers them (GIC INTIDs).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Interrupt {
    None,
    Gic(u64),
    /// Present but not in a GIC's three cells (another controller, an
    /// unknown type): the raw cells.
    Undecoded(Vec<u32>),
}

fn irq_note(i: &Interrupt) -> String {
    match i {
        Interrupt::None => String::new(),
        Interrupt::Gic(n) => format!(", interrupt {n}"),
        Interrupt::Undecoded(cells) => format!(", interrupt cells {cells:?} (not decoded)"),
    }
}

fn interrupt(node: &FdtNode<'_, '_>, root_parent: Option<FdtNode<'_, '_>>) -> Interrupt {
    let Some(p) = node.property("interrupts") else {
        return Interrupt::None;
    };
    let cells: Vec<u32> = p
        .value
        .chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let parent = node.interrupt_parent().or(root_parent);
    let gic = parent.is_some_and(|p| {
        p.compatible().is_some_and(|c| {
            c.all()
                .any(|c| matches!(c, "arm,gic-v3" | "arm,gic-400" | "arm,cortex-a15-gic"))
        }) && p.interrupt_cells() == Some(3)
    });
    match (gic, cells.as_slice()) {
        (true, [0, n, _, ..]) => Interrupt::Gic(32 + *n as u64),
        (true, [1, n, _, ..]) => Interrupt::Gic(16 + *n as u64),
        _ => Interrupt::Undecoded(cells),
    }
}

/// A node name as the start of a Rust identifier: `virtio_mmio@a000000` -> `virtio_mmio`.
fn stem(node: &str) -> String {
    let base = node.split('@').next().unwrap_or(node);
    let mut s: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) || s.starts_with("__") {
        s.insert_str(0, "dev_");
    }
    s
}

/// The configuration of the board the tree describes, as source text.
pub fn convert(data: &[u8], file: &str, options: &Options) -> Result<String, String> {
    let board = read(data)?;
    configuration(&board, file, options)
}

/// Write `board` as `board!`/`devices!`.
pub fn configuration(board: &Board, file: &str, options: &Options) -> Result<String, String> {
    if board.devices.is_empty() {
        return Err(format!("no node has a compatible of a kind of {}", Kinds::NAME));
    }
    let (ram_base, ram_size) = board.ram;
    let image = options.image.unwrap_or((ram_base + 0x20_0000, 0x100_0000));
    if image.0 < ram_base || image.0 - ram_base + image.1 > ram_size {
        return Err(format!(
            "the hypervisor image {:#x} + {:#x} is not inside RAM {ram_base:#x} + {ram_size:#x}: give `--image BASE+SIZE`",
            image.0, image.1
        ));
    }
    if !(1..=256).contains(&board.cpus) {
        return Err(format!("the tree has {} CPUs; a board has 1..=256", board.cpus));
    }
    // Names: the node's stem, alone when one device has it, else with the
    // window's address (`virtio_mmio_a000200`).
    let mut stems: HashMap<&str, usize> = HashMap::new();
    for d in &board.devices {
        *stems.entry(d.stem.as_str()).or_default() += 1;
    }
    let first = board.devices.iter().map(|d| d.base).min().unwrap_or(0);
    let end = board
        .devices
        .iter()
        .map(|d| d.base.saturating_add(d.size))
        .max()
        .unwrap_or(0);
    let name = &options.name;
    let mut s = String::new();
    writeln!(
        s,
        "// The board of `{file}` ({}), written by `cargo board-from-dtb`",
        board.model
    )
    .unwrap();
    writeln!(
        s,
        "// with the kinds of `programs::board::{}`. Check it: it compiles only if",
        Kinds::NAME
    )
    .unwrap();
    writeln!(s, "// every rule of the catalogue holds.").unwrap();
    writeln!(s, "use programs::board::kinds::*;\n").unwrap();
    writeln!(s, "programs::board! {{").unwrap();
    writeln!(
        s,
        "    /// {} ({} CPUs), from its device tree.",
        board.model, board.cpus
    )
    .unwrap();
    writeln!(s, "    pub {name} {{").unwrap();
    writeln!(s, "        ram: {};", window(ram_base, ram_size)).unwrap();
    writeln!(s, "        // From the lowest device window to the end of the highest.").unwrap();
    writeln!(s, "        devices: {};", window(first, end - first)).unwrap();
    if options.image.is_none() {
        writeln!(
            s,
            "        // Not in the tree: where `cargo boot` links the hypervisor (`--image` to move it)."
        )
        .unwrap();
    }
    writeln!(s, "        image: {};", window(image.0, image.1)).unwrap();
    writeln!(s, "        cpus: {};", board.cpus).unwrap();
    writeln!(s, "        kinds: {};", Kinds::NAME).unwrap();
    writeln!(s, "    }}\n}}\n").unwrap();
    writeln!(s, "programs::devices! {{").unwrap();
    writeln!(s, "    /// Every device of the tree with a kind of `{}`.", Kinds::NAME).unwrap();
    writeln!(s, "    pub {name}Devices on {name} {{").unwrap();
    for d in &board.devices {
        let dn = if stems[d.stem.as_str()] == 1 {
            d.stem.clone()
        } else {
            format!("{}_{:x}", d.stem, d.base)
        };
        let irq = d.irq.map(|i| format!(", irq {i}")).unwrap_or_default();
        writeln!(
            s,
            "        {dn}: {} @ {}{irq}; // {}",
            d.kind,
            window(d.base, d.size),
            d.node
        )
        .unwrap();
    }
    if !board.notes.is_empty() {
        writeln!(s, "        // Not described here:").unwrap();
        for n in &board.notes {
            writeln!(s, "        // - {n}").unwrap();
        }
    }
    writeln!(s, "    }}\n}}").unwrap();
    Ok(s)
}

/// `base + size` as the configuration writes windows.
fn window(base: u64, size: u64) -> String {
    format!("{} + {}", grouped(base), grouped(size))
}

/// `0x4000_0000`: hex in groups of four digits.
fn grouped(n: u64) -> String {
    let hex = format!("{n:x}");
    let mut out = String::new();
    for (i, c) in hex.chars().enumerate() {
        if i > 0 && (hex.len() - i) % 4 == 0 {
            out.push('_');
        }
        out.push(c);
    }
    format!("0x{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_names_read_as_written() {
        assert_eq!(grouped(0x4000_0000), "0x4000_0000");
        assert_eq!(grouped(0x200), "0x200");
        assert_eq!(grouped(0x40_1000_0000), "0x40_1000_0000");
        assert_eq!(parse_window("0x4020_0000+0x100_0000"), Some((0x4020_0000, 0x100_0000)));
        assert_eq!(parse_window("4096+4096"), Some((4096, 4096)));
        assert_eq!(parse_window("0x10"), None);
        assert_eq!(stem("virtio_mmio@a000000"), "virtio_mmio");
        assert_eq!(stem("gpio-keys"), "gpio_keys");
        assert_eq!(stem("9p@0"), "dev_9p");
    }

    #[test]
    fn garbage_is_not_a_device_tree() {
        let e = convert(b"not a tree", "x.dtb", &Options::default()).unwrap_err();
        assert!(e.contains("not a flattened device tree"), "{e}");
    }

    #[test]
    fn an_image_outside_ram_is_refused() {
        let board = Board {
            model: "m".into(),
            ram: (0x4000_0000, 0x100_0000),
            cpus: 1,
            devices: vec![Device {
                node: "pl011@9000000".into(),
                stem: "pl011".into(),
                kind: "Pl011",
                base: 0x0900_0000,
                size: 0x1000,
                irq: Some(33),
            }],
            notes: vec![],
        };
        let e = configuration(&board, "x.dtb", &Options::default()).unwrap_err();
        assert!(e.contains("--image"), "{e}");
        let ok = configuration(
            &board,
            "x.dtb",
            &Options {
                image: Some((0x4000_0000, 0x10_0000)),
                ..Options::default()
            },
        )
        .unwrap();
        assert!(ok.contains("pl011: Pl011 @ 0x900_0000 + 0x1000, irq 33;"), "{ok}");
    }
}
