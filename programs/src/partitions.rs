//! Secure Partitions: the types `partitions!` produces, the check programs
//! that run on them with the device map and the board, and the runtime
//! partition table derived from an accepted set.
//!
//! A partition set reaches the checks as the VM's input stack, top first:
//! `[partitions, devices, board]` (see [`Input`]). A partition is a record
//! named as the user named it (`sp0`) with fields `[FF-A id, UUID high, UUID
//! low, execution contexts, memory regions, grants, interrupts]`:
//! * a memory region is a record `[access, base, size]` named
//!   `partition.region` (access bits: `r` 1, `w` 2, `x` 4);
//! * a grant is a [`Grant`] `[device, exclusive]`, the device being a record
//!   of the map (`devices!`), exclusive 1 or 0 (shared);
//! * interrupts are numbers.
//!
//! The board record's field 6 is its number of CPUs.

use typenum::{U0, U1, U2, U3, U4, U5, U6};
use typevm::isa::{regs::*, *};
use typevm::num;
use typevm::value::{Val, Value};

use crate::devices::DeviceMap;
use crate::model::{DeviceInfo, GrantInfo, PartitionInfo, RegionInfo};

/// The last address of the 64-bit space, where a range may end.
type Max = num!(0xffff_ffff_ffff_ffff);

typevm::record!(
    /// Device `Device` given to a partition; `Exclusive` is 1 (no other
    /// partition is given it) or 0 (shared: each partition sees its own
    /// emulated instance).
    pub struct Grant<Device, Exclusive> as typevm::value::Display::Name
);

/// A set of partitions, as `partitions!` declares it. The checks run on
/// [`Input`], built from its list and the configuration's device map, and
/// the runtime partition table is reflected from that same input.
pub trait PartitionSet: 'static {
    /// The set's name.
    const NAME: &'static str;
    /// The partitions: a list of partition records.
    type Partitions;
}

/// No partitions: a configuration that describes only a lifecycle table and
/// a device map (the default of [`crate::Config::Partitions`]).
pub struct NoPartitions;
impl PartitionSet for NoPartitions {
    const NAME: &'static str = "no partitions";
    type Partitions = frunk::HNil;
}

/// The VM input of the partition checks: `[partitions, devices, board]`.
pub type Input<P, M> = frunk::HList![
    <P as PartitionSet>::Partitions,
    <M as DeviceMap>::Devices,
    <M as DeviceMap>::Board
];

/// The input of [`KindsEmulated`]: `[partitions, emulated kinds]`.
pub type EmulationInput<P, E> = frunk::HList![<P as PartitionSet>::Partitions, E];

typevm::reason! {
    /// A trapped device given to a partition that the hypervisor cannot emulate.
    pub NotEmulated: "partitions: every trapped device given has an emulation",
        "partition {0} is given {1}, a {1.0}, which the hypervisor does not emulate",
        "a trapped device is emulated by the hypervisor: remove the grant, add an emulation of {1.0} to the hypervisor, or make the kind `passthrough` and give the device `exclusive`ly";
    /// A passed-through device given shared.
    pub PassthroughShared: "partitions: a passed-through device is given to exactly one partition",
        "partition {0} is given {1}, a {1.0}, shared, but a passed-through device is mapped into one partition",
        "give it with `devices: exclusive …;` to the one partition that drives it";
    /// An FF-A id outside the secure partition range.
    pub NotASecurePartitionId: "partitions: names and FF-A ids unique",
        "partition {item} has FF-A id {0}, which is not a secure partition id (0x8001..=0xffff)",
        "secure partition ids have bit 15 set (0x8000 is the partition manager's): pick an id in 0x8001..=0xffff";
    /// Two partitions with one FF-A id.
    pub SamePartitionId: "partitions: names and FF-A ids unique",
        "partition {0} has the FF-A id of partition {1}",
        "FF-A messages are addressed by id: give each partition its own";
    /// A grant of a device that is not in the map.
    pub GrantNotInMap: "partitions: every granted device exists in the map",
        "partition {0} is given {1}, which is not a device of the map",
        "give the partition a device of the map its set is declared `on`, or add the device to the map";
    /// An exclusive device that another partition is given too.
    pub ExclusiveButShared: "partitions: an exclusive device is given to one partition only",
        "partition {0} is given {1} exclusively, but another partition is given it too",
        "remove the other partition's grant, or make every grant of it shared";
    /// A device that another partition holds exclusively.
    pub HeldExclusivelyElsewhere: "partitions: an exclusive device is given to one partition only",
        "partition {0} is given {1}, which another partition holds exclusively",
        "remove this grant, or make the other partition's grant shared";
    /// A region of size 0.
    pub EmptyRegion: "partitions: memory in RAM, clear of the image, of devices and of each other",
        "memory region {item} is empty",
        "give the region a size of at least 0x1000";
    /// A region not made of whole stage-2 pages.
    pub MisalignedRegion: "partitions: memory in RAM, clear of the image, of devices and of each other",
        "memory region {item} is not whole 4 KiB pages",
        "stage-2 maps 4 KiB pages: make base and size multiples of 0x1000";
    /// A region past the end of the address space.
    pub RegionWraps: "partitions: memory in RAM, clear of the image, of devices and of each other",
        "memory region {item} runs past the end of the 64-bit address space",
        "fix its base or size";
    /// A region outside the board's RAM.
    pub RegionOutsideRam: "partitions: memory in RAM, clear of the image, of devices and of each other",
        "memory region {0} lies outside the RAM of board {1}",
        "place the region inside the board's `ram:` range";
    /// A region over the hypervisor image.
    pub RegionOverlapsImage: "partitions: memory in RAM, clear of the image, of devices and of each other",
        "memory region {0} overlaps the hypervisor image reserved on board {1}",
        "the image is never mapped to a partition: move the region past `image:`";
    /// A region over a device window.
    pub RegionOverlapsDevice: "partitions: memory in RAM, clear of the image, of devices and of each other",
        "memory region {0} overlaps device {1}",
        "a device is given with `devices:`, not mapped as memory: move the region";
    /// Two regions overlap.
    pub RegionsOverlap: "partitions: memory in RAM, clear of the image, of devices and of each other",
        "memory region {0} overlaps memory region {1}",
        "partitions are isolated by their memory: give each region its own pages";
    /// An interrupt no device of the map raises.
    pub InterruptWithoutDevice: "partitions: an interrupt is routed to a partition that owns its device, at most once",
        "partition {0} is routed interrupt {1:dec}, which no device of the map raises",
        "route the interrupt of a device the partition is given";
    /// An interrupt of a device the partition does not own.
    pub InterruptOfUngrantedDevice: "partitions: an interrupt is routed to a partition that owns its device, at most once",
        "partition {0} is routed the interrupt of {1}, which it does not own (it is not given it exclusively)",
        "give the partition the device with `devices: exclusive …;`, or route the interrupt to the partition that owns it";
    /// The interrupt of a trapped device routed to a partition.
    pub InterruptOfTrappedDevice: "partitions: an interrupt is routed to a partition that owns its device, at most once",
        "partition {0} is routed the interrupt of {1}, a trapped {1.0}: the hypervisor emulates that device, so its physical interrupt is not the partition's",
        "only a passed-through device's interrupt reaches a partition: remove the routing, or make the kind `passthrough`";
    /// A routed interrupt that is not a shared peripheral interrupt.
    pub RoutedNotAnSpi: "partitions: an interrupt is routed to a partition that owns its device, at most once",
        "partition {0} is routed interrupt {1:dec}, which is not a shared peripheral interrupt (32..=1019)",
        "SGIs and PPIs belong to the CPUs the hypervisor runs on: route only the SPI of a device the partition is given";
    /// An interrupt routed to two partitions.
    pub InterruptRoutedTwice: "partitions: an interrupt is routed to a partition that owns its device, at most once",
        "partition {0} is routed interrupt {1:dec}, which is routed to another partition before it",
        "an interrupt is delivered to one partition: remove one of the routings";
    /// A partition without execution contexts.
    pub NoExecutionContext: "partitions: execution contexts fit the board's CPUs",
        "partition {item} has no execution context",
        "give it `contexts 1` or more";
    /// More contexts than CPUs.
    pub MoreContextsThanCpus: "partitions: execution contexts fit the board's CPUs",
        "partition {0} has more execution contexts than board {1} has CPUs",
        "an execution context runs on one CPU at a time: lower `contexts`, or declare the board's `cpus:`";
}

typevm::program! {
    /// FF-A ids are secure partition ids, and no two partitions share one:
    /// each partition's id against those of the partitions after it.
    pub PartitionIdsUnique = [
        Store<R0>, Pop, Pop, Load<R0>,
        part: Uncons, Jz<@done>,                                   // tail, p
            Dup, Field<U0>, Store<R3>,                             // r3 = id
            Load<R3>, Push<num!(0x8001)>, Lt, Push<num!(0xffff)>, Load<R3>, Lt, Or, Jz<@ranged>,
            Dup, Push<U0>, Report<NotASecurePartitionId>,
        ranged: Over,                                              // tail, p, later
        scan: Uncons, Jz<@next>,                                   // tail, p, rest, q
            Dup, Field<U0>, Load<R3>, Eq, Jnz<@same>,
            Pop, Jmp<@scan>,
        same: Swap, Pop, Swap, Push<U0>, Report2<SamePartitionId>, Jmp<@part>,
        next: Pop, Jmp<@part>,
        done: Halt,
    ];

    /// Every granted device is a device of the map: the same kind, window
    /// and interrupt.
    pub GrantsInMap = [
        Store<R0>, Store<R1>, Pop, Load<R0>,
        part: Uncons, Jz<@done>,                                   // tail, p
            Dup, Field<U5>,                                        // tail, p, grants
        grant: Uncons, Jz<@next>,                                  // tail, p, grants', g
            Field<U0>, Store<R3>, Load<R1>,                        // r3 = d; tail, p, grants', devices
        dev: Uncons, Jz<@missing>,                                 // ..., devices', e
            Dup, Field<U1>, Load<R3>, Field<U1>, Eq, Jz<@other>,
            Dup, Field<U2>, Load<R3>, Field<U2>, Eq, Jz<@other>,
            Dup, Field<U3>, Load<R3>, Field<U3>, Eq, Jz<@other>,
            Dup, Field<U0>, Field<U0>, Load<R3>, Field<U0>, Field<U0>, Eq, Jz<@other>,
            Pop, Pop, Jmp<@grant>,
        other: Pop, Jmp<@dev>,
        missing: Over, Load<R3>, Push<U0>, Report2<GrantNotInMap>, Jmp<@grant>,
        next: Pop, Jmp<@part>,
        done: Halt,
    ];

    /// A device of a passed-through kind is given exclusively: it is
    /// mapped into its partition, so no other may see it (with
    /// [`ExclusiveGrantsOnce`], to exactly one partition).
    pub PassthroughGrantsExclusive = [
        Store<R0>, Pop, Pop, Load<R0>,
        part: Uncons, Jz<@done>,                                   // tail, p
            Dup, Field<U5>,                                        // tail, p, grants
        grant: Uncons, Jz<@next>,                                  // tail, p, grants', g
            Dup, Field<U0>, Field<U0>, Field<U3>, Jz<@trapped>,
            Dup, Field<U1>, Store<R3>, Field<U0>, Store<R4>,       // r3 = exclusive, r4 = d
            Over, Load<R4>, Load<R3>, Report2<PassthroughShared>, Jmp<@grant>,
        trapped: Pop, Jmp<@grant>,
        next: Pop, Jmp<@part>,
        done: Halt,
    ];

    /// A device given exclusively is given to no other partition. First
    /// every grant is counted on its device's place `k` in the map (memory
    /// word `k`: grants, plus exclusive grants << 32), then every grant of
    /// a device with an exclusive grant and a second grant is reported.
    pub ExclusiveGrantsOnce = [
        Store<R0>, Store<R1>, Pop, Load<R0>,
        count: Uncons, Jz<@check>, Field<U5>,                      // tail, grants
        cgrant: Uncons, Jz<@count>,                                // tail, grants', g
            Dup, Field<U1>, Push<num!(32)>, Shl, Push<U1>, Add, Store<R5>,
            Field<U0>, Field<U1>, Store<R3>,                       // r3 = its base
            Push<U0>, Store<R4>, Load<R1>,                         // r4 = k
        cfind: Uncons, Jz<@cgrant>,                                // not in the map: `GrantsInMap`
            Field<U1>, Load<R3>, Eq, Jnz<@cfound>,
            Load<R4>, Push<U1>, Add, Store<R4>, Jmp<@cfind>,
        cfound: Pop, Load<R4>, Dup, Peek, Load<R5>, Add, Poke, Jmp<@cgrant>,
        check: Load<R0>,
        part: Uncons, Jz<@done>,                                   // tail, p
            Dup, Field<U5>,                                        // tail, p, grants
        grant: Uncons, Jz<@next>,                                  // tail, p, grants', g
            Dup, Field<U1>, Store<R5>, Field<U0>, Store<R3>,       // r5 = exclusive, r3 = d
            Push<U0>, Store<R4>, Load<R1>,
        find: Uncons, Jz<@grant>,
            Field<U1>, Load<R3>, Field<U1>, Eq, Jnz<@found>,
            Load<R4>, Push<U1>, Add, Store<R4>, Jmp<@find>,
        found: Pop, Load<R4>, Peek,                                // tail, p, grants', w
            Dup, Push<num!(32)>, Shr, Jz<@alone>,                  // no exclusive grant
            Push<num!(0xffff_ffff)>, And, Push<U2>, Lt, Jnz<@grant>,   // given once
            Over, Load<R3>, Load<R5>, Jz<@shared>,
            Push<U0>, Report2<ExclusiveButShared>, Jmp<@grant>,
        shared: Push<U0>, Report2<HeldExclusivelyElsewhere>, Jmp<@grant>,
        alone: Pop, Jmp<@grant>,
        next: Pop, Jmp<@part>,
        done: Halt,
    ];

    /// Every memory region is whole pages of the board's RAM, clear of the
    /// hypervisor image and of every device window. Ranges compare by their
    /// last byte, so a range may end exactly at 2^64.
    pub MemoryPlaced = [
        Store<R0>, Store<R1>, Store<R2>,
        Load<R2>, Field<U1>, Push<U1>, Sub, Load<R2>, Field<U0>, Add, Store<R5>,   // r5 = RAM last
        Load<R0>,
        part: Uncons, Jz<@done>, Field<U4>,                        // tail, regions
        region: Uncons, Jz<@part>,                                 // tail, regions', r
            Dup, Store<R6>, Dup, Field<U1>, Store<R3>,             // r6 = r, r3 = base
            Dup, Field<U2>, Dup, Jz<@empty>,                       // tail, regions', r, size
            Dup, Load<R3>, Or, Push<num!(0xfff)>, And, Jnz<@misaligned>,
            Push<U1>, Sub, Store<R4>,                              // r4 = size - 1
            Push<Max>, Load<R3>, Sub, Load<R4>, Lt, Jnz<@wraps>,
            Load<R3>, Load<R4>, Add, Store<R4>,                    // r4 = last byte
            // In RAM: RAM base <= base and last <= RAM last.
            Load<R3>, Load<R2>, Field<U0>, Lt, Load<R5>, Load<R4>, Lt, Or, Jz<@image>,
            Dup, Load<R2>, Push<U0>, Report2<RegionOutsideRam>,
        image: Load<R4>, Load<R2>, Field<U4>, Lt,                  // last < image base
            Load<R2>, Field<U5>, Push<U1>, Sub, Load<R2>, Field<U4>, Add,
            Load<R3>, Lt, Or, Jnz<@devices>,                       // or image last < base
            Dup, Load<R2>, Push<U0>, Report2<RegionOverlapsImage>,
        devices: Pop, Load<R1>,                                    // tail, regions', devices
        dev: Uncons, Jz<@region>,                                  // ..., devices', e
            Dup, Field<U2>, Jz<@clear>,                            // empty window: `WindowsAligned`
            Dup, Field<U1>, Load<R4>, Swap, Lt, Jnz<@clear>,       // last < e's base
            Dup, Field<U1>, Load<R3>, Lt, Jz<@overlap>,            // e starts inside r
            Dup, Field<U2>, Push<U1>, Sub,                         // e starts before r: does it reach it?
            Over, Field<U1>, Load<R3>, Swap, Sub, Lt, Jnz<@clear>,
        overlap: Load<R6>, Swap, Push<U0>, Report2<RegionOverlapsDevice>, Jmp<@dev>,
        clear: Pop, Jmp<@dev>,
        empty: Pop, Push<U0>, Report<EmptyRegion>, Jmp<@region>,
        misaligned: Pop, Push<U0>, Report<MisalignedRegion>, Jmp<@region>,
        wraps: Push<U0>, Report<RegionWraps>, Jmp<@region>,
        done: Halt,
    ];

    /// No two memory regions overlap, in one partition or two: every
    /// region is copied into memory (word `k`: the `k`-th region, `r1` their
    /// number), then each is compared with every region after it (a region
    /// that is empty or wraps is `MemoryPlaced`'s).
    pub MemoryDisjoint = [
        Store<R0>, Pop, Pop, Load<R0>,
        part: Uncons, Jz<@compare>, Field<U4>,                     // tail, regions
        copy: Uncons, Jz<@part>,                                   // tail, regions', r
            Dup, Load<R1>, Push<num!(256)>, Lt, Assert<TooManyRegions>,
            Load<R1>, Swap, Poke, Load<R1>, Push<U1>, Add, Store<R1>, Jmp<@copy>,
        compare: Push<U0>, Store<R2>,                              // r2 = i
        outer: Load<R2>, Load<R1>, Lt, Jz<@done>,
            Load<R2>, Peek, Dup, Store<R5>,                        // r5 = region i
            Dup, Field<U1>, Store<R3>,                             // r3 = its base
            Field<U2>, Dup, Jz<@skip>, Push<U1>, Sub,              // size - 1
            Push<Max>, Load<R3>, Sub, Over, Lt, Jnz<@skip>,        // wraps
            Load<R3>, Add, Store<R4>,                              // r4 = its last byte
            Load<R2>, Push<U1>, Add, Store<R6>,                    // r6 = j
        inner: Load<R6>, Load<R1>, Lt, Jz<@next>,
            Load<R6>, Peek,                                        // s
            Dup, Field<U2>, Jz<@clear>,
            Dup, Field<U1>, Load<R4>, Swap, Lt, Jnz<@clear>,       // i's last < s's base
            Dup, Field<U1>, Load<R3>, Lt, Jz<@overlap>,            // s starts inside i
            Dup, Field<U2>, Push<U1>, Sub,                         // s starts before i: does it reach it?
            Over, Field<U1>, Load<R3>, Swap, Sub, Lt, Jnz<@clear>,
        overlap: Load<R5>, Swap, Push<U0>, Report2<RegionsOverlap>, Jmp<@step>,
        clear: Pop,
        step: Load<R6>, Push<U1>, Add, Store<R6>, Jmp<@inner>,
        skip: Pop,
        next: Load<R2>, Push<U1>, Add, Store<R2>, Jmp<@outer>,
        done: Halt,
    ];

    /// Every interrupt routed to a partition is an SPI raised by a
    /// passed-through device of the map that the partition owns (is given
    /// exclusively; a trapped device's physical interrupt is the
    /// hypervisor's, whatever the grant), and no
    /// interrupt is routed twice (a bitset of the interrupts routed so far:
    /// memory word `irq / 64`). Without the SPI rule, interrupt 0 would
    /// match any device without an interrupt (its field is 0).
    pub InterruptsRouted = [
        Store<R0>, Store<R1>, Pop, Load<R0>,
        part: Uncons, Jz<@done>,                                   // tail, p
            Dup, Store<R6>, Field<U6>,                             // r6 = p; tail, irqs
        irq: Uncons, Jz<@part>,                                    // tail, irqs', n
            Store<R3>,                                             // r3 = n
            Load<R3>, Push<num!(32)>, Lt, Push<num!(1019)>, Load<R3>, Lt, Or, Jz<@spi>,
            Load<R6>, Load<R3>, Push<U0>, Report2<RoutedNotAnSpi>, Jmp<@irq>,
        spi: Load<R1>,                                             // tail, irqs', devices
        find: Uncons, Jz<@nodev>,                                  // ..., devices', e
            Dup, Field<U3>, Load<R3>, Eq, Jnz<@found>,
            Pop, Jmp<@find>,
        nodev: Load<R6>, Load<R3>, Push<U0>, Report2<InterruptWithoutDevice>, Jmp<@irq>,
        found: Store<R4>, Pop, Load<R6>, Field<U5>,                // r4 = e; tail, irqs', grants
        grant: Uncons, Jz<@ungranted>,                             // owned: given exclusively
            Dup, Field<U1>, Jz<@shared>,
            Field<U0>, Field<U1>, Load<R4>, Field<U1>, Eq, Jnz<@granted>,
            Jmp<@grant>,
        shared: Pop, Jmp<@grant>,
        ungranted: Load<R6>, Load<R4>, Push<U0>, Report2<InterruptOfUngrantedDevice>, Jmp<@once>,
        granted: Pop,
            Load<R4>, Field<U0>, Field<U3>, Jnz<@once>,            // passed through
            Load<R6>, Load<R4>, Push<U0>, Report2<InterruptOfTrappedDevice>,
        once: Load<R3>, Push<U6>, Shr, Dup, Peek, Store<R5>,         // tail, irqs', word; r5 = its bits
            Load<R3>, Push<num!(63)>, And, Dup, TestBit<R5>, Jnz<@twice>,
            SetBit<R5>, Load<R5>, Poke, Jmp<@irq>,
        twice: Pop, Pop, Load<R6>, Load<R3>, Push<U0>, Report2<InterruptRoutedTwice>, Jmp<@irq>,
        done: Halt,
    ];

    /// Every partition has at least one execution context, and no more than
    /// the board has CPUs.
    pub ContextsFitCpus = [
        Store<R0>, Pop, Store<R2>, Load<R0>,
        part: Uncons, Jz<@done>,                                   // tail, p
            Dup, Field<U3>, Dup, Jz<@none>,                        // tail, p, n
            Load<R2>, Field<U6>, Swap, Lt, Jz<@fits>,              // cpus < n
            Load<R2>, Push<U0>, Report2<MoreContextsThanCpus>, Jmp<@part>,
        fits: Pop, Jmp<@part>,
        none: Pop, Push<U0>, Report<NoExecutionContext>, Jmp<@part>,
        done: Halt,
    ];
}

typevm::reason! {
    /// More memory regions than the checks compare.
    pub TooManyRegions: "partitions: memory in RAM, clear of the image, of devices and of each other",
        "memory region {item} is the 257th of its set",
        "a set of partitions has at most 256 memory regions";
    /// More partitions than the runtime table holds.
    pub TooManyPartitions: "partitions: at most 64 partitions in a set",
        "partition {item} is the 65th of its set",
        "a set holds at most 64 partitions";
}

typevm::program! {
    /// The runtime partition table, output into memory: word `k` is the
    /// set's `k`-th partition record, `r0` the number of partitions.
    pub ReflectPartitions = [
        Store<R0>, Pop, Pop, Load<R0>,
        part: Uncons, Jz<@done>,                                   // tail, p
            Dup, Load<R1>, Push<num!(64)>, Lt, Assert<TooManyPartitions>,
            Load<R1>, Swap, Poke,
            Load<R1>, Push<U1>, Add, Store<R1>, Jmp<@part>,
        done: Load<R1>, Store<R0>, Halt,
    ];
}

/// Most partitions, memory regions, grants and routed interrupts a set may
/// have in its runtime table (each over the whole set).
pub const MAX_PARTITIONS: usize = 64;
/// See [`MAX_PARTITIONS`].
pub const MAX_POOL: usize = 256;

const fn record(v: &Val) -> &'static typevm::value::RecordInfo {
    match v {
        Val::Rec(r) => r,
        // The checks read these values' fields, so they are records.
        _ => panic!("a partition, region or grant reflects as a record"),
    }
}

const fn access_of(region: &str, bits: u64) -> crate::model::MemoryAccess {
    use crate::model::MemoryAccess;
    match bits {
        1 => MemoryAccess::Read,
        3 => MemoryAccess::ReadWrite,
        5 => MemoryAccess::ReadExec,
        // `partitions!` writes only these (W^X, readable); the checks do not
        // read a region's access, so a hand-written region with any other is
        // refused here.
        _ => {
            let mut m = typevm::message::Message::new();
            m.push_str(crate::gate::REFUSES);
            m.push_str(": memory region `");
            m.push_str(region);
            m.push_str("` has access ");
            m.push_hex(bits);
            m.push_str(", which is not `r` (1), `rw` (3) or `rx` (5)\nhelp: stage-2 keeps W^X and maps readable memory: give the region one of these");
            panic!("{}", m.as_str());
        }
    }
}

/// "trapped `Pl011`", as a refusal names a kind.
const fn push_kind(m: &mut typevm::message::Message, kind: &crate::model::KindInfo) {
    m.push_str(match kind.access() {
        crate::model::KindAccess::Trapped => "trapped `",
        crate::model::KindAccess::Passthrough => "passed-through `",
    });
    m.push_str(kind.name());
    m.push_byte(b'`');
}

/// Where `device` (a device record the checks found in the map) is in the
/// accepted map: the same window (windows of an accepted map are disjoint),
/// of the very kind the map's device is. A look-alike whose kind differs
/// (a passed-through copy of a trapped kind, say) is refused: the checks
/// read the grant's kind, the runtime the map's.
const fn device_index(devices: &[DeviceInfo], device: &Val, partition: &str) -> usize {
    let d = record(device);
    let (base, size) = (
        crate::devices::num_of(&d.fields[1]),
        crate::devices::num_of(&d.fields[2]),
    );
    let mut i = 0;
    while i < devices.len() {
        if devices[i].base() == base && devices[i].size() == size {
            let kind = crate::devices::kind_info(&d.fields[0]);
            if !kind.is(devices[i].kind()) {
                let mut m = typevm::message::Message::new();
                m.push_str(crate::gate::REFUSES);
                m.push_str(": partition `");
                m.push_str(partition);
                m.push_str("` is given `");
                m.push_str(d.name);
                m.push_str("`, a ");
                push_kind(&mut m, &kind);
                m.push_str(", but the map's device in that window is `");
                m.push_str(devices[i].name());
                m.push_str("`, a ");
                push_kind(&mut m, devices[i].kind());
                m.push_str(" (a look-alike record: the checks trusted its kind)");
                panic!("{}", m.as_str());
            }
            return i;
        }
        i += 1;
    }
    panic!("a granted device is a device of the map (`GrantsInMap`)")
}

/// Refuse the configuration: partition `partition` is given `device`, which is `why`.
const fn refuse_grant(partition: &str, device: &str, why: &str) -> ! {
    let mut m = typevm::message::Message::new();
    m.push_str(crate::gate::REFUSES);
    m.push_str(": partition `");
    m.push_str(partition);
    m.push_str("` is given `");
    m.push_str(device);
    m.push_str("`, ");
    m.push_str(why);
    panic!("{}", m.as_str());
}

/// The runtime partition table of set `P` on map `M`, output by
/// [`ReflectPartitions`] run on [`Input<P, M>`], the very value the checks
/// ran on. Crate-private: the gate is the only way to it from outside.
pub(crate) struct Reflected<P, M>(core::marker::PhantomData<(P, M)>);
impl<P: PartitionSet, M: DeviceMap> Reflected<P, M>
where
    Input<P, M>: crate::gate::Reflects<ReflectPartitions>,
    crate::devices::Input<M>: crate::gate::Reflects<crate::devices::ReflectMap>,
    M::Board: Value + crate::devices::BoardKinds,
{
    const OUT: typevm::reflect::Output = <Input<P, M> as crate::gate::Reflects<ReflectPartitions>>::OUTPUT;
    const LEN: usize = crate::gate::word(&Self::OUT.r0) as usize;

    /// Every region, grant and interrupt of the set, partition by partition.
    const POOLS: ([RegionInfo; MAX_POOL], [GrantInfo; MAX_POOL], [u32; MAX_POOL]) = {
        let devices = crate::devices::Reflected::<M>::DEVICES;
        let mut regions = [RegionInfo::EMPTY; MAX_POOL];
        let mut grants = [GrantInfo::EMPTY; MAX_POOL];
        let mut irqs = [0u32; MAX_POOL];
        let (mut ri, mut gi, mut ii) = (0, 0, 0);
        let mut k = 0;
        while k < Self::LEN {
            let p = record(&Self::OUT.memory[k]);
            let mut rest = p.fields[4];
            while let Some((r, tail)) = rest.uncons() {
                let r = record(&r);
                assert!(ri < MAX_POOL, "a set of partitions has at most 256 memory regions");
                regions[ri] = RegionInfo {
                    name: r.name,
                    access: access_of(r.name, crate::devices::num_of(&r.fields[0])),
                    base: crate::devices::num_of(&r.fields[1]),
                    size: crate::devices::num_of(&r.fields[2]),
                };
                ri += 1;
                rest = tail;
            }
            let mut rest = p.fields[5];
            let first_grant = gi;
            while let Some((g, tail)) = rest.uncons() {
                let g = record(&g);
                assert!(gi < MAX_POOL, "a set of partitions has at most 256 grants");
                let device = device_index(devices, &g.fields[0], p.name);
                // `partitions!` refuses a second grant of one device; a
                // hand-written set is held to it here (the runtime would
                // map the window twice).
                let mut j = first_grant;
                while j < gi {
                    if grants[j].device == device {
                        refuse_grant(p.name, devices[device].name(), "twice: give each device once");
                    }
                    j += 1;
                }
                grants[gi] = GrantInfo {
                    device,
                    exclusive: crate::devices::num_of(&g.fields[1]) != 0,
                };
                gi += 1;
                rest = tail;
            }
            let mut rest = p.fields[6];
            while let Some((n, tail)) = rest.uncons() {
                assert!(ii < MAX_POOL, "a set of partitions routes at most 256 interrupts");
                irqs[ii] = crate::devices::num_of(&n) as u32;
                ii += 1;
                rest = tail;
            }
            k += 1;
        }
        (regions, grants, irqs)
    };
    const REGIONS: &'static [RegionInfo] = &Self::POOLS.0;
    const GRANTS: &'static [GrantInfo] = &Self::POOLS.1;
    const IRQS: &'static [u32] = &Self::POOLS.2;

    const TABLE: [PartitionInfo; MAX_PARTITIONS] = {
        let mut t = [PartitionInfo::EMPTY; MAX_PARTITIONS];
        let (mut ri, mut gi, mut ii) = (0, 0, 0);
        let mut k = 0;
        while k < Self::LEN {
            let p = record(&Self::OUT.memory[k]);
            let (nr, ng, ni) = (list_len(p.fields[4]), list_len(p.fields[5]), list_len(p.fields[6]));
            let f = p.fields;
            if crate::devices::num_of(&f[1]) == 0 && crate::devices::num_of(&f[2]) == 0 {
                // `partitions!` refuses the nil UUID; a hand-written set is held to it here.
                let mut m = typevm::message::Message::new();
                m.push_str(crate::gate::REFUSES);
                m.push_str(": partition `");
                m.push_str(p.name);
                m.push_str("` has the nil UUID, which names no partition\nhelp: give the partition its own UUID");
                panic!("{}", m.as_str());
            }
            t[k] = PartitionInfo {
                name: p.name,
                id: crate::devices::num_of(&f[0]) as u16,
                uuid: ((crate::devices::num_of(&f[1]) as u128) << 64) | crate::devices::num_of(&f[2]) as u128,
                contexts: crate::devices::num_of(&f[3]) as u32,
                regions: Self::REGIONS.split_at(ri).1.split_at(nr).0,
                grants: Self::GRANTS.split_at(gi).1.split_at(ng).0,
                interrupts: Self::IRQS.split_at(ii).1.split_at(ni).0,
            };
            let mut j = 0;
            while j < k {
                if typevm::value::str_eq(t[j].name, p.name) {
                    crate::gate::refuse_duplicate_name(
                        "partition set",
                        P::NAME,
                        "partitions",
                        p.name,
                        "partitions are named in messages and logs: rename one of them",
                    );
                }
                j += 1;
            }
            ri += nr;
            gi += ng;
            ii += ni;
            k += 1;
        }
        t
    };
    /// The partitions, in declaration order.
    pub const PARTITIONS: &'static [PartitionInfo] = Self::TABLE.split_at(Self::LEN).0;
}

const fn list_len(mut rest: Val) -> usize {
    let mut n = 0;
    while let Some((_, tail)) = rest.uncons() {
        n += 1;
        rest = tail;
    }
    n
}

typevm::program! {
    /// Every trapped device a partition is given is of a kind the
    /// hypervisor emulates (passed-through devices need no emulation).
    /// Input: `[partitions, emulated kinds]`; the emulated kinds are one
    /// set's (`r6`, its identity), by id (`r5`, a bit each).
    pub KindsEmulated = [
        Store<R0>, Store<R1>,
        Load<R1>,
        kind: Uncons, Jz<@parts>,                                  // kinds', k
            Dup, Field<U4>, Field<U0>, Store<R6>, Field<U0>, SetBit<R5>, Jmp<@kind>,
        parts: Load<R0>,
        part: Uncons, Jz<@done>,                                   // tail, p
            Dup, Field<U5>,                                        // tail, p, grants
        grant: Uncons, Jz<@next>,                                  // tail, p, grants', g
            Field<U0>, Store<R3>,                                  // r3 = d
            Load<R3>, Field<U0>, Field<U3>, Jnz<@grant>,           // passed through
            Over, Load<R3>,
            Load<R3>, Field<U0>, Field<U4>, Field<U0>, Load<R6>, Eq,
            Load<R3>, Field<U0>, Field<U0>, TestBit<R5>, And,
            Report2<NotEmulated>, Jmp<@grant>,
        next: Pop, Jmp<@part>,
        done: Halt,
    ];
}
