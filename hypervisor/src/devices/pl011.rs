//! PL011 UART register model (the guest's view). Transmitted bytes are handed
//! to the caller, which prints them on the real console.
use super::{Access, DevError, Outcome};
use crate::esr::Width;

pub const DR: u64 = 0x000;
pub const RSR_ECR: u64 = 0x004;
pub const FR: u64 = 0x018;
pub const ILPR: u64 = 0x020;
pub const IBRD: u64 = 0x024;
pub const FBRD: u64 = 0x028;
pub const LCR_H: u64 = 0x02C;
pub const CR: u64 = 0x030;
pub const IFLS: u64 = 0x034;
pub const IMSC: u64 = 0x038;
pub const RIS: u64 = 0x03C;
pub const MIS: u64 = 0x040;
pub const ICR: u64 = 0x044;
pub const DMACR: u64 = 0x048;

/// FR: transmit FIFO empty.
pub const FR_TXFE: u32 = 1 << 7;
/// FR: receive FIFO empty.
pub const FR_RXFE: u32 = 1 << 4;
/// RIS/MIS: transmit interrupt.
pub const INT_TX: u32 = 1 << 5;

/// PeriphID0..3 then PCellID0..3 at 0xFE0..0xFFC.
const ID: [u32; 8] = [0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pl011 {
    ibrd: u32,
    fbrd: u32,
    lcr_h: u32,
    cr: u32,
    ifls: u32,
    imsc: u32,
    ris: u32,
    dmacr: u32,
    /// Bytes transmitted so far.
    pub tx_count: u64,
}

impl Default for Pl011 {
    fn default() -> Self {
        Self::new()
    }
}

impl Pl011 {
    pub const fn new() -> Self {
        // Reset values from the PL011 TRM: CR = TXE | RXE, IFLS = 1/2 full.
        Self {
            ibrd: 0,
            fbrd: 0,
            lcr_h: 0,
            cr: 0x300,
            ifls: 0x12,
            imsc: 0,
            ris: INT_TX,
            dmacr: 0,
            tx_count: 0,
        }
    }

    /// A guest access at `offset` in the window. Registers are 32-bit-aligned,
    /// accessible as 8, 16 or 32 bits; a 64-bit access is not supported (the
    /// APB bus would answer with an error).
    pub fn access(&mut self, offset: u64, width: Width, access: Access) -> Result<Outcome, DevError> {
        match width {
            Width::B1 | Width::B2 | Width::B4 => {}
            Width::B8 => {
                return Err(DevError::UnsupportedWidth {
                    offset,
                    width,
                    allowed: "8, 16 or 32 bits",
                });
            }
        }
        if offset & 3 != 0 {
            return Err(DevError::UnknownRegister { offset });
        }
        match access {
            Access::Read => self.read(offset).map(|v| Outcome::Read(v as u64 & width.mask())),
            Access::Write(v) => self.write(offset, (v & width.mask()) as u32),
        }
    }

    fn read(&self, offset: u64) -> Result<u32, DevError> {
        Ok(match offset {
            DR => 0, // receive FIFO empty
            RSR_ECR => 0,
            FR => FR_TXFE | FR_RXFE,
            ILPR => 0,
            IBRD => self.ibrd,
            FBRD => self.fbrd,
            LCR_H => self.lcr_h,
            CR => self.cr,
            IFLS => self.ifls,
            IMSC => self.imsc,
            RIS => self.ris,
            MIS => self.ris & self.imsc,
            ICR => 0, // write-only
            DMACR => self.dmacr,
            0xFE0..=0xFFC => ID[((offset - 0xFE0) / 4) as usize],
            _ => return Err(DevError::UnknownRegister { offset }),
        })
    }

    fn write(&mut self, offset: u64, v: u32) -> Result<Outcome, DevError> {
        match offset {
            DR => {
                self.tx_count += 1;
                // The byte leaves at once: the TX FIFO stays empty.
                self.ris |= INT_TX;
                return Ok(Outcome::Tx(v as u8));
            }
            RSR_ECR => {}        // clears errors; none are modelled
            FR | RIS | MIS => {} // read-only: writes ignored, as on hardware
            ILPR => {}
            IBRD => self.ibrd = v & 0xFFFF,
            FBRD => self.fbrd = v & 0x3F,
            LCR_H => self.lcr_h = v & 0xFF,
            CR => self.cr = v & 0xFF87,
            IFLS => self.ifls = v & 0x3F,
            IMSC => self.imsc = v & 0x7FF,
            ICR => self.ris &= !v,
            DMACR => self.dmacr = v & 0x7,
            0xFE0..=0xFFC => {} // identification registers are read-only
            _ => return Err(DevError::UnknownRegister { offset }),
        }
        Ok(Outcome::Written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tx_and_flags() {
        let mut u = Pl011::new();
        assert_eq!(
            u.access(DR, Width::B1, Access::Write(b'A' as u64)),
            Ok(Outcome::Tx(b'A'))
        );
        assert_eq!(u.access(DR, Width::B4, Access::Write(0x1_42)), Ok(Outcome::Tx(b'B')));
        assert_eq!(u.tx_count, 2);
        assert_eq!(
            u.access(FR, Width::B4, Access::Read),
            Ok(Outcome::Read((FR_TXFE | FR_RXFE) as u64))
        );
        assert_eq!(u.access(FR, Width::B2, Access::Read), Ok(Outcome::Read(0x90)));
        // FR is read-only.
        assert_eq!(u.access(FR, Width::B4, Access::Write(0)), Ok(Outcome::Written));
        assert_eq!(u.access(FR, Width::B4, Access::Read), Ok(Outcome::Read(0x90)));
    }

    #[test]
    fn control_registers_hold_masked_values() {
        let mut u = Pl011::new();
        assert_eq!(u.access(CR, Width::B4, Access::Read), Ok(Outcome::Read(0x300)));
        u.access(CR, Width::B4, Access::Write(0xFFFF_FFFF)).unwrap();
        assert_eq!(u.access(CR, Width::B4, Access::Read), Ok(Outcome::Read(0xFF87)));
        u.access(IBRD, Width::B4, Access::Write(0x1_0027)).unwrap();
        assert_eq!(u.access(IBRD, Width::B4, Access::Read), Ok(Outcome::Read(0x27)));
        u.access(IMSC, Width::B4, Access::Write(INT_TX as u64)).unwrap();
        assert_eq!(u.access(MIS, Width::B4, Access::Read), Ok(Outcome::Read(INT_TX as u64)));
        u.access(ICR, Width::B4, Access::Write(INT_TX as u64)).unwrap();
        assert_eq!(u.access(MIS, Width::B4, Access::Read), Ok(Outcome::Read(0)));
    }

    #[test]
    fn ids() {
        let mut u = Pl011::new();
        let id: Vec<u64> = (0..8)
            .map(|i| match u.access(0xFE0 + 4 * i, Width::B4, Access::Read) {
                Ok(Outcome::Read(v)) => v,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(id, [0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1]);
    }

    #[test]
    fn wide_unknown_and_misaligned() {
        let mut u = Pl011::new();
        assert_eq!(
            u.access(DR, Width::B8, Access::Write(0x41)),
            Err(DevError::UnsupportedWidth {
                offset: 0,
                width: Width::B8,
                allowed: "8, 16 or 32 bits"
            })
        );
        assert_eq!(u.tx_count, 0);
        assert_eq!(
            u.access(0xF00, Width::B4, Access::Read),
            Err(DevError::UnknownRegister { offset: 0xF00 })
        );
        assert_eq!(
            u.access(0x001, Width::B1, Access::Read),
            Err(DevError::UnknownRegister { offset: 1 })
        );
        assert_eq!(
            u.access(0x100, Width::B4, Access::Write(1)),
            Err(DevError::UnknownRegister { offset: 0x100 })
        );
    }
}
