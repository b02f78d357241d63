// A handler for a transition between states of another vocabulary: refused
// at the state's name and by the check, at the handler's line.
programs::sp_states! { pub SpState: Reset, Idle; }
mod other {
    programs::sp_states! { pub Other: Booting, Ready; }
}
use other::Ready;

programs::sp_lifecycle! {
    pub Lifecycle for SpState {
        states: Reset, Idle;
        initial: Reset;
        terminal: Idle;
        Reset -> Idle;
    }
}

fn on_boot(_: &()) {}

programs::transition_handlers! {
    pub static HANDLERS: programs::HandlerTable<(), Lifecycle> = {
        Reset -> Idle => on_boot,
        Reset -> Ready => on_boot,
    };
}

fn main() {}
