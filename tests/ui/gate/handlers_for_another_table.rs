// A handler table is typed by the lifecycle table it was checked against:
// one checked against a small table cannot stand in for the board's.
programs::sp_states! { pub Small: Reset, Idle; }
programs::sp_lifecycle! {
    pub Tiny for Small {
        states: Reset, Idle;
        initial: Reset;
        terminal: Idle;
        Reset -> Idle;
    }
}

fn on_boot(_: &()) {}

programs::transition_handlers! {
    pub static TINY: programs::HandlerTable<(), Tiny> = {
        Reset -> Idle => on_boot,
    };
}

fn main() {
    let _: &programs::HandlerTable<(), programs::board::Lifecycle> = &TINY;
}
