// A UART with a PPI number.
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
        uart0: Pl011 @ 0x0900_0000 + 0x1000, irq 27;
    }
}

fn main() {}
