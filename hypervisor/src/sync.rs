//! A sense-reversing spin barrier for a fixed number of CPUs (no OS needed).
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub struct SpinBarrier {
    n: usize,
    count: AtomicUsize,
    sense: AtomicBool,
}

impl SpinBarrier {
    pub const fn new(n: usize) -> Self {
        Self {
            n,
            count: AtomicUsize::new(0),
            sense: AtomicBool::new(false),
        }
    }

    /// Wait until all `n` parties arrived. `local_sense` is each party's own
    /// flag, flipped on every call. Returns true for the last to arrive.
    pub fn wait(&self, local_sense: &mut bool) -> bool {
        *local_sense = !*local_sense;
        if self.count.fetch_add(1, Ordering::AcqRel) + 1 == self.n {
            self.count.store(0, Ordering::Relaxed);
            self.sense.store(*local_sense, Ordering::Release);
            true
        } else {
            while self.sense.load(Ordering::Acquire) != *local_sense {
                core::hint::spin_loop();
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicU64;

    #[test]
    fn phases_do_not_mix() {
        const N: usize = 4;
        const ROUNDS: u64 = 500;
        let b = Arc::new(SpinBarrier::new(N));
        let counter = Arc::new(AtomicU64::new(0));
        let hs: Vec<_> = (0..N)
            .map(|_| {
                let (b, c) = (b.clone(), counter.clone());
                std::thread::spawn(move || {
                    let mut sense = false;
                    let mut leaders = 0;
                    for r in 0..ROUNDS {
                        c.fetch_add(1, Ordering::SeqCst);
                        if b.wait(&mut sense) {
                            leaders += 1;
                        }
                        assert_eq!(c.load(Ordering::SeqCst), (r + 1) * N as u64);
                        b.wait(&mut sense);
                    }
                    leaders
                })
            })
            .collect();
        let leaders: u64 = hs.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(leaders, ROUNDS);
    }
}
