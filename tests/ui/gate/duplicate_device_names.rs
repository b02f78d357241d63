// A hand-written map with two devices named `uart0` (the parser refuses
// this in `devices!`, but a hand-written map skips the parser): the hypervisor
// finds devices by name, so the gate refuses it. (Adversarial review, session 5.)
use programs::board::{Lifecycle, QemuVirt};
mod one {
    typevm::record!(
        #[allow(non_camel_case_types)]
        pub struct uart0 = [programs::board::Pl011, typevm::num!(0x0900_0000), typenum::U4096, typevm::num!(33)]
            as typevm::value::Display::Window
    );
}
mod two {
    typevm::record!(
        #[allow(non_camel_case_types)]
        pub struct uart0 = [programs::board::Pl011, typevm::num!(0x0901_0000), typenum::U4096, typevm::num!(34)]
            as typevm::value::Display::Window
    );
}
pub struct Map;
impl programs::devices::DeviceMap for Map {
    const NAME: &'static str = "Map";
    type Devices = frunk::HList![one::uart0, two::uart0];
    type Board = QemuVirt;
}
pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Lifecycle;
    type Devices = Map;
}
static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let _ = ACCEPTED.devices();
}
