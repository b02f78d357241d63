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

use typenum::{U0, U1, U2, U3, U4, U5, U6};
use typevm::isa::{regs::*, *};
use typevm::num;
use typevm::value::{Val, Value};

use crate::model::{BoardInfo, DeviceInfo, DeviceKind};

/// The last address of the 64-bit space, where a range may end.
type Max = num!(0xffff_ffff_ffff_ffff);

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

/// A device map, as `devices!` declares it: its parts as types. The checks
/// run on [`Input<Self>`], built from these parts by this crate, and the
/// runtime device table and board facts are reflected from that same input.
pub trait DeviceMap: 'static {
    /// The map's name.
    const NAME: &'static str;
    /// The devices: a list of device records `[kind, base, size, irq]`.
    type Devices;
    /// The board record the map is for (`board!`).
    type Board;
}

/// The VM input of a map's checks: `[devices, board]`, top first.
pub type Input<M> = frunk::HList![<M as DeviceMap>::Devices, <M as DeviceMap>::Board];
/// The input of [`KindsEmulated`]: `[devices, emulated kinds]`.
pub type EmulationInput<M, E> = frunk::HList![<M as DeviceMap>::Devices, E];

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
    /// A window that runs past the end of the address space.
    pub WrapsAddressSpace: "devices: every window inside the board's device range",
        "device {item} runs past the end of the 64-bit address space",
        "a window may end exactly at 2^64 but not beyond: fix its base or size";
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
    /// A hand-written map whose devices are not in address order.
    pub NotInAddressOrder: "devices: windows do not overlap each other",
        "device {0} is listed after device {1}, which starts higher",
        "a map lists its devices in address order (`devices!` orders them): reorder the map";
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
        // The common case first: base and size aligned, size not 0.
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Field<U1>, Over, Field<U2>, Dup, Jz<@empty>,      // tail, d, base, size
            Or, Push<num!(0xfff)>, And, Jnz<@odd>,
            Pop, Jmp<@dev>,
        empty: Pop, Pop,
        odd: Dup, Dup, Field<U1>, Push<num!(0xfff)>, And, Push<U0>, Eq, Report<MisalignedBase>,
            Dup, Dup, Field<U2>, Push<num!(0xfff)>, And, Push<U0>, Eq, Report<MisalignedSize>,
            Dup, Field<U2>, Push<U0>, Eq, Push<U0>, Eq, Report<EmptyWindow>,
            Jmp<@dev>,
        done: Halt,
    ];

    /// Every window lies inside the board's device range, and none runs
    /// past 2^64. Ranges compare by their last byte, so a range may end
    /// exactly at 2^64.
    pub WindowsInDeviceRange = [
        Store<R0>, Store<R1>,
        Load<R1>, Field<U2>, Store<R5>,                            // r5 = range base
        Load<R1>, Field<U3>, Push<U1>, Sub, Load<R5>, Add, Store<R6>,  // r6 = range last
        Load<R0>,
        // In range: range base <= base <= range last and size - 1 <= range
        // last - base (so it cannot wrap either).
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Field<U2>, Jz<@next>,                             // empty: `WindowsAligned`
            Dup, Field<U1>, Dup, Store<R3>, Load<R5>, Lt, Jnz<@odd>,    // r3 = base
            Load<R6>, Load<R3>, Lt, Jnz<@odd>,
            Load<R6>, Load<R3>, Sub, Over, Field<U2>, Push<U1>, Sub, Lt, Jnz<@odd>,
        next: Pop, Jmp<@dev>,
        odd: Push<Max>, Load<R3>, Sub,                             // tail, d, room to 2^64
            Over, Field<U2>, Push<U1>, Sub, Lt, Jnz<@wraps>,       // room < size - 1
            Load<R1>, Push<U0>, Report2<OutsideDeviceRange>, Jmp<@dev>,
        wraps: Push<U0>, Report<WrapsAddressSpace>, Jmp<@dev>,
        done: Halt,
    ];

    /// No window overlaps guest RAM or the hypervisor image. Ranges compare
    /// by their last byte (a window past 2^64 counts as ending there).
    pub WindowsClearOfRamAndImage = [
        Store<R0>, Store<R1>,
        Load<R1>, Field<U0>, Store<R5>,                            // r5 = ram base
        Load<R1>, Field<U1>, Push<U1>, Sub, Load<R5>, Add, Store<R6>,  // r6 = ram last
        Load<R1>, Field<U4>, Store<R3>,                            // r3 = image base
        Load<R1>, Field<U5>, Push<U1>, Sub, Load<R3>, Add, Store<R4>,  // r4 = image last
        Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            // r7 = d's last byte
            Dup, Field<U2>, Dup, Jz<@sized>, Push<U1>, Sub,
        sized: Store<R2>, Push<Max>, Over, Field<U1>, Sub, Load<R2>, Lt, Jnz<@saturate>,
            Dup, Field<U1>, Load<R2>, Add, Jmp<@last>,
        saturate: Push<Max>,
        last: Store<R7>,
            // The image first: it lies in RAM, and its rule says more.
            Dup, Field<U1>, Load<R4>, Swap, Lt,                    // image last < base
            Load<R7>, Load<R3>, Lt, Or, Store<R2>,                 // ... or last < image base
            Dup, Load<R1>, Load<R2>, Report2<OverlapsImage>,
            Dup, Field<U1>, Load<R6>, Swap, Lt,
            Load<R7>, Load<R5>, Lt, Or, Store<R2>,
            Dup, Load<R1>, Load<R2>, Report2<OverlapsRam>,
            Pop, Jmp<@dev>,
        done: Halt,
    ];

    /// No two windows overlap. A map lists its devices in address order
    /// (`devices!` orders them), so one sweep compares each window with the
    /// one before it that reaches furthest (`r2`, its last byte `r6`).
    pub WindowsDisjoint = [
        Store<R0>, Pop, Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            // r3 = d's last byte
            Dup, Field<U2>, Dup, Jz<@sized>, Push<U1>, Sub,
        sized: Store<R3>, Push<Max>, Over, Field<U1>, Sub, Load<R3>, Lt, Jnz<@saturate>,
            Dup, Field<U1>, Load<R3>, Add, Jmp<@last>,
        saturate: Push<Max>,
        last: Store<R3>,
            Load<R7>, Jz<@first>,                                  // r7: a window came before
            Dup, Field<U1>, Load<R5>, Lt, Jnz<@unordered>,         // base < the previous base
            Load<R6>, Over, Field<U1>, Lt, Jnz<@furthest>,         // clear of every window before
            Dup, Load<R2>, Push<U0>, Report2<OverlappingWindows>,
            Load<R6>, Load<R3>, Lt, Jz<@based>,                    // not reaching further
        furthest: Dup, Store<R2>, Load<R3>, Store<R6>,
        based: Dup, Store<R4>, Field<U1>, Store<R5>, Jmp<@dev>,    // r4, r5: the previous window, its base
        first: Push<U1>, Store<R7>, Jmp<@furthest>,
        unordered: Dup, Load<R4>, Push<U0>, Report2<NotInAddressOrder>, Jmp<@based>,
        done: Halt,
    ];

    /// No two devices raise the same interrupt: a bitset of the interrupts
    /// seen so far (memory word `irq / 64`, bit `irq % 64`); on a repeat,
    /// the first device with that interrupt is looked up to name the pair.
    pub InterruptsUnique = [
        Store<R0>, Pop, Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Field<U3>, Dup, Jz<@skip>,                        // tail, d, irq
            Dup, Push<num!(1024)>, Lt, Jz<@skip>,                  // not an interrupt id: `InterruptsInRange`
            Dup, Push<U6>, Shr, Dup, Store<R3>, Peek, Store<R4>,   // r3 = word, r4 = its bits
            Push<num!(63)>, And, Dup, TestBit<R4>, Jnz<@shared>,
            SetBit<R4>, Load<R3>, Load<R4>, Poke, Pop, Jmp<@dev>,
        skip: Pop, Pop, Jmp<@dev>,
        shared: Pop, Dup, Field<U3>, Store<R5>, Load<R0>,          // tail, d, all devices
        find: Uncons, Jz<@lost>,                                   // tail, d, rest, e
            Dup, Field<U3>, Load<R5>, Eq, Jnz<@found>, Pop, Jmp<@find>,
        found: Swap, Pop, Over, Swap, Push<U0>, Report2<SharedInterrupt>, Pop, Jmp<@dev>,
        lost: Pop, Jmp<@dev>,                                      // d itself comes later

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
            Report<NotAPpi>, Jmp<@dev>,
        spi: Load<R6>, Push<num!(32)>, Lt, Push<U0>, Eq,
            Push<num!(1019)>, Load<R6>, Lt, Push<U0>, Eq, And,
            Report<NotAnSpi>, Jmp<@dev>,
        none: Load<R6>, Push<U0>, Eq, Report<UnexpectedInterrupt>, Jmp<@dev>,
        done: Halt,
    ];

    /// A singleton kind (the GIC distributor) appears at most once.
    pub SingletonsOnce = [
        Store<R0>, Pop, Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Field<U0>, Field<U1>, Jz<@skip>,                  // not a singleton kind
            Dup, Field<U0>, Field<U0>, Dup, TestBit<R5>, Jnz<@second>, // tail, d, kind
            SetBit<R5>,
        skip: Pop, Jmp<@dev>,
        second: Pop, Push<U0>, Report<SecondSingleton>, Jmp<@dev>,
        done: Halt,
    ];

    /// Every device's kind is one the hypervisor emulates. Input:
    /// `[devices, emulated kinds]`.
    pub KindsEmulated = [
        Store<R0>, Store<R1>,
        Load<R1>,
        kind: Uncons, Jz<@devices>, Field<U0>, SetBit<R5>, Jmp<@kind>,
        devices: Load<R0>,
        dev: Uncons, Jz<@done>,
            Dup, Field<U0>, Field<U0>, TestBit<R5>, Report<NotEmulated>, Jmp<@dev>,
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
            // A kind is one of the records in `kinds`, not a look-alike: the
            // checks read its singleton and interrupt-class fields, and the
            // runtime trusts them.
            Some(kind) if r.fields[0].same(&kind.record()) => kind,
            _ => {
                let mut m = typevm::message::Message::new();
                m.push_str("the link gate refuses this configuration: device `");
                m.push_str(r.name);
                m.push_str("` is a `");
                m.push_str(k.name);
                m.push_str("`, which is not one of the device kinds of `programs::devices::kinds` (a look-alike record: the checks trusted its fields)");
                panic!("{}", m.as_str());
            }
        },
        _ => panic!("a device's field 0 is its kind"),
    };
    let irq = num_of(&r.fields[3]);
    assert!(irq <= u32::MAX as u64, "an interrupt id fits in 32 bits");
    DeviceInfo {
        name: r.name,
        kind,
        base: num_of(&r.fields[1]),
        size: num_of(&r.fields[2]),
        irq: if irq == 0 { None } else { Some(irq as u32) },
    }
}

pub(crate) const fn num_of(v: &Val) -> u64 {
    match v {
        Val::Num(n) => *n,
        _ => panic!("a number field"),
    }
}

typevm::reason! {
    /// More devices than a map may hold.
    pub TooManyDevices: "devices: at most 256 devices in a map",
        "device {item} is the 257th of its map",
        "a map holds at most 256 devices: split the board's devices between maps";
}

typevm::program! {
    /// The runtime device table, output into memory: word `k` is the map's
    /// `k`-th device record, `r0` the number of devices.
    pub ReflectMap = [
        Store<R0>, Pop, Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Load<R1>, Push<num!(256)>, Lt, Assert<TooManyDevices>,
            Load<R1>, Swap, Poke,
            Load<R1>, Push<U1>, Add, Store<R1>, Jmp<@dev>,
        done: Load<R1>, Store<R0>, Halt,
    ];
}

/// The runtime device table of a map, output by [`ReflectMap`] run on
/// [`Input<M>`], the very value the checks ran on, and its board (the
/// record the checks compared the windows with). Crate-private: the gate is
/// the only way to it from outside.
pub(crate) struct Reflected<M>(core::marker::PhantomData<M>);
impl<M: DeviceMap> Reflected<M>
where
    Input<M>: crate::gate::Reflects<ReflectMap>,
    M::Board: Value,
{
    const OUT: typevm::reflect::Output = <Input<M> as crate::gate::Reflects<ReflectMap>>::OUTPUT;
    const LEN: usize = crate::gate::word(&Self::OUT.r0) as usize;
    const TABLE: [DeviceInfo; 256] = {
        let mut t = [DeviceInfo::EMPTY; 256];
        let mut i = 0;
        while i < Self::LEN {
            t[i] = device_info(&Self::OUT.memory[i]);
            let mut j = 0;
            while j < i {
                if typevm::value::str_eq(t[j].name(), t[i].name()) {
                    // The hypervisor and its users find a device by its
                    // name, so a second one would never be found.
                    crate::gate::refuse_duplicate_name(
                        "map",
                        M::NAME,
                        "devices",
                        t[i].name(),
                        "devices are found by name: rename one of them",
                    );
                }
                j += 1;
            }
            i += 1;
        }
        t
    };
    /// The devices, in map order.
    pub const DEVICES: &'static [DeviceInfo] = Self::TABLE.split_at(Self::LEN).0;
    /// The board the checks compared the windows with.
    pub const BOARD: BoardInfo = match <M::Board as Value>::VAL {
        Val::Rec(r) => board_info(r),
        // The checks read the board's fields, so it is a record.
        _ => panic!("a board reflects as a record"),
    };
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
        // `board!` declares the CPUs (1 unless `cpus:` says more); a
        // hand-written board record of six fields has one.
        cpus: if board.fields.len() > 6 {
            let n = num_of(&board.fields[6]);
            assert!(n >= 1 && n <= 256, "a board has 1..=256 CPUs");
            n as u32
        } else {
            1
        },
    }
}

/// Does the reflected list of kind records `kinds` contain `kind`?
pub const fn kinds_contain(kinds: Val, kind: DeviceKind) -> bool {
    let mut rest = kinds;
    while let Some((k, tail)) = rest.uncons() {
        if let Val::Rec(r) = k
            && num_of(&r.fields[0]) == kind as u64
        {
            return true;
        }
        rest = tail;
    }
    false
}
