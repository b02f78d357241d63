//! The check catalogue, declared once: which check programs run on which
//! input. Everything that runs checks follows this one declaration: the link
//! gate ([`crate::Accepted`], [`crate::HandlerTable::checked`]) and the
//! configuration macros (both through each group's `Programs`: the macros
//! with [`crate::gate::report_item`] per item and [`crate::gate::report_rest`])
//! and `explain` (through each group's [`CHECKS`]).
//! Adding a check is one name here plus its program.
//!
//! [`CHECKS`]: lifecycle_checks::CHECKS

use typevm::reflect::{Op, Program};

/// A check program as `explain` and the tests run it on values.
#[derive(Clone, Copy, Debug)]
pub struct Check {
    /// The program's name (`StatesDeclared`).
    pub name: &'static str,
    /// Its instructions.
    pub ops: &'static [Op],
}

impl Check {
    /// The check of program `P`.
    pub const fn of<P: Program>() -> Check {
        Check {
            name: P::NAME,
            ops: P::OPS,
        }
    }
}

/// For each group of the catalogue: a module with its programs as a type
/// list (`Programs`, what the gate and the configuration macros run) and as
/// values (`CHECKS`, what `explain` runs).
macro_rules! define_catalogue {
    ($($(#[$doc:meta])* $group:ident($module:ident, $input:literal): $($p:ident),+;)*) => {$(
        $(#[$doc])*
        #[doc = concat!("\n\nInput: `", $input, "`.")]
        pub mod $group {
            /// The group's programs, in catalogue order, as a type list.
            pub type Programs = frunk::HList![$(crate::$module::$p),+];
            /// The group's programs as values.
            pub const CHECKS: &[super::Check] = &[$(super::Check::of::<crate::$module::$p>()),+];
        }

    )*};
}

define_catalogue! {
    /// The SP lifecycle table's checks.
    lifecycle_checks(lifecycle, "programs::lifecycle::Input<Table>"):
        StatesDeclared, OneInitialState, NoDuplicateTransition, EveryStateReachable, NoDeadEnd, InitialNotEntered;
    /// The device map's checks.
    device_checks(devices, "programs::devices::Input<Map>"):
        KindsOfBoard, WindowsAligned, SharedPagesTrapped, WindowsInDeviceRange, WindowsClearOfRamAndImage,
        WindowsDisjoint, InterruptsUnique, InterruptsInRange, SingletonsOnce;
    /// The check between the devices partitions are given and the
    /// hypervisor's emulations.
    emulation_checks(partitions, "programs::partitions::EmulationInput<Partitions, Emulated>"):
        KindsEmulated;
    /// The partitions' checks, against the device map and the board.
    partition_checks(partitions, "programs::partitions::Input<Partitions, Map>"):
        PartitionIdsUnique, GrantsInMap, ExclusiveGrantsOnce, PassthroughGrantsExclusive, MemoryPlaced, MemoryDisjoint, InterruptsRouted,
        ContextsFitCpus;
    /// The check between a lifecycle table and its handler declaration.
    handler_checks(handlers, "programs::handlers::Input<Handlers>"):
        HandlersMatchTable;
}
