// Only a device's SPI is routed to a partition. `sp0` owns a flash bank,
// which raises no interrupt (its interrupt field is 0): routing interrupt 0
// (an SGI) used to match it and be accepted. 27 is a PPI (the virtual
// timer), which belongs to the CPU, not to a device a partition owns.
use programs::board::kinds::*;
programs::board! {
    pub Virt {
        ram: 0x4000_0000 + 0x4000_0000;
        devices: 0x0000_0000 + 0x3800_0000;
        image: 0x4020_0000 + 0x0100_0000;
        kinds: VirtKinds;
        cpus: 2;
    }
}

programs::devices! {
    pub Devices on Virt {
        flash0: CfiFlash @ 0x0000_0000 + 0x400_0000;
        uart0: Pl011 @ 0x0900_0000 + 0x1000, irq 33;
    }
}

programs::partitions! {
    pub Parts on Devices {
        sp0: id 0x8001, uuid "b4b5671e-4a90-4fe1-b81f-fb13dae1dacb", contexts 1 {
            memory: ram @ 0x4120_0000 + 0x20_0000 rw;
            devices: exclusive flash0, uart0;
            interrupts: 0, 27;
        }
    }
}

fn main() {}
