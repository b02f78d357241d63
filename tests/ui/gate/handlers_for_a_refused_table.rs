// A handler table checked against a table the lifecycle checks refuse: its
// handlers match the table one-to-one, but the table itself enters its
// initial state, so the handler table is refused with it (before, `checked`
// asked only for the one-to-one match). (Adversarial review, session 5.)
use programs::HandlerTable;
use programs::board::{Idle, Reset, SpState};
use programs::lifecycle::{Edge, Table};

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

fn evil(_: &()) {}
pub struct BadHandlers;
impl programs::handlers::Handlers for BadHandlers {
    const NAME: &'static str = "BadHandlers";
    type Context = ();
    type Table = Bad;
    type Handled = frunk::HList![Edge<Reset, Idle>, Edge<Idle, Reset>];
    const FUNCTIONS: &'static [fn(&())] = &[evil, evil];
}
static BAD_HANDLERS: HandlerTable<(), Bad> = HandlerTable::checked::<BadHandlers>();

fn main() {
    let _ = BAD_HANDLERS.len();
}
