// A forward jump over more instructions than there are.
use typenum::consts::*;
use typevm::isa::*;

typevm::program! {
    LongJump = [Push<U1>, Jz<Fwd<U1>>, Jmp<Fwd<U7>>, Halt];
}
typevm::check!(LongJump);

fn main() {}
