// A device kind that looks like the board's `Pl011` (same id, same set)
// but claims to raise no interrupt, so a UART without one passes the
// interrupt rule: the checks read the look-alike's fields, and the gate
// refuses to reflect a kind that is not the record its board's set declares.
use programs::board::{Lifecycle, QemuVirt, VirtKinds};
use programs::devices::DeviceMap;
use typenum::{U0, U4096};

typevm::record!(pub struct Pl011 = [U0, U0, U0, U0, VirtKinds] as typevm::value::Display::Name);
typevm::record!(
    #[allow(non_camel_case_types)]
    pub struct uart1 = [Pl011, typevm::num!(0x0900_0000), U4096, U0] as typevm::value::Display::Window
);

pub struct LookAlike;
impl DeviceMap for LookAlike {
    const NAME: &'static str = "LookAlike";
    type Devices = frunk::HList![uart1];
    type Board = QemuVirt;
}

pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Lifecycle;
    type Devices = LookAlike;
}

static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let _ = ACCEPTED.devices();
}
