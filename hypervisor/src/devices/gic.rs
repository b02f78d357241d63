//! GICv3 distributor and redistributor models: what a single-vCPU guest needs to
//! probe and configure a GIC (identification, TYPER, CTLR, enables, groups,
//! priorities, WAKER). Everything else in the known register map reads as zero
//! and ignores writes; unknown offsets are reported.
use super::{Access, DevError, Outcome};
use crate::esr::Width;

/// Number of INTIDs the emulated distributor implements (ITLinesNumber = 1).
pub const LINES: usize = 64;

/// CoreLink GIC-600-style identification: PIDR2.ArchRev = 3 (GICv3).
pub const PIDR2: u32 = 0x3B;
const PIDR: [(u64, u32); 5] = [
    (0xFFD0, 0x44),
    (0xFFE0, 0x92),
    (0xFFE4, 0xB4),
    (0xFFE8, PIDR2),
    (0xFFEC, 0x00),
];
const CIDR: [u32; 4] = [0x0D, 0xF0, 0x05, 0xB1];
const IIDR_VALUE: u32 = 0x0000_043B; // ARM

fn id_reg(offset: u64) -> Option<u32> {
    for (o, v) in PIDR {
        if o == offset {
            return Some(v);
        }
    }
    match offset {
        0xFFF0..=0xFFFC if offset & 3 == 0 => Some(CIDR[((offset - 0xFFF0) / 4) as usize]),
        _ => None,
    }
}

fn check_width(offset: u64, width: Width, byte_ok: bool, dword_ok: bool) -> Result<(), DevError> {
    let ok = match width {
        Width::B4 => offset & 3 == 0,
        Width::B1 => byte_ok,
        Width::B8 => dword_ok && offset & 7 == 0,
        Width::B2 => false,
    };
    if ok {
        Ok(())
    } else {
        let allowed = match (byte_ok, dword_ok) {
            (true, _) => "8 or 32 bits",
            (false, true) => "32 or 64 bits",
            (false, false) => "32 bits",
        };
        Err(DevError::UnsupportedWidth { offset, width, allowed })
    }
}

/// Apply a set-enable / clear-enable style write to a bitmap word.
fn set_clear(word: &mut u32, v: u32, set: bool) {
    if set { *word |= v } else { *word &= !v }
}

pub mod gicd {
    pub const CTLR: u64 = 0x0000;
    pub const TYPER: u64 = 0x0004;
    pub const IIDR: u64 = 0x0008;
    pub const TYPER2: u64 = 0x000C;
    pub const STATUSR: u64 = 0x0010;
    pub const IGROUPR: u64 = 0x0080;
    pub const ISENABLER: u64 = 0x0100;
    pub const ICENABLER: u64 = 0x0180;
    pub const ISPENDR: u64 = 0x0200;
    pub const ICPENDR: u64 = 0x0280;
    pub const ISACTIVER: u64 = 0x0300;
    pub const ICACTIVER: u64 = 0x0380;
    pub const IPRIORITYR: u64 = 0x0400;
    pub const ICFGR: u64 = 0x0C00;
    pub const IGRPMODR: u64 = 0x0D00;
    pub const IROUTER: u64 = 0x6000;
    pub const PIDR2: u64 = 0xFFE8;
    /// CTLR: EnableGrp0, EnableGrp1, ARE (RAO), DS (RAO).
    pub const CTLR_ENABLES: u32 = 0b11;
    pub const CTLR_ARE: u32 = 1 << 4;
    pub const CTLR_DS: u32 = 1 << 6;
    /// TYPER: ITLinesNumber = 1 (64 INTIDs), IDbits = 9 (10-bit INTIDs).
    pub const TYPER_VALUE: u32 = 1 | (9 << 19);
}

/// GICv3 distributor (affinity routing always enabled, one security state).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GicDistributor {
    ctlr: u32,
    group: [u32; LINES / 32],
    enable: [u32; LINES / 32],
    priority: [u8; LINES],
}

impl Default for GicDistributor {
    fn default() -> Self {
        Self::new()
    }
}

impl GicDistributor {
    pub const fn new() -> Self {
        Self {
            ctlr: 0,
            group: [0; LINES / 32],
            enable: [0; LINES / 32],
            priority: [0; LINES],
        }
    }

    /// Is SPI `intid` enabled (test/diagnostic view)?
    pub fn enabled(&self, intid: usize) -> bool {
        (32..LINES).contains(&intid) && self.enable[intid / 32] >> (intid % 32) & 1 == 1
    }

    pub fn access(&mut self, offset: u64, width: Width, access: Access) -> Result<Outcome, DevError> {
        use gicd::*;
        // Bitmap registers: one word per 32 INTIDs; word 0 (SGIs/PPIs) lives in
        // the redistributor when ARE = 1, so it reads as zero here.
        let bitmap = |base: u64| -> Option<usize> {
            if (base..base + 0x80).contains(&offset) {
                Some(((offset - base) / 4) as usize)
            } else {
                None
            }
        };
        match offset {
            IPRIORITYR..=0x07FB => {
                check_width(offset, width, true, false)?;
                let first = (offset - IPRIORITYR) as usize;
                let n = width.bytes() as usize;
                return Ok(match access {
                    Access::Read => {
                        let mut v = 0u64;
                        for i in 0..n {
                            let id = first + i;
                            if (32..LINES).contains(&id) {
                                v |= (self.priority[id] as u64) << (8 * i);
                            }
                        }
                        Outcome::Read(v)
                    }
                    Access::Write(v) => {
                        for i in 0..n {
                            let id = first + i;
                            if (32..LINES).contains(&id) {
                                self.priority[id] = (v >> (8 * i)) as u8;
                            }
                        }
                        Outcome::Written
                    }
                });
            }
            IROUTER..=0x7FDF => {
                // 64-bit routing registers: single vCPU, read as zero (affinity 0).
                check_width(offset, width, false, true)?;
                return Ok(match access {
                    Access::Read => Outcome::Read(0),
                    Access::Write(_) => Outcome::Written,
                });
            }
            _ => check_width(offset, width, false, false)?,
        }
        let v = match access {
            Access::Read => None,
            Access::Write(v) => Some(v as u32),
        };
        let read = |x: u32| Ok(Outcome::Read(x as u64));
        let written = Ok(Outcome::Written);
        if let Some(i) = bitmap(IGROUPR) {
            return match v {
                None => read(if i == 0 || i >= LINES / 32 { 0 } else { self.group[i] }),
                Some(v) => {
                    if i != 0 && i < LINES / 32 {
                        self.group[i] = v;
                    }
                    written
                }
            };
        }
        for (base, set) in [(ISENABLER, true), (ICENABLER, false)] {
            if let Some(i) = bitmap(base) {
                return match v {
                    None => read(if i == 0 || i >= LINES / 32 { 0 } else { self.enable[i] }),
                    Some(v) => {
                        if i != 0 && i < LINES / 32 {
                            set_clear(&mut self.enable[i], v, set);
                        }
                        written
                    }
                };
            }
        }
        let raz_wi = [ISPENDR, ICPENDR, ISACTIVER, ICACTIVER]
            .iter()
            .any(|&b| bitmap(b).is_some())
            || (ICFGR..ICFGR + 0x100).contains(&offset)
            || (IGRPMODR..IGRPMODR + 0x80).contains(&offset);
        if raz_wi {
            return match v {
                None => read(0),
                Some(_) => written,
            };
        }
        match (offset, v) {
            (CTLR, None) => read(self.ctlr | CTLR_ARE | CTLR_DS),
            (CTLR, Some(v)) => {
                self.ctlr = v & CTLR_ENABLES;
                written
            }
            (TYPER, None) => read(TYPER_VALUE),
            (IIDR, None) => read(IIDR_VALUE),
            (TYPER2 | STATUSR, None) => read(0),
            (TYPER | IIDR | TYPER2 | STATUSR, Some(_)) => written, // read-only
            (_, None) => match id_reg(offset) {
                Some(x) => read(x),
                None => Err(DevError::UnknownRegister { offset }),
            },
            (_, Some(_)) => match id_reg(offset) {
                Some(_) => written,
                None => Err(DevError::UnknownRegister { offset }),
            },
        }
    }
}

pub mod gicr {
    pub const CTLR: u64 = 0x0000;
    pub const IIDR: u64 = 0x0004;
    pub const TYPER: u64 = 0x0008;
    pub const STATUSR: u64 = 0x0010;
    pub const WAKER: u64 = 0x0014;
    pub const PROPBASER: u64 = 0x0070;
    pub const PENDBASER: u64 = 0x0078;
    pub const SGI: u64 = 0x1_0000;
    pub const IGROUPR0: u64 = SGI + 0x0080;
    pub const ISENABLER0: u64 = SGI + 0x0100;
    pub const ICENABLER0: u64 = SGI + 0x0180;
    pub const ISPENDR0: u64 = SGI + 0x0200;
    pub const ICPENDR0: u64 = SGI + 0x0280;
    pub const ISACTIVER0: u64 = SGI + 0x0300;
    pub const ICACTIVER0: u64 = SGI + 0x0380;
    pub const IPRIORITYR: u64 = SGI + 0x0400;
    pub const ICFGR0: u64 = SGI + 0x0C00;
    pub const ICFGR1: u64 = SGI + 0x0C04;
    pub const IGRPMODR0: u64 = SGI + 0x0D00;
    pub const NSACR: u64 = SGI + 0x0E00;
    pub const WAKER_PROCESSOR_SLEEP: u32 = 1 << 1;
    pub const WAKER_CHILDREN_ASLEEP: u32 = 1 << 2;
    /// TYPER: Last = 1 (the guest has one redistributor), affinity 0, processor 0.
    pub const TYPER_VALUE: u64 = 1 << 4;
}

/// GICv3 redistributor of the guest's single vCPU (RD_base + SGI_base frames).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GicRedistributor {
    waker: u32,
    group0: u32,
    enable0: u32,
    priority: [u8; 32],
    icfgr1: u32,
}

impl Default for GicRedistributor {
    fn default() -> Self {
        Self::new()
    }
}

impl GicRedistributor {
    pub const fn new() -> Self {
        Self {
            waker: gicr::WAKER_PROCESSOR_SLEEP | gicr::WAKER_CHILDREN_ASLEEP,
            group0: 0,
            enable0: 0,
            priority: [0; 32],
            icfgr1: 0,
        }
    }

    pub fn access(&mut self, offset: u64, width: Width, access: Access) -> Result<Outcome, DevError> {
        use gicr::*;
        match offset {
            IPRIORITYR..=0x1_041F => {
                check_width(offset, width, true, false)?;
                let first = (offset - IPRIORITYR) as usize;
                let n = width.bytes() as usize;
                return Ok(match access {
                    Access::Read => {
                        Outcome::Read((0..n).fold(0u64, |v, i| v | (self.priority[first + i] as u64) << (8 * i)))
                    }
                    Access::Write(v) => {
                        for i in 0..n {
                            self.priority[first + i] = (v >> (8 * i)) as u8;
                        }
                        Outcome::Written
                    }
                });
            }
            TYPER | PROPBASER | PENDBASER => check_width(offset, width, false, true)?,
            _ => check_width(offset, width, false, false)?,
        }
        let read = |x: u64| Ok(Outcome::Read(x & width.mask()));
        let written = Ok(Outcome::Written);
        match access {
            Access::Read => match offset {
                CTLR | STATUSR => read(0),
                IIDR => read(IIDR_VALUE as u64),
                TYPER => read(TYPER_VALUE),
                0x000C => read(TYPER_VALUE >> 32),
                WAKER => read(self.waker as u64),
                PROPBASER | PENDBASER => read(0),
                IGROUPR0 => read(self.group0 as u64),
                ISENABLER0 | ICENABLER0 => read(self.enable0 as u64),
                ISPENDR0 | ICPENDR0 | ISACTIVER0 | ICACTIVER0 | IGRPMODR0 | NSACR => read(0),
                ICFGR0 => read(0xAAAA_AAAA), // SGIs: edge-triggered, read-only
                ICFGR1 => read(self.icfgr1 as u64),
                _ => match id_reg(offset) {
                    Some(x) => read(x as u64),
                    None => Err(DevError::UnknownRegister { offset }),
                },
            },
            Access::Write(v) => {
                let v32 = v as u32;
                match offset {
                    CTLR | STATUSR | IIDR | TYPER | 0x000C | PROPBASER | PENDBASER => {}
                    WAKER => {
                        // ChildrenAsleep follows ProcessorSleep immediately.
                        let sleep = v32 & WAKER_PROCESSOR_SLEEP;
                        self.waker = sleep | if sleep != 0 { WAKER_CHILDREN_ASLEEP } else { 0 };
                    }
                    IGROUPR0 => self.group0 = v32,
                    ISENABLER0 => set_clear(&mut self.enable0, v32, true),
                    ICENABLER0 => set_clear(&mut self.enable0, v32, false),
                    ISPENDR0 | ICPENDR0 | ISACTIVER0 | ICACTIVER0 | IGRPMODR0 | NSACR | ICFGR0 => {}
                    ICFGR1 => self.icfgr1 = v32,
                    _ => match id_reg(offset) {
                        Some(_) => {}
                        None => return Err(DevError::UnknownRegister { offset }),
                    },
                }
                written
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rd(d: &mut GicDistributor, off: u64) -> u64 {
        match d.access(off, Width::B4, Access::Read) {
            Ok(Outcome::Read(v)) => v,
            other => panic!("{off:#x}: {other:?}"),
        }
    }
    fn rr(r: &mut GicRedistributor, off: u64, w: Width) -> u64 {
        match r.access(off, w, Access::Read) {
            Ok(Outcome::Read(v)) => v,
            other => panic!("{off:#x}: {other:?}"),
        }
    }

    #[test]
    fn distributor_identification() {
        let mut d = GicDistributor::new();
        let typer = rd(&mut d, gicd::TYPER);
        assert_eq!(typer & 0x1F, 1, "ITLinesNumber");
        assert_eq!((typer >> 19) & 0x1F, 9, "IDbits");
        assert_eq!(32 * ((typer & 0x1F) + 1), LINES as u64);
        assert_eq!(rd(&mut d, gicd::PIDR2), 0x3B);
        assert_eq!((rd(&mut d, gicd::PIDR2) >> 4) & 0xF, 3, "ArchRev = GICv3");
        assert_eq!(rd(&mut d, gicd::IIDR), 0x43B);
        assert_eq!(rd(&mut d, 0xFFF0), 0x0D);
        assert_eq!(rd(&mut d, 0xFFFC), 0xB1);
    }

    #[test]
    fn distributor_ctlr_enables_and_priorities() {
        let mut d = GicDistributor::new();
        assert_eq!(rd(&mut d, gicd::CTLR), (gicd::CTLR_ARE | gicd::CTLR_DS) as u64);
        d.access(gicd::CTLR, Width::B4, Access::Write(0xFFFF_FFFF)).unwrap();
        assert_eq!(rd(&mut d, gicd::CTLR), 0b101_0011);
        // Enable SPI 33 (uart0) and 34, clear 34.
        d.access(gicd::ISENABLER + 4, Width::B4, Access::Write(0b110)).unwrap();
        d.access(gicd::ICENABLER + 4, Width::B4, Access::Write(0b100)).unwrap();
        assert!(d.enabled(33) && !d.enabled(34));
        assert_eq!(rd(&mut d, gicd::ISENABLER + 4), 0b10);
        assert_eq!(rd(&mut d, gicd::ICENABLER + 4), 0b10);
        // Word 0 (SGI/PPI) is the redistributor's when ARE = 1.
        d.access(gicd::ISENABLER, Width::B4, Access::Write(u32::MAX as u64))
            .unwrap();
        assert_eq!(rd(&mut d, gicd::ISENABLER), 0);
        // Byte and word priority access.
        d.access(gicd::IPRIORITYR + 33, Width::B1, Access::Write(0xA0)).unwrap();
        assert_eq!(rd(&mut d, gicd::IPRIORITYR + 32), 0xA000);
        d.access(gicd::IPRIORITYR + 36, Width::B4, Access::Write(0x1122_3344))
            .unwrap();
        assert_eq!(rd(&mut d, gicd::IPRIORITYR + 36), 0x1122_3344);
        // Beyond the implemented lines: read-as-zero, write-ignored.
        d.access(gicd::IPRIORITYR + 100, Width::B4, Access::Write(0xFFFF_FFFF))
            .unwrap();
        assert_eq!(rd(&mut d, gicd::IPRIORITYR + 100), 0);
        // Known RAZ/WI ranges.
        assert_eq!(rd(&mut d, gicd::ISPENDR + 4), 0);
        assert_eq!(rd(&mut d, gicd::ICFGR + 8), 0);
        assert_eq!(
            d.access(gicd::IROUTER + 8 * 33, Width::B8, Access::Read),
            Ok(Outcome::Read(0))
        );
    }

    #[test]
    fn distributor_widths_and_unknown() {
        let mut d = GicDistributor::new();
        assert!(matches!(
            d.access(gicd::CTLR, Width::B8, Access::Read),
            Err(DevError::UnsupportedWidth { .. })
        ));
        assert!(matches!(
            d.access(gicd::TYPER, Width::B1, Access::Read),
            Err(DevError::UnsupportedWidth { .. })
        ));
        assert!(matches!(
            d.access(gicd::CTLR, Width::B2, Access::Read),
            Err(DevError::UnsupportedWidth { .. })
        ));
        assert_eq!(
            d.access(0x0040, Width::B4, Access::Read),
            Err(DevError::UnknownRegister { offset: 0x40 })
        );
        assert_eq!(
            d.access(0x8000, Width::B4, Access::Write(1)),
            Err(DevError::UnknownRegister { offset: 0x8000 })
        );
    }

    #[test]
    fn redistributor_typer_waker_sgi_frame() {
        let mut r = GicRedistributor::new();
        assert_eq!(rr(&mut r, gicr::TYPER, Width::B8), gicr::TYPER_VALUE);
        assert_eq!(rr(&mut r, gicr::TYPER, Width::B4), 0x10);
        assert_eq!(rr(&mut r, gicr::TYPER + 4, Width::B4), 0);
        assert_eq!(rr(&mut r, 0xFFE8, Width::B4), 0x3B);
        assert_eq!(rr(&mut r, gicr::WAKER, Width::B4), 0b110);
        r.access(gicr::WAKER, Width::B4, Access::Write(0)).unwrap();
        assert_eq!(rr(&mut r, gicr::WAKER, Width::B4), 0);
        r.access(gicr::ISENABLER0, Width::B4, Access::Write(1 << 27)).unwrap();
        r.access(gicr::ISENABLER0, Width::B4, Access::Write(1 << 30)).unwrap();
        r.access(gicr::ICENABLER0, Width::B4, Access::Write(1 << 30)).unwrap();
        assert_eq!(rr(&mut r, gicr::ISENABLER0, Width::B4), 1 << 27);
        r.access(gicr::IPRIORITYR + 27, Width::B1, Access::Write(0x80)).unwrap();
        assert_eq!(rr(&mut r, gicr::IPRIORITYR + 24, Width::B4), 0x8000_0000);
        assert_eq!(rr(&mut r, gicr::ICFGR0, Width::B4), 0xAAAA_AAAA);
        // Another CPU's frame does not exist for a one-vCPU guest.
        assert_eq!(
            r.access(0x2_0000, Width::B4, Access::Read),
            Err(DevError::UnknownRegister { offset: 0x2_0000 })
        );
        assert!(matches!(
            r.access(gicr::WAKER, Width::B8, Access::Read),
            Err(DevError::UnsupportedWidth { .. })
        ));
    }
}
