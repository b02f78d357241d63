// A backward jump to before instruction #0.
use typenum::consts::*;
use typevm::isa::*;

typevm::program! {
    BackTooFar = [Push<U1>, Pop, Jmp<Back<U3>>, Halt];
}
typevm::check!(BackTooFar);

fn main() {}
