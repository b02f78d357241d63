// Two independent mistakes: a dead end and a transition into the initial state. Both are reported.
programs::sp_states! { pub SpState: Reset, Idle, Running, Blocked, Preempted, Aborted; }

programs::sp_lifecycle! {
    pub Lifecycle for SpState {
        states: Reset, Idle, Running, Blocked, Preempted;
        initial: Reset;
        Reset -> Idle;
        Idle -> Running;
        Running -> Idle;
        Running -> Blocked;
        Blocked -> Running;
        Running -> Preempted;
        Blocked -> Preempted;
        Idle -> Reset;
    }
}

fn main() {}
