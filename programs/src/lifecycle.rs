//! SP lifecycle tables: the types `sp_states!` and `sp_lifecycle!` produce,
//! the check programs that run on them, and the runtime table derived from
//! an accepted one.
//!
//! A table reaches the checks as the VM's input stack, top first:
//! `[edges, declared, initial, terminal, reentrant, vocabulary]` (see
//! [`Input`]), where each list holds records: states (field 0 = the state's
//! id in its vocabulary, field 1 = the vocabulary) and transitions ([`Edge`],
//! fields 0 and 1 = the two states). A vocabulary is a record whose field 0
//! is its identity, a number `sp_states!` derives from the crate, the
//! vocabulary's name and its states, so that two vocabularies never compare
//! equal by accident, and whose field 1 is its number of states: a state is
//! of the vocabulary when it has that identity and an id below that number
//! (a record copying another vocabulary's fields can only rename its states).

use frunk::HList;
use typenum::{U0, U1, U2, Unsigned};
use typevm::isa::{regs::*, *};
use typevm::num;
use typevm::value::{Declared, RecordOf, Val};

use crate::model::LifecycleInfo;

mod sealed {
    pub trait Sealed {}
}
impl<T: typevm::value::Declared<Form = typevm::value::RecordOf<frunk::HList![Id, V]>>, Id: typenum::Unsigned, V>
    sealed::Sealed for T
{
}

/// A state: a record `[id, vocabulary]`, as `sp_states!` declares them.
/// Sealed and derived from the record's fields, so the id the runtime uses
/// is the id the checks read.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a state",
    label = "not a state declared with `sp_states!`",
    note = "states are declared with `programs::sp_states! {{ pub Vocabulary: A, B, C; }}`"
)]
pub trait StateId: sealed::Sealed {
    /// Its id: its position in the vocabulary (0..64).
    const ID: u8;
    /// Its name as written.
    const NAME: &'static str;
    /// The vocabulary it belongs to.
    type Vocabulary;
}
impl<T: Declared<Form = RecordOf<HList![Id, V]>>, Id: Unsigned, V> StateId for T {
    const ID: u8 = {
        assert!(Id::U64 < 64, "a state id is below 64");
        Id::U8
    };
    const NAME: &'static str = T::NAME;
    type Vocabulary = V;
}

/// `S` is a state of vocabulary `V`: what `sp_lifecycle!` requires of every
/// state it names, at the name.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a state of vocabulary `{V}`",
    label = "not a state of `{V}`",
    note = "a lifecycle table takes every state from the vocabulary it is declared `for`"
)]
pub trait StateOf<V> {}
impl<S: StateId> StateOf<S::Vocabulary> for S {}

/// Compile only if `S` is a state of vocabulary `V` (used by `sp_lifecycle!`
/// at each state's name).
pub const fn state_of<V, S: StateOf<V>>() {}

typevm::record!(
    /// The transition `From -> To`.
    pub struct Edge<From, To> as typevm::value::Display::Arrow
);

/// A lifecycle table, as `sp_lifecycle!` declares it: its parts as types.
/// The checks run on [`Input<Self>`], built from these parts by this crate,
/// and the runtime table is reflected from that same input, so a hand
/// implementation can only describe a table, never one the checks did not see.
pub trait Table: 'static {
    /// The table's name.
    const NAME: &'static str;
    /// The vocabulary record the states come from.
    type Vocabulary;
    /// The transitions, a list of [`Edge`]s.
    type Edges;
    /// The declared states, a list.
    type States;
    /// The initial states (the checks require exactly one).
    type Initial;
    /// The states that may be dead ends.
    type Terminal;
    /// The initial states that may be entered again.
    type Reentrant;
}

/// The VM input of a table's checks: `[edges, declared, initial, terminal,
/// reentrant, vocabulary]`, top first.
pub type Input<T> = HList![
    <T as Table>::Edges,
    <T as Table>::States,
    <T as Table>::Initial,
    <T as Table>::Terminal,
    <T as Table>::Reentrant,
    <T as Table>::Vocabulary
];

typevm::reason! {
    /// A transition names a state the table does not declare.
    pub UndeclaredState: "lifecycle: every state named is declared",
        "state {1} in transition {0} is not declared in `states:`",
        "add {1} to the table's `states:` line, or fix the transition";
    /// `initial:`, `terminal:` or `reentrant:` names an undeclared state.
    pub UndeclaredMarkedState: "lifecycle: every state named is declared",
        "state {item} is named in `initial:`, `terminal:` or `reentrant:` but not declared in `states:`",
        "add {item} to the table's `states:` line";
    /// A state of another vocabulary in `states:`.
    pub ForeignDeclaredState: "lifecycle: every state named is declared",
        "state {0} in `states:` is not a state of vocabulary {1}",
        "a table takes its states from the vocabulary it is declared `for`: use a state of {1}";
    /// Two states of `states:` with one id.
    pub StateDeclaredTwice: "lifecycle: every state named is declared",
        "state {item} has the id of another state in `states:`",
        "a state's id is its place in `sp_states!`: keep one of the two";
    /// A transition names a state of another vocabulary.
    pub ForeignState: "lifecycle: every state named is declared",
        "transition {0} names a state that is not of vocabulary {1}",
        "a table takes its states from the vocabulary it is declared `for`: use states of {1}";
    /// `initial:`, `terminal:` or `reentrant:` names a state of another vocabulary.
    pub ForeignMarkedState: "lifecycle: every state named is declared",
        "state {0} in `initial:`, `terminal:` or `reentrant:` is not a state of vocabulary {1}",
        "a table takes its states from the vocabulary it is declared `for`: use a state of {1}";
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
    /// Every state `states:`, a transition, `initial:`, `terminal:` or
    /// `reentrant:` names is of the table's vocabulary, and every state
    /// named is in `states:`.
    pub StatesDeclared = [
        Store<R0>, Store<R1>, Store<R2>, Store<R3>, Store<R4>, Store<R7>,
        Load<R7>, Field<U0>, Store<R6>,                            // r6 = the vocabulary's identity
        // r5 = mask of declared ids; a state counts only if it is of the
        // vocabulary: its identity, and an id below the vocabulary's size
        Load<R1>,
        declared: Uncons, Jz<@edges>,                              // tail, s
            Dup, Field<U1>, Field<U0>, Load<R6>, Eq, Jz<@foreign>,
            Dup, Field<U0>, Load<R7>, Field<U1>, Lt, Jz<@foreign>,
            Dup, Field<U0>, Dup, TestBit<R5>, Jnz<@twice>,         // tail, s, id
            SetBit<R5>, Pop, Jmp<@declared>,
        twice: Pop, Push<U0>, Report<StateDeclaredTwice>, Jmp<@declared>,
        foreign: Load<R7>, Push<U0>, Report2<ForeignDeclaredState>, Jmp<@declared>,
        edges: Load<R0>,
        // The common case first: both states of the vocabulary and declared.
        edge: Uncons, Jz<@initial>,                                // tail, e
            Dup, Field<U0>, Dup, Field<U1>, Field<U0>, Load<R6>, Eq, Jz<@odd_state>,
            Field<U0>, TestBit<R5>, Jz<@odd>,
            Dup, Field<U1>, Dup, Field<U1>, Field<U0>, Load<R6>, Eq, Jz<@odd_state>,
            Field<U0>, TestBit<R5>, Jz<@odd>,
            Pop, Jmp<@edge>,
        odd_state: Pop,
        // Something is off: say what, for each state.
        odd: Dup, Field<U0>, Field<U1>, Field<U0>, Load<R6>, Eq,   // tail, e, from of V?
            Over, Field<U1>, Field<U1>, Field<U0>, Load<R6>, Eq, And, Store<R1>,
            Dup, Load<R7>, Load<R1>, Report2<ForeignState>,        // tail, e
            Dup, Dup, Field<U0>, Dup, Field<U0>, TestBit<R5>, Report2<UndeclaredState>,
            Dup, Dup, Field<U1>, Dup, Field<U0>, TestBit<R5>, Report2<UndeclaredState>,
            Pop, Jmp<@edge>,
        initial: Load<R2>, Push<U0>, Jmp<@marks>,
        terminal: Load<R3>, Push<U1>, Jmp<@marks>,
        reentrant: Load<R4>, Push<U2>, Jmp<@marks>,
        marks: Store<R1>,                                          // r1 = which list; list
        mark: Uncons, Jz<@next_list>,                              // tail, s
            Dup, Load<R7>, Over, Field<U1>, Field<U0>, Load<R6>, Eq,
            Report2<ForeignMarkedState>,
            Dup, Field<U0>, TestBit<R5>, Report<UndeclaredMarkedState>, Jmp<@mark>,
        next_list: Load<R1>, Jz<@terminal>, Load<R1>, Push<U1>, Eq, Jnz<@reentrant>,
        Halt,
    ];

    /// Exactly one state is initial.
    pub OneInitialState = [
        Pop, Pop, Store<R2>, Pop, Pop, Pop,
        Load<R2>, Uncons, Jz<@none>,
        Pop, Uncons, Jz<@one>,
        Pop, Pop, Load<R2>, Push<U0>, Report<SeveralInitialStates>, Halt,
        one: Halt,
        none: Push<U0>, Push<U0>, Report<NoInitialState>, Halt,
    ];

    /// No transition is listed twice. Memory word `from` holds the mask of
    /// targets seen so far from `from`. At the first repeat, the check
    /// starts over in words `64 + from`, now leaving out the transitions
    /// that name a state of another vocabulary: `StatesDeclared` reports
    /// those, and their ids would alias this vocabulary's states.
    pub NoDuplicateTransition = [
        Store<R0>, Pop, Pop, Pop, Pop, Field<U0>, Store<R6>,       // r6 = the vocabulary's identity
        Load<R0>,
        edge: Uncons, Jz<@done>,                                   // tail, e
            Dup, Field<U0>, Field<U0>, Dup, Store<R3>, Peek, Store<R4>,  // r3 = from, r4 = its targets
            Field<U1>, Field<U0>, Dup, TestBit<R4>, Jnz<@careful>,       // tail, to
            SetBit<R4>, Load<R3>, Load<R4>, Poke, Jmp<@edge>,
        careful: Pop, Pop, Load<R0>,
        again: Uncons, Jz<@done>,                                  // tail, e
            Dup, Field<U0>, Field<U1>, Field<U0>, Load<R6>, Eq, Jz<@foreign>,
            Dup, Field<U1>, Field<U1>, Field<U0>, Load<R6>, Eq, Jz<@foreign>,
            Dup, Field<U0>, Field<U0>, Push<num!(64)>, Add, Dup, Store<R3>, Peek, Store<R4>,
            Dup, Field<U1>, Field<U0>, Dup, TestBit<R4>, Jnz<@twice>,    // tail, e, to
            SetBit<R4>, Load<R3>, Load<R4>, Poke, Pop, Jmp<@again>,
        twice: Pop, Push<U0>, Report<DuplicateTransition>, Jmp<@again>,
        foreign: Pop, Jmp<@again>,
        done: Halt,
    ];

    /// Every declared state is reachable from the initial state: memory
    /// word `from` is the mask of `from`'s targets; the reached set (`r5`)
    /// grows by the targets of each reached state not yet followed (`r6`:
    /// the followed ones) until every reached state is followed, so the
    /// transitions' order does not matter.
    pub EveryStateReachable = [
        Store<R0>, Store<R1>, Store<R2>, Pop, Pop, Store<R3>,
        Load<R2>, Uncons, Jz<@no_initial>, Store<R7>, Pop,         // r7 = the initial state
        Load<R3>, Field<U0>, Store<R2>,                            // r2 = the vocabulary's identity
        Load<R0>,
        edge: Uncons, Jz<@search>,                                 // tail, e
            Dup, Field<U0>, Field<U0>, Dup, Store<R3>, Peek, Store<R4>,
            Field<U1>, Field<U0>, SetBit<R4>, Load<R3>, Load<R4>, Poke, Jmp<@edge>,
        search: Load<R7>, Field<U0>, SetBit<R5>,
        follow: Load<R5>, Load<R6>, Xor, Dup, Jz<@report>,         // reached, not yet followed
            Ctz, Dup, SetBit<R6>,                                  // the lowest such id: followed
            Peek, Load<R5>, Or, Store<R5>, Jmp<@follow>,           // its targets: reached
        report: Pop, Load<R1>,
        state: Uncons, Jz<@done>,                                  // tail, s
            Dup, Field<U0>, TestBit<R5>, Jz<@unreached>, Pop, Jmp<@state>,
        // A state of another vocabulary is `StatesDeclared`'s to report.
        unreached: Dup, Field<U1>, Field<U0>, Load<R2>, Eq, Jz<@foreign>,
            Load<R7>, Push<U0>, Report2<UnreachableState>, Jmp<@state>,
        foreign: Pop, Jmp<@state>,
        done: Halt,
        no_initial: Halt,                                          // `OneInitialState` reports it
    ];

    /// Every declared state has an outgoing transition, or is terminal.
    pub NoDeadEnd = [
        Store<R0>, Store<R1>, Pop, Store<R3>, Pop, Field<U0>, Store<R2>,  // r2 = the vocabulary's identity
        Load<R3>,
        terminal: Uncons, Jz<@edges>, Field<U0>, SetBit<R6>, Jmp<@terminal>,
        edges: Load<R0>,
        edge: Uncons, Jz<@states>, Field<U0>, Field<U0>, SetBit<R5>, Jmp<@edge>,
        states: Load<R1>,
        state: Uncons, Jz<@done>,                                  // tail, s
            Dup, Field<U0>, Dup, TestBit<R5>, Swap, TestBit<R6>, Or, // tail, s, leaves-or-terminal
            Jz<@dead>, Pop, Jmp<@state>,
        // A state of another vocabulary is `StatesDeclared`'s to report.
        dead: Dup, Field<U1>, Field<U0>, Load<R2>, Eq, Jz<@foreign>,
            Push<U0>, Report<DeadEnd>, Jmp<@state>,
        foreign: Pop, Jmp<@state>,
        done: Halt,
    ];

    /// No transition enters the initial state unless it is `reentrant:`.
    pub InitialNotEntered = [
        Store<R0>, Pop, Store<R2>, Pop, Store<R4>, Field<U0>, Store<R6>,  // r6 = the vocabulary's identity
        Load<R2>, Uncons, Jz<@done>, Store<R7>, Pop,               // r7 = the initial state
        Load<R7>, Field<U0>, Store<R5>,                            // r5 = its id
        Load<R4>,
        reentrant: Uncons, Jz<@edges>,
            Field<U0>, Load<R5>, Eq, Jnz<@done>, Jmp<@reentrant>,
        edges: Load<R0>,
        edge: Uncons, Jz<@done>,                                   // tail, e
            Dup, Field<U1>, Field<U0>, Load<R5>, Eq, Jnz<@enters>, Pop, Jmp<@edge>,
        // A target of another vocabulary only aliases the initial state's id:
        // `StatesDeclared` reports it.
        enters: Dup, Field<U1>, Field<U1>, Field<U0>, Load<R6>, Eq, Jz<@foreign>,
            Load<R7>, Push<U0>, Report2<EntersInitialState>, Jmp<@edge>,
        foreign: Pop, Jmp<@edge>,
        done: Halt,
    ];
}

typevm::program! {
    /// The runtime table, output into memory: word `from` is the mask of
    /// `from`'s targets, word `64 + id` the state record with that id, word
    /// 128 the initial state's id, word 129 the mask of terminal states.
    pub ReflectTable = [
        Store<R0>, Store<R1>, Store<R2>, Store<R3>, Pop, Pop,
        Load<R0>,
        edge: Uncons, Jz<@states>,                                 // tail, e
            Dup, Field<U0>, Field<U0>, Dup, Store<R5>, Peek, Store<R6>,
            Field<U1>, Field<U0>, SetBit<R6>, Load<R5>, Load<R6>, Poke, Jmp<@edge>,
        states: Load<R1>,
        state: Uncons, Jz<@initial>,                               // tail, s
            Dup, Field<U0>, Push<num!(64)>, Add, Swap, Poke, Jmp<@state>,
        initial: Load<R2>, Uncons, Jz<@terminal>,
            Field<U0>, Push<num!(128)>, Swap, Poke, Pop,
        terminal: Load<R3>,
        mark: Uncons, Jz<@done>, Field<U0>, SetBit<R7>, Jmp<@mark>,
        done: Push<num!(129)>, Load<R7>, Poke,
            Push<U0>, Store<R0>, Halt,                             // r0: a number, not the list
    ];
}

/// The ids of a reflected [`Edge`]'s states.
pub const fn edge_ids(edge: &Val) -> (u8, u8) {
    match edge {
        Val::Rec(r) => (state_id(&r.fields[0]), state_id(&r.fields[1])),
        // The checks read field 0 and 1 of every transition as states.
        _ => panic!("a transition reflects as an `Edge` record"),
    }
}

/// The id of a reflected state (field 0, as the checks read it).
pub const fn state_id(state: &Val) -> u8 {
    match state {
        Val::Rec(r) => match r.fields[0] {
            Val::Num(n) if n < 64 => n as u8,
            // The checks shift by the id; an id of 64 or more faults there.
            _ => panic!("a state's field 0 is its id, below 64"),
        },
        // The checks read field 0 of every state.
        _ => panic!("a state reflects as a record"),
    }
}

/// The runtime table of a lifecycle table, output by [`ReflectTable`] run
/// on [`Input<T>`], the very value the checks ran on. Crate-private: the
/// gate ([`crate::Accepted::CHECKED`]) is the only way to it from outside.
pub(crate) struct Reflected<T>(core::marker::PhantomData<T>);
impl<T: Table> Reflected<T>
where
    Input<T>: crate::gate::Reflects<ReflectTable>,
{
    const OUT: [Val; 256] = <Input<T> as crate::gate::Reflects<ReflectTable>>::OUTPUT.memory;
    /// One past the largest declared id.
    const SPAN: usize = {
        let mut n = 0;
        let mut id = 0;
        while id < 64 {
            if let Val::Rec(_) = Self::OUT[64 + id] {
                n = id + 1;
            }
            id += 1;
        }
        n
    };
    const NAMES: [&'static str; 64] = {
        let mut names = [""; 64];
        let mut id = 0;
        while id < 64 {
            if let Val::Rec(r) = Self::OUT[64 + id] {
                names[id] = r.name;
            }
            id += 1;
        }
        names
    };
    const LEGAL: [u64; 64] = {
        let mut legal = [0; 64];
        let mut id = 0;
        while id < 64 {
            legal[id] = crate::gate::word(&Self::OUT[id]);
            id += 1;
        }
        legal
    };
    /// Names, initial state, terminal mask and legal masks, indexed by id.
    pub const INFO: LifecycleInfo = LifecycleInfo {
        states: Self::NAMES.split_at(Self::SPAN).0,
        initial: crate::gate::word(&Self::OUT[128]) as u8,
        terminal: crate::gate::word(&Self::OUT[129]),
        legal: Self::LEGAL.split_at(Self::SPAN).0,
    };
}
