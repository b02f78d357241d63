// VM numbers are naturals: 2 - 5 is a fault, not a wrap.
use typenum::consts::*;
use typevm::isa::*;

typevm::program! {
    TwoMinusFive = [Push<U2>, Push<U5>, Sub, Halt];
}
typevm::check!(TwoMinusFive);

fn main() {}
