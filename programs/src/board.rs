//! The QEMU `virt` board configuration: the SP lifecycle the hypervisor
//! drives, the kinds of device the board has, the devices partitions are
//! given (emulated or passed through), and the Secure Partitions it boots
//! with their memory, devices and interrupts. Every check runs on these
//! types while this file compiles; the hypervisor links only what
//! [`crate::Accepted::CHECKED`] derives from them.

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

/// The kinds of device QEMU `virt` has (`use programs::board::kinds::*;`
/// brings them and their set into scope).
pub mod kinds {
    crate::device_kinds! {
        /// The kinds of device QEMU `virt` has, with the device-tree
        /// compatibles `cargo board-from-dtb` reads them from.
        pub VirtKinds {
            /// ARM PrimeCell PL011 UART.
            Pl011: trapped, spi, compatible "arm,pl011";
            /// ARM PrimeCell PL031 real-time clock.
            Pl031: trapped, spi, compatible "arm,pl031";
            /// ARM PrimeCell PL061 GPIO controller, driven by the partition itself.
            Pl061: passthrough, spi, compatible "arm,pl061";
            /// GICv3 distributor: the `arm,gic-v3` node's first `reg`.
            GicV3Distributor: trapped, singleton, compatible "arm,gic-v3" reg 0;
            /// GICv3 redistributor region: the `arm,gic-v3` node's second `reg`.
            GicV3Redistributor: trapped, compatible "arm,gic-v3" reg 1;
            /// GICv3 interrupt translation service (never given to a partition:
            /// it would let it send any LPI).
            GicV3Its: trapped, compatible "arm,gic-v3-its";
            /// virtio-mmio transport: 0x200 bytes, eight to a page.
            VirtioMmio: trapped, spi, compatible "virtio,mmio";
            /// QEMU firmware configuration interface (0x18 bytes).
            FwCfg: trapped, compatible "qemu,fw-cfg-mmio";
            /// CFI flash bank (each `reg` of the node is one bank).
            CfiFlash: passthrough, compatible "cfi-flash";
            /// PCIe host bridge configuration space (ECAM).
            PciEcam: passthrough, compatible "pci-host-ecam-generic";
        }
    }
}
pub use kinds::*;

crate::board! {
    /// QEMU `virt` as the hypervisor runs it (`-m 1G`): RAM from 1 GiB, device
    /// MMIO below it, the hypervisor image at 0x4020_0000 (QEMU puts the
    /// device tree at 0x4000_0000).
    pub QemuVirt {
        ram: 0x4000_0000 + 0x4000_0000;
        devices: 0x0800_0000 + 0x3800_0000;
        image: 0x4020_0000 + 0x0100_0000;
        cpus: 4;
        kinds: VirtKinds;
    }
}

crate::devices! {
    /// The virtual devices partitions see, at QEMU virt's addresses.
    pub VirtDevices on QemuVirt {
        gicd: GicV3Distributor @ 0x0800_0000 + 0x1_0000;
        gicr: GicV3Redistributor @ 0x080a_0000 + 0x8_0000;
        uart0: Pl011 @ 0x0900_0000 + 0x1000, irq 33;
        rtc0: Pl031 @ 0x0901_0000 + 0x1000, irq 34;
        gpio0: Pl061 @ 0x0903_0000 + 0x1000, irq 39;
    }
}

crate::partitions! {
    /// The Secure Partitions the hypervisor boots: each has 2 MiB of RAM
    /// after the image (its first 64 KiB hold its code; sp0's code is
    /// placed, every other region follows the one before it), and its own
    /// emulated instance of each trapped device it is given; sp0 drives the
    /// GPIO controller itself (passed through) and is routed its interrupt.
    pub VirtPartitions on VirtDevices {
        sp0: id 0x8001, uuid "b4b5671e-4a90-4fe1-b81f-fb13dae1dacb", contexts 1 {
            memory: code @ 0x4120_0000 + 0x1_0000 rx, data + 0x1f_0000 rw;
            devices: uart0, rtc0, gicd, gicr, exclusive gpio0;
            interrupts: 39;
        }
        sp1: id 0x8002, uuid "6e6b3c7a-5f4c-4a34-9e2b-2c8f3f0d7a11", contexts 1 {
            memory: code + 0x1_0000 rx, data + 0x1f_0000 rw;
            devices: uart0, rtc0;
        }
        sp2: id 0x8003, uuid "0d1c2e3f-4a5b-4c6d-8e7f-90a1b2c3d4e5", contexts 1 {
            memory: code + 0x1_0000 rx, data + 0x1f_0000 rw;
            devices: uart0, rtc0, gicd;
        }
    }
}

/// The board configuration: lifecycle, device map and partitions.
pub struct Board;
impl crate::Config for Board {
    type Lifecycle = Lifecycle;
    type Devices = VirtDevices;
    type Partitions = VirtPartitions;
}

/// The device kinds this workspace's hypervisor emulates (trapped kinds of
/// [`VirtKinds`]). The hypervisor pins this list to its `Device` enum at
/// compile time (both ways), so the check "every trapped device given has
/// an emulation" tells the truth.
pub type Emulated = frunk::HList![Pl011, Pl031, GicV3Distributor, GicV3Redistributor];

/// Is `kind` in [`Emulated`]?
pub const fn emulated(kind: &crate::KindInfo) -> bool {
    crate::devices::kinds_contain(<Emulated as typevm::value::Value>::VAL, kind)
}

/// The accepted board configuration.
pub static ACCEPTED: crate::Accepted<Board> = crate::Accepted::CHECKED;
