//! sp1, the worker: answers `WORK(n)` with the sum 1..=n, one millisecond
//! per step, so that a long request is preempted several times, and takes
//! its virtual timer's interrupts in its own vectors (`TICKS(n)`).
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(not(target_os = "none"))]
fn main() {}

#[cfg(target_os = "none")]
partitions::partition!(sp1::main);

#[cfg(target_os = "none")]
mod sp1 {
    use partitions::ffa::{self, Regs};
    use partitions::{cmd, println};

    use super::ID;

    use core::sync::atomic::{AtomicU64, Ordering};

    use aarch64_cpu::registers::*;

    static TICKS: AtomicU64 = AtomicU64::new(0);
    static WANTED: AtomicU64 = AtomicU64::new(0);

    fn arm_1ms() {
        CNTV_TVAL_EL0.set(CNTFRQ_EL0.get() / 1000);
        CNTV_CTL_EL0.write(CNTV_CTL_EL0::ENABLE::SET + CNTV_CTL_EL0::IMASK::CLEAR);
    }

    /// The virtual timer's interrupt: count it, re-arm until enough.
    fn on_irq(intid: u32) {
        if intid != 27 {
            println!("unexpected interrupt {intid}");
            return;
        }
        if TICKS.fetch_add(1, Ordering::Relaxed) + 1 < WANTED.load(Ordering::Relaxed) {
            arm_1ms();
        } else {
            CNTV_CTL_EL0.write(CNTV_CTL_EL0::ENABLE::CLEAR);
        }
    }

    /// Take `n` virtual timer interrupts (at most 100 ms of waiting).
    fn ticks(n: u64) -> ffa::Payload {
        TICKS.store(0, Ordering::Relaxed);
        WANTED.store(n, Ordering::Relaxed);
        partitions::irq::enable(on_irq);
        arm_1ms();
        let start = CNTVCT_EL0.get();
        let limit = CNTFRQ_EL0.get() / 10;
        while TICKS.load(Ordering::Relaxed) < n && CNTVCT_EL0.get() - start < limit {
            core::hint::spin_loop();
        }
        partitions::irq::disable();
        CNTV_CTL_EL0.write(CNTV_CTL_EL0::ENABLE::CLEAR);
        let got = TICKS.load(Ordering::Relaxed);
        println!("virtual timer: {got} interrupts (INTID 27) taken by its own vectors, 1 ms apart");
        [0, got, 0, 0, 0]
    }

    pub fn main(first: Regs) -> ! {
        partitions::install_vectors();
        println!("worker ready (FF-A id {:#06x}), waiting with FFA_MSG_WAIT", ID);
        partitions::serve(ID, first, |from, p| match p[0] {
            cmd::WORK => {
                let mut sum = 0u64;
                for k in 1..=p[1] {
                    sum += k;
                    partitions::spin_ms(1);
                }
                println!("WORK({}) for {from:#06x} = {sum}", p[1]);
                [0, sum, 0, 0, 0]
            }
            cmd::HELLO => [0, 0, 0, 0, 0],
            cmd::TICKS => ticks(p[1]),
            other => {
                println!("unknown command {other:#x}");
                [ffa::Error::NotSupported.code(), 0, 0, 0, 0]
            }
        })
    }
}
