// A way around the gate tried with safe code: build the runtime tables by
// hand and hand them to the hypervisor. Refused: their fields are private and
// they have no public constructor; the gate is the only way to one.
use programs::{BoardInfo, DeviceInfo, KindInfo, LifecycleInfo};

fn main() {
    let _ = LifecycleInfo { states: &["A"], initial: 0, terminal: 0, legal: &[1] };
    let _ = DeviceInfo { name: "uart9", kind: KindInfo::of::<programs::board::Pl011>(), base: 0x4020_0000, size: 0x1000, irq: None };
    // A kind is reflected from its declaration, not written: a passed-through UART.
    let _ = KindInfo { name: "Pl011", id: 0, set: 0, singleton: false, irq: programs::IrqClass::Spi, access: programs::KindAccess::Passthrough };
    let _ = BoardInfo {
        name: "forged",
        ram_base: 0,
        ram_size: 0,
        device_base: 0,
        device_size: 0,
        image_base: 0,
        image_size: 0,
        cpus: 1,
        kinds: &[],
    };
}
