// No `initial:` line.
programs::sp_states! { pub SpState: Reset, Idle, Running, Blocked, Preempted, Aborted; }

programs::sp_lifecycle! {
    pub Lifecycle for SpState {
        states: Reset, Idle, Running, Blocked, Preempted;
        Reset -> Idle;
        Idle -> Running;
        Running -> Idle;
        Running -> Blocked;
        Blocked -> Running;
        Running -> Preempted;
        Preempted -> Running;
        Blocked -> Preempted;
    }
}

fn main() {}
