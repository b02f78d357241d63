// A transition proof built by hand, for a transition the board's table does
// not list: the proof's field is private (its maker is crate-private, in
// `transition_not_in_table.rs`), so only `Accepted::transition` makes one.
use programs::board::{Board, Reset, Running};
use programs::Transition;

fn main() {
    let _ = Transition::<Board, Reset, Running> { _proof: core::marker::PhantomData };
}
