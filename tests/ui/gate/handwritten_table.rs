// A table implemented by hand, without `sp_lifecycle!` and its checks: the
// trait only names the table's parts, the gate builds the checks' input from
// them, runs every check on it and refuses it (`Idle` is a dead end).
use frunk::HList;
use programs::board::{Idle, Reset, SpState, VirtDevices};
use programs::lifecycle::{Edge, Table};

pub struct Sneaky;
impl Table for Sneaky {
    const NAME: &'static str = "Sneaky";
    type Vocabulary = SpState;
    type Edges = HList![Edge<Reset, Idle>];
    type States = HList![Reset, Idle];
    type Initial = HList![Reset];
    type Terminal = HList![];
    type Reentrant = HList![];
}

pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Sneaky;
    type Devices = VirtDevices;
}

static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

fn main() {
    let _ = ACCEPTED.lifecycle();
}
