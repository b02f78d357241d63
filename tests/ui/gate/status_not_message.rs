// A check program's verdict is read from how the run ended, never from its
// message: a fault whose reason has an empty message still refuses.
typevm::reason! {
    /// A reason that says nothing.
    pub Silent: "", "", "";
}
typevm::program! {
    pub FailsQuietly = [Push<typenum::U0>, Fail<Silent>];
}
use typevm::isa::*;

const _: () = programs::gate::check_group::<frunk::HList![FailsQuietly], frunk::HNil>("quiet");

fn main() {}
