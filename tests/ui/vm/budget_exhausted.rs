// A runaway loop stops on the step budget with a clear error, never a hang.
use typenum::consts::*;
use typevm::isa::{regs::*, *};

typevm::program! {
    Forever = [Load<R0>, Push<U1>, Add, Store<R0>, Jmp<Back<U4>>];
}
typevm::check!(Forever, budget = U1000);

fn main() {}
