//! EL2 exception vectors, the guest world switch (`run_guest`), and the frame
//! layouts the assembly shares with Rust (pinned with `offset_of!` asserts).
use core::arch::global_asm;
use core::mem::{offset_of, size_of};

/// A guest vCPU's FP/SIMD state: saved by the exit path before any
/// hypervisor code runs (the hypervisor's own code uses the v-registers) and
/// restored right before `eret`: eager switching, so no partition ever sees
/// another's (or the hypervisor's) FP/SIMD contents.
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug, Default)]
pub struct FpRegs {
    pub q: [u128; 32],
    pub fpcr: u64,
    pub fpsr: u64,
}

/// A guest vCPU's registers that the world switch moves: general-purpose,
/// SP_EL1, the return state and FP/SIMD. (The EL1 system registers are
/// switched in Rust: `image/context.rs`.)
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug, Default)]
pub struct GuestRegs {
    pub x: [u64; 31],
    pub sp_el1: u64,
    pub elr: u64,
    pub spsr: u64,
    pub fp: FpRegs,
}

const _: () = assert!(offset_of!(GuestRegs, x) == 0);
const _: () = assert!(offset_of!(GuestRegs, sp_el1) == 248);
const _: () = assert!(offset_of!(GuestRegs, elr) == 256);
const _: () = assert!(offset_of!(GuestRegs, spsr) == 264);
const _: () = assert!(offset_of!(GuestRegs, fp) == 272);
const _: () = assert!(offset_of!(FpRegs, q) == 0);
const _: () = assert!(offset_of!(FpRegs, fpcr) == 512);
const _: () = assert!(offset_of!(FpRegs, fpsr) == 520);
const _: () = assert!(size_of::<GuestRegs>() == 800);

/// The hypervisor's callee-saved state pushed by `run_guest` (offsets in bytes
/// from SP while the guest runs).
#[repr(C)]
pub struct HostFrame {
    pub x19_x30: [u64; 12],
    pub ctx: u64,
    pub pad: u64,
    pub d8_d15: [u64; 8],
}

const _: () = assert!(offset_of!(HostFrame, x19_x30) == 0);
const _: () = assert!(offset_of!(HostFrame, ctx) == 96);
const _: () = assert!(offset_of!(HostFrame, d8_d15) == 112);
const _: () = assert!(size_of::<HostFrame>() == 176);

/// Registers of an exception taken at EL2 itself (a hypervisor bug).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TrapFrame {
    pub x: [u64; 31],
    pub elr: u64,
    pub spsr: u64,
    pub esr: u64,
    pub far: u64,
    pub pad: u64,
}

const _: () = assert!(offset_of!(TrapFrame, x) == 0);
const _: () = assert!(offset_of!(TrapFrame, elr) == 248);
const _: () = assert!(offset_of!(TrapFrame, spsr) == 256);
const _: () = assert!(offset_of!(TrapFrame, esr) == 264);
const _: () = assert!(offset_of!(TrapFrame, far) == 272);
const _: () = assert!(size_of::<TrapFrame>() == 288);

/// Why `run_guest` returned (vector group of the exception from the guest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitKind {
    Sync,
    Irq,
    Fiq,
    SError,
    /// Any exception from AArch32 (the guests are AArch64-only).
    Aarch32 {
        code: u64,
    },
}

impl ExitKind {
    pub const fn from_code(code: u64) -> ExitKind {
        match code {
            0 => ExitKind::Sync,
            1 => ExitKind::Irq,
            2 => ExitKind::Fiq,
            3 => ExitKind::SError,
            c => ExitKind::Aarch32 { code: c },
        }
    }
}

global_asm!(
    r#"
// x2..x29 in pairs at `base` + 8 n (x0..x30 are `x: [u64; 31]` at offset 0
// of GuestRegs and TrapFrame), with `pair` (`stp`/`ldp`).
.macro XPAIRS_2_29 pair, base
    \pair   x2, x3, [\base, #16]
    \pair   x4, x5, [\base, #32]
    \pair   x6, x7, [\base, #48]
    \pair   x8, x9, [\base, #64]
    \pair   x10, x11, [\base, #80]
    \pair   x12, x13, [\base, #96]
    \pair   x14, x15, [\base, #112]
    \pair   x16, x17, [\base, #128]
    \pair   x18, x19, [\base, #144]
    \pair   x20, x21, [\base, #160]
    \pair   x22, x23, [\base, #176]
    \pair   x24, x25, [\base, #192]
    \pair   x26, x27, [\base, #208]
    \pair   x28, x29, [\base, #224]
.endm
// x2..x30: the pairs, then x30 with `single` (`str`/`ldr`) at `base` + 240.
.macro XREGS_2_30 pair, single, base
    XPAIRS_2_29 \pair, \base
    \single x30, [\base, #240]
.endm
// q0..q31 in pairs at `base` + 16 n (FpRegs.q at offset 0).
.macro QREGS pair, base
    \pair   q0, q1, [\base, #0]
    \pair   q2, q3, [\base, #32]
    \pair   q4, q5, [\base, #64]
    \pair   q6, q7, [\base, #96]
    \pair   q8, q9, [\base, #128]
    \pair   q10, q11, [\base, #160]
    \pair   q12, q13, [\base, #192]
    \pair   q14, q15, [\base, #224]
    \pair   q16, q17, [\base, #256]
    \pair   q18, q19, [\base, #288]
    \pair   q20, q21, [\base, #320]
    \pair   q22, q23, [\base, #352]
    \pair   q24, q25, [\base, #384]
    \pair   q26, q27, [\base, #416]
    \pair   q28, q29, [\base, #448]
    \pair   q30, q31, [\base, #480]
.endm

.macro GUEST_EXIT code
    .balign 0x80
    stp     x0, x1, [sp, #-16]!
    mov     x0, #\code
    b       guest_exit
.endm

.macro EL2_FAULT code
    .balign 0x80
    sub     sp, sp, #{tf_size}
    stp     x0, x1, [sp, #0]
    mov     x0, #\code
    b       el2_fault_common
.endm

.section .text.vectors, "ax"
.balign 2048
.global hv_vectors
hv_vectors:
    // Current EL with SP_EL0 (never used: EL2 runs on SP_EL2).
    EL2_FAULT 0
    EL2_FAULT 1
    EL2_FAULT 2
    EL2_FAULT 3
    // Current EL with SP_EL2: exceptions in the hypervisor itself.
    EL2_FAULT 4
    EL2_FAULT 5
    EL2_FAULT 6
    EL2_FAULT 7
    // Lower EL, AArch64: the guests.
    GUEST_EXIT 0
    GUEST_EXIT 1
    GUEST_EXIT 2
    GUEST_EXIT 3
    // Lower EL, AArch32.
    GUEST_EXIT 4
    GUEST_EXIT 5
    GUEST_EXIT 6
    GUEST_EXIT 7

.section .text, "ax"
// u64 run_guest(GuestRegs *ctx): enter the guest; returns the exit code when
// the guest takes an exception to EL2, with the guest context saved in *ctx.
.global run_guest
run_guest:
    sub     sp, sp, #{hf_size}
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    str     x0, [sp, #{hf_ctx}]
    stp     d8, d9, [sp, #{hf_d8} + 0]
    stp     d10, d11, [sp, #{hf_d8} + 16]
    stp     d12, d13, [sp, #{hf_d8} + 32]
    stp     d14, d15, [sp, #{hf_d8} + 48]
    ldr     x1, [x0, #{g_sp}]
    msr     sp_el1, x1
    ldr     x1, [x0, #{g_elr}]
    msr     elr_el2, x1
    ldr     x1, [x0, #{g_spsr}]
    msr     spsr_el2, x1
    add     x1, x0, #{g_fp}
    QREGS ldp, x1
    add     x1, x1, #{fp_fpcr}
    ldp     x2, x3, [x1]
    msr     fpcr, x2
    msr     fpsr, x3
    XREGS_2_30 ldp, ldr, x0
    ldp     x0, x1, [x0, #0]
    eret

// Guest took an exception: [sp] = guest x0, x1; the host frame is above it.
guest_exit:
    ldr     x1, [sp, #16 + {hf_ctx}]
    XREGS_2_30 stp, str, x1
    ldp     x2, x3, [sp], #16
    stp     x2, x3, [x1, #0]
    mrs     x2, sp_el1
    str     x2, [x1, #{g_sp}]
    mrs     x2, elr_el2
    str     x2, [x1, #{g_elr}]
    mrs     x2, spsr_el2
    str     x2, [x1, #{g_spsr}]
    add     x2, x1, #{g_fp}
    QREGS stp, x2
    mrs     x3, fpcr
    mrs     x4, fpsr
    add     x2, x2, #{fp_fpcr}
    stp     x3, x4, [x2]
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     d8, d9, [sp, #{hf_d8} + 0]
    ldp     d10, d11, [sp, #{hf_d8} + 16]
    ldp     d12, d13, [sp, #{hf_d8} + 32]
    ldp     d14, d15, [sp, #{hf_d8} + 48]
    add     sp, sp, #{hf_size}
    ret

// An exception at EL2: save everything into a TrapFrame and report (no return).
el2_fault_common:
    XREGS_2_30 stp, str, sp
    mrs     x2, elr_el2
    str     x2, [sp, #{t_elr}]
    mrs     x2, spsr_el2
    str     x2, [sp, #{t_spsr}]
    mrs     x2, esr_el2
    str     x2, [sp, #{t_esr}]
    mrs     x2, far_el2
    str     x2, [sp, #{t_far}]
    mov     x1, sp
    bl      el2_exception
1:  wfe
    b       1b

// void capture_regs(u64 out[32]): x0..x30 and sp as they are at the call.
.global capture_regs
capture_regs:
    stp     x0, x1, [x0, #0]
    XPAIRS_2_29 stp, x0
    mov     x1, sp
    stp     x30, x1, [x0, #240]
    ret
"#,
    hf_size = const size_of::<HostFrame>(),
    hf_ctx = const offset_of!(HostFrame, ctx),
    hf_d8 = const offset_of!(HostFrame, d8_d15),
    g_sp = const offset_of!(GuestRegs, sp_el1),
    g_elr = const offset_of!(GuestRegs, elr),
    g_spsr = const offset_of!(GuestRegs, spsr),
    g_fp = const offset_of!(GuestRegs, fp),
    fp_fpcr = const offset_of!(FpRegs, fpcr),
    tf_size = const size_of::<TrapFrame>(),
    t_elr = const offset_of!(TrapFrame, elr),
    t_spsr = const offset_of!(TrapFrame, spsr),
    t_esr = const offset_of!(TrapFrame, esr),
    t_far = const offset_of!(TrapFrame, far),
);

unsafe extern "C" {
    /// Enter the guest whose context is `*ctx`; returns the exit code (see
    /// [`ExitKind::from_code`]) with the guest's context saved back to `*ctx`.
    pub fn run_guest(ctx: *mut GuestRegs) -> u64;
    /// Store x0..x30 and sp into `out`.
    pub fn capture_regs(out: *mut [u64; 32]);
}
