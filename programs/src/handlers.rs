//! Per-transition handlers: the hypervisor declares one handler per
//! transition with `transition_handlers!`, and a check program holds the
//! declaration to the table one-to-one: a transition without a handler, a
//! handler for a transition the table does not have, or a transition with
//! two handlers is a compile error naming the transition. This is what a
//! `_ => false` table can never give: adding `Blocked -> Preempted` to the
//! table makes the compiler point at the missing handler.

use typenum::{U0, U1};
use typevm::isa::{regs::*, *};
use typevm::num;

/// The handlers of a table's transitions, derived from a checked
/// `transition_handlers!` declaration.
pub struct HandlerTable<Ctx: 'static> {
    entries: &'static [(u8, u8, fn(&Ctx))],
}

impl<Ctx: 'static> HandlerTable<Ctx> {
    #[doc(hidden)]
    pub const fn __new(entries: &'static [(u8, u8, fn(&Ctx))]) -> Self {
        Self { entries }
    }

    /// The handler of `from -> to`, if the table has that transition.
    pub fn get(&self, from: u8, to: u8) -> Option<fn(&Ctx)> {
        self.entries.iter().find(|e| e.0 == from && e.1 == to).map(|e| e.2)
    }

    /// Number of handlers (one per transition of the table).
    pub const fn len(&self) -> usize {
        self.entries.len()
    }

    /// Does the table have no handler at all?
    pub const fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

typevm::reason! {
    /// A transition without a handler.
    pub MissingHandler: "handlers: one per transition",
        "transition {item} is in the lifecycle table but has no handler",
        "add a handler for {item} to `transition_handlers!`";
    /// A handler for a transition the table does not have.
    pub HandlerWithoutTransition: "handlers: none for a transition not in the table",
        "a handler is declared for {item}, which is not a transition of the lifecycle table",
        "remove the handler, or add the transition to the table";
    /// Two handlers for one transition.
    pub DuplicateHandler: "handlers: one per transition",
        "transition {item} has two handlers",
        "keep one";
}

typevm::program! {
    /// The handler list and the table's transitions match one-to-one.
    /// Input: `[table transitions, handler transitions]`. Memory word `from`
    /// holds the table's targets from `from`; word `64 + from` the handled ones.
    pub HandlersMatchTable = [
        Store<R0>, Store<R1>,
        Load<R0>,
        table: Uncons, Jz<@handlers>,                              // tail, e
            Dup, Field<U0>, Field<U0>, Store<R5>,
            Field<U1>, Field<U0>, Push<U1>, Swap, Shl, Store<R6>,
            Load<R5>, Load<R5>, Peek, Load<R6>, Or, Poke,
            Jmp<@table>,
        handlers: Load<R1>,
        handler: Uncons, Jz<@complete>,                            // tail, h
            Dup, Field<U0>, Field<U0>, Store<R5>,
            Dup, Field<U1>, Field<U0>, Push<U1>, Swap, Shl, Store<R6>,
            Dup, Load<R5>, Peek, Load<R6>, And, Assert<HandlerWithoutTransition>,
            Dup, Load<R5>, Push<num!(64)>, Add, Peek, Load<R6>, And, Push<U0>, Eq,
            Assert<DuplicateHandler>,
            Load<R5>, Push<num!(64)>, Add, Dup, Peek, Load<R6>, Or, Poke,
            Pop, Jmp<@handler>,
        complete: Load<R0>,
        transition: Uncons, Jz<@done>,                             // tail, e
            Dup, Field<U0>, Field<U0>, Store<R5>,
            Dup, Field<U1>, Field<U0>, Push<U1>, Swap, Shl, Store<R6>,
            Load<R5>, Push<num!(64)>, Add, Peek, Load<R6>, And,
            Assert<MissingHandler>, Jmp<@transition>,
        done: Halt,
    ];
}
