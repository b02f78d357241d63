//! Every CPU dispatches: the normal world on each CPU sends the partitions
//! direct requests at the same moment, round after round. A partition has
//! one execution context; the CPU whose compare-and-swap moves it Idle ->
//! Running owns the context and enters it, the others get FFA_ERROR(BUSY).
//! The partitions check it from inside (an atomic "occupied" flag in their
//! own memory, `cmd::OCCUPY`), the hypervisor at every entry (`Context::go_in`).
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

use hypervisor::sync::SpinBarrier;
use partitions::cmd;

use super::boot::MAX_CPUS;
use super::sched::{Answer, NUM_SP, PARTITIONS, Runtime};
use crate::kprintln;

pub const ROUNDS: u32 = 300;
/// How long each OCCUPY request holds the context (µs): long enough for
/// the other CPUs' requests to arrive while it is inside.
pub const HOLD_US: u64 = 50;

pub static GO: AtomicBool = AtomicBool::new(false);
pub static ONLINE: AtomicUsize = AtomicUsize::new(1);
pub static FINISHED: AtomicUsize = AtomicUsize::new(0);

/// Per CPU: requests answered, requests refused BUSY (another CPU owned
/// the context), FFA_RUNs after FFA_INTERRUPT.
pub static SERVED: [AtomicU32; MAX_CPUS] = [const { AtomicU32::new(0) }; MAX_CPUS];
pub static BUSY: [AtomicU32; MAX_CPUS] = [const { AtomicU32::new(0) }; MAX_CPUS];
pub static RESUMED: [AtomicU32; MAX_CPUS] = [const { AtomicU32::new(0) }; MAX_CPUS];
/// Per partition: OCCUPY requests answered (any CPU).
pub static WINS: [AtomicU32; NUM_SP] = [const { AtomicU32::new(0) }; NUM_SP];
/// Answers that were neither a response nor BUSY, or that reported an
/// overlap from inside the partition.
pub static FAILURES: AtomicU32 = AtomicU32::new(0);
static BARRIER: SpinBarrier = SpinBarrier::new(MAX_CPUS);

/// The partition CPU `cpu` asks in `round`: even rounds, all CPUs the same
/// one (the contest); odd rounds, spread over the partitions.
pub fn target(cpu: usize, round: u32) -> usize {
    if round.is_multiple_of(2) {
        (round as usize / 2) % NUM_SP
    } else {
        (cpu + round as usize) % NUM_SP
    }
}

/// One CPU's part (every one of the `MAX_CPUS` CPUs calls it).
pub fn run(rt: &mut Runtime, cpu: usize) {
    let mut sense = false;
    for round in 0..ROUNDS {
        BARRIER.wait(&mut sense);
        let sp = target(cpu, round);
        let mut a = rt.direct_req(sp, [cmd::OCCUPY, HOLD_US, 0, 0, 0]);
        loop {
            match a {
                Answer::Resp(p) if p[0] == 0 && p[2] == 0 => {
                    SERVED[cpu].fetch_add(1, Ordering::Relaxed);
                    WINS[sp].fetch_add(1, Ordering::Relaxed);
                }
                Answer::Error(ffa::Error::Busy) => {
                    BUSY[cpu].fetch_add(1, Ordering::Relaxed);
                }
                Answer::Interrupted | Answer::Yielded => {
                    RESUMED[cpu].fetch_add(1, Ordering::Relaxed);
                    a = rt.ffa_run(sp);
                    continue;
                }
                other => {
                    FAILURES.fetch_add(1, Ordering::Relaxed);
                    kprintln!(
                        "[check] FAILED: smp round {round}, cpu{cpu}: OCCUPY {} answered {other:?}",
                        PARTITIONS[sp].name
                    );
                }
            }
            break;
        }
    }
    BARRIER.wait(&mut sense);
}
