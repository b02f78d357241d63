//! The EL2 image: boot, banner, the partitions of the accepted
//! configuration, the normal-world driver that sends them FF-A requests
//! (the boot scenario), the SMP race, exit.
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
mod race;
mod sched;
mod vcpu;
pub mod vectors;

use core::sync::atomic::Ordering;

use aarch64_cpu::registers::*;

use hypervisor::layout;
use programs::StateId;
use programs::board::*;

use crate::kprintln;
use fatal::InitError;
use sched::{Answer, PARTITIONS, Runtime};

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
    while race::ONLINE.load(Ordering::Acquire) < boot::MAX_CPUS {
        core::hint::spin_loop();
    }
    Ok(())
}

#[unsafe(no_mangle)]
extern "C" fn secondary_main(cpu: u64) -> ! {
    boot::enable_mmu();
    kprintln!(
        "[smp] cpu{cpu} online at EL{} (MPIDR {:#x}), waiting for the race",
        CurrentEL.get() >> 2,
        MPIDR_EL1.get()
    );
    race::ONLINE.fetch_add(1, Ordering::AcqRel);
    while !race::GO.load(Ordering::Acquire) {
        core::hint::spin_loop();
    }
    race::run(cpu as usize);
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
    init_or_halt(gic::init_cpu0().map_err(InitError::Gic));
    kprintln!(
        "[boot] GICv3 up, CNTHP timer (INTID {}) routed to EL2",
        gic::CNTHP_INTID
    );

    let mut rt = init_or_halt(Runtime::build(EPOCH));
    Runtime::enable_virtualization();

    // Boot every partition: Reset -> Idle when it waits for messages. One
    // that is aborted while booting stays restartable; the others boot.
    let mut boot_aborts = 0;
    for (i, p) in PARTITIONS.iter().enumerate() {
        match rt.boot(i) {
            Answer::Waiting => kprintln!("[boot] {} is up: FFA_MSG_WAIT", p.name),
            Answer::Error(::ffa::Error::Aborted) => {
                boot_aborts += 1;
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
    let mut checks_ok = lifecycle_self_check() && boot_aborts == 0;

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
        nw.expect(SP2, cmd::PANIC, 0, Fails(Aborted));
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
        "[smp] {} CPUs online (PSCI CPU_ON)",
        race::ONLINE.load(Ordering::Acquire)
    );
    // The race: all CPUs, same transition, same state byte.
    kprintln!(
        "[race] {} CPUs x {} rounds: Idle -> Running on {}'s state byte by compare-and-swap",
        boot::MAX_CPUS,
        race::ROUNDS,
        PARTITIONS[race::TARGET].name
    );
    PARTITIONS[race::TARGET].set_quiet(true);
    race::GO.store(true, Ordering::Release);
    race::run(0);
    while race::FINISHED.load(Ordering::Acquire) < boot::MAX_CPUS {
        core::hint::spin_loop();
    }
    PARTITIONS[race::TARGET].set_quiet(false);
    let mut total = 0;
    for cpu in 0..boot::MAX_CPUS {
        let (w, l) = (
            race::WINS[cpu].load(Ordering::Acquire),
            race::LOSSES[cpu].load(Ordering::Acquire),
        );
        total += w;
        kprintln!("[race] cpu{cpu}: won {w:>4}, lost {l:>4}");
    }
    kprintln!(
        "[race] total wins {total} of {} rounds: exactly one winner per round",
        race::ROUNDS
    );
    if total != race::ROUNDS {
        checks_ok = false;
    }

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
    const EXPECTED_ABORTS: u64 = 8;
    if rt.stats.aborts != EXPECTED_ABORTS {
        kprintln!(
            "[check] FAILED: expected {EXPECTED_ABORTS} contained faults, saw {}",
            rt.stats.aborts
        );
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
