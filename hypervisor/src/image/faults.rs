//! Faults: a partition that breaks a rule is aborted, reported with its
//! real PC and the rule, its program reloaded and its vCPU reset; whoever
//! sent it the request it was serving gets FFA_ERROR(ABORTED). Other
//! partitions are untouched.
use core::fmt;

use aarch64_cpu::registers::*;

use ffa::Regs;
use hypervisor::esr::{self, FaultStatus};
use programs::StateId;
use programs::board::*;

use super::arch;
use super::load;
use super::sched::{Answer, NUM_SP, Runtime, Step};
use super::vcpu::{CONTEXTS, Endpoint};
use super::vgic;
use crate::kprintln;

impl Runtime {
    /// Abort partition `cur` (running or booting, owned by this CPU): its
    /// preempted callees are aborted with it, its program is reloaded, its
    /// vCPU reset, and its requester gets FFA_ERROR(ABORTED).
    pub(super) fn abort(&mut self, cur: usize, what: fmt::Arguments<'_>) -> Step {
        self.flush_line(cur);
        kprintln!(
            "[fault] {}: {} (pc {:#x}): partition aborted",
            self.p(cur).name,
            what,
            self.vcpu(cur).regs.elr
        );
        let requester = self.requester(cur);
        self.unwind(cur);
        match requester {
            Some(Endpoint::Partition(r)) => {
                self.settle::<Blocked, Running>(r);
                self.vcpu_mut(r).set_smccc(Regs::error(ffa::Error::Aborted));
                Step::Resume(r)
            }
            Some(Endpoint::NormalWorld) | None => Step::Return(Answer::Error(ffa::Error::Aborted)),
        }
    }

    /// Put aborted partition `cur` back at its entry, and release it Idle.
    /// A callee it left Preempted (its call chain, which nobody else may
    /// resume) is taken over (Preempted -> Running, this CPU wins it or it
    /// is already gone) and aborted too: rule `a caller's fault aborts its
    /// callees`.
    fn unwind(&mut self, cur: usize) {
        self.vcpu_mut(cur).faults += 1;
        self.stats.aborts += 1;
        for c in 0..NUM_SP {
            if self.resumable_by(c, Endpoint::Partition(cur)) && self.take_resumed(c, Endpoint::Partition(cur)) {
                kprintln!(
                    "[fault] {}: its caller {} was aborted: rule `a caller's fault aborts its callees`: partition aborted",
                    self.p(c).name,
                    self.p(cur).name
                );
                self.unwind(c);
            }
        }
        let booting = self.state(cur) == Reset::ID;
        // Device interrupts it held (listed or waiting) are deactivated: they
        // fire again for its next life.
        let mut lrs = self.vcpu(cur).el1.lrs;
        if self.loaded == Some(cur) {
            for (n, lr) in lrs.iter_mut().enumerate() {
                *lr = vgic::read_lr(n);
            }
        }
        for intid in vgic::hardware_mapped(&lrs) {
            arch::gic_deactivate(intid);
        }
        vgic::discard(&CONTEXTS[cur].pending, cur);
        let v = self.vcpu_mut(cur);
        load::load_program(&ACCEPTED.partitions()[cur], &v.program, v.image);
        v.reset([0; 8]);
        if self.loaded == Some(cur) {
            // Its EL1 registers on this CPU are the aborted ones: reset them
            // too, so that the context released below is the clean one.
            self.vcpu(cur).el1.restore();
        }
        // Its own translations (stage 1 of its VMID) may be cached on any CPU.
        arch::tlbi_all_el1();
        self.set_requester(cur, None);
        kprintln!(
            "[fault] {}: program reloaded, vCPU reset; its next request starts it at its entry",
            self.p(cur).name
        );
        if booting {
            self.leave::<Reset, Idle>(cur)
        } else {
            self.leave::<Running, Idle>(cur)
        }
    }

    /// A stage-2 instruction abort. When the PC is one of the partition's
    /// own exception vectors, the partition took an exception at EL1 with no
    /// vectors mapped there (VBAR_EL1 unset or bogus): report that
    /// exception, from its ESR_EL1/ELR_EL1, not the vector fetch.
    pub(super) fn instruction_abort(&mut self, cur: usize, ipa: u64, fault: FaultStatus) -> Step {
        let pc = self.vcpu(cur).regs.elr;
        // The vCPU just ran: its EL1 registers are this CPU's.
        let vbar = VBAR_EL1.get();
        let offset = pc.wrapping_sub(vbar);
        if offset < 0x800 && offset.is_multiple_of(0x80) {
            let (esr, elr, far) = (ESR_EL1.get(), ELR_EL1.get(), FAR_EL1.get());
            self.vcpu_mut(cur).regs.elr = elr;
            return self.abort(
                cur,
                format_args!(
                    "{} at EL1 (ESR_EL1 {esr:#x}, FAR_EL1 {far:#x}) with no exception vectors to take it (VBAR_EL1 {vbar:#x}, vector +{offset:#x} not mapped): rule `a partition handles its own exceptions`",
                    esr::class_name(esr)
                ),
            );
        }
        self.abort(
            cur,
            format_args!("instruction fetch at IPA {ipa:#x}: rule `partitions execute only their own code`: {fault}"),
        )
    }
}
