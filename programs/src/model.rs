//! The value-level model of an accepted configuration: what the hypervisor
//! image links. Every value here is reflected from the type program that the
//! checks accepted (see `crate::gate`); nothing in this module is filled in by
//! hand.

/// The kinds of virtual device a device map may name.
///
/// The vocabulary is larger than what the hypervisor emulates on purpose: the
/// check "every device kind used has an emulation" rejects a map that names a
/// kind the hypervisor cannot emulate (today `VirtioMmio`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum DeviceKind {
    /// ARM PrimeCell PL011 UART.
    Pl011 = 0,
    /// ARM PrimeCell PL031 real-time clock.
    Pl031 = 1,
    /// GICv3 distributor (a singleton on a board).
    GicV3Distributor = 2,
    /// GICv3 redistributor region (one frame pair per CPU).
    GicV3Redistributor = 3,
    /// virtio-mmio transport (named by boards, not emulated by this hypervisor).
    VirtioMmio = 4,
}

impl DeviceKind {
    /// Every kind, in id order.
    pub const ALL: [DeviceKind; 5] = [
        DeviceKind::Pl011,
        DeviceKind::Pl031,
        DeviceKind::GicV3Distributor,
        DeviceKind::GicV3Redistributor,
        DeviceKind::VirtioMmio,
    ];

    /// The kind with the given numeric id, as the type program numbers them.
    pub const fn from_id(id: u64) -> Option<DeviceKind> {
        match id {
            0 => Some(DeviceKind::Pl011),
            1 => Some(DeviceKind::Pl031),
            2 => Some(DeviceKind::GicV3Distributor),
            3 => Some(DeviceKind::GicV3Redistributor),
            4 => Some(DeviceKind::VirtioMmio),
            // Ids come from the kind marker types below, which only use 0..=4.
            _ => None,
        }
    }

    /// The name users write in `devices!`.
    pub const fn name(self) -> &'static str {
        match self {
            DeviceKind::Pl011 => "Pl011",
            DeviceKind::Pl031 => "Pl031",
            DeviceKind::GicV3Distributor => "GicV3Distributor",
            DeviceKind::GicV3Redistributor => "GicV3Redistributor",
            DeviceKind::VirtioMmio => "VirtioMmio",
        }
    }
}

/// One window of an accepted device map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    /// The name the user gave the device (`uart0`).
    pub name: &'static str,
    pub kind: DeviceKind,
    /// Guest-physical base address of the MMIO window.
    pub base: u64,
    /// Size of the window in bytes (a multiple of 4 KiB).
    pub size: u64,
    /// The interrupt the device raises, if any (an SPI id, 32..=1019).
    pub irq: Option<u32>,
}

impl DeviceInfo {
    /// Does the window contain `addr`?
    pub const fn contains(&self, addr: u64) -> bool {
        addr >= self.base && addr - self.base < self.size
    }
}

/// An accepted SP lifecycle table.
///
/// State ids are indices into `states`; `legal[from]` has bit `to` set when
/// `from -> to` is a transition of the table. At most 64 states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LifecycleInfo {
    pub states: &'static [&'static str],
    pub initial: u8,
    /// Bit `s` set when state `s` is declared terminal.
    pub terminal: u64,
    pub legal: &'static [u64],
}

impl LifecycleInfo {
    /// Is `from -> to` a transition of the table? Out-of-range ids are not.
    #[inline(always)]
    pub const fn allows(&self, from: u8, to: u8) -> bool {
        if (from as usize) < self.legal.len() && to < 64 {
            (self.legal[from as usize] >> to) & 1 == 1
        } else {
            false
        }
    }

    /// The name of state `id`, or `"<invalid>"` for an id outside the table.
    pub const fn name(&self, id: u8) -> &'static str {
        if (id as usize) < self.states.len() {
            self.states[id as usize]
        } else {
            "<invalid>"
        }
    }
}

/// The fixed facts of the board a device map is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoardInfo {
    pub name: &'static str,
    /// Guest RAM window.
    pub ram_base: u64,
    pub ram_size: u64,
    /// The range device windows must lie in.
    pub device_base: u64,
    pub device_size: u64,
    /// The range reserved for the hypervisor image (never mapped to a guest).
    pub image_base: u64,
    pub image_size: u64,
}
