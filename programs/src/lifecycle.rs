//! SP lifecycle tables: the types `sp_states!` and `sp_lifecycle!` produce,
//! the check programs that run on them, and the runtime table derived from
//! an accepted one.
//!
//! A table reaches the checks as the VM's input stack, top first:
//! `[edges, declared, initial, terminal, reentrant, marked]`, where each is a
//! list of records: states (`Display::Name`, field 0 = the state's id) and
//! transitions ([`Edge`], fields 0 and 1 = the two states). `marked` is
//! `initial ++ terminal ++ reentrant`.

use typenum::{U0, U1};
use typevm::isa::{regs::*, *};
use typevm::value::Val;

use crate::model::LifecycleInfo;

/// A state of a vocabulary declared with `sp_states!`.
pub trait StateId {
    /// Its id: its position in the vocabulary (0..64).
    const ID: u8;
    /// Its name as written.
    const NAME: &'static str;
}

typevm::record!(
    /// The transition `From -> To`.
    pub struct Edge<From, To> as typevm::value::Display::Arrow
);

/// A lifecycle table, as `sp_lifecycle!` declares it.
///
/// # Safety
///
/// The flat reflections (`EDGES`, `STATES`, `INITIAL`, `TERMINAL`,
/// `REENTRANT`) must describe exactly the items of `Edges` and `Input` (the
/// gate checks the types and links the reflections); `sp_lifecycle!`
/// guarantees it.
pub unsafe trait Table {
    /// The table's name.
    const NAME: &'static str;
    /// The transitions, an HList of [`Edge`]s.
    type Edges;
    /// The VM input: `[edges, declared, initial, terminal, reentrant, marked]`.
    type Input;
    /// The transitions, reflected flat (each a [`Val::Rec`] of an [`Edge`]).
    const EDGES: &'static [Val];
    /// The declared states, reflected flat.
    const STATES: &'static [Val];
    /// The initial, terminal and reentrant states, reflected flat.
    const INITIAL: &'static [Val];
    const TERMINAL: &'static [Val];
    const REENTRANT: &'static [Val];
}

typevm::reason! {
    /// A transition names a state the table does not declare.
    pub UndeclaredState: "lifecycle: every state named is declared",
        "state {1} in transition {0} is not declared in `states:`",
        "add {1} to the table's `states:` line, or fix the transition";
    /// `initial:`, `terminal:` or `reentrant:` names an undeclared state.
    pub UndeclaredMarkedState: "lifecycle: every state named is declared",
        "state {item} is named in `initial:`, `terminal:` or `reentrant:` but not declared in `states:`",
        "add {item} to the table's `states:` line";
    /// No initial state.
    pub NoInitialState: "lifecycle: exactly one initial state",
        "the table declares no initial state",
        "add `initial: <State>;`";
    /// More than one initial state.
    pub SeveralInitialStates: "lifecycle: exactly one initial state",
        "the table declares several initial states: {item}",
        "keep exactly one state in `initial:`";
    /// The same transition twice.
    pub DuplicateTransition: "lifecycle: no duplicate transition",
        "transition {item} is listed twice",
        "remove one of the two";
    /// A state nothing leads to.
    pub UnreachableState: "lifecycle: every state reachable from the initial state",
        "state {0} is not reachable from the initial state {1}",
        "add a transition that leads to {0}, or remove it from `states:`";
    /// A state with no way out.
    pub DeadEnd: "lifecycle: no dead end",
        "state {item} has no outgoing transition",
        "add a transition out of {item}, or declare it in `terminal:`";
    /// A transition into the initial state.
    pub EntersInitialState: "lifecycle: the initial state has no incoming transition",
        "transition {0} is not allowed because {1} is the initial state",
        "remove the transition, or declare {1} in `reentrant:` if partitions may return to it";
}

typevm::program! {
    /// Every state a transition, `initial:`, `terminal:` or `reentrant:`
    /// names is in `states:`.
    pub StatesDeclared = [
        Store<R0>, Store<R1>, Pop, Pop, Pop, Store<R2>,
        // r5 = mask of declared ids
        Load<R1>,
        declared: Uncons, Jz<@edges>,
            Field<U0>, Push<U1>, Swap, Shl, Load<R5>, Or, Store<R5>, Jmp<@declared>,
        edges: Load<R0>,
        edge: Uncons, Jz<@marked>,
            Dup, Dup, Field<U0>,                                   // tail, e, e, from
            Dup, Field<U0>, Load<R5>, Swap, Shr, Push<U1>, And,    // tail, e, e, from, declared?
            Assert2<UndeclaredState>,
            Dup, Dup, Field<U1>,
            Dup, Field<U0>, Load<R5>, Swap, Shr, Push<U1>, And,
            Assert2<UndeclaredState>,
            Pop, Jmp<@edge>,
        marked: Load<R2>,
        mark: Uncons, Jz<@done>,
            Dup, Field<U0>, Load<R5>, Swap, Shr, Push<U1>, And,
            Assert<UndeclaredMarkedState>, Jmp<@mark>,
        done: Halt,
    ];

    /// Exactly one state is initial.
    pub OneInitialState = [
        Pop, Pop, Store<R2>, Pop, Pop, Pop,
        Load<R2>, Uncons, Jz<@none>,
        Pop, Uncons, Jz<@one>,
        Pop, Pop, Load<R2>, Fail<SeveralInitialStates>,
        one: Halt,
        none: Push<U0>, Fail<NoInitialState>,
    ];

    /// No transition is listed twice. Memory word `from` holds the mask of
    /// targets seen so far from `from`.
    pub NoDuplicateTransition = [
        Store<R0>, Pop, Pop, Pop, Pop, Pop,
        Load<R0>,
        edge: Uncons, Jz<@done>,                                   // tail, e
            Dup, Field<U0>, Field<U0>, Store<R5>,                  // r5 = from
            Dup, Field<U1>, Field<U0>, Push<U1>, Swap, Shl, Store<R6>,  // r6 = 1 << to
            Load<R5>, Peek, Load<R6>, And, Push<U0>, Eq,           // tail, e, unseen?
            Assert<DuplicateTransition>,                           // tail
            Load<R5>, Load<R5>, Peek, Load<R6>, Or, Poke,
            Jmp<@edge>,
        done: Halt,
    ];

    /// Every declared state is reachable from the initial state: iterate
    /// over the transitions until the reached set stops growing.
    pub EveryStateReachable = [
        Store<R0>, Store<R1>, Store<R2>, Pop, Pop, Pop,
        Load<R2>, Uncons, Jz<@no_initial>, Store<R7>, Pop,         // r7 = the initial state
        Load<R7>, Field<U0>, Push<U1>, Swap, Shl, Store<R5>,       // r5 = reached
        pass: Load<R5>, Store<R6>, Load<R0>,                       // r6 = reached before the pass
        edge: Uncons, Jz<@pass_end>,                               // tail, e
            Dup, Field<U0>, Field<U0>, Load<R5>, Swap, Shr, Push<U1>, And,
            Jz<@skip>,
            Field<U1>, Field<U0>, Push<U1>, Swap, Shl, Load<R5>, Or, Store<R5>,
            Jmp<@edge>,
        skip: Pop, Jmp<@edge>,
        pass_end: Load<R5>, Load<R6>, Eq, Jz<@pass>,
        Load<R1>,
        state: Uncons, Jz<@done>,                                  // tail, s
            Load<R7>, Over, Field<U0>, Load<R5>, Swap, Shr, Push<U1>, And,
            Assert2<UnreachableState>, Jmp<@state>,
        done: Halt,
        no_initial: Halt,                                          // `OneInitialState` reports it
    ];

    /// Every declared state has an outgoing transition, or is terminal.
    pub NoDeadEnd = [
        Store<R0>, Store<R1>, Pop, Store<R3>, Pop, Pop,
        Load<R3>,
        terminal: Uncons, Jz<@edges>,
            Field<U0>, Push<U1>, Swap, Shl, Load<R6>, Or, Store<R6>, Jmp<@terminal>,
        edges: Load<R0>,
        edge: Uncons, Jz<@states>,
            Field<U0>, Field<U0>, Push<U1>, Swap, Shl, Load<R5>, Or, Store<R5>, Jmp<@edge>,
        states: Load<R1>,
        state: Uncons, Jz<@done>,                                  // tail, s
            Dup, Field<U0>, Dup, Load<R5>, Swap, Shr,              // tail, s, id, out >> id
            Swap, Load<R6>, Swap, Shr, Or, Push<U1>, And,          // tail, s, leaves-or-terminal
            Assert<DeadEnd>, Jmp<@state>,
        done: Halt,
    ];

    /// No transition enters the initial state unless it is `reentrant:`.
    pub InitialNotEntered = [
        Store<R0>, Pop, Store<R2>, Pop, Store<R4>, Pop,
        Load<R2>, Uncons, Jz<@done>, Store<R7>, Pop,               // r7 = the initial state
        Load<R7>, Field<U0>, Store<R5>,                            // r5 = its id
        Load<R4>,
        reentrant: Uncons, Jz<@edges>,
            Field<U0>, Load<R5>, Eq, Jnz<@done>, Jmp<@reentrant>,
        edges: Load<R0>,
        edge: Uncons, Jz<@done>,                                   // tail, e
            Load<R7>, Over, Field<U1>, Field<U0>, Load<R5>, Eq, Push<U0>, Eq,
            Assert2<EntersInitialState>, Jmp<@edge>,
        done: Halt,
    ];
}

/// The legal-transition masks of a table: `legal[from]` has bit `to` for
/// every transition, indexed by vocabulary id.
pub const fn legal_masks(edges: &[Val]) -> [u64; 64] {
    let mut legal = [0u64; 64];
    let mut i = 0;
    while i < edges.len() {
        let (from, to) = edge_ids(&edges[i]);
        legal[from as usize] |= 1 << to;
        i += 1;
    }
    legal
}

/// The ids of a reflected [`Edge`].
pub const fn edge_ids(edge: &Val) -> (u8, u8) {
    match edge {
        Val::Rec(r) => (state_id(&r.fields[0]), state_id(&r.fields[1])),
        // `sp_lifecycle!` reflects every transition as an `Edge` record.
        _ => panic!("a transition reflects as an `Edge` record"),
    }
}

/// The id of a reflected state.
pub const fn state_id(state: &Val) -> u8 {
    match state {
        Val::Rec(r) => match r.fields[0] {
            Val::Num(n) => n as u8,
            _ => panic!("a state's field 0 is its id"),
        },
        // `sp_states!` reflects every state as a record.
        _ => panic!("a state reflects as a record"),
    }
}

/// A reflected state's name.
pub const fn state_name(state: &Val) -> &'static str {
    match state {
        Val::Rec(r) => r.name,
        // `sp_states!` reflects every state as a record.
        _ => panic!("a state reflects as a record"),
    }
}

/// State names indexed by vocabulary id (`""` for ids the table does not declare).
pub const fn state_names(states: &[Val]) -> [&'static str; 64] {
    let mut names = [""; 64];
    let mut i = 0;
    while i < states.len() {
        names[state_id(&states[i]) as usize] = state_name(&states[i]);
        i += 1;
    }
    names
}

/// One past the largest declared id.
pub const fn id_span(states: &[Val]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < states.len() {
        let id = state_id(&states[i]) as usize + 1;
        if id > n {
            n = id;
        }
        i += 1;
    }
    n
}

/// The mask of the given states' ids.
pub const fn id_mask(states: &[Val]) -> u64 {
    let mut m = 0;
    let mut i = 0;
    while i < states.len() {
        m |= 1 << state_id(&states[i]);
        i += 1;
    }
    m
}

/// The runtime table of a lifecycle table. Crate-private: the gate
/// ([`crate::Accepted::CHECKED`]) is the only way to it from outside.
pub(crate) struct Reflected<T>(core::marker::PhantomData<T>);
impl<T: Table> Reflected<T> {
    const NAMES: [&'static str; 64] = state_names(T::STATES);
    const LEGAL: [u64; 64] = legal_masks(T::EDGES);
    const SPAN: usize = id_span(T::STATES);
    /// Names, initial state, terminal mask and legal masks, indexed by id.
    pub const INFO: LifecycleInfo = LifecycleInfo {
        states: Self::NAMES.split_at(Self::SPAN).0,
        // The gate evaluates this only next to the checks, which require
        // exactly one initial state; anything else reads as state 0.
        initial: match T::INITIAL {
            [s] => state_id(s),
            _ => 0,
        },
        terminal: id_mask(T::TERMINAL),
        legal: Self::LEGAL.split_at(Self::SPAN).0,
    };
}
