// `Add` needs two operands; the stack holds one.
use typenum::consts::*;
use typevm::isa::*;

typevm::program! {
    OneOperand = [Push<U1>, Add, Halt];
}
typevm::check!(OneOperand);

fn main() {}
