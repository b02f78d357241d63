// Found by an adversarial review: a vocabulary record that copies
// `SpState`'s identity, a state of it with id 5 (`SpState` has 5 states),
// and a state of `SpState` itself forged with id 7. A state is of a
// vocabulary only with an id below the vocabulary's size: both are refused.
use programs::board::{Idle, Reset, Running, SpState, VirtDevices};
use programs::lifecycle::{Edge, Table};
use typenum::{U5, U7};
use typevm::value::Record;

pub trait Head {
    type H;
}
impl<H, T> Head for frunk::HCons<H, T> {
    type H = H;
}
type SpIdentity = <<SpState as Record>::Fields as Head>::H;

typevm::record!(pub struct Other = [SpIdentity, U5] as typevm::value::Display::Name);
typevm::record!(pub struct Intruder = [U5, Other] as typevm::value::Display::Name);
typevm::record!(pub struct Ghost = [U7, SpState] as typevm::value::Display::Name);

pub struct Mixed;
impl Table for Mixed {
    const NAME: &'static str = "Mixed";
    type Vocabulary = SpState;
    type Edges = frunk::HList![
        Edge<Reset, Idle>,
        Edge<Idle, Running>,
        Edge<Running, Intruder>,
        Edge<Intruder, Ghost>,
        Edge<Ghost, Idle>,
        Edge<Running, Idle>
    ];
    type States = frunk::HList![Reset, Idle, Running, Intruder, Ghost];
    type Initial = frunk::HList![Reset];
    type Terminal = frunk::HNil;
    type Reentrant = frunk::HNil;
}

pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Mixed;
    type Devices = VirtDevices;
}

static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let _ = ACCEPTED.lifecycle();
}
