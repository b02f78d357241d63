// Driving the hypervisor's partitions past the board's accepted table, from
// safe code outside the hypervisor crate (adversarial review, session 5; all
// three compiled before): a transition on a table of the caller's choosing
// (another accepted table with `Reset -> Running`), a state byte set to any
// state, and a transition named by another vocabulary's states whose ids
// alias the board's.
use programs::StateId;
use programs::board::{Idle, Reset, Running, SpState, VirtDevices};
programs::sp_lifecycle! {
    pub Shortcut for SpState {
        states: Reset, Idle, Running;
        initial: Reset;
        Reset -> Running;
        Running -> Idle;
        Idle -> Running;
    }
}
pub struct Cfg;
impl programs::Config for Cfg {
    type Lifecycle = Shortcut;
    type Devices = VirtDevices;
}
static MINE: programs::Accepted<Cfg> = programs::Accepted::CHECKED;

mod other {
    programs::sp_states! { pub Mine: A, B, C; }
}

fn main() {
    let p = hypervisor::sp::Partition::new(0, "p");
    let _ = p.state.transition(MINE.lifecycle(), Reset::ID, Running::ID);
    let _ = hypervisor::lifecycle::SpState::new(Running::ID);
    let _ = p.go::<other::A, other::B>();
    let _ = Idle::ID;
}
