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
use typevm::reflect::{Program, Verdict, Verdicts};
use typevm::run::Run;

use crate::devices::{self, Board, DeviceMap};
use crate::lifecycle::{self, Table};
use crate::model::{BoardInfo, DeviceInfo, LifecycleInfo};

/// The budget of every configuration check: 2^24 - 1 ticks. Check programs
/// always terminate; the budget only guards against an engine bug.
pub type CheckBudget = typevm::num!(0xff_ffff);

/// The verdict of program `P` run on the input `Self` (a VM input stack).
pub trait Passes<P> {
    const VERDICT: Verdict;
}
impl<P: Program, I> Passes<P> for I
where
    Boot<P::Code, I>: Run<CheckBudget>,
    <Boot<P::Code, I> as Run<CheckBudget>>::Out: Verdicts,
{
    const VERDICT: Verdict = <<Boot<P::Code, I> as Run<CheckBudget>>::Out as Verdicts>::VERDICT;
}

/// Fail const evaluation unless `I` passes `P`, naming `subject`.
///
/// The message starts with `the link gate refuses ...`: where the
/// configuration's own macro already reported the same check (in the same
/// crate), the two errors say which is which.
pub const fn require<P: Program, I: Passes<P>>(subject: &str) {
    let found = typevm::message::verdict_message(&<I as Passes<P>>::VERDICT, P::NAME, subject, 0xff_ffff);
    if !found.is_empty() {
        let mut m = typevm::message::Message::new();
        m.push_str("the link gate refuses this configuration: ");
        m.push_str(found.as_str());
        panic!("{}", m.as_str());
    }
}

/// A configuration: the SP lifecycle table and the device map.
pub trait Config {
    type Lifecycle: Table;
    type Devices: DeviceMap;
}

/// A configuration that passed every check, with its runtime tables.
/// `E` is the HList of device kinds the hypervisor emulates.
pub struct Accepted<C, E> {
    lifecycle: LifecycleInfo,
    devices: &'static [DeviceInfo],
    board: BoardInfo,
    _config: PhantomData<fn() -> (C, E)>,
}

/// The lifecycle checks' input of a configuration.
type LifecycleInput<C> = <<C as Config>::Lifecycle as Table>::Input;
/// The device checks' input of a configuration.
type DevicesInput<C> = <<C as Config>::Devices as DeviceMap>::Input;
/// The emulation check's input: the map's devices and the emulated kinds.
type EmulationInput<C, E> = HCons<<<C as Config>::Devices as DeviceMap>::Devices, HCons<E, HNil>>;

impl<C, E> Accepted<C, E>
where
    C: Config,
    LifecycleInput<C>: Passes<lifecycle::StatesDeclared>
        + Passes<lifecycle::OneInitialState>
        + Passes<lifecycle::NoDuplicateTransition>
        + Passes<lifecycle::EveryStateReachable>
        + Passes<lifecycle::NoDeadEnd>
        + Passes<lifecycle::InitialNotEntered>,
    DevicesInput<C>: Passes<devices::WindowsAligned>
        + Passes<devices::WindowsInDeviceRange>
        + Passes<devices::WindowsClearOfRamAndImage>
        + Passes<devices::DevicePairsDisjoint>
        + Passes<devices::InterruptsInRange>
        + Passes<devices::SingletonsOnce>,
    EmulationInput<C, E>: Passes<devices::KindsEmulated>,
{
    /// The accepted configuration. Evaluating this const runs every check.
    pub const CHECKED: Self = {
        let l = <C::Lifecycle as Table>::NAME;
        require::<lifecycle::StatesDeclared, LifecycleInput<C>>(l);
        require::<lifecycle::OneInitialState, LifecycleInput<C>>(l);
        require::<lifecycle::NoDuplicateTransition, LifecycleInput<C>>(l);
        require::<lifecycle::EveryStateReachable, LifecycleInput<C>>(l);
        require::<lifecycle::NoDeadEnd, LifecycleInput<C>>(l);
        require::<lifecycle::InitialNotEntered, LifecycleInput<C>>(l);
        let d = <C::Devices as DeviceMap>::NAME;
        require::<devices::WindowsAligned, DevicesInput<C>>(d);
        require::<devices::WindowsInDeviceRange, DevicesInput<C>>(d);
        require::<devices::WindowsClearOfRamAndImage, DevicesInput<C>>(d);
        require::<devices::DevicePairsDisjoint, DevicesInput<C>>(d);
        require::<devices::InterruptsInRange, DevicesInput<C>>(d);
        require::<devices::SingletonsOnce, DevicesInput<C>>(d);
        require::<devices::KindsEmulated, EmulationInput<C, E>>(d);
        Accepted {
            lifecycle: lifecycle::Reflected::<C::Lifecycle>::INFO,
            devices: devices::Reflected::<C::Devices>::DEVICES,
            board: <<C::Devices as DeviceMap>::Board as Board>::INFO,
            _config: PhantomData,
        }
    };
}

impl<C, E> Accepted<C, E> {
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
}
