#![no_std]
//! TEMPORARY SEAM (being replaced by the checked configuration): the API below is
//! final, the values are not yet derived from the checked type program.
pub mod examples;
pub mod model;
pub use model::*;

/// A state of an SP lifecycle vocabulary.
pub trait StateId { const ID: u8; const NAME: &'static str; }

/// Per-transition handlers, derived from a handler declaration that the
/// checks matched one-to-one against the lifecycle table.
pub struct HandlerTable<Ctx: 'static> { entries: &'static [(u8, u8, fn(&Ctx))] }
impl<Ctx: 'static> HandlerTable<Ctx> {
    #[doc(hidden)]
    pub const fn __new(entries: &'static [(u8, u8, fn(&Ctx))]) -> Self { Self { entries } }
    /// The handler of `from -> to`, if the table has that transition.
    pub fn get(&self, from: u8, to: u8) -> Option<fn(&Ctx)> {
        self.entries.iter().find(|e| e.0 == from && e.1 == to).map(|e| e.2)
    }
}

/// An accepted configuration: obtainable only from a configuration the checks accepted.
pub struct Accepted { lifecycle: LifecycleInfo, devices: &'static [DeviceInfo], board: BoardInfo }
impl Accepted {
    pub const fn lifecycle(&self) -> &LifecycleInfo { &self.lifecycle }
    pub const fn devices(&self) -> &'static [DeviceInfo] { self.devices }
    pub const fn board(&self) -> &BoardInfo { &self.board }
}

#[macro_export]
macro_rules! transition_handlers {
    ($vis:vis static $name:ident : $crate_:ident :: HandlerTable<$ctx:ty> for $table:ty = { $($from:ident -> $to:ident => $f:path),* $(,)? };) => {
        $vis static $name: $crate::HandlerTable<$ctx> = $crate::HandlerTable::__new(&[
            $( (<$from as $crate::StateId>::ID, <$to as $crate::StateId>::ID, $f as fn(&$ctx)) ),*
        ]);
    };
}

pub mod board {
    use super::*;
    macro_rules! st { ($($n:ident = $i:expr),*) => { $(pub struct $n; impl StateId for $n { const ID: u8 = $i; const NAME: &'static str = stringify!($n); })* } }
    st!(Reset = 0, Idle = 1, Running = 2, Blocked = 3, Preempted = 4);
    pub struct Lifecycle;
    pub static ACCEPTED: Accepted = Accepted {
        lifecycle: LifecycleInfo {
            states: &["Reset", "Idle", "Running", "Blocked", "Preempted"],
            initial: 0, terminal: 0,
            legal: &[1 << 1, 1 << 2, (1 << 1) | (1 << 3) | (1 << 4), (1 << 2) | (1 << 4), 1 << 2],
        },
        devices: &[
            DeviceInfo { name: "gicd", kind: DeviceKind::GicV3Distributor, base: 0x0800_0000, size: 0x1_0000, irq: None },
            DeviceInfo { name: "gicr", kind: DeviceKind::GicV3Redistributor, base: 0x080A_0000, size: 0x80_0000, irq: None },
            DeviceInfo { name: "uart0", kind: DeviceKind::Pl011, base: 0x0900_0000, size: 0x1000, irq: Some(33) },
            DeviceInfo { name: "rtc0", kind: DeviceKind::Pl031, base: 0x0901_0000, size: 0x1000, irq: Some(34) },
        ],
        board: BoardInfo { name: "qemu-virt", ram_base: 0x4000_0000, ram_size: 0x4000_0000, device_base: 0x0800_0000, device_size: 0x3800_0000, image_base: 0x4020_0000, image_size: 0x0100_0000 },
    };
}
