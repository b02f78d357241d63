//! Per-transition handlers: the hypervisor declares one handler per
//! transition with `transition_handlers!`, and a check program holds the
//! declaration to the table one-to-one: a transition without a handler, a
//! handler for a transition the table does not have, or a transition with
//! two handlers is a compile error naming the transition. This is what a
//! `_ => false` table can never give: adding `Blocked -> Preempted` to the
//! table makes the compiler point at the missing handler.

use core::marker::PhantomData;
use typenum::{U0, U1};
use typevm::isa::{regs::*, *};
use typevm::num;

use crate::lifecycle::{Table, edge_ids};

/// A handler declaration, as `transition_handlers!` writes one: the
/// transitions it handles as types (what the check reads) and one function
/// per transition, in the same order.
pub trait Handlers: 'static {
    /// The declaration's name.
    const NAME: &'static str;
    /// What every handler is called with.
    type Context: 'static;
    /// The lifecycle table the handlers are checked against.
    type Table: Table;
    /// The transitions handled: a list of [`Edge`](crate::lifecycle::Edge)s.
    type Handled;
    /// The handler of each element of `Handled`, in its order.
    const FUNCTIONS: &'static [fn(&Self::Context)];
}

/// The input of [`HandlersMatchTable`]: `[table transitions, handled
/// transitions, the table's vocabulary]`.
pub type Input<H> = frunk::HList![
    <<H as Handlers>::Table as Table>::Edges,
    <H as Handlers>::Handled,
    <<H as Handlers>::Table as Table>::Vocabulary
];

/// Most handlers a declaration may have.
pub const MAX_HANDLERS: usize = 256;

/// The handlers of table `T`'s transitions, each called with a `&Ctx`. Made
/// only by [`HandlerTable::CHECKED`], after the check held the declaration
/// to `T` one-to-one; its ids are reflected from the transitions the check read.
/// Invariant in `T`, so that it cannot coerce to the handler table of
/// another table (see `Accepted`).
pub struct HandlerTable<Ctx: 'static, T> {
    ids: &'static [(u8, u8)],
    functions: &'static [fn(&Ctx)],
    _table: PhantomData<fn(T) -> T>,
}

/// The ids of `H`'s handled transitions, in declaration order, output by
/// [`ReflectHandlers`] run on the input the check read.
struct HandledIds<H>(PhantomData<H>);
impl<H: Handlers> HandledIds<H>
where
    Input<H>: crate::gate::Reflects<ReflectHandlers>,
{
    const OUT: typevm::reflect::Output = <Input<H> as crate::gate::Reflects<ReflectHandlers>>::OUTPUT;
    const LEN: usize = {
        let n = crate::gate::word(&Self::OUT.r0) as usize;
        assert!(
            n == H::FUNCTIONS.len(),
            "a handler declaration lists one function per handled transition"
        );
        n
    };
    const ALL: [(u8, u8); MAX_HANDLERS] = {
        let mut ids = [(0u8, 0u8); MAX_HANDLERS];
        let mut i = 0;
        while i < Self::LEN {
            ids[i] = edge_ids(&Self::OUT.memory[i]);
            i += 1;
        }
        ids
    };
    const IDS: &'static [(u8, u8)] = Self::ALL.split_at(Self::LEN).0;
}

impl<Ctx: 'static, T: Table> HandlerTable<Ctx, T> {
    /// The handler table of declaration `H`: runs [`HandlersMatchTable`] on
    /// it and fails the build with the check's message unless every
    /// transition of `T` has exactly one handler and every handler a
    /// transition, or unless `T` itself fails the lifecycle checks (handlers
    /// for a refused table are refused with it). `transition_handlers!`
    /// calls it for its static.
    pub const fn checked<H>() -> Self
    where
        H: Handlers<Context = Ctx, Table = T>,
        Input<H>:
            crate::gate::PassesAll<crate::catalogue::handler_checks::Programs> + crate::gate::Reflects<ReflectHandlers>,
        crate::lifecycle::Input<T>: crate::gate::PassesAll<crate::catalogue::lifecycle_checks::Programs>,
    {
        crate::gate::refuse_unless_passes::<crate::catalogue::lifecycle_checks::Programs, crate::lifecycle::Input<T>>(
            T::NAME,
        );
        crate::gate::refuse_unless_passes::<crate::catalogue::handler_checks::Programs, Input<H>>(H::NAME);
        HandlerTable {
            ids: HandledIds::<H>::IDS,
            functions: H::FUNCTIONS,
            _table: PhantomData,
        }
    }

    /// The handler of `from -> to`, if the table has that transition.
    pub fn get(&self, from: u8, to: u8) -> Option<fn(&Ctx)> {
        let i = self.ids.iter().position(|&(f, t)| f == from && t == to)?;
        self.functions.get(i).copied()
    }

    /// Number of handlers (one per transition of the table).
    pub const fn len(&self) -> usize {
        self.ids.len()
    }

    /// Does the table have no handler at all?
    pub const fn is_empty(&self) -> bool {
        self.ids.is_empty()
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
    /// More handlers than a table may hold.
    pub TooManyHandlers: "handlers: at most 256 handlers",
        "the handler for {item} is the 257th of its declaration",
        "a handler table holds at most 256 handlers";
    /// A handler for a transition between states of another vocabulary.
    pub ForeignHandler: "handlers: none for a transition not in the table",
        "a handler is declared for {0}, which names a state that is not of vocabulary {1}",
        "handlers name the states of their table's vocabulary {1}";
    /// Two handlers for one transition.
    pub DuplicateHandler: "handlers: one per transition",
        "transition {item} has two handlers",
        "keep one";
}

typevm::program! {
    /// The handler list and the table's transitions match one-to-one.
    /// Input: `[table transitions, handler transitions, vocabulary]`. Memory
    /// word `from` holds the table's targets from `from`; word `64 + from`
    /// the handled ones.
    pub HandlersMatchTable = [
        Store<R0>, Store<R1>, Store<R2>,
        Load<R2>, Field<U0>, Store<R3>,                            // r3 = the vocabulary's identity
        Load<R0>,
        table: Uncons, Jz<@handlers>,                              // tail, e
            Dup, Field<U0>, Field<U0>, Dup, Store<R5>, Peek, Store<R6>,
            Field<U1>, Field<U0>, SetBit<R6>, Load<R5>, Load<R6>, Poke, Jmp<@table>,
        handlers: Load<R1>,
        // A handler naming a state of another vocabulary is reported as
        // that and nothing else: its ids alias this vocabulary's states.
        handler: Uncons, Jz<@complete>,                            // tail, h
            Dup, Field<U0>, Field<U1>, Field<U0>, Load<R3>, Eq, Jz<@foreign>,
            Dup, Field<U1>, Field<U1>, Field<U0>, Load<R3>, Eq, Jz<@foreign>,
            Dup, Field<U0>, Field<U0>, Dup, Store<R5>, Peek, Store<R6>,  // r5 = from, r6 = the table's targets
            Push<num!(64)>, Load<R5>, Add, Peek, Store<R4>,        // r4 = the handled ones
            Dup, Field<U1>, Field<U0>, Store<R7>,                  // r7 = to
            Dup, Load<R7>, TestBit<R6>, Report<HandlerWithoutTransition>,
            Dup, Load<R7>, TestBit<R4>, Push<U0>, Eq, Report<DuplicateHandler>,
            Load<R7>, SetBit<R4>, Push<num!(64)>, Load<R5>, Add, Load<R4>, Poke,
            Pop, Jmp<@handler>,
        foreign: Load<R2>, Push<U0>, Report2<ForeignHandler>, Jmp<@handler>,
        complete: Load<R0>,
        transition: Uncons, Jz<@done>,                             // tail, e
            Dup, Field<U0>, Field<U0>, Push<num!(64)>, Add, Peek, Store<R6>,
            Dup, Field<U1>, Field<U0>, TestBit<R6>, Jz<@missing>, Pop, Jmp<@transition>,
        // A transition naming a state of another vocabulary is the table's
        // error (`StatesDeclared`), not a missing handler.
        missing: Dup, Field<U0>, Field<U1>, Field<U0>, Load<R3>, Eq,
            Over, Field<U1>, Field<U1>, Field<U0>, Load<R3>, Eq, And, Jz<@unhandled_foreign>,
            Push<U0>, Report<MissingHandler>, Jmp<@transition>,
        unhandled_foreign: Pop, Jmp<@transition>,
        done: Halt,
    ];

    /// The handled transitions, output into memory: word `k` is the `k`-th
    /// handled transition, `r0` their number.
    pub ReflectHandlers = [
        Pop, Store<R0>, Pop, Load<R0>,
        handler: Uncons, Jz<@done>,                                // tail, h
            Dup, Load<R1>, Push<num!(256)>, Lt, Assert<TooManyHandlers>,
            Load<R1>, Swap, Poke,
            Load<R1>, Push<U1>, Add, Store<R1>, Jmp<@handler>,
        done: Load<R1>, Store<R0>, Halt,
    ];
}
