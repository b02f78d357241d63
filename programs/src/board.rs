//! The QEMU `virt` board configuration: the SP lifecycle the hypervisor
//! drives and the virtual devices it emulates for partitions. Every check
//! runs on these types while this file compiles; the hypervisor links only
//! what [`crate::Accepted::CHECKED`] derives from them.

use crate::devices::kinds::{GicV3Distributor, GicV3Redistributor, Pl011, Pl031};

crate::sp_states! {
    /// A state of a Secure Partition (FF-A's partition states, without `Aborted`).
    pub SpState: Reset, Idle, Running, Blocked, Preempted;
}

crate::sp_lifecycle! {
    /// The SP lifecycle: boot to Idle, run on a direct request, block on a
    /// call to another partition, be preempted by the hypervisor's timer
    /// (also while blocked: chain preemption), resume.
    pub Lifecycle for SpState {
        states: Reset, Idle, Running, Blocked, Preempted;
        initial: Reset;
        Reset -> Idle;
        Idle -> Running;
        Running -> Idle;
        Running -> Blocked;
        Blocked -> Running;
        Running -> Preempted;
        Preempted -> Running;
        Blocked -> Preempted;
    }
}

crate::board! {
    /// QEMU `virt` as the hypervisor runs it (`-m 1G`): RAM from 1 GiB, device
    /// MMIO below it, the hypervisor image at 0x4020_0000 (QEMU puts the
    /// device tree at 0x4000_0000).
    pub QemuVirt {
        ram: 0x4000_0000 + 0x4000_0000;
        devices: 0x0800_0000 + 0x3800_0000;
        image: 0x4020_0000 + 0x0100_0000;
    }
}

crate::devices! {
    /// The virtual devices partitions see, at QEMU virt's addresses.
    pub VirtDevices on QemuVirt {
        gicd: GicV3Distributor @ 0x0800_0000 + 0x1_0000;
        gicr: GicV3Redistributor @ 0x080a_0000 + 0x8_0000;
        uart0: Pl011 @ 0x0900_0000 + 0x1000, irq 33;
        rtc0: Pl031 @ 0x0901_0000 + 0x1000, irq 34;
    }
}

/// The board configuration: lifecycle and device map.
pub struct Board;
impl crate::Config for Board {
    type Lifecycle = Lifecycle;
    type Devices = VirtDevices;
}

/// The device kinds this workspace's hypervisor emulates. The hypervisor
/// pins this list to its `Device` enum at compile time (both ways), so the
/// check "every device kind has an emulation" tells the truth.
pub type Emulated = frunk::HList![Pl011, Pl031, GicV3Distributor, GicV3Redistributor];

/// Is `kind` in [`Emulated`]?
pub const fn emulated(kind: crate::DeviceKind) -> bool {
    crate::devices::kinds_contain(<Emulated as typevm::value::Value>::VAL, kind)
}

/// The accepted board configuration.
pub static ACCEPTED: crate::Accepted<Board> = crate::Accepted::CHECKED;
