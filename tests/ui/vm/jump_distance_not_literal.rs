// `program!` links every jump to its target cell while it expands, so a jump
// distance must be a literal it can read (or a label): an alias is refused
// at the distance, before any check runs.
use typevm::isa::*;

type Three = typenum::Sum<typenum::U1, typenum::U2>;

typevm::program! {
    Skips = [Jmp<Fwd<Three>>, Halt, Halt, Halt, Halt];
}

fn main() {}
