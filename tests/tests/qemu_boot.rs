//! QEMU boot tests: build the hypervisor image for aarch64-unknown-none, boot it
//! in QEMU virt (EL2, GICv3, 4 CPUs) through `hypervisor/qemu-run`, and check
//! the serial log and the exit code.
//!
//! The image is built with `CARGO_TARGET_DIR=<workspace>/target/qemu-tests` so the
//! nested cargo does not wait on the outer cargo's lock. If qemu-system-aarch64
//! is missing these tests FAIL and print the command that installs it.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use programs::board::ACCEPTED;

/// Seconds QEMU may run (the runner applies it with `timeout`).
const QEMU_TIMEOUT_S: &str = "240";

/// Builds of different scenarios share one target dir: one at a time.
static BUILD: Mutex<()> = Mutex::new(());

mod common;
use common::{require_qemu, workspace};

/// Build the image for `scenario` (`HV_SCENARIO`) and return a stable copy of the ELF.
fn build_image(scenario: &str) -> PathBuf {
    let _guard = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let ws = workspace();
    let target_dir = ws.join("target").join("qemu-tests");
    let out = Command::new(env!("CARGO"))
        .current_dir(&ws)
        .args([
            "build",
            "-p",
            "hypervisor",
            "--release",
            "--target",
            "aarch64-unknown-none",
        ])
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("HV_SCENARIO", scenario)
        .output()
        .expect("run cargo to build the hypervisor image");
    assert!(
        out.status.success(),
        "building the hypervisor image (HV_SCENARIO={scenario}) failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let elf = target_dir
        .join("aarch64-unknown-none")
        .join("release")
        .join("hypervisor");
    let copy = target_dir.join(format!("hypervisor-{scenario}.elf"));
    std::fs::copy(&elf, &copy).unwrap_or_else(|e| panic!("copy {} -> {}: {e}", elf.display(), copy.display()));
    copy
}

/// Boot `elf`; returns (exit code, serial log).
fn boot(elf: &Path) -> (i32, String) {
    require_qemu("the QEMU boot tests");
    let out = Command::new(workspace().join("hypervisor").join("qemu-run"))
        .arg(elf)
        .env("HV_QEMU_TIMEOUT", QEMU_TIMEOUT_S)
        .output()
        .expect("run hypervisor/qemu-run");
    let log = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    let code = out.status.code().unwrap_or(-1);
    eprintln!(
        "--- serial log ({}) ---\n{log}\n--- stderr ---\n{}",
        elf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(code, 124, "QEMU timed out after {QEMU_TIMEOUT_S} s");
    (code, log)
}

fn has(log: &str, needle: &str) {
    assert!(log.contains(needle), "serial log lacks `{needle}`");
}

#[test]
fn boots_runs_partitions_and_powers_off() {
    require_qemu("the QEMU boot tests");
    let elf = build_image("normal");
    let (code, log) = boot(&elf);

    // Banner: build time and the accepted configuration.
    has(&log, " hv: ARM64 EL2 hypervisor");
    has(&log, " built 20");
    let lc = ACCEPTED.lifecycle();
    has(
        &log,
        &format!("lifecycle: {} states [{}]", lc.states().len(), lc.states().join(", ")),
    );
    let legal: u32 = lc.legal().iter().map(|m| m.count_ones()).sum();
    has(&log, &format!("lifecycle: {legal} legal transitions"));
    for d in ACCEPTED.devices() {
        let irq = d.irq().map_or("-".to_string(), |i| i.to_string());
        let access = match d.kind().access() {
            programs::KindAccess::Trapped => "trapped",
            programs::KindAccess::Passthrough => "passed through",
        };
        let line = format!(
            "{:<6} {:<18} base {:#010x} size {:#09x} irq {irq:<3} {access}",
            d.name(),
            d.kind().name(),
            d.base(),
            d.size()
        );
        has(&log, &line);
    }

    // Partitions are loaded with their own stage-2 and RAM, and talk.
    for sp in ["sp0", "sp1", "sp2"] {
        has(&log, &format!("[load] {sp}: RAM "));
    }
    has(&log, "[sp0] sp0 booted, CurrentEL = 0x0000000000000001");
    has(&log, "[sp0] hello from sp0: probing my devices");
    has(&log, "[sp0] rtc0 DR (seconds since epoch) = 0x");
    has(
        &log,
        "[sp0] gicd TYPER = 0x0000000000480001, PIDR2 = 0x000000000000003b",
    );
    // A passed-through device: mapped into sp0's stage-2 as device memory,
    // and the real PL061 answers (0x61) without a trap.
    has(&log, "; passed through: gpio0@0x9030000 (device memory)");
    has(&log, "[sp0] gpio0 (passed through) PeriphID0 = 0x0000000000000061");
    has(&log, "[sp1] sp1 booted: service ready");
    has(&log, "[sp1] work done, sum = 0x00000000000004fb");
    has(
        &log,
        "[sp0] sp1 answered: status 0x0000000000000000, value 0x00000000000afed8",
    );
    has(&log, "[sp0] call interrupted: sp1 was preempted, resuming it with RUN");

    // Every transition of the accepted table happened, through its handler.
    for from in 0..lc.states().len() as u8 {
        for to in 0..lc.states().len() as u8 {
            let seen = log.lines().any(|l| {
                l.starts_with("[lifecycle] sp")
                    && l.contains(&format!(": {} -> {} (handler ", lc.name(from), lc.name(to)))
            });
            assert_eq!(
                seen,
                lc.allows(from, to),
                "transition {} -> {} seen in log: {seen}",
                lc.name(from),
                lc.name(to)
            );
        }
    }
    has(
        &log,
        "[lifecycle] refused: sp0: transition Reset -> Idle refused: rule `compare-and-swap from the current state`: the state is Idle",
    );
    has(
        &log,
        "[lifecycle] refused: sp1: transition Preempted -> Running refused: rule `compare-and-swap from the current state`: the state is Idle",
    );
    has(
        &log,
        "[sched] CNTHP timer: preempted sp1 and, with it, the call chain of sp0",
    );

    // Faults: reported with the address, contained, others keep running.
    has(
        &log,
        "[mmio] sp2: read of uart0+0xf00 (PL011) at IPA 0x9000f00: rule `only registers of the device model`: no such register; answered read-as-zero",
    );
    has(&log, "[fault] sp2: 64-bit write of uart0+0x0 (PL011) at IPA 0x9000000");
    has(
        &log,
        "[fault] sp2: read at IPA 0x40200000: rule `hypervisor memory is never mapped into a guest`",
    );
    has(
        &log,
        "[fault] sp2: read at IPA 0x10000000: rule `a partition sees only its RAM and its devices`: unmapped",
    );
    has(&log, "rule `partition code is mapped read+exec`: permission fault");
    assert_eq!(log.matches("): partition stopped").count(), 4, "four contained faults");
    has(&log, "[sp2] sp2 still serving requests after its faults");
    let after_fault = log.find("[fault] sp2: 64-bit write").unwrap();
    assert!(
        log[after_fault..].contains("[sp0] hello from sp0"),
        "sp0 keeps running after sp2's fault"
    );

    // The race: four CPUs, one winner per round.
    has(&log, "[smp] 4 CPUs online (PSCI CPU_ON)");
    let wins: u32 = (0..4)
        .map(|cpu| {
            let prefix = format!("[race] cpu{cpu}: won ");
            let line = log
                .lines()
                .find(|l| l.starts_with(&prefix))
                .unwrap_or_else(|| panic!("no race line for cpu{cpu}"));
            line[prefix.len()..]
                .split(',')
                .next()
                .unwrap()
                .trim()
                .parse::<u32>()
                .expect("win count")
        })
        .sum();
    assert_eq!(wins, 1000);
    has(
        &log,
        "[race] total wins 1000 of 1000 rounds: exactly one winner per round",
    );

    has(&log, "[done] all checks passed; PSCI SYSTEM_OFF");
    assert!(!log.contains("[check] FAILED"), "a check failed");
    assert_eq!(code, 0, "PSCI SYSTEM_OFF exits QEMU with 0");
}

#[test]
fn corrupt_state_halts_with_dump_and_nonzero_exit() {
    require_qemu("the QEMU boot tests");
    let elf = build_image("corrupt-state");
    let (code, log) = boot(&elf);
    has(&log, "scenario: corrupt-state");
    has(&log, "[scenario] corrupt-state: overwriting sp1's lifecycle byte");
    has(
        &log,
        "!!! HYPERVISOR HALTED: sp1: lifecycle state byte is 0xa5: rule `the state is one of the table's",
    );
    has(&log, "--- register dump: cpu0 at EL2 ---");
    has(&log, "  x30 0x");
    has(&log, "ESR_EL2");
    has(&log, "VTTBR");
    has(&log, "0xa5 (<invalid>)  <-- not a state of the accepted table");
    has(&log, "--- exiting QEMU via semihosting SYS_EXIT with code 3 ---");
    assert!(!log.contains("[done] all checks passed"));
    assert_eq!(code, 3, "semihosting SYS_EXIT code of a corrupt state");
}
