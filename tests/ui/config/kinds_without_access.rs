// A kind must say how partitions get its devices: trapped (emulated by the
// hypervisor) or passed through (mapped into one partition).
programs::device_kinds! {
    pub MyKinds {
        Uart: spi;
    }
}

fn main() {}
