// The map passes its own checks, but names a kind the hypervisor does not
// emulate: the gate refuses it.
programs::sp_states! { pub SpState: Reset, Idle, Running, Blocked, Preempted, Aborted; }

programs::sp_lifecycle! {
    pub Lifecycle for SpState {
        states: Reset, Idle, Running, Blocked, Preempted;
        initial: Reset;
        Reset -> Idle;
        Idle -> Running;
        Running -> Idle;
        Running -> Blocked;
        Blocked -> Running;
        Running -> Preempted;
        Preempted -> Running;
        Blocked -> Preempted;
    }
}
programs::board! {
    pub Virt {
        ram: 0x4000_0000 + 0x4000_0000;
        devices: 0x0800_0000 + 0x3800_0000;
        image: 0x4020_0000 + 0x0100_0000;
    }
}

programs::devices! {
    pub Devices on Virt {
        uart0: Pl011 @ 0x0900_0000 + 0x1000, irq 33;
        net0: VirtioMmio @ 0x0a00_0000 + 0x1000, irq 48;
    }
}

pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Lifecycle;
    type Devices = Devices;
}

static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let _ = ACCEPTED.devices();
}
