//! MMIO trap-and-emulate: a stage-2 data abort in a window of a trapped
//! device the partition is given is one register access of its emulated
//! instance; anywhere else it is a fault that aborts the partition, named
//! by the rule it broke.
use aarch64_cpu::registers::*;

use hypervisor::devices::{Access, DevError, Env, Outcome};
use hypervisor::esr::{DataAbort, FaultStatus, MmioAccess};
use hypervisor::layout;
use programs::board::ACCEPTED;

use super::sched::{PARTITIONS, Runtime, Step};
use crate::kprintln;

impl Runtime {
    pub(super) fn data_abort(&mut self, cur: usize, d: DataAbort) -> Step {
        let ipa = d.ipa;
        let rw = if d.write { "write" } else { "read" };
        let Some((idx, off)) = self.vcpu(cur).devices.lookup(ipa) else {
            return self.outside_devices(cur, d);
        };
        self.stats.mmio += 1;
        self.vcpu_mut(cur).mmio_exits += 1;
        let acc = match d.access {
            Ok(a) => a,
            Err(e) => {
                let name = self.vcpu(cur).devices.slot(idx).map_or("?", |s| s.info.name());
                return self.abort(
                    cur,
                    format_args!(
                        "{rw} of {name}+{off:#x} at IPA {ipa:#x}: rule `MMIO is single-register loads/stores`: {e}"
                    ),
                );
            }
        };
        let access = match acc {
            MmioAccess::Read { .. } => Access::Read,
            MmioAccess::Write { reg, .. } => Access::Write(acc.write_value(self.vcpu(cur).reg(reg.0))),
        };
        let env = Env {
            counter: CNTPCT_EL0.get(),
            freq: CNTFRQ_EL0.get(),
        };
        let Some(slot) = self.vcpu_mut(cur).devices.slot_mut(idx) else {
            return self.abort(
                cur,
                format_args!("IPA {ipa:#x}: rule `device map is consistent`: empty slot"),
            );
        };
        let (info, kind) = (slot.info, slot.dev.kind_name());
        let result = slot.dev.access(off, acc.width(), access, &env);
        let read_value = match result {
            Ok(Outcome::Read(v)) => Some(v),
            Ok(Outcome::Written) => None,
            Ok(Outcome::Tx(b)) => {
                let v = self.vcpu_mut(cur);
                if let Some(line) = v.line.push(b) {
                    kprintln!(
                        "[{}] {}",
                        PARTITIONS[cur].name,
                        core::str::from_utf8(line).unwrap_or("<non-UTF-8 output>")
                    );
                }
                None
            }
            Err(DevError::UnknownRegister { offset }) => {
                self.stats.unknown_regs += 1;
                kprintln!(
                    "[mmio] {}: {rw} of {}+{offset:#x} ({kind}) at IPA {ipa:#x}: rule `only registers of the device model`: no such register; answered {}",
                    self.p(cur).name,
                    info.name(),
                    if d.write { "write-ignored" } else { "read-as-zero" }
                );
                if d.write { None } else { Some(0) }
            }
            Err(DevError::UnsupportedWidth { offset, width, allowed }) => {
                return self.abort(
                    cur,
                    format_args!(
                        "{}-bit {rw} of {}+{offset:#x} ({kind}) at IPA {ipa:#x}: rule `{} registers are accessed as {allowed}`: unsupported access width (bus error)",
                        width.bits(),
                        info.name(),
                        info.name()
                    ),
                );
            }
        };
        if let Some((reg, value)) = read_value.and_then(|v| acc.complete_read(v)) {
            self.vcpu_mut(cur).set_reg(reg.0, value);
        }
        self.vcpu_mut(cur).regs.elr += 4;
        Step::Resume(cur)
    }

    /// A stage-2 fault outside the partition's device windows.
    fn outside_devices(&mut self, cur: usize, d: DataAbort) -> Step {
        let ipa = d.ipa;
        let rw = if d.write { "write" } else { "read" };
        let board = ACCEPTED.board();
        let r = layout::reserved(board);
        if ipa >= r.base && ipa - r.base < r.size {
            return self.abort(
                cur,
                format_args!(
                    "{rw} at IPA {ipa:#x}: rule `hypervisor memory is never mapped into a guest`: touched the hypervisor image ({:#x}..{:#x}), {}",
                    r.base,
                    r.base + r.size,
                    d.fault
                ),
            );
        }
        if let FaultStatus::Permission { .. } = d.fault {
            return self.abort(
                cur,
                format_args!(
                    "{rw} at IPA {ipa:#x}: rule `partition code is mapped read+exec`: {}",
                    d.fault
                ),
            );
        }
        if let Some(dev) = ACCEPTED.devices().iter().find(|x| x.contains(ipa)) {
            return self.abort(
                cur,
                format_args!(
                    "{rw} of {} at IPA {ipa:#x}: rule `a partition sees only the devices given to it`: {} is not given to {}",
                    dev.name(),
                    dev.name(),
                    self.p(cur).name
                ),
            );
        }
        if let Some((other, region)) = ACCEPTED.partitions().iter().enumerate().find_map(|(i, p)| {
            p.regions()
                .iter()
                .find(|r| i != cur && ipa >= r.base() && ipa - r.base() < r.size())
                .map(|r| (p.name(), r.name()))
        }) {
            return self.abort(
                cur,
                format_args!(
                    "{rw} at IPA {ipa:#x}: rule `a partition sees only its own memory`: that is {other}'s region {region}, {}",
                    d.fault
                ),
            );
        }
        self.abort(
            cur,
            format_args!(
                "{rw} at IPA {ipa:#x}: rule `a partition sees only its RAM and its devices`: unmapped, {}",
                d.fault
            ),
        )
    }
}
