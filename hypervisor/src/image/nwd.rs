//! The normal world, played by the hypervisor's own driver (FF-A id 0): it
//! sends the partitions direct requests, resumes them with FFA_RUN when
//! they are preempted or yield, and checks every answer. This is the boot
//! scenario `cargo boot` shows.
use partitions::cmd;

use super::sched::{Answer, PARTITIONS, Runtime};
use crate::kprintln;

/// What a request must end with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A response whose payload word 0 is 0 (the service's success).
    Done,
    /// A response whose payload word `.0` is `.1`.
    Word(usize, u64),
    /// The request ends with this FF-A error.
    Fails(ffa::Error),
}

pub struct NormalWorld<'a> {
    pub rt: &'a mut Runtime,
    pub ok: bool,
    /// FFA_INTERRUPT/FFA_YIELD answers the driver resumed with FFA_RUN.
    pub resumed: u32,
}

impl<'a> NormalWorld<'a> {
    pub fn new(rt: &'a mut Runtime) -> Self {
        NormalWorld {
            rt,
            ok: true,
            resumed: 0,
        }
    }

    /// Keep a request going: FFA_RUN after each FFA_INTERRUPT or FFA_YIELD,
    /// until it is answered or fails.
    pub fn finish(&mut self, sp: usize, mut a: Answer) -> Result<ffa::Payload, ffa::Error> {
        loop {
            match a {
                Answer::Resp(p) => return Ok(p),
                Answer::Error(e) => return Err(e),
                Answer::Interrupted | Answer::Yielded => {
                    self.resumed += 1;
                    kprintln!(
                        "[nwd] {} from {}: FFA_RUN {}",
                        if a == Answer::Interrupted {
                            "FFA_INTERRUPT"
                        } else {
                            "FFA_YIELD"
                        },
                        PARTITIONS[sp].name,
                        PARTITIONS[sp].name
                    );
                    a = self.rt.ffa_run(sp);
                }
                Answer::Waiting => return Err(ffa::Error::InvalidParameters),
            }
        }
    }

    /// A direct request `cmd(arg)` to partition `sp`, carried to its end.
    pub fn request(&mut self, sp: usize, command: u64, arg: u64) -> Result<ffa::Payload, ffa::Error> {
        kprintln!(
            "[nwd] FFA_MSG_SEND_DIRECT_REQ to {}: {} (arg {arg})",
            PARTITIONS[sp].name,
            cmd::name(command)
        );
        let a = self.rt.direct_req(sp, [command, arg, 0, 0, 0]);
        let r = self.finish(sp, a);
        match &r {
            Ok(p) => kprintln!("[nwd] {} answered {:#x} {:#x}", PARTITIONS[sp].name, p[0], p[1]),
            Err(e) => kprintln!("[nwd] request to {} ended with FFA_ERROR {e}", PARTITIONS[sp].name),
        }
        r
    }

    /// A request whose outcome is checked.
    pub fn expect(&mut self, sp: usize, command: u64, arg: u64, want: Expect) -> Option<ffa::Payload> {
        let got = self.request(sp, command, arg);
        let good = match (want, &got) {
            (Expect::Done, Ok(p)) => p[0] == 0,
            (Expect::Word(k, v), Ok(p)) => p[0] == 0 && p[k] == v,
            (Expect::Fails(e), Err(g)) => e == *g,
            _ => false,
        };
        if !good {
            kprintln!(
                "[check] FAILED: request {} to {}: expected {:?}, got {:?}",
                cmd::name(command),
                PARTITIONS[sp].name,
                want,
                got
            );
            self.ok = false;
        }
        got.ok()
    }

    pub fn check(&mut self, cond: bool, what: core::fmt::Arguments<'_>) {
        if !cond {
            kprintln!("[check] FAILED: {what}");
            self.ok = false;
        }
    }
}
