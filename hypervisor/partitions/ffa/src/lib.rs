//! The Arm FF-A ABI (v1.1) as both sides of the SMCCC boundary use it: the
//! partition manager (`hypervisor`) decodes calls with it and the EL1
//! partitions (`partitions`) make them with it, so function ids, error codes,
//! register layouts and descriptors are written once.
//!
//! Register convention (SMCCC 1.2, FF-A §11): `x0` holds the function id,
//! `x1..x7` its arguments; the answer comes back in `x0..x7` with `x0` one of
//! [`FFA_SUCCESS_32`]/[`FFA_SUCCESS_64`], [`FFA_ERROR`] (`w2` = [`Error`]),
//! or a message ([`FFA_MSG_SEND_DIRECT_REQ_64`], [`FFA_INTERRUPT`], ...).
//! Functions the partition manager does not implement answer the SMCCC
//! `NOT_SUPPORTED` (-1) in `w0`.
#![no_std]

use core::fmt;

/// `FFA_ERROR`: `w2` holds an [`Error`] code.
pub const FFA_ERROR: u64 = 0x8400_0060;
pub const FFA_SUCCESS_32: u64 = 0x8400_0061;
pub const FFA_SUCCESS_64: u64 = 0xC400_0061;
/// Returned to the requester of a preempted partition: `w1` = its endpoint id
/// (high 16 bits) and vCPU (low 16 bits). Resume it with [`FFA_RUN`].
pub const FFA_INTERRUPT: u64 = 0x8400_0062;
pub const FFA_VERSION: u64 = 0x8400_0063;
pub const FFA_FEATURES: u64 = 0x8400_0064;
pub const FFA_RX_RELEASE: u64 = 0x8400_0065;
pub const FFA_RXTX_MAP_64: u64 = 0xC400_0066;
pub const FFA_RXTX_UNMAP: u64 = 0x8400_0067;
pub const FFA_PARTITION_INFO_GET: u64 = 0x8400_0068;
pub const FFA_ID_GET: u64 = 0x8400_0069;
pub const FFA_MSG_WAIT: u64 = 0x8400_006B;
/// A partition in a direct request gives its CPU back: its requester gets
/// `FFA_YIELD` (`w1` = endpoint/vCPU) and resumes it with [`FFA_RUN`].
pub const FFA_YIELD: u64 = 0x8400_006C;
/// Resume a preempted or yielded partition: `w1` = endpoint id << 16 | vCPU.
pub const FFA_RUN: u64 = 0x8400_006D;
pub const FFA_MSG_SEND_DIRECT_REQ_32: u64 = 0x8400_006F;
pub const FFA_MSG_SEND_DIRECT_REQ_64: u64 = 0xC400_006F;
pub const FFA_MSG_SEND_DIRECT_RESP_32: u64 = 0x8400_0070;
pub const FFA_MSG_SEND_DIRECT_RESP_64: u64 = 0xC400_0070;
pub const FFA_SPM_ID_GET: u64 = 0x8400_0085;

/// SMCCC: the function is not implemented (any conduit, any function).
pub const SMCCC_NOT_SUPPORTED: u64 = -1i64 as u64;
/// SMCCC_VERSION: answered with [`SMCCC_VERSION_1_2`].
pub const SMCCC_VERSION: u64 = 0x8000_0000;
pub const SMCCC_VERSION_1_2: u64 = 0x1_0002;

/// The FF-A version this partition manager implements: 1.1.
pub const VERSION_1_1: u32 = 0x1_0001;
/// The endpoint id of the normal world (the hypervisor's driver plays it).
pub const NORMAL_WORLD: u16 = 0;
/// The partition manager's own id (`FFA_SPM_ID_GET`).
pub const SPMC_ID: u16 = 0x8000;
/// Size of one `FFA_PARTITION_INFO_GET` descriptor (v1.1): id, contexts,
/// properties, UUID.
pub const PARTITION_INFO_SIZE: usize = 24;
/// `FFA_PARTITION_INFO_GET` flag: return the count only (in `w2`).
pub const PARTITION_INFO_COUNT_ONLY: u64 = 1;
/// Partition properties (v1.1 Table 6.1): receives and sends direct requests.
pub const PROP_DIRECT_REQ_RECV: u32 = 1 << 0;
pub const PROP_DIRECT_REQ_SEND: u32 = 1 << 1;
/// Execution state AArch64 (bit 8).
pub const PROP_AARCH64: u32 = 1 << 8;

/// FF-A error codes (`w2` of [`FFA_ERROR`]), v1.1 Table 11.4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Error {
    NotSupported = -1,
    InvalidParameters = -2,
    NoMemory = -3,
    Busy = -4,
    Interrupted = -5,
    Denied = -6,
    Retry = -7,
    Aborted = -8,
    NoData = -9,
}

impl Error {
    /// The code as it travels in `w2`.
    pub const fn code(self) -> u64 {
        self as i32 as u32 as u64
    }

    /// Decode `w2` of an `FFA_ERROR`; `None` for a code the spec does not define.
    pub const fn from_code(w2: u64) -> Option<Error> {
        Some(match w2 as u32 as i32 {
            -1 => Error::NotSupported,
            -2 => Error::InvalidParameters,
            -3 => Error::NoMemory,
            -4 => Error::Busy,
            -5 => Error::Interrupted,
            -6 => Error::Denied,
            -7 => Error::Retry,
            -8 => Error::Aborted,
            -9 => Error::NoData,
            // Codes are a small closed set: anything else is not FF-A.
            _ => return None,
        })
    }

    pub const fn name(self) -> &'static str {
        match self {
            Error::NotSupported => "NOT_SUPPORTED",
            Error::InvalidParameters => "INVALID_PARAMETERS",
            Error::NoMemory => "NO_MEMORY",
            Error::Busy => "BUSY",
            Error::Interrupted => "INTERRUPTED",
            Error::Denied => "DENIED",
            Error::Retry => "RETRY",
            Error::Aborted => "ABORTED",
            Error::NoData => "NO_DATA",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of an FF-A or SMCCC function id, for logs.
pub const fn function_name(fid: u64) -> &'static str {
    match fid {
        FFA_ERROR => "FFA_ERROR",
        FFA_SUCCESS_32 => "FFA_SUCCESS_32",
        FFA_SUCCESS_64 => "FFA_SUCCESS_64",
        FFA_INTERRUPT => "FFA_INTERRUPT",
        FFA_VERSION => "FFA_VERSION",
        FFA_FEATURES => "FFA_FEATURES",
        FFA_RX_RELEASE => "FFA_RX_RELEASE",
        FFA_RXTX_MAP_64 => "FFA_RXTX_MAP_64",
        FFA_RXTX_UNMAP => "FFA_RXTX_UNMAP",
        FFA_PARTITION_INFO_GET => "FFA_PARTITION_INFO_GET",
        FFA_ID_GET => "FFA_ID_GET",
        FFA_MSG_WAIT => "FFA_MSG_WAIT",
        FFA_YIELD => "FFA_YIELD",
        FFA_RUN => "FFA_RUN",
        FFA_MSG_SEND_DIRECT_REQ_32 => "FFA_MSG_SEND_DIRECT_REQ_32",
        FFA_MSG_SEND_DIRECT_REQ_64 => "FFA_MSG_SEND_DIRECT_REQ_64",
        FFA_MSG_SEND_DIRECT_RESP_32 => "FFA_MSG_SEND_DIRECT_RESP_32",
        FFA_MSG_SEND_DIRECT_RESP_64 => "FFA_MSG_SEND_DIRECT_RESP_64",
        FFA_SPM_ID_GET => "FFA_SPM_ID_GET",
        SMCCC_VERSION => "SMCCC_VERSION",
        // Names are for logs; an unknown id is printed by number by the caller.
        _ => "unknown function",
    }
}

/// The functions of this partition manager's interface (what `FFA_FEATURES`
/// answers FFA_SUCCESS for): those a partition invokes, and FFA_ERROR,
/// FFA_SUCCESS and FFA_INTERRUPT, which it receives (invoking one of those
/// is answered NOT_SUPPORTED).
pub const SUPPORTED: &[u64] = &[
    FFA_ERROR,
    FFA_SUCCESS_32,
    FFA_SUCCESS_64,
    FFA_INTERRUPT,
    FFA_VERSION,
    FFA_FEATURES,
    FFA_RX_RELEASE,
    FFA_RXTX_MAP_64,
    FFA_RXTX_UNMAP,
    FFA_PARTITION_INFO_GET,
    FFA_ID_GET,
    FFA_MSG_WAIT,
    FFA_YIELD,
    FFA_RUN,
    FFA_MSG_SEND_DIRECT_REQ_32,
    FFA_MSG_SEND_DIRECT_REQ_64,
    FFA_MSG_SEND_DIRECT_RESP_32,
    FFA_MSG_SEND_DIRECT_RESP_64,
    FFA_SPM_ID_GET,
];

/// The eight registers of an SMCCC call or answer (`x0..x7`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Regs(pub [u64; 8]);

/// `w1` of a direct message: sender in the high half, receiver in the low.
pub const fn endpoints(sender: u16, receiver: u16) -> u64 {
    ((sender as u64) << 16) | receiver as u64
}

/// `w1` of FFA_RUN / FFA_INTERRUPT / FFA_YIELD: endpoint id and vCPU index.
pub const fn target(endpoint: u16, vcpu: u16) -> u64 {
    ((endpoint as u64) << 16) | vcpu as u64
}

/// A direct message's five payload words (`x3..x7`).
pub type Payload = [u64; 5];

impl Regs {
    pub const fn fid(&self) -> u64 {
        self.0[0]
    }

    /// `FFA_SUCCESS_32` with `w2` = `value`.
    pub const fn success(value: u64) -> Regs {
        Regs([FFA_SUCCESS_32, 0, value, 0, 0, 0, 0, 0])
    }

    pub const fn error(e: Error) -> Regs {
        Regs([FFA_ERROR, 0, e.code(), 0, 0, 0, 0, 0])
    }

    /// A direct message (`fid` one of the DIRECT_REQ/RESP ids).
    const fn direct(fid: u64, sender: u16, receiver: u16, p: Payload) -> Regs {
        Regs([fid, endpoints(sender, receiver), 0, p[0], p[1], p[2], p[3], p[4]])
    }

    pub const fn direct_req(sender: u16, receiver: u16, p: Payload) -> Regs {
        Regs::direct(FFA_MSG_SEND_DIRECT_REQ_64, sender, receiver, p)
    }

    pub const fn direct_resp(sender: u16, receiver: u16, p: Payload) -> Regs {
        Regs::direct(FFA_MSG_SEND_DIRECT_RESP_64, sender, receiver, p)
    }

    /// `FFA_INTERRUPT` or `FFA_YIELD` naming the partition that stopped.
    pub const fn stopped(fid: u64, endpoint: u16) -> Regs {
        Regs([fid, target(endpoint, 0), 0, 0, 0, 0, 0, 0])
    }

    pub const fn is_direct_req(&self) -> bool {
        matches!(self.0[0], FFA_MSG_SEND_DIRECT_REQ_32 | FFA_MSG_SEND_DIRECT_REQ_64)
    }

    pub const fn is_direct_resp(&self) -> bool {
        matches!(self.0[0], FFA_MSG_SEND_DIRECT_RESP_32 | FFA_MSG_SEND_DIRECT_RESP_64)
    }

    /// Sender of a direct message (`w1[31:16]`).
    pub const fn sender(&self) -> u16 {
        (self.0[1] >> 16) as u16
    }

    /// Receiver of a direct message (`w1[15:0]`), or the endpoint of FFA_RUN.
    pub const fn receiver(&self) -> u16 {
        self.0[1] as u16
    }

    /// Endpoint named by FFA_RUN/FFA_INTERRUPT/FFA_YIELD (`w1[31:16]`).
    pub const fn run_target(&self) -> u16 {
        (self.0[1] >> 16) as u16
    }

    /// The payload words `x3..x7` (for the 32-bit variants, their low halves).
    pub const fn payload(&self) -> Payload {
        let p = [self.0[3], self.0[4], self.0[5], self.0[6], self.0[7]];
        if matches!(self.0[0], FFA_MSG_SEND_DIRECT_REQ_32 | FFA_MSG_SEND_DIRECT_RESP_32) {
            [
                p[0] as u32 as u64,
                p[1] as u32 as u64,
                p[2] as u32 as u64,
                p[3] as u32 as u64,
                p[4] as u32 as u64,
            ]
        } else {
            p
        }
    }

    /// The error of an `FFA_ERROR` answer (`None` for any other answer).
    pub const fn as_error(&self) -> Option<Error> {
        if self.0[0] == FFA_ERROR {
            match Error::from_code(self.0[2]) {
                Some(e) => Some(e),
                None => Some(Error::InvalidParameters),
            }
        } else if self.0[0] == SMCCC_NOT_SUPPORTED {
            Some(Error::NotSupported)
        } else {
            None
        }
    }
}

/// One `FFA_PARTITION_INFO_GET` descriptor (v1.1, 24 bytes little-endian):
/// partition id, execution contexts, properties, UUID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartitionInfo {
    pub id: u16,
    pub contexts: u16,
    pub properties: u32,
    pub uuid: [u8; 16],
}

impl PartitionInfo {
    pub fn write(&self, out: &mut [u8; PARTITION_INFO_SIZE]) {
        out[0..2].copy_from_slice(&self.id.to_le_bytes());
        out[2..4].copy_from_slice(&self.contexts.to_le_bytes());
        out[4..8].copy_from_slice(&self.properties.to_le_bytes());
        out[8..24].copy_from_slice(&self.uuid);
    }

    pub fn read(b: &[u8; PARTITION_INFO_SIZE]) -> PartitionInfo {
        let mut uuid = [0; 16];
        uuid.copy_from_slice(&b[8..24]);
        PartitionInfo {
            id: u16::from_le_bytes([b[0], b[1]]),
            contexts: u16::from_le_bytes([b[2], b[3]]),
            properties: u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
            uuid,
        }
    }
}

/// A UUID as `FFA_PARTITION_INFO_GET` takes it in `w1..w4` (the nil UUID asks
/// for every partition): the 16 bytes, four little-endian words.
pub const fn uuid_words(u: &[u8; 16]) -> [u64; 4] {
    let mut w = [0u64; 4];
    let mut i = 0;
    while i < 4 {
        w[i] = u32::from_le_bytes([u[4 * i], u[4 * i + 1], u[4 * i + 2], u[4 * i + 3]]) as u64;
        i += 1;
    }
    w
}

/// The inverse of [`uuid_words`].
pub const fn uuid_from_words(w: [u64; 4]) -> [u8; 16] {
    let mut u = [0u8; 16];
    let mut i = 0;
    while i < 4 {
        let b = (w[i] as u32).to_le_bytes();
        u[4 * i] = b[0];
        u[4 * i + 1] = b[1];
        u[4 * i + 2] = b[2];
        u[4 * i + 3] = b[3];
        i += 1;
    }
    u
}

/// Make an SMCCC call by `hvc #0` (the conduit of partitions at EL1 under
/// this EL2 partition manager) and return `x0..x7`.
#[cfg(target_arch = "aarch64")]
pub fn call(r: Regs) -> Regs {
    let mut o = r.0;
    // SAFETY: an SMCCC call: the partition manager reads x0..x7 and writes
    // x0..x7 back; it does not touch this partition's memory except buffers
    // the partition named in the call (RXTX_MAP), and x8..x17 are preserved
    // (SMCCC 1.2) but declared clobbered here to be safe.
    unsafe {
        core::arch::asm!(
            "hvc #0",
            inout("x0") o[0], inout("x1") o[1], inout("x2") o[2], inout("x3") o[3],
            inout("x4") o[4], inout("x5") o[5], inout("x6") o[6], inout("x7") o[7],
            out("x8") _, out("x9") _, out("x10") _, out("x11") _, out("x12") _,
            out("x13") _, out("x14") _, out("x15") _, out("x16") _, out("x17") _,
            options(nostack)
        )
    };
    Regs(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_round_trip_through_w2() {
        for e in [
            Error::NotSupported,
            Error::InvalidParameters,
            Error::NoMemory,
            Error::Busy,
            Error::Interrupted,
            Error::Denied,
            Error::Retry,
            Error::Aborted,
            Error::NoData,
        ] {
            assert_eq!(Error::from_code(e.code()), Some(e));
            assert_eq!(Regs::error(e).as_error(), Some(e));
        }
        assert_eq!(Error::Denied.code(), 0xFFFF_FFFA);
        assert_eq!(Error::from_code(7), None);
        assert_eq!(
            Regs([SMCCC_NOT_SUPPORTED, 7, 7, 7, 7, 7, 7, 7]).as_error(),
            Some(Error::NotSupported)
        );
        assert_eq!(Regs::success(3).as_error(), None);
    }

    #[test]
    fn direct_messages_carry_endpoints_and_payload() {
        let r = Regs::direct_req(0x8001, 0x8002, [1, 2, 3, 4, 5]);
        assert!(r.is_direct_req() && !r.is_direct_resp());
        assert_eq!((r.sender(), r.receiver()), (0x8001, 0x8002));
        assert_eq!(r.0[1], 0x8001_8002);
        assert_eq!(r.payload(), [1, 2, 3, 4, 5]);
        let mut r32 = Regs::direct_resp(0x8002, 0x8001, [u64::MAX; 5]);
        r32.0[0] = FFA_MSG_SEND_DIRECT_RESP_32;
        assert!(r32.is_direct_resp());
        assert_eq!(r32.payload(), [0xFFFF_FFFF; 5]);
        let i = Regs::stopped(FFA_INTERRUPT, 0x8003);
        assert_eq!(i.run_target(), 0x8003);
    }

    #[test]
    fn partition_info_descriptors_are_24_little_endian_bytes() {
        let p = PartitionInfo {
            id: 0x8002,
            contexts: 1,
            properties: PROP_DIRECT_REQ_RECV | PROP_AARCH64,
            uuid: *b"0123456789abcdef",
        };
        let mut b = [0; PARTITION_INFO_SIZE];
        p.write(&mut b);
        assert_eq!(&b[..8], &[0x02, 0x80, 1, 0, 0x01, 0x01, 0, 0]);
        assert_eq!(PartitionInfo::read(&b), p);
    }

    #[test]
    fn uuids_travel_as_four_words() {
        let u = *b"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10";
        let w = uuid_words(&u);
        assert_eq!(w[0], 0x0403_0201);
        assert_eq!(uuid_from_words(w), u);
    }

    #[test]
    fn every_supported_function_has_a_name() {
        for &f in SUPPORTED {
            assert_ne!(function_name(f), "unknown function", "{f:#x}");
        }
    }
}
