// A jump distance whose name says one number and whose type is another:
// `program!` links the jump by the literal it reads, the twin reflects the
// type, so the two levels would jump to different places. Refused at the jump.
use typevm::isa::*;

type U1 = typenum::U3;

typevm::program! {
    Skips = [Jmp<Fwd<U1>>, Halt, Halt, Halt, Halt];
}
typevm::check!(Skips);

fn main() {}
