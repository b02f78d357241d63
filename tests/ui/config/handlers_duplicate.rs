// Two handlers for `Running -> Idle`.
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
    }
}

pub struct Partition;
fn log(_: &Partition) {}

programs::transition_handlers! {
    pub static HANDLERS: programs::HandlerTable<Partition, Lifecycle> = {
        Reset -> Idle => log,
        Idle -> Running => log,
        Running -> Idle => log,
        Running -> Blocked => log,
        Blocked -> Running => log,
        Running -> Preempted => log,
        Preempted -> Running => log,
        Blocked -> Preempted => log,
        Running -> Idle => log,
    };
}

fn main() {}
