//! The EL2 image: boot, banner, the partitions of the accepted
//! configuration, the normal-world driver that sends them FF-A requests
//! (the boot scenario), every CPU dispatching (`smp.rs`), exit.
pub mod arch;
pub mod boot;
pub mod console;
mod context;
mod fatal;
mod faults;
mod ffa_dispatch;
mod gic;
mod load;
mod mmio;
mod nwd;
mod sched;
mod smp;
mod vcpu;
pub mod vectors;
mod vgic;

use core::sync::atomic::Ordering;

use aarch64_cpu::registers::*;

use hypervisor::layout;
use programs::StateId;
use programs::board::*;

use crate::kprintln;
use fatal::InitError;
use sched::{Answer, NUM_SP, PARTITIONS, Runtime};

/// Build time, from the build-time crate.
const BUILD_TIME: &str = build_time::build_time_utc!("%Y-%m-%d %H:%M:%S UTC");
const BUILD_EPOCH: &str = build_time::build_time_utc!("%s");

const fn parse_u64(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut i = 0;
    let mut v = 0u64;
    while i < b.len() {
        assert!(b[i].is_ascii_digit(), "build epoch is decimal");
        v = v * 10 + (b[i] - b'0') as u64;
        i += 1;
    }
    v
}

/// RTC seconds at counter zero: the build time.
const EPOCH: u64 = parse_u64(BUILD_EPOCH);

/// The boot scenario, chosen at build time: `HV_SCENARIO=corrupt-state` or the
/// `fault-corrupt-state` feature make a boot that is meant to fail.
const SCENARIO: &str = match option_env!("HV_SCENARIO") {
    Some(s) => s,
    None => {
        if cfg!(feature = "fault-corrupt-state") {
            "corrupt-state"
        } else {
            "normal"
        }
    }
};

unsafe extern "C" {
    static __image_start: u8;
    static __image_end: u8;
    static __stacks_start: u8;
    static __stacks_end: u8;
}

fn banner() {
    let a = &ACCEPTED;
    let lc = a.lifecycle();
    let b = a.board();
    let legal: u32 = lc.legal().iter().map(|m| m.count_ones()).sum();
    kprintln!("================================================================================");
    kprintln!(" hv: ARM64 EL2 hypervisor (Secure Partitions, stage-2, MMIO trap-and-emulate)");
    kprintln!(" built {BUILD_TIME}  |  scenario: {SCENARIO}");
    kprintln!("--------------------------------------------------------------------------------");
    kprintln!(" accepted configuration for board {}", b.name());
    kprintln!(
        "   RAM {:#x}+{:#x}, devices in {:#x}+{:#x}, hypervisor image {:#x}+{:#x} (never mapped to guests)",
        b.ram_base(),
        b.ram_size(),
        b.device_base(),
        b.device_size(),
        b.image_base(),
        b.image_size()
    );
    kprint_states(lc);
    kprintln!("   lifecycle: {} legal transitions:", legal);
    let n = lc.states().len() as u8;
    for from in 0..n {
        for to in 0..n {
            if lc.allows(from, to) {
                kprintln!("     {} -> {}", lc.name(from), lc.name(to));
            }
        }
    }
    kprintln!("   devices: {}", a.devices().len());
    for d in a.devices() {
        let access = match d.kind().access() {
            programs::KindAccess::Trapped => "trapped",
            programs::KindAccess::Passthrough => "passed through",
        };
        match d.irq() {
            Some(irq) => kprintln!(
                "     {:<6} {:<18} base {:#010x} size {:#09x} irq {:<3} {}",
                d.name(),
                d.kind().name(),
                d.base(),
                d.size(),
                irq,
                access
            ),
            None => kprintln!(
                "     {:<6} {:<18} base {:#010x} size {:#09x} irq -   {}",
                d.name(),
                d.kind().name(),
                d.base(),
                d.size(),
                access
            ),
        }
    }
    kprintln!("================================================================================");
}

fn kprint_states(lc: &programs::LifecycleInfo) {
    crate::kprint!("   lifecycle: {} states [", lc.states().len());
    for (i, s) in lc.states().iter().enumerate() {
        crate::kprint!("{}{}", if i == 0 { "" } else { ", " }, s);
    }
    kprintln!("], initial {}", lc.name(lc.initial()));
}

fn init_or_halt<T>(r: Result<T, InitError>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => fatal::halt(format_args!("init: {e}"), None, fatal::EXIT_INIT),
    }
}

fn start_secondaries() -> Result<(), InitError> {
    let entry = boot::_secondary_entry as *const () as usize as u64;
    for cpu in 1..boot::MAX_CPUS as u64 {
        // QEMU virt: CPU n has MPIDR affinity Aff0 = n (n < 16).
        let r = arch::smc(arch::psci::CPU_ON, cpu, entry, cpu);
        if r != 0 {
            return Err(InitError::CpuOn { cpu, code: r });
        }
    }
    while smp::ONLINE.load(Ordering::Acquire) < boot::MAX_CPUS {
        core::hint::spin_loop();
    }
    Ok(())
}

#[unsafe(no_mangle)]
extern "C" fn secondary_main(cpu: u64) -> ! {
    boot::enable_mmu();
    init_or_halt(gic::init_this_cpu().map_err(InitError::Gic));
    Runtime::enable_virtualization();
    let mut rt = Runtime::new(cpu as u8);
    kprintln!(
        "[smp] cpu{cpu} online at EL{} (MPIDR {:#x}): GICv3 redistributor and CPU interface up, stage 2 on",
        CurrentEL.read(CurrentEL::EL),
        MPIDR_EL1.get()
    );
    smp::ONLINE.fetch_add(1, Ordering::AcqRel);
    while !smp::GO.load(Ordering::Acquire) {
        core::hint::spin_loop();
    }
    smp::run(&mut rt, cpu as usize);
    rt.publish();
    smp::FINISHED.fetch_add(1, Ordering::AcqRel);
    // Done: PSCI CPU_OFF (does not return on success).
    let r = arch::smc(arch::psci::CPU_OFF, 0, 0, 0);
    kprintln!("[smp] cpu{cpu}: CPU_OFF returned {r}; parking");
    loop {
        aarch64_cpu::asm::wfe();
    }
}

/// Tries transitions of the table from states the partition is not in (it
/// is Idle after booting); each must be refused by the compare-and-swap and
/// leave the state unchanged. Transitions the table does not list cannot be
/// tried: they do not compile (`tests/tests/image_build.rs`).
fn lifecycle_self_check() -> bool {
    let lc = ACCEPTED.lifecycle();
    let p = &PARTITIONS[0];
    let before = p.state().raw();
    let mut ok = true;
    for (what, r) in [
        ("Reset -> Idle", p.go::<Reset, Idle>()),
        ("Running -> Idle", p.go::<Running, Idle>()),
        ("Blocked -> Running", p.go::<Blocked, Running>()),
        ("Preempted -> Running", p.go::<Preempted, Running>()),
    ] {
        match r {
            Ok(()) => {
                kprintln!("[check] FAILED: {} {what} was accepted", p.name);
                ok = false;
            }
            Err(e) => kprintln!("[lifecycle] refused: {}", e.report(lc, p.name)),
        }
    }
    if p.state().raw() != before {
        kprintln!("[check] FAILED: a refused transition changed {}'s state", p.name);
        ok = false;
    }
    ok
}

/// The partition named `name` in the accepted configuration (the scenario
/// addresses partitions by name; a renamed one fails the build here).
const fn index_named(name: &str) -> usize {
    match ACCEPTED.partition_named(name) {
        Some(i) => i,
        None => panic!("the boot scenario names a partition the accepted configuration does not have"),
    }
}
const SP0: usize = index_named("sp0");
const SP1: usize = index_named("sp1");
const SP2: usize = index_named("sp2");

/// Every CPU sends OCCUPY requests at once (`smp.rs`); then the partitions
/// are asked how many they served and whether they ever found another CPU
/// inside. The counts must agree: each answered request entered its
/// partition on the CPU that won it, and no entry overlapped another.
fn dispatch_on_every_cpu(rt: &mut Runtime) -> bool {
    kprintln!(
        "[smp] {} CPUs x {} rounds of FFA_MSG_SEND_DIRECT_REQ OCCUPY ({} us inside); even rounds all CPUs ask the same partition",
        boot::MAX_CPUS,
        smp::ROUNDS,
        smp::HOLD_US
    );
    PARTITIONS.iter().for_each(|p| p.set_quiet(true));
    smp::GO.store(true, Ordering::Release);
    smp::run(rt, 0);
    while smp::FINISHED.load(Ordering::Acquire) < boot::MAX_CPUS - 1 {
        core::hint::spin_loop();
    }
    PARTITIONS.iter().for_each(|p| p.set_quiet(false));
    let mut ok = smp::FAILURES.load(Ordering::Acquire) == 0;
    let (mut served, mut busy) = (0, 0);
    for cpu in 0..boot::MAX_CPUS {
        let (s, b, r) = (
            smp::SERVED[cpu].load(Ordering::Acquire),
            smp::BUSY[cpu].load(Ordering::Acquire),
            smp::RESUMED[cpu].load(Ordering::Acquire),
        );
        served += s;
        busy += b;
        kprintln!(
            "[smp] cpu{cpu}: entered and served {s:>4}, refused BUSY (context owned by another CPU) {b:>4}, FFA_RUN after FFA_INTERRUPT {r}"
        );
    }
    for (sp, p) in PARTITIONS.iter().enumerate() {
        let won = smp::WINS[sp].load(Ordering::Acquire);
        // The partition's own count, this request included.
        match rt.direct_req(sp, [partitions::cmd::OCCUPY, 0, 0, 0, 0]) {
            Answer::Resp([0, count, overlaps, ..]) => {
                kprintln!(
                    "[smp] {}: {won} requests won by compare-and-swap; the partition counted {} served and {overlaps} overlapping",
                    p.name,
                    count - 1
                );
                if count - 1 != won as u64 || overlaps != 0 {
                    kprintln!(
                        "[check] FAILED: {}: rule `only the CPU that wins the compare-and-swap enters the context`",
                        p.name
                    );
                    ok = false;
                }
            }
            other => {
                kprintln!("[check] FAILED: {}: OCCUPY count answered {other:?}", p.name);
                ok = false;
            }
        }
    }
    kprintln!(
        "[smp] {served} requests served, {busy} refused BUSY, in {} attempts: one CPU inside a context at a time",
        boot::MAX_CPUS as u32 * smp::ROUNDS
    );
    if served + busy != boot::MAX_CPUS as u32 * smp::ROUNDS || busy == 0 {
        kprintln!("[check] FAILED: the CPUs did not contend (every attempt is served or BUSY; some must be BUSY)");
        ok = false;
    }
    ok
}

/// Direct requests timed for the round-trip benchmark.
const ROUND_TRIPS: u64 = 1000;

#[unsafe(no_mangle)]
extern "C" fn primary_main(_x0: u64) -> ! {
    boot::enable_mmu();
    hypervisor::log::set_sink(console::log_sink);
    banner();
    let (start, end) = (&raw const __image_start as u64, &raw const __image_end as u64);
    init_or_halt(layout::check_image(ACCEPTED.board(), start, end).map_err(InitError::Layout));
    let stacks = &raw const __stacks_end as u64 - &raw const __stacks_start as u64;
    let expected = (boot::STACK_SIZE * boot::MAX_CPUS) as u64;
    if stacks != expected {
        init_or_halt::<()>(Err(InitError::Link {
            what: "per-CPU stacks (STACK_SIZE * MAX_CPUS)",
            linked: stacks,
            expected,
        }));
    }
    kprintln!(
        "[boot] cpu0 at EL{}, image {:#x}..{:#x}, CNTFRQ {} Hz, RTC epoch {} (build time)",
        CurrentEL.read(CurrentEL::EL),
        start,
        end,
        CNTFRQ_EL0.get(),
        EPOCH
    );
    if SCENARIO != "normal" && SCENARIO != "corrupt-state" {
        init_or_halt::<()>(Err(InitError::Scenario(SCENARIO)));
    }
    init_or_halt(gic::init_distributor().map_err(InitError::Gic));
    init_or_halt(gic::init_this_cpu().map_err(InitError::Gic));
    kprintln!(
        "[boot] GICv3 up, CNTHP timer (INTID {}) routed to EL2",
        gic::CNTHP_INTID
    );

    init_or_halt(Runtime::load_all(EPOCH));
    Runtime::enable_virtualization();
    let mut rt = Runtime::new(0);

    // Boot every partition: Reset -> Idle when it waits for messages. One
    // that is aborted while booting stays restartable; the others boot.
    let mut boot_aborts = [false; NUM_SP];
    for (i, p) in PARTITIONS.iter().enumerate() {
        match rt.boot(i) {
            Answer::Waiting => kprintln!("[boot] {} is up: FFA_MSG_WAIT", p.name),
            Answer::Error(::ffa::Error::Aborted) => {
                boot_aborts[i] = true;
                kprintln!("[boot] {} was aborted while booting; the other partitions boot", p.name)
            }
            other => fatal::halt(
                format_args!(
                    "{}: rule `a partition boots and waits for messages`: its boot ended with {other:?}",
                    p.name
                ),
                Some(&rt),
                fatal::EXIT_INIT,
            ),
        }
    }
    // The hostile sp2 faults while booting (a cold boot); the others boot.
    let mut checks_ok = lifecycle_self_check();
    for (i, &aborted) in boot_aborts.iter().enumerate() {
        if aborted != (i == SP2) {
            kprintln!(
                "[check] FAILED: {} {} while booting",
                PARTITIONS[i].name,
                if aborted { "was aborted" } else { "was not aborted" }
            );
            checks_ok = false;
        }
    }

    if SCENARIO == "corrupt-state" {
        let p = &PARTITIONS[SP1];
        kprintln!(
            "[scenario] corrupt-state: overwriting {}'s lifecycle byte at {:#x} with 0xa5 (a stray write)",
            p.name,
            p.state().as_ptr() as usize
        );
        // SAFETY: the pointer is the partition's own AtomicU8; a volatile byte
        // store through it is a valid (if deliberately wrong) write of a u8.
        unsafe { core::ptr::write_volatile(p.state().as_ptr(), 0xA5) };
    }

    {
        use ::ffa::Error::{Aborted, Denied};
        use nwd::Expect::{Done, Fails, Word};
        use partitions::cmd;
        let mut nw = nwd::NormalWorld::new(&mut rt);
        // Direct requests; sp0 reports through its devices.
        nw.expect(SP0, cmd::HELLO, 0, Done);
        // Long enough for the 20 ms slice to expire: FFA_INTERRUPT, FFA_RUN.
        let before = nw.resumed;
        nw.expect(SP0, cmd::SPIN, 80, Done);
        let spins = nw.resumed - before;
        nw.check(
            spins >= 2,
            format_args!("SPIN 80 ms was resumed {spins} times, expected at least 2"),
        );
        // sp0 calls sp1 and waits: Running -> Blocked, answered: Blocked -> Running.
        nw.expect(SP0, cmd::CALL, 5, Word(1, 15));
        // A long call (6 slices): sp1 is preempted while sp0 waits (the chain:
        // Blocked -> Preempted); sp0 gets FFA_INTERRUPT and runs sp1 again.
        if let Some(p) = nw.expect(SP0, cmd::CALL, 120, Word(1, 7260)) {
            nw.check(
                p[2] >= 2,
                format_args!("sp0 resumed sp1 {} times in CALL 120, expected at least 2", p[2]),
            );
        }
        // Virtual interrupts: sp1's own virtual timer, 5 times; sp0's GPIO
        // interrupt, routed to it by the configuration (hardware-mapped).
        nw.expect(SP1, cmd::TICKS, 5, Word(1, 5));
        nw.expect(SP0, cmd::GPIO_IRQ, 0, Word(1, 1));
        // The hostile partition: each fault contained, the others keep serving.
        nw.expect(SP2, cmd::GIC_PROBE, 0, Done);
        nw.expect(SP2, cmd::UNKNOWN_REG, 0, Word(1, 0));
        nw.expect(SP2, cmd::WIDE_ACCESS, 0, Fails(Aborted));
        nw.expect(SP0, cmd::HELLO, 0, Done);
        nw.expect(SP2, cmd::HYP_MEMORY, 0, Fails(Aborted));
        nw.expect(SP2, cmd::UNMAPPED, 0, Fails(Aborted));
        nw.expect(SP2, cmd::OTHER_RAM, 0, Fails(Aborted));
        nw.expect(SP2, cmd::WRITE_CODE, 0, Fails(Aborted));
        nw.expect(SP2, cmd::UNDEFINED, 0, Fails(Aborted));
        nw.expect(SP2, cmd::SEND_SGI, 0, Fails(Aborted));
        nw.expect(SP2, cmd::PANIC, 0, Fails(Aborted));
        // A caller that faults with its callee preempted: the callee, whose
        // chain nobody else may resume, is aborted with it and serves again.
        nw.expect(SP2, cmd::ABANDON_CALL, 0, Fails(Aborted));
        nw.expect(SP1, cmd::WORK, 3, Word(1, 6));
        // FF-A abuse: buffers in memory it does not own (the partition
        // manager would write there), requests in another's name, firmware.
        nw.expect(SP2, cmd::FOREIGN_BUFFERS, 0, Word(1, 0));
        nw.expect(
            SP2,
            cmd::FORGED_SENDER,
            0,
            Word(1, ::ffa::Error::InvalidParameters.code()),
        );
        nw.expect(SP2, cmd::FIRMWARE_OFF, 0, Word(1, ::ffa::SMCCC_NOT_SUPPORTED));
        // Registers do not leak: sp0 leaves a secret in FP/SIMD and thread
        // registers; sp2, run next on the same CPU, finds none of it.
        nw.expect(SP0, cmd::MARK_SECRETS, 0, Done);
        nw.expect(SP2, cmd::READ_SECRETS, 0, Word(1, 0));
        nw.expect(SP2, cmd::READ_SECRETS, 0, Word(2, 0));
        // Call chains belong to their owner: sp1 preempted in the normal
        // world's request; sp2 may neither run it nor answer for it.
        kprintln!("[nwd] FFA_MSG_SEND_DIRECT_REQ to sp1: WORK (arg 200), left preempted");
        let a = nw.rt.direct_req(SP1, [cmd::WORK, 200, 0, 0, 0]);
        nw.check(
            a == Answer::Interrupted,
            format_args!("WORK 200 should be preempted first, got {a:?}"),
        );
        nw.expect(SP2, cmd::BAD_RUN, 0, Word(1, Denied.code()));
        nw.expect(SP2, cmd::BAD_RESP, 0, Word(1, Denied.code()));
        let r = nw.finish(SP1, a);
        nw.check(
            r.map(|p| p[1]) == Ok(20_100),
            format_args!("sp1's WORK 200, resumed by its owner, answered {r:?}"),
        );
        let denied = nw.rt.ffa_run(SP1);
        nw.check(
            denied == Answer::Error(Denied),
            format_args!("FFA_RUN of an idle partition answered {denied:?}"),
        );
        // A partition that never answers: preempted each slice, then aborted
        // by the watchdog; it restarts at its entry for the next request.
        nw.expect(SP2, cmd::SPIN_FOREVER, 0, Fails(Aborted));
        nw.expect(SP2, cmd::HELLO, 0, Done);
        nw.expect(SP1, cmd::WORK, 1, Word(1, 1));
        // The cost of a direct request round trip (normal world -> sp1 -> normal world).
        // Quiet: the handlers count but do not print (printing is most of the cost).
        PARTITIONS[SP1].set_quiet(true);
        let t0 = CNTPCT_EL0.get();
        let mut fine = true;
        for _ in 0..ROUND_TRIPS {
            fine &= nw.rt.direct_req(SP1, [cmd::HELLO, 0, 0, 0, 0]) == Answer::Resp([0; 5]);
        }
        let ticks = CNTPCT_EL0.get() - t0;
        PARTITIONS[SP1].set_quiet(false);
        nw.check(fine, format_args!("a timed round trip was not answered"));
        let freq = CNTFRQ_EL0.get();
        kprintln!(
            "[bench] FFA_MSG_SEND_DIRECT_REQ/RESP round trip, normal world -> sp1 -> normal world: {} ns ({} counter ticks at {} Hz per pair, {} pairs; QEMU TCG time)",
            ticks * 1_000_000_000 / freq / ROUND_TRIPS,
            ticks / ROUND_TRIPS,
            freq,
            ROUND_TRIPS
        );
        checks_ok &= nw.ok;
    }

    // Secondary CPUs come up now (not earlier: spinning vCPUs would steal host
    // time from the timed scheduler demo above).
    init_or_halt(start_secondaries());
    kprintln!(
        "[smp] {} CPUs online (PSCI CPU_ON); every CPU dispatches now",
        smp::ONLINE.load(Ordering::Acquire)
    );
    checks_ok &= dispatch_on_every_cpu(&mut rt);
    rt.publish();

    rt.summary();
    let lc = ACCEPTED.lifecycle();
    let n = lc.states().len() as u8;
    for from in 0..n {
        for to in 0..n {
            if lc.allows(from, to) && PARTITIONS.iter().all(|p| p.count(from, to) == 0) {
                kprintln!(
                    "[check] FAILED: transition {} -> {} never happened",
                    lc.name(from),
                    lc.name(to)
                );
                checks_ok = false;
            }
        }
    }
    // sp2's boot, its 10 faulting requests, and sp1 aborted as its callee.
    const EXPECTED_ABORTS: u64 = 12;
    let aborts = sched::TOTALS.lock().aborts;
    if aborts != EXPECTED_ABORTS {
        kprintln!("[check] FAILED: expected {EXPECTED_ABORTS} contained faults, saw {aborts}");
        checks_ok = false;
    }
    if PARTITIONS.iter().any(|p| p.current() != Ok(Idle::ID)) {
        kprintln!("[check] FAILED: a partition is not Idle at the end");
        checks_ok = false;
    }
    if !checks_ok {
        fatal::halt(
            format_args!("end of run: rule `every check passes`: some checks failed (see [check] lines)"),
            Some(&rt),
            fatal::EXIT_CHECKS,
        );
    }
    kprintln!("[done] all checks passed; PSCI SYSTEM_OFF");
    arch::system_off()
}
