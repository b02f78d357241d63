// `sp0` owns uart0 exclusively, but uart0 is trapped: the hypervisor emulates it, and the physical interrupt 33 is not the partition's to take (gpio0, passed through, is).
use programs::board::kinds::*;
programs::board! {
    pub Virt {
        ram: 0x4000_0000 + 0x4000_0000;
        devices: 0x0800_0000 + 0x3800_0000;
        image: 0x4020_0000 + 0x0100_0000;
        kinds: VirtKinds;
        cpus: 2;
    }
}

programs::devices! {
    pub Devices on Virt {
        gicd: GicV3Distributor @ 0x0800_0000 + 0x1_0000;
        uart0: Pl011 @ 0x0900_0000 + 0x1000, irq 33;
        gpio0: Pl061 @ 0x0903_0000 + 0x1000, irq 39;
    }
}

programs::partitions! {
    pub Parts on Devices {
        sp0: id 0x8001, uuid "b4b5671e-4a90-4fe1-b81f-fb13dae1dacb", contexts 1 {
            memory: ram @ 0x4120_0000 + 0x20_0000 rw;
            devices: exclusive uart0, exclusive gpio0;
            interrupts: 33, 39;
        }
    }
}

fn main() {}
