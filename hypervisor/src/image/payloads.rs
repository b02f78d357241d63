//! The EL1 payloads run as Secure Partitions: small position-independent
//! AArch64 programs assembled into the image (`.payload.*` sections) and copied
//! into each partition's own RAM at boot.
//!
//! Guest ABI (designed here):
//! * Boot: entered at `payload + 0` in state Reset, MMU off, with
//!   x22 = uart0 IPA, x23 = rtc0 IPA, x24 = gicd IPA, x25 = gicr IPA (0 when not
//!   given to the partition), x26 = partition id, x27 = the IPA of its first
//!   passed-through device (0 when none), SP = top of its RAM.
//!   A restart after a fault enters at `payload + 4` with the same registers and
//!   the request in x1/x2.
//! * `hvc #0` with x0 = function:
//!   - `DONE` (x1 = result): boot finished (Reset -> Idle) or the request is
//!     answered (Running -> Idle). Returns with the next request: x0 = `REQUEST`,
//!     x1 = command, x2 = argument.
//!   - `CALL` (x1 = partition id, x2 = argument): direct request to another
//!     partition (caller Running -> Blocked, callee Idle -> Running with
//!     command `CMD_WORK`). Returns x0 = status, x1 = the callee's result.
//!   - `RUN` (x1 = partition id): resume a preempted callee (after `INTERRUPTED`).
//!
//! Statuses: `OK`, `INTERRUPTED` (the callee was preempted: chain preemption),
//! `DENIED` (the lifecycle refused), `ABORTED` (callee stopped by a fault),
//! `UNKNOWN` (no such function).
use core::arch::global_asm;

pub mod abi {
    pub const DONE: u64 = 1;
    pub const CALL: u64 = 2;
    pub const RUN: u64 = 3;

    pub const REQUEST: u64 = 0x10;
    pub const OK: u64 = 0;
    pub const INTERRUPTED: u64 = 1;
    pub const DENIED: u64 = -1i64 as u64;
    pub const UNKNOWN: u64 = -2i64 as u64;
    pub const ABORTED: u64 = -3i64 as u64;

    pub const CMD_HELLO: u64 = 1;
    pub const CMD_SPIN: u64 = 2;
    pub const CMD_CALL: u64 = 3;
    pub const CMD_WORK: u64 = 4;
    pub const CMD_UNKNOWN_REG: u64 = 0x10;
    pub const CMD_WIDE_ACCESS: u64 = 0x11;
    pub const CMD_HYP_MEMORY: u64 = 0x12;
    pub const CMD_UNMAPPED: u64 = 0x13;
    pub const CMD_WRITE_CODE: u64 = 0x14;
    pub const CMD_BAD_RUN: u64 = 0x15;
    pub const CMD_GIC_PROBE: u64 = 0x16;

    /// An IPA no partition has mapped (virt's PCIe MMIO window: not in the map).
    pub const UNMAPPED_IPA: u64 = 0x1000_0000;
}

/// Console helpers of a payload, prefixed with its name (each payload is self-contained).
/// `puts` (x0 = NUL-terminated string), `puthex` (x0), `putnl`, `spin_ms` (x0 ms,
/// time from CNTVCT/CNTFRQ). Clobber x0, x10-x13 and x30.
macro_rules! guest_lib {
    ($p:literal) => {
        concat!(
            $p,
            "_puts:\n",
            "1:  ldrb    w11, [x0], #1\n",
            "    cbz     w11, 2f\n",
            "    strb    w11, [x22]\n",
            "    b       1b\n",
            "2:  ret\n",
            $p,
            "_puthex:\n",
            "    mov     w11, #48\n",
            "    strb    w11, [x22]\n",
            "    mov     w11, #120\n",
            "    strb    w11, [x22]\n",
            "    mov     x12, #60\n",
            "1:  lsr     x13, x0, x12\n",
            "    and     x13, x13, #0xf\n",
            "    cmp     x13, #10\n",
            "    b.lo    2f\n",
            "    add     x13, x13, #39\n",
            "2:  add     x13, x13, #48\n",
            "    strb    w13, [x22]\n",
            "    subs    x12, x12, #4\n",
            "    b.ge    1b\n",
            "    ret\n",
            $p,
            "_putnl:\n",
            "    mov     w11, #10\n",
            "    strb    w11, [x22]\n",
            "    ret\n",
            $p,
            "_spin_ms:\n",
            "    mrs     x10, cntfrq_el0\n",
            "    mov     x11, #1000\n",
            "    udiv    x10, x10, x11\n",
            "    mul     x10, x10, x0\n",
            "    mrs     x11, cntvct_el0\n",
            "    add     x10, x10, x11\n",
            "1:  mrs     x11, cntvct_el0\n",
            "    cmp     x11, x10\n",
            "    b.lo    1b\n",
            "    ret\n",
        )
    };
}

global_asm!(
    concat!(
        // ------------------------------------------------------------------
        // sp0: the client. Says hello through its devices, spins long enough to
        // be preempted, and calls sp1.
        ".section .payload.sp0, \"ax\"\n",
        ".balign 4096\n",
        ".global sp0_payload_start\n",
        "sp0_payload_start:\n",
        "    b       sp0_cold\n",
        "    b       sp0_dispatch\n",
        "sp0_cold:\n",
        "    adr     x0, sp0_s_boot\n",
        "    bl      sp0_puts\n",
        "    mrs     x0, CurrentEL\n",
        "    lsr     x0, x0, #2\n",
        "    bl      sp0_puthex\n",
        "    bl      sp0_putnl\n",
        "    mov     x0, #{DONE}\n",
        "    mov     x1, #0\n",
        "    hvc     #0\n",
        "sp0_dispatch:\n",
        "    cmp     x1, #{CMD_HELLO}\n",
        "    b.eq    sp0_hello\n",
        "    cmp     x1, #{CMD_SPIN}\n",
        "    b.eq    sp0_spin\n",
        "    cmp     x1, #{CMD_CALL}\n",
        "    b.eq    sp0_call\n",
        "    mov     x1, #-1\n",
        "    b       sp0_reply\n",
        "sp0_hello:\n",
        "    adr     x0, sp0_s_hello\n",
        "    bl      sp0_puts\n",
        "    adr     x0, sp0_s_rtc\n",
        "    bl      sp0_puts\n",
        "    ldr     w0, [x23]\n",               // PL031 DR
        "    bl      sp0_puthex\n",
        "    bl      sp0_putnl\n",
        "    adr     x0, sp0_s_typer\n",
        "    bl      sp0_puts\n",
        "    ldr     w0, [x24, #4]\n",           // GICD_TYPER
        "    bl      sp0_puthex\n",
        "    adr     x0, sp0_s_pidr2\n",
        "    bl      sp0_puts\n",
        "    mov     x9, #0xffe8\n",
        "    ldr     w0, [x24, x9]\n",           // GICD_PIDR2
        "    bl      sp0_puthex\n",
        "    adr     x0, sp0_s_rtyper\n",
        "    bl      sp0_puts\n",
        "    ldr     x0, [x25, #8]\n",           // GICR_TYPER (64-bit)
        "    bl      sp0_puthex\n",
        "    bl      sp0_putnl\n",
        "    adr     x0, sp0_s_fr\n",
        "    bl      sp0_puts\n",
        "    ldrh    w0, [x22, #0x18]\n",        // UARTFR, 16-bit
        "    bl      sp0_puthex\n",
        "    bl      sp0_putnl\n",
        "    cbz     x27, 5f\n",
        "    adr     x0, sp0_s_gpio\n",
        "    bl      sp0_puts\n",
        "    ldr     w0, [x27, #0xfe0]\n",       // PL061 PeriphID0: the device itself answers
        "    bl      sp0_puthex\n",
        "    bl      sp0_putnl\n",
        "5:  mov     x1, #0\n",
        "    b       sp0_reply\n",
        "sp0_spin:\n",
        "    mov     x19, x2\n",
        "    adr     x0, sp0_s_spin\n",
        "    bl      sp0_puts\n",
        "    mov     x0, x19\n",
        "    bl      sp0_puthex\n",
        "    adr     x0, sp0_s_ms\n",
        "    bl      sp0_puts\n",
        "    mov     x0, x19\n",
        "    bl      sp0_spin_ms\n",
        "    adr     x0, sp0_s_spun\n",
        "    bl      sp0_puts\n",
        "    mov     x1, #0\n",
        "    b       sp0_reply\n",
        "sp0_call:\n",
        "    mov     x19, x2\n",
        "    adr     x0, sp0_s_call\n",
        "    bl      sp0_puts\n",
        "    mov     x0, x19\n",
        "    bl      sp0_puthex\n",
        "    adr     x0, sp0_s_ms\n",
        "    bl      sp0_puts\n",
        "    mov     x0, #{CALL}\n",
        "    mov     x1, #1\n",
        "    mov     x2, x19\n",
        "    hvc     #0\n",
        "3:  cmp     x0, #{INTERRUPTED}\n",
        "    b.ne    4f\n",
        "    adr     x0, sp0_s_intr\n",
        "    bl      sp0_puts\n",
        "    mov     x0, #{RUN}\n",
        "    mov     x1, #1\n",
        "    hvc     #0\n",
        "    b       3b\n",
        "4:  mov     x20, x0\n",
        "    mov     x21, x1\n",
        "    adr     x0, sp0_s_ans\n",
        "    bl      sp0_puts\n",
        "    mov     x0, x20\n",
        "    bl      sp0_puthex\n",
        "    adr     x0, sp0_s_val\n",
        "    bl      sp0_puts\n",
        "    mov     x0, x21\n",
        "    bl      sp0_puthex\n",
        "    bl      sp0_putnl\n",
        "    mov     x1, x21\n",
        "sp0_reply:\n",
        "    mov     x0, #{DONE}\n",
        "    hvc     #0\n",
        "    b       sp0_dispatch\n",
        guest_lib!("sp0"),
        "sp0_s_boot:  .asciz \"sp0 booted, CurrentEL = \"\n",
        "sp0_s_hello: .asciz \"hello from sp0: probing my devices\\n\"\n",
        "sp0_s_rtc:   .asciz \"rtc0 DR (seconds since epoch) = \"\n",
        "sp0_s_typer: .asciz \"gicd TYPER = \"\n",
        "sp0_s_pidr2: .asciz \", PIDR2 = \"\n",
        "sp0_s_rtyper: .asciz \", gicr TYPER = \"\n",
        "sp0_s_fr:    .asciz \"uart0 FR = \"\n",
        "sp0_s_gpio:  .asciz \"gpio0 (passed through) PeriphID0 = \"\n",
        "sp0_s_spin:  .asciz \"spinning for \"\n",
        "sp0_s_ms:    .asciz \" ms\\n\"\n",
        "sp0_s_spun:  .asciz \"spin finished\\n\"\n",
        "sp0_s_call:  .asciz \"calling sp1 for work of \"\n",
        "sp0_s_intr:  .asciz \"call interrupted: sp1 was preempted, resuming it with RUN\\n\"\n",
        "sp0_s_ans:   .asciz \"sp1 answered: status \"\n",
        "sp0_s_val:   .asciz \", value \"\n",
        ".balign 4\n",
        ".global sp0_payload_end\n",
        "sp0_payload_end:\n",
        // ------------------------------------------------------------------
        // sp1: the service. Works for the requested number of milliseconds and
        // answers sum(1..=10*ms).
        ".section .payload.sp1, \"ax\"\n",
        ".balign 4096\n",
        ".global sp1_payload_start\n",
        "sp1_payload_start:\n",
        "    b       sp1_cold\n",
        "    b       sp1_dispatch\n",
        "sp1_cold:\n",
        "    adr     x0, sp1_s_boot\n",
        "    bl      sp1_puts\n",
        "    mov     x0, #{DONE}\n",
        "    mov     x1, #0\n",
        "    hvc     #0\n",
        "sp1_dispatch:\n",
        "    cmp     x1, #{CMD_WORK}\n",
        "    b.eq    sp1_work\n",
        "    mov     x1, #-1\n",
        "    b       sp1_reply\n",
        "sp1_work:\n",
        "    mov     x19, x2\n",
        "    adr     x0, sp1_s_work\n",
        "    bl      sp1_puts\n",
        "    mov     x0, x19\n",
        "    bl      sp1_puthex\n",
        "    adr     x0, sp1_s_ms\n",
        "    bl      sp1_puts\n",
        "    mov     x0, x19\n",
        "    bl      sp1_spin_ms\n",
        "    mov     x3, #10\n",
        "    mul     x3, x19, x3\n",
        "    mov     x1, #0\n",
        "1:  cbz     x3, 2f\n",
        "    add     x1, x1, x3\n",
        "    sub     x3, x3, #1\n",
        "    b       1b\n",
        "2:  mov     x20, x1\n",
        "    adr     x0, sp1_s_done\n",
        "    bl      sp1_puts\n",
        "    mov     x0, x20\n",
        "    bl      sp1_puthex\n",
        "    bl      sp1_putnl\n",
        "    mov     x1, x20\n",
        "sp1_reply:\n",
        "    mov     x0, #{DONE}\n",
        "    hvc     #0\n",
        "    b       sp1_dispatch\n",
        guest_lib!("sp1"),
        "sp1_s_boot: .asciz \"sp1 booted: service ready\\n\"\n",
        "sp1_s_work: .asciz \"working for \"\n",
        "sp1_s_ms:   .asciz \" ms for my caller\\n\"\n",
        "sp1_s_done: .asciz \"work done, sum = \"\n",
        ".balign 4\n",
        ".global sp1_payload_end\n",
        "sp1_payload_end:\n",
        // ------------------------------------------------------------------
        // sp2: the faulty one. Each command misbehaves in a different way.
        ".section .payload.sp2, \"ax\"\n",
        ".balign 4096\n",
        ".global sp2_payload_start\n",
        "sp2_payload_start:\n",
        "    b       sp2_cold\n",
        "    b       sp2_dispatch\n",
        "sp2_cold:\n",
        "    adr     x0, sp2_s_boot\n",
        "    bl      sp2_puts\n",
        "    mov     x0, #{DONE}\n",
        "    mov     x1, #0\n",
        "    hvc     #0\n",
        "sp2_dispatch:\n",
        "    cmp     x1, #{CMD_UNKNOWN_REG}\n",
        "    b.eq    sp2_unknown_reg\n",
        "    cmp     x1, #{CMD_WIDE_ACCESS}\n",
        "    b.eq    sp2_wide\n",
        "    cmp     x1, #{CMD_HYP_MEMORY}\n",
        "    b.eq    sp2_hyp\n",
        "    cmp     x1, #{CMD_UNMAPPED}\n",
        "    b.eq    sp2_unmapped\n",
        "    cmp     x1, #{CMD_WRITE_CODE}\n",
        "    b.eq    sp2_write_code\n",
        "    cmp     x1, #{CMD_BAD_RUN}\n",
        "    b.eq    sp2_bad_run\n",
        "    cmp     x1, #{CMD_GIC_PROBE}\n",
        "    b.eq    sp2_gic\n",
        "    cmp     x1, #{CMD_HELLO}\n",
        "    b.eq    sp2_hello\n",
        "    mov     x1, #-1\n",
        "    b       sp2_reply\n",
        "sp2_hello:\n",
        "    adr     x0, sp2_s_hello\n",
        "    bl      sp2_puts\n",
        "    mov     x1, #0\n",
        "    b       sp2_reply\n",
        "sp2_unknown_reg:\n",
        "    adr     x0, sp2_s_unk\n",
        "    bl      sp2_puts\n",
        "    ldr     w0, [x22, #0xf00]\n",
        "    bl      sp2_puthex\n",
        "    bl      sp2_putnl\n",
        "    mov     x1, #0\n",
        "    b       sp2_reply\n",
        "sp2_wide:\n",
        "    adr     x0, sp2_s_wide\n",
        "    bl      sp2_puts\n",
        "    mov     x3, #0x41\n",
        "    str     x3, [x22]\n",
        "    b       sp2_survived\n",
        "sp2_hyp:\n",
        "    adr     x0, sp2_s_hyp\n",
        "    bl      sp2_puts\n",
        "    mov     x9, #{IMAGE_BASE_HI}\n",
        "    lsl     x9, x9, #16\n",
        "    ldr     x0, [x9]\n",
        "    b       sp2_survived\n",
        "sp2_unmapped:\n",
        "    adr     x0, sp2_s_unm\n",
        "    bl      sp2_puts\n",
        "    mov     x9, #{UNMAPPED_HI}\n",
        "    lsl     x9, x9, #16\n",
        "    ldr     w0, [x9]\n",
        "    b       sp2_survived\n",
        "sp2_write_code:\n",
        "    adr     x0, sp2_s_wc\n",
        "    bl      sp2_puts\n",
        "    adr     x9, sp2_payload_start\n",
        "    str     xzr, [x9]\n",
        "    b       sp2_survived\n",
        "sp2_bad_run:\n",
        "    adr     x0, sp2_s_run\n",
        "    bl      sp2_puts\n",
        "    mov     x0, #{RUN}\n",
        "    mov     x1, #1\n",
        "    hvc     #0\n",
        "    mov     x19, x0\n",
        "    adr     x0, sp2_s_ans\n",
        "    bl      sp2_puts\n",
        "    mov     x0, x19\n",
        "    bl      sp2_puthex\n",
        "    bl      sp2_putnl\n",
        "    mov     x1, x19\n",
        "    b       sp2_reply\n",
        "sp2_gic:\n",
        "    adr     x0, sp2_s_gic\n",
        "    bl      sp2_puts\n",
        "    ldr     w0, [x24, #0]\n",           // GICD_CTLR
        "    bl      sp2_puthex\n",
        "    bl      sp2_putnl\n",
        "    mov     x1, #0\n",
        "    b       sp2_reply\n",
        "sp2_survived:\n",
        "    adr     x0, sp2_s_surv\n",
        "    bl      sp2_puts\n",
        "    mov     x1, #-1\n",
        "sp2_reply:\n",
        "    mov     x0, #{DONE}\n",
        "    hvc     #0\n",
        "    b       sp2_dispatch\n",
        guest_lib!("sp2"),
        "sp2_s_boot:  .asciz \"sp2 booted (the faulty one)\\n\"\n",
        "sp2_s_hello: .asciz \"sp2 still serving requests after its faults\\n\"\n",
        "sp2_s_unk:   .asciz \"reading uart0+0xf00 (no such PL011 register): got \"\n",
        "sp2_s_wide:  .asciz \"64-bit store to uart0 DR (a 32-bit register)\\n\"\n",
        "sp2_s_hyp:   .asciz \"reading hypervisor memory\\n\"\n",
        "sp2_s_unm:   .asciz \"reading an unmapped IPA\\n\"\n",
        "sp2_s_wc:    .asciz \"writing to my own code (mapped read+exec)\\n\"\n",
        "sp2_s_run:   .asciz \"asking to RUN sp1, which is not preempted\\n\"\n",
        "sp2_s_ans:   .asciz \"hypervisor answered \"\n",
        "sp2_s_gic:   .asciz \"gicd CTLR = \"\n",
        "sp2_s_surv:  .asciz \"ERROR: the faulting access returned\\n\"\n",
        ".balign 4\n",
        ".global sp2_payload_end\n",
        "sp2_payload_end:\n",
        ".section .text, \"ax\"\n",
    ),
    DONE = const abi::DONE,
    CALL = const abi::CALL,
    RUN = const abi::RUN,
    INTERRUPTED = const abi::INTERRUPTED,
    CMD_HELLO = const abi::CMD_HELLO,
    CMD_SPIN = const abi::CMD_SPIN,
    CMD_CALL = const abi::CMD_CALL,
    CMD_WORK = const abi::CMD_WORK,
    CMD_UNKNOWN_REG = const abi::CMD_UNKNOWN_REG,
    CMD_WIDE_ACCESS = const abi::CMD_WIDE_ACCESS,
    CMD_HYP_MEMORY = const abi::CMD_HYP_MEMORY,
    CMD_UNMAPPED = const abi::CMD_UNMAPPED,
    CMD_WRITE_CODE = const abi::CMD_WRITE_CODE,
    CMD_BAD_RUN = const abi::CMD_BAD_RUN,
    CMD_GIC_PROBE = const abi::CMD_GIC_PROBE,
    IMAGE_BASE_HI = const (programs::board::ACCEPTED.board().image_base() >> 16),
    UNMAPPED_HI = const (abi::UNMAPPED_IPA >> 16),
);

const _: () = assert!(programs::board::ACCEPTED.board().image_base() & 0xFFFF == 0);
const _: () = assert!(abi::UNMAPPED_IPA & 0xFFFF == 0);

/// A payload's bytes in the image.
pub struct Payload {
    pub name: &'static str,
    pub start: *const u8,
    pub end: *const u8,
}

unsafe extern "C" {
    static sp0_payload_start: u8;
    static sp0_payload_end: u8;
    static sp1_payload_start: u8;
    static sp1_payload_end: u8;
    static sp2_payload_start: u8;
    static sp2_payload_end: u8;
}

/// The payloads, indexed by partition id.
/// The names of the programs [`payloads`] returns, in its order.
const PROGRAM_NAMES: [&str; 3] = ["sp0", "sp1", "sp2"];

/// For each partition of the accepted configuration, in its order, the
/// index of its program in [`payloads`]: found by name at compile time, so
/// a partition without a program (or a program without a partition) fails
/// the build, naming it.
pub const PROGRAM_OF: [usize; super::sched::NUM_SP] = {
    use programs::__private::typevm::message::Message;
    use programs::__private::typevm::value::str_eq;
    let parts = programs::board::ACCEPTED.partitions();
    let mut of = [0; super::sched::NUM_SP];
    let mut used = [false; PROGRAM_NAMES.len()];
    let mut i = 0;
    while i < parts.len() {
        let mut k = 0;
        while k < PROGRAM_NAMES.len() && !str_eq(PROGRAM_NAMES[k], parts[i].name()) {
            k += 1;
        }
        if k == PROGRAM_NAMES.len() {
            let mut m = Message::new();
            m.push_str("partition `");
            m.push_str(parts[i].name());
            m.push_str("` of the accepted configuration has no program: add one named after it to `payloads.rs`");
            panic!("{}", m.as_str());
        }
        of[i] = k;
        used[k] = true;
        i += 1;
    }
    let mut k = 0;
    while k < used.len() {
        if !used[k] {
            let mut m = Message::new();
            m.push_str("program `");
            m.push_str(PROGRAM_NAMES[k]);
            m.push_str("` in `payloads.rs` is no partition's: declare the partition in `programs/src/board.rs` or remove the program");
            panic!("{}", m.as_str());
        }
        k += 1;
    }
    of
};

pub fn payloads() -> [Payload; 3] {
    [
        Payload {
            name: PROGRAM_NAMES[0],
            start: &raw const sp0_payload_start,
            end: &raw const sp0_payload_end,
        },
        Payload {
            name: PROGRAM_NAMES[1],
            start: &raw const sp1_payload_start,
            end: &raw const sp1_payload_end,
        },
        Payload {
            name: PROGRAM_NAMES[2],
            start: &raw const sp2_payload_start,
            end: &raw const sp2_payload_end,
        },
    ]
}
