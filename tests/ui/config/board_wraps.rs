// A board whose device range runs past 2^64 is refused where it is written.
programs::board! {
    pub Wrapping {
        ram: 0x4000_0000 + 0x4000_0000;
        devices: 0xffff_0000_0000_0000 + 0x1_0000_0000_1000;
        image: 0x4020_0000 + 0x0100_0000;
        kinds: VirtKinds;
    }
}

fn main() {}
