// Found by an adversarial review (session 10): the typed-transition proof
// searched the table's edges through a public trait, so a hand-written
// table could hold a record of its own that the checks read as
// `Reset -> Idle` and that, with its own `IsEdge` impl, proved every
// transition. The search's traits are private now.
use programs::board::{Idle, Reset, Running, SpState, VirtDevices};
use programs::lifecycle::{Edge, Table};

typevm::record!(pub struct Any = [Reset, Idle] as typevm::value::Display::Arrow);
impl<F, T> programs::transitions::IsEdge<F, T> for Any {
    type Out = typenum::B1;
}

pub struct T3;
impl Table for T3 {
    const NAME: &'static str = "T3";
    type Vocabulary = SpState;
    type Edges = frunk::HList![Any, Edge<Idle, Running>, Edge<Running, Idle>];
    type States = frunk::HList![Reset, Idle, Running];
    type Initial = frunk::HList![Reset];
    type Terminal = frunk::HNil;
    type Reentrant = frunk::HNil;
}
pub struct Cfg;
impl programs::Config for Cfg {
    type Lifecycle = T3;
    type Devices = VirtDevices;
}
static MINE: programs::Accepted<Cfg> = programs::Accepted::CHECKED;

fn main() {
    let _ = MINE.transition::<Running, Reset>();
}
