// A handler declaration written by hand, without `transition_handlers!`:
// the gate runs the check on its types anyway and refuses the seven
// transitions of the board's table it leaves without a handler.
use programs::board::{Idle, Lifecycle, Reset};
use programs::handlers::Handlers;
use programs::lifecycle::Edge;

fn on_boot(_: &()) {}

pub struct OneHandler;
impl Handlers for OneHandler {
    const NAME: &'static str = "OneHandler";
    type Context = ();
    type Table = Lifecycle;
    type Handled = frunk::HList![Edge<Reset, Idle>];
    const FUNCTIONS: &'static [fn(&())] = &[on_boot];
}

static HANDLERS: programs::HandlerTable<(), Lifecycle> = programs::HandlerTable::checked::<OneHandler>();

fn main() {
    let _ = HANDLERS.len();
}
