// `Add` on a list.
use frunk::HList;
use typenum::consts::*;
use typevm::isa::*;

typevm::program! {
    AddList = [Push<HList![U1, U2]>, Push<U3>, Add, Halt];
}
typevm::check!(AddList);

fn main() {}
