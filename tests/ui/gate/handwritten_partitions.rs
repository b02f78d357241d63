// A partition set written by hand, without `partitions!` and its parser: a
// region both writable and executable (the parser refuses `rwx`; the checks
// do not read a region's access), and a second partition of the same name
// (the parser refuses it at the name). The gate refuses the set at
// reflection.
use programs::board::{Lifecycle, VirtDevices, uart0};
use programs::partitions::{Grant, PartitionSet};
use typenum::{U0, U1, U7};
use typevm::num;
use typevm::value::Display;

typevm::record!(pub struct Rwx = [U7, num!(0x4120_0000), num!(0x20_0000)] as Display::Window);
typevm::record!(
    #[allow(non_camel_case_types)]
    pub struct sp0 = [num!(0x8001), U1, U1, U1, frunk::HList![Rwx], frunk::HList![Grant<uart0, U0>], frunk::HList![]]
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

mod twice {
    use programs::partitions::PartitionSet;
    use typenum::U3;
    use typevm::num;
    use typevm::value::Display;
    typevm::record!(pub struct Code = [U3, num!(0x4120_0000), num!(0x1000)] as Display::Window);
    typevm::record!(pub struct Data = [U3, num!(0x4140_0000), num!(0x1000)] as Display::Window);
    pub mod a {
        typevm::record!(
            #[allow(non_camel_case_types)]
            pub struct sp0 = [typevm::num!(0x8001), typenum::U1, typenum::U1, typenum::U1, frunk::HList![super::Code], frunk::HList![], frunk::HList![]]
                as typevm::value::Display::Name
        );
    }
    pub mod b {
        typevm::record!(
            #[allow(non_camel_case_types)]
            pub struct sp0 = [typevm::num!(0x8002), typenum::U1, typenum::U1, typenum::U1, frunk::HList![super::Data], frunk::HList![], frunk::HList![]]
                as typevm::value::Display::Name
        );
    }
    pub struct Parts;
    impl PartitionSet for Parts {
        const NAME: &'static str = "Twice";
        type Partitions = frunk::HList![a::sp0, b::sp0];
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
    let _ = twice::ACCEPTED.partitions();
}
