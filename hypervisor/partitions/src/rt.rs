//! The bare-metal half of the runtime (EL1, `aarch64-unknown-none`).
use core::arch::asm;
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use aarch64_cpu::asm::barrier;
use aarch64_cpu::registers::*;
use ffa::Regs;

/// The entry point and the EL1 vector table, emitted into each partition
/// binary by [`crate::partition!`] (not into the library: the hypervisor
/// links the library too).
#[doc(hidden)]
#[macro_export]
macro_rules! __partition_asm {
    () => {
        core::arch::global_asm!(
            r#"
        .section .text.entry, "ax"
        .global _start
        _start:
            // The stack: the top of the partition's `rw` region (linker script from
            // the accepted configuration).
            ldr     x8, =__stack_top
            mov     sp, x8
            // FP/SIMD on at EL1 before any compiled code runs (it may use v-registers):
            // CPACR_EL1.FPEN = 0b11.
            mov     x9, #(3 << 20)
            msr     cpacr_el1, x9
            isb
            // x0..x7 (a pending request, or zeros) as the `Regs` argument.
            sub     sp, sp, #64
            stp     x0, x1, [sp, #0]
            stp     x2, x3, [sp, #16]
            stp     x4, x5, [sp, #32]
            stp     x6, x7, [sp, #48]
            mov     x0, sp
            bl      __partition_main
        1:  b       1b
        
        // x2..x30 of the frame on the stack (`ExceptionFrame.x`, x_n at 8 n), with
        // `pair` (`stp`/`ldp`) and `single` (`str`/`ldr`) for x30.
        .macro FRAME_X pair, single
            \pair   x2, x3, [sp, #16]
            \pair   x4, x5, [sp, #32]
            \pair   x6, x7, [sp, #48]
            \pair   x8, x9, [sp, #64]
            \pair   x10, x11, [sp, #80]
            \pair   x12, x13, [sp, #96]
            \pair   x14, x15, [sp, #112]
            \pair   x16, x17, [sp, #128]
            \pair   x18, x19, [sp, #144]
            \pair   x20, x21, [sp, #160]
            \pair   x22, x23, [sp, #176]
            \pair   x24, x25, [sp, #192]
            \pair   x26, x27, [sp, #208]
            \pair   x28, x29, [sp, #224]
            \single x30, [sp, #240]
        .endm
        // q0..q31 of the frame (`ExceptionFrame.q`, at 256 + 16 n).
        .macro FRAME_Q pair
            \pair   q0, q1, [sp, #256]
            \pair   q2, q3, [sp, #288]
            \pair   q4, q5, [sp, #320]
            \pair   q6, q7, [sp, #352]
            \pair   q8, q9, [sp, #384]
            \pair   q10, q11, [sp, #416]
            \pair   q12, q13, [sp, #448]
            \pair   q14, q15, [sp, #480]
            \pair   q16, q17, [sp, #512]
            \pair   q18, q19, [sp, #544]
            \pair   q20, q21, [sp, #576]
            \pair   q22, q23, [sp, #608]
            \pair   q24, q25, [sp, #640]
            \pair   q26, q27, [sp, #672]
            \pair   q28, q29, [sp, #704]
            \pair   q30, q31, [sp, #736]
        .endm
        // EL1 vectors: every entry saves x0..x30, q0..q31, FPSR and FPCR (an
        // interrupt may arrive anywhere, and the handler is compiled code) and calls
        // `__partition_exception(frame, entry)`; a handled exception returns here.
        .macro VECTOR n
            .balign 0x80
            sub     sp, sp, #800
            stp     x0, x1, [sp, #0]
            mov     x0, #\n
            b       vector_common
        .endm
        .section .text.vectors, "ax"
        .balign 2048
        .global partition_vectors
        partition_vectors:
            VECTOR 0
            VECTOR 1
            VECTOR 2
            VECTOR 3
            VECTOR 4
            VECTOR 5
            VECTOR 6
            VECTOR 7
            VECTOR 8
            VECTOR 9
            VECTOR 10
            VECTOR 11
            VECTOR 12
            VECTOR 13
            VECTOR 14
            VECTOR 15
        vector_common:
            FRAME_X stp, str
            FRAME_Q stp
            mrs     x9, fpsr
            mrs     x10, fpcr
            add     x11, sp, #768
            stp     x9, x10, [x11]
            mov     x1, x0
            mov     x0, sp
            bl      __partition_exception
            add     x11, sp, #768
            ldp     x9, x10, [x11]
            msr     fpsr, x9
            msr     fpcr, x10
            FRAME_Q ldp
            FRAME_X ldp, ldr
            ldp     x0, x1, [sp, #0]
            add     sp, sp, #800
            eret
        "#
        );
    };
}

/// What the EL1 vectors save (the offsets in `__partition_asm!`).
#[repr(C)]
pub struct ExceptionFrame {
    pub x: [u64; 31],
    pad: u64,
    pub q: [u128; 32],
    pub fpsr: u64,
    pub fpcr: u64,
}
const _: () = {
    assert!(core::mem::offset_of!(ExceptionFrame, x) == 0);
    assert!(core::mem::offset_of!(ExceptionFrame, q) == 256);
    assert!(core::mem::offset_of!(ExceptionFrame, fpsr) == 768);
    assert!(core::mem::size_of::<ExceptionFrame>() == 784);
};

static UART: AtomicUsize = AtomicUsize::new(0);
static NAME: AtomicUsize = AtomicUsize::new(0);
static NAME_LEN: AtomicUsize = AtomicUsize::new(0);
static SVC_COUNT: AtomicU64 = AtomicU64::new(0);

/// Set up the runtime for the partition `name`: its console (`uart`, the
/// PL011 it is given, 0 for none) and its own stage-1 MMU. Called by [`crate::partition!`] first.
pub fn init(name: &'static str, uart: u64) {
    UART.store(uart as usize, Ordering::Relaxed);
    NAME.store(name.as_ptr() as usize, Ordering::Relaxed);
    NAME_LEN.store(name.len(), Ordering::Relaxed);
    mmu::enable();
}

fn name() -> &'static str {
    let (p, n) = (NAME.load(Ordering::Relaxed), NAME_LEN.load(Ordering::Relaxed));
    // SAFETY: `init` stored the pointer and length of a `&'static str`.
    unsafe { core::str::from_utf8_unchecked(core::slice::from_raw_parts(p as *const u8, n)) }
}

/// Writes to the partition's PL011 data register (trapped and emulated by
/// the hypervisor, which prints whole lines prefixed with the partition's
/// name); silent when the partition was given no UART.
pub struct Console;

impl Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let uart = UART.load(Ordering::Relaxed);
        if uart == 0 {
            return Ok(());
        }
        for b in s.bytes() {
            // SAFETY: `uart` is the base of the PL011 the accepted
            // configuration gives this partition; offset 0 is its data
            // register, a byte store is a valid access to it.
            unsafe { core::ptr::write_volatile(uart as *mut u8, b) };
        }
        Ok(())
    }
}

/// `println!` to the partition's console.
#[macro_export]
macro_rules! println {
    ($($t:tt)*) => {{
        use core::fmt::Write as _;
        let _ = writeln!($crate::Console, $($t)*);
    }};
}

/// Busy-wait for `ms` milliseconds of the virtual counter.
pub fn spin_us(us: u64) {
    let ticks = CNTFRQ_EL0.get() / 1_000_000 * us;
    let start = CNTVCT_EL0.get();
    while CNTVCT_EL0.get() - start < ticks {
        core::hint::spin_loop();
    }
}

/// Busy for `ms` milliseconds of the virtual counter.
pub fn spin_ms(ms: u64) {
    let ticks = CNTFRQ_EL0.get() / 1000 * ms;
    let start = CNTVCT_EL0.get();
    while CNTVCT_EL0.get() - start < ticks {
        core::hint::spin_loop();
    }
}

/// Install the runtime's EL1 vectors (`VBAR_EL1`): `svc` is counted and
/// returns; any other exception is reported and aborts the partition.
pub fn install_vectors() {
    unsafe extern "C" {
        static partition_vectors: u8;
    }
    VBAR_EL1.set(&raw const partition_vectors as u64);
    barrier::isb(barrier::SY);
}

/// How many `svc`s the partition's own vectors handled.
pub fn svc_count() -> u64 {
    SVC_COUNT.load(Ordering::Relaxed)
}

/// Take an `svc #imm` into the partition's own EL1 vectors.
pub fn svc() {
    // SAFETY: the vectors installed by `install_vectors` handle `svc` by
    // counting it and returning to the next instruction, preserving x0..x30.
    unsafe { asm!("svc #0x5c", options(nostack)) };
}

#[unsafe(no_mangle)]
extern "C" fn __partition_exception(_frame: &mut ExceptionFrame, entry: u64) {
    let esr = ESR_EL1.get();
    let ec = ESR_EL1.read(ESR_EL1::EC);
    // Entries 1 and 5: IRQ at the current EL (SP_EL0, SP_ELx).
    if entry == 1 || entry == 5 {
        irq::dispatch();
        return;
    }
    // Entry 4..7: current EL with SP_ELx; EC 0x15 is SVC from AArch64.
    if (4..8).contains(&entry) && ec == 0x15 {
        SVC_COUNT.fetch_add(1, Ordering::Relaxed);
        return;
    }
    crate::println!(
        "EL1 exception (vector {entry}): ESR_EL1 {esr:#x}, ELR_EL1 {:#x}, FAR_EL1 {:#x}; aborting",
        ELR_EL1.get(),
        FAR_EL1.get()
    );
    abort()
}

/// Virtual interrupts, through the GICv3 CPU interface the partition
/// manager virtualizes (EL1's ICC_* registers reach its virtual interface):
/// a handler is called with each acknowledged INTID, then it is EOI'd.
pub mod irq {
    use super::*;

    static HANDLER: AtomicUsize = AtomicUsize::new(0);
    static TAKEN: AtomicU64 = AtomicU64::new(0);

    /// Take interrupts: `handler` runs for each, in the exception vector.
    pub fn enable(handler: fn(u32)) {
        HANDLER.store(handler as usize, Ordering::Release);
        // SAFETY: GICv3 CPU interface system registers (ICC_SRE_EL1.SRE on,
        // ICC_PMR_EL1 = 0xff: every priority, ICC_IGRPEN1_EL1 = 1), then
        // PSTATE.I cleared: the vectors (installed) handle the IRQ.
        unsafe {
            asm!(
                "mrs {t}, S3_0_C12_C12_5",
                "orr {t}, {t}, #1",
                "msr S3_0_C12_C12_5, {t}",
                "isb",
                "mov {t}, #0xff",
                "msr S3_0_C4_C6_0, {t}",
                "mov {t}, #1",
                "msr S3_0_C12_C12_7, {t}",
                "isb",
                "msr daifclr, #2",
                t = out(reg) _,
                options(nostack)
            )
        };
    }

    /// Mask interrupts again (PSTATE.I).
    pub fn disable() {
        // SAFETY: sets PSTATE.I only.
        unsafe { asm!("msr daifset, #2", options(nostack)) };
    }

    /// Interrupts taken so far.
    pub fn taken() -> u64 {
        TAKEN.load(Ordering::Relaxed)
    }

    pub(super) fn dispatch() {
        let iar: u64;
        // SAFETY: reading ICC_IAR1_EL1 acknowledges the pending interrupt.
        unsafe { asm!("mrs {}, S3_0_C12_C12_0", out(reg) iar, options(nomem, nostack)) };
        let intid = iar as u32 & 0xFF_FFFF;
        if intid >= 1020 {
            return; // spurious
        }
        TAKEN.fetch_add(1, Ordering::Relaxed);
        let h = HANDLER.load(Ordering::Acquire);
        if h != 0 {
            // SAFETY: `h` was stored from a `fn(u32)` by `enable`.
            let f: fn(u32) = unsafe { core::mem::transmute::<usize, fn(u32)>(h) };
            f(intid);
        }
        // SAFETY: ICC_EOIR1_EL1 with the acknowledged INTID: drop and
        // deactivate (for a hardware-mapped one, the physical interrupt too).
        unsafe { asm!("msr S3_0_C12_C12_1, {}", in(reg) iar, options(nomem, nostack)) };
    }
}

/// Give up: drop this partition's vectors and its MMU and execute an
/// undefined instruction. The exception goes to VBAR_EL1 = 0, which the
/// partition's stage-2 does not map, so the hypervisor stops the partition
/// and reports the undefined instruction's PC and syndrome.
pub fn abort() -> ! {
    VBAR_EL1.set(0);
    SCTLR_EL1.modify(SCTLR_EL1::M::Disable);
    barrier::isb(barrier::SY);
    // SAFETY: deliberately undefined: the partition ends here.
    unsafe { asm!("udf #0xab", options(noreturn, nostack)) }
}

/// The partitions' panic handler (installed by [`crate::partition!`]: the
/// library is also linked into the hypervisor, which has its own): report,
/// then [`abort`].
pub fn panicked(info: &core::panic::PanicInfo<'_>) -> ! {
    crate::println!("panicked: {info}");
    abort()
}

/// Serve direct requests forever: wait for the first (unless `first`
/// already is one, after a restart), answer each with `handler`'s payload.
/// Anything but a direct request is reported and waited past.
pub fn serve(me: u16, first: Regs, mut handler: impl FnMut(u16, ffa::Payload) -> ffa::Payload) -> ! {
    let mut msg = if first.is_direct_req() {
        first
    } else {
        ffa::call(Regs([ffa::FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0]))
    };
    loop {
        if msg.is_direct_req() {
            let from = msg.sender();
            let p = msg.payload();
            let answer = if p[0] == crate::cmd::OCCUPY {
                occupy(p[1])
            } else {
                handler(from, p)
            };
            msg = ffa::call(Regs::direct_resp(me, from, answer));
        } else {
            crate::println!(
                "{}: unexpected {} ({:#x}) while waiting for a request; waiting again",
                name(),
                ffa::function_name(msg.fid()),
                msg.fid()
            );
            msg = ffa::call(Regs([ffa::FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0]));
        }
    }
}

/// OCCUPY requests served, and those that found another CPU inside.
static OCCUPIED: AtomicBool = AtomicBool::new(false);
static SERVED: AtomicU64 = AtomicU64::new(0);
static OVERLAPS: AtomicU64 = AtomicU64::new(0);

/// [`crate::cmd::OCCUPY`]: mark the context occupied for `us` µs (an atomic
/// swap in the partition's own memory sees any other CPU inside).
fn occupy(us: u64) -> ffa::Payload {
    if OCCUPIED.swap(true, Ordering::AcqRel) {
        OVERLAPS.fetch_add(1, Ordering::Relaxed);
    }
    spin_us(us);
    let served = SERVED.fetch_add(1, Ordering::Relaxed) + 1;
    OCCUPIED.store(false, Ordering::Release);
    [0, served, OVERLAPS.load(Ordering::Relaxed), 0, 0]
}

/// A direct request to partition `to`, resuming it with FFA_RUN each time it
/// is preempted (its requester, this partition, gets FFA_INTERRUPT): the
/// answer's payload, or the FF-A error that ended the call.
pub fn request(
    me: u16,
    to: u16,
    payload: ffa::Payload,
    mut on_interrupt: impl FnMut(),
) -> Result<ffa::Payload, ffa::Error> {
    let mut r = ffa::call(Regs::direct_req(me, to, payload));
    loop {
        if r.is_direct_resp() && r.sender() == to {
            return Ok(r.payload());
        }
        if r.fid() == ffa::FFA_INTERRUPT || r.fid() == ffa::FFA_YIELD {
            on_interrupt();
            r = ffa::call(Regs([ffa::FFA_RUN, ffa::target(to, 0), 0, 0, 0, 0, 0, 0]));
            continue;
        }
        return Err(r.as_error().unwrap_or(ffa::Error::InvalidParameters));
    }
}

/// The partition's own stage-1 translation: an identity map of the first
/// 2 GiB with 1 GiB blocks, devices (0..1 GiB) as Device-nGnRE, RAM
/// (1..2 GiB) as Normal write-back. What the partition may actually touch is
/// still decided by its stage-2, which the hypervisor owns.
mod mmu {
    use super::*;

    #[repr(C, align(4096))]
    struct Table([u64; 512]);
    static mut L1: Table = Table([0; 512]);

    const VALID_BLOCK: u64 = 0b01;
    const AF: u64 = 1 << 10;
    const SH_INNER: u64 = 0b11 << 8;
    const ATTR_DEVICE: u64 = 0 << 2;
    const ATTR_NORMAL: u64 = 1 << 2;

    pub fn enable() {
        let l1 = (&raw mut L1).cast::<u64>();
        // SAFETY: entries 0 and 1 of the 512-entry table; only this CPU runs
        // the partition and the MMU is off: no walker reads the table yet.
        unsafe {
            l1.write_volatile(VALID_BLOCK | AF | ATTR_DEVICE);
            l1.add(1)
                .write_volatile(0x4000_0000 | VALID_BLOCK | AF | SH_INNER | ATTR_NORMAL);
        }
        MAIR_EL1.write(
            MAIR_EL1::Attr0_Device::nonGathering_nonReordering_EarlyWriteAck
                + MAIR_EL1::Attr1_Normal_Outer::WriteBack_NonTransient_ReadWriteAlloc
                + MAIR_EL1::Attr1_Normal_Inner::WriteBack_NonTransient_ReadWriteAlloc,
        );
        TCR_EL1.write(
            TCR_EL1::T0SZ.val(25)
                + TCR_EL1::TG0::KiB_4
                + TCR_EL1::SH0::Inner
                + TCR_EL1::ORGN0::WriteBack_ReadAlloc_WriteAlloc_Cacheable
                + TCR_EL1::IRGN0::WriteBack_ReadAlloc_WriteAlloc_Cacheable
                + TCR_EL1::EPD1::DisableTTBR1Walks
                + TCR_EL1::IPS::Bits_40,
        );
        TTBR0_EL1.set_baddr(&raw const L1 as u64);
        // SAFETY: TLB maintenance for this partition's (VMID's) EL1&0 regime.
        unsafe { asm!("dsb ish", "tlbi vmalle1", "dsb ish", "isb", options(nostack)) };
        SCTLR_EL1.modify(SCTLR_EL1::M::Enable + SCTLR_EL1::C::Cacheable + SCTLR_EL1::I::Cacheable);
        barrier::isb(barrier::SY);
    }
}
