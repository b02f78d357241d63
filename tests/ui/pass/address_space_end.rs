// Ranges compare by their last byte: a device range and a window that end
// exactly at 2^64 are accepted, and the runtime table says so.
use programs::board::kinds::*;
programs::sp_states! { pub SpState: Reset, Idle; }
programs::sp_lifecycle! {
    pub Lifecycle for SpState {
        states: Reset, Idle;
        initial: Reset;
        terminal: Idle;
        Reset -> Idle;
    }
}

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
        last: Pl011 @ 0xffff_ffff_ffff_f000 + 0x1000, irq 33;
    }
}

pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Lifecycle;
    type Devices = Devices;
}

static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let d = ACCEPTED.devices()[0];
    assert_eq!((d.name(), d.base(), d.size()), ("last", 0xffff_ffff_ffff_f000, 0x1000));
    assert!(d.contains(u64::MAX));
    assert_eq!(ACCEPTED.board().device_base(), 0xffff_0000_0000_0000);
}
