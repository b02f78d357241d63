//! Small wrappers over system registers and firmware calls that aarch64-cpu
//! does not cover (GICv3 CPU interface, CNTHP compare value, TLB and cache
//! maintenance, PSCI, semihosting).
use core::arch::asm;

/// Read ICC_IAR1_EL1: acknowledge the highest-priority Group 1 interrupt.
pub fn gic_ack() -> u32 {
    let v: u64;
    // SAFETY: reading IAR1 acknowledges an interrupt; EL2 owns the physical CPU
    // interface (ICC_SRE_EL2.SRE = 1), and the caller EOIs what it acknowledges.
    unsafe { asm!("mrs {}, S3_0_C12_C12_0", out(reg) v, options(nomem, nostack)) };
    v as u32
}

/// Write ICC_EOIR1_EL1 (EOImode 0: priority drop and deactivation).
pub fn gic_eoi(intid: u32) {
    // SAFETY: `intid` was returned by `gic_ack` on this CPU.
    unsafe { asm!("msr S3_0_C12_C12_1, {}", in(reg) intid as u64, options(nomem, nostack)) };
}

/// Enable the GICv3 system-register CPU interface at EL2 and Group 1 interrupts.
pub fn gic_cpu_interface_init() {
    // SAFETY: ICC_SRE_EL2 (S3_4_C12_C9_5): SRE | Enable (lower ELs may use
    // system registers too); then PMR = 0xff (let all priorities through),
    // BPR1 = 0, IGRPEN1 = 1. Standard GICv3 CPU interface bring-up at EL2.
    unsafe {
        asm!(
            "mrs {t}, S3_4_C12_C9_5",
            "orr {t}, {t}, #0x1",
            "orr {t}, {t}, #0x8",
            "msr S3_4_C12_C9_5, {t}",
            "isb",
            "mov {t}, #0xff",
            "msr S3_0_C4_C6_0, {t}",
            "msr S3_0_C12_C12_3, xzr",
            "mov {t}, #1",
            "msr S3_0_C12_C12_7, {t}",
            "isb",
            t = out(reg) _,
            options(nomem, nostack)
        )
    };
}

/// CNTHP_CVAL_EL2: the EL2 physical timer's compare value.
pub fn set_cnthp_cval(v: u64) {
    // SAFETY: writes the EL2 timer compare register; no memory effects.
    unsafe { asm!("msr cnthp_cval_el2, {}", in(reg) v, options(nomem, nostack)) };
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
    unsafe { asm!("dsb ish", "ic iallu", "dsb ish", "isb", options(nostack)) };
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
    // SAFETY: VPIDR_EL2 only changes what EL1 reads as MIDR_EL1; no memory effects.
    unsafe { asm!("msr vpidr_el2, {}", in(reg) v, options(nomem, nostack)) };
}
