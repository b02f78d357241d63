//! The runtime the Secure Partitions share: entry, their own stage-1 MMU,
//! their own exception vectors, a console on the UART they are given, and the
//! FF-A message loop. Each partition is a binary in `src/bin/` named as the
//! partition in the accepted configuration; it finds its id, UUID and devices
//! there (`programs::board::ACCEPTED`), the same table the hypervisor loads
//! it by, so a partition cannot be built against a device it was not given.
//!
//! Entry contract (the hypervisor's loader, `hypervisor/src/image/load.rs`):
//! entered at `_start` at EL1h with its MMU off, interrupts masked, all of
//! its RAM zeroed and its segments loaded; `x0..x7` are zero on a cold boot
//! and hold a pending direct request when the partition is restarted after
//! it was aborted.
#![no_std]

pub use ffa;

use programs::board::ACCEPTED;
use programs::{KindInfo, PartitionInfo};

/// The accepted configuration's entry for the partition named `name`
/// (evaluated at compile time by [`partition!`]: a binary whose name is not
/// a partition does not build).
pub const fn partition_named(name: &str) -> &'static PartitionInfo {
    match ACCEPTED.partition_named(name) {
        Some(i) => &ACCEPTED.partitions()[i],
        None => panic!("this binary is not named as a partition of programs::board::ACCEPTED"),
    }
}

/// The base address of the first device of kind `K` given to `p` (0 when none).
pub const fn device_of(p: &PartitionInfo, kind: &KindInfo) -> u64 {
    let grants = p.grants();
    let mut i = 0;
    while i < grants.len() {
        let d = &ACCEPTED.devices()[grants[i].device()];
        if d.kind().is(kind) {
            return d.base();
        }
        i += 1;
    }
    0
}

/// The id of the partition named `name` (for direct requests between partitions).
pub const fn id_of(name: &str) -> u16 {
    partition_named(name).id()
}

#[cfg(all(target_arch = "aarch64", target_os = "none"))]
mod rt;
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub use rt::*;

/// Declare a partition binary: `partitions::partition!(main);` with
/// `fn main(first: ffa::Regs) -> !`. Binds the runtime to the accepted
/// configuration's entry for this binary's name.
#[macro_export]
macro_rules! partition {
    ($main:path) => {
        /// This partition as the accepted configuration describes it (a
        /// constant: only the facts used end up in the binary).
        pub const ME: &'static $crate::__programs::PartitionInfo = $crate::partition_named(env!("CARGO_BIN_NAME"));
        /// This partition's FF-A id. (Use constants like this one at run
        /// time, not `ME` itself: a run-time read of `ME` keeps the whole
        /// configuration table in the binary.)
        pub const ID: u16 = ME.id();

        #[cfg(all(target_arch = "aarch64", target_os = "none"))]
        $crate::__partition_asm!();

        #[cfg(all(target_arch = "aarch64", target_os = "none"))]
        #[unsafe(no_mangle)]
        extern "C" fn __partition_main(first: &$crate::ffa::Regs) -> ! {
            $crate::init(
                const { ME.name() },
                const {
                    $crate::device_of(
                        ME,
                        &$crate::__programs::KindInfo::of::<$crate::__programs::board::Pl011>(),
                    )
                },
            );
            $main(*first)
        }

        #[cfg(all(target_arch = "aarch64", target_os = "none"))]
        #[panic_handler]
        fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
            $crate::panicked(info)
        }
    };
}

#[doc(hidden)]
pub use programs as __programs;

/// The services' own request protocol, carried in the payload of FF-A
/// direct requests (`x3` = command, `x4` = argument): what the hypervisor's
/// normal-world driver asks the partitions in the boot scenario.
pub mod cmd {
    /// Report through the devices given (trapped UART and RTC, passed-through GPIO).
    pub const HELLO: u64 = 1;
    /// Busy for `arg` ms (long enough to be preempted).
    pub const SPIN: u64 = 2;
    /// sp0: ask sp1 to `WORK(arg)` by a direct request, resuming it with
    /// FFA_RUN whenever it is preempted; answers the sum and the resumptions.
    pub const CALL: u64 = 3;
    /// sp1: the sum 1..=arg, one millisecond per step.
    pub const WORK: u64 = 4;
    /// Fill v0..v31, TPIDR_EL1/EL0 with [`SECRET`] (what another partition must never see).
    pub const MARK_SECRETS: u64 = 5;
    /// Read v0..v31 and the EL1 thread/vector registers: how many hold [`SECRET`].
    pub const READ_SECRETS: u64 = 6;
    /// Every partition (answered by the runtime): occupy the execution
    /// context for `arg` µs, as seen from inside. Answers how many OCCUPY
    /// requests it has served (this one included) and how many found
    /// another CPU already inside (must be 0: the ownership race).
    pub const OCCUPY: u64 = 7;
    /// sp1: take `arg` virtual timer interrupts, 1 ms apart, in its own
    /// vectors; answers how many it took.
    pub const TICKS: u64 = 8;
    /// sp0: make its (passed-through) GPIO controller interrupt and handle
    /// the interrupt routed to it; answers how many it took and the masked
    /// status it read.
    pub const GPIO_IRQ: u64 = 9;

    // Hostile requests (sp2): each breaks one rule and must be contained.
    /// Read a register the UART model does not have (answered read-as-zero).
    pub const UNKNOWN_REG: u64 = 0x10;
    /// 64-bit access to a 32-bit RTC register (bus error: stopped).
    pub const WIDE_ACCESS: u64 = 0x11;
    /// Read the hypervisor's image (stopped).
    pub const HYP_MEMORY: u64 = 0x12;
    /// Read an address nothing maps (stopped).
    pub const UNMAPPED: u64 = 0x13;
    /// Write its own code (stopped).
    pub const WRITE_CODE: u64 = 0x14;
    /// FFA_RUN a partition whose call chain it does not own (DENIED).
    pub const BAD_RUN: u64 = 0x15;
    /// Probe the trapped GIC distributor.
    pub const GIC_PROBE: u64 = 0x16;
    /// Answer a direct request it was not sent (DENIED, nothing delivered).
    pub const BAD_RESP: u64 = 0x17;
    /// Execute an undefined instruction with no EL1 vectors (stopped, real PC).
    pub const UNDEFINED: u64 = 0x18;
    /// Spin forever (preempted, then aborted by the watchdog budget).
    pub const SPIN_FOREVER: u64 = 0x19;
    /// Read another partition's RAM (stopped).
    pub const OTHER_RAM: u64 = 0x1A;
    /// FFA_RXTX_MAP buffers in sp0's memory, the hypervisor's image and at
    /// the top of the address space: answers how many were accepted (0).
    pub const FOREIGN_BUFFERS: u64 = 0x1B;
    /// A direct request to sp1 in sp0's name (INVALID_PARAMETERS).
    pub const FORGED_SENDER: u64 = 0x1C;
    /// PSCI SYSTEM_OFF by `smc` (SMCCC NOT_SUPPORTED; the machine runs on).
    pub const FIRMWARE_OFF: u64 = 0x1D;
    /// Panic (the runtime reports it and aborts the partition).
    pub const PANIC: u64 = 0x1E;
    /// Call sp1 (a long WORK) and, when the chain is preempted and it is
    /// resumed with FFA_INTERRUPT, fault instead of resuming sp1: its
    /// preempted callee is aborted with it.
    pub const ABANDON_CALL: u64 = 0x1F;
    /// Write ICC_SGI1R_EL1: interrupt every other physical CPU (trapped:
    /// stopped).
    pub const SEND_SGI: u64 = 0x20;

    /// The pattern sp0 leaves in its registers.
    pub const SECRET: u64 = 0x5EC2_E75E_C2E7_5EC2;
    /// An IPA no partition has mapped (virt's PCIe MMIO window: not in the map).
    pub const UNMAPPED_IPA: u64 = 0x1000_0000;

    pub const fn name(cmd: u64) -> &'static str {
        match cmd {
            HELLO => "HELLO",
            SPIN => "SPIN",
            CALL => "CALL sp1",
            WORK => "WORK",
            MARK_SECRETS => "MARK secrets in FP/SIMD and EL1 registers",
            READ_SECRETS => "READ another partition's register secrets",
            OCCUPY => "OCCUPY the execution context",
            TICKS => "TICKS of its virtual timer",
            GPIO_IRQ => "GPIO interrupt",
            UNKNOWN_REG => "FAULT unknown register",
            WIDE_ACCESS => "FAULT 64-bit access to a 32-bit register",
            HYP_MEMORY => "FAULT touch hypervisor memory",
            UNMAPPED => "FAULT touch unmapped memory",
            WRITE_CODE => "FAULT write own code",
            BAD_RUN => "BAD FFA_RUN of a call chain it does not own",
            GIC_PROBE => "GIC probe",
            BAD_RESP => "BAD FFA_MSG_SEND_DIRECT_RESP to a partition that sent it nothing",
            UNDEFINED => "FAULT undefined instruction, no EL1 vectors",
            SPIN_FOREVER => "HANG spin forever",
            OTHER_RAM => "FAULT read another partition's RAM",
            FOREIGN_BUFFERS => "BAD FFA_RXTX_MAP of memory it does not own",
            FORGED_SENDER => "BAD FFA_MSG_SEND_DIRECT_REQ in another partition's name",
            FIRMWARE_OFF => "BAD PSCI SYSTEM_OFF by smc",
            PANIC => "FAULT panic",
            ABANDON_CALL => "FAULT with its callee preempted",
            SEND_SGI => "FAULT interrupt the other CPUs (ICC_SGI1R_EL1)",
            // Names are for logs only: an unknown command is named as such.
            _ => "unknown command",
        }
    }
}
