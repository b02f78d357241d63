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

use super::load;
use super::sched::{Answer, Runtime, Step};
use super::vcpu::Endpoint;
use crate::kprintln;

impl Runtime {
    /// Abort partition `cur` (running or booting).
    pub(super) fn abort(&mut self, cur: usize, what: fmt::Arguments<'_>) -> Step {
        self.flush_line(cur);
        kprintln!(
            "[fault] {}: {} (pc {:#x}): partition aborted",
            self.p(cur).name,
            what,
            self.vcpus[cur].regs.elr
        );
        self.vcpus[cur].faults += 1;
        self.stats.aborts += 1;
        if self.state(cur) == Reset::ID {
            self.settle::<Reset, Idle>(cur)
        } else {
            self.settle::<Running, Idle>(cur)
        }
        let requester = self.vcpus[cur].requester;
        let v = &mut self.vcpus[cur];
        load::load_program(&ACCEPTED.partitions()[cur], &v.program, v.image);
        v.reset([0; 8]);
        if self.loaded == Some(cur) {
            // Its EL1 registers on this CPU are the aborted ones: the next
            // entry loads a context without saving them.
            self.loaded = None;
        }
        kprintln!(
            "[fault] {}: program reloaded, vCPU reset; its next request starts it at its entry",
            self.p(cur).name
        );
        match requester {
            Some(Endpoint::Partition(r)) => {
                self.settle::<Blocked, Running>(r);
                self.vcpus[r].set_smccc(Regs::error(ffa::Error::Aborted));
                Step::Resume(r)
            }
            Some(Endpoint::NormalWorld) | None => Step::Return(Answer::Error(ffa::Error::Aborted)),
        }
    }

    /// A stage-2 instruction abort. When the PC is one of the partition's
    /// own exception vectors, the partition took an exception at EL1 with no
    /// vectors mapped there (VBAR_EL1 unset or bogus): report that
    /// exception, from its ESR_EL1/ELR_EL1, not the vector fetch.
    pub(super) fn instruction_abort(&mut self, cur: usize, ipa: u64, fault: FaultStatus) -> Step {
        let pc = self.vcpus[cur].regs.elr;
        // The vCPU just ran: its EL1 registers are this CPU's.
        let vbar = VBAR_EL1.get();
        let offset = pc.wrapping_sub(vbar);
        if offset < 0x800 && offset.is_multiple_of(0x80) {
            let (esr, elr, far) = (ESR_EL1.get(), ELR_EL1.get(), FAR_EL1.get());
            self.vcpus[cur].regs.elr = elr;
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
