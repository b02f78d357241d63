//! The scheduler: runs partitions on this CPU and moves them through the
//! accepted lifecycle table on real events: a boot that ends in
//! FFA_MSG_WAIT, direct requests and responses, FFA_RUN, FFA_YIELD, the
//! CNTHP time slice, and aborts. Every move is a typed transition (`lc`,
//! `settle`): hypervisor code cannot perform an edge the table lacks.
//!
//! FF-A calls are decoded in `ffa.rs`, MMIO in `mmio.rs`, faults in
//! `faults.rs`; the partitions are built in `load.rs`.
use aarch64_cpu::registers::*;

use hypervisor::esr::Exit;
use hypervisor::lifecycle::TransitionError;
use hypervisor::sp::{BoardState, Partition};
use programs::StateId;
use programs::board::*;

use super::arch;
use super::fatal;
use super::gic::CNTHP_INTID;
use super::load;
use super::vcpu::{Endpoint, Vcpu};
use super::vectors::{ExitKind, run_guest};
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

/// Time slice before the EL2 timer preempts a partition.
const SLICE_MS: u64 = 20;

/// The watchdog: time slices one request (or a boot) may use before the
/// partition serving it is aborted. 25 slices: half a second.
pub const BUDGET_SLICES: u32 = 25;

/// What the normal world gets back when it hands a partition the CPU (a
/// direct request, FFA_RUN, or the boot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// FFA_MSG_SEND_DIRECT_RESP with this payload.
    Resp(ffa::Payload),
    /// FFA_INTERRUPT: the partition was preempted; resume it with FFA_RUN.
    Interrupted,
    /// FFA_YIELD: the partition gave the CPU back; resume it with FFA_RUN.
    Yielded,
    /// FFA_MSG_WAIT: the partition finished booting.
    Waiting,
    /// FFA_ERROR.
    Error(ffa::Error),
}

/// What the scheduler does after an exit.
pub(super) enum Step {
    /// Enter this partition next.
    Resume(usize),
    /// Control returns to the normal world.
    Return(Answer),
}

#[derive(Default, Debug)]
pub struct Stats {
    pub exits: u64,
    pub ffa_calls: u64,
    pub mmio: u64,
    pub irq: u64,
    pub preemptions: u64,
    pub refused: u64,
    pub unknown_regs: u64,
    pub aborts: u64,
}

pub struct Runtime {
    pub vcpus: [Vcpu; NUM_SP],
    /// Whose EL1 system registers are in this CPU's registers.
    pub(super) loaded: Option<usize>,
    loaded_vttbr: u64,
    pub current: Option<usize>,
    slice_ticks: u64,
    pub stats: Stats,
}

pub(super) fn sname(id: u8) -> &'static str {
    ACCEPTED.lifecycle().name(id)
}

/// The partition with FF-A id `id`.
pub(super) fn index_of(id: u16) -> Option<usize> {
    ACCEPTED.partition_with_id(id)
}

pub(super) fn id_of(i: usize) -> u16 {
    ACCEPTED.partitions()[i].id()
}

impl Runtime {
    /// Load every partition: program, stage-2, device map, vCPU.
    pub fn build(epoch: u64) -> Result<Runtime, fatal::InitError> {
        let mut built = [const { None }; NUM_SP];
        for (i, v) in built.iter_mut().enumerate() {
            *v = Some(load::build(i, epoch)?);
        }
        let vcpus = built.map(|v| v.expect("every partition was built above"));
        arch::tlbi_all_el1();
        Ok(Runtime {
            vcpus,
            loaded: None,
            loaded_vttbr: 0,
            current: None,
            slice_ticks: CNTFRQ_EL0.get() / 1000 * SLICE_MS,
            stats: Stats::default(),
        })
    }

    /// Configure EL2 for running partitions (each CPU that runs guests):
    /// stage 2 on, physical interrupts and SErrors to EL2, SMC trapped (an
    /// FF-A conduit like HVC), EL1 in AArch64. The EL1 MMU registers are
    /// the partitions' own (switched per vCPU), so they are not trapped.
    pub fn enable_virtualization() {
        VTCR_EL2.set(hypervisor::stage2::VTCR_EL2);
        CNTHCTL_EL2.write(CNTHCTL_EL2::EL1PCTEN::SET + CNTHCTL_EL2::EL1PCEN::SET);
        CNTVOFF_EL2.set(0);
        arch::set_vpidr(MIDR_EL1.get());
        VMPIDR_EL2.set(MPIDR_EL1.get());
        HCR_EL2.write(
            HCR_EL2::VM::Enable
                + HCR_EL2::SWIO::SET
                + HCR_EL2::FMO::EnableVirtualFIQ
                + HCR_EL2::IMO::EnableVirtualIRQ
                + HCR_EL2::AMO::SET
                + HCR_EL2::TSC::EnableTrapEl1SmcToEl2
                + HCR_EL2::RW::EL1IsAarch64,
        );
        aarch64_cpu::asm::barrier::isb(aarch64_cpu::asm::barrier::SY);
    }

    pub(super) fn p(&self, i: usize) -> &'static Partition {
        &PARTITIONS[i]
    }

    /// A lifecycle transition a partition asked for (a request, a call, a
    /// response, FFA_RUN). It compiles only if the accepted table lists
    /// `F -> T`. At run time a corrupt state byte halts the machine here; a
    /// partition that is not in `F` now is refused, counted, reported and
    /// returned, and the caller answers the partition accordingly.
    pub(super) fn lc<F: BoardState, T: BoardState>(&mut self, i: usize) -> Result<(), TransitionError>
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
    /// requester woken, a chain preempted): the scheduler put the partition
    /// in `F` itself, so a refusal means its view and the state byte
    /// disagree. That is corrupt hypervisor state: halt with the report.
    pub(super) fn settle<F: BoardState, T: BoardState>(&mut self, i: usize)
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

    /// The current state byte of partition `i` (halts if it is corrupt).
    pub(super) fn state(&self, i: usize) -> u8 {
        match self.p(i).current() {
            Ok(s) => s,
            Err(e) => fatal::halt(
                format_args!("{}", e.report(ACCEPTED.lifecycle(), self.p(i).name)),
                Some(self),
                fatal::EXIT_CORRUPT_STATE,
            ),
        }
    }

    /// Every state byte must be a state of the table (checked on each exit).
    fn audit(&self) {
        for i in 0..NUM_SP {
            self.state(i);
        }
    }

    fn arm_slice(&self) {
        arch::set_cnthp_cval(CNTPCT_EL0.get() + self.slice_ticks);
        CNTHP_CTL_EL2.write(CNTHP_CTL_EL2::ENABLE::SET + CNTHP_CTL_EL2::IMASK::CLEAR);
    }

    fn disarm() {
        CNTHP_CTL_EL2.write(CNTHP_CTL_EL2::ENABLE::CLEAR);
    }

    /// Switch this CPU to partition `i`'s context and run it until it exits.
    fn enter(&mut self, i: usize) -> u64 {
        if self.loaded != Some(i) {
            if let Some(j) = self.loaded {
                self.vcpus[j].el1.save();
            }
            self.vcpus[i].el1.restore();
            self.loaded = Some(i);
        }
        let v = &mut self.vcpus[i];
        if self.loaded_vttbr != v.vttbr {
            VTTBR_EL2.set(v.vttbr);
            aarch64_cpu::asm::barrier::isb(aarch64_cpu::asm::barrier::SY);
            self.loaded_vttbr = v.vttbr;
        }
        self.current = Some(i);
        // SAFETY: `regs` is this partition's complete vCPU context (its EL1
        // registers were loaded above): PC and SP point into its own memory,
        // which its stage-2 tables (now in VTTBR_EL2) map; SPSR selects EL1;
        // HCR_EL2 routes every exception and interrupt of the guest to EL2,
        // so `run_guest` returns here with the context saved back.
        unsafe { run_guest(&mut v.regs) }
    }

    /// Boot partition `i`: run it from its entry in state Reset until it
    /// waits for messages (FFA_MSG_WAIT: Reset -> Idle) or is aborted.
    pub fn boot(&mut self, i: usize) -> Answer {
        kprintln!(
            "[sched] booting {} (FF-A id {:#06x}) at {:#x}",
            self.p(i).name,
            id_of(i),
            self.vcpus[i].regs.elr
        );
        self.vcpus[i].requester = Some(Endpoint::NormalWorld);
        self.run(i)
    }

    /// FFA_MSG_SEND_DIRECT_REQ from the normal world to partition `i`.
    pub fn direct_req(&mut self, i: usize, payload: ffa::Payload) -> Answer {
        if self.lc::<Idle, Running>(i).is_err() {
            return Answer::Error(ffa::Error::Busy);
        }
        let v = &mut self.vcpus[i];
        v.requester = Some(Endpoint::NormalWorld);
        v.slices = 0;
        v.set_smccc(ffa::Regs::direct_req(ffa::NORMAL_WORLD, id_of(i), payload));
        self.run(i)
    }

    /// FFA_RUN from the normal world: resume partition `i`, which must be
    /// preempted (or have yielded) in a request the normal world sent.
    pub fn ffa_run(&mut self, i: usize) -> Answer {
        if !self.resumable_by(i, Endpoint::NormalWorld) {
            kprintln!(
                "[ffa] normal world: FFA_RUN {}: rule `only the owner of a preempted call chain resumes it`: DENIED",
                self.p(i).name
            );
            return Answer::Error(ffa::Error::Denied);
        }
        if self.lc::<Preempted, Running>(i).is_err() {
            return Answer::Error(ffa::Error::Denied);
        }
        self.run(i)
    }

    /// May `owner` resume partition `i` with FFA_RUN? Only if `i` is
    /// preempted (or yielded) in a request `owner` sent it.
    pub(super) fn resumable_by(&self, i: usize, owner: Endpoint) -> bool {
        self.vcpus[i].requester == Some(owner) && self.state(i) == Preempted::ID
    }

    fn run(&mut self, first: usize) -> Answer {
        let mut cur = first;
        self.arm_slice();
        loop {
            self.audit();
            let code = self.enter(cur);
            self.stats.exits += 1;
            let step = match ExitKind::from_code(code) {
                ExitKind::Sync => {
                    let (esr, far, hpfar) = (ESR_EL2.get(), FAR_EL2.get(), HPFAR_EL2.get());
                    self.sync_exit(cur, Exit::decode(esr, far, hpfar))
                }
                ExitKind::Irq => self.irq(cur),
                ExitKind::Fiq => self.abort(
                    cur,
                    format_args!("FIQ taken from the partition: rule `partitions raise no FIQs`"),
                ),
                ExitKind::SError => self.abort(
                    cur,
                    format_args!("SError from the partition: rule `no asynchronous external aborts`"),
                ),
                ExitKind::Aarch32 { code } => self.abort(
                    cur,
                    format_args!("exception #{code} from AArch32: rule `partitions run AArch64 only`"),
                ),
            };
            match step {
                Step::Resume(next) => cur = next,
                Step::Return(a) => {
                    Self::disarm();
                    self.current = None;
                    return a;
                }
            }
        }
    }

    fn sync_exit(&mut self, cur: usize, exit: Exit) -> Step {
        match exit {
            Exit::Hvc { imm } => self.smccc(cur, imm, false),
            Exit::Smc { imm } => self.smccc(cur, imm, true),
            Exit::DataAbort(d) => self.data_abort(cur, d),
            Exit::InstructionAbort { ipa, far: _, fault } => self.instruction_abort(cur, ipa, fault),
            Exit::SysReg { iss } => self.abort(
                cur,
                format_args!(
                    "trapped system register access (ISS {iss:#x}): rule `partitions use only their own EL1 registers`"
                ),
            ),
            Exit::Wfx => {
                self.vcpus[cur].regs.elr += 4;
                Step::Resume(cur)
            }
            Exit::Other { ec, iss } => self.abort(
                cur,
                format_args!("exception class {ec:#04x} (ISS {iss:#x}): rule `only SMCCC calls, MMIO and known traps`"),
            ),
        }
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
        self.vcpus[cur].slices += 1;
        if self.vcpus[cur].slices > BUDGET_SLICES {
            return self.abort(
                cur,
                format_args!(
                    "watchdog: rule `a request or a boot ends within {BUDGET_SLICES} time slices of {SLICE_MS} ms`: still running after {} slices",
                    self.vcpus[cur].slices - 1
                ),
            );
        }
        let state = self.state(cur);
        if !ACCEPTED.lifecycle().allows(state, Preempted::ID) {
            // Still booting (Reset): the table has no edge to Preempted.
            kprintln!(
                "[sched] CNTHP timer: {} is {}, which the table does not let be preempted; it keeps running (slice {} of {BUDGET_SLICES})",
                self.p(cur).name,
                sname(state),
                self.vcpus[cur].slices
            );
            self.arm_slice();
            return Step::Resume(cur);
        }
        self.stats.preemptions += 1;
        if self.lc::<Running, Preempted>(cur).is_err() {
            self.arm_slice();
            return Step::Resume(cur);
        }
        kprintln!("[sched] CNTHP timer: preempted {}", self.p(cur).name);
        self.stopped_to_requester(cur, ffa::FFA_INTERRUPT)
    }

    /// Partition `cur` was preempted or yielded (now Preempted): its
    /// requester learns it by FFA_INTERRUPT or FFA_YIELD and alone may
    /// resume it with FFA_RUN.
    pub(super) fn stopped_to_requester(&mut self, cur: usize, fid: u64) -> Step {
        let what = ffa::function_name(fid);
        match self.vcpus[cur].requester {
            Some(Endpoint::Partition(r)) => {
                // The requester was Blocked on `cur`: its chain is preempted
                // with it, then resumed at the requester with the news.
                self.settle::<Blocked, Preempted>(r);
                self.settle::<Preempted, Running>(r);
                self.vcpus[r].set_smccc(ffa::Regs::stopped(fid, id_of(cur)));
                kprintln!(
                    "[sched] {} gets {what} for {} (its callee), which stays Preempted until {} runs it",
                    self.p(r).name,
                    self.p(cur).name,
                    self.p(r).name
                );
                self.arm_slice();
                Step::Resume(r)
            }
            Some(Endpoint::NormalWorld) | None => Step::Return(if fid == ffa::FFA_YIELD {
                Answer::Yielded
            } else {
                Answer::Interrupted
            }),
        }
    }

    /// Print the partitions' lifecycle states and handler counts.
    pub fn summary(&self) {
        let lc = ACCEPTED.lifecycle();
        kprintln!("[summary] handler runs per transition (all partitions, including the race):");
        let n = lc.states().len() as u8;
        for from in 0..n {
            for to in 0..n {
                if lc.allows(from, to) {
                    crate::kprint!(
                        "[summary]   {:>9} -> {:<9} total {:>5}   (",
                        lc.name(from),
                        lc.name(to),
                        PARTITIONS.iter().map(|p| p.count(from, to)).sum::<u32>()
                    );
                    for (i, p) in PARTITIONS.iter().enumerate() {
                        crate::kprint!("{}{} {}", if i == 0 { "" } else { ", " }, p.name, p.count(from, to));
                    }
                    kprintln!(")");
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
            "[summary] exits {}, FF-A calls {}, mmio {}, irq {}, preemptions {}, aborts {}, refused transitions {}, unknown registers {}",
            s.exits,
            s.ffa_calls,
            s.mmio,
            s.irq,
            s.preemptions,
            s.aborts,
            s.refused,
            s.unknown_regs
        );
    }

    pub(super) fn flush_line(&mut self, cur: usize) {
        if let Some(line) = self.vcpus[cur].line.flush() {
            kprintln!(
                "[{}] {}",
                PARTITIONS[cur].name,
                core::str::from_utf8(line).unwrap_or("<non-UTF-8 output>")
            );
        }
    }
}
