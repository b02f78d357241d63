//! The link gate: the hypervisor can only be built from a configuration the
//! checks accepted.
//!
//! [`Accepted`] has private fields and a single way in, the associated const
//! [`Accepted::CHECKED`]. Evaluating it runs every check program on the
//! configuration's types in rustc's trait solver and fails the build with
//! the check's message unless all of them halt; only then does it reflect
//! the runtime tables out of the same types. There is no constructor that
//! takes values, so a hand-written or rejected table cannot reach the image.

use core::marker::PhantomData;
use frunk::{HCons, HNil};
use typevm::machine::Boot;
use typevm::message::Message;
use typevm::reflect::{Item, Note, Output, Outputs, Program, Status, Verdict, Verdicts};
use typevm::run::Run;
use typevm::value::{Display, Val, str_eq};

use crate::catalogue::{device_checks, emulation_checks, lifecycle_checks, partition_checks};
use crate::devices::{self, DeviceMap};
use crate::lifecycle::{self, Table};
use crate::model::{BoardInfo, DeviceInfo, LifecycleInfo};

/// The budget of every configuration check: 2^24 - 1 ticks. Check programs
/// always terminate; the budget only guards against an engine bug.
pub type CheckBudget = typevm::num!(0xff_ffff);
/// The number value of [`CheckBudget`].
pub const CHECK_BUDGET: u64 = 0xff_ffff;

/// The final machine of program `P` run on the input `I` within the checks' budget.
pub type Final<P, I> = <Boot<<P as Program>::Code, I> as Run<CheckBudget>>::Out;

/// The verdict of program `P` run on the input `Self` (a VM input stack).
pub trait Passes<P> {
    const VERDICT: Verdict;
}
#[diagnostic::do_not_recommend]
impl<P: Program, I> Passes<P> for I
where
    Boot<P::Code, I>: Run<CheckBudget>,
    Final<P, I>: Verdicts,
{
    const VERDICT: Verdict = <Final<P, I> as Verdicts>::VERDICT;
}

/// The output of reflection program `P` run on the input `Self`: how the
/// runtime tables are read from the very input the checks read, at a fixed
/// depth whatever the configuration's size (see `typevm::reflect::Output`).
pub trait Reflects<P> {
    const OUTPUT: Output;
}
impl<P: Program, I> Reflects<P> for I
where
    Boot<P::Code, I>: Run<CheckBudget>,
    Final<P, I>: Outputs,
{
    const OUTPUT: Output = {
        let out = <Final<P, I> as Outputs>::OUTPUT;
        if !matches!(out.verdict.status, Status::Halted) {
            let mut m = Message::new();
            m.push_str(REFUSES);
            m.push_str(": ");
            m.push_str(typevm::message::verdict_message(&out.verdict, P::NAME, "", CHECK_BUDGET).as_str());
            panic!("{}", m.as_str());
        }
        out
    };
}

/// A number a reflection program left in a memory word or register.
pub(crate) const fn word(v: &typevm::Val) -> u64 {
    match v {
        typevm::Val::Num(n) => *n,
        // Reflection programs store numbers where their callers read numbers.
        _ => panic!("a reflection program's output word is a number"),
    }
}

/// The gate's words before a refusal: where the configuration's own macro
/// already reported the same check (in the same crate), the two errors say
/// which is which.
pub(crate) const REFUSES: &str = "the link gate refuses this configuration";

/// Refuse a configuration part (`map `VirtDevices``) holding two items of
/// one name: the configuration macros refuse it at the name; this catches a
/// hand-written part at reflection. Not generic, so the error's notes stay
/// short.
pub(crate) const fn refuse_duplicate_name(part: &str, part_name: &str, items: &str, name: &str, help: &str) -> ! {
    let mut m = Message::new();
    m.push_str(REFUSES);
    m.push_str(": ");
    m.push_str(part);
    m.push_str(" `");
    m.push_str(part_name);
    m.push_str("` has two ");
    m.push_str(items);
    m.push_str(" named `");
    m.push_str(name);
    m.push_str("`\nhelp: ");
    m.push_str(help);
    panic!("{}", m.as_str());
}

/// Most checks in one group of the catalogue.
pub const MAX_GROUP: usize = 16;

/// A check that did not halt: its program and how the run ended.
#[derive(Clone, Copy, Debug)]
pub struct Failure {
    pub program: &'static str,
    pub verdict: Verdict,
}

/// Every program of the list `L` run on `Self`: the ones that did not halt,
/// in catalogue order.
#[diagnostic::on_unimplemented(
    message = "the checks cannot run on this configuration: one of its items is not a value they read",
    label = "checks not run",
    note = "fix the error above first: an item of the wrong kind (a type that is not a state, a transition, a device or a kind) stops every check of its group"
)]
pub trait PassesAll<L> {
    /// How many did not halt.
    const FAILED: usize;
    /// The first `FAILED` entries are the failures.
    const FAILURES: [Option<Failure>; MAX_GROUP];
}
impl<I> PassesAll<HNil> for I {
    const FAILED: usize = 0;
    const FAILURES: [Option<Failure>; MAX_GROUP] = [None; MAX_GROUP];
}
#[diagnostic::do_not_recommend]
impl<I, P: Program, T> PassesAll<HCons<P, T>> for I
where
    I: Passes<P> + PassesAll<T>,
{
    const FAILED: usize = {
        let own = !matches!(<I as Passes<P>>::VERDICT.status, Status::Halted);
        own as usize + <I as PassesAll<T>>::FAILED
    };
    const FAILURES: [Option<Failure>; MAX_GROUP] = {
        let rest = <I as PassesAll<T>>::FAILURES;
        let verdict = <I as Passes<P>>::VERDICT;
        if matches!(verdict.status, Status::Halted) {
            rest
        } else {
            assert!(rest[MAX_GROUP - 1].is_none(), "a catalogue group has at most 16 checks");
            let mut all = [None; MAX_GROUP];
            all[0] = Some(Failure {
                program: P::NAME,
                verdict,
            });
            let mut i = 0;
            while i + 1 < MAX_GROUP {
                all[i + 1] = rest[i];
                i += 1;
            }
            all
        }
    };
}

/// Fail const evaluation unless `I` passes every check of the catalogue
/// group `L`, naming `subject`: the gate's refusal. Only a run that executed
/// `Halt` passes; a fault or an exhausted budget refuses, whatever its
/// message says.
pub const fn refuse_unless_passes<L, I: PassesAll<L>>(subject: &str) {
    if <I as PassesAll<L>>::FAILED > 0 {
        let mut refusal = Message::new();
        add_failures(&mut refusal, &<I as PassesAll<L>>::FAILURES, subject);
        refuse(&refusal);
    }
}

/// Panic with the gate's refusal, unless it is empty.
const fn refuse(refusal: &Message) {
    if !refusal.is_empty() {
        let mut m = Message::new();
        m.push_str(REFUSES);
        m.push_str(":\n");
        m.push_str(refusal.as_str());
        panic!("{}", m.as_str());
    }
}

/// Add the messages of `failures` about `subject` to `into`, one per line.
const fn add_failures(into: &mut Message, failures: &[Option<Failure>; MAX_GROUP], subject: &str) {
    let mut i = 0;
    while i < MAX_GROUP {
        if let Some(f) = &failures[i] {
            if !into.is_empty() {
                into.push_byte(b'\n');
            }
            into.push_str(typevm::message::verdict_message(&f.verdict, f.program, subject, CHECK_BUDGET).as_str());
        }
        i += 1;
    }
}

/// How a configuration macro names one of its items, to find the
/// violations about it: a state or device by name, a transition by its states.
#[derive(Clone, Copy, Debug)]
pub enum ItemKey {
    Named(&'static str),
    Arrow(&'static str, &'static str),
}

/// Is `v` the item `key` names?
const fn is_item(v: &Val, key: &ItemKey) -> bool {
    let Val::Rec(r) = v else {
        return false;
    };
    match (key, r.display) {
        (ItemKey::Named(n), Display::Name | Display::Window) => str_eq(r.name, n),
        (ItemKey::Arrow(f, t), Display::Arrow) => match (&r.fields[0], &r.fields[1]) {
            (Val::Rec(a), Val::Rec(b)) => str_eq(a.name, f) && str_eq(b.name, t),
            // An arrow's fields are the two records it joins.
            _ => false,
        },
        // A key names a record by how it displays.
        _ => false,
    }
}

/// The item a violation is first about: the one whose line reports it.
const fn first_item(item: &Item) -> Option<&Val> {
    match item {
        Item::One(v) | Item::Pair(v, _) => Some(v),
        Item::None => None,
    }
}

/// Is the violation about one of `keys`?
const fn about_any(note: &Note, keys: &[ItemKey]) -> bool {
    let Some(v) = first_item(&note.item) else {
        return false;
    };
    let mut i = 0;
    while i < keys.len() {
        if is_item(v, &keys[i]) {
            return true;
        }
        i += 1;
    }
    false
}

/// Fail const evaluation with every violation in `failures` (a catalogue
/// group's, from [`PassesAll::FAILURES`]) whose first item is `key`. The
/// configuration macros emit one `const` calling this per item, with the
/// item's span, so each violation is reported at the line of the item it is
/// about. Not generic, so the error's notes stay short.
pub const fn report_item(failures: &[Option<Failure>; MAX_GROUP], subject: &str, key: ItemKey) {
    let mut m = Message::new();
    let mut i = 0;
    while i < MAX_GROUP {
        if let Some(f) = &failures[i]
            && let Status::Reported(notes) = &f.verdict.status
        {
            let mut k = 0;
            while k < notes.kept.len() {
                if let Some(note) = &notes.kept[k]
                    && about_any(note, core::slice::from_ref(&key))
                {
                    if !m.is_empty() {
                        m.push_byte(b'\n');
                    }
                    typevm::message::push_note(&mut m, note, subject, &f.verdict);
                }
                k += 1;
            }
        }
        i += 1;
    }
    if !m.is_empty() {
        panic!("{}", m.as_str());
    }
}

/// Fail const evaluation with what [`report_item`] reports at no item's
/// line: the violations about none of `keys`, the ones past the kept limit,
/// and runs that faulted or ran out of budget. The configuration macros emit
/// one `const` calling this per group, at the macro.
pub const fn report_rest(failures: &[Option<Failure>; MAX_GROUP], subject: &str, keys: &[ItemKey]) {
    let mut m = Message::new();
    let mut i = 0;
    while i < MAX_GROUP {
        if let Some(f) = &failures[i] {
            match &f.verdict.status {
                Status::Reported(notes) => {
                    let mut k = 0;
                    while k < notes.kept.len() {
                        if let Some(note) = &notes.kept[k]
                            && !about_any(note, keys)
                        {
                            if !m.is_empty() {
                                m.push_byte(b'\n');
                            }
                            typevm::message::push_note(&mut m, note, subject, &f.verdict);
                        }
                        k += 1;
                    }
                    if notes.dropped > 0 {
                        if !m.is_empty() {
                            m.push_byte(b'\n');
                        }
                        m.push_str("check program `");
                        m.push_str(f.program);
                        m.push_str("` reported ");
                        m.push_dec(notes.dropped);
                        m.push_str(
                            " more violations than the 16 shown at their lines (`cargo explain` lists them all)",
                        );
                    }
                }
                Status::Halted => {}
                Status::Faulted { .. } | Status::Exhausted => {
                    if !m.is_empty() {
                        m.push_byte(b'\n');
                    }
                    m.push_str(typevm::message::verdict_message(&f.verdict, f.program, subject, CHECK_BUDGET).as_str());
                }
            }
        }
        i += 1;
    }
    if !m.is_empty() {
        panic!("{}", m.as_str());
    }
}

/// Run every check of the catalogue group `L` on `I` and fail const
/// evaluation with all their messages unless each halts: [`report_rest`]
/// with no item located, for a configuration without item lines.
pub const fn check_group<L, I: PassesAll<L>>(subject: &str) {
    if <I as PassesAll<L>>::FAILED > 0 {
        report_rest(&<I as PassesAll<L>>::FAILURES, subject, &[]);
    }
}

/// A configuration: the SP lifecycle table, the device map, and the Secure
/// Partitions given devices of that map (none unless declared).
pub trait Config: 'static {
    type Lifecycle: Table;
    type Devices: DeviceMap;
    type Partitions: crate::partitions::PartitionSet = crate::partitions::NoPartitions;
}

/// A configuration that passed every check, with its runtime tables.
///
/// Invariant in `C`: were it covariant, the accepted value of one
/// configuration would coerce to a supertype's `Accepted` (two `Config`
/// impls can differ only by a higher-ranked fn pointer in `C`), whose tables
/// nobody checked (`tests/ui/gate/config_subtyping.rs`). The device kinds
/// the hypervisor emulates are [`crate::board::Emulated`], not a parameter:
/// a caller who could name them could claim any emulation.
pub struct Accepted<C> {
    lifecycle: LifecycleInfo,
    devices: &'static [DeviceInfo],
    board: BoardInfo,
    partitions: &'static [crate::model::PartitionInfo],
    _config: PhantomData<fn(C) -> C>,
}

/// The lifecycle checks' input of a configuration.
type LifecycleInput<C> = lifecycle::Input<<C as Config>::Lifecycle>;
/// The device checks' input of a configuration.
type DevicesInput<C> = devices::Input<<C as Config>::Devices>;
/// The partition checks' input of a configuration.
type PartitionsInput<C> = crate::partitions::Input<<C as Config>::Partitions, <C as Config>::Devices>;
/// The emulation check's input: the partitions (with the devices they are
/// given) and the kinds the hypervisor emulates.
type EmulationInput<C> = crate::partitions::EmulationInput<<C as Config>::Partitions, crate::board::Emulated>;

impl<C> Accepted<C>
where
    C: Config,
    LifecycleInput<C>: PassesAll<lifecycle_checks::Programs> + Reflects<lifecycle::ReflectTable>,
    DevicesInput<C>: PassesAll<device_checks::Programs> + Reflects<devices::ReflectMap>,
    <C::Devices as DeviceMap>::Board: typevm::value::Value + devices::BoardKinds,
    EmulationInput<C>: PassesAll<emulation_checks::Programs>,
    PartitionsInput<C>: PassesAll<partition_checks::Programs> + Reflects<crate::partitions::ReflectPartitions>,
{
    /// The accepted configuration. Evaluating this const runs every check of
    /// the catalogue on the configuration's types, fails the build with every
    /// failed check's message unless all of them halt, and only then reflects
    /// the runtime tables from the same inputs the checks read.
    pub const CHECKED: Self = {
        let mut refusal = Message::new();
        let map = <C::Devices as DeviceMap>::NAME;
        add_failures(
            &mut refusal,
            &<LifecycleInput<C> as PassesAll<lifecycle_checks::Programs>>::FAILURES,
            <C::Lifecycle as Table>::NAME,
        );
        add_failures(
            &mut refusal,
            &<DevicesInput<C> as PassesAll<device_checks::Programs>>::FAILURES,
            map,
        );
        let partitions = <C::Partitions as crate::partitions::PartitionSet>::NAME;
        add_failures(
            &mut refusal,
            &<PartitionsInput<C> as PassesAll<partition_checks::Programs>>::FAILURES,
            partitions,
        );
        add_failures(
            &mut refusal,
            &<EmulationInput<C> as PassesAll<emulation_checks::Programs>>::FAILURES,
            partitions,
        );
        refuse(&refusal);
        Accepted {
            lifecycle: lifecycle::Reflected::<C::Lifecycle>::INFO,
            devices: devices::Reflected::<C::Devices>::DEVICES,
            board: devices::Reflected::<C::Devices>::BOARD,
            partitions: crate::partitions::Reflected::<C::Partitions, C::Devices>::PARTITIONS,
            _config: PhantomData,
        }
    };
}

impl<C> Accepted<C> {
    /// The legal-transition table.
    pub const fn lifecycle(&self) -> &LifecycleInfo {
        &self.lifecycle
    }
    /// The device windows, in map order.
    pub const fn devices(&self) -> &'static [DeviceInfo] {
        self.devices
    }
    /// The board the map was checked against.
    pub const fn board(&self) -> &BoardInfo {
        &self.board
    }
    /// The Secure Partitions, in declaration order.
    pub const fn partitions(&self) -> &'static [crate::model::PartitionInfo] {
        self.partitions
    }
    /// The index of the partition named `name` (names are unique: the
    /// parser refuses a second one).
    pub const fn partition_named(&self, name: &str) -> Option<usize> {
        let mut i = 0;
        while i < self.partitions.len() {
            if typevm::value::str_eq(self.partitions[i].name(), name) {
                return Some(i);
            }
            i += 1;
        }
        None
    }
    /// The index of the partition with FF-A id `id` (`PartitionIdsUnique`).
    pub const fn partition_with_id(&self, id: u16) -> Option<usize> {
        let mut i = 0;
        while i < self.partitions.len() {
            if self.partitions[i].id() == id {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// Proof that the accepted lifecycle table lists `F -> T`, found at
    /// compile time in the table's `Edges` (the list the checks read): a
    /// transition the table does not list does not compile, at the line that
    /// asks for it.
    pub const fn transition<F, T>(&self) -> crate::transitions::Transition<C, F, T>
    where
        C: Config,
        C::Lifecycle: crate::transitions::Lists<F, T>,
    {
        crate::transitions::Transition::proved()
    }
}
