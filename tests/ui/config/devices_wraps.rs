// `far` starts 0x800 bytes before 2^64 and is 0x1000 long: it runs past the
// end of the address space. The range rule says so, not an engine overflow.
use programs::board::kinds::*;
programs::board! {
    pub Top {
        ram: 0x4000_0000 + 0x4000_0000;
        devices: 0xffff_0000_0000_0000 + 0x1_0000_0000_0000;
        image: 0x4020_0000 + 0x0100_0000;
        kinds: VirtKinds;
    }
}

programs::devices! {
    pub Devices on Top {
        far: Pl011 @ 0xffff_ffff_ffff_f800 + 0x1000, irq 33;
    }
}

fn main() {}
