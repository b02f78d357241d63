// Typed transitions from safe code outside the hypervisor: a transition the
// board's table does not list does not compile, whether asked of a partition
// or of the accepted configuration; its maker is crate-private; and a
// proof from another accepted table (which lists `Reset -> Running`) does not
// move the board's partitions, whose only way to move is `go`.
use programs::board::{Blocked, Idle, Lifecycle, Reset, Running, SpState, VirtDevices, ACCEPTED};
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

fn main() {
    let p = hypervisor::sp::Partition::new(0, "p");
    let _ = p.go::<Idle, Blocked>();
    let _ = ACCEPTED.transition::<Reset, Running>();
    let _ = programs::Transition::<programs::board::Board, Reset, Running>::proved();
    let shortcut = MINE.transition::<Reset, Running>();
    let _ = p.state().take(&MINE, shortcut);
    let _: programs::Transition<programs::board::Board, Reset, Running> = shortcut;
    let _ = core::marker::PhantomData::<Lifecycle>;
}
