//! Secure Partitions: the handler context, and the per-transition handlers
//! declared against the accepted lifecycle table.
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use programs::StateId;
use programs::board::*;
use programs::lifecycle::StateOf;

use crate::lifecycle::{SpState, TransitionError};

/// Most states a lifecycle table may have for the per-transition counters.
pub const MAX_STATES: usize = 8;
const _: () = assert!(
    ACCEPTED.lifecycle().states().len() <= MAX_STATES,
    "the accepted lifecycle table has more states than sp::MAX_STATES"
);

/// A state of the board's vocabulary (`programs::board::SpState`): what
/// [`Partition::go`] moves between. Another vocabulary's states, whose ids
/// alias the board's, are refused at the call.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a state of the board's vocabulary `SpState`",
    label = "not a state of `programs::board::SpState`",
    note = "partitions move between the states of the board's accepted lifecycle table"
)]
pub trait BoardState: StateId + StateOf<programs::board::SpState> {}
impl<S: StateId + StateOf<programs::board::SpState>> BoardState for S {}

/// One Secure Partition as the lifecycle sees it (the handler context).
pub struct Partition {
    pub id: u8,
    pub name: &'static str,
    state: SpState,
    counts: [AtomicU32; MAX_STATES * MAX_STATES],
    quiet: AtomicBool,
}

impl Partition {
    /// A partition in the accepted table's initial state.
    pub const fn new(id: u8, name: &'static str) -> Self {
        Self {
            id,
            name,
            state: SpState::new(ACCEPTED.lifecycle().initial()),
            counts: [const { AtomicU32::new(0) }; MAX_STATES * MAX_STATES],
            quiet: AtomicBool::new(false),
        }
    }

    /// Suppress the handlers' log lines (they still count), e.g. during races.
    pub fn set_quiet(&self, quiet: bool) {
        self.quiet.store(quiet, Ordering::Relaxed);
    }

    /// Are the handlers' (and refusals') log lines suppressed?
    pub fn is_quiet(&self) -> bool {
        self.quiet.load(Ordering::Relaxed)
    }

    /// The lifecycle state (read-only outside this crate: it moves only by
    /// [`go`](Self::go) on the board's table).
    pub fn state(&self) -> &SpState {
        &self.state
    }

    /// The transition `F -> T`, by compare-and-swap from `F`, then its
    /// handler. Compiles only if the board's accepted lifecycle table lists
    /// `F -> T` (the proof is found in the table at compile time); at run
    /// time it can only be refused because the state is not `F` now
    /// ([`TransitionError::Conflict`]) or the state byte is corrupt.
    pub fn go<F: BoardState, T: BoardState>(&self) -> Result<(), TransitionError>
    where
        Lifecycle: programs::Lists<F, T>,
    {
        self.state
            .take(&ACCEPTED, ACCEPTED.transition::<F, T>(), &SP_HANDLERS, self)
    }

    /// The current state (an error if the byte is corrupt).
    pub fn current(&self) -> Result<u8, TransitionError> {
        self.state.get(ACCEPTED.lifecycle())
    }

    /// How many times the handler of `from -> to` ran.
    pub fn count(&self, from: u8, to: u8) -> u32 {
        let (f, t) = (from as usize, to as usize);
        if f < MAX_STATES && t < MAX_STATES {
            self.counts[f * MAX_STATES + t].load(Ordering::Relaxed)
        } else {
            0
        }
    }

    /// Handler runs over all transitions.
    pub fn total_transitions(&self) -> u32 {
        self.counts.iter().map(|c| c.load(Ordering::Relaxed)).sum()
    }

    fn note<F: StateId, T: StateId>(&self, handler: &str) {
        let n = self.counts[F::ID as usize * MAX_STATES + T::ID as usize].fetch_add(1, Ordering::Relaxed) + 1;
        if !self.quiet.load(Ordering::Relaxed) {
            crate::hlog!(
                "[lifecycle] {}: {} -> {} (handler {}, #{})",
                self.name,
                F::NAME,
                T::NAME,
                handler,
                n
            );
        }
    }
}

/// The partition finished booting and waits for requests.
pub fn on_boot(p: &Partition) {
    p.note::<Reset, Idle>("on_boot")
}
/// A direct request starts the partition.
pub fn on_request(p: &Partition) {
    p.note::<Idle, Running>("on_request")
}
/// The partition answered its request.
pub fn on_done(p: &Partition) {
    p.note::<Running, Idle>("on_done")
}
/// The partition called another and waits for the answer.
pub fn on_call(p: &Partition) {
    p.note::<Running, Blocked>("on_call")
}
/// The callee answered; the caller runs again.
pub fn on_answer(p: &Partition) {
    p.note::<Blocked, Running>("on_answer")
}
/// The EL2 timer preempted the running partition.
pub fn on_preempt(p: &Partition) {
    p.note::<Running, Preempted>("on_preempt")
}
/// The scheduler resumed a preempted partition.
pub fn on_resume(p: &Partition) {
    p.note::<Preempted, Running>("on_resume")
}
/// The partition's callee was preempted: the whole call chain is preempted.
pub fn on_chain_preempt(p: &Partition) {
    p.note::<Blocked, Preempted>("on_chain_preempt")
}

programs::transition_handlers! {
    pub static SP_HANDLERS: programs::HandlerTable<crate::sp::Partition, programs::board::Lifecycle> = {
        Reset -> Idle => crate::sp::on_boot,
        Idle -> Running => crate::sp::on_request,
        Running -> Idle => crate::sp::on_done,
        Running -> Blocked => crate::sp::on_call,
        Blocked -> Running => crate::sp::on_answer,
        Running -> Preempted => crate::sp::on_preempt,
        Preempted -> Running => crate::sp::on_resume,
        Blocked -> Preempted => crate::sp::on_chain_preempt,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_transition_has_a_handler_and_no_other() {
        let t = ACCEPTED.lifecycle();
        let n = t.states().len() as u8;
        for from in 0..n {
            for to in 0..n {
                assert_eq!(
                    SP_HANDLERS.get(from, to).is_some(),
                    t.allows(from, to),
                    "{} -> {}",
                    t.name(from),
                    t.name(to)
                );
            }
        }
    }

    #[test]
    fn handler_logs_and_counts() {
        use std::sync::Mutex;
        static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());
        fn sink(a: core::fmt::Arguments<'_>) {
            LINES.lock().unwrap().push(std::format!("{a}"));
        }
        crate::log::set_sink(sink);
        let p = Partition::new(7, "spX");
        p.go::<Reset, Idle>().unwrap();
        p.go::<Idle, Running>().unwrap();
        assert!(p.go::<Preempted, Running>().is_err());
        assert_eq!(p.count(Reset::ID, Idle::ID), 1);
        assert_eq!(p.count(Idle::ID, Running::ID), 1);
        assert_eq!(p.total_transitions(), 2);
        let lines = LINES.lock().unwrap();
        assert!(
            lines
                .iter()
                .any(|l| l == "[lifecycle] spX: Reset -> Idle (handler on_boot, #1)"),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l == "[lifecycle] spX: Idle -> Running (handler on_request, #1)"),
            "{lines:?}"
        );
    }
}
