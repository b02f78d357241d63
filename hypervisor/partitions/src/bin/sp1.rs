//! sp1, the worker: answers `WORK(n)` with the sum 1..=n, one millisecond
//! per step, so that a long request is preempted several times.
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

    pub fn main(first: Regs) -> ! {
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
            other => {
                println!("unknown command {other:#x}");
                [ffa::Error::NotSupported.code(), 0, 0, 0, 0]
            }
        })
    }
}
