// A device map written by hand with its windows out of address order: the
// overlap rule sweeps the windows in the order `devices!` gives them, so the
// gate refuses a map in any other order and says how to fix it.
use programs::board::{Lifecycle, QemuVirt};
use programs::board::kinds::Pl011;
use programs::devices::DeviceMap;
use typenum::U4096;

typevm::record!(
    #[allow(non_camel_case_types)]
    pub struct uart_high = [Pl011, typevm::num!(0x0902_0000), U4096, typevm::num!(40)] as typevm::value::Display::Window
);
typevm::record!(
    #[allow(non_camel_case_types)]
    pub struct uart_low = [Pl011, typevm::num!(0x0901_0000), U4096, typevm::num!(41)] as typevm::value::Display::Window
);

pub struct Unordered;
impl DeviceMap for Unordered {
    const NAME: &'static str = "Unordered";
    type Devices = frunk::HList![uart_high, uart_low];
    type Board = QemuVirt;
}

pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Lifecycle;
    type Devices = Unordered;
}

static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let _ = ACCEPTED.devices();
}
