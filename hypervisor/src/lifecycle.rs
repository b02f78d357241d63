//! SP lifecycle state: one `AtomicU8` per partition, changed only by
//! compare-and-swap against the accepted lifecycle table.
//!
//! The table is `programs::LifecycleInfo` (derived from the accepted type
//! program); nothing here knows the state names or transitions.
use core::fmt;
use core::sync::atomic::{AtomicU8, Ordering};

use programs::{Accepted, Config, HandlerTable, LifecycleInfo, StateId, Transition};

/// Why a transition was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransitionError {
    /// `from -> to` is not a transition of the accepted table.
    Illegal { from: u8, to: u8 },
    /// The table allows `from -> to`, but the state was `actual`, not `from`
    /// (another CPU or event changed it first).
    Conflict { from: u8, to: u8, actual: u8 },
    /// The state byte holds a value that is not a state of the table.
    Corrupt { value: u8 },
    /// The table allows `from -> to` but the handler table has no entry
    /// (impossible for a handler table the checks accepted).
    NoHandler { from: u8, to: u8 },
}

impl TransitionError {
    /// Is this fatal for the hypervisor (corrupt hypervisor state)?
    pub const fn is_fatal(&self) -> bool {
        match self {
            TransitionError::Corrupt { .. } | TransitionError::NoHandler { .. } => true,
            TransitionError::Illegal { .. } | TransitionError::Conflict { .. } => false,
        }
    }

    /// A printable report naming the item, the rule, and what happened.
    pub fn report<'a>(&'a self, table: &'a LifecycleInfo, item: &'a str) -> Report<'a> {
        Report { err: self, table, item }
    }
}

/// Display adapter for a [`TransitionError`].
pub struct Report<'a> {
    err: &'a TransitionError,
    table: &'a LifecycleInfo,
    item: &'a str,
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.table;
        let item = self.item;
        match *self.err {
            TransitionError::Illegal { from, to } => write!(
                f,
                "{item}: transition {} -> {} refused: rule `only transitions of the accepted lifecycle table`: {} -> {} is not in the table",
                t.name(from),
                t.name(to),
                t.name(from),
                t.name(to)
            ),
            TransitionError::Conflict { from, to, actual } => write!(
                f,
                "{item}: transition {} -> {} refused: rule `compare-and-swap from the current state`: the state is {}, not {}",
                t.name(from),
                t.name(to),
                t.name(actual),
                t.name(from)
            ),
            TransitionError::Corrupt { value } => write!(
                f,
                "{item}: lifecycle state byte is {value:#04x}: rule `the state is one of the table's {} states`: corrupt hypervisor state",
                t.states().len()
            ),
            TransitionError::NoHandler { from, to } => write!(
                f,
                "{item}: transition {} -> {} has no handler: rule `one handler per transition`: handler table does not match the lifecycle table",
                t.name(from),
                t.name(to)
            ),
        }
    }
}

/// The lifecycle state of one partition.
#[derive(Debug)]
pub struct SpState {
    byte: AtomicU8,
}

impl SpState {
    /// A state starting in `initial` (the table's initial state). Crate-
    /// private, like the transitions: outside this crate a state is only
    /// reached through a [`crate::sp::Partition`], on the board's accepted
    /// table, never on a table of the caller's choosing.
    pub(crate) const fn new(initial: u8) -> Self {
        Self {
            byte: AtomicU8::new(initial),
        }
    }

    /// The current state, checked against the table.
    pub fn get(&self, table: &LifecycleInfo) -> Result<u8, TransitionError> {
        let v = self.byte.load(Ordering::Acquire);
        if (v as usize) < table.states().len() {
            Ok(v)
        } else {
            Err(TransitionError::Corrupt { value: v })
        }
    }

    /// The raw byte (for dumps).
    pub fn raw(&self) -> u8 {
        self.byte.load(Ordering::Relaxed)
    }

    /// Address of the state byte (for dumps and the corrupt-state scenario).
    pub fn as_ptr(&self) -> *mut u8 {
        self.byte.as_ptr()
    }

    /// Change `from -> to` by compare-and-swap, if the table allows it.
    #[inline]
    fn transition(&self, table: &LifecycleInfo, from: u8, to: u8) -> Result<(), TransitionError> {
        if !table.allows(from, to) {
            return Err(TransitionError::Illegal { from, to });
        }
        match self
            .byte
            .compare_exchange(from, to, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => Ok(()),
            Err(actual) if (actual as usize) >= table.states().len() => Err(TransitionError::Corrupt { value: actual }),
            Err(actual) => Err(TransitionError::Conflict { from, to, actual }),
        }
    }

    /// The proved transition `F -> T` on the accepted configuration's
    /// table, by compare-and-swap, then its handler with `ctx`. The proof
    /// says the table lists the edge (it was found in the table's `Edges` at
    /// compile time), so what is left to decide at run time is whether the
    /// state is `F` now. The handler table is typed by the lifecycle table it
    /// was checked against, so it can only be the one of this configuration.
    pub(crate) fn take<Cfg: Config, C: 'static, F: StateId, T: StateId>(
        &self,
        accepted: &Accepted<Cfg>,
        _proof: Transition<Cfg, F, T>,
        handlers: &HandlerTable<C, Cfg::Lifecycle>,
        ctx: &C,
    ) -> Result<(), TransitionError> {
        let (from, to) = (F::ID, T::ID);
        let Some(handler) = handlers.get(from, to) else {
            return Err(TransitionError::NoHandler { from, to });
        };
        self.transition(accepted.lifecycle(), from, to)?;
        handler(ctx);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sp::BoardState;
    use programs::board::ACCEPTED;
    use std::sync::atomic::AtomicUsize;
    use std::sync::{Arc, Barrier};

    fn table() -> &'static LifecycleInfo {
        ACCEPTED.lifecycle()
    }

    fn n() -> u8 {
        table().states().len() as u8
    }

    #[test]
    fn every_legal_transition_succeeds_from_its_source() {
        let t = table();
        let mut legal = 0;
        for from in 0..n() {
            for to in 0..n() {
                if t.allows(from, to) {
                    legal += 1;
                    let s = SpState::new(from);
                    assert_eq!(s.transition(t, from, to), Ok(()), "{} -> {}", t.name(from), t.name(to));
                    assert_eq!(s.get(t), Ok(to));
                }
            }
        }
        let expected: u32 = t.legal().iter().map(|m| m.count_ones()).sum();
        assert_eq!(legal, expected);
        assert!(legal > 0);
    }

    #[test]
    fn every_illegal_transition_is_refused_and_state_unchanged() {
        let t = table();
        for from in 0..n() {
            for to in 0..n() {
                if !t.allows(from, to) {
                    let s = SpState::new(from);
                    assert_eq!(s.transition(t, from, to), Err(TransitionError::Illegal { from, to }));
                    assert_eq!(s.get(t), Ok(from), "state changed by refused {from}->{to}");
                }
            }
            // Out-of-range target states are never legal.
            for to in [n(), n() + 1, 63, 64, 200, 255] {
                let s = SpState::new(from);
                assert!(matches!(
                    s.transition(t, from, to),
                    Err(TransitionError::Illegal { .. })
                ));
            }
        }
    }

    #[test]
    fn legal_transition_from_wrong_state_is_a_conflict() {
        let t = table();
        for from in 0..n() {
            for to in 0..n() {
                if !t.allows(from, to) {
                    continue;
                }
                for actual in 0..n() {
                    if actual == from {
                        continue;
                    }
                    let s = SpState::new(actual);
                    assert_eq!(
                        s.transition(t, from, to),
                        Err(TransitionError::Conflict { from, to, actual })
                    );
                    assert_eq!(s.get(t), Ok(actual));
                }
            }
        }
    }

    #[test]
    fn corrupt_byte_is_detected() {
        let t = table();
        let s = SpState::new(0xA5);
        assert_eq!(s.get(t), Err(TransitionError::Corrupt { value: 0xA5 }));
        let (from, to) = first_legal();
        assert_eq!(s.transition(t, from, to), Err(TransitionError::Corrupt { value: 0xA5 }));
        assert!(TransitionError::Corrupt { value: 0xA5 }.is_fatal());
        let msg = std::format!("{}", TransitionError::Corrupt { value: 0xA5 }.report(t, "sp1"));
        assert!(
            msg.contains("sp1") && msg.contains("0xa5") && msg.contains("corrupt"),
            "{msg}"
        );
    }

    #[test]
    fn reports_name_item_rule_and_states() {
        let t = table();
        let msg = std::format!("{}", TransitionError::Illegal { from: 1, to: 3 }.report(t, "sp0"));
        assert!(msg.starts_with("sp0: transition"), "{msg}");
        assert!(
            msg.contains(t.name(1)) && msg.contains(t.name(3)) && msg.contains("rule"),
            "{msg}"
        );
        let msg = std::format!(
            "{}",
            TransitionError::Conflict {
                from: 1,
                to: 2,
                actual: 0
            }
            .report(t, "sp2")
        );
        assert!(msg.contains(&std::format!("the state is {}", t.name(0))), "{msg}");
    }

    fn first_legal() -> (u8, u8) {
        let t = table();
        for from in 0..n() {
            for to in 0..n() {
                if t.allows(from, to) {
                    return (from, to);
                }
            }
        }
        unreachable!("the accepted table has transitions")
    }

    #[test]
    fn cas_race_exactly_one_winner_per_round() {
        let t = table();
        // Race every legal transition: all threads try the same from -> to.
        const THREADS: usize = 4;
        const ROUNDS: usize = 300;
        for from in 0..n() {
            for to in 0..n() {
                if !t.allows(from, to) {
                    continue;
                }
                let state = Arc::new(SpState::new(from));
                let barrier = Arc::new(Barrier::new(THREADS));
                let winners = Arc::new(AtomicUsize::new(0));
                let handles: Vec<_> = (0..THREADS)
                    .map(|_| {
                        let (state, barrier, winners) = (state.clone(), barrier.clone(), winners.clone());
                        std::thread::spawn(move || {
                            let mut wins = 0;
                            for _ in 0..ROUNDS {
                                barrier.wait();
                                match state.transition(t, from, to) {
                                    Ok(()) => {
                                        wins += 1;
                                        winners.fetch_add(1, Ordering::SeqCst);
                                    }
                                    Err(TransitionError::Conflict { actual, .. }) => assert_eq!(actual, to),
                                    Err(e) => panic!("unexpected {e:?}"),
                                }
                                if barrier.wait().is_leader() {
                                    assert_eq!(winners.swap(0, Ordering::SeqCst), 1, "exactly one winner");
                                    state.byte.store(from, Ordering::SeqCst);
                                }
                                barrier.wait();
                            }
                            wins
                        })
                    })
                    .collect();
                let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
                assert_eq!(total, ROUNDS);
            }
        }
    }

    /// `F -> T` from every state: it succeeds, and its handler runs once,
    /// only from `F`; from any other state it is a conflict and no handler runs.
    fn proved_transition_from_every_state<F: BoardState, T: BoardState>() -> u32
    where
        programs::board::Lifecycle: programs::Lists<F, T>,
    {
        use crate::sp::{Partition, SP_HANDLERS};
        for from in 0..n() {
            let p = Partition::new(0, "test");
            p.set_quiet(true);
            let s = SpState::new(from);
            let r = s.take(&ACCEPTED, ACCEPTED.transition::<F, T>(), &SP_HANDLERS, &p);
            if from == F::ID {
                assert_eq!(r, Ok(()));
                assert_eq!(s.get(table()), Ok(T::ID));
                assert_eq!(p.count(F::ID, T::ID), 1);
            } else {
                assert_eq!(
                    r,
                    Err(TransitionError::Conflict {
                        from: F::ID,
                        to: T::ID,
                        actual: from
                    })
                );
                assert_eq!(s.get(table()), Ok(from));
            }
            assert_eq!(p.total_transitions(), u32::from(from == F::ID));
        }
        1
    }

    #[test]
    fn proved_transitions_run_their_handler_once_from_their_source() {
        use programs::board::*;
        let proved = proved_transition_from_every_state::<Reset, Idle>()
            + proved_transition_from_every_state::<Idle, Running>()
            + proved_transition_from_every_state::<Running, Idle>()
            + proved_transition_from_every_state::<Running, Blocked>()
            + proved_transition_from_every_state::<Blocked, Running>()
            + proved_transition_from_every_state::<Running, Preempted>()
            + proved_transition_from_every_state::<Preempted, Running>()
            + proved_transition_from_every_state::<Blocked, Preempted>();
        // Every edge of the table was proved above, and no other compiles.
        let legal: u32 = table().legal().iter().map(|m| m.count_ones()).sum();
        assert_eq!(proved, legal);
    }
}
