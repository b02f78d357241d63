// A jump to a label the program does not define names the label and the program.
use typevm::isa::*;

typevm::program! {
    Loops = [top: Push<typenum::U1>, Jz<@done>, Jmp<@top>];
}

fn main() {}
