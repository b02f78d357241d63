// Trapped windows may share a page (QEMU's virtio-mmio transports are 0x200
// bytes, eight to a page), but a passed-through window is mapped page by
// page: `gpio0` starts in the page of `net1` and would expose it.
use programs::board::kinds::*;
programs::board! {
    pub Virt {
        ram: 0x4000_0000 + 0x4000_0000;
        devices: 0x0800_0000 + 0x3800_0000;
        image: 0x4020_0000 + 0x0100_0000;
        kinds: VirtKinds;
    }
}

programs::devices! {
    pub Devices on Virt {
        net0: VirtioMmio @ 0x0a00_0000 + 0x200, irq 48;
        net1: VirtioMmio @ 0x0a00_0200 + 0x200, irq 49;
        gpio0: Pl061 @ 0x0a00_0400 + 0x1000, irq 50;
    }
}

fn main() {}
