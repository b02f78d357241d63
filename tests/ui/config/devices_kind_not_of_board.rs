// A board with kinds of its own, and a device of a kind from another set
// (QEMU virt's `Pl011`): the board does not declare it, so its properties
// (trapped, an SPI) are not the board's to vouch for.
use programs::board::kinds::Pl011;
programs::device_kinds! {
    /// The kinds of a small board.
    pub MyKinds {
        Uart: trapped, spi;
        Watchdog: passthrough, spi;
    }
}
programs::board! {
    pub Mine {
        ram: 0x4000_0000 + 0x4000_0000;
        devices: 0x0800_0000 + 0x3800_0000;
        image: 0x4020_0000 + 0x0100_0000;
        kinds: MyKinds;
    }
}

programs::devices! {
    pub Devices on Mine {
        uart0: Uart @ 0x0900_0000 + 0x1000, irq 33;
        wdog0: Watchdog @ 0x0902_0000 + 0x1000, irq 35;
        uart1: Pl011 @ 0x0901_0000 + 0x1000, irq 34;
    }
}

fn main() {}
