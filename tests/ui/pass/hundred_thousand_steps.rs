// More than 100,000 VM ticks at rustc's default recursion limit: no
// `#![recursion_limit]` here. SumTo on 4,800 takes 100,814 ticks.
use frunk::HList;
use programs::examples::SumTo;

typevm::check!(SumTo, input = HList![typevm::num!(4800)]);

const RESULT: typevm::reflect::Snapshot =
    <typevm::Outcome<<SumTo as typevm::Program>::Code, HList![typevm::num!(4800)]> as typevm::reflect::Snapshots>::SNAPSHOT;

fn main() {
    assert_eq!(RESULT.regs[1], typevm::Val::Num(4800 * 4801 / 2));
    let twin = typevm::interp::run(<SumTo as typevm::Program>::OPS, &[typevm::Val::Num(4800)], typevm::DEFAULT_BUDGET).unwrap();
    assert_eq!(twin.ticks, 100_814);
}
