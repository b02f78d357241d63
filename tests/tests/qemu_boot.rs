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

    // Rust partitions at EL1, loaded from their ELF binaries at the memory
    // the configuration gives them, each with its own stage-2, speaking FF-A.
    for p in ACCEPTED.partitions() {
        has(&log, &format!("[load] {}: FF-A id {:#06x}, program ", p.name(), p.id()));
        has(
            &log,
            &format!(
                "[sched] booting {} (FF-A id {:#06x}) at {:#x}",
                p.name(),
                p.id(),
                p.regions()[0].base()
            ),
        );
        if p.name() != "sp2" {
            has(&log, &format!("[boot] {} is up: FFA_MSG_WAIT", p.name()));
        }
    }
    // Addresses the hostile sp2 aims at, from the configuration (its
    // regions may be placed by size, so they move with any earlier region).
    let region = |partition: &str, name: &str| {
        let p = &ACCEPTED.partitions()[ACCEPTED.partition_named(partition).expect("a partition of the board")];
        let r = p.regions().iter().find(|r| r.name() == format!("{partition}.{name}"));
        r.unwrap_or_else(|| panic!("{partition} has a region {name}"))
    };
    let (sp0_data, sp2_code, sp2_data) = (
        region("sp0", "data").base(),
        region("sp2", "code"),
        region("sp2", "data").base(),
    );
    // The hostile sp2 faults during its own boot: aborted, the rest boot,
    // and its first request restarts it at its entry.
    has(
        &log,
        &format!("[sp2] booting: reading sp0's RAM at {sp0_data:#x} before FFA_MSG_WAIT"),
    );
    has(&log, "[boot] sp2 was aborted while booting; the other partitions boot");
    // Calls that would block it on another partition before it has booted
    // are refused, not taken for a corrupt lifecycle.
    has(
        &log,
        "[ffa] sp2: FFA_MSG_SEND_DIRECT_REQ_64: rule `a partition calls other partitions once it has booted (FFA_MSG_WAIT)`: DENIED",
    );
    has(
        &log,
        "[ffa] sp2: FFA_RUN: rule `a partition calls other partitions once it has booted (FFA_MSG_WAIT)`: DENIED",
    );
    has(
        &log,
        "[sp2] booting: FFA_MSG_SEND_DIRECT_REQ to sp0 answered DENIED, FFA_RUN sp1 answered DENIED",
    );
    assert!(!log.contains("[boot] sp2 is up"), "sp2 never finishes its boot");
    assert!(!log.contains("isolation is broken"));
    has(
        &log,
        "[sp0] Rust at EL1, own MMU on (SCTLR_EL1.M), FF-A id 0x8001, FF-A version 1.1",
    );
    has(&log, "[sp0] FFA_PARTITION_INFO_GET: 3 partitions");
    has(
        &log,
        "[sp0]   partition 0x8002: 1 execution context(s), properties 0x103, uuid 6e6b3c7a-...",
    );
    has(&log, "[sp0] svc taken by its own EL1 vectors (1 so far)");
    // A passed-through device: mapped into sp0's stage-2 as device memory,
    // and the real PL061 answers (0x61) without a trap.
    has(&log, "; passed through: gpio0@0x9030000 (device memory)");
    has(&log, "[sp0] gpio0 (passed through) PeriphID0 = 0x61");
    // Direct requests from the normal world; preemption returns
    // FFA_INTERRUPT to the requester, which resumes with FFA_RUN.
    has(&log, "[nwd] FFA_MSG_SEND_DIRECT_REQ to sp0: HELLO (arg 0)");
    has(&log, "[sp0] hello from 0x8001: request from 0x0000, RTC says ");
    has(&log, "[nwd] FFA_INTERRUPT from sp0: FFA_RUN sp0");
    // A call chain: sp0 -> sp1, sp1 preempted, sp0 told and resuming it.
    has(
        &log,
        "[ffa] sp0 -> sp1: FFA_MSG_SEND_DIRECT_REQ (sender blocked until answered)",
    );
    has(&log, "[sp1] WORK(5) for 0x8001 = 15");
    // The chain stops with sp1: sp0 Blocked -> Preempted, the normal world
    // resumes sp0, which finds FFA_INTERRUPT for sp1 and runs it.
    has(
        &log,
        "[sched] the call chain stops with sp1: sp0 (Blocked -> Preempted) gets FFA_INTERRUPT for it when resumed",
    );
    has(&log, "[ffa] sp0: FFA_RUN sp1");
    has(&log, "[sp1] WORK(120) for 0x8001 = 7260");
    assert!(
        log.contains("[sp0] sp1 answered 7260 (resumed it ")
            && !log.contains("[sp0] sp1 answered 7260 (resumed it 0 times"),
        "sp0 resumed its preempted callee"
    );
    // Virtual interrupts: sp1's own virtual timer; sp0's GPIO interrupt,
    // routed to it by the configuration, hardware-mapped.
    assert_eq!(
        log.matches("[virq] INTID 27 (its virtual timer) for sp1: injected")
            .count(),
        5,
        "five virtual timer interrupts injected"
    );
    has(
        &log,
        "[sp1] virtual timer: 5 interrupts (INTID 27) taken by its own vectors, 1 ms apart",
    );
    has(
        &log,
        "[virq] INTID 39 (a device interrupt routed to it) for sp0: injected",
    );
    has(
        &log,
        "[sp0] gpio0 interrupt (INTID 39, routed to sp0 by the configuration) taken 1 time(s), GPIOMIS 0x1",
    );
    has(
        &log,
        "[bench] FFA_MSG_SEND_DIRECT_REQ/RESP round trip, normal world -> sp1 -> normal world: ",
    );

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
        "[lifecycle] refused: sp0: transition Preempted -> Running refused: rule `compare-and-swap from the current state`: the state is Idle",
    );

    // The hostile partition: every fault reported with its address and
    // the rule, the partition aborted (its requester gets FFA_ERROR
    // ABORTED), the others keep serving.
    has(
        &log,
        "[mmio] sp2: read of uart0+0xf00 (PL011) at IPA 0x9000f00: rule `only registers of the device model`: no such register; answered read-as-zero",
    );
    has(
        &log,
        "[fault] sp2: 64-bit read of rtc0+0x0 (PL031) at IPA 0x9010000: rule `rtc0 registers are accessed as 32 bits`",
    );
    has(
        &log,
        "[fault] sp2: read at IPA 0x40200000: rule `hypervisor memory is never mapped into a guest`",
    );
    has(
        &log,
        "[fault] sp2: read at IPA 0x10000000: rule `a partition sees only its RAM and its devices`: unmapped",
    );
    has(
        &log,
        &format!(
            "[fault] sp2: read at IPA {sp0_data:#x}: rule `a partition sees only its own memory`: that is sp0's region sp0.data"
        ),
    );
    has(&log, "rule `partition code is mapped read+exec`: permission fault");
    // An EL1 exception with no vectors: reported as what it was, at its real PC.
    let udf = log
        .lines()
        .find(|l| l.starts_with("[fault] sp2: undefined instruction at EL1 (ESR_EL1 0x2000000"))
        .expect("the undefined instruction is reported from ESR_EL1");
    let pc = udf
        .split("(pc 0x")
        .nth(1)
        .and_then(|t| u64::from_str_radix(t.split(')').next()?, 16).ok());
    assert!(
        udf.contains("with no exception vectors to take it (VBAR_EL1 0x0, vector +0x200 not mapped)")
            && pc.is_some_and(|pc| (sp2_code.base()..sp2_code.base() + sp2_code.size()).contains(&pc)),
        "reported at sp2's own code, not at the vector: {udf}"
    );
    // Interrupting the other physical CPUs (an SGI): the write traps.
    has(
        &log,
        "[fault] sp2: trapped write to S3_0_C12_C11_5 (ICC_SGI1R_EL1) from x",
    );
    assert!(!log.contains("sent SGI 0 to every CPU"));
    // Spinning forever: preempted every slice, then the watchdog.
    has(
        &log,
        "[fault] sp2: watchdog: rule `a request or a boot ends within 25 time slices of 20 ms`: still running after 25 slices",
    );
    // A panic: the runtime reports it, then aborts through the same path.
    has(
        &log,
        "[sp2] panicked: panicked at hypervisor/partitions/src/bin/sp2.rs:",
    );
    has(&log, "[sp2] sp2 panics on request");
    // FF-A abuse: buffers the partition manager would write outside the
    // caller's own memory (including one whose end wraps past 2^64), a
    // request in another partition's name, firmware by `smc`.
    has(
        &log,
        &format!(
            "[ffa] sp2: FFA_RXTX_MAP tx 0xfffffffffffff000 rx {sp2_data:#x} (1 pages): rule `one page each, in the partition's own rw memory`: INVALID_PARAMETERS"
        ),
    );
    has(&log, "[sp2] FFA_RXTX_MAP of memory it does not own: 0 of 3 accepted");
    has(
        &log,
        "[ffa] sp2: FFA_MSG_SEND_DIRECT_REQ: rule `the sender id is the caller's own`: INVALID_PARAMETERS",
    );
    has(
        &log,
        "[sp2] PSCI SYSTEM_OFF by smc answered 0xffffffffffffffff; still running",
    );
    // A caller that faults with its callee preempted takes the callee with it.
    has(
        &log,
        "[sp2] sp1 was preempted in my call; faulting instead of resuming it",
    );
    has(
        &log,
        "[fault] sp1: its caller sp2 was aborted: rule `a caller's fault aborts its callees`: partition aborted",
    );
    has(&log, "[sp1] WORK(3) for 0x0000 = 6");
    assert_eq!(
        log.matches("): partition aborted").count(),
        11,
        "sp2's boot and its ten faulting requests contained"
    );
    assert_eq!(
        log.matches("[nwd] request to sp2 ended with FFA_ERROR ABORTED").count(),
        10,
        "each abort answered to its requester"
    );
    let after_fault = log.find("[fault] sp2: 64-bit read").unwrap();
    assert!(
        log[after_fault..].contains("[sp0] hello from 0x8001"),
        "sp0 keeps serving after sp2's fault"
    );
    // No register leaks between partitions.
    has(
        &log,
        "[sp0] left 0x5ec2e75ec2e75ec2 in v0-v7, v16-v31, TPIDR_EL1, TPIDR_EL0",
    );
    has(
        &log,
        "[sp2] registers holding sp0's secret: 0 FP/SIMD halves, 0 thread registers; VBAR_EL1 0x0",
    );
    // Call chains belong to their owner.
    has(
        &log,
        "[ffa] sp2: FFA_RUN sp1 (Preempted): rule `only the owner of a preempted call chain resumes it`: DENIED",
    );
    has(
        &log,
        "[ffa] sp2: FFA_MSG_SEND_DIRECT_RESP to 0x8001: rule `a response goes to the requester (0x0000), from the responder`: DENIED, nothing delivered",
    );
    has(&log, "[nwd] FFA_INTERRUPT from sp1: FFA_RUN sp1");
    has(
        &log,
        "[ffa] normal world: FFA_RUN sp1: rule `only the owner of a preempted call chain resumes it`: DENIED",
    );

    // Every CPU dispatches; the CPU that wins the compare-and-swap on a
    // partition's state byte is the only one inside its context.
    has(&log, "[smp] 4 CPUs online (PSCI CPU_ON); every CPU dispatches now");
    for cpu in 1..4 {
        has(
            &log,
            &format!("[smp] cpu{cpu} online at EL2 (MPIDR 0x8000000{cpu}): GICv3 redistributor and CPU interface up"),
        );
    }
    let number_after = |line: &str, prefix: &str| -> u32 {
        let at = line.find(prefix).unwrap_or_else(|| panic!("`{prefix}` in `{line}`")) + prefix.len();
        line[at..]
            .trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (mut served, mut busy) = (0, 0);
    for cpu in 0..4 {
        let prefix = format!("[smp] cpu{cpu}: entered and served ");
        let line = log
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no dispatch line for cpu{cpu}"));
        let s = number_after(line, "entered and served");
        assert!(s > 0, "cpu{cpu} entered no partition: {line}");
        served += s;
        busy += number_after(line, "(context owned by another CPU)");
    }
    assert_eq!(served + busy, 4 * 300, "every attempt is served or refused BUSY");
    assert!(busy > 0, "the CPUs contended");
    let mut won = 0;
    for p in ACCEPTED.partitions() {
        let prefix = format!("[smp] {}: ", p.name());
        let line = log
            .lines()
            .find(|l| l.starts_with(&prefix) && l.contains("won by compare-and-swap"))
            .unwrap_or_else(|| panic!("no ownership line for {}", p.name()));
        let w = number_after(line, &prefix);
        assert_eq!(number_after(line, "the partition counted"), w, "{line}");
        assert!(line.ends_with(" served and 0 overlapping"), "{line}");
        won += w;
    }
    assert_eq!(won, served);
    has(&log, "in 1200 attempts: one CPU inside a context at a time");

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
