// A way around the gate tried with safe code: give a state type a value kind
// of its own and teach the VM's per-kind dispatch to halt on it. Refused: a
// value's kind is sealed (numbers, lists and declared records/cells only),
// and the dispatch traits cannot even be named outside typevm.
pub struct Halting;
pub struct Sneaky;

impl typevm::value::Class for Sneaky {
    type K = Halting;
}

impl<N, R, S, B, A> typevm::isa::FieldK<Halting, Sneaky, R, S, B, A> for typevm::isa::Field<N> {
    type Next = typevm::machine::Halted<R, S, B, A>;
}

fn main() {}
