// `Display::BrokenCell` marks the reflection of a nominal list cell whose
// rank does not hold; the twin faults `BrokenList` on it. A record declared
// with it would make the twin fault where the type level reads a record, so
// reflecting such a record is refused. (Review, session 5.)
use typevm::value::{Display, Value};

typevm::record!(
    pub struct Disguised = [typenum::U1] as Display::BrokenCell
);

const VAL: typevm::Val = <Disguised as Value>::VAL;

fn main() {
    let _ = VAL;
}
