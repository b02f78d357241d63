// A device map written by hand, without `devices!` and its checks, putting
// a window over the hypervisor image: the gate builds the checks' input from
// the map's parts and refuses it.
use programs::board::{Lifecycle, QemuVirt};
use programs::board::kinds::Pl011;
use programs::devices::DeviceMap;
use typenum::{U0, U4096};

typevm::record!(
    #[allow(non_camel_case_types)]
    pub struct uart9 = [Pl011, typevm::num!(0x4020_0000), U4096, U0] as typevm::value::Display::Window
);

pub struct OverTheImage;
impl DeviceMap for OverTheImage {
    const NAME: &'static str = "OverTheImage";
    type Devices = frunk::HList![uart9];
    type Board = QemuVirt;
}

pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Lifecycle;
    type Devices = OverTheImage;
}

static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let _ = ACCEPTED.devices();
}
