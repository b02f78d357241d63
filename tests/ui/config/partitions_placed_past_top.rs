// A region placed by size follows the region before it: after one that ends at 2^64 (in the last page of the address space) no page is left, and the parser says so at the region.
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
            memory: top @ 0xffff_ffff_ffff_f000 + 0x1000 r, more + 0x1000 rw;
        }
    }
}

fn main() {}
