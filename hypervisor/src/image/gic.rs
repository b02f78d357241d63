//! Bring-up of the board's real GICv3 for the hypervisor's own interrupt (the
//! EL2 physical timer, CNTHP, PPI 26) on CPU 0.
use core::ptr::{read_volatile, write_volatile};

use programs::KindInfo;
use programs::board::{ACCEPTED, GicV3Distributor, GicV3Redistributor};

/// INTID of the EL2 physical timer (CNTHP) on QEMU virt.
pub const CNTHP_INTID: u32 = 26;

const GICD_CTLR: usize = 0x0000;
const GICD_CTLR_RWP: u32 = 1 << 31;
const GICR_WAKER: usize = 0x0014;
const GICR_SGI: usize = 0x1_0000;
const GICR_IGROUPR0: usize = GICR_SGI + 0x0080;
const GICR_ISENABLER0: usize = GICR_SGI + 0x0100;
const GICR_IPRIORITYR: usize = GICR_SGI + 0x0400;

fn base_of(kind: KindInfo) -> Option<usize> {
    ACCEPTED
        .devices()
        .iter()
        .find(|d| d.kind().is(&kind))
        .map(|d| d.base() as usize)
}

fn rd(addr: usize) -> u32 {
    // SAFETY: `addr` is a 32-bit register of the board's GIC, identity-mapped
    // as Device memory at EL2.
    unsafe { read_volatile(addr as *const u32) }
}

fn wr(addr: usize, v: u32) {
    // SAFETY: as in `rd`: a GIC register in the EL2 device mapping.
    unsafe { write_volatile(addr as *mut u32, v) }
}

/// Errors name the item and the rule.
pub fn init_cpu0() -> Result<(), &'static str> {
    let gicd = base_of(KindInfo::of::<GicV3Distributor>())
        .ok_or("gicd: rule `the board has a GICv3 distributor`: no GicV3Distributor in the accepted map")?;
    let gicr = base_of(KindInfo::of::<GicV3Redistributor>())
        .ok_or("gicr: rule `the board has GICv3 redistributors`: no GicV3Redistributor in the accepted map")?;
    // Distributor: affinity routing, Group 0 and Group 1 enabled (one security state).
    wr(gicd + GICD_CTLR, (1 << 4) | 0b11);
    while rd(gicd + GICD_CTLR) & GICD_CTLR_RWP != 0 {
        core::hint::spin_loop();
    }
    // Redistributor of CPU 0 (frame 0 of the region): wake it up.
    let waker = rd(gicr + GICR_WAKER);
    wr(gicr + GICR_WAKER, waker & !(1 << 1));
    let mut spins = 0u32;
    while rd(gicr + GICR_WAKER) & (1 << 2) != 0 {
        spins += 1;
        if spins > 1_000_000 {
            return Err("gicr: rule `the redistributor wakes up`: GICR_WAKER.ChildrenAsleep stays set");
        }
        core::hint::spin_loop();
    }
    // CNTHP: Group 1, priority 0x80, enabled.
    wr(gicr + GICR_IGROUPR0, rd(gicr + GICR_IGROUPR0) | (1 << CNTHP_INTID));
    let prio = gicr + GICR_IPRIORITYR + CNTHP_INTID as usize;
    // SAFETY: GICR_IPRIORITYR is byte-accessible; one byte per INTID.
    unsafe { write_volatile(prio as *mut u8, 0x80) };
    wr(gicr + GICR_ISENABLER0, 1 << CNTHP_INTID);
    super::arch::gic_cpu_interface_init();
    Ok(())
}
