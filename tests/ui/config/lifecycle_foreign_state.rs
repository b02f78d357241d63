// Two vocabularies: `Halted` belongs to `Other`, whose ids overlap
// `SpState`'s (it is id 1, like `Idle`). A table for `SpState` that names it
// is refused at the name, and by the check, instead of aliasing `Idle`.
programs::sp_states! { pub SpState: Reset, Idle, Running; }

mod other {
    programs::sp_states! { pub Other: Booting, Halted; }
}
use other::Halted;

programs::sp_lifecycle! {
    pub Lifecycle for SpState {
        states: Reset, Idle, Running;
        initial: Reset;
        Reset -> Idle;
        Idle -> Running;
        Running -> Idle;
        Running -> Halted;
    }
}

fn main() {}
