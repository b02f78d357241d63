//! FF-A at the SMCCC boundary: the calls a partition makes by `hvc #0` or
//! `smc #0` (trapped), decoded and answered as the FF-A v1.1 specification
//! says, with every lifecycle move a typed transition of the accepted table.
//! Unknown functions answer SMCCC NOT_SUPPORTED.
use ffa::{Error, Regs};
use hypervisor::layout;
use programs::StateId;
use programs::board::*;

use super::sched::{Answer, NUM_SP, Runtime, Step, id_of, index_of, sname};
use super::vcpu::{Endpoint, RxTx};
use crate::kprintln;

const PAGE: u64 = 4096;

impl Runtime {
    /// An SMCCC call from partition `cur` (`smc` says which conduit: a
    /// trapped SMC leaves ELR at the instruction itself).
    pub(super) fn smccc(&mut self, cur: usize, imm: u16, smc: bool) -> Step {
        self.stats.ffa_calls += 1;
        if smc {
            self.vcpu_mut(cur).regs.elr += 4;
        }
        let call = self.vcpu(cur).smccc();
        if imm != 0 {
            kprintln!(
                "[ffa] {}: {} #{imm}: rule `SMCCC calls use immediate 0`: NOT_SUPPORTED",
                self.p(cur).name,
                if smc { "smc" } else { "hvc" }
            );
            return self.not_supported(cur);
        }
        let fid = call.fid();
        match fid {
            ffa::FFA_VERSION => {
                // w1: the caller's version; bit 31 must be clear. The major
                // versions must match (v1.1 §13.2).
                let theirs = call.0[1] as u32;
                if theirs & (1 << 31) == 0 && theirs >> 16 == ffa::VERSION_1_1 >> 16 {
                    self.answer(cur, Regs([ffa::VERSION_1_1 as u64, 0, 0, 0, 0, 0, 0, 0]))
                } else {
                    self.not_supported(cur)
                }
            }
            ffa::FFA_FEATURES => {
                let asked = call.0[1];
                let r = if ffa::SUPPORTED.contains(&asked) {
                    Regs::success(0)
                } else {
                    Regs::error(Error::NotSupported)
                };
                self.answer(cur, r)
            }
            ffa::FFA_ID_GET => self.answer(cur, Regs::success(id_of(cur) as u64)),
            ffa::FFA_SPM_ID_GET => self.answer(cur, Regs::success(ffa::SPMC_ID as u64)),
            ffa::SMCCC_VERSION => self.answer(cur, Regs([ffa::SMCCC_VERSION_1_2, 0, 0, 0, 0, 0, 0, 0])),
            ffa::FFA_RXTX_MAP_64 => {
                let r = self.rxtx_map(cur, call);
                self.answer(cur, r)
            }
            ffa::FFA_RXTX_UNMAP => {
                let r = match self.vcpu_mut(cur).rxtx.take() {
                    Some(_) => Regs::success(0),
                    None => Regs::error(Error::InvalidParameters),
                };
                self.answer(cur, r)
            }
            ffa::FFA_RX_RELEASE => {
                let r = match &mut self.vcpu_mut(cur).rxtx {
                    Some(b) if b.rx_full => {
                        b.rx_full = false;
                        Regs::success(0)
                    }
                    _ => Regs::error(Error::Denied),
                };
                self.answer(cur, r)
            }
            ffa::FFA_PARTITION_INFO_GET => {
                let r = self.partition_info_get(cur, call);
                self.answer(cur, r)
            }
            ffa::FFA_MSG_WAIT => self.msg_wait(cur),
            // Calls that block the caller on another partition: only from a
            // partition serving a request (Running), never while booting.
            ffa::FFA_MSG_SEND_DIRECT_REQ_32 | ffa::FFA_MSG_SEND_DIRECT_REQ_64 | ffa::FFA_RUN
                if self.state(cur) != Running::ID =>
            {
                self.deny(
                    cur,
                    ffa::function_name(fid),
                    "a partition calls other partitions once it has booted (FFA_MSG_WAIT)",
                    Error::Denied,
                )
            }
            ffa::FFA_MSG_SEND_DIRECT_REQ_32 | ffa::FFA_MSG_SEND_DIRECT_REQ_64 => self.direct_req_from(cur, call),
            ffa::FFA_MSG_SEND_DIRECT_RESP_32 | ffa::FFA_MSG_SEND_DIRECT_RESP_64 => self.direct_resp_from(cur, call),
            ffa::FFA_RUN => self.run_from(cur, call),
            ffa::FFA_YIELD => {
                if self.requester(cur).is_none() || self.state(cur) != Running::ID {
                    return self.answer(cur, Regs::error(Error::Denied));
                }
                kprintln!("[ffa] {}: FFA_YIELD", self.p(cur).name);
                // FFA_RUN resumes it with FFA_SUCCESS.
                self.vcpu_mut(cur).set_smccc(Regs::success(0));
                self.stopped_to_requester(cur, ffa::FFA_YIELD)
            }
            other => {
                kprintln!(
                    "[ffa] {}: function {other:#x} ({}): rule `the FF-A v1.1 functions this partition manager implements`: NOT_SUPPORTED",
                    self.p(cur).name,
                    ffa::function_name(other)
                );
                self.not_supported(cur)
            }
        }
    }

    /// Answer `cur`'s call and let it run on.
    fn answer(&mut self, cur: usize, r: Regs) -> Step {
        self.vcpu_mut(cur).set_smccc(r);
        Step::Resume(cur)
    }

    /// SMCCC NOT_SUPPORTED: `w0` = -1, every other register as the caller
    /// left it (SMCCC: an unknown function returns only `w0`).
    fn not_supported(&mut self, cur: usize) -> Step {
        self.vcpu_mut(cur).regs.x[0] = ffa::SMCCC_NOT_SUPPORTED;
        Step::Resume(cur)
    }

    fn deny(&mut self, cur: usize, what: &str, rule: &str, e: Error) -> Step {
        kprintln!("[ffa] {}: {what}: rule `{rule}`: {e}", self.p(cur).name);
        self.answer(cur, Regs::error(e))
    }

    fn rxtx_map(&mut self, cur: usize, call: Regs) -> Regs {
        let (tx, rx, pages) = (call.0[1], call.0[2], call.0[3] as u32);
        let config = &ACCEPTED.partitions()[cur];
        let own_rw = |a| layout::owns_rw_page(config, a);
        if self.vcpu(cur).rxtx.is_some() {
            kprintln!(
                "[ffa] {}: FFA_RXTX_MAP: buffers already mapped: DENIED",
                self.p(cur).name
            );
            return Regs::error(Error::Denied);
        }
        if pages != 1 || tx == rx || !own_rw(tx) || !own_rw(rx) {
            kprintln!(
                "[ffa] {}: FFA_RXTX_MAP tx {tx:#x} rx {rx:#x} ({pages} pages): rule `one page each, in the partition's own rw memory`: INVALID_PARAMETERS",
                self.p(cur).name
            );
            return Regs::error(Error::InvalidParameters);
        }
        self.vcpu_mut(cur).rxtx = Some(RxTx { tx, rx, rx_full: false });
        Regs::success(0)
    }

    /// FFA_PARTITION_INFO_GET: the descriptors of the partitions with the
    /// UUID in `w1..w4` (all for the nil UUID), from the accepted
    /// configuration; the count only when `w5` bit 0 is set, else written to
    /// the caller's RX buffer.
    fn partition_info_get(&mut self, cur: usize, call: Regs) -> Regs {
        let uuid = ffa::uuid_from_words([call.0[1], call.0[2], call.0[3], call.0[4]]);
        let count_only = call.0[5] & ffa::PARTITION_INFO_COUNT_ONLY != 0;
        let matches = |p: &programs::PartitionInfo| uuid == [0; 16] || p.uuid().to_be_bytes() == uuid;
        let n = ACCEPTED.partitions().iter().filter(|p| matches(p)).count();
        if n == 0 {
            return Regs::error(Error::InvalidParameters);
        }
        if count_only {
            return Regs([
                ffa::FFA_SUCCESS_32,
                0,
                n as u64,
                ffa::PARTITION_INFO_SIZE as u64,
                0,
                0,
                0,
                0,
            ]);
        }
        let rx = match &mut self.vcpu_mut(cur).rxtx {
            None => return Regs::error(Error::Denied),
            Some(b) if b.rx_full => return Regs::error(Error::Busy),
            Some(b) => {
                b.rx_full = true;
                b.rx
            }
        };
        if n * ffa::PARTITION_INFO_SIZE > PAGE as usize {
            return Regs::error(Error::NoMemory);
        }
        let properties = ffa::PROP_DIRECT_REQ_RECV | ffa::PROP_DIRECT_REQ_SEND | ffa::PROP_AARCH64;
        for (k, p) in ACCEPTED.partitions().iter().filter(|p| matches(p)).enumerate() {
            let mut d = [0u8; ffa::PARTITION_INFO_SIZE];
            ffa::PartitionInfo {
                id: p.id(),
                contexts: p.contexts() as u16,
                properties,
                uuid: p.uuid().to_be_bytes(),
            }
            .write(&mut d);
            // SAFETY: `rx` is a page of the caller's own rw memory
            // (`rxtx_map` checked it against its accepted regions), identity-
            // mapped at EL2; the caller has handed it to the partition
            // manager until FFA_RX_RELEASE; `n` descriptors fit in it.
            unsafe {
                core::ptr::copy_nonoverlapping(d.as_ptr(), (rx as *mut u8).add(k * ffa::PARTITION_INFO_SIZE), d.len())
            };
        }
        Regs([
            ffa::FFA_SUCCESS_32,
            0,
            n as u64,
            ffa::PARTITION_INFO_SIZE as u64,
            0,
            0,
            0,
            0,
        ])
    }

    /// FFA_MSG_WAIT: the end of a boot (Reset -> Idle). A partition that is
    /// serving a request must answer it instead.
    fn msg_wait(&mut self, cur: usize) -> Step {
        self.flush_line(cur);
        let state = self.state(cur);
        if state != Reset::ID {
            return self.deny(
                cur,
                "FFA_MSG_WAIT while serving a request",
                "a partition in a direct request answers it with FFA_MSG_SEND_DIRECT_RESP",
                Error::Denied,
            );
        }
        self.set_requester(cur, None);
        self.leave::<Reset, Idle>(cur);
        Step::Return(Answer::Waiting)
    }

    /// A direct request from partition `cur` to another partition: the
    /// sender blocks (Running -> Blocked), the receiver starts (Idle ->
    /// Running) with the message in its registers.
    fn direct_req_from(&mut self, cur: usize, call: Regs) -> Step {
        let (sender, receiver) = (call.sender(), call.receiver());
        if sender != id_of(cur) {
            return self.deny(
                cur,
                "FFA_MSG_SEND_DIRECT_REQ",
                "the sender id is the caller's own",
                Error::InvalidParameters,
            );
        }
        let Some(to) = index_of(receiver).filter(|&t| t != cur) else {
            return self.deny(
                cur,
                "FFA_MSG_SEND_DIRECT_REQ",
                "the receiver is another partition",
                Error::InvalidParameters,
            );
        };
        if self.state(to) != Idle::ID {
            kprintln!(
                "[ffa] {}: FFA_MSG_SEND_DIRECT_REQ to {}, which is {}: BUSY",
                self.p(cur).name,
                self.p(to).name,
                sname(self.state(to))
            );
            return self.answer(cur, Regs::error(Error::Busy));
        }
        self.settle::<Running, Blocked>(cur);
        if self.take::<Idle, Running>(to).is_err() {
            // Another CPU won the receiver: the sender runs on with BUSY.
            self.settle::<Blocked, Running>(cur);
            return self.answer(cur, Regs::error(Error::Busy));
        }
        kprintln!(
            "[ffa] {} -> {}: FFA_MSG_SEND_DIRECT_REQ (sender blocked until answered)",
            self.p(cur).name,
            self.p(to).name
        );
        self.set_requester(to, Some(Endpoint::Partition(cur)));
        let v = self.vcpu_mut(to);
        v.slices = 0;
        v.set_smccc(call);
        Step::Resume(to)
    }

    /// A direct response: only to the endpoint whose request `cur` is
    /// serving, and only once its own calls are answered.
    fn direct_resp_from(&mut self, cur: usize, call: Regs) -> Step {
        self.flush_line(cur);
        let Some(requester) = self.requester(cur).filter(|_| self.state(cur) == Running::ID) else {
            return self.deny(
                cur,
                "FFA_MSG_SEND_DIRECT_RESP with no request to answer",
                "only a partition serving a direct request answers one",
                Error::Denied,
            );
        };
        let requester_id = match requester {
            Endpoint::NormalWorld => ffa::NORMAL_WORLD,
            Endpoint::Partition(r) => id_of(r),
        };
        if call.sender() != id_of(cur) || call.receiver() != requester_id {
            kprintln!(
                "[ffa] {}: FFA_MSG_SEND_DIRECT_RESP to {:#06x}: rule `a response goes to the requester ({:#06x}), from the responder`: DENIED, nothing delivered",
                self.p(cur).name,
                call.receiver(),
                requester_id
            );
            return self.answer(cur, Regs::error(Error::Denied));
        }
        if let Some(callee) =
            (0..NUM_SP).find(|&c| self.requester(c) == Some(Endpoint::Partition(cur)) && self.state(c) != Idle::ID)
        {
            return self.deny(
                cur,
                "FFA_MSG_SEND_DIRECT_RESP while its own call is outstanding",
                if self.state(callee) == Preempted::ID {
                    "a partition answers after its callees: resume the preempted callee with FFA_RUN first"
                } else {
                    "a partition answers after its callees"
                },
                Error::Denied,
            );
        }
        self.set_requester(cur, None);
        self.leave::<Running, Idle>(cur);
        match requester {
            Endpoint::NormalWorld => Step::Return(Answer::Resp(call.payload())),
            Endpoint::Partition(r) => {
                self.settle::<Blocked, Running>(r);
                self.vcpu_mut(r).set_smccc(call);
                Step::Resume(r)
            }
        }
    }

    /// FFA_RUN from partition `cur`: resume a callee preempted (or yielded)
    /// in a request `cur` sent. Anyone else's chain: DENIED.
    fn run_from(&mut self, cur: usize, call: Regs) -> Step {
        let Some(t) = index_of(call.run_target()) else {
            return self.deny(cur, "FFA_RUN", "the target is a partition", Error::InvalidParameters);
        };
        if !self.resumable_by(t, Endpoint::Partition(cur)) {
            kprintln!(
                "[ffa] {}: FFA_RUN {} ({}): rule `only the owner of a preempted call chain resumes it`: DENIED",
                self.p(cur).name,
                self.p(t).name,
                sname(self.state(t))
            );
            return self.answer(cur, Regs::error(Error::Denied));
        }
        self.settle::<Running, Blocked>(cur);
        if !self.take_resumed(t, Endpoint::Partition(cur)) {
            self.settle::<Blocked, Running>(cur);
            return self.answer(cur, Regs::error(Error::Denied));
        }
        kprintln!("[ffa] {}: FFA_RUN {}", self.p(cur).name, self.p(t).name);
        Step::Resume(t)
    }
}
