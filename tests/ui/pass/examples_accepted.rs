// Every example program that should halt is accepted by `check!`.
use frunk::HList;
use programs::examples::*;
use typenum::consts::*;

typevm::check!(SumTo, input = HList![U8]);
typevm::check!(MulByAdd, input = HList![U6, U7]);
typevm::check!(Fibonacci, input = HList![U10]);
typevm::check!(NestedCount, input = HList![U5]);
typevm::check!(Gcd, input = HList![U18, U48]);
typevm::check!(Popcount, input = HList![U255]);
typevm::check!(ListSum, input = HList![HList![U1, U2]]);
typevm::check!(ListMax, input = HList![HList![U1, U2]]);
typevm::check!(CollatzSteps, input = HList![U27]);
typevm::check!(Swap16, input = HList![U255]);

fn main() {}
