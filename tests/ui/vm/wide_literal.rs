// VM numbers are 64-bit words: a literal of 2^64 is refused where it is
// reflected, instead of being truncated at the value level.
use typevm::isa::*;

type TwoTo64 = typenum::UInt<typevm::num!(0x8000_0000_0000_0000), typenum::B0>;

typevm::program! {
    Wide = [Push<TwoTo64>, Halt];
}
typevm::check!(Wide);

fn main() {}
