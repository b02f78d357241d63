//! The value-level model of an accepted configuration: what the hypervisor
//! image links. Every value here is reflected from the type program that the
//! checks accepted (see `crate::gate`): the fields are private and nothing
//! outside this crate can make one, so a table that reaches the hypervisor
//! is one the checks saw.

/// How the hypervisor gives a partition a device of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KindAccess {
    /// Left out of stage-2: every access traps and the hypervisor emulates
    /// the device, one instance per partition given it.
    Trapped,
    /// Mapped into the one partition given it, as device memory.
    Passthrough,
}

/// The interrupt a device of a kind raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IrqClass {
    /// None.
    None,
    /// A shared peripheral interrupt (32..=1019).
    Spi,
    /// A private peripheral interrupt (16..=31).
    Ppi,
}

/// A kind of device, as a board's kind set (`device_kinds!`) declares it.
/// Two kinds are the same only if they are the same declaration: same set,
/// same name, same properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KindInfo {
    pub(crate) name: &'static str,
    pub(crate) id: u8,
    pub(crate) set: u64,
    pub(crate) singleton: bool,
    pub(crate) irq: IrqClass,
    pub(crate) access: KindAccess,
}

impl KindInfo {
    pub(crate) const EMPTY: KindInfo = KindInfo {
        name: "",
        id: 0,
        set: 0,
        singleton: false,
        irq: IrqClass::None,
        access: KindAccess::Trapped,
    };

    /// The kind declared as the record `K` (a kind of a `device_kinds!`
    /// set): how the hypervisor names the kinds it emulates.
    pub const fn of<K: typevm::value::Value>() -> KindInfo {
        crate::devices::kind_info(&K::VAL)
    }
    /// Its name (`Pl011`).
    pub const fn name(&self) -> &'static str {
        self.name
    }
    /// Its place in its set.
    pub const fn id(&self) -> u8 {
        self.id
    }
    /// At most one device of this kind on a board.
    pub const fn singleton(&self) -> bool {
        self.singleton
    }
    /// The interrupt its devices raise.
    pub const fn irq(&self) -> IrqClass {
        self.irq
    }
    /// Trapped and emulated, or passed through.
    pub const fn access(&self) -> KindAccess {
        self.access
    }
    /// The same declaration as `other` (usable in `const`).
    pub const fn is(&self, other: &KindInfo) -> bool {
        self.id == other.id
            && self.set == other.set
            && self.singleton == other.singleton
            && self.irq as u8 == other.irq as u8
            && self.access as u8 == other.access as u8
            && typevm::value::str_eq(self.name, other.name)
    }
}

/// One window of an accepted device map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    pub(crate) name: &'static str,
    pub(crate) kind: KindInfo,
    pub(crate) base: u64,
    pub(crate) size: u64,
    pub(crate) irq: Option<u32>,
}

impl DeviceInfo {
    pub(crate) const EMPTY: DeviceInfo = DeviceInfo {
        name: "",
        kind: KindInfo::EMPTY,
        base: 0,
        size: 0,
        irq: None,
    };

    /// The name the user gave the device (`uart0`).
    pub const fn name(&self) -> &'static str {
        self.name
    }
    /// Its kind.
    pub const fn kind(&self) -> &KindInfo {
        &self.kind
    }
    /// Guest-physical base address of the MMIO window.
    pub const fn base(&self) -> u64 {
        self.base
    }
    /// Size of the window in bytes (whole 4 KiB pages when its kind is
    /// passed through).
    pub const fn size(&self) -> u64 {
        self.size
    }
    /// The interrupt the device raises, if any (in the range its kind's
    /// class requires).
    pub const fn irq(&self) -> Option<u32> {
        self.irq
    }

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
    pub(crate) states: &'static [&'static str],
    pub(crate) initial: u8,
    pub(crate) terminal: u64,
    pub(crate) legal: &'static [u64],
}

impl LifecycleInfo {
    /// State names indexed by id (`""` for an id the table does not declare).
    pub const fn states(&self) -> &'static [&'static str] {
        self.states
    }
    /// The initial state's id.
    pub const fn initial(&self) -> u8 {
        self.initial
    }
    /// Bit `s` set when state `s` is declared terminal.
    pub const fn terminal(&self) -> u64 {
        self.terminal
    }
    /// `legal()[from]` has bit `to` set when `from -> to` is a transition.
    pub const fn legal(&self) -> &'static [u64] {
        self.legal
    }

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
    pub(crate) name: &'static str,
    pub(crate) ram_base: u64,
    pub(crate) ram_size: u64,
    pub(crate) device_base: u64,
    pub(crate) device_size: u64,
    pub(crate) image_base: u64,
    pub(crate) image_size: u64,
    pub(crate) cpus: u32,
    pub(crate) kinds: &'static [KindInfo],
}

impl BoardInfo {
    /// The board's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }
    /// Guest RAM: base.
    pub const fn ram_base(&self) -> u64 {
        self.ram_base
    }
    /// Guest RAM: size.
    pub const fn ram_size(&self) -> u64 {
        self.ram_size
    }
    /// The range device windows must lie in: base.
    pub const fn device_base(&self) -> u64 {
        self.device_base
    }
    /// The range device windows must lie in: size.
    pub const fn device_size(&self) -> u64 {
        self.device_size
    }
    /// The range reserved for the hypervisor image (never mapped to a guest): base.
    pub const fn image_base(&self) -> u64 {
        self.image_base
    }
    /// The range reserved for the hypervisor image: size.
    pub const fn image_size(&self) -> u64 {
        self.image_size
    }
    /// The CPUs partitions' execution contexts run on.
    pub const fn cpus(&self) -> u32 {
        self.cpus
    }
    /// The kinds its devices come in, in set order (a kind's `id` is its place).
    pub const fn kinds(&self) -> &'static [KindInfo] {
        self.kinds
    }
}

/// How a partition may access one of its memory regions (stage-2 keeps
/// W^X: a region is never both writable and executable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryAccess {
    /// `r`.
    Read,
    /// `rw`.
    ReadWrite,
    /// `rx`.
    ReadExec,
}

/// One memory region of an accepted partition (guest-physical = physical).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegionInfo {
    pub(crate) name: &'static str,
    pub(crate) base: u64,
    pub(crate) size: u64,
    pub(crate) access: MemoryAccess,
}

impl RegionInfo {
    pub(crate) const EMPTY: RegionInfo = RegionInfo {
        name: "",
        base: 0,
        size: 0,
        access: MemoryAccess::Read,
    };
    /// `partition.region`, as the checks name it.
    pub const fn name(&self) -> &'static str {
        self.name
    }
    /// Base address (4 KiB aligned, in board RAM).
    pub const fn base(&self) -> u64 {
        self.base
    }
    /// Size in bytes (whole 4 KiB pages).
    pub const fn size(&self) -> u64 {
        self.size
    }
    /// How the partition may access it.
    pub const fn access(&self) -> MemoryAccess {
        self.access
    }
}

/// A device of the accepted map given to a partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrantInfo {
    pub(crate) device: usize,
    pub(crate) exclusive: bool,
}

impl GrantInfo {
    pub(crate) const EMPTY: GrantInfo = GrantInfo {
        device: 0,
        exclusive: false,
    };
    /// The device's index in the accepted map (`Accepted::devices()`).
    pub const fn device(&self) -> usize {
        self.device
    }
    /// Given to this partition only (otherwise each partition given it sees
    /// its own emulated instance).
    pub const fn exclusive(&self) -> bool {
        self.exclusive
    }
}

/// One partition of an accepted set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartitionInfo {
    pub(crate) name: &'static str,
    pub(crate) id: u16,
    pub(crate) uuid: u128,
    pub(crate) contexts: u32,
    pub(crate) regions: &'static [RegionInfo],
    pub(crate) grants: &'static [GrantInfo],
    pub(crate) interrupts: &'static [u32],
}

impl PartitionInfo {
    pub(crate) const EMPTY: PartitionInfo = PartitionInfo {
        name: "",
        id: 0,
        uuid: 0,
        contexts: 0,
        regions: &[],
        grants: &[],
        interrupts: &[],
    };
    /// Its name (`sp0`).
    pub const fn name(&self) -> &'static str {
        self.name
    }
    /// Its FF-A partition id (0x8001..=0xffff).
    pub const fn id(&self) -> u16 {
        self.id
    }
    /// Its UUID.
    pub const fn uuid(&self) -> u128 {
        self.uuid
    }
    /// Its number of execution contexts (1..=the board's CPUs).
    pub const fn contexts(&self) -> u32 {
        self.contexts
    }
    /// Its memory regions, in declaration order.
    pub const fn regions(&self) -> &'static [RegionInfo] {
        self.regions
    }
    /// The devices it is given, in declaration order.
    pub const fn grants(&self) -> &'static [GrantInfo] {
        self.grants
    }
    /// The interrupts routed to it (each raised by a device it is given).
    pub const fn interrupts(&self) -> &'static [u32] {
        self.interrupts
    }
}
