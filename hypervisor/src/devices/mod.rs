//! Emulated devices: an exhaustive `Device` enum whose instances are built from
//! the accepted device table, and a per-partition [`DeviceMap`] that finds the
//! device of an address by binary search over windows sorted by base.
use core::fmt;

use programs::{DeviceInfo, DeviceKind};

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
    /// The accepted map names a kind this hypervisor does not emulate.
    NotEmulated { name: &'static str, kind: DeviceKind },
    /// More devices than the map's capacity.
    TooMany { name: &'static str, capacity: usize },
    /// Two windows overlap (the checks reject this; re-checked when building).
    Overlap { a: &'static str, b: &'static str },
    /// A window of size zero or one that wraps the address space.
    BadWindow { name: &'static str },
    /// A partition asked for a device the accepted map does not have.
    NoSuchDevice { name: &'static str },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BuildError::NotEmulated { name, kind } => write!(
                f,
                "device {name}: rule `every device kind has an emulation`: kind {} has no emulation in this hypervisor",
                kind.name()
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
            BuildError::NoSuchDevice { name } => {
                write!(
                    f,
                    "device {name}: rule `partitions see only devices of the accepted map`: no such device"
                )
            }
        }
    }
}

// The kinds the checks accept as emulated (`programs::board::Emulated`) are
// exactly the kinds this enum emulates, checked both ways at compile time:
// adding a variant without listing its kind, or listing a kind without a
// variant, does not build.
const _: () = {
    let mut i = 0;
    while i < DeviceKind::ALL.len() {
        let kind = DeviceKind::ALL[i];
        let probe = DeviceInfo {
            name: "probe",
            kind,
            base: 0,
            size: 0x1000,
            irq: None,
        };
        assert!(
            programs::board::emulated(kind) == Device::from_info(&probe, 0).is_ok(),
            "programs::board::Emulated must list exactly the device kinds `Device` emulates"
        );
        i += 1;
    }
};

impl Device {
    /// The emulation of an accepted device. `epoch` is the RTC's seconds at counter zero.
    pub const fn from_info(info: &DeviceInfo, epoch: u64) -> Result<Device, BuildError> {
        match info.kind {
            DeviceKind::Pl011 => Ok(Device::Pl011(Pl011::new())),
            DeviceKind::Pl031 => Ok(Device::Pl031(Pl031::new(epoch))),
            DeviceKind::GicV3Distributor => Ok(Device::GicDistributor(GicDistributor::new())),
            DeviceKind::GicV3Redistributor => Ok(Device::GicRedistributor(GicRedistributor::new())),
            DeviceKind::VirtioMmio => Err(BuildError::NotEmulated {
                name: info.name,
                kind: info.kind,
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

/// Up to `N` devices, sorted by base at build time; lookups are binary searches.
#[derive(Clone, Debug)]
pub struct DeviceMap<const N: usize> {
    bases: [u64; N],
    ends: [u64; N],
    slots: [Option<Slot>; N],
    len: usize,
}

impl<const N: usize> Default for DeviceMap<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> DeviceMap<N> {
    pub const fn new() -> Self {
        Self {
            bases: [0; N],
            ends: [0; N],
            slots: [None; N],
            len: 0,
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

    /// Build with the devices of `accepted` named in `names`.
    pub fn build_named(
        accepted: &'static [DeviceInfo],
        names: &[&'static str],
        epoch: u64,
    ) -> Result<Self, BuildError> {
        let mut m = Self::new();
        for &name in names {
            let info = accepted
                .iter()
                .find(|d| d.name == name)
                .ok_or(BuildError::NoSuchDevice { name })?;
            m.insert(info, epoch)?;
        }
        Ok(m)
    }

    /// Insert keeping the windows sorted (init time only).
    pub fn insert(&mut self, info: &'static DeviceInfo, epoch: u64) -> Result<(), BuildError> {
        let dev = Device::from_info(info, epoch)?;
        let Some(end) = info.base.checked_add(info.size).filter(|_| info.size > 0) else {
            return Err(BuildError::BadWindow { name: info.name });
        };
        if self.len == N {
            return Err(BuildError::TooMany {
                name: info.name,
                capacity: N,
            });
        }
        let at = self.bases[..self.len].partition_point(|&b| b < info.base);
        if at > 0 && self.ends[at - 1] > info.base {
            return Err(BuildError::Overlap {
                a: info.name,
                b: self.name_at(at - 1),
            });
        }
        if at < self.len && self.bases[at] < end {
            return Err(BuildError::Overlap {
                a: info.name,
                b: self.name_at(at),
            });
        }
        let mut i = self.len;
        while i > at {
            self.bases[i] = self.bases[i - 1];
            self.ends[i] = self.ends[i - 1];
            self.slots[i] = self.slots[i - 1];
            i -= 1;
        }
        self.bases[at] = info.base;
        self.ends[at] = end;
        self.slots[at] = Some(Slot { info, dev });
        self.len += 1;
        Ok(())
    }

    fn name_at(&self, i: usize) -> &'static str {
        match &self.slots[i] {
            Some(s) => s.info.name,
            None => "<empty>",
        }
    }

    pub const fn len(&self) -> usize {
        self.len
    }

    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The index of the device whose window holds `addr`, and the offset in it.
    /// O(log n): binary search for the last window starting at or below `addr`.
    #[inline]
    pub fn lookup(&self, addr: u64) -> Option<(usize, u64)> {
        let bases = &self.bases[..self.len];
        // No window starts at or below `addr`: the index wraps and fails `< len`.
        let i = bases.partition_point(|&b| b <= addr).wrapping_sub(1);
        if i < self.len && addr < self.ends[i] {
            Some((i, addr - self.bases[i]))
        } else {
            None
        }
    }

    /// The same answer by a linear scan (kept for the benchmark and tests only).
    pub fn lookup_linear(&self, addr: u64) -> Option<(usize, u64)> {
        (0..self.len)
            .find(|&i| addr >= self.bases[i] && addr < self.ends[i])
            .map(|i| (i, addr - self.bases[i]))
    }

    pub fn slot(&self, i: usize) -> Option<&Slot> {
        self.slots.get(i).and_then(|s| s.as_ref())
    }

    pub fn slot_mut(&mut self, i: usize) -> Option<&mut Slot> {
        self.slots.get_mut(i).and_then(|s| s.as_mut())
    }

    /// The devices in base order.
    pub fn iter(&self) -> impl Iterator<Item = &Slot> {
        self.slots[..self.len].iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use programs::board::ACCEPTED;

    fn leak(v: Vec<DeviceInfo>) -> &'static [DeviceInfo] {
        Box::leak(v.into_boxed_slice())
    }

    #[test]
    fn accepted_map_builds_and_every_address_resolves() {
        let devs = ACCEPTED.devices();
        let m: DeviceMap<8> = DeviceMap::build(devs.iter(), 0).unwrap();
        assert_eq!(m.len(), devs.len());
        // Sorted by base.
        let bases: Vec<u64> = m.iter().map(|s| s.info.base).collect();
        assert!(bases.windows(2).all(|w| w[0] < w[1]));
        for d in devs {
            for addr in [d.base, d.base + 4, d.base + d.size - 1] {
                let (i, off) = m.lookup(addr).unwrap();
                assert_eq!(m.slot(i).unwrap().info.name, d.name);
                assert_eq!(off, addr - d.base);
                assert_eq!(m.lookup_linear(addr), Some((i, off)));
            }
            assert_ne!(
                m.lookup(d.base + d.size).map(|(i, _)| m.slot(i).unwrap().info.name),
                Some(d.name)
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
            let dev = Device::from_info(d, 0).unwrap();
            let ok = match (d.kind, dev) {
                (DeviceKind::Pl011, Device::Pl011(_))
                | (DeviceKind::Pl031, Device::Pl031(_))
                | (DeviceKind::GicV3Distributor, Device::GicDistributor(_))
                | (DeviceKind::GicV3Redistributor, Device::GicRedistributor(_)) => true,
                (
                    DeviceKind::Pl011
                    | DeviceKind::Pl031
                    | DeviceKind::GicV3Distributor
                    | DeviceKind::GicV3Redistributor
                    | DeviceKind::VirtioMmio,
                    _,
                ) => false,
            };
            assert!(ok, "{}", d.name);
        }
        let v = DeviceInfo {
            name: "net0",
            kind: DeviceKind::VirtioMmio,
            base: 0x0a00_0000,
            size: 0x200,
            irq: Some(48),
        };
        assert_eq!(
            Device::from_info(&v, 0),
            Err(BuildError::NotEmulated {
                name: "net0",
                kind: DeviceKind::VirtioMmio
            })
        );
        assert!(
            std::format!(
                "{}",
                BuildError::NotEmulated {
                    name: "net0",
                    kind: DeviceKind::VirtioMmio
                }
            )
            .contains("net0")
        );
    }

    #[test]
    fn named_subset_overlap_capacity() {
        let m: DeviceMap<4> = DeviceMap::build_named(ACCEPTED.devices(), &["uart0"], 0).unwrap();
        assert_eq!(m.len(), 1);
        assert!(m.lookup(0x0800_0000).is_none());
        assert_eq!(
            DeviceMap::<4>::build_named(ACCEPTED.devices(), &["nope"], 0).unwrap_err(),
            BuildError::NoSuchDevice { name: "nope" }
        );
        let over = leak(vec![
            DeviceInfo {
                name: "a",
                kind: DeviceKind::Pl011,
                base: 0x1000,
                size: 0x2000,
                irq: None,
            },
            DeviceInfo {
                name: "b",
                kind: DeviceKind::Pl011,
                base: 0x2000,
                size: 0x1000,
                irq: None,
            },
        ]);
        assert_eq!(
            DeviceMap::<4>::build(over.iter(), 0).unwrap_err(),
            BuildError::Overlap { a: "b", b: "a" }
        );
        let many = leak(
            (0..5)
                .map(|i| DeviceInfo {
                    name: "u",
                    kind: DeviceKind::Pl011,
                    base: i * 0x1000,
                    size: 0x1000,
                    irq: None,
                })
                .collect(),
        );
        assert_eq!(
            DeviceMap::<4>::build(many.iter(), 0).unwrap_err(),
            BuildError::TooMany { name: "u", capacity: 4 }
        );
    }

    #[test]
    fn binary_and_linear_lookup_agree_on_64_windows() {
        // Insert in scrambled order with gaps between windows.
        let infos = leak(
            (0..64u64)
                .map(|i| (i * 37) % 64)
                .map(|i| DeviceInfo {
                    name: "d",
                    kind: DeviceKind::Pl011,
                    base: 0x1000_0000 + i * 0x3000,
                    size: 0x1000 + (i % 2) * 0x1000,
                    irq: None,
                })
                .collect(),
        );
        let m: DeviceMap<64> = DeviceMap::build(infos.iter(), 0).unwrap();
        for addr in (0x0FFF_F000u64..0x1000_0000 + 64 * 0x3000 + 0x2000).step_by(0x800) {
            assert_eq!(m.lookup(addr), m.lookup_linear(addr), "{addr:#x}");
        }
    }

    #[test]
    fn dispatch_through_the_map() {
        let mut m: DeviceMap<8> = DeviceMap::build(ACCEPTED.devices().iter(), 1000).unwrap();
        let env = Env { counter: 20, freq: 10 };
        let uart = ACCEPTED.devices().iter().find(|d| d.kind == DeviceKind::Pl011).unwrap();
        let (i, off) = m.lookup(uart.base).unwrap();
        let slot = m.slot_mut(i).unwrap();
        assert_eq!(
            slot.dev.access(off, Width::B1, Access::Write(b'x' as u64), &env),
            Ok(Outcome::Tx(b'x'))
        );
        let rtc = ACCEPTED.devices().iter().find(|d| d.kind == DeviceKind::Pl031).unwrap();
        let (i, off) = m.lookup(rtc.base).unwrap();
        assert_eq!(
            m.slot_mut(i).unwrap().dev.access(off, Width::B4, Access::Read, &env),
            Ok(Outcome::Read(1002))
        );
    }
}
