// Three windows overlap a fourth: three errors, each at the line of the
// device that overlaps an earlier one, all reported at once.
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
        uart0: Pl011 @ 0x0900_0000 + 0x3000, irq 33;
        uart1: Pl011 @ 0x0900_1000 + 0x1000, irq 34;
        uart2: Pl011 @ 0x0900_2000 + 0x1000, irq 35;
        uart3: Pl011 @ 0x0900_0000 + 0x1000, irq 36;
    }
}

fn main() {}
