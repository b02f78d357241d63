//! The scheduler, one per CPU: runs partitions on its CPU and moves them
//! through the accepted lifecycle table on real events: a boot that ends in
//! FFA_MSG_WAIT, direct requests and responses, FFA_RUN, FFA_YIELD, the
//! CNTHP time slice, and aborts. Every move is a typed transition (`lc`,
//! `settle`, `take`, `leave`): hypervisor code cannot perform an edge the
//! table lacks. A CPU touches a partition's context (`vcpu.rs`) only after
//! its compare-and-swap into `Running` (`take`), and releases it saved
//! before the move that lets another CPU win it (`leave`).
//!
//! FF-A calls are decoded in `ffa_dispatch.rs`, MMIO in `mmio.rs`, faults
//! in `faults.rs`, virtual interrupts in `vgic.rs`; the partitions are
//! built in `load.rs`.
use aarch64_cpu::registers::*;

use hypervisor::esr::Exit;
use hypervisor::lifecycle::TransitionError;
use hypervisor::sp::{BoardState, Partition};
use programs::StateId;
use programs::board::*;

use super::arch;
use super::fatal;
use super::gic::{CNTHP_INTID, VTIMER_INTID};
use super::load;
use super::vcpu::{CONTEXTS, Endpoint, NOBODY, Vcpu};
use super::vectors::{ExitKind, run_guest};
use super::vgic::{self, Virq};
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

impl Stats {
    pub fn add(&mut self, o: &Stats) {
        self.exits += o.exits;
        self.ffa_calls += o.ffa_calls;
        self.mmio += o.mmio;
        self.irq += o.irq;
        self.preemptions += o.preemptions;
        self.refused += o.refused;
        self.unknown_regs += o.unknown_regs;
        self.aborts += o.aborts;
    }
}

/// Every CPU's counters once it is done (`Runtime::publish`).
pub static TOTALS: spin::Mutex<Stats> = spin::Mutex::new(Stats {
    exits: 0,
    ffa_calls: 0,
    mmio: 0,
    irq: 0,
    preemptions: 0,
    refused: 0,
    unknown_regs: 0,
    aborts: 0,
});

/// One CPU's scheduler: which context's EL1 registers and stage-2 root are
/// in this CPU's registers, what it runs, its counters. The partitions'
/// contexts are shared ([`CONTEXTS`]); this CPU touches one only while it
/// owns it.
pub struct Runtime {
    pub cpu: u8,
    /// Whose EL1 system registers are in this CPU's registers: a context
    /// this CPU owns, or one it released (saved) and may claim again.
    pub(super) loaded: Option<usize>,
    /// The claim number under which this CPU last held each context.
    held: [u32; NUM_SP],
    loaded_vttbr: u64,
    pub current: Option<usize>,
    slice_ticks: u64,
    pub stats: Stats,
}

/// A context's holder, for reports.
struct Holder(u8);
impl core::fmt::Display for Holder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.0 == NOBODY {
            f.write_str("no CPU")
        } else {
            write!(f, "cpu{}", self.0)
        }
    }
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
    /// Load every partition (program, stage-2, device map, vCPU) into
    /// [`CONTEXTS`]. CPU 0, once, before any guest runs or other CPU starts.
    pub fn load_all(epoch: u64) -> Result<(), fatal::InitError> {
        for (i, ctx) in CONTEXTS.iter().enumerate() {
            ctx.install(load::build(i, epoch)?);
        }
        arch::tlbi_all_el1();
        Ok(())
    }

    /// This CPU's scheduler (one per CPU: `primary_main`, `secondary_main`).
    pub fn new(cpu: u8) -> Runtime {
        Runtime {
            cpu,
            loaded: None,
            held: [0; NUM_SP],
            loaded_vttbr: 0,
            current: None,
            slice_ticks: CNTFRQ_EL0.get() / 1000 * SLICE_MS,
            stats: Stats::default(),
        }
    }

    /// Add this CPU's counters to [`TOTALS`] (once, when it is done).
    pub fn publish(&mut self) {
        TOTALS.lock().add(&core::mem::take(&mut self.stats));
    }

    /// Partition `i`'s vCPU; this CPU must own it (else the scheduler lost
    /// track of ownership: halt).
    pub(super) fn vcpu(&self, i: usize) -> &Vcpu {
        match CONTEXTS[i].get(self.cpu) {
            Some(v) => v,
            None => self.not_owned(i),
        }
    }

    pub(super) fn vcpu_mut(&mut self, i: usize) -> &mut Vcpu {
        match CONTEXTS[i].get_mut(self.cpu) {
            Some(v) => v,
            None => self.not_owned(i),
        }
    }

    /// The vCPU if this CPU owns it (for reports that must not halt again).
    pub(super) fn try_vcpu(&self, i: usize) -> Option<&Vcpu> {
        CONTEXTS[i].get(self.cpu)
    }

    fn not_owned(&self, i: usize) -> ! {
        fatal::halt(
            format_args!(
                "cpu{}: {}'s execution context: rule `a CPU touches only the contexts it owns`: it is held by {}",
                self.cpu,
                self.p(i).name,
                Holder(CONTEXTS[i].owner())
            ),
            None,
            fatal::EXIT_CORRUPT_STATE,
        )
    }

    pub(super) fn requester(&self, i: usize) -> Option<Endpoint> {
        CONTEXTS[i].requester()
    }

    pub(super) fn set_requester(&self, i: usize, e: Option<Endpoint>) {
        CONTEXTS[i].set_requester(e)
    }

    /// Own partition `i`'s context after winning its lifecycle CAS (or to
    /// boot it). Another holder means two CPUs won: halt.
    fn claim(&mut self, i: usize) {
        let claim = match CONTEXTS[i].claim(self.cpu) {
            Ok(n) => n,
            Err(holder) => fatal::halt(
                format_args!(
                    "cpu{}: {}: rule `the CPU that wins the compare-and-swap owns the execution context`: {} holds it",
                    self.cpu,
                    self.p(i).name,
                    Holder(holder)
                ),
                None,
                fatal::EXIT_RACE,
            ),
        };
        if self.loaded == Some(i) {
            if self.held[i].wrapping_add(1) == claim {
                // Nobody held it since this CPU released it: its EL1
                // registers are still here; only the timer the release
                // stopped runs again.
                self.vcpu(i).el1.restore_timer();
            } else {
                self.loaded = None;
            }
        }
        self.held[i] = claim;
        CONTEXTS[i].route_interrupts(i, self.cpu);
    }

    /// Give partition `i`'s context up: its EL1 registers saved into it,
    /// then ownership released. The caller moves the state next.
    fn release(&mut self, i: usize) {
        if self.loaded == Some(i) {
            // Saved (and its timer stopped); `loaded` stays: if this CPU
            // claims it next, `claim` keeps the registers.
            self.vcpu_mut(i).el1.save();
        }
        if self.current == Some(i) {
            self.current = None;
        }
        if let Err(holder) = CONTEXTS[i].release(self.cpu) {
            fatal::halt(
                format_args!(
                    "cpu{}: {}: rule `only the owner releases an execution context`: {} holds it",
                    self.cpu,
                    self.p(i).name,
                    Holder(holder)
                ),
                None,
                fatal::EXIT_CORRUPT_STATE,
            )
        }
    }

    /// A transition into `Running` by compare-and-swap (a request, FFA_RUN):
    /// the CPU that wins owns the context; a loser gets the refusal.
    pub(super) fn take<F: BoardState, T: BoardState>(&mut self, i: usize) -> Result<(), TransitionError>
    where
        Lifecycle: programs::Lists<F, T>,
    {
        self.lc::<F, T>(i)?;
        self.claim(i);
        Ok(())
    }

    /// A transition out of this CPU's hands (to `Idle` or `Preempted`):
    /// the context is saved and released first, so whoever wins it next
    /// finds it complete.
    pub(super) fn leave<F: BoardState, T: BoardState>(&mut self, i: usize)
    where
        Lifecycle: programs::Lists<F, T>,
    {
        self.release(i);
        self.settle::<F, T>(i);
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
                // A partition runs on any CPU: its own TLB and I-cache
                // maintenance is broadcast to all of them.
                + HCR_EL2::FB::SET
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
                if !self.p(i).is_quiet() {
                    kprintln!(
                        "[lifecycle] refused: {}",
                        e.report(ACCEPTED.lifecycle(), self.p(i).name)
                    );
                }
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

    /// Switch this CPU to partition `i`'s context (which it owns) and run
    /// it until it exits.
    fn enter(&mut self, i: usize) -> u64 {
        if self.loaded != Some(i) {
            // A context this CPU still owns (a blocked caller) is saved
            // now; a released one was saved when it was released.
            if let Some(j) = self.loaded.filter(|&j| CONTEXTS[j].owner() == self.cpu) {
                self.vcpu_mut(j).el1.save();
            }
            self.vcpu(i).el1.restore();
            self.loaded = Some(i);
        }
        let vttbr = self.vcpu(i).vttbr;
        if self.loaded_vttbr != vttbr {
            VTTBR_EL2.set(vttbr);
            aarch64_cpu::asm::barrier::isb(aarch64_cpu::asm::barrier::SY);
            self.loaded_vttbr = vttbr;
        }
        self.current = Some(i);
        let ctx = &CONTEXTS[i];
        for v in ctx.pending.take(i) {
            if !vgic::inject(v) {
                // Every list register is busy: it waits for the next entry.
                ctx.pending.post(i, v);
            }
        }
        let already = ctx.go_in(self.cpu);
        if already != 0 {
            fatal::halt(
                format_args!(
                    "cpu{}: {}: rule `one CPU at a time inside an execution context`: {already} other CPU(s) inside",
                    self.cpu,
                    self.p(i).name
                ),
                None,
                fatal::EXIT_RACE,
            )
        }
        let regs = &mut self.vcpu_mut(i).regs;
        // SAFETY: `regs` is this partition's complete vCPU context, owned by
        // this CPU (its EL1 registers were loaded above): PC and SP point into
        // its own memory, which its stage-2 tables (now in VTTBR_EL2) map;
        // SPSR selects EL1; HCR_EL2 routes every exception and interrupt of
        // the guest to EL2, so `run_guest` returns here with the context
        // saved back.
        let code = unsafe { run_guest(regs) };
        ctx.go_out();
        code
    }

    /// Boot partition `i`: run it from its entry in state Reset until it
    /// waits for messages (FFA_MSG_WAIT: Reset -> Idle) or is aborted.
    pub fn boot(&mut self, i: usize) -> Answer {
        self.claim(i);
        kprintln!(
            "[sched] booting {} (FF-A id {:#06x}) at {:#x}",
            self.p(i).name,
            id_of(i),
            self.vcpu(i).regs.elr
        );
        self.set_requester(i, Some(Endpoint::NormalWorld));
        self.run(i)
    }

    /// FFA_MSG_SEND_DIRECT_REQ from the normal world (on this CPU) to
    /// partition `i`. The CPU whose compare-and-swap moves it Idle ->
    /// Running enters it; the others get BUSY.
    pub fn direct_req(&mut self, i: usize, payload: ffa::Payload) -> Answer {
        if self.take::<Idle, Running>(i).is_err() {
            return Answer::Error(ffa::Error::Busy);
        }
        self.set_requester(i, Some(Endpoint::NormalWorld));
        let v = self.vcpu_mut(i);
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
        if !self.take_resumed(i, Endpoint::NormalWorld) {
            return Answer::Error(ffa::Error::Denied);
        }
        self.run(i)
    }

    /// FFA_RUN by `owner`: win partition `i` Preempted -> Running, then
    /// check again, now that this CPU owns it (only an owner changes the
    /// requester), that it is still `owner`'s chain: between the check in
    /// [`resumable_by`](Self::resumable_by) and the compare-and-swap,
    /// another CPU may have resumed it, and another chain preempted it.
    /// Such a stale win is handed back (Running -> Preempted) and refused.
    pub(super) fn take_resumed(&mut self, i: usize, owner: Endpoint) -> bool {
        if self.take::<Preempted, Running>(i).is_err() {
            return false;
        }
        if self.requester(i) == Some(owner) {
            return true;
        }
        self.leave::<Running, Preempted>(i);
        false
    }

    /// May `owner` resume partition `i` with FFA_RUN? Only if `i` is
    /// preempted (or yielded) in a request `owner` sent it.
    pub(super) fn resumable_by(&self, i: usize, owner: Endpoint) -> bool {
        self.requester(i) == Some(owner) && self.state(i) == Preempted::ID
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
            Exit::SysReg(access) => self.abort(
                cur,
                format_args!(
                    "trapped {access}: rule `partitions use only their own EL1 registers (none that reach other CPUs)`"
                ),
            ),
            Exit::Wfx => {
                self.vcpu_mut(cur).regs.elr += 4;
                Step::Resume(cur)
            }
            Exit::Other { ec, iss } => self.abort(
                cur,
                format_args!("exception class {ec:#04x} (ISS {iss:#x}): rule `only SMCCC calls, MMIO and known traps`"),
            ),
        }
    }

    /// A physical interrupt while partition `cur` ran: the EL2 timer (the
    /// time slice), `cur`'s own virtual timer, or a device interrupt the
    /// configuration routes to a partition (injected into it, now or at its
    /// next entry).
    fn irq(&mut self, cur: usize) -> Step {
        self.stats.irq += 1;
        let intid = arch::gic_ack();
        if intid >= 1020 {
            return Step::Resume(cur); // spurious
        }
        arch::gic_drop(intid);
        if intid == VTIMER_INTID {
            // The running partition's timer (only its is loaded): mask the
            // timer's output until the partition rewrites CNTV_CTL_EL0.
            CNTV_CTL_EL0.modify(CNTV_CTL_EL0::IMASK::SET);
            arch::gic_deactivate(intid);
            self.virq(cur, cur, Virq::Timer);
            return Step::Resume(cur);
        }
        if let Some(sp) = vgic::routed_to(intid) {
            // Left active: the partition's EOI deactivates it.
            self.virq(cur, sp, Virq::Device(intid));
            return Step::Resume(cur);
        }
        if intid != CNTHP_INTID {
            arch::gic_deactivate(intid);
            kprintln!("[irq] unexpected INTID {intid} while {} ran: ignored", self.p(cur).name);
            return Step::Resume(cur);
        }
        // Disarm before deactivating: the timer's level would pend it again.
        Self::disarm();
        arch::gic_deactivate(intid);
        self.vcpu_mut(cur).slices += 1;
        let slices = self.vcpu(cur).slices;
        if slices > BUDGET_SLICES {
            return self.abort(
                cur,
                format_args!(
                    "watchdog: rule `a request or a boot ends within {BUDGET_SLICES} time slices of {SLICE_MS} ms`: still running after {} slices",
                    slices - 1
                ),
            );
        }
        let state = self.state(cur);
        if !ACCEPTED.lifecycle().allows(state, Preempted::ID) {
            // Still booting (Reset): the table has no edge to Preempted.
            kprintln!(
                "[sched] CNTHP timer: {} is {}, which the table does not let be preempted; it keeps running (slice {slices} of {BUDGET_SLICES})",
                self.p(cur).name,
                sname(state),
            );
            self.arm_slice();
            return Step::Resume(cur);
        }
        self.stats.preemptions += 1;
        kprintln!("[sched] CNTHP timer: preempted {}", self.p(cur).name);
        self.stopped_to_requester(cur, ffa::FFA_INTERRUPT)
    }

    /// Post virtual interrupt `v` to partition `sp` (injected when it next
    /// enters, at once if it is `cur`).
    fn virq(&mut self, cur: usize, sp: usize, v: Virq) {
        CONTEXTS[sp].pending.post(sp, v);
        if !self.p(sp).is_quiet() {
            kprintln!(
                "[virq] INTID {} ({}) for {}{}",
                v.intid(),
                match v {
                    Virq::Timer => "its virtual timer",
                    Virq::Device(_) => "a device interrupt routed to it",
                },
                self.p(sp).name,
                if sp == cur {
                    ": injected"
                } else {
                    ": pending until it runs"
                }
            );
        }
    }

    /// Partition `cur` (Running, its registers holding what FFA_RUN will
    /// resume it with) was preempted or yielded: it becomes Preempted and
    /// only its requester may resume it with FFA_RUN.
    ///
    /// A yield goes back to the requester at once (a partition requester
    /// runs on with FFA_YIELD). A preemption is the normal world's
    /// interrupt: the whole call chain stops. Each blocked caller up the
    /// chain becomes Preempted (Blocked -> Preempted), holding FFA_INTERRUPT
    /// for its callee to find when it is resumed, and the normal world gets
    /// FFA_INTERRUPT for the head of the chain. Every context is released
    /// complete: any CPU's normal world may resume the chain.
    pub(super) fn stopped_to_requester(&mut self, cur: usize, fid: u64) -> Step {
        let requester = self.requester(cur);
        self.leave::<Running, Preempted>(cur);
        let mut child = cur;
        let mut up = requester;
        loop {
            match up {
                Some(Endpoint::Partition(r)) if fid == ffa::FFA_YIELD => {
                    self.settle::<Blocked, Running>(r);
                    self.vcpu_mut(r).set_smccc(ffa::Regs::stopped(fid, id_of(child)));
                    kprintln!(
                        "[sched] {} gets FFA_YIELD from {} (its callee), which stays Preempted until {} runs it",
                        self.p(r).name,
                        self.p(child).name,
                        self.p(r).name
                    );
                    self.arm_slice();
                    return Step::Resume(r);
                }
                Some(Endpoint::Partition(r)) => {
                    self.vcpu_mut(r).set_smccc(ffa::Regs::stopped(fid, id_of(child)));
                    kprintln!(
                        "[sched] the call chain stops with {}: {} (Blocked -> Preempted) gets FFA_INTERRUPT for it when resumed",
                        self.p(child).name,
                        self.p(r).name
                    );
                    up = self.requester(r);
                    self.leave::<Blocked, Preempted>(r);
                    child = r;
                }
                Some(Endpoint::NormalWorld) | None => {
                    return Step::Return(if fid == ffa::FFA_YIELD {
                        Answer::Yielded
                    } else {
                        Answer::Interrupted
                    });
                }
            }
        }
    }

    /// Print the partitions' lifecycle states and handler counts, and every
    /// CPU's counters (after all CPUs published them).
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
        for (i, ctx) in CONTEXTS.iter().enumerate() {
            // Every partition is Idle and unowned now: own each to read it.
            if ctx.claim(self.cpu).is_err() {
                kprintln!("[summary] {}: held by a CPU at the end", PARTITIONS[i].name);
                continue;
            }
            let v = self.vcpu(i);
            crate::kprint!(
                "[summary] {}: state {}, faults {}, MMIO exits {}, transitions {}, entries by CPU",
                PARTITIONS[i].name,
                sname(PARTITIONS[i].state().raw()),
                v.faults,
                v.mmio_exits,
                PARTITIONS[i].total_transitions()
            );
            for cpu in 0..super::boot::MAX_CPUS {
                crate::kprint!(" {}", ctx.entries(cpu));
            }
            kprintln!();
            if ctx.release(self.cpu).is_err() {
                kprintln!("[summary] {}: taken while being read", PARTITIONS[i].name);
            }
        }
        let s = &*TOTALS.lock();
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
        if let Some(line) = self.vcpu_mut(cur).line.flush() {
            kprintln!(
                "[{}] {}",
                PARTITIONS[cur].name,
                core::str::from_utf8(line).unwrap_or("<non-UTF-8 output>")
            );
        }
    }
}
