//! Typed transitions: a proof, found by rustc's trait solver in the accepted
//! lifecycle table's own `Edges` list, that `From -> To` is a transition of
//! the table.
//!
//! Code that performs a transition names its two states as types and asks the
//! accepted configuration for a [`Transition`] proof
//! ([`Accepted::transition`](crate::Accepted::transition)). The proof exists
//! only if [`Table::Edges`] — the list the checks read and the runtime table
//! is reflected from — holds the edge, so removing an edge from the table
//! breaks the build at every line that performs it, with the message of
//! [`Lists`] naming the transition.
//!
//! The search compares state ids: both states of the proof are of the table's
//! vocabulary ([`StateOf`]), and the checks hold every state of an accepted
//! table to that vocabulary, so within it an id names one state.
use core::marker::PhantomData;

use frunk::{HCons, HNil};
use typenum::{B0, B1, Bit, IsEqual, Unsigned};
use typevm::value::{Declared, ListShape, RecordOf};

use crate::lifecycle::{Edge, StateOf, Table};

mod sealed {
    pub trait Sealed {}
}

/// The search for an edge, in a private module: no other crate can name
/// these traits, so none can implement `IsEdge` for a record of its own that
/// the checks read as one transition and the proof as every transition.
mod proof {
    use super::*;

    /// The id of a state record `[id, vocabulary]`, as a type.
    pub trait StateNumber {
        type Id: Unsigned;
    }
    impl<S: Declared<Form = RecordOf<frunk::HList![Id, V]>>, Id: Unsigned, V> StateNumber for S {
        type Id = Id;
    }

    /// Is `F -> T` in the list `Self`? `Out` is `B1` or `B0`.
    pub trait HasEdge<F, T> {
        type Out: Bit;
    }
    impl<L: ListShape, F, T> HasEdge<F, T> for L
    where
        L::Shape: ShapeHasEdge<F, T>,
    {
        type Out = <L::Shape as ShapeHasEdge<F, T>>::Out;
    }

    /// [`HasEdge`] on a list's shape: `HNil` has none; `HCons<E, N>` has it
    /// when `E` is the edge or `N` has it. A broken nominal cell has no shape
    /// here, so a list the checks would refuse proves nothing.
    pub trait ShapeHasEdge<F, T> {
        type Out: Bit;
    }
    impl<F, T> ShapeHasEdge<F, T> for HNil {
        type Out = B0;
    }
    impl<E: IsEdge<F, T>, N: HasEdge<F, T>, F, T> ShapeHasEdge<F, T> for HCons<E, N>
    where
        E::Out: Either<N::Out>,
    {
        type Out = <E::Out as Either<N::Out>>::Out;
    }

    /// Is the edge `Self` the transition `F -> T`? (Same ids, in order.)
    pub trait IsEdge<F, T> {
        type Out: Bit;
    }
    impl<A: StateNumber, B: StateNumber, F: StateNumber, T: StateNumber> IsEdge<F, T> for Edge<A, B>
    where
        A::Id: IsEqual<F::Id>,
        B::Id: IsEqual<T::Id>,
        <A::Id as IsEqual<F::Id>>::Output: Both<<B::Id as IsEqual<T::Id>>::Output>,
    {
        type Out = <<A::Id as IsEqual<F::Id>>::Output as Both<<B::Id as IsEqual<T::Id>>::Output>>::Out;
    }

    /// `Self || R` on type-level bits, lazily in `R`'s value (not its type).
    pub trait Either<R> {
        type Out: Bit;
    }
    impl<R> Either<R> for B1 {
        type Out = B1;
    }
    impl<R: Bit> Either<R> for B0 {
        type Out = R;
    }

    /// `Self && R` on type-level bits.
    pub trait Both<R> {
        type Out: Bit;
    }
    impl<R> Both<R> for B0 {
        type Out = B0;
    }
    impl<R: Bit> Both<R> for B1 {
        type Out = R;
    }
}
use proof::*;

/// Table `Self` lists the transition `F -> T`, both states of its vocabulary.
#[diagnostic::on_unimplemented(
    message = "the lifecycle table `{Self}` has no transition `{F} -> {T}`",
    label = "performs `{F} -> {T}`, which `{Self}` does not list",
    note = "a transition compiles only if the accepted lifecycle table lists it: list it in the table's `sp_lifecycle!` (and its handler in `transition_handlers!`), or do not perform it here"
)]
pub trait Lists<F, T>: sealed::Sealed {}
impl<L: Table> sealed::Sealed for L {}
#[diagnostic::do_not_recommend]
impl<L: Table, F: StateOf<L::Vocabulary>, T: StateOf<L::Vocabulary>> Lists<F, T> for L where
    L::Edges: HasEdge<F, T, Out = B1>
{
}

/// Proof that the accepted configuration `C`'s lifecycle table lists
/// `F -> T`: only [`Accepted::transition`](crate::Accepted::transition)
/// makes one, and only when [`Lists`] holds. Invariant in all three.
pub struct Transition<C, F, T> {
    _proof: PhantomData<Invariant<(C, F, T)>>,
}
/// `X` in both argument and result position: invariant.
type Invariant<X> = fn(X) -> X;
impl<C, F, T> Clone for Transition<C, F, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C, F, T> Copy for Transition<C, F, T> {}

impl<C, F, T> Transition<C, F, T> {
    /// Crate-private: the gate is the only maker.
    pub(crate) const fn proved() -> Self {
        Transition { _proof: PhantomData }
    }
}
