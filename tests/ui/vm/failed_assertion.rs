// A program's own check: `Assert<R>` fails with the reason the program declares.
use typenum::consts::*;
use typevm::isa::*;

typevm::reason! {
    /// Budgets must be even.
    Odd: "examples: even budget", "budget {item} is odd", "use an even number";
}
typevm::program! {
    EvenBudget = [
        Push<U7>,                 // the item
        Dup, Push<U1>, And,       // item, item & 1
        Push<U0>, Eq,             // item, (item & 1) == 0
        Assert<Odd>, Halt,
    ];
}
typevm::check!(EvenBudget);

fn main() {}
