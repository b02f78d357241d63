// A table implemented by hand, without `sp_lifecycle!` and its checks (its
// reflections honest, as the trait's safety contract demands): the gate runs
// every check on the types itself and refuses it (`Idle` is a dead end).
use programs::board::{Idle, Reset, VirtDevices, Emulated};
use programs::lifecycle::{Edge, Table};
use frunk::HList;

pub struct Sneaky;
// SAFETY: the reflections list the same items as the types.
unsafe impl Table for Sneaky {
    const NAME: &'static str = "Sneaky";
    type Edges = HList![Edge<Reset, Idle>];
    type Input = HList![HList![Edge<Reset, Idle>], HList![Reset, Idle], HList![Reset], HList![], HList![], HList![Reset]];
    const EDGES: &'static [typevm::Val] = &[<Edge<Reset, Idle> as typevm::value::Value>::VAL];
    const STATES: &'static [typevm::Val] = &[<Reset as typevm::value::Value>::VAL, <Idle as typevm::value::Value>::VAL];
    const INITIAL: &'static [typevm::Val] = &[<Reset as typevm::value::Value>::VAL];
    const TERMINAL: &'static [typevm::Val] = &[];
    const REENTRANT: &'static [typevm::Val] = &[];
}

pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Sneaky;
    type Devices = VirtDevices;
}

static ACCEPTED: programs::Accepted<Config, Emulated> = programs::Accepted::CHECKED;

fn main() {
    let _ = ACCEPTED.lifecycle();
}
