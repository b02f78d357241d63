// A passed-through window whose size is not whole 4 KiB pages.
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
        gicd: GicV3Distributor @ 0x0800_0000 + 0x1_0000;
        gpio0: Pl061 @ 0x0903_0000 + 0x800, irq 39;
    }
}

fn main() {}
