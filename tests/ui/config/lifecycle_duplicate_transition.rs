// `Running -> Blocked` twice.
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
        Preempted -> Running;
        Blocked -> Preempted;
        Running -> Blocked;
    }
}

fn main() {}
