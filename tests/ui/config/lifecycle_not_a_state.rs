// A type that is not a state at all, named in `states:`.
programs::sp_states! { pub SpState: Reset, Idle; }

programs::sp_lifecycle! {
    pub Lifecycle for SpState {
        states: Reset, Idle, u32;
        initial: Reset;
        Reset -> Idle;
        Idle -> Reset;
    }
}

fn main() {}
