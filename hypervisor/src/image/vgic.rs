//! Virtual interrupts: what a partition is sent through the GICv3 list
//! registers. Its virtual timer (PPI 27) is injected as a virtual interrupt
//! after the hypervisor masked the timer's output; a device interrupt the
//! accepted configuration routes to it is injected hardware-mapped (the
//! partition's EOI deactivates the physical interrupt, which stays active,
//! so it cannot fire again, until then). Interrupts for a partition that
//! is not running wait in its context ([`Pending`]) until its next entry.
use core::sync::atomic::{AtomicU32, Ordering};

use aarch64_cpu::registers::*;
use programs::board::ACCEPTED;

use super::gic::VTIMER_INTID;
use super::sched::NUM_SP;

/// List registers used (GICv3 has at least 4: ICH_VTR_EL2.ListRegs >= 3).
pub const LRS: usize = 4;
/// Priority of every virtual interrupt (the partition's PMR must let it in).
const PRIORITY: u64 = 0xA0;

/// Most interrupts any partition is routed, plus its virtual timer.
const MAX_VIRQS: usize = {
    let parts = ACCEPTED.partitions();
    let (mut max, mut i) = (0, 0);
    while i < parts.len() {
        if parts[i].interrupts().len() > max {
            max = parts[i].interrupts().len();
        }
        i += 1;
    }
    max + 1
};
const _: () = assert!(
    MAX_VIRQS <= 32,
    "a partition is routed more interrupts than a pending mask holds"
);

/// One virtual interrupt of a partition: bit 0 its virtual timer, bit
/// `k + 1` the `k`-th interrupt its configuration routes to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Virq {
    Timer,
    Device(u32),
}

impl Virq {
    pub fn intid(self) -> u32 {
        match self {
            Virq::Timer => VTIMER_INTID,
            Virq::Device(intid) => intid,
        }
    }

    fn bit(self, sp: usize) -> Option<u32> {
        match self {
            Virq::Timer => Some(0),
            Virq::Device(intid) => ACCEPTED.partitions()[sp]
                .interrupts()
                .iter()
                .position(|&i| i == intid)
                .map(|k| k as u32 + 1),
        }
    }

    fn of_bit(sp: usize, bit: u32) -> Virq {
        match bit {
            0 => Virq::Timer,
            k => Virq::Device(ACCEPTED.partitions()[sp].interrupts()[k as usize - 1]),
        }
    }

    /// The list-register value that makes it pending for the partition.
    fn list_register(self) -> u64 {
        let common = ICH_LR0_EL2::State::Pending + ICH_LR0_EL2::Group::SET + ICH_LR0_EL2::Priority.val(PRIORITY);
        match self {
            Virq::Timer => (common + ICH_LR0_EL2::vINTID.val(VTIMER_INTID as u64)).value,
            Virq::Device(intid) => {
                (common
                    + ICH_LR0_EL2::HW::SET
                    + ICH_LR0_EL2::pINTID.val(intid as u64)
                    + ICH_LR0_EL2::vINTID.val(intid as u64))
                .value
            }
        }
    }
}

/// The partition a physical interrupt is routed to by the configuration.
pub fn routed_to(intid: u32) -> Option<usize> {
    (0..NUM_SP).find(|&sp| ACCEPTED.partitions()[sp].interrupts().contains(&intid))
}

/// Virtual interrupts waiting for a partition's next entry (any CPU may post).
pub struct Pending(AtomicU32);

impl Pending {
    pub const fn new() -> Pending {
        Pending(AtomicU32::new(0))
    }

    pub fn post(&self, sp: usize, v: Virq) {
        if let Some(bit) = v.bit(sp) {
            self.0.fetch_or(1 << bit, Ordering::AcqRel);
        }
    }

    /// Take every waiting interrupt.
    pub fn take(&self, sp: usize) -> impl Iterator<Item = Virq> {
        let bits = self.0.swap(0, Ordering::AcqRel);
        (0..32)
            .filter(move |b| bits & (1 << b) != 0)
            .map(move |b| Virq::of_bit(sp, b))
    }
}

pub fn read_lr(n: usize) -> u64 {
    match n {
        0 => ICH_LR0_EL2.get(),
        1 => ICH_LR1_EL2.get(),
        2 => ICH_LR2_EL2.get(),
        _ => ICH_LR3_EL2.get(),
    }
}

pub fn write_lr(n: usize, v: u64) {
    match n {
        0 => ICH_LR0_EL2.set(v),
        1 => ICH_LR1_EL2.set(v),
        2 => ICH_LR2_EL2.set(v),
        _ => ICH_LR3_EL2.set(v),
    }
}

fn lr_state(lr: u64) -> u64 {
    (lr >> 62) & 0b11
}

fn lr_vintid(lr: u64) -> u32 {
    lr as u32
}

/// Put `v` in a list register of this CPU (the running partition's): false
/// if every list register is taken. One already listed is not listed twice.
pub fn inject(v: Virq) -> bool {
    let mut free = None;
    for n in 0..LRS {
        let lr = read_lr(n);
        if lr_state(lr) == 0 {
            free.get_or_insert(n);
        } else if lr_vintid(lr) == v.intid() {
            // Listed already. Still active (the partition has not EOI'd
            // yet) and not hardware-mapped: pending again as well, or the
            // new one would be lost.
            if lr_state(lr) == 0b10 && lr & (1 << 61) == 0 {
                write_lr(n, lr | (0b01 << 62));
            }
            return true;
        }
    }
    match free {
        Some(n) => {
            write_lr(n, v.list_register());
            true
        }
        None => false,
    }
}

/// The physical interrupts a partition's list registers (live or saved)
/// hold hardware-mapped: deactivated when the partition is aborted, so
/// they can fire again for its next life.
pub fn hardware_mapped(lrs: &[u64; LRS]) -> impl Iterator<Item = u32> + '_ {
    lrs.iter()
        .filter(|&&lr| lr_state(lr) != 0 && lr & (1 << 61) != 0)
        .map(|&lr| ((lr >> 32) & 0x1FFF) as u32)
}

/// Drop a partition's waiting interrupts: the device ones were left active
/// at the GIC; deactivate them.
pub fn discard(p: &Pending, sp: usize) {
    for v in p.take(sp) {
        if let Virq::Device(intid) = v {
            super::arch::gic_deactivate(intid);
        }
    }
}
