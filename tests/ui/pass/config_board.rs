// The board configuration is accepted, and the runtime tables the hypervisor
// links are the ones reflected from it.
use programs::board::*;
use programs::{KindAccess, KindInfo, StateId};

fn main() {
    let lc = ACCEPTED.lifecycle();
    assert_eq!(lc.states(), ["Reset", "Idle", "Running", "Blocked", "Preempted"]);
    assert_eq!(lc.initial(), Reset::ID);
    let legal: Vec<(u8, u8)> = (0..5).flat_map(|f| (0..5).map(move |t| (f, t))).filter(|&(f, t)| lc.allows(f, t)).collect();
    assert_eq!(
        legal,
        [
            (Reset::ID, Idle::ID),
            (Idle::ID, Running::ID),
            (Running::ID, Idle::ID),
            (Running::ID, Blocked::ID),
            (Running::ID, Preempted::ID),
            (Blocked::ID, Running::ID),
            (Blocked::ID, Preempted::ID),
            (Preempted::ID, Running::ID),
        ]
    );
    let devices: Vec<_> = ACCEPTED.devices().iter().map(|d| (d.name(), *d.kind(), d.base(), d.size(), d.irq())).collect();
    assert_eq!(
        devices,
        [
            ("gicd", KindInfo::of::<GicV3Distributor>(), 0x0800_0000, 0x1_0000, None),
            ("gicr", KindInfo::of::<GicV3Redistributor>(), 0x080a_0000, 0x8_0000, None),
            ("uart0", KindInfo::of::<Pl011>(), 0x0900_0000, 0x1000, Some(33)),
            ("rtc0", KindInfo::of::<Pl031>(), 0x0901_0000, 0x1000, Some(34)),
            ("gpio0", KindInfo::of::<Pl061>(), 0x0903_0000, 0x1000, Some(39)),
        ]
    );
    // The board's kinds, in their set's order; gpio0's is passed through.
    let kinds: Vec<_> = ACCEPTED.board().kinds().iter().map(|k| k.name()).collect();
    assert_eq!(kinds[..4], ["Pl011", "Pl031", "Pl061", "GicV3Distributor"]);
    assert_eq!(ACCEPTED.devices()[4].kind().access(), KindAccess::Passthrough);
    assert!(!KindInfo::of::<Pl011>().is(&KindInfo::of::<Pl031>()));
    assert_eq!(ACCEPTED.board().ram_base(), 0x4000_0000);
    assert_eq!(ACCEPTED.board().image_base(), 0x4020_0000);
}
