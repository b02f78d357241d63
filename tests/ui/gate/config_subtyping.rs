// Two `Config` impls on one generic type, differing only by a higher-ranked
// fn pointer: were `Accepted` covariant in its configuration, the accepted
// value of the subtype would coerce to the supertype's `Accepted`, whose
// lifecycle table (`Bad`) the checks refuse. It is invariant: mismatched types.
// (Adversarial review, session 5: this got through before.)
#![allow(coherence_leak_check)]
use core::marker::PhantomData;
use programs::Accepted;
use programs::board::{Idle, Lifecycle, Reset, SpState, VirtDevices};
use programs::lifecycle::{Edge, Table};

// Refused: `Idle -> Reset` enters the initial state.
pub struct Bad;
impl Table for Bad {
    const NAME: &'static str = "Bad";
    type Vocabulary = SpState;
    type Edges = frunk::HList![Edge<Reset, Idle>, Edge<Idle, Reset>];
    type States = frunk::HList![Reset, Idle];
    type Initial = frunk::HList![Reset];
    type Terminal = frunk::HNil;
    type Reentrant = frunk::HNil;
}

pub struct Cfg<T>(PhantomData<T>);
impl programs::Config for Cfg<for<'a> fn(&'a ())> {
    type Lifecycle = Lifecycle;
    type Devices = VirtDevices;
}
impl programs::Config for Cfg<fn(&'static ())> {
    type Lifecycle = Bad;
    type Devices = VirtDevices;
}

static GOOD: Accepted<Cfg<for<'a> fn(&'a ())>> = Accepted::CHECKED;
static FORGED: &Accepted<Cfg<fn(&'static ())>> = &GOOD;

fn main() {
    let _ = FORGED.lifecycle();
}
