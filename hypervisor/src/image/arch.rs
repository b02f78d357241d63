//! Small wrappers over system registers and firmware calls that aarch64-cpu
//! does not cover (GICv3 CPU interface, CNTHP compare value, TLB and cache
//! maintenance, PSCI, semihosting).
use core::arch::asm;

use aarch64_cpu::registers::*;

/// A system register `aarch64-cpu` does not provide, as a unit struct with
/// `get`/`set` (its encoding in `S<op0>_<op1>_C<n>_C<m>_<op2>` form, which
/// every assembler accepts). Only registers whose access has no memory
/// effects belong here.
macro_rules! sysreg {
    ($(#[$doc:meta])* $name:ident = $enc:literal) => {
        $(#[$doc])*
        #[allow(non_camel_case_types)]
        pub struct $name;
        #[allow(dead_code)]
        impl $name {
            #[inline(always)]
            pub fn get(&self) -> u64 {
                let v: u64;
                // SAFETY: a read of this system register at EL2; it touches no
                // memory (declared in the macro's contract above).
                unsafe { asm!(concat!("mrs {}, ", $enc), out(reg) v, options(nomem, nostack)) };
                v
            }
            #[inline(always)]
            pub fn set(&self, v: u64) {
                // SAFETY: a write of this system register at EL2; it touches
                // no memory (the macro's contract above).
                unsafe { asm!(concat!("msr ", $enc, ", {}"), in(reg) v, options(nomem, nostack)) };
            }
        }
    };
}

sysreg!(
    /// Interrupt acknowledge, Group 1 (reading it acknowledges).
    ICC_IAR1_EL1 = "S3_0_C12_C12_0"
);
sysreg!(
    /// End of interrupt, Group 1 (with EOImode 1: priority drop only).
    ICC_EOIR1_EL1 = "S3_0_C12_C12_1"
);
sysreg!(
    /// Deactivate interrupt (EOImode 1).
    ICC_DIR_EL1 = "S3_0_C12_C11_1"
);
sysreg!(
    /// Priority mask.
    ICC_PMR_EL1 = "S3_0_C4_C6_0"
);
sysreg!(
    /// Binary point, Group 1.
    ICC_BPR1_EL1 = "S3_0_C12_C12_3"
);
sysreg!(
    /// Group 1 interrupt enable.
    ICC_IGRPEN1_EL1 = "S3_0_C12_C12_7"
);
sysreg!(
    /// CPU interface control (aarch64-cpu's is read-only): EOImode is bit 1.
    ICC_CTLR_EL1_RW = "S3_0_C12_C12_4"
);
sysreg!(
    /// The EL2 physical timer's compare value.
    CNTHP_CVAL_EL2 = "S3_4_C14_C2_2"
);
sysreg!(
    /// The MIDR value EL1 reads.
    VPIDR_EL2 = "S3_4_C0_C0_0"
);

/// ICC_CTLR_EL1.EOImode: 1 splits priority drop (EOIR) from deactivation (DIR).
const ICC_CTLR_EOIMODE: u64 = 1 << 1;

/// Acknowledge the highest-priority Group 1 interrupt (1020..1023: none).
pub fn gic_ack() -> u32 {
    ICC_IAR1_EL1.get() as u32
}

/// Priority drop of an acknowledged interrupt; it stays active until
/// [`gic_deactivate`] (or, for one handed to a partition through a hardware
/// list register, until the partition's EOI).
pub fn gic_drop(intid: u32) {
    ICC_EOIR1_EL1.set(intid as u64);
}

pub fn gic_deactivate(intid: u32) {
    ICC_DIR_EL1.set(intid as u64);
}

/// This CPU's GICv3 system-register interface at EL2: system registers for
/// EL2 and EL1 (ICC_SRE_EL2.SRE, .ENABLE), every priority let through, split
/// drop/deactivate (so a partition's EOI can deactivate the physical
/// interrupt of a hardware-mapped virtual one), Group 1 on, and the virtual
/// CPU interface the partitions use (ICH_HCR_EL2.En).
pub fn gic_cpu_interface_init() {
    ICC_SRE_EL2.modify(ICC_SRE_EL2::SRE::SET + ICC_SRE_EL2::ENABLE::SET);
    aarch64_cpu::asm::barrier::isb(aarch64_cpu::asm::barrier::SY);
    ICC_PMR_EL1.set(0xff);
    ICC_BPR1_EL1.set(0);
    ICC_CTLR_EL1_RW.set(ICC_CTLR_EL1_RW.get() | ICC_CTLR_EOIMODE);
    ICC_IGRPEN1_EL1.set(1);
    ICH_HCR_EL2.write(ICH_HCR_EL2::En::SET);
    aarch64_cpu::asm::barrier::isb(aarch64_cpu::asm::barrier::SY);
}

/// CNTHP_CVAL_EL2: the EL2 physical timer's compare value.
pub fn set_cnthp_cval(v: u64) {
    CNTHP_CVAL_EL2.set(v);
}

/// Invalidate all stage-1 and stage-2 EL1&0 TLB entries (all VMIDs).
pub fn tlbi_all_el1() {
    // SAFETY: TLB maintenance after page-table updates; barriers complete it.
    unsafe { asm!("dsb ishst", "tlbi alle1is", "dsb ish", "isb", options(nostack)) };
}

/// Clean and invalidate the data cache to PoC over `start..start+len`, then
/// invalidate the instruction cache (code was written through the EL2 cacheable
/// mapping and the guest fetches it with its MMU off).
pub fn sync_code(start: u64, len: u64) {
    let mut a = start & !63;
    while a < start + len {
        // SAFETY: DC CIVAC on an address this hypervisor mapped (guest RAM).
        unsafe { asm!("dc civac, {}", in(reg) a, options(nostack)) };
        a += 64;
    }
    // SAFETY: cache maintenance and barriers only.
    // Inner shareable: any CPU may run the partition next.
    unsafe { asm!("dsb ish", "ic ialluis", "dsb ish", "isb", options(nostack)) };
}

/// PSCI function ids (SMC calling convention, 64-bit).
pub mod psci {
    pub const CPU_ON: u64 = 0xC400_0003;
    pub const CPU_OFF: u64 = 0x8400_0002;
    pub const SYSTEM_OFF: u64 = 0x8400_0008;
}

/// An SMC to the firmware (QEMU's built-in PSCI with virtualization=on).
pub fn smc(fid: u64, a1: u64, a2: u64, a3: u64) -> i64 {
    let ret: u64;
    // SAFETY: SMCCC call; x0-x17 may be clobbered by the callee (SMCCC 1.0),
    // memory is not touched by QEMU's PSCI beyond starting/stopping CPUs.
    unsafe {
        asm!("smc #0",
            inout("x0") fid => ret, inout("x1") a1 => _, inout("x2") a2 => _, inout("x3") a3 => _,
            out("x4") _, out("x5") _, out("x6") _, out("x7") _, out("x8") _, out("x9") _,
            out("x10") _, out("x11") _, out("x12") _, out("x13") _, out("x14") _, out("x15") _,
            out("x16") _, out("x17") _, options(nostack))
    };
    ret as i64
}

/// PSCI SYSTEM_OFF: QEMU exits with status 0.
pub fn system_off() -> ! {
    smc(psci::SYSTEM_OFF, 0, 0, 0);
    // SYSTEM_OFF does not return; if the firmware refuses, stop via semihosting.
    semihosting_exit(0x7F)
}

/// Semihosting SYS_EXIT (0x18) with ADP_Stopped_ApplicationExit and `code`:
/// QEMU (with -semihosting) exits with `code`.
pub fn semihosting_exit(code: u32) -> ! {
    const SYS_EXIT: u64 = 0x18;
    const ADP_STOPPED_APPLICATION_EXIT: u64 = 0x20026;
    let block: [u64; 2] = [ADP_STOPPED_APPLICATION_EXIT, code as u64];
    // SAFETY: AArch64 semihosting trap `hlt #0xf000` with w0 = operation and
    // x1 = pointer to the two-word parameter block, which lives on this stack
    // for the duration of the call.
    unsafe { asm!("hlt #0xf000", in("x0") SYS_EXIT, in("x1") block.as_ptr(), options(nostack)) };
    // Without -semihosting the hlt traps instead; park the CPU.
    loop {
        aarch64_cpu::asm::wfe();
    }
}

/// VPIDR_EL2: the MIDR value EL1 reads (`aarch64-cpu` has no VPIDR_EL2).
pub fn set_vpidr(v: u64) {
    VPIDR_EL2.set(v);
}
