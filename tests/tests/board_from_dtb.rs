//! `cargo board-from-dtb` on the device tree QEMU itself writes for the
//! machine the hypervisor boots on (`virt`, virtualization on, GICv3, 4
//! CPUs, 1 GiB), dumped in the test, not kept in the repository: the
//! printed configuration names every device of the tree (the 32 virtio-mmio
//! transports, 0x200 bytes each, eight to a page, included), and it passes
//! every check when it compiles, through the link gate.
//!
//! If qemu-system-aarch64 is missing this test FAILS and prints the command
//! that installs it.
use std::path::Path;
use std::process::Command;

mod common;
use common::{require_qemu, workspace};

/// QEMU virt's device tree, as QEMU writes it.
fn dump_virt_dtb(dir: &Path) -> Vec<u8> {
    require_qemu("the device-tree test");
    let path = dir.join("virt.dtb");
    let out = Command::new("qemu-system-aarch64")
        .args(["-machine"])
        .arg(format!(
            "virt,virtualization=on,gic-version=3,dumpdtb={}",
            path.display()
        ))
        .args(["-cpu", "max", "-smp", "4", "-m", "1G", "-nographic"])
        .output()
        .expect("qemu-system-aarch64 runs");
    assert!(
        out.status.success(),
        "qemu-system-aarch64 did not dump the device tree:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&path).expect("QEMU wrote the device tree")
}

#[test]
fn qemu_virt_device_tree_becomes_an_accepted_configuration() {
    let ws = workspace();
    let dir = ws.join("target").join("board-from-dtb");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let dtb = dump_virt_dtb(&dir);

    // The command users run prints the same text as the library.
    let printed = Command::new(env!("CARGO"))
        .current_dir(&ws)
        .args(["board-from-dtb"])
        .arg(dir.join("virt.dtb"))
        .env("CARGO_TARGET_DIR", dir.join("tool"))
        .output()
        .expect("cargo runs");
    assert!(
        printed.status.success(),
        "cargo board-from-dtb failed:\n{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let text = String::from_utf8(printed.stdout).unwrap();
    let options = board_from_dtb::Options::default();
    let path = dir.join("virt.dtb");
    assert_eq!(
        text,
        board_from_dtb::convert(&dtb, &path.display().to_string(), &options).unwrap()
    );

    // Every device of the tree, by kind.
    let count = |kind: &str| text.lines().filter(|l| l.contains(&format!(": {kind} @"))).count();
    for (kind, n) in [
        ("VirtioMmio", 32),
        ("Pl011", 1),
        ("Pl031", 1),
        ("Pl061", 1),
        ("GicV3Distributor", 1),
        ("GicV3Redistributor", 1),
        ("GicV3Its", 1),
        ("FwCfg", 1),
        ("CfiFlash", 2),
        ("PciEcam", 1),
    ] {
        assert_eq!(count(kind), n, "{kind} devices in\n{text}");
    }
    for line in [
        "pl011: Pl011 @ 0x900_0000 + 0x1000, irq 33;",
        "virtio_mmio_a000200: VirtioMmio @ 0xa00_0200 + 0x200, irq 49;",
        "fw_cfg: FwCfg @ 0x902_0000 + 0x18;",
        "ram: 0x4000_0000 + 0x4000_0000;",
        "cpus: 4;",
        "kinds: VirtKinds;",
    ] {
        assert!(text.contains(line), "`{line}` missing from\n{text}");
    }
    // What no kind covers is listed, not dropped.
    for note in ["timer (arm,armv8-timer", "pmu (arm,armv8-pmuv3", "`interrupt-map`"] {
        assert!(text.contains(note), "note `{note}` missing from\n{text}");
    }

    // The printed configuration compiles, so every device check passed,
    // and links through the gate with the board's lifecycle.
    let gate = format!(
        "\npub struct Config;\nimpl programs::Config for Config {{\n    type Lifecycle = programs::board::Lifecycle;\n    type Devices = DtbBoardDevices;\n}}\n\
         pub static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;\n\
         const _: () = assert!(ACCEPTED.devices().len() == {});\n",
        text.lines().filter(|l| l.trim_start().contains(" @ ")).count()
    );
    std::fs::write(
        dir.join("src").join("lib.rs"),
        format!("#![allow(dead_code)]\n{text}{gate}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"virt-from-dtb\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nprograms = {{ path = {:?} }}\n\n[workspace]\n",
            ws.join("programs").display().to_string()
        ),
    )
    .unwrap();
    std::fs::copy(ws.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let built = Command::new(env!("CARGO"))
        .current_dir(&dir)
        .args(["build", "--quiet"])
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("cargo runs");
    assert!(
        built.status.success(),
        "the configuration printed from QEMU's device tree does not pass its checks:\n{}\n{text}",
        String::from_utf8_lossy(&built.stderr)
    );
}
