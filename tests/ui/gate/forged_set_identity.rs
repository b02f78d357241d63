// Found by an adversarial review (session 10): `KindsEmulated` knows a kind
// by its set identity and id. A hand-written kind set that copies the
// identity of the board's `VirtKinds` put a trapped kind of its own at the
// id of `Pl011`, and the check counted it as emulated. The gate refuses the
// set at reflection: a kind that claims the identity of `VirtKinds` must be
// one of its kinds.
use programs::board::{Lifecycle, VirtKinds};
use programs::devices::{Compatible, KindSet};
use typenum::{U0, U1};
use typevm::value::{Display, Record};
pub trait Head { type H; }
impl<H, T> Head for frunk::HCons<H, T> { type H = H; }
type VirtId = <<VirtKinds as Record>::Fields as Head>::H;
typevm::record!(pub struct Fake = [VirtId, U1] as Display::Name);
typevm::record!(pub struct Virtio = [U0, U0, U1, U0, Fake] as Display::Name); // id 0, trapped, spi
impl KindSet for Fake {
    const NAME: &'static str = "Fake";
    type Kinds = frunk::HList![Virtio];
    const COMPATIBLES: &'static [Compatible] = &[];
}
programs::board! { pub FakeBoard {
    ram: 0x4000_0000 + 0x4000_0000; devices: 0x0800_0000 + 0x3800_0000;
    image: 0x4020_0000 + 0x0100_0000; cpus: 4; kinds: Fake; } }
programs::devices! { pub Map on FakeBoard { net0: Virtio @ 0x0a00_0000 + 0x1000, irq 48; } }
programs::partitions! { pub Parts on Map {
    sp0: id 0x8001, uuid "b4b5671e-4a90-4fe1-b81f-fb13dae1dacb", contexts 1 {
        memory: ram @ 0x4120_0000 + 0x20_0000 rw; devices: net0; } } }
pub struct Config;
impl programs::Config for Config { type Lifecycle = Lifecycle; type Devices = Map; type Partitions = Parts; }
static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;
fn main() {
    let _ = ACCEPTED.partitions();
}
