// VM numbers are 64-bit words: u64::MAX + 1 is a fault.
use typenum::consts::*;
use typevm::isa::*;

typevm::program! {
    PastTheTop = [Push<typevm::num!(0xffff_ffff_ffff_ffff)>, Push<U1>, Add, Halt];
}
typevm::check!(PastTheTop);

fn main() {}
