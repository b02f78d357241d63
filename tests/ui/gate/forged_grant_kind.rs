// A hand-written partition set giving a look-alike of the board's `uart0`:
// same window, interrupt and kind id, but its kind claims to be passed
// through. `GrantsInMap` compares kind id, window and interrupt, so the
// checks accept it (a passed-through device given exclusively needs no
// emulation), while the runtime would take the map's device. The gate
// refuses the grant at reflection: its kind is not the map device's kind.
use programs::board::{Lifecycle, VirtDevices, VirtKinds};
use programs::partitions::{Grant, PartitionSet};
use typenum::{U0, U1, U5, U33, U4096};
use typevm::num;
use typevm::value::Display;

typevm::record!(pub struct Pl011 = [U0, U0, U1, U1, VirtKinds] as Display::Name);
typevm::record!(
    #[allow(non_camel_case_types)]
    pub struct uart0 = [Pl011, num!(0x0900_0000), U4096, U33] as Display::Window
);
typevm::record!(pub struct Code = [U5, num!(0x4120_0000), num!(0x1_0000)] as Display::Window);
typevm::record!(
    #[allow(non_camel_case_types)]
    pub struct sp0 = [num!(0x8001), U1, U1, U1, frunk::HList![Code], frunk::HList![Grant<uart0, U1>], frunk::HList![]]
        as Display::Name
);

pub struct Parts;
impl PartitionSet for Parts {
    const NAME: &'static str = "Parts";
    type Partitions = frunk::HList![sp0];
}

pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Lifecycle;
    type Devices = VirtDevices;
    type Partitions = Parts;
}

static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let _ = ACCEPTED.partitions();
}
