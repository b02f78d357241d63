// More than 100,000 VM ticks at rustc's default recursion limit: no
// `#![recursion_limit]` here. SumTo on 9,100 takes 100,105 ticks
// (11 per iteration: a jump is one tick).
use frunk::HList;
use programs::examples::SumTo;

typevm::check!(SumTo, input = HList![typevm::num!(9100)]);

const RESULT: typevm::reflect::Snapshot =
    <typevm::Outcome<<SumTo as typevm::Program>::Code, HList![typevm::num!(9100)]> as typevm::reflect::Snapshots>::SNAPSHOT;

fn main() {
    assert_eq!(RESULT.regs[1], typevm::Val::Num(9100 * 9101 / 2));
    let twin = typevm::interp::run(<SumTo as typevm::Program>::OPS, &[typevm::Val::Num(9100)], typevm::DEFAULT_BUDGET).unwrap();
    assert_eq!(twin.ticks, 100_105);
}
