// A larger valid table and map: 16 states, a ring with chords; 32 UARTs.
use programs::board::kinds::*;
programs::sp_states! { pub SpState: S0, S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12, S13, S14, S15; }

programs::sp_lifecycle! {
    pub Big for SpState {
        states: S0, S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, S12, S13, S14, S15;
        initial: S0;
        S0 -> S1;
        S0 -> S3;
        S0 -> S5;
        S1 -> S2;
        S1 -> S4;
        S1 -> S6;
        S2 -> S3;
        S2 -> S5;
        S2 -> S7;
        S3 -> S4;
        S3 -> S6;
        S3 -> S8;
        S4 -> S5;
        S4 -> S7;
        S4 -> S9;
        S5 -> S6;
        S5 -> S8;
        S5 -> S10;
        S6 -> S7;
        S6 -> S9;
        S6 -> S11;
        S7 -> S8;
        S7 -> S10;
        S7 -> S12;
        S8 -> S9;
        S8 -> S11;
        S8 -> S13;
        S9 -> S10;
        S9 -> S12;
        S9 -> S14;
        S10 -> S11;
        S10 -> S13;
        S10 -> S15;
        S11 -> S12;
        S11 -> S14;
        S12 -> S13;
        S12 -> S15;
        S12 -> S1;
        S13 -> S14;
        S13 -> S2;
        S14 -> S15;
        S14 -> S1;
        S14 -> S3;
        S15 -> S1;
        S15 -> S2;
        S15 -> S4;
    }
}

programs::board! {
    pub Virt {
        ram: 0x4000_0000 + 0x4000_0000;
        devices: 0x0800_0000 + 0x3800_0000;
        image: 0x4020_0000 + 0x0100_0000;
        kinds: VirtKinds;
    }
}

programs::devices! {
    pub Many on Virt {
        gicd: GicV3Distributor @ 0x0800_0000 + 0x1_0000;
        uart0: Pl011 @ 0x9000000 + 0x1000, irq 40;
        uart1: Pl011 @ 0x9001000 + 0x1000, irq 41;
        uart2: Pl011 @ 0x9002000 + 0x1000, irq 42;
        uart3: Pl011 @ 0x9003000 + 0x1000, irq 43;
        uart4: Pl011 @ 0x9004000 + 0x1000, irq 44;
        uart5: Pl011 @ 0x9005000 + 0x1000, irq 45;
        uart6: Pl011 @ 0x9006000 + 0x1000, irq 46;
        uart7: Pl011 @ 0x9007000 + 0x1000, irq 47;
        uart8: Pl011 @ 0x9008000 + 0x1000, irq 48;
        uart9: Pl011 @ 0x9009000 + 0x1000, irq 49;
        uart10: Pl011 @ 0x900a000 + 0x1000, irq 50;
        uart11: Pl011 @ 0x900b000 + 0x1000, irq 51;
        uart12: Pl011 @ 0x900c000 + 0x1000, irq 52;
        uart13: Pl011 @ 0x900d000 + 0x1000, irq 53;
        uart14: Pl011 @ 0x900e000 + 0x1000, irq 54;
        uart15: Pl011 @ 0x900f000 + 0x1000, irq 55;
        uart16: Pl011 @ 0x9010000 + 0x1000, irq 56;
        uart17: Pl011 @ 0x9011000 + 0x1000, irq 57;
        uart18: Pl011 @ 0x9012000 + 0x1000, irq 58;
        uart19: Pl011 @ 0x9013000 + 0x1000, irq 59;
        uart20: Pl011 @ 0x9014000 + 0x1000, irq 60;
        uart21: Pl011 @ 0x9015000 + 0x1000, irq 61;
        uart22: Pl011 @ 0x9016000 + 0x1000, irq 62;
        uart23: Pl011 @ 0x9017000 + 0x1000, irq 63;
        uart24: Pl011 @ 0x9018000 + 0x1000, irq 64;
        uart25: Pl011 @ 0x9019000 + 0x1000, irq 65;
        uart26: Pl011 @ 0x901a000 + 0x1000, irq 66;
        uart27: Pl011 @ 0x901b000 + 0x1000, irq 67;
        uart28: Pl011 @ 0x901c000 + 0x1000, irq 68;
        uart29: Pl011 @ 0x901d000 + 0x1000, irq 69;
        uart30: Pl011 @ 0x901e000 + 0x1000, irq 70;
        uart31: Pl011 @ 0x901f000 + 0x1000, irq 71;
    }
}

pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Big;
    type Devices = Many;
}
static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    assert_eq!(ACCEPTED.lifecycle().states().len(), 16);
    assert_eq!(ACCEPTED.lifecycle().legal().iter().map(|m| m.count_ones()).sum::<u32>(), 46);
    assert_eq!(ACCEPTED.devices().len(), 33);
}
