//! Device maps: the kind vocabulary, the types `board!` and `devices!`
//! produce, the check programs, and the runtime device table derived from an
//! accepted map.
//!
//! A map reaches the checks as the VM's input stack, top first:
//! `[devices, board]`. A device is a record named as the user named it
//! (`uart0`) with fields `[kind, base, size, irq]` (`irq` 0: none); a kind is
//! a record with fields `[id, singleton, irq class]` (class 0: raises no
//! interrupt, 1: an SPI, 2: a PPI); the board is a record with fields
//! `[ram base, ram size, device-range base, device-range size, image base,
//! image size]`.

use typenum::{U0, U1, U2, U3, U4, U5};
use typevm::isa::{regs::*, *};
use typevm::num;
use typevm::value::Val;

use crate::model::{BoardInfo, DeviceInfo, DeviceKind};

/// The kinds of device a map may name: records whose fields are
/// `[id, singleton, irq class]`, ids as [`DeviceKind`] numbers them.
pub mod kinds {
    use typenum::{U0, U1, U2, U3, U4};
    use typevm::value::Display;
    typevm::record!(
        /// ARM PL011 UART: raises an SPI.
        pub struct Pl011 = [U0, U0, U1] as Display::Name
    );
    typevm::record!(
        /// ARM PL031 RTC: raises an SPI.
        pub struct Pl031 = [U1, U0, U1] as Display::Name
    );
    typevm::record!(
        /// GICv3 distributor: one per board, raises nothing.
        pub struct GicV3Distributor = [U2, U1, U0] as Display::Name
    );
    typevm::record!(
        /// GICv3 redistributor region: raises nothing.
        pub struct GicV3Redistributor = [U3, U0, U0] as Display::Name
    );
    typevm::record!(
        /// virtio-mmio transport: raises an SPI.
        pub struct VirtioMmio = [U4, U0, U1] as Display::Name
    );
}

/// A board: `board!` declares one.
pub trait Board {
    const INFO: BoardInfo;
}

/// A device map: `devices!` declares one.
///
/// # Safety
///
/// `DEVICES` must reflect exactly the records of `Devices` (the gate checks
/// the types and links the reflection); `devices!` guarantees it.
pub unsafe trait DeviceMap {
    /// The map's name.
    const NAME: &'static str;
    /// The VM input: `[devices, board]`.
    type Input;
    /// The devices as HList of records (for checks that pair the map with
    /// something else, such as the hypervisor's emulations).
    type Devices;
    /// The board the map is for.
    type Board: Board;
    /// The devices, reflected flat.
    const DEVICES: &'static [Val];
}

typevm::reason! {
    /// A window not on a 4 KiB boundary.
    pub MisalignedBase: "devices: windows aligned to the 4 KiB stage-2 granule",
        "device {item} starts at {1}, which is not a multiple of 0x1000",
        "stage-2 maps 4 KiB pages: move the window to a 4 KiB boundary";
    /// A window whose size is not whole pages.
    pub MisalignedSize: "devices: windows aligned to the 4 KiB stage-2 granule",
        "device {item} has size {2}, which is not a multiple of 0x1000",
        "stage-2 maps 4 KiB pages: make the size a multiple of 0x1000";
    /// A window of size 0.
    pub EmptyWindow: "devices: windows aligned to the 4 KiB stage-2 granule",
        "device {item} has an empty window",
        "give the window a size of at least 0x1000";
    /// A window outside the board's device range.
    pub OutsideDeviceRange: "devices: every window inside the board's device range",
        "device {0} lies outside the device address range of board {1}",
        "move the window into the board's `devices:` range";
    /// A window over guest RAM.
    pub OverlapsRam: "devices: windows do not overlap RAM",
        "device {0} overlaps the RAM of board {1}",
        "device windows and RAM must be disjoint: move the window";
    /// A window over the hypervisor image.
    pub OverlapsImage: "devices: windows do not overlap the hypervisor image",
        "device {0} overlaps the hypervisor image reserved on board {1}",
        "the image's range is never mapped to a guest: move the window";
    /// Two windows overlap.
    pub OverlappingWindows: "devices: windows do not overlap each other",
        "device {0} overlaps device {1}",
        "give each device its own window";
    /// Two devices raise the same interrupt.
    pub SharedInterrupt: "devices: interrupts unique",
        "devices {0} and {1} raise the same interrupt",
        "give each device its own interrupt";
    /// An interrupt on a kind that raises none.
    pub UnexpectedInterrupt: "devices: interrupts in the range the kind requires",
        "device {item} is a {0}, which raises no interrupt, but has `irq {3}`",
        "remove the `irq`";
    /// An SPI device without an SPI.
    pub NotAnSpi: "devices: interrupts in the range the kind requires",
        "device {item} needs an SPI interrupt (0x20..=0x3fb) but has {3} (0x0: none)",
        "give it an `irq` in 32..=1019";
    /// A PPI device without a PPI.
    pub NotAPpi: "devices: interrupts in the range the kind requires",
        "device {item} needs a PPI interrupt (0x10..=0x1f) but has {3} (0x0: none)",
        "give it an `irq` in 16..=31";
    /// A second device of a singleton kind.
    pub SecondSingleton: "devices: singleton kinds appear once",
        "device {item} is a second {0}; a board has exactly one",
        "remove one of them";
    /// A kind the hypervisor cannot emulate.
    pub NotEmulated: "devices: every device kind has an emulation",
        "device {item} is a {0}, which the hypervisor does not emulate",
        "remove the device, or add an emulation of its kind to the hypervisor";
}

typevm::program! {
    /// Base and size are multiples of 4 KiB, and the size is not 0.
    pub WindowsAligned = [
        Store<R0>, Pop, Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Dup, Field<U1>, Push<num!(0xfff)>, And, Push<U0>, Eq, Assert<MisalignedBase>,
            Dup, Dup, Field<U2>, Push<num!(0xfff)>, And, Push<U0>, Eq, Assert<MisalignedSize>,
            Dup, Field<U2>, Push<U0>, Eq, Push<U0>, Eq, Assert<EmptyWindow>,
            Jmp<@dev>,
        done: Halt,
    ];

    /// Every window lies inside the board's device range.
    pub WindowsInDeviceRange = [
        Store<R0>, Store<R1>,
        Load<R1>, Field<U2>, Store<R5>,                            // r5 = range base
        Load<R1>, Field<U2>, Load<R1>, Field<U3>, Add, Store<R6>,  // r6 = range end
        Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Field<U1>, Load<R5>, Lt, Push<U0>, Eq,            // tail, d, base >= range base
            Over, Dup, Field<U1>, Swap, Field<U2>, Add,            // tail, d, c1, end
            Load<R6>, Swap, Lt, Push<U0>, Eq, And,                 // tail, d, inside
            Load<R1>, Swap, Assert2<OutsideDeviceRange>,
            Jmp<@dev>,
        done: Halt,
    ];

    /// No window overlaps guest RAM or the hypervisor image.
    pub WindowsClearOfRamAndImage = [
        Store<R0>, Store<R1>,
        Load<R1>, Field<U0>, Store<R5>,                            // r5 = ram base
        Load<R1>, Field<U0>, Load<R1>, Field<U1>, Add, Store<R6>,  // r6 = ram end
        Load<R1>, Field<U4>, Store<R3>,                            // r3 = image base
        Load<R1>, Field<U4>, Load<R1>, Field<U5>, Add, Store<R4>,  // r4 = image end
        Load<R0>,
        dev: Uncons, Jz<@done>, Dup,                               // tail, d, d
            // The image first: it lies in RAM, and its rule says more.
            Dup, Field<U1>, Load<R4>, Lt,                          // tail, d, d, base < image end
            Over, Dup, Field<U1>, Swap, Field<U2>, Add,            // tail, d, d, c1, end
            Load<R3>, Swap, Lt, And, Push<U0>, Eq,                 // tail, d, d, clear of the image
            Load<R1>, Swap, Assert2<OverlapsImage>,                // tail, d
            Dup, Field<U1>, Load<R6>, Lt,
            Over, Dup, Field<U1>, Swap, Field<U2>, Add,
            Load<R5>, Swap, Lt, And, Push<U0>, Eq,
            Load<R1>, Swap, Assert2<OverlapsRam>,
            Jmp<@dev>,
        done: Halt,
    ];

    /// No two windows overlap and no two devices share an interrupt: every
    /// pair, each device against the ones after it.
    pub DevicePairsDisjoint = [
        Store<R0>, Pop,
        outer: Load<R0>, Uncons, Jz<@done>,                        // tail, d
            Store<R2>, Dup, Store<R0>,                             // r2 = d, r0 = tail; tail
            Load<R2>, Field<U1>, Store<R5>,                        // r5 = d's base
            Load<R2>, Field<U1>, Load<R2>, Field<U2>, Add, Store<R6>,  // r6 = d's end
            Load<R2>, Field<U3>, Store<R7>,                        // r7 = d's irq
        inner: Uncons, Jz<@outer>,                                 // tail', e
            Dup, Dup, Field<U1>, Load<R6>, Lt,                     // tail', e, e, e.base < d.end
            Swap, Dup, Field<U1>, Swap, Field<U2>, Add,            // tail', e, c1, e.end
            Load<R5>, Swap, Lt, And, Push<U0>, Eq,                 // tail', e, disjoint
            Over, Swap, Load<R2>, Swap, Assert2<OverlappingWindows>,   // tail', e
            Dup, Field<U3>, Load<R7>, Eq, Push<U0>, Eq,            // tail', e, irqs differ
            Load<R7>, Push<U0>, Eq, Or,                            // ... or d raises none
            Load<R2>, Swap, Assert2<SharedInterrupt>,
            Jmp<@inner>,
        done: Halt,
    ];

    /// Each interrupt is in the range its device's kind requires.
    pub InterruptsInRange = [
        Store<R0>, Pop, Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Field<U0>, Field<U2>, Store<R5>,                  // r5 = irq class
            Dup, Field<U3>, Store<R6>,                             // r6 = irq
            Load<R5>, Jz<@none>, Load<R5>, Push<U1>, Eq, Jnz<@spi>,
            Load<R6>, Push<num!(16)>, Lt, Push<U0>, Eq,
            Push<num!(31)>, Load<R6>, Lt, Push<U0>, Eq, And,
            Assert<NotAPpi>, Jmp<@dev>,
        spi: Load<R6>, Push<num!(32)>, Lt, Push<U0>, Eq,
            Push<num!(1019)>, Load<R6>, Lt, Push<U0>, Eq, And,
            Assert<NotAnSpi>, Jmp<@dev>,
        none: Load<R6>, Push<U0>, Eq, Assert<UnexpectedInterrupt>, Jmp<@dev>,
        done: Halt,
    ];

    /// A singleton kind (the GIC distributor) appears at most once.
    pub SingletonsOnce = [
        Store<R0>, Pop, Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Field<U0>, Field<U1>, Jz<@skip>,                  // not a singleton kind
            Dup, Field<U0>, Field<U0>, Push<U1>, Swap, Shl, Store<R6>,  // r6 = 1 << kind
            Dup, Load<R5>, Load<R6>, And, Push<U0>, Eq, Assert<SecondSingleton>,
            Load<R5>, Load<R6>, Or, Store<R5>,
        skip: Pop, Jmp<@dev>,
        done: Halt,
    ];

    /// Every device's kind is one the hypervisor emulates. Input:
    /// `[devices, emulated kinds]`.
    pub KindsEmulated = [
        Store<R0>, Store<R1>,
        Load<R1>,
        kind: Uncons, Jz<@devices>,
            Field<U0>, Push<U1>, Swap, Shl, Load<R5>, Or, Store<R5>, Jmp<@kind>,
        devices: Load<R0>,
        dev: Uncons, Jz<@done>,
            Dup, Field<U0>, Field<U0>, Load<R5>, Swap, Shr, Push<U1>, And,
            Assert<NotEmulated>, Jmp<@dev>,
        done: Halt,
    ];
}

/// The runtime entry of a reflected device record.
pub const fn device_info(device: &Val) -> DeviceInfo {
    let Val::Rec(r) = device else {
        panic!("a device reflects as a record");
    };
    let kind = match r.fields[0] {
        Val::Rec(k) => match DeviceKind::from_id(num_of(&k.fields[0])) {
            Some(k) => k,
            None => panic!("a kind record's field 0 is a `DeviceKind` id"),
        },
        _ => panic!("a device's field 0 is its kind"),
    };
    let irq = num_of(&r.fields[3]);
    DeviceInfo {
        name: r.name,
        kind,
        base: num_of(&r.fields[1]),
        size: num_of(&r.fields[2]),
        irq: if irq == 0 { None } else { Some(irq as u32) },
    }
}

const fn num_of(v: &Val) -> u64 {
    match v {
        Val::Num(n) => *n,
        _ => panic!("a number field"),
    }
}

/// The runtime device table of a map: entries in the order the map lists
/// them. Crate-private: the gate is the only way to it from outside.
pub(crate) struct Reflected<M>(core::marker::PhantomData<M>);
impl<M: DeviceMap> Reflected<M> {
    const TABLE: [DeviceInfo; 256] = {
        let mut t = [DeviceInfo {
            name: "",
            kind: DeviceKind::Pl011,
            base: 0,
            size: 0,
            irq: None,
        }; 256];
        assert!(M::DEVICES.len() <= 256, "a device map has at most 256 devices");
        let mut i = 0;
        while i < M::DEVICES.len() {
            t[i] = device_info(&M::DEVICES[i]);
            i += 1;
        }
        t
    };
    /// The devices, in map order.
    pub const DEVICES: &'static [DeviceInfo] = Self::TABLE.split_at(M::DEVICES.len()).0;
}

/// The runtime facts of a reflected board record.
pub const fn board_info(board: &typevm::value::RecordInfo) -> BoardInfo {
    BoardInfo {
        name: board.name,
        ram_base: num_of(&board.fields[0]),
        ram_size: num_of(&board.fields[1]),
        device_base: num_of(&board.fields[2]),
        device_size: num_of(&board.fields[3]),
        image_base: num_of(&board.fields[4]),
        image_size: num_of(&board.fields[5]),
    }
}

/// Does the reflected list of kind records `kinds` contain `kind`?
pub const fn kinds_contain(kinds: Val, kind: DeviceKind) -> bool {
    let mut rest = kinds;
    while let Some((k, tail)) = rest.uncons() {
        if let Val::Rec(r) = k {
            if num_of(&r.fields[0]) == kind as u64 {
                return true;
            }
        }
        rest = tail;
    }
    false
}
