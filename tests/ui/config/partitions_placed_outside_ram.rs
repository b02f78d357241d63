// Regions placed by size follow the region before them: `sp1.data` lands past the end of RAM, and the message shows where it was placed.
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
            memory: code @ 0x7fe0_0000 + 0x1_0000 rx, data + 0xf_0000 rw;
        }
        sp1: id 0x8002, uuid "6e6b3c7a-5f4c-4a34-9e2b-2c8f3f0d7a11", contexts 1 {
            memory: code + 0x1_0000 rx, data + 0x10_0000 rw;
        }
    }
}

fn main() {}
