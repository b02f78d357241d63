// Found by an adversarial review: a kind record that reflects exactly as
// `GicV3Distributor` but spells its interrupt class 0 with a leading zero
// bit (`UInt<UTerm, B0>`), so that a condition read it as "not zero" and a
// GIC distributor with an interrupt passed. Conditions now read numbers by
// value, as reflection does: the interrupt rule refuses it.
use programs::board::{Lifecycle, QemuVirt, VirtKinds};
use programs::devices::DeviceMap;
use typenum::{B0, U0, U1, U3, U20, UInt, UTerm};

typevm::record!(pub struct GicV3Distributor = [U3, U1, UInt<UTerm, B0>, U0, VirtKinds] as typevm::value::Display::Name);
typevm::record!(
    #[allow(non_camel_case_types)]
    pub struct gicd = [GicV3Distributor, typevm::num!(0x0800_0000), typevm::num!(0x1_0000), U20] as typevm::value::Display::Window
);

pub struct Map;
impl DeviceMap for Map {
    const NAME: &'static str = "Map";
    type Devices = frunk::HList![gicd];
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
