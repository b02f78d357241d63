// A partition given a trapped device whose kind the hypervisor does not
// emulate (a virtio-mmio transport): the emulation check refuses it at the
// partition's line (`partitions!` runs it against the emulations the gate
// fixes) and at the gate, naming the partition, the device and the kind.
// Passed-through devices need no emulation, and a board may list devices
// no partition is given (QEMU virt's 32 transports).
use programs::board::kinds::*;
use programs::board::{Lifecycle, QemuVirt};
programs::devices! {
    pub Devices on QemuVirt {
        uart0: Pl011 @ 0x0900_0000 + 0x1000, irq 33;
        gpio0: Pl061 @ 0x0903_0000 + 0x1000, irq 39;
        net0: VirtioMmio @ 0x0a00_0000 + 0x200, irq 48;
        net1: VirtioMmio @ 0x0a00_0200 + 0x200, irq 49;
    }
}
programs::partitions! {
    pub Parts on Devices {
        sp0: id 0x8001, uuid "b4b5671e-4a90-4fe1-b81f-fb13dae1dacb", contexts 1 {
            memory: ram @ 0x4120_0000 + 0x20_0000 rw;
            devices: uart0, exclusive gpio0, net0;
        }
    }
}
pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Lifecycle;
    type Devices = Devices;
    type Partitions = Parts;
}
static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let _ = ACCEPTED.devices();
}
