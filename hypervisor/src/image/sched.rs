//! Partitions at run time: loading, stage-2, the CPU-0 scheduler that drives
//! the lifecycle from real events (boot, direct requests, calls, the CNTHP
//! timer), MMIO trap-and-emulate, and fault containment.
use core::cell::UnsafeCell;
use core::fmt;

use aarch64_cpu::registers::*;

use hypervisor::devices::{Access, DevError, Device, DeviceMap, Env, Outcome};
use hypervisor::esr::{DataAbort, Exit, FaultStatus, MmioAccess};
use hypervisor::layout::{self, SpLayout};
use hypervisor::lifecycle::TransitionError;
use hypervisor::linebuf::LineBuf;
use hypervisor::sp::{BoardState, Partition};
use hypervisor::stage2::{self, MemType, Perm, Stage2, Table};
use programs::board::*;
use programs::{KindAccess, MemoryAccess, StateId};

use super::arch;
use super::fatal;
use super::gic::CNTHP_INTID;
use super::payloads::{abi, payloads};
use super::vectors::{ExitKind, GuestRegs, run_guest};
use crate::kprintln;

/// The partitions of the accepted configuration (`programs::board::VirtPartitions`).
pub const NUM_SP: usize = ACCEPTED.partitions().len();

/// The partitions (lifecycle state + handler context), shared by all CPUs,
/// one per partition of the accepted configuration, in its order.
pub static PARTITIONS: [Partition; NUM_SP] = {
    let mut ps = [const { Partition::new(0, "") }; NUM_SP];
    let mut i = 0;
    while i < NUM_SP {
        ps[i] = Partition::new(i as u8, ACCEPTED.partitions()[i].name());
        i += 1;
    }
    ps
};

/// Most devices any partition is given: the capacity of a vCPU's device map.
const MAX_GRANTS: usize = {
    let (parts, mut max, mut i) = (ACCEPTED.partitions(), 0, 0);
    while i < parts.len() {
        if parts[i].grants().len() > max {
            max = parts[i].grants().len();
        }
        i += 1;
    }
    max
};

// The payloads' boot ABI hands each partition one device address per kind
// (x22..x25, `payloads.rs`), and every partition's memory must be one range
// from its code region up (`layout::of`): both hold for the accepted
// configuration, or the image does not build, naming the partition.
const _: () = {
    use programs::__private::typevm::message::Message;
    let (parts, devices) = (ACCEPTED.partitions(), ACCEPTED.devices());
    let mut i = 0;
    while i < parts.len() {
        let grants = parts[i].grants();
        let mut a = 0;
        while a < grants.len() {
            let mut b = a + 1;
            while b < grants.len() {
                let (x, y) = (&devices[grants[a].device()], &devices[grants[b].device()]);
                if x.kind().is(y.kind()) && matches!(x.kind().access(), KindAccess::Trapped) {
                    let mut m = Message::new();
                    m.push_str("partition `");
                    m.push_str(parts[i].name());
                    m.push_str("` is given `");
                    m.push_str(x.name());
                    m.push_str("` and `");
                    m.push_str(y.name());
                    m.push_str("`, both ");
                    m.push_str(x.kind().name());
                    m.push_str(": the payloads' boot ABI passes one device address per kind (x22..x25)");
                    panic!("{}", m.as_str());
                }
                b += 1;
            }
            a += 1;
        }
        if layout::of(&parts[i]).is_err() {
            let mut m = Message::new();
            m.push_str("partition `");
            m.push_str(parts[i].name());
            m.push_str("`: the payload loader needs its memory as one range: its one `rx` region first (the program), the other regions contiguous after it");
            panic!("{}", m.as_str());
        }
        i += 1;
    }
};

/// Stage-2 tables per partition: the root and what its memory regions and
/// passed-through devices can need (`stage2::tables_for`), for the
/// partition that needs most.
const TABLES_PER_SP: usize = {
    let (parts, devices) = (ACCEPTED.partitions(), ACCEPTED.devices());
    let (mut max, mut i) = (0, 0);
    while i < parts.len() {
        let mut n = 1;
        let regions = parts[i].regions();
        let mut r = 0;
        while r < regions.len() {
            n += stage2::tables_for(regions[r].base(), regions[r].size());
            r += 1;
        }
        let grants = parts[i].grants();
        let mut g = 0;
        while g < grants.len() {
            let d = &devices[grants[g].device()];
            if matches!(d.kind().access(), KindAccess::Passthrough) {
                n += stage2::tables_for(d.base(), d.size());
            }
            g += 1;
        }
        if n > max {
            max = n;
        }
        i += 1;
    }
    max
};

struct Pools(UnsafeCell<[[Table; TABLES_PER_SP]; NUM_SP]>);
// SAFETY: the pools are written only by CPU 0 while building partitions (before
// any guest runs or other CPU starts); afterwards only the MMU reads them.
unsafe impl Sync for Pools {}
static POOLS: Pools = Pools(UnsafeCell::new([[Table::EMPTY; TABLES_PER_SP]; NUM_SP]));

/// Time slice before the EL2 timer preempts a partition.
const SLICE_MS: u64 = 20;

/// PSTATE for guest entry: EL1h, DAIF masked.
const SPSR_EL1H: u64 = 0x3C5;

/// HCR_EL2 while partitions run: VM (stage 2), SWIO, FMO/IMO/AMO (physical
/// interrupts to EL2), TSC (trap SMC), TVM (trap EL1 MMU register writes), RW.
const HCR_GUEST: u64 = (1 << 0) | (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 19) | (1 << 26) | (1 << 31);

pub struct Vcpu {
    pub regs: GuestRegs,
    pub layout: SpLayout,
    pub vttbr: u64,
    pub devices: DeviceMap<MAX_GRANTS>,
    line: LineBuf,
    boot_regs: [(usize, u64); 6],
    pub faults: u32,
    pub mmio_exits: u64,
}

impl Vcpu {
    fn reset(&mut self, warm: bool) {
        self.regs = GuestRegs::default();
        for &(r, v) in &self.boot_regs {
            self.regs.x[r] = v;
        }
        self.regs.sp_el1 = self.layout.stack_top();
        self.regs.elr = self.layout.ram_base + if warm { 4 } else { 0 };
        self.regs.spsr = SPSR_EL1H;
    }

    fn set_reg(&mut self, reg: u8, v: u64) {
        if reg < 31 {
            self.regs.x[reg as usize] = v;
        }
    }

    fn reg(&self, reg: u8) -> u64 {
        if reg < 31 { self.regs.x[reg as usize] } else { 0 }
    }
}

/// What the scheduler does after an exit.
enum Step {
    /// Enter this partition next.
    Resume(usize),
    /// The top-level request was answered with this value.
    Finished(u64),
    /// The partition serving the top-level request was stopped by a fault.
    Stopped,
}

/// Why a top-level request did not produce an answer.
#[derive(Debug, PartialEq, Eq)]
pub enum ReqError {
    Refused,
    Stopped,
}

pub struct Runtime {
    pub vcpus: [Vcpu; NUM_SP],
    chain: [usize; NUM_SP],
    depth: usize,
    loaded_vttbr: u64,
    pub current: Option<usize>,
    slice_ticks: u64,
    pub stats: Stats,
}

#[derive(Default, Debug)]
pub struct Stats {
    pub exits: u64,
    pub hvc: u64,
    pub mmio: u64,
    pub irq: u64,
    pub preemptions: u64,
    pub refused: u64,
    pub unknown_regs: u64,
}

/// The passed-through devices of a partition, for its `[load]` line.
struct Passed<'a>(&'a [Option<&'static programs::DeviceInfo>]);
impl fmt::Display for Passed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0.iter().flatten() {
            write!(f, "; passed through: {}@{:#x} (device memory)", d.name(), d.base())?;
        }
        Ok(())
    }
}

fn names_of(devices: &DeviceMap<MAX_GRANTS>) -> impl fmt::Display + '_ {
    struct N<'a>(&'a DeviceMap<MAX_GRANTS>);
    impl fmt::Display for N<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            for (i, s) in self.0.iter().enumerate() {
                write!(
                    f,
                    "{}{}@{:#x}",
                    if i == 0 { "" } else { " " },
                    s.info.name(),
                    s.info.base()
                )?;
            }
            Ok(())
        }
    }
    N(devices)
}

fn sname(id: u8) -> &'static str {
    ACCEPTED.lifecycle().name(id)
}

impl Runtime {
    /// Load every partition: RAM, payload, stage-2, device map, vCPU.
    pub fn build(epoch: u64) -> Result<Runtime, fatal::InitError> {
        let board = ACCEPTED.board();
        let reserved = [layout::reserved(board)];
        let loads = payloads();
        let build_one = |i: usize| -> Result<Vcpu, fatal::InitError> {
            let p = &PARTITIONS[i];
            let config = &ACCEPTED.partitions()[i];
            let l = layout::of(config).map_err(fatal::InitError::Layout)?;
            let payload = &loads[super::payloads::PROGRAM_OF[i]];
            debug_assert_eq!(payload.name, p.name);
            let len = payload.end as u64 - payload.start as u64;
            if len > l.code_size {
                return Err(fatal::InitError::PayloadTooBig {
                    name: p.name,
                    len,
                    max: l.code_size,
                });
            }
            // SAFETY: the partition's RAM `l.ram_base..+ram_size` (its accepted
            // regions) lies in board RAM outside the image and every other
            // partition's memory (the checks `MemoryPlaced`, `MemoryDisjoint`),
            // is identity-mapped Normal
            // memory at EL2, and nothing else uses it; the payload bytes are
            // `len` readable bytes of the image.
            unsafe {
                core::ptr::write_bytes(l.ram_base as *mut u8, 0, l.ram_size as usize);
                core::ptr::copy_nonoverlapping(payload.start, l.ram_base as *mut u8, len as usize);
            }
            arch::sync_code(l.ram_base, l.ram_size);
            // SAFETY: only CPU 0 runs this, before any guest or secondary CPU
            // runs, and each partition takes its own pool `i` exactly once.
            let pool = unsafe { &mut (*POOLS.0.get())[i] };
            let mut s2 = Stage2::new(pool, &reserved).map_err(|e| fatal::InitError::Stage2 { name: p.name, err: e })?;
            let map = |s2: &mut Stage2<'_>, ipa, size, perm| {
                s2.map(ipa, ipa, size, perm, MemType::Normal)
                    .map_err(|e| fatal::InitError::Stage2 { name: p.name, err: e })
            };
            for r in config.regions() {
                let perm = match r.access() {
                    MemoryAccess::Read => Perm::ReadOnly,
                    MemoryAccess::ReadWrite => Perm::ReadWrite,
                    MemoryAccess::ReadExec => Perm::ReadExec,
                };
                map(&mut s2, r.base(), r.size(), perm)?;
            }
            // Passed-through devices: mapped as Device memory into the one
            // partition given them (`PassthroughGrantsExclusive`,
            // `ExclusiveGrantsOnce`), whole pages that share none with
            // another window (`WindowsAligned`, `SharedPagesTrapped`).
            let mut passed = [None; MAX_GRANTS];
            for (k, g) in config.grants().iter().enumerate() {
                let d = &ACCEPTED.devices()[g.device()];
                if matches!(d.kind().access(), KindAccess::Passthrough) {
                    s2.map(d.base(), d.base(), d.size(), Perm::ReadWrite, MemType::Device)
                        .map_err(|e| fatal::InitError::Stage2 { name: p.name, err: e })?;
                    passed[k] = Some(d);
                }
            }
            let vttbr = s2.vttbr(i as u8 + 1);
            let tables = s2.tables_used();
            let devices = DeviceMap::<MAX_GRANTS>::build_granted(ACCEPTED.devices(), config, epoch)
                .map_err(|e| fatal::InitError::Devices { name: p.name, err: e })?;
            let first_passed = passed.iter().flatten().next().map_or(0, |d| d.base());
            let mut boot_regs = [(22, 0), (23, 0), (24, 0), (25, 0), (26, i as u64), (27, first_passed)];
            for s in devices.iter() {
                let r = match s.dev {
                    Device::Pl011(_) => 0,
                    Device::Pl031(_) => 1,
                    Device::GicDistributor(_) => 2,
                    Device::GicRedistributor(_) => 3,
                };
                boot_regs[r].1 = s.info.base();
            }
            kprintln!(
                "[load] {}: RAM {:#x}..{:#x} (code {:#x} bytes, read+exec; rest read+write), stage-2 root {:#x} VMID {} ({} tables), devices: {}{}",
                p.name,
                l.ram_base,
                l.stack_top(),
                len,
                vttbr & 0xFFFF_FFFF_FFFF,
                i + 1,
                tables,
                names_of(&devices),
                Passed(&passed)
            );
            let mut v = Vcpu {
                regs: GuestRegs::default(),
                layout: l,
                vttbr,
                devices,
                line: LineBuf::new(),
                boot_regs,
                faults: 0,
                mmio_exits: 0,
            };
            v.reset(false);
            Ok(v)
        };
        let mut built = [const { None }; NUM_SP];
        for (i, v) in built.iter_mut().enumerate() {
            *v = Some(build_one(i)?);
        }
        let vcpus = built.map(|v| v.expect("every partition was built above"));
        arch::tlbi_all_el1();
        let freq = CNTFRQ_EL0.get();
        Ok(Runtime {
            vcpus,
            chain: [0; NUM_SP],
            depth: 0,
            loaded_vttbr: 0,
            current: None,
            slice_ticks: freq / 1000 * SLICE_MS,
            stats: Stats::default(),
        })
    }

    /// Configure EL2 for running partitions (each CPU that runs guests).
    pub fn enable_virtualization() {
        VTCR_EL2.set(hypervisor::stage2::VTCR_EL2);
        // EL1 may read the physical counter; CNTVOFF = 0 so virtual == physical.
        CNTHCTL_EL2.set(0b11);
        CNTVOFF_EL2.set(0);
        VPIDR_EL2_set(MIDR_EL1.get());
        VMPIDR_EL2.set(1 << 31);
        // EL1 starts with its MMU off.
        SCTLR_EL1.set(0x30D0_0800);
        HCR_EL2.set(HCR_GUEST);
        aarch64_cpu::asm::barrier::isb(aarch64_cpu::asm::barrier::SY);
    }

    fn p(&self, i: usize) -> &'static Partition {
        &PARTITIONS[i]
    }

    /// A lifecycle transition the partition asked for (a request, a call, a
    /// DONE). It compiles only if the accepted table lists `F -> T`. At run
    /// time a corrupt state byte halts the machine here; a partition that is
    /// not in `F` now is refused, counted, reported and returned, and the
    /// caller answers the partition accordingly.
    fn lc<F: BoardState, T: BoardState>(&mut self, i: usize) -> Result<(), TransitionError>
    where
        Lifecycle: programs::Lists<F, T>,
    {
        match self.p(i).go::<F, T>() {
            Ok(()) => Ok(()),
            Err(e) if e.is_fatal() => fatal::halt(
                format_args!("{}", e.report(ACCEPTED.lifecycle(), self.p(i).name)),
                Some(self),
                fatal::EXIT_CORRUPT_STATE,
            ),
            Err(e) => {
                self.stats.refused += 1;
                kprintln!(
                    "[lifecycle] refused: {}",
                    e.report(ACCEPTED.lifecycle(), self.p(i).name)
                );
                Err(e)
            }
        }
    }

    /// A transition the scheduler's own bookkeeping implies (a blocked
    /// caller woken, a chain preempted or resumed): the scheduler put the
    /// partition in `F` itself, so a refusal means its view and the state
    /// byte disagree. That is corrupt hypervisor state: halt with the report.
    fn settle<F: BoardState, T: BoardState>(&mut self, i: usize)
    where
        Lifecycle: programs::Lists<F, T>,
    {
        if let Err(e) = self.p(i).go::<F, T>() {
            fatal::halt(
                format_args!(
                    "{}: rule `the scheduler moves a partition from the state it put it in`",
                    e.report(ACCEPTED.lifecycle(), self.p(i).name)
                ),
                Some(self),
                fatal::EXIT_CORRUPT_STATE,
            )
        }
    }

    /// Every state byte must be a state of the table (checked on each exit).
    fn audit(&mut self) {
        for i in 0..NUM_SP {
            if let Err(e) = self.p(i).current() {
                fatal::halt(
                    format_args!("{}", e.report(ACCEPTED.lifecycle(), self.p(i).name)),
                    Some(self),
                    fatal::EXIT_CORRUPT_STATE,
                )
            }
        }
    }

    fn arm_slice(&self) {
        arch::set_cnthp_cval(CNTPCT_EL0.get() + self.slice_ticks);
        CNTHP_CTL_EL2.set(1);
    }

    fn disarm() {
        CNTHP_CTL_EL2.set(0);
    }

    fn enter(&mut self, i: usize) -> u64 {
        let v = &mut self.vcpus[i];
        if self.loaded_vttbr != v.vttbr {
            VTTBR_EL2.set(v.vttbr);
            aarch64_cpu::asm::barrier::isb(aarch64_cpu::asm::barrier::SY);
            self.loaded_vttbr = v.vttbr;
        }
        self.current = Some(i);
        // SAFETY: `regs` is this partition's complete vCPU context: PC and SP
        // point into its own RAM, which its stage-2 tables (now in VTTBR_EL2)
        // map; SPSR selects EL1h with interrupts masked; HCR_EL2 routes every
        // exception and interrupt of the guest to EL2, so `run_guest` returns
        // here with the context saved back.
        unsafe { run_guest(&mut v.regs) }
    }

    /// Boot partition `i`: run it from its entry in state Reset until it
    /// reports ready (Reset -> Idle).
    pub fn boot(&mut self, i: usize) -> Result<(), ReqError> {
        kprintln!("[sched] booting {} at {:#x}", self.p(i).name, self.vcpus[i].regs.elr);
        self.run(i).map(|_| ())
    }

    /// A direct request from the hypervisor's scheduler: Idle -> Running, run
    /// (with whatever calls and preemptions follow) until answered.
    pub fn request(&mut self, i: usize, cmd: u64, arg: u64) -> Result<u64, ReqError> {
        kprintln!(
            "[sched] direct request to {}: {} (arg {})",
            self.p(i).name,
            cmd_name(cmd),
            arg
        );
        if self.lc::<Idle, Running>(i).is_err() {
            return Err(ReqError::Refused);
        }
        let v = &mut self.vcpus[i];
        v.regs.x[0] = abi::REQUEST;
        v.regs.x[1] = cmd;
        v.regs.x[2] = arg;
        let r = self.run(i);
        match &r {
            Ok(v) => kprintln!("[sched] {} answered {:#x}", self.p(i).name, v),
            Err(e) => kprintln!("[sched] request to {} ended: {:?}", self.p(i).name, e),
        }
        r
    }

    fn run(&mut self, first: usize) -> Result<u64, ReqError> {
        self.depth = 0;
        let mut cur = first;
        self.arm_slice();
        loop {
            self.current = Some(cur);
            self.audit();
            let code = self.enter(cur);
            self.stats.exits += 1;
            let step = match ExitKind::from_code(code) {
                ExitKind::Sync => {
                    let (esr, far, hpfar) = (ESR_EL2.get(), FAR_EL2.get(), HPFAR_EL2.get());
                    self.sync_exit(cur, Exit::decode(esr, far, hpfar))
                }
                ExitKind::Irq => self.irq(cur),
                ExitKind::Fiq => self.stop(
                    cur,
                    format_args!("FIQ taken from the partition: rule `partitions raise no FIQs`"),
                ),
                ExitKind::SError => self.stop(
                    cur,
                    format_args!("SError from the partition: rule `no asynchronous external aborts`"),
                ),
                ExitKind::Aarch32 { code } => self.stop(
                    cur,
                    format_args!("exception #{code} from AArch32: rule `partitions run AArch64 only`"),
                ),
            };
            match step {
                Step::Resume(next) => cur = next,
                Step::Finished(v) => {
                    Self::disarm();
                    self.current = None;
                    return Ok(v);
                }
                Step::Stopped => {
                    Self::disarm();
                    self.current = None;
                    return Err(ReqError::Stopped);
                }
            }
        }
    }

    fn sync_exit(&mut self, cur: usize, exit: Exit) -> Step {
        match exit {
            Exit::Hvc { imm } => {
                self.stats.hvc += 1;
                self.hvc(cur, imm)
            }
            Exit::DataAbort(d) => self.data_abort(cur, d),
            Exit::InstructionAbort { ipa, far: _, fault } => self.stop(
                cur,
                format_args!("instruction fetch at IPA {ipa:#x}: rule `partitions execute only their own code`: {fault}"),
            ),
            Exit::Smc { imm } => {
                // Trapped SMC: ELR points at the smc itself. Answer NOT_SUPPORTED.
                kprintln!("[trap] {}: smc #{imm} from EL1: rule `partitions have no firmware access`: answered NOT_SUPPORTED", self.p(cur).name);
                let v = &mut self.vcpus[cur];
                v.regs.x[0] = -1i64 as u64;
                v.regs.elr += 4;
                Step::Resume(cur)
            }
            Exit::SysReg { iss } => self.stop(
                cur,
                format_args!("system register write (ISS {iss:#x}): rule `EL1 translation controls belong to the hypervisor (HCR_EL2.TVM)`"),
            ),
            Exit::Wfx => {
                self.vcpus[cur].regs.elr += 4;
                Step::Resume(cur)
            }
            Exit::Other { ec, iss } => {
                self.stop(cur, format_args!("exception class {ec:#04x} (ISS {iss:#x}): rule `only hvc, MMIO and known traps`"))
            }
        }
    }

    fn hvc(&mut self, cur: usize, imm: u16) -> Step {
        let f = self.vcpus[cur].regs.x[0];
        let (a1, a2) = (self.vcpus[cur].regs.x[1], self.vcpus[cur].regs.x[2]);
        if imm != 0 {
            self.vcpus[cur].regs.x[0] = abi::UNKNOWN;
            kprintln!(
                "[hvc] {}: hvc #{imm}: rule `the hypervisor call is hvc #0`: answered UNKNOWN",
                self.p(cur).name
            );
            return Step::Resume(cur);
        }
        match f {
            abi::DONE => {
                self.flush_line(cur);
                let state = match self.p(cur).current() {
                    Ok(s) => s,
                    Err(e) => fatal::halt(
                        format_args!("{}", e.report(ACCEPTED.lifecycle(), self.p(cur).name)),
                        Some(self),
                        fatal::EXIT_CORRUPT_STATE,
                    ),
                };
                let ok = if state == Reset::ID {
                    self.lc::<Reset, Idle>(cur)
                } else {
                    self.lc::<Running, Idle>(cur)
                };
                if ok.is_err() {
                    // DONE from a state that cannot become Idle: refuse, keep running it.
                    self.vcpus[cur].regs.x[0] = abi::DENIED;
                    return Step::Resume(cur);
                }
                self.answer_caller(a1, abi::OK)
            }
            abi::CALL | abi::RUN => {
                let target = a1 as usize;
                let what = if f == abi::CALL { "CALL" } else { "RUN" };
                if target >= NUM_SP || target == cur {
                    kprintln!(
                        "[hvc] {}: {what} {a1}: rule `the target is another partition`: no partition {a1} to call; DENIED",
                        self.p(cur).name
                    );
                    self.vcpus[cur].regs.x[0] = abi::DENIED;
                    return Step::Resume(cur);
                }
                if self.lc::<Running, Blocked>(cur).is_err() {
                    self.vcpus[cur].regs.x[0] = abi::DENIED;
                    return Step::Resume(cur);
                }
                let started = if f == abi::CALL {
                    self.lc::<Idle, Running>(target)
                } else {
                    self.lc::<Preempted, Running>(target)
                };
                match started {
                    Ok(()) => {
                        kprintln!(
                            "[sched] {} -> {}: {what} (caller blocked until answered)",
                            self.p(cur).name,
                            self.p(target).name
                        );
                        self.chain[self.depth] = cur;
                        self.depth += 1;
                        if f == abi::CALL {
                            let t = &mut self.vcpus[target];
                            t.regs.x[0] = abi::REQUEST;
                            t.regs.x[1] = abi::CMD_WORK;
                            t.regs.x[2] = a2;
                        }
                        Step::Resume(target)
                    }
                    Err(_) => {
                        // Undo the caller's block; the call is answered DENIED.
                        self.settle::<Blocked, Running>(cur);
                        self.vcpus[cur].regs.x[0] = abi::DENIED;
                        kprintln!("[hvc] {}: {what} {}: DENIED", self.p(cur).name, self.p(target).name);
                        Step::Resume(cur)
                    }
                }
            }
            other => {
                kprintln!(
                    "[hvc] {}: function {other:#x}: rule `functions are DONE, CALL, RUN`: answered UNKNOWN",
                    self.p(cur).name
                );
                self.vcpus[cur].regs.x[0] = abi::UNKNOWN;
                Step::Resume(cur)
            }
        }
    }

    /// The current partition finished (answered or stopped): wake its caller
    /// with `status`/`value`, or end the top-level request.
    fn answer_caller(&mut self, value: u64, status: u64) -> Step {
        if self.depth == 0 {
            return if status == abi::OK {
                Step::Finished(value)
            } else {
                Step::Stopped
            };
        }
        self.depth -= 1;
        let caller = self.chain[self.depth];
        self.settle::<Blocked, Running>(caller);
        let v = &mut self.vcpus[caller];
        v.regs.x[0] = status;
        v.regs.x[1] = value;
        Step::Resume(caller)
    }

    fn irq(&mut self, cur: usize) -> Step {
        self.stats.irq += 1;
        let intid = arch::gic_ack();
        if intid >= 1020 {
            return Step::Resume(cur); // spurious
        }
        arch::gic_eoi(intid);
        if intid != CNTHP_INTID {
            kprintln!("[irq] unexpected INTID {intid} while {} ran: ignored", self.p(cur).name);
            return Step::Resume(cur);
        }
        Self::disarm();
        let lc = ACCEPTED.lifecycle();
        let state = self.p(cur).current().unwrap_or(u8::MAX);
        if !lc.allows(state, Preempted::ID) {
            // e.g. still booting (Reset): the table has no edge to Preempted.
            kprintln!(
                "[sched] CNTHP timer: {} is {}, which the table does not let be preempted; it keeps running",
                self.p(cur).name,
                sname(state)
            );
            self.arm_slice();
            return Step::Resume(cur);
        }
        self.stats.preemptions += 1;
        if self.lc::<Running, Preempted>(cur).is_err() {
            self.arm_slice();
            return Step::Resume(cur);
        }
        if self.depth > 0 {
            // Chain preemption: the caller waiting on `cur` is preempted too.
            let caller = self.chain[self.depth - 1];
            self.settle::<Blocked, Preempted>(caller);
            kprintln!(
                "[sched] CNTHP timer: preempted {} and, with it, the call chain of {}",
                self.p(cur).name,
                self.p(caller).name
            );
            // Resume the chain at the caller: its call returns INTERRUPTED and it
            // decides to RUN the callee again.
            self.depth -= 1;
            self.settle::<Preempted, Running>(caller);
            self.vcpus[caller].regs.x[0] = abi::INTERRUPTED;
            kprintln!(
                "[sched] resuming {} (call returns INTERRUPTED); {} stays Preempted",
                self.p(caller).name,
                self.p(cur).name
            );
            self.arm_slice();
            Step::Resume(caller)
        } else {
            kprintln!("[sched] CNTHP timer: preempted {}", self.p(cur).name);
            self.settle::<Preempted, Running>(cur);
            kprintln!("[sched] resuming {}", self.p(cur).name);
            self.arm_slice();
            Step::Resume(cur)
        }
    }

    fn flush_line(&mut self, cur: usize) {
        if let Some(line) = self.vcpus[cur].line.flush() {
            kprintln!(
                "[{}] {}",
                PARTITIONS[cur].name,
                core::str::from_utf8(line).unwrap_or("<non-UTF-8 output>")
            );
        }
    }

    /// Contain a fault: report it, return the partition to Idle with a fresh
    /// vCPU (re-entered at its warm entry on its next request), wake its caller
    /// with ABORTED. Other partitions are untouched.
    fn stop(&mut self, cur: usize, what: fmt::Arguments<'_>) -> Step {
        self.flush_line(cur);
        let v = &self.vcpus[cur];
        kprintln!(
            "[fault] {}: {} (pc {:#x}): partition stopped",
            self.p(cur).name,
            what,
            v.regs.elr
        );
        self.vcpus[cur].faults += 1;
        let state = self.p(cur).current().unwrap_or(u8::MAX);
        if state == Reset::ID {
            self.settle::<Reset, Idle>(cur)
        } else {
            self.settle::<Running, Idle>(cur)
        }
        self.vcpus[cur].reset(true);
        kprintln!(
            "[fault] {}: vCPU reset; it will serve its next request from its entry point",
            self.p(cur).name
        );
        self.answer_caller(0, abi::ABORTED)
    }

    fn data_abort(&mut self, cur: usize, d: DataAbort) -> Step {
        let ipa = d.ipa;
        let rw = if d.write { "write" } else { "read" };
        let Some((idx, off)) = self.vcpus[cur].devices.lookup(ipa) else {
            return self.outside_devices(cur, d);
        };
        self.stats.mmio += 1;
        self.vcpus[cur].mmio_exits += 1;
        let acc = match d.access {
            Ok(a) => a,
            Err(e) => {
                let name = self.vcpus[cur].devices.slot(idx).map_or("?", |s| s.info.name());
                return self.stop(
                    cur,
                    format_args!(
                        "{rw} of {name}+{off:#x} at IPA {ipa:#x}: rule `MMIO is single-register loads/stores`: {e}"
                    ),
                );
            }
        };
        let access = match acc {
            MmioAccess::Read { .. } => Access::Read,
            MmioAccess::Write { reg, .. } => Access::Write(acc.write_value(self.vcpus[cur].reg(reg.0))),
        };
        let env = Env {
            counter: CNTPCT_EL0.get(),
            freq: CNTFRQ_EL0.get(),
        };
        let Some(slot) = self.vcpus[cur].devices.slot_mut(idx) else {
            return self.stop(
                cur,
                format_args!("IPA {ipa:#x}: rule `device map is consistent`: empty slot"),
            );
        };
        let (info, kind) = (slot.info, slot.dev.kind_name());
        let result = slot.dev.access(off, acc.width(), access, &env);
        let read_value = match result {
            Ok(Outcome::Read(v)) => Some(v),
            Ok(Outcome::Written) => None,
            Ok(Outcome::Tx(b)) => {
                let v = &mut self.vcpus[cur];
                if let Some(line) = v.line.push(b) {
                    kprintln!(
                        "[{}] {}",
                        PARTITIONS[cur].name,
                        core::str::from_utf8(line).unwrap_or("<non-UTF-8 output>")
                    );
                }
                None
            }
            Err(DevError::UnknownRegister { offset }) => {
                self.stats.unknown_regs += 1;
                kprintln!(
                    "[mmio] {}: {rw} of {}+{offset:#x} ({kind}) at IPA {ipa:#x}: rule `only registers of the device model`: no such register; answered {}",
                    self.p(cur).name,
                    info.name(),
                    if d.write { "write-ignored" } else { "read-as-zero" }
                );
                if d.write { None } else { Some(0) }
            }
            Err(DevError::UnsupportedWidth { offset, width, allowed }) => {
                return self.stop(
                    cur,
                    format_args!(
                        "{}-bit {rw} of {}+{offset:#x} ({kind}) at IPA {ipa:#x}: rule `{} registers are accessed as {allowed}`: unsupported access width (bus error)",
                        width.bits(),
                        info.name(),
                        info.name()
                    ),
                );
            }
        };
        if let Some((reg, value)) = read_value.and_then(|v| acc.complete_read(v)) {
            self.vcpus[cur].set_reg(reg.0, value);
        }
        self.vcpus[cur].regs.elr += 4;
        Step::Resume(cur)
    }

    /// A stage-2 fault outside the partition's device windows.
    fn outside_devices(&mut self, cur: usize, d: DataAbort) -> Step {
        let ipa = d.ipa;
        let rw = if d.write { "write" } else { "read" };
        let board = ACCEPTED.board();
        let r = layout::reserved(board);
        if ipa >= r.base && ipa - r.base < r.size {
            return self.stop(
                cur,
                format_args!(
                    "{rw} at IPA {ipa:#x}: rule `hypervisor memory is never mapped into a guest`: touched the hypervisor image ({:#x}..{:#x}), {}",
                    r.base,
                    r.base + r.size,
                    d.fault
                ),
            );
        }
        if let FaultStatus::Permission { .. } = d.fault {
            return self.stop(
                cur,
                format_args!(
                    "{rw} at IPA {ipa:#x}: rule `partition code is mapped read+exec`: {}",
                    d.fault
                ),
            );
        }
        if let Some(dev) = ACCEPTED.devices().iter().find(|x| x.contains(ipa)) {
            return self.stop(
                cur,
                format_args!(
                    "{rw} of {} at IPA {ipa:#x}: rule `a partition sees only the devices given to it`: {} is not given to {}",
                    dev.name(),
                    dev.name(),
                    self.p(cur).name
                ),
            );
        }
        self.stop(
            cur,
            format_args!(
                "{rw} at IPA {ipa:#x}: rule `a partition sees only its RAM and its devices`: unmapped, {}",
                d.fault
            ),
        )
    }

    /// Print the partitions' lifecycle states and handler counts.
    pub fn summary(&self) {
        let lc = ACCEPTED.lifecycle();
        kprintln!("[summary] handler runs per transition (all partitions, including the race):");
        let n = lc.states().len() as u8;
        for from in 0..n {
            for to in 0..n {
                if lc.allows(from, to) {
                    let counts: [u32; NUM_SP] = core::array::from_fn(|i| PARTITIONS[i].count(from, to));
                    kprintln!(
                        "[summary]   {:>9} -> {:<9} total {:>5}   (sp0 {}, sp1 {}, sp2 {})",
                        lc.name(from),
                        lc.name(to),
                        counts.iter().sum::<u32>(),
                        counts[0],
                        counts[1],
                        counts[2]
                    );
                }
            }
        }
        for (i, v) in self.vcpus.iter().enumerate() {
            kprintln!(
                "[summary] {}: state {}, faults {}, MMIO exits {}, transitions {}",
                PARTITIONS[i].name,
                sname(PARTITIONS[i].state().raw()),
                v.faults,
                v.mmio_exits,
                PARTITIONS[i].total_transitions()
            );
        }
        let s = &self.stats;
        kprintln!(
            "[summary] exits {}, hvc {}, mmio {}, irq {}, preemptions {}, refused transitions {}, unknown registers {}",
            s.exits,
            s.hvc,
            s.mmio,
            s.irq,
            s.preemptions,
            s.refused,
            s.unknown_regs
        );
    }

    /// Does a chain (a caller waiting on someone) exist right now?
    pub fn chain_depth(&self) -> usize {
        self.depth
    }
}

#[allow(non_snake_case)]
fn VPIDR_EL2_set(v: u64) {
    // SAFETY: VPIDR_EL2 is the MIDR value EL1 reads; writing it has no memory effects.
    unsafe { core::arch::asm!("msr vpidr_el2, {}", in(reg) v, options(nomem, nostack)) };
}

pub fn cmd_name(cmd: u64) -> &'static str {
    match cmd {
        abi::CMD_HELLO => "HELLO",
        abi::CMD_SPIN => "SPIN",
        abi::CMD_CALL => "CALL sp1",
        abi::CMD_WORK => "WORK",
        abi::CMD_UNKNOWN_REG => "FAULT unknown register",
        abi::CMD_WIDE_ACCESS => "FAULT 64-bit access to a 32-bit register",
        abi::CMD_HYP_MEMORY => "FAULT touch hypervisor memory",
        abi::CMD_UNMAPPED => "FAULT touch unmapped memory",
        abi::CMD_WRITE_CODE => "FAULT write own code",
        abi::CMD_BAD_RUN => "BAD RUN of a partition that is not preempted",
        abi::CMD_GIC_PROBE => "GIC probe",
        _ => "unknown command",
    }
}
