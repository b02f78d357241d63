// A program must end in `Halt` (or `Fail`).
use typenum::consts::*;
use typevm::isa::*;

typevm::program! {
    NoHalt = [Push<U1>, Push<U2>, Add];
}
typevm::check!(NoHalt);

fn main() {}
