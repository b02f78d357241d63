//! Emulated devices: an exhaustive `Device` enum whose instances are built from
//! the accepted device table, and a per-partition [`DeviceMap`] that finds the
//! device of an address by binary search over windows sorted by base.
use core::fmt;

use programs::board::{GicV3Distributor, GicV3Redistributor, Pl011 as Pl011Kind, Pl031 as Pl031Kind};
use programs::{DeviceInfo, KindAccess, KindInfo, PartitionInfo};

use crate::esr::Width;

pub mod gic;
pub mod pl011;
pub mod pl031;

pub use gic::{GicDistributor, GicRedistributor};
pub use pl011::Pl011;
pub use pl031::Pl031;

/// A register access as the device sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    /// The value, already cut to the access width.
    Write(u64),
}

/// What an access did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A read returned this value (cut to the access width).
    Read(u64),
    /// A write was absorbed.
    Written,
    /// A write sent this byte out of a UART.
    Tx(u8),
}

/// An access the device model refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DevError {
    /// Not a register of the device (policy: read-as-zero / write-ignored, reported).
    UnknownRegister { offset: u64 },
    /// The register exists but not at this width (policy: the partition is stopped,
    /// as an unhandled external abort would stop it on hardware).
    UnsupportedWidth {
        offset: u64,
        width: Width,
        allowed: &'static str,
    },
}

/// Inputs from the machine a device model may need (the generic timer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Env {
    /// CNTPCT_EL0.
    pub counter: u64,
    /// CNTFRQ_EL0.
    pub freq: u64,
}

/// One emulated device instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    Pl011(Pl011),
    Pl031(Pl031),
    GicDistributor(GicDistributor),
    GicRedistributor(GicRedistributor),
}

/// Why a device map could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// A trapped device of a kind this hypervisor does not emulate.
    NotEmulated { name: &'static str, kind: &'static str },
    /// A passed-through device: stage-2 maps it, no emulation answers it.
    PassedThrough { name: &'static str },
    /// More devices than the map's capacity.
    TooMany { name: &'static str, capacity: usize },
    /// Two windows overlap (the checks reject this; re-checked when building).
    Overlap { a: &'static str, b: &'static str },
    /// A window of size zero or one that wraps the address space.
    BadWindow { name: &'static str },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BuildError::NotEmulated { name, kind } => write!(
                f,
                "device {name}: rule `every trapped device given has an emulation`: kind {kind} has no emulation in this hypervisor"
            ),
            BuildError::PassedThrough { name } => write!(
                f,
                "device {name}: a passed-through device is mapped by stage-2, not emulated"
            ),
            BuildError::TooMany { name, capacity } => {
                write!(
                    f,
                    "device {name}: rule `at most {capacity} devices per partition`: the map is full"
                )
            }
            BuildError::Overlap { a, b } => {
                write!(
                    f,
                    "device {a}: rule `windows do not overlap`: window overlaps device {b}"
                )
            }
            BuildError::BadWindow { name } => {
                write!(
                    f,
                    "device {name}: rule `a window is non-empty and does not wrap`: bad base/size"
                )
            }
        }
    }
}

/// The kinds this hypervisor emulates, named by their declarations in
/// `programs::board::VirtKinds` (no numbers, no names).
const PL011: KindInfo = KindInfo::of::<Pl011Kind>();
const PL031: KindInfo = KindInfo::of::<Pl031Kind>();
const GICD: KindInfo = KindInfo::of::<GicV3Distributor>();
const GICR: KindInfo = KindInfo::of::<GicV3Redistributor>();

// The kinds the checks accept as emulated (`programs::board::Emulated`) are
// exactly the kinds of the board this enum emulates, checked both ways at
// compile time: adding a variant without listing its kind, or listing a
// kind without a variant, does not build; and every emulated kind is trapped.
const _: () = {
    let kinds = programs::board::ACCEPTED.board().kinds();
    let mut i = 0;
    while i < kinds.len() {
        let kind = &kinds[i];
        let emulated = Device::of_kind(kind, 0).is_some();
        assert!(
            programs::board::emulated(kind) == emulated,
            "programs::board::Emulated must list exactly the device kinds `Device` emulates"
        );
        assert!(
            !emulated || matches!(kind.access(), KindAccess::Trapped),
            "an emulated kind is `trapped` in programs::board::VirtKinds"
        );
        i += 1;
    }
};

impl Device {
    /// The emulation of a device kind, if this hypervisor has one. `epoch`
    /// is the RTC's seconds at counter zero.
    pub const fn of_kind(kind: &KindInfo, epoch: u64) -> Option<Device> {
        if kind.is(&PL011) {
            Some(Device::Pl011(Pl011::new()))
        } else if kind.is(&PL031) {
            Some(Device::Pl031(Pl031::new(epoch)))
        } else if kind.is(&GICD) {
            Some(Device::GicDistributor(GicDistributor::new()))
        } else if kind.is(&GICR) {
            Some(Device::GicRedistributor(GicRedistributor::new()))
        } else {
            None
        }
    }

    /// The emulation of an accepted trapped device.
    pub const fn from_info(info: &DeviceInfo, epoch: u64) -> Result<Device, BuildError> {
        if matches!(info.kind().access(), KindAccess::Passthrough) {
            return Err(BuildError::PassedThrough { name: info.name() });
        }
        match Device::of_kind(info.kind(), epoch) {
            Some(d) => Ok(d),
            None => Err(BuildError::NotEmulated {
                name: info.name(),
                kind: info.kind().name(),
            }),
        }
    }

    /// Dispatch one access to the device's register model.
    #[inline]
    pub fn access(&mut self, offset: u64, width: Width, access: Access, env: &Env) -> Result<Outcome, DevError> {
        match self {
            Device::Pl011(d) => d.access(offset, width, access),
            Device::Pl031(d) => d.access(offset, width, access, env),
            Device::GicDistributor(d) => d.access(offset, width, access),
            Device::GicRedistributor(d) => d.access(offset, width, access),
        }
    }

    pub const fn kind_name(&self) -> &'static str {
        match self {
            Device::Pl011(_) => "PL011",
            Device::Pl031(_) => "PL031",
            Device::GicDistributor(_) => "GICv3 distributor",
            Device::GicRedistributor(_) => "GICv3 redistributor",
        }
    }
}

/// A device and the accepted window it answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub info: &'static DeviceInfo,
    pub dev: Device,
}

/// Why a window does not fit a [`WindowIndex`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowError {
    /// The window is empty or runs past 2^64.
    Bad,
    /// The index holds its capacity already.
    Full,
    /// The window overlaps the one at this index.
    Overlap(usize),
}

/// Up to `N` windows, sorted by base at build time; lookups are binary
/// searches. The arithmetic of a [`DeviceMap`], on plain numbers. A window
/// is kept as its base and its last byte, so one may end exactly at 2^64.
#[derive(Clone, Debug)]
pub struct WindowIndex<const N: usize> {
    bases: [u64; N],
    lasts: [u64; N],
    len: usize,
}

impl<const N: usize> Default for WindowIndex<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> WindowIndex<N> {
    pub const fn new() -> Self {
        Self {
            bases: [0; N],
            lasts: [0; N],
            len: 0,
        }
    }

    /// Insert `[base, base + size)` keeping the windows sorted; the index it
    /// now has (later windows move up by one).
    pub fn insert(&mut self, base: u64, size: u64) -> Result<usize, WindowError> {
        let Some(last) = size.checked_sub(1).and_then(|s| base.checked_add(s)) else {
            return Err(WindowError::Bad);
        };
        if self.len == N {
            return Err(WindowError::Full);
        }
        let at = self.bases[..self.len].partition_point(|&b| b < base);
        if at > 0 && self.lasts[at - 1] >= base {
            return Err(WindowError::Overlap(at - 1));
        }
        if at < self.len && self.bases[at] <= last {
            return Err(WindowError::Overlap(at));
        }
        self.bases.copy_within(at..self.len, at + 1);
        self.lasts.copy_within(at..self.len, at + 1);
        self.bases[at] = base;
        self.lasts[at] = last;
        self.len += 1;
        Ok(at)
    }

    pub const fn len(&self) -> usize {
        self.len
    }

    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The index of the window holding `addr`, and the offset in it.
    /// O(log n): binary search for the last window starting at or below `addr`.
    #[inline]
    pub fn lookup(&self, addr: u64) -> Option<(usize, u64)> {
        let bases = &self.bases[..self.len];
        // No window starts at or below `addr`: the index wraps and fails `< len`.
        let i = bases.partition_point(|&b| b <= addr).wrapping_sub(1);
        if i < self.len && addr <= self.lasts[i] {
            Some((i, addr - self.bases[i]))
        } else {
            None
        }
    }

    /// The same answer by a linear scan (kept for the benchmark and tests only).
    pub fn lookup_linear(&self, addr: u64) -> Option<(usize, u64)> {
        (0..self.len)
            .find(|&i| addr >= self.bases[i] && addr <= self.lasts[i])
            .map(|i| (i, addr - self.bases[i]))
    }
}

/// Up to `N` devices of an accepted map, sorted by base at build time;
/// lookups are binary searches ([`WindowIndex`]).
#[derive(Clone, Debug)]
pub struct DeviceMap<const N: usize> {
    index: WindowIndex<N>,
    slots: [Option<Slot>; N],
}

impl<const N: usize> Default for DeviceMap<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> DeviceMap<N> {
    pub const fn new() -> Self {
        Self {
            index: WindowIndex::new(),
            slots: [None; N],
        }
    }

    /// Build from accepted windows (in any order).
    pub fn build(infos: impl IntoIterator<Item = &'static DeviceInfo>, epoch: u64) -> Result<Self, BuildError> {
        let mut m = Self::new();
        for info in infos {
            m.insert(info, epoch)?;
        }
        Ok(m)
    }

    /// Build with the trapped devices of the accepted map that partition
    /// `p` of the same accepted configuration is given (a grant is an index
    /// into that map, found by the checks; no names). Its passed-through
    /// devices are mapped by stage-2 instead.
    pub fn build_granted(accepted: &'static [DeviceInfo], p: &PartitionInfo, epoch: u64) -> Result<Self, BuildError> {
        let mut m = Self::new();
        for g in p.grants() {
            let info = &accepted[g.device()];
            if matches!(info.kind().access(), KindAccess::Trapped) {
                m.insert(info, epoch)?;
            }
        }
        Ok(m)
    }

    /// Insert keeping the windows sorted (init time only).
    pub fn insert(&mut self, info: &'static DeviceInfo, epoch: u64) -> Result<(), BuildError> {
        let dev = Device::from_info(info, epoch)?;
        let at = match self.index.insert(info.base(), info.size()) {
            Ok(at) => at,
            Err(WindowError::Bad) => return Err(BuildError::BadWindow { name: info.name() }),
            Err(WindowError::Full) => {
                return Err(BuildError::TooMany {
                    name: info.name(),
                    capacity: N,
                });
            }
            Err(WindowError::Overlap(i)) => {
                return Err(BuildError::Overlap {
                    a: info.name(),
                    b: self.name_at(i),
                });
            }
        };
        let len = self.index.len();
        self.slots.copy_within(at..len - 1, at + 1);
        self.slots[at] = Some(Slot { info, dev });
        Ok(())
    }

    fn name_at(&self, i: usize) -> &'static str {
        match &self.slots[i] {
            Some(s) => s.info.name(),
            None => "<empty>",
        }
    }

    pub const fn len(&self) -> usize {
        self.index.len()
    }

    pub const fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The index of the device whose window holds `addr`, and the offset in it.
    #[inline]
    pub fn lookup(&self, addr: u64) -> Option<(usize, u64)> {
        self.index.lookup(addr)
    }

    /// The same answer by a linear scan (kept for the benchmark and tests only).
    pub fn lookup_linear(&self, addr: u64) -> Option<(usize, u64)> {
        self.index.lookup_linear(addr)
    }

    pub fn slot(&self, i: usize) -> Option<&Slot> {
        self.slots.get(i).and_then(|s| s.as_ref())
    }

    pub fn slot_mut(&mut self, i: usize) -> Option<&mut Slot> {
        self.slots.get_mut(i).and_then(|s| s.as_mut())
    }

    /// The devices in base order.
    pub fn iter(&self) -> impl Iterator<Item = &Slot> {
        self.slots[..self.len()].iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use programs::board::ACCEPTED;

    /// The accepted devices the hypervisor emulates.
    fn trapped() -> impl Iterator<Item = &'static DeviceInfo> {
        ACCEPTED
            .devices()
            .iter()
            .filter(|d| matches!(d.kind().access(), KindAccess::Trapped))
    }

    #[test]
    fn accepted_map_builds_and_every_address_resolves() {
        let devs: Vec<&DeviceInfo> = trapped().collect();
        let m: DeviceMap<8> = DeviceMap::build(devs.iter().copied(), 0).unwrap();
        assert_eq!(m.len(), devs.len());
        // Sorted by base.
        let bases: Vec<u64> = m.iter().map(|s| s.info.base()).collect();
        assert!(bases.windows(2).all(|w| w[0] < w[1]));
        for d in devs {
            for addr in [d.base(), d.base() + 4, d.base() + d.size() - 1] {
                let (i, off) = m.lookup(addr).unwrap();
                assert_eq!(m.slot(i).unwrap().info.name(), d.name());
                assert_eq!(off, addr - d.base());
                assert_eq!(m.lookup_linear(addr), Some((i, off)));
            }
            assert_ne!(
                m.lookup(d.base() + d.size())
                    .map(|(i, _)| m.slot(i).unwrap().info.name()),
                Some(d.name())
            );
        }
        // Between and outside windows: nothing.
        for addr in [0, 0x0800_0000 - 1, 0x4000_0000, u64::MAX] {
            assert_eq!(m.lookup(addr), m.lookup_linear(addr));
        }
        assert_eq!(m.lookup(0x0901_1000), None);
    }

    #[test]
    fn device_enum_matches_kind() {
        for d in ACCEPTED.devices() {
            let kind = d.kind();
            match Device::from_info(d, 0) {
                Ok(dev) => {
                    let expected = match dev {
                        Device::Pl011(_) => &PL011,
                        Device::Pl031(_) => &PL031,
                        Device::GicDistributor(_) => &GICD,
                        Device::GicRedistributor(_) => &GICR,
                    };
                    assert!(kind.is(expected), "{}", d.name());
                }
                Err(BuildError::PassedThrough { name }) => {
                    assert_eq!(name, d.name());
                    assert_eq!(kind.access(), KindAccess::Passthrough);
                }
                Err(e) => panic!("{e}"),
            }
        }
        // The board's other trapped kinds are refused by name.
        let virtio = ACCEPTED
            .board()
            .kinds()
            .iter()
            .find(|k| k.name() == "VirtioMmio")
            .unwrap();
        assert_eq!(Device::of_kind(virtio, 0), None);
        assert!(
            std::format!(
                "{}",
                BuildError::NotEmulated {
                    name: "net0",
                    kind: virtio.name()
                }
            )
            .contains("net0")
        );
    }

    #[test]
    fn granted_subset_overlap_capacity() {
        // sp1 is given uart0 and rtc0, not the GIC.
        let sp1 = &ACCEPTED.partitions()[1];
        let m: DeviceMap<4> = DeviceMap::build_granted(ACCEPTED.devices(), sp1, 0).unwrap();
        assert_eq!(m.len(), sp1.grants().len());
        assert!(m.lookup(0x0800_0000).is_none());
        assert!(m.lookup(0x0900_0000).is_some());
        let full: DeviceMap<1> = DeviceMap::build(trapped().take(1), 0).unwrap();
        let mut full = full;
        let second = trapped().nth(1).unwrap();
        assert_eq!(
            full.insert(second, 0).unwrap_err(),
            BuildError::TooMany {
                name: second.name(),
                capacity: 1
            }
        );
        let mut again: DeviceMap<8> = DeviceMap::build(trapped(), 0).unwrap();
        let first = trapped().next().unwrap();
        assert_eq!(
            again.insert(first, 0).unwrap_err(),
            BuildError::Overlap {
                a: first.name(),
                b: first.name()
            }
        );
    }

    #[test]
    fn window_index_refuses_overlap_empty_wrapping_and_full() {
        let mut w: WindowIndex<4> = WindowIndex::new();
        assert_eq!(w.insert(0x1000, 0x2000), Ok(0));
        assert_eq!(w.insert(0x2000, 0x1000), Err(WindowError::Overlap(0)));
        assert_eq!(w.insert(0x0, 0x1001), Err(WindowError::Overlap(0)));
        assert_eq!(w.insert(0x5000, 0), Err(WindowError::Bad));
        assert_eq!(w.insert(u64::MAX - 0xfff, 0x2000), Err(WindowError::Bad));
        // A window may end exactly at 2^64.
        assert_eq!(w.insert(u64::MAX - 0xfff, 0x1000), Ok(1));
        assert_eq!(w.insert(0x0, 0x1000), Ok(0));
        assert_eq!(w.insert(0x3000, 0x1000), Ok(2));
        assert_eq!(w.insert(0x8000, 0x1000), Err(WindowError::Full));
        assert_eq!(w.lookup(u64::MAX), Some((3, 0xfff)));
    }

    #[test]
    fn binary_and_linear_lookup_agree_on_64_windows() {
        // Insert in scrambled order with gaps between windows.
        let mut w: WindowIndex<64> = WindowIndex::new();
        for i in (0..64u64).map(|i| (i * 37) % 64) {
            w.insert(0x1000_0000 + i * 0x3000, 0x1000 + (i % 2) * 0x1000).unwrap();
        }
        for addr in (0x0FFF_F000u64..0x1000_0000 + 64 * 0x3000 + 0x2000).step_by(0x800) {
            assert_eq!(w.lookup(addr), w.lookup_linear(addr), "{addr:#x}");
        }
    }

    #[test]
    fn dispatch_through_the_map() {
        let mut m: DeviceMap<8> = DeviceMap::build(trapped(), 1000).unwrap();
        let env = Env { counter: 20, freq: 10 };
        let uart = ACCEPTED.devices().iter().find(|d| d.kind().is(&PL011)).unwrap();
        let (i, off) = m.lookup(uart.base()).unwrap();
        let slot = m.slot_mut(i).unwrap();
        assert_eq!(
            slot.dev.access(off, Width::B1, Access::Write(b'x' as u64), &env),
            Ok(Outcome::Tx(b'x'))
        );
        let rtc = ACCEPTED.devices().iter().find(|d| d.kind().is(&PL031)).unwrap();
        let (i, off) = m.lookup(rtc.base()).unwrap();
        assert_eq!(
            m.slot_mut(i).unwrap().dev.access(off, Width::B4, Access::Read, &env),
            Ok(Outcome::Read(1002))
        );
    }
}
