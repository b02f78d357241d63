// `sp1` has an id outside the secure partition range, `sp2` the id of `sp0`.
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
        rtc0: Pl031 @ 0x0901_0000 + 0x1000, irq 34;
    }
}

programs::partitions! {
    pub Parts on Devices {
        sp0: id 0x8001, uuid "b4b5671e-4a90-4fe1-b81f-fb13dae1dacb", contexts 1 {
            memory: ram @ 0x4120_0000 + 0x20_0000 rw;
        }
        sp1: id 0x7001, uuid "6e6b3c7a-5f4c-4a34-9e2b-2c8f3f0d7a11", contexts 1 {
            memory: ram @ 0x4140_0000 + 0x20_0000 rw;
        }
        sp2: id 0x8001, uuid "0d1c2e3f-4a5b-4c6d-8e7f-90a1b2c3d4e5", contexts 1 {
            memory: ram @ 0x4160_0000 + 0x20_0000 rw;
        }
    }
}

fn main() {}
