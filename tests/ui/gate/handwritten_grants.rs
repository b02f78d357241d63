// Found by an adversarial review (session 10): rules only the parser
// enforced. A hand-written partition set that gives one device twice (the
// hypervisor would map its window twice and halt at boot), and one with the
// nil UUID. The gate refuses both at reflection.
use programs::board::{Lifecycle, VirtDevices, uart0};
use programs::partitions::{Grant, PartitionSet};
use typenum::{U0, U1, U3};
use typevm::num;
use typevm::value::Display;

typevm::record!(pub struct Data = [U3, num!(0x4120_0000), num!(0x20_0000)] as Display::Window);
typevm::record!(
    #[allow(non_camel_case_types)]
    pub struct sp0 = [num!(0x8001), U1, U1, U1, frunk::HList![Data], frunk::HList![Grant<uart0, U0>, Grant<uart0, U0>], frunk::HList![]]
        as Display::Name
);
pub struct Parts;
impl PartitionSet for Parts {
    const NAME: &'static str = "Parts";
    type Partitions = frunk::HList![sp0];
}
pub struct Config;
impl programs::Config for Config {
    type Lifecycle = Lifecycle;
    type Devices = VirtDevices;
    type Partitions = Parts;
}
static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;

mod nil {
    use programs::partitions::PartitionSet;
    use typenum::{U0, U1, U3};
    use typevm::num;
    use typevm::value::Display;
    typevm::record!(pub struct Data = [U3, num!(0x4120_0000), num!(0x20_0000)] as Display::Window);
    typevm::record!(
        #[allow(non_camel_case_types)]
        pub struct sp1 = [num!(0x8002), U0, U0, U1, frunk::HList![Data], frunk::HList![], frunk::HList![]]
            as Display::Name
    );
    pub struct Parts;
    impl PartitionSet for Parts {
        const NAME: &'static str = "Nil";
        type Partitions = frunk::HList![sp1];
    }
    pub struct Config;
    impl programs::Config for Config {
        type Lifecycle = programs::board::Lifecycle;
        type Devices = programs::board::VirtDevices;
        type Partitions = Parts;
    }
    pub static ACCEPTED: programs::Accepted<Config> = programs::Accepted::CHECKED;
}

fn main() {
    let _ = ACCEPTED.partitions();
    let _ = nil::ACCEPTED.partitions();
}
