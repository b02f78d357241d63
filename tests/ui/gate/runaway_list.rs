// Runaway inputs, written by hand as nominal list cells (safe code may
// declare them): a device map whose list unfolds forever (its cell names
// itself as the next cell), and a transition list whose cells count down
// from 5000, each consistent with the next. Both end at the first `Uncons`
// of the broken cell with a message saying why, not when the checks' budget
// of 2^24 ticks is spent (hours), and neither reaches the image.
use programs::board::{Board, Idle, Lifecycle, QemuVirt, Reset, SpState, VirtDevices};
use programs::lifecycle::{Edge, Table};
use typevm::value::{CellOf, Declared, Display};

typevm::record!(
    #[allow(non_camel_case_types)]
    pub struct uart0 = [programs::board::Pl011, typevm::num!(0x0900_0000), typenum::U4096, typevm::num!(33)]
        as Display::Window
);

pub struct Forever;
impl Declared for Forever {
    type Form = CellOf<frunk::HCons<uart0, Forever>, typenum::U1>;
    const NAME: &'static str = "Forever";
    const DISPLAY: Display = Display::Name;
}
pub struct EndlessMap;
impl programs::devices::DeviceMap for EndlessMap {
    const NAME: &'static str = "EndlessMap";
    type Devices = Forever;
    type Board = QemuVirt;
}
pub struct EndlessConfig;
impl programs::Config for EndlessConfig {
    type Lifecycle = Lifecycle;
    type Devices = EndlessMap;
}
static ENDLESS_MAP: programs::Accepted<EndlessConfig> = programs::Accepted::CHECKED;

pub struct Countdown<N>(core::marker::PhantomData<N>);
impl<N: typenum::Unsigned + core::ops::Sub<typenum::B1> + 'static> Declared for Countdown<N>
where
    typenum::Sub1<N>: 'static,
{
    type Form = CellOf<frunk::HCons<Edge<Reset, Idle>, Countdown<typenum::Sub1<N>>>, N>;
    const NAME: &'static str = "Countdown";
    const DISPLAY: Display = Display::Name;
}
pub struct Long;
impl Table for Long {
    const NAME: &'static str = "Long";
    type Vocabulary = SpState;
    type Edges = Countdown<typevm::num!(5000)>;
    type States = frunk::HList![Reset, Idle];
    type Initial = frunk::HList![Reset];
    type Terminal = frunk::HList![Idle];
    type Reentrant = frunk::HList![];
}
pub struct LongConfig;
impl programs::Config for LongConfig {
    type Lifecycle = Long;
    type Devices = VirtDevices;
}
static LONG_TABLE: programs::Accepted<LongConfig> = programs::Accepted::CHECKED;

fn main() {
    let _ = (ENDLESS_MAP.devices(), LONG_TABLE.lifecycle(), core::marker::PhantomData::<Board>);
}
