// `Accepted<C, E>` once let its caller name the kinds the hypervisor
// emulates, so a map with a `VirtioMmio` (not emulated) was "accepted" with
// `E = [Pl011, VirtioMmio]`. The emulated kinds are now the hypervisor's own
// (`programs::board::Emulated`), not a parameter. (Adversarial review, session 5.)
use programs::board::kinds::{Pl011, VirtioMmio};
use programs::board::{Lifecycle, QemuVirt};
programs::devices! {
    pub Devices on QemuVirt {
        uart0: Pl011 @ 0x0900_0000 + 0x1000, irq 33;
        net0: VirtioMmio @ 0x0a00_0000 + 0x1000, irq 48;
    }
}
pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Lifecycle;
    type Devices = Devices;
}
static CLAIMED: programs::Accepted<Config, frunk::HList![Pl011, VirtioMmio]> = programs::Accepted::CHECKED;
static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let _ = (CLAIMED.devices(), ACCEPTED.devices());
}
