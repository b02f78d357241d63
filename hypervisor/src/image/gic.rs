//! Bring-up of the board's real GICv3: the distributor once, and on every
//! CPU its redistributor (found by affinity), the EL2 timer (CNTHP, PPI 26)
//! and virtual timer (PPI 27) interrupts, and its CPU interface.
use core::ptr::{read_volatile, write_volatile};

use aarch64_cpu::registers::*;

use programs::KindInfo;
use programs::board::{ACCEPTED, GicV3Distributor, GicV3Redistributor};

/// INTID of the EL2 physical timer (CNTHP) on QEMU virt.
pub const CNTHP_INTID: u32 = 26;
/// INTID of the EL1 virtual timer (CNTV): the partitions' timer.
pub const VTIMER_INTID: u32 = 27;

const GICD_CTLR: usize = 0x0000;
const GICD_CTLR_RWP: u32 = 1 << 31;
const GICD_IGROUPR: usize = 0x0080;
const GICD_ISENABLER: usize = 0x0100;
const GICD_IPRIORITYR: usize = 0x0400;
const GICD_IROUTER: usize = 0x6000;
const GICR_TYPER: usize = 0x0008;
const GICR_TYPER_LAST: u64 = 1 << 4;
const GICR_FRAME: usize = 0x2_0000;
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

/// The distributor: affinity routing, Group 1 enabled (CPU 0, once).
pub fn init_distributor() -> Result<(), &'static str> {
    let gicd = base_of(KindInfo::of::<GicV3Distributor>())
        .ok_or("gicd: rule `the board has a GICv3 distributor`: no GicV3Distributor in the accepted map")?;
    // Affinity routing, Group 0 and Group 1 enabled (one security state).
    wr(gicd + GICD_CTLR, (1 << 4) | 0b11);
    while rd(gicd + GICD_CTLR) & GICD_CTLR_RWP != 0 {
        core::hint::spin_loop();
    }
    // The interrupts the configuration routes to partitions: Group 1,
    // level (the devices' default), to CPU 0 until a partition runs elsewhere.
    for p in ACCEPTED.partitions() {
        for &intid in p.interrupts() {
            let (word, bit) = ((intid / 32) as usize * 4, intid % 32);
            wr(gicd + GICD_IGROUPR + word, rd(gicd + GICD_IGROUPR + word) | (1 << bit));
            // SAFETY: GICD_IPRIORITYR is byte-accessible; one byte per INTID.
            unsafe { write_volatile((gicd + GICD_IPRIORITYR + intid as usize) as *mut u8, 0x80) };
            route_to_this_cpu(intid);
            wr(gicd + GICD_ISENABLER + word, 1 << bit);
        }
    }
    Ok(())
}

/// Deliver SPI `intid` to this CPU (GICD_IROUTER: this CPU's affinity).
pub fn route_to_this_cpu(intid: u32) {
    let Some(gicd) = base_of(KindInfo::of::<GicV3Distributor>()) else {
        return;
    };
    let mpidr = MPIDR_EL1.get();
    let aff = (mpidr & 0xFF_FFFF) | (((mpidr >> 32) & 0xFF) << 32);
    let reg = gicd + GICD_IROUTER + intid as usize * 8;
    // SAFETY: GICD_IROUTER<n> is a 64-bit register of the board's
    // distributor, identity-mapped as Device memory at EL2.
    unsafe { write_volatile(reg as *mut u64, aff) };
}

/// This CPU's redistributor frame: the one whose GICR_TYPER affinity is
/// this CPU's MPIDR affinity (frames are 128 KiB; `Last` ends the region).
fn redistributor_of_this_cpu() -> Result<usize, &'static str> {
    let gicr = base_of(KindInfo::of::<GicV3Redistributor>())
        .ok_or("gicr: rule `the board has GICv3 redistributors`: no GicV3Redistributor in the accepted map")?;
    let mpidr = MPIDR_EL1.get();
    let aff = (mpidr & 0xFF_FFFF) | ((mpidr >> 32) & 0xFF) << 24;
    let mut frame = gicr;
    loop {
        // SAFETY: GICR_TYPER is a 64-bit register of a redistributor frame
        // in the board's GIC window, identity-mapped as Device memory at EL2.
        let typer = unsafe { read_volatile((frame + GICR_TYPER) as *const u64) };
        if typer >> 32 == aff {
            return Ok(frame);
        }
        if typer & GICR_TYPER_LAST != 0 {
            return Err("gicr: rule `every CPU has a redistributor`: no frame has this CPU's affinity");
        }
        frame += GICR_FRAME;
    }
}

/// This CPU's GIC: wake its redistributor, enable the EL2 timer (CNTHP)
/// and the virtual timer PPIs in Group 1, bring up its CPU interface and
/// the virtual CPU interface its partitions use. Every CPU, once.
pub fn init_this_cpu() -> Result<(), &'static str> {
    let gicr = redistributor_of_this_cpu()?;
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
    for intid in [CNTHP_INTID, VTIMER_INTID] {
        wr(gicr + GICR_IGROUPR0, rd(gicr + GICR_IGROUPR0) | (1 << intid));
        let prio = gicr + GICR_IPRIORITYR + intid as usize;
        // SAFETY: GICR_IPRIORITYR is byte-accessible; one byte per INTID.
        unsafe { write_volatile(prio as *mut u8, 0x80) };
        wr(gicr + GICR_ISENABLER0, 1 << intid);
    }
    super::arch::gic_cpu_interface_init();
    // The context switch keeps one active-priority register per group and
    // four list registers: enough for 5 priority bits (PREbits = 4).
    if ICH_VTR_EL2.read(ICH_VTR_EL2::PREbits) > 4
        || ICH_VTR_EL2.read(ICH_VTR_EL2::ListRegs) + 1 < super::vgic::LRS as u64
    {
        return Err(
            "gic: rule `the virtual CPU interface is what vCPU contexts switch`: more than 5 priority bits or fewer than 4 list registers",
        );
    }
    Ok(())
}
