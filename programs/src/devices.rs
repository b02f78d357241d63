//! Device maps: kind sets, the types `device_kinds!`, `board!` and
//! `devices!` produce, the check programs, and the runtime device table
//! derived from an accepted map.
//!
//! A map reaches the checks as the VM's input stack, top first:
//! `[devices, board]`. A device is a record named as the user named it
//! (`uart0`) with fields `[kind, base, size, irq]` (`irq` 0: none); a kind is
//! a record with fields `[id, singleton, irq class, access, set]` (class 0:
//! raises no interrupt, 1: an SPI, 2: a PPI; access 0: trapped, 1: passed
//! through; `set` the record `[identity, number of kinds]` of the set that
//! declares it); the board is a record with fields `[ram base, ram size,
//! device-range base, device-range size, image base, image size, cpus, kind
//! set]`.

use typenum::{U0, U1, U2, U3, U4, U5, U6, U7};
use typevm::isa::{regs::*, *};
use typevm::num;
use typevm::value::{Val, Value};

use crate::model::{BoardInfo, DeviceInfo, IrqClass, KindAccess, KindInfo};

/// The last address of the 64-bit space, where a range may end.
type Max = num!(0xffff_ffff_ffff_ffff);
/// The page-number bits of an address (4 KiB pages).
type PageMask = num!(0xffff_ffff_ffff_f000);

/// A set of device kinds, as `device_kinds!` declares it: a board's
/// vocabulary of devices (`board! { ..; kinds: Set; }`). The set itself is
/// the record `[identity, number of kinds]` every one of its kinds names.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a kind set",
    label = "not declared with `device_kinds!`",
    note = "a board's `kinds:` names a set declared with `programs::device_kinds!` (QEMU virt's: `programs::board::VirtKinds`)"
)]
pub trait KindSet: Value + 'static {
    /// The set's name.
    const NAME: &'static str;
    /// The kind records, in id order.
    type Kinds: Value;
    /// How a device tree names devices of its kinds (`cargo board-from-dtb`).
    const COMPATIBLES: &'static [Compatible];
}

/// A device-tree `compatible` that is a device of a kind of a set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compatible {
    /// The kind's id in its set.
    pub kind: u8,
    /// The compatible string (`arm,pl011`).
    pub compatible: &'static str,
    /// The node's `reg` entry that is the device's window; `None`: every
    /// entry is one device.
    pub reg: Option<u8>,
}

/// The kind set of a board record (`board!` implements it from `kinds:`).
pub trait BoardKinds {
    /// The set.
    type Kinds: KindSet;
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

typevm::reason! {
    /// A device of a kind its board does not declare.
    pub KindNotOfBoard: "devices: every device's kind is one of its board's kinds",
        "device {0} is a {0.0} of another kind set, not of {1.7}, the kinds of board {1}",
        "use the kind of that name from {1.7}, or declare the kind in {1.7} (`device_kinds!`)";
    /// A passed-through window not on a 4 KiB boundary.
    pub MisalignedBase: "devices: passed-through windows aligned to the 4 KiB stage-2 granule",
        "device {item} is a {0}, passed through, and starts at {1}, which is not a multiple of 0x1000",
        "a passed-through window is mapped into stage-2 by 4 KiB pages: move it to a 4 KiB boundary, or make its kind `trapped`";
    /// A passed-through window whose size is not whole pages.
    pub MisalignedSize: "devices: passed-through windows aligned to the 4 KiB stage-2 granule",
        "device {item} is a {0}, passed through, and has size {2}, which is not a multiple of 0x1000",
        "a passed-through window is mapped into stage-2 by 4 KiB pages: make its size a multiple of 0x1000, or make its kind `trapped`";
    /// A window of size 0.
    pub EmptyWindow: "devices: windows not empty",
        "device {item} has an empty window",
        "give the window the size of the device's registers";
    /// A passed-through window sharing a page with another window.
    pub PassthroughSharesPage: "devices: windows sharing a 4 KiB page are all trapped",
        "device {0} shares a 4 KiB page with device {1}, and one of the two is passed through",
        "a passed-through window is mapped page by page, which would expose the other device: move one of them to its own page, or make both kinds `trapped`";
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
        "device {item} is a {0}, which raises no interrupt, but has `irq {3:dec}`",
        "remove the `irq`";
    /// An SPI device without an SPI.
    pub NotAnSpi: "devices: interrupts in the range the kind requires",
        "device {item} needs an SPI interrupt (32..=1019) but has {3:dec} (0: none)",
        "give it an `irq` in 32..=1019";
    /// A PPI device without a PPI.
    pub NotAPpi: "devices: interrupts in the range the kind requires",
        "device {item} needs a PPI interrupt (16..=31) but has {3:dec} (0: none)",
        "give it an `irq` in 16..=31";
    /// A second device of a singleton kind.
    pub SecondSingleton: "devices: singleton kinds appear once",
        "device {item} is a second {0}; a board has exactly one",
        "remove one of them";
}

typevm::program! {
    /// Every device's kind is one of the kinds its board declares: the
    /// kind's set is the board's (same identity) and its id is in range.
    pub KindsOfBoard = [
        Store<R0>, Store<R1>,
        Load<R1>, Field<U7>, Dup, Field<U0>, Store<R5>, Field<U1>, Store<R6>,   // r5 = set identity, r6 = kinds
        Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Field<U0>, Field<U4>, Field<U0>, Load<R5>, Eq, Jz<@foreign>,
            Dup, Field<U0>, Field<U0>, Load<R6>, Lt, Jz<@foreign>,
            Pop, Jmp<@dev>,
        foreign: Load<R1>, Push<U0>, Report2<KindNotOfBoard>, Jmp<@dev>,
        done: Halt,
    ];

    /// No window is empty, and a passed-through window is whole 4 KiB
    /// pages (stage-2 maps it page by page); a trapped window may be any
    /// size, as QEMU's 0x200-byte virtio-mmio transports are.
    pub WindowsAligned = [
        Store<R0>, Pop, Load<R0>,
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Field<U2>, Jz<@empty>,
            Dup, Field<U0>, Field<U3>, Jz<@fine>,                  // trapped
            Dup, Field<U1>, Over, Field<U2>, Or, Push<num!(0xfff)>, And, Jnz<@odd>,
        fine: Pop, Jmp<@dev>,
        empty: Push<U0>, Report<EmptyWindow>, Jmp<@dev>,
        odd: Dup, Dup, Field<U1>, Push<num!(0xfff)>, And, Push<U0>, Eq, Report<MisalignedBase>,
            Dup, Field<U2>, Push<num!(0xfff)>, And, Push<U0>, Eq, Report<MisalignedSize>,
            Jmp<@dev>,
        done: Halt,
    ];

    /// Windows that share a 4 KiB page are all trapped. A map lists its
    /// devices in address order, so each window is compared with the one
    /// before it (`r4`): they share the page `d` starts in (`r3`) when the
    /// previous one starts in it or reaches into it.
    pub SharedPagesTrapped = [
        Store<R0>, Pop, Load<R0>,
        Uncons, Jz<@done>, Store<R4>,                              // tail
        dev: Uncons, Jz<@done>,                                    // tail, d
            Dup, Field<U1>, Push<PageMask>, And, Store<R3>,
            Load<R4>, Field<U1>, Load<R3>, Lt, Jz<@shares>,        // the previous starts in the page
            Load<R3>, Load<R4>, Field<U1>, Sub, Load<R4>, Field<U2>, Lt, Jz<@next>,
        shares: Dup, Field<U0>, Field<U3>, Load<R4>, Field<U0>, Field<U3>, Or, Jz<@next>,
            Dup, Load<R4>, Push<U0>, Report2<PassthroughSharesPage>,
        next: Store<R4>, Jmp<@dev>,
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

}

/// The runtime facts of a reflected kind record `[id, singleton, irq
/// class, access, set]`.
pub const fn kind_info(kind: &Val) -> KindInfo {
    let Val::Rec(k) = kind else {
        panic!("a kind is a record `[id, singleton, irq class, access, set]`");
    };
    assert!(
        k.fields.len() == 5,
        "a kind is a record `[id, singleton, irq class, access, set]`"
    );
    let Val::Rec(set) = &k.fields[4] else {
        panic!("a kind's field 4 is its set's record `[identity, number of kinds]`");
    };
    let id = num_of(&k.fields[0]);
    assert!(id < 64, "a kind set holds at most 64 kinds");
    KindInfo {
        name: k.name,
        id: id as u8,
        set: num_of(&set.fields[0]),
        singleton: num_of(&k.fields[1]) != 0,
        irq: match num_of(&k.fields[2]) {
            0 => IrqClass::None,
            1 => IrqClass::Spi,
            2 => IrqClass::Ppi,
            // `device_kinds!` writes 0, 1 or 2; anything else is a hand-made record.
            _ => panic!("a kind's interrupt class is 0 (none), 1 (SPI) or 2 (PPI)"),
        },
        access: match num_of(&k.fields[3]) {
            0 => KindAccess::Trapped,
            1 => KindAccess::Passthrough,
            // `device_kinds!` writes 0 or 1; anything else is a hand-made record.
            _ => panic!("a kind's access is 0 (trapped) or 1 (passed through)"),
        },
    }
}

/// The kinds of a set's list, in id order; refuses a list whose records
/// are not numbered by their place, or name another set.
const fn kinds_table(set: &str, kinds: Val) -> ([KindInfo; 64], usize) {
    let mut t = [KindInfo::EMPTY; 64];
    let (mut rest, mut n) = (kinds, 0);
    while let Some((k, tail)) = rest.uncons() {
        assert!(n < 64, "a kind set holds at most 64 kinds");
        t[n] = kind_info(&k);
        if t[n].id as usize != n || (n > 0 && t[n].set != t[0].set) {
            let mut m = typevm::message::Message::new();
            m.push_str(crate::gate::REFUSES);
            m.push_str(": kind set `");
            m.push_str(set);
            m.push_str("` lists `");
            m.push_str(t[n].name);
            m.push_str("` out of its place or from another set (declare kind sets with `device_kinds!`)");
            panic!("{}", m.as_str());
        }
        if t[n].set == board_set_identity()
            && !kinds_contain(<<crate::board::VirtKinds as KindSet>::Kinds as Value>::VAL, &t[n])
        {
            // The emulation rule knows the hypervisor's emulated kinds by
            // this set's identity and their ids: a hand-written set that
            // copies the identity would pass its own kinds off as emulated.
            let mut m = typevm::message::Message::new();
            m.push_str(crate::gate::REFUSES);
            m.push_str(": kind set `");
            m.push_str(set);
            m.push_str("` has the identity of the board's kind set `VirtKinds`, but `");
            m.push_str(t[n].name);
            m.push_str("` is not one of its kinds (declare kind sets with `device_kinds!`)");
            panic!("{}", m.as_str());
        }
        n += 1;
        rest = tail;
    }
    (t, n)
}

/// The identity of the board's kind set (`programs::board::VirtKinds`).
const fn board_set_identity() -> u64 {
    match <crate::board::VirtKinds as Value>::VAL {
        Val::Rec(r) => num_of(&r.fields[0]),
        _ => panic!("a kind set is a record `[identity, number of kinds]`"),
    }
}

/// The runtime entry of a reflected device record, whose kind must be the
/// one its board's set declares at the kind's id (`kinds`, in id order): a
/// look-alike kind record is refused, since the checks trusted its fields.
pub const fn device_info(device: &Val, kinds: &[KindInfo]) -> DeviceInfo {
    let Val::Rec(r) = device else {
        panic!("a device reflects as a record");
    };
    let kind = kind_info(&r.fields[0]);
    if (kind.id as usize) >= kinds.len() || !kinds[kind.id as usize].is(&kind) {
        let mut m = typevm::message::Message::new();
        m.push_str(crate::gate::REFUSES);
        m.push_str(": device `");
        m.push_str(r.name);
        m.push_str("` is a `");
        m.push_str(kind.name);
        m.push_str("`, which is not the kind its board's set declares at that place (a look-alike record: the checks trusted its fields)");
        panic!("{}", m.as_str());
    }
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
/// The kind set of a map's board.
type SetOf<M> = <<M as DeviceMap>::Board as BoardKinds>::Kinds;
impl<M: DeviceMap> Reflected<M>
where
    Input<M>: crate::gate::Reflects<ReflectMap>,
    M::Board: Value + BoardKinds,
{
    const OUT: typevm::reflect::Output = <Input<M> as crate::gate::Reflects<ReflectMap>>::OUTPUT;
    const LEN: usize = crate::gate::word(&Self::OUT.r0) as usize;
    const KINDS_TABLE: ([KindInfo; 64], usize) = kinds_table(
        <SetOf<M> as KindSet>::NAME,
        <<SetOf<M> as KindSet>::Kinds as Value>::VAL,
    );
    /// The board's kinds, in id order.
    const KINDS: &'static [KindInfo] = Self::KINDS_TABLE.0.split_at(Self::KINDS_TABLE.1).0;
    const TABLE: [DeviceInfo; 256] = {
        let mut t = [DeviceInfo::EMPTY; 256];
        let mut i = 0;
        while i < Self::LEN {
            t[i] = device_info(&Self::OUT.memory[i], Self::KINDS);
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
        Val::Rec(r) => board_info(r, Self::KINDS),
        // The checks read the board's fields, so it is a record.
        _ => panic!("a board reflects as a record"),
    };
}

/// The runtime facts of a reflected board record `[ram base, ram size,
/// device-range base, device-range size, image base, image size, cpus, kind
/// set]`, whose set's kinds are `kinds`.
pub const fn board_info(board: &typevm::value::RecordInfo, kinds: &'static [KindInfo]) -> BoardInfo {
    assert!(
        board.fields.len() == 8,
        "a board is a record `[ram base, ram size, device base, device size, image base, image size, cpus, kind set]` (`board!`)"
    );
    let cpus = num_of(&board.fields[6]);
    assert!(cpus >= 1 && cpus <= 256, "a board has 1..=256 CPUs");
    BoardInfo {
        name: board.name,
        ram_base: num_of(&board.fields[0]),
        ram_size: num_of(&board.fields[1]),
        device_base: num_of(&board.fields[2]),
        device_size: num_of(&board.fields[3]),
        image_base: num_of(&board.fields[4]),
        image_size: num_of(&board.fields[5]),
        cpus: cpus as u32,
        kinds,
    }
}

/// Is `kind` in the reflected list of kind records `kinds`?
pub const fn kinds_contain(kinds: Val, kind: &KindInfo) -> bool {
    let mut rest = kinds;
    while let Some((k, tail)) = rest.uncons() {
        if kind_info(&k).is(kind) {
            return true;
        }
        rest = tail;
    }
    false
}
