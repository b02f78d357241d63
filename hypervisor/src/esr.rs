//! Decoding why a guest left EL1: ESR_EL2 exception classes, stage-2 fault
//! status, and the data-abort syndrome of an MMIO access (ISV, SAS, SSE, SRT,
//! SF, WnR) with the IPA from HPFAR_EL2/FAR_EL2.
use core::fmt;

/// ESR_EL2.EC values this hypervisor distinguishes.
pub mod ec {
    pub const UNKNOWN: u8 = 0x00;
    pub const WFX: u8 = 0x01;
    pub const HVC64: u8 = 0x16;
    pub const SMC64: u8 = 0x17;
    pub const SYSREG: u8 = 0x18;
    pub const IABT_LOWER: u8 = 0x20;
    pub const DABT_LOWER: u8 = 0x24;
}

/// What an exception class means, for reports of an exception a partition
/// took at EL1 itself (its ESR_EL1).
pub const fn class_name(esr: u64) -> &'static str {
    match ((esr >> 26) & 0x3F) as u8 {
        0x00 => "undefined instruction",
        0x01 => "trapped WFI/WFE",
        0x07 => "FP/SIMD access while disabled (CPACR_EL1.FPEN)",
        0x0E => "illegal execution state",
        0x15 => "svc",
        0x16 => "hvc",
        0x17 => "smc",
        0x18 => "trapped system register access",
        0x20 => "instruction abort from EL0",
        0x21 => "instruction abort at EL1",
        0x22 => "misaligned PC",
        0x24 => "data abort from EL0",
        0x25 => "data abort at EL1",
        0x26 => "misaligned SP",
        0x2C => "floating-point exception",
        0x2F => "SError",
        0x3C => "brk",
        // The classes a partition can raise at EL1 are named above; others
        // are reported by number next to this name.
        _ => "exception",
    }
}

/// The width of a memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Width {
    B1,
    B2,
    B4,
    B8,
}

impl Width {
    pub const fn bytes(self) -> u64 {
        match self {
            Width::B1 => 1,
            Width::B2 => 2,
            Width::B4 => 4,
            Width::B8 => 8,
        }
    }
    pub const fn bits(self) -> u32 {
        self.bytes() as u32 * 8
    }
    /// All-ones mask of this width.
    pub const fn mask(self) -> u64 {
        match self {
            Width::B8 => u64::MAX,
            Width::B1 | Width::B2 | Width::B4 => (1u64 << self.bits()) - 1,
        }
    }
    /// From ESR ISS.SAS.
    pub const fn from_sas(sas: u64) -> Width {
        match sas & 3 {
            0 => Width::B1,
            1 => Width::B2,
            2 => Width::B4,
            _ => Width::B8,
        }
    }
}

/// A general-purpose register number as encoded in ISS.SRT (31 = XZR).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reg(pub u8);

impl Reg {
    pub const fn is_zero_reg(self) -> bool {
        self.0 == 31
    }
}

/// One decoded MMIO access (a data abort with a valid instruction syndrome).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MmioAccess {
    /// `ldr*`: load `width` bytes at `ipa` into `reg`.
    Read {
        ipa: u64,
        width: Width,
        reg: Reg,
        sign_extend: bool,
        sixty_four: bool,
    },
    /// `str*`: store the low `width` bytes of `reg` at `ipa`.
    Write { ipa: u64, width: Width, reg: Reg },
}

impl MmioAccess {
    pub const fn ipa(&self) -> u64 {
        match *self {
            MmioAccess::Read { ipa, .. } | MmioAccess::Write { ipa, .. } => ipa,
        }
    }
    pub const fn width(&self) -> Width {
        match *self {
            MmioAccess::Read { width, .. } | MmioAccess::Write { width, .. } => width,
        }
    }
    pub const fn is_write(&self) -> bool {
        match self {
            MmioAccess::Read { .. } => false,
            MmioAccess::Write { .. } => true,
        }
    }

    /// The value a completed read puts in its destination register, or `None`
    /// when the destination is XZR (or this is a write). Applies the width and
    /// the sign extension (to 32 or 64 bits, per SF) the instruction asked for.
    pub const fn complete_read(&self, raw: u64) -> Option<(Reg, u64)> {
        match *self {
            MmioAccess::Write { .. } => None,
            MmioAccess::Read { reg, .. } if reg.is_zero_reg() => None,
            MmioAccess::Read {
                width,
                reg,
                sign_extend,
                sixty_four,
                ..
            } => {
                let v = raw & width.mask();
                let v = if sign_extend && width.bits() < 64 {
                    let shift = 64 - width.bits();
                    let s = (((v << shift) as i64) >> shift) as u64;
                    if sixty_four { s } else { s & 0xFFFF_FFFF }
                } else {
                    v
                };
                Some((reg, v))
            }
        }
    }

    /// The value a write stores, given the source register's content.
    pub const fn write_value(&self, reg_value: u64) -> u64 {
        match *self {
            MmioAccess::Write { width, reg, .. } => {
                if reg.is_zero_reg() {
                    0
                } else {
                    reg_value & width.mask()
                }
            }
            MmioAccess::Read { .. } => 0,
        }
    }
}

/// Stage-2 (or stage-1) fault status from ISS.DFSC/IFSC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultStatus {
    Translation { level: u8 },
    AccessFlag { level: u8 },
    Permission { level: u8 },
    Alignment,
    Other { code: u8 },
}

impl FaultStatus {
    pub const fn decode(fsc: u64) -> FaultStatus {
        let code = (fsc & 0x3F) as u8;
        let level = code & 3;
        match code >> 2 {
            0b0001 => FaultStatus::Translation { level },
            0b0010 => FaultStatus::AccessFlag { level },
            0b0011 => FaultStatus::Permission { level },
            _ if code == 0b100001 => FaultStatus::Alignment,
            _ => FaultStatus::Other { code },
        }
    }
}

impl fmt::Display for FaultStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FaultStatus::Translation { level } => write!(f, "translation fault, level {level}"),
            FaultStatus::AccessFlag { level } => write!(f, "access flag fault, level {level}"),
            FaultStatus::Permission { level } => write!(f, "permission fault, level {level}"),
            FaultStatus::Alignment => write!(f, "alignment fault"),
            FaultStatus::Other { code } => write!(f, "fault status {code:#04x}"),
        }
    }
}

/// Why an access could not be decoded as an emulatable MMIO access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// ISV = 0: no instruction syndrome (e.g. load/store pair, writeback).
    NoSyndrome,
    /// The abort came from a stage-1 page-table walk, not the access itself.
    Stage1Walk,
    /// A cache maintenance instruction faulted.
    CacheMaintenance,
    /// An external abort (not a translation/permission fault we can emulate).
    External,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NoSyndrome => write!(f, "no instruction syndrome (ISV=0: pair/writeback access)"),
            DecodeError::Stage1Walk => write!(f, "fault on a stage-1 table walk"),
            DecodeError::CacheMaintenance => write!(f, "cache maintenance on MMIO"),
            DecodeError::External => write!(f, "external abort"),
        }
    }
}

/// A data abort from the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataAbort {
    pub ipa: u64,
    pub far: u64,
    pub write: bool,
    pub fault: FaultStatus,
    pub access: Result<MmioAccess, DecodeError>,
}

/// The IPA of a stage-2 abort: page from HPFAR_EL2.FIPA, offset from FAR_EL2.
pub const fn fault_ipa(far: u64, hpfar: u64) -> u64 {
    ((hpfar & 0x0000_0FFF_FFFF_FFF0) << 8) | (far & 0xFFF)
}

/// Decode a data abort's ISS.
pub const fn decode_data_abort(esr: u64, far: u64, hpfar: u64) -> DataAbort {
    let iss = esr & 0x1FF_FFFF;
    let ipa = fault_ipa(far, hpfar);
    let isv = (iss >> 24) & 1 == 1;
    let write = (iss >> 6) & 1 == 1;
    let fault = FaultStatus::decode(iss);
    let access = if (iss >> 9) & 1 == 1 {
        Err(DecodeError::External)
    } else if (iss >> 8) & 1 == 1 {
        Err(DecodeError::CacheMaintenance)
    } else if (iss >> 7) & 1 == 1 {
        Err(DecodeError::Stage1Walk)
    } else if !isv {
        Err(DecodeError::NoSyndrome)
    } else {
        let width = Width::from_sas((iss >> 22) & 3);
        let reg = Reg(((iss >> 16) & 0x1F) as u8);
        if write {
            Ok(MmioAccess::Write { ipa, width, reg })
        } else {
            Ok(MmioAccess::Read {
                ipa,
                width,
                reg,
                sign_extend: (iss >> 21) & 1 == 1,
                sixty_four: (iss >> 15) & 1 == 1,
            })
        }
    };
    DataAbort {
        ipa,
        far,
        write,
        fault,
        access,
    }
}

/// A trapped MSR/MRS (EC 0x18): which register, which direction, which
/// general-purpose register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SysRegAccess {
    pub op0: u8,
    pub op1: u8,
    pub crn: u8,
    pub crm: u8,
    pub op2: u8,
    pub rt: u8,
    pub read: bool,
}

impl SysRegAccess {
    /// ISS: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5],
    /// CRm [4:1], Direction [0] (1: read).
    pub const fn decode(iss: u32) -> SysRegAccess {
        SysRegAccess {
            op0: ((iss >> 20) & 0b11) as u8,
            op2: ((iss >> 17) & 0b111) as u8,
            op1: ((iss >> 14) & 0b111) as u8,
            crn: ((iss >> 10) & 0xF) as u8,
            rt: ((iss >> 5) & 0x1F) as u8,
            crm: ((iss >> 1) & 0xF) as u8,
            read: iss & 1 != 0,
        }
    }

    /// The architectural name of the registers a partition may be trapped
    /// on (the GIC's SGI generation registers under HCR_EL2.IMO/FMO).
    pub const fn name(&self) -> Option<&'static str> {
        match (self.op0, self.op1, self.crn, self.crm, self.op2) {
            (3, 0, 12, 11, 5) => Some("ICC_SGI1R_EL1"),
            (3, 0, 12, 11, 6) => Some("ICC_ASGI1R_EL1"),
            (3, 0, 12, 11, 7) => Some("ICC_SGI0R_EL1"),
            _ => None,
        }
    }
}

impl fmt::Display for SysRegAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} S{}_{}_C{}_C{}_{}",
            if self.read { "read of" } else { "write to" },
            self.op0,
            self.op1,
            self.crn,
            self.crm,
            self.op2
        )?;
        if let Some(n) = self.name() {
            write!(f, " ({n})")?;
        }
        write!(f, " {} x{}", if self.read { "into" } else { "from" }, self.rt)
    }
}

/// Why the guest exited to EL2 (a synchronous exception), decoded from ESR_EL2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `hvc #imm`.
    Hvc { imm: u16 },
    /// `smc #imm` (trapped by HCR_EL2.TSC).
    Smc { imm: u16 },
    /// A data abort at stage 2: MMIO or a fault.
    DataAbort(DataAbort),
    /// An instruction fetch abort at stage 2.
    InstructionAbort { ipa: u64, far: u64, fault: FaultStatus },
    /// A trapped system-register access (e.g. ICC_SGI1R_EL1 under HCR_EL2.IMO).
    SysReg(SysRegAccess),
    /// A trapped WFI/WFE.
    Wfx,
    /// Anything else.
    Other { ec: u8, iss: u32 },
}

impl Exit {
    pub const fn decode(esr: u64, far: u64, hpfar: u64) -> Exit {
        let ec = ((esr >> 26) & 0x3F) as u8;
        let iss = (esr & 0x1FF_FFFF) as u32;
        match ec {
            ec::HVC64 => Exit::Hvc {
                imm: (iss & 0xFFFF) as u16,
            },
            ec::SMC64 => Exit::Smc {
                imm: (iss & 0xFFFF) as u16,
            },
            ec::DABT_LOWER => Exit::DataAbort(decode_data_abort(esr, far, hpfar)),
            ec::IABT_LOWER => Exit::InstructionAbort {
                ipa: fault_ipa(far, hpfar),
                far,
                fault: FaultStatus::decode(iss as u64),
            },
            ec::SYSREG => Exit::SysReg(SysRegAccess::decode(iss)),
            ec::WFX => Exit::Wfx,
            _ => Exit::Other { ec, iss },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Build a data-abort ESR from its fields.
    fn dabt(isv: bool, sas: u64, sse: bool, srt: u64, sf: bool, wnr: bool, dfsc: u64) -> u64 {
        ((ec::DABT_LOWER as u64) << 26)
            | (1 << 25)
            | ((isv as u64) << 24)
            | (sas << 22)
            | ((sse as u64) << 21)
            | (srt << 16)
            | ((sf as u64) << 15)
            | ((wnr as u64) << 6)
            | dfsc
    }

    const HPFAR_UART: u64 = (0x0900_0000u64 >> 12) << 4;

    #[test]
    fn exception_classes_are_named() {
        assert_eq!(class_name(0x0200_0000), "undefined instruction");
        assert_eq!(class_name(0x5600_005c), "svc");
        assert_eq!(class_name(0x9600_0045), "data abort at EL1");
        assert_eq!(class_name(0xFC00_0000), "exception");
    }

    #[test]
    fn ipa_from_hpfar_and_far() {
        assert_eq!(fault_ipa(0xdead_0018, HPFAR_UART), 0x0900_0018);
        assert_eq!(fault_ipa(0x18, (0x1234_5678_9000u64 >> 12) << 4), 0x1234_5678_9018);
    }

    #[test]
    fn decode_word_store_strb_and_loads() {
        // str w3, [x9]  (32-bit write, translation fault level 1)
        let e = dabt(true, 2, false, 3, false, true, 0b000101);
        let Exit::DataAbort(d) = Exit::decode(e, 0x0900_0000, HPFAR_UART) else {
            panic!()
        };
        assert_eq!(d.ipa, 0x0900_0000);
        assert_eq!(d.fault, FaultStatus::Translation { level: 1 });
        assert!(d.write);
        assert_eq!(
            d.access,
            Ok(MmioAccess::Write {
                ipa: 0x0900_0000,
                width: Width::B4,
                reg: Reg(3)
            })
        );
        // strb w2, [x9]
        let e = dabt(true, 0, false, 2, false, true, 0b000111);
        let d = decode_data_abort(e, 0x0900_0000, HPFAR_UART);
        assert_eq!(d.access.unwrap().width(), Width::B1);
        // ldr x5, [x9, #0x18]
        let e = dabt(true, 3, false, 5, true, false, 0b000110);
        let d = decode_data_abort(e, 0x0900_0018, HPFAR_UART);
        assert_eq!(
            d.access,
            Ok(MmioAccess::Read {
                ipa: 0x0900_0018,
                width: Width::B8,
                reg: Reg(5),
                sign_extend: false,
                sixty_four: true
            })
        );
        // ldrsh w7, [..]
        let e = dabt(true, 1, true, 7, false, false, 0b000111);
        let d = decode_data_abort(e, 0x0900_0002, HPFAR_UART);
        assert_eq!(
            d.access,
            Ok(MmioAccess::Read {
                ipa: 0x0900_0002,
                width: Width::B2,
                reg: Reg(7),
                sign_extend: true,
                sixty_four: false
            })
        );
    }

    #[test]
    fn no_syndrome_and_other_decode_errors() {
        let e = dabt(false, 0, false, 0, false, false, 0b000111);
        assert_eq!(decode_data_abort(e, 0, 0).access, Err(DecodeError::NoSyndrome));
        assert_eq!(
            decode_data_abort(e | (1 << 7), 0, 0).access,
            Err(DecodeError::Stage1Walk)
        );
        assert_eq!(
            decode_data_abort(e | (1 << 8), 0, 0).access,
            Err(DecodeError::CacheMaintenance)
        );
        assert_eq!(decode_data_abort(e | (1 << 9), 0, 0).access, Err(DecodeError::External));
    }

    #[test]
    fn fault_status_classes() {
        assert_eq!(FaultStatus::decode(0b000100), FaultStatus::Translation { level: 0 });
        assert_eq!(FaultStatus::decode(0b001011), FaultStatus::AccessFlag { level: 3 });
        assert_eq!(FaultStatus::decode(0b001111), FaultStatus::Permission { level: 3 });
        assert_eq!(FaultStatus::decode(0b100001), FaultStatus::Alignment);
        assert_eq!(FaultStatus::decode(0b010000), FaultStatus::Other { code: 0x10 });
    }

    #[test]
    fn complete_read_width_sign_and_xzr() {
        let r = |width, sign_extend, sixty_four, reg| MmioAccess::Read {
            ipa: 0,
            width,
            reg: Reg(reg),
            sign_extend,
            sixty_four,
        };
        assert_eq!(
            r(Width::B1, false, false, 1).complete_read(0x1234_5680),
            Some((Reg(1), 0x80))
        );
        assert_eq!(
            r(Width::B1, true, false, 1).complete_read(0x80),
            Some((Reg(1), 0xFFFF_FF80))
        );
        assert_eq!(
            r(Width::B1, true, true, 1).complete_read(0x80),
            Some((Reg(1), 0xFFFF_FFFF_FFFF_FF80))
        );
        assert_eq!(
            r(Width::B2, true, true, 2).complete_read(0x7FFF),
            Some((Reg(2), 0x7FFF))
        );
        assert_eq!(
            r(Width::B4, true, true, 2).complete_read(0x8000_0000),
            Some((Reg(2), 0xFFFF_FFFF_8000_0000))
        );
        assert_eq!(
            r(Width::B8, true, true, 2).complete_read(u64::MAX),
            Some((Reg(2), u64::MAX))
        );
        assert_eq!(r(Width::B4, false, false, 31).complete_read(5), None);
        let w = MmioAccess::Write {
            ipa: 0,
            width: Width::B2,
            reg: Reg(4),
        };
        assert_eq!(w.complete_read(1), None);
        assert_eq!(w.write_value(0x1234_5678), 0x5678);
        assert_eq!(
            MmioAccess::Write {
                ipa: 0,
                width: Width::B8,
                reg: Reg(31)
            }
            .write_value(7),
            0
        );
    }

    #[test]
    fn exit_classes() {
        assert_eq!(
            Exit::decode(((ec::HVC64 as u64) << 26) | (1 << 25) | 0x42, 0, 0),
            Exit::Hvc { imm: 0x42 }
        );
        assert_eq!(Exit::decode(((ec::SMC64 as u64) << 26) | 7, 0, 0), Exit::Smc { imm: 7 });
        assert_eq!(Exit::decode((ec::WFX as u64) << 26, 0, 0), Exit::Wfx);
        // msr ICC_SGI1R_EL1, x8 (the ISS QEMU reports for it).
        let sgi = Exit::decode(((ec::SYSREG as u64) << 26) | 0x3a3116, 0, 0);
        let Exit::SysReg(a) = sgi else { panic!("{sgi:?}") };
        assert_eq!(std::format!("{a}"), "write to S3_0_C12_C11_5 (ICC_SGI1R_EL1) from x8");
        assert_eq!(
            std::format!("{}", SysRegAccess::decode(0x3a3117)),
            "read of S3_0_C12_C11_5 (ICC_SGI1R_EL1) into x8"
        );
        assert_eq!(
            Exit::decode(((ec::IABT_LOWER as u64) << 26) | 0b000110, 0x200, (0x0u64 >> 12) << 4),
            Exit::InstructionAbort {
                ipa: 0x200,
                far: 0x200,
                fault: FaultStatus::Translation { level: 2 }
            }
        );
        assert_eq!(Exit::decode((0x07u64 << 26) | 5, 0, 0), Exit::Other { ec: 7, iss: 5 });
    }
}
