//! A vCPU's EL1 system-register state: everything a partition can set at
//! EL1/EL0 that another partition could otherwise read or be steered by
//! (its MMU, its vectors, its thread registers, its exception registers,
//! FP enable, its virtual timer, its virtual GIC CPU interface). Switched when the CPU changes partition.
use aarch64_cpu::registers::*;

use super::vgic::{self, LRS};

/// SCTLR_EL1 bits that are RES1 in Armv8.0 (11, 20, 22, 23, 28, 29):
/// `aarch64-cpu` names no field for them.
const SCTLR_EL1_RES1: u64 = (1 << 29) | (1 << 28) | (1 << 23) | (1 << 22) | (1 << 20) | (1 << 11);

#[derive(Clone, Copy, Debug, Default)]
pub struct El1Regs {
    pub sctlr: u64,
    pub ttbr0: u64,
    pub ttbr1: u64,
    pub tcr: u64,
    pub mair: u64,
    pub amair: u64,
    pub vbar: u64,
    pub contextidr: u64,
    pub tpidr_el1: u64,
    pub tpidr_el0: u64,
    pub tpidrro_el0: u64,
    pub sp_el0: u64,
    pub elr: u64,
    pub spsr: u64,
    pub esr: u64,
    pub far: u64,
    pub afsr0: u64,
    pub afsr1: u64,
    pub par: u64,
    pub cpacr: u64,
    pub csselr: u64,
    pub cntkctl: u64,
    pub cntv_ctl: u64,
    pub cntv_cval: u64,
    /// Its virtual CPU interface: list registers and ICH_VMCR_EL2 (its
    /// priority mask and group enables).
    pub lrs: [u64; LRS],
    pub vmcr: u64,
    /// Its virtual active priorities (an interrupt it acknowledged and has
    /// not EOI'd): ICH_AP0R0_EL2, ICH_AP1R0_EL2 (5 priority bits: one register
    /// each).
    pub ap0r0: u64,
    pub ap1r0: u64,
}

impl El1Regs {
    /// A partition's state at reset: MMU, caches and alignment checks off,
    /// little-endian, no vectors (VBAR_EL1 = 0), FP/SIMD trapped to EL1
    /// (the partition enables it), virtual timer off.
    pub fn reset() -> El1Regs {
        let sctlr = SCTLR_EL1_RES1
            | (SCTLR_EL1::M::Disable + SCTLR_EL1::A::Disable + SCTLR_EL1::C::NonCacheable + SCTLR_EL1::I::NonCacheable)
                .value;
        El1Regs {
            sctlr,
            cpacr: CPACR_EL1::FPEN::TrapEl0El1.value,
            ..El1Regs::default()
        }
    }

    /// Read the registers of the partition that ran last on this CPU, and
    /// stop its virtual timer (its interrupt must not fire into another
    /// partition's time).
    pub fn save(&mut self) {
        self.sctlr = SCTLR_EL1.get();
        self.ttbr0 = TTBR0_EL1.get();
        self.ttbr1 = TTBR1_EL1.get();
        self.tcr = TCR_EL1.get();
        self.mair = MAIR_EL1.get();
        self.amair = AMAIR_EL1.get();
        self.vbar = VBAR_EL1.get();
        self.contextidr = CONTEXTIDR_EL1.get();
        self.tpidr_el1 = TPIDR_EL1.get();
        self.tpidr_el0 = TPIDR_EL0.get();
        self.tpidrro_el0 = TPIDRRO_EL0.get();
        self.sp_el0 = SP_EL0.get();
        self.elr = ELR_EL1.get();
        self.spsr = SPSR_EL1.get();
        self.esr = ESR_EL1.get();
        self.far = FAR_EL1.get();
        self.afsr0 = AFSR0_EL1.get();
        self.afsr1 = AFSR1_EL1.get();
        self.par = PAR_EL1.get();
        self.cpacr = CPACR_EL1.get();
        self.csselr = CSSELR_EL1.get();
        self.cntkctl = CNTKCTL_EL1.get();
        self.cntv_ctl = CNTV_CTL_EL0.get();
        self.cntv_cval = CNTV_CVAL_EL0.get();
        CNTV_CTL_EL0.write(CNTV_CTL_EL0::ENABLE::CLEAR + CNTV_CTL_EL0::IMASK::SET);
        for (n, lr) in self.lrs.iter_mut().enumerate() {
            *lr = vgic::read_lr(n);
        }
        self.vmcr = ICH_VMCR_EL2.get();
        self.ap0r0 = ICH_AP0R0_EL2.get();
        self.ap1r0 = ICH_AP1R0_EL2.get();
    }

    /// Run its virtual timer again (after `save` stopped it) when the rest
    /// of its registers are still this CPU's.
    pub fn restore_timer(&self) {
        CNTV_CVAL_EL0.set(self.cntv_cval);
        CNTV_CTL_EL0.set(self.cntv_ctl);
    }

    /// Load the registers of the partition about to run on this CPU.
    pub fn restore(&self) {
        SCTLR_EL1.set(self.sctlr);
        TTBR0_EL1.set(self.ttbr0);
        TTBR1_EL1.set(self.ttbr1);
        TCR_EL1.set(self.tcr);
        MAIR_EL1.set(self.mair);
        AMAIR_EL1.set(self.amair);
        VBAR_EL1.set(self.vbar);
        CONTEXTIDR_EL1.set(self.contextidr);
        TPIDR_EL1.set(self.tpidr_el1);
        TPIDR_EL0.set(self.tpidr_el0);
        TPIDRRO_EL0.set(self.tpidrro_el0);
        SP_EL0.set(self.sp_el0);
        ELR_EL1.set(self.elr);
        SPSR_EL1.set(self.spsr);
        ESR_EL1.set(self.esr);
        FAR_EL1.set(self.far);
        AFSR0_EL1.set(self.afsr0);
        AFSR1_EL1.set(self.afsr1);
        PAR_EL1.set(self.par);
        CPACR_EL1.set(self.cpacr);
        CSSELR_EL1.set(self.csselr);
        CNTKCTL_EL1.set(self.cntkctl);
        CNTV_CVAL_EL0.set(self.cntv_cval);
        CNTV_CTL_EL0.set(self.cntv_ctl);
        for (n, &lr) in self.lrs.iter().enumerate() {
            vgic::write_lr(n, lr);
        }
        ICH_VMCR_EL2.set(self.vmcr);
        ICH_AP0R0_EL2.set(self.ap0r0);
        ICH_AP1R0_EL2.set(self.ap1r0);
        aarch64_cpu::asm::barrier::isb(aarch64_cpu::asm::barrier::SY);
    }
}
