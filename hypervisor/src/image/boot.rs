//! EL2 entry: per-CPU stacks, BSS, vectors, traps configuration, and the EL2
//! stage-1 identity map of the accepted board (device memory for its device
//! range, normal memory for its RAM).
use core::arch::global_asm;

use aarch64_cpu::registers::*;

use hypervisor::stage2::Table;
use programs::board::ACCEPTED;

/// Per-CPU stack size (must match STACK_SIZE in link.ld).
pub const STACK_SIZE: usize = 0x1_0000;
/// CPUs with a stack in the image (MAX_CPUS in link.ld).
pub const MAX_CPUS: usize = 4;

/// CPTR_EL2 bits RES1 in Armv8.0 (13:12, 9:0), which `aarch64-cpu` names no
/// field for; with TFP (bit 10) and TCPAC (bit 31) clear, FP/SIMD is not
/// trapped (Rust code at EL2 may use NEON registers).
const CPTR_EL2_RES1: u64 = (0b11 << 12) | 0x3FF;
/// HCR_EL2 until partitions run: only RW (EL1 is AArch64).
const HCR_EL2_BOOT: u64 = HCR_EL2::RW::EL1IsAarch64.value;
/// SCTLR_EL2 bits RES1 in Armv8.0 (29:28, 23:22, 18, 16, 11, 5:4).
const SCTLR_EL2_RES1: u64 = (0b11 << 28) | (0b11 << 22) | (1 << 18) | (1 << 16) | (1 << 11) | (0b11 << 4);
/// TCR_EL2 bits RES1 (31, 23).
const TCR_EL2_RES1: u64 = (1 << 31) | (1 << 23);

global_asm!(
    r#"
.section .text.boot, "ax"
.global _start
_start:
    // QEMU enters the ELF at EL2 on CPU 0 with x0 = 0. Refuse any other EL.
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.ne    1f
    // Stack of CPU 0: top of the first per-CPU stack.
    adrp    x1, __stacks_start
    add     x1, x1, :lo12:__stacks_start
    mov     x2, #{stack}
    add     sp, x1, x2
    // Zero BSS (16-byte aligned by the linker script).
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
2:  cmp     x1, x2
    b.hs    3f
    stp     xzr, xzr, [x1], #16
    b       2b
3:  bl      el2_cpu_setup
    mov     x0, #0
    bl      primary_main
1:  wfe
    b       1b

// Secondary CPUs, started by PSCI CPU_ON at EL2 with x0 = context id = CPU index.
.global _secondary_entry
_secondary_entry:
    cmp     x0, #{max_cpus}
    b.hs    1b
    mov     x19, x0
    adrp    x1, __stacks_start
    add     x1, x1, :lo12:__stacks_start
    add     x2, x0, #1
    mov     x3, #{stack}
    mul     x2, x2, x3
    add     sp, x1, x2
    bl      el2_cpu_setup
    mov     x0, x19
    bl      secondary_main
    b       1b

// Per-CPU EL2 state needed before any Rust code runs.
el2_cpu_setup:
    adrp    x1, hv_vectors
    add     x1, x1, :lo12:hv_vectors
    msr     vbar_el2, x1
    ldr     x1, ={cptr}
    msr     cptr_el2, x1
    // HCR_EL2: only RW (EL1 is AArch64) until partitions run.
    ldr     x1, ={hcr}
    msr     hcr_el2, x1
    msr     daifset, #0xf
    isb
    ret
"#,
    stack = const STACK_SIZE,
    max_cpus = const MAX_CPUS,
    cptr = const CPTR_EL2_RES1,
    hcr = const HCR_EL2_BOOT,
);

/// EL2 stage-1 level-1 table (T0SZ = 25: 39-bit VA, 1 GiB blocks).
#[repr(transparent)]
struct El2Table(Table);

/// The EL2 identity map of the accepted board, in 1 GiB blocks: Device
/// memory for every GiB the board's device range touches, Normal memory for
/// every GiB its RAM touches (the device tree, this image, the partitions).
/// A board whose RAM and devices share a GiB, or that reaches past the 39-bit
/// space this table maps, fails the image's build.
const fn el2_l1() -> Table {
    // Block descriptor: valid, block (bit1 = 0), AttrIndx, AP = EL2 RW, SH, AF.
    const AF: u64 = 1 << 10;
    const SH_INNER: u64 = 0b11 << 8;
    const XN: u64 = 1 << 54;
    const DEVICE: u64 = 0 << 2; // MAIR attr 0
    const NORMAL: u64 = 1 << 2; // MAIR attr 1
    const GIB: u64 = 1 << 30;
    let board = ACCEPTED.board();
    let mut t = Table::EMPTY;
    let ranges = [
        (board.device_base(), board.device_size(), DEVICE | AF | XN),
        (board.ram_base(), board.ram_size(), NORMAL | AF | SH_INNER),
    ];
    let mut r = 0;
    while r < ranges.len() {
        let (base, size, attrs) = ranges[r];
        if size > 0 {
            let (first, last) = (base / GIB, (base + (size - 1)) / GIB);
            assert!(
                last < 512,
                "the EL2 identity map covers 512 GiB (39-bit addresses): the board's RAM or device range reaches past it"
            );
            let mut g = first;
            while g <= last {
                assert!(
                    t.0[g as usize] == 0,
                    "the EL2 identity map uses 1 GiB blocks: the board's RAM and device range share a GiB"
                );
                t.0[g as usize] = (g * GIB) | 0b01 | attrs;
                g += 1;
            }
        }
        r += 1;
    }
    t
}

static EL2_L1: El2Table = El2Table(el2_l1());

/// Turn on the EL2 MMU and caches with the identity map (each CPU).
pub fn enable_mmu() {
    // MAIR: attr0 Device-nGnRE, attr1 Normal WB RA/WA.
    MAIR_EL2.write(
        MAIR_EL2::Attr0_Device::nonGathering_nonReordering_EarlyWriteAck
            + MAIR_EL2::Attr1_Normal_Outer::WriteBack_NonTransient_ReadWriteAlloc
            + MAIR_EL2::Attr1_Normal_Inner::WriteBack_NonTransient_ReadWriteAlloc,
    );
    // TCR_EL2: 39-bit VA, write-back walks, inner shareable, 4 KiB granule, 40-bit PA.
    TCR_EL2.set(
        TCR_EL2_RES1
            | (TCR_EL2::T0SZ.val(25)
                + TCR_EL2::IRGN0::WriteBack_ReadAlloc_WriteAlloc_Cacheable
                + TCR_EL2::ORGN0::WriteBack_ReadAlloc_WriteAlloc_Cacheable
                + TCR_EL2::SH0::Inner
                + TCR_EL2::TG0::KiB_4
                + TCR_EL2::PS::Bits_40)
                .value,
    );
    TTBR0_EL2.set(&EL2_L1 as *const El2Table as u64);
    // SAFETY: TLB invalidation and barriers before enabling translation; the map
    // is an identity map of everything this CPU executes and touches, so the
    // instruction stream continues at the same addresses.
    unsafe { core::arch::asm!("isb", "tlbi alle2", "dsb ish", "isb", options(nostack)) };
    // SCTLR_EL2: MMU, data and instruction caches on.
    SCTLR_EL2.set(SCTLR_EL2_RES1 | (SCTLR_EL2::M::Enable + SCTLR_EL2::C::Cacheable + SCTLR_EL2::I::Cacheable).value);
    aarch64_cpu::asm::barrier::isb(aarch64_cpu::asm::barrier::SY);
}

unsafe extern "C" {
    /// Entry point of secondary CPUs (PSCI CPU_ON).
    pub fn _secondary_entry();
}
