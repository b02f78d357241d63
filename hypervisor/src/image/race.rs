//! The lifecycle race: every CPU tries the same transition on the same
//! partition's state byte at once, round after round; exactly one may win.
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

use hypervisor::lifecycle::TransitionError;
use hypervisor::sync::SpinBarrier;
use programs::StateId;
use programs::board::*;

use super::boot::MAX_CPUS;
use super::fatal;
use super::sched::PARTITIONS;

pub const ROUNDS: u32 = 1000;
/// The partition whose state byte the CPUs fight over.
pub const TARGET: usize = 1;

pub static GO: AtomicBool = AtomicBool::new(false);
pub static ONLINE: AtomicUsize = AtomicUsize::new(1);
pub static FINISHED: AtomicUsize = AtomicUsize::new(0);
pub static WINS: [AtomicU32; MAX_CPUS] = [const { AtomicU32::new(0) }; MAX_CPUS];
pub static LOSSES: [AtomicU32; MAX_CPUS] = [const { AtomicU32::new(0) }; MAX_CPUS];
static ROUND_WINNERS: AtomicU32 = AtomicU32::new(0);
static BARRIER: SpinBarrier = SpinBarrier::new(MAX_CPUS);

/// One CPU's part of the race (all `MAX_CPUS` CPUs must call it).
pub fn run(cpu: usize) {
    let p = &PARTITIONS[TARGET];
    let lc = ACCEPTED.lifecycle();
    let mut sense = false;
    for round in 0..ROUNDS {
        BARRIER.wait(&mut sense);
        match p.go::<Idle, Running>() {
            Ok(()) => {
                WINS[cpu].fetch_add(1, Ordering::Relaxed);
                ROUND_WINNERS.fetch_add(1, Ordering::AcqRel);
            }
            Err(TransitionError::Conflict { actual, .. }) if actual == Running::ID => {
                LOSSES[cpu].fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => fatal::halt(
                format_args!("race round {round}, cpu{cpu}: {}", e.report(lc, p.name)),
                None,
                if e.is_fatal() {
                    fatal::EXIT_CORRUPT_STATE
                } else {
                    fatal::EXIT_RACE
                },
            ),
        }
        if BARRIER.wait(&mut sense) {
            // The last CPU to arrive checks the round and resets the state.
            let winners = ROUND_WINNERS.swap(0, Ordering::AcqRel);
            if winners != 1 {
                fatal::halt(
                    format_args!(
                        "race round {round}: {}: rule `exactly one CPU wins a compare-and-swap`: {winners} CPUs won Idle -> Running",
                        p.name
                    ),
                    None,
                    fatal::EXIT_RACE,
                );
            }
            if let Err(e) = p.go::<Running, Idle>() {
                fatal::halt(
                    format_args!("race round {round}: {}", e.report(lc, p.name)),
                    None,
                    fatal::EXIT_RACE,
                );
            }
        }
    }
    // Make the last reset visible before reporting done.
    BARRIER.wait(&mut sense);
    FINISHED.fetch_add(1, Ordering::AcqRel);
}
