// `u32` is not an instruction: the error names it and its index.
use typenum::consts::*;
use typevm::isa::*;

typevm::program! {
    Typo = [Push<U1>, Dup, u32, Halt];
}

fn main() {}
