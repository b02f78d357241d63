// A way around the gate tried with safe code: a state whose reflected value
// (what the runtime table is built from) differs from the fields the checks
// read. Refused: `Value` and `StateId` are sealed and derived from the
// record's declared fields; there is nothing left to write by hand.
use typevm::value::{Val, Value};

programs::sp_states! { pub SpState: Reset, Idle; }

pub struct Liar;
impl Value for Liar {
    const VAL: Val = Val::Num(0);
}
impl programs::StateId for Liar {
    const ID: u8 = 1;
    const NAME: &'static str = "Idle";
    type Vocabulary = SpState;
}

fn main() {}
