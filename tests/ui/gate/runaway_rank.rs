// Found by an adversarial review (session 10): a nominal cell's rank was
// checked through public traits, so a rank type of one's own with
// `Succ`/`RankIs` impls could claim to hold and unfold a list forever (what
// `runaway_list.rs` pins as refused at once with `BrokenList`). The rank
// traits are private now.
use typevm::value::{CellOf, Declared, Display};

pub struct R;
impl typevm::value::Succ for R {
    type Out = R;
}
impl<X> typevm::value::RankIs<X> for R {
    type Out = typenum::B1;
}

pub struct Loop;
impl Declared for Loop {
    type Form = CellOf<frunk::HCons<programs::board::uart0, Loop>, R>;
    const NAME: &'static str = "Loop";
    const DISPLAY: Display = Display::Name;
}

fn main() {}
