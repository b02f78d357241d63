//! What the VM computes with, at both levels.
//!
//! At the type level a value is a typenum number (`UTerm`, `UInt<_, _>`), a
//! frunk list (`HNil`, `HCons<_, _>`) or a *record*: a named type with fields,
//! declared with [`record!`](crate::record). [`Value`] reflects each of them to
//! a [`Val`], the value-level twin's representation.

use core::marker::PhantomData;
use frunk::{HCons, HNil};
use typenum::{UInt, UTerm, Unsigned};

/// A value at the value level. `Copy`, `'static`, usable in const contexts.
#[derive(Clone, Copy, Debug)]
pub enum Val {
    /// A 64-bit word.
    Num(u64),
    /// The empty list.
    Nil,
    /// A list cell: head and tail (reflected from `HCons`).
    Cons(&'static Val, &'static Val),
    /// A list given as a flat slice (what configuration macros emit).
    Slice(&'static [Val]),
    /// A record.
    Rec(&'static RecordInfo),
}

/// A record: a named item with fields, e.g. a state, a transition or a device.
#[derive(Clone, Copy, Debug)]
pub struct RecordInfo {
    /// The item's name as the user wrote it (`Running`, `uart0`).
    pub name: &'static str,
    /// How messages show the record.
    pub display: Display,
    pub fields: &'static [Val],
}

/// How a record is shown in a check's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Display {
    /// Just its name: `Running`.
    Name,
    /// Its first two fields joined by an arrow: `Running -> Reset`.
    Arrow,
    /// Its name and the window its fields `base` (index 1) and `size`
    /// (index 2) span: `rtc0 [0x9010000, +0x1000)`.
    Window,
    /// A nominal list cell whose rank does not hold (see [`CellOf`]), by
    /// name: `Uncons` on it faults with `BrokenList`.
    BrokenCell,
}

/// The three kinds of value, for dispatch and type checks.
pub struct NumK;
/// See [`NumK`].
pub struct ListK;
/// See [`NumK`].
pub struct RecK;

/// Seals the traits whose impls decide what a check sees: [`Class`] and
/// [`Value`]. Only this crate implements them, for typenum numbers, frunk
/// lists and [`Declared`] types, so a value's kind and its reflection are
/// always derived from the same type-level structure the machine reads.
mod sealed {
    pub trait Sealed {}
    pub trait FormSealed {}
}

/// Which kind of value a type is: [`NumK`], [`ListK`] or [`RecK`], and no
/// other. Sealed: numbers are typenum's `UTerm`/`UInt`, lists are frunk's
/// `HNil`/`HCons` or [`Declared`] cells, records are [`Declared`] records.
pub trait Class: sealed::Sealed {
    type K;
}
impl sealed::Sealed for UTerm {}
impl<U, B> sealed::Sealed for UInt<U, B> {}
impl sealed::Sealed for HNil {}
impl<H, T> sealed::Sealed for HCons<H, T> {}
impl<T: Declared> sealed::Sealed for T {}

impl Class for UTerm {
    type K = NumK;
}
impl<U, B> Class for UInt<U, B> {
    type K = NumK;
}
impl Class for HNil {
    type K = ListK;
}
impl<H, T> Class for HCons<H, T> {
    type K = ListK;
}
impl<T: Declared> Class for T
where
    T::Form: Form,
{
    type K = <T::Form as Form>::K;
}

/// The form of a [`Declared`] value: a record with fields `Fields` (an HList).
pub struct RecordOf<Fields>(PhantomData<Fields>);
/// The form of a [`Declared`] value: one cell of a *nominal list*, whose
/// shape is `HCons<Item, NextCell>` or `HNil`, and whose *rank* `Rank` is the
/// number of items from this cell to the end of the list.
///
/// A nominal list is a chain of unit types, one per element, each naming
/// its element and the next cell: a machine that holds such a list holds one
/// small type instead of the whole list. The solver's cost per goal grows
/// with the size of the machine type, so configuration macros hand long lists
/// (transitions, devices) to the checks this way; at the value level both
/// are plain lists.
///
/// The rank makes every nominal list finite by construction: a cell of rank
/// `n` holds an item and a next cell of rank `n - 1`, the empty cell has rank
/// 0, and no rank exceeds [`MAX_RANK`]. A cell that breaks this (a list that
/// unfolds forever, `struct Loop` whose next cell is `Loop`) is a
/// [`BrokenCell`]: `Uncons` on it faults with `BrokenList` at once, and it
/// reflects as a record of that name, never by unfolding it.
pub struct CellOf<Shape, Rank>(PhantomData<(Shape, Rank)>);

/// The longest nominal list: 4096 items (a 64-state table's every pair of states).
pub const MAX_RANK: u64 = <MaxRank as Unsigned>::U64;
/// [`MAX_RANK`] as a type.
pub type MaxRank = typenum::U4096;

/// A nominal list cell `T` whose rank does not hold (see [`CellOf`]): what
/// `Uncons` sees instead of its shape.
pub struct BrokenCell<T>(PhantomData<T>);

/// The kind a form gives (sealed: the two forms above are all there is).
pub trait Form: sealed::FormSealed {
    type K;
}
impl<F> Form for RecordOf<F> {
    type K = RecK;
}
impl<S, R> Form for CellOf<S, R> {
    type K = ListK;
}
impl<F> sealed::FormSealed for RecordOf<F> {}
impl<S, R> sealed::FormSealed for CellOf<S, R> {}

/// A value a user (or a configuration macro) declares: a named record with
/// fields, or a cell of a nominal list. This is the one open door into the
/// machine's values, and it carries structure only: the kind, the fields the
/// machine reads and the reflection the runtime tables are built from are
/// all derived from `Form` by this crate, so they cannot disagree.
///
/// [`record!`](crate::record) implements it for records.
pub trait Declared: 'static {
    /// [`RecordOf<Fields>`] or [`CellOf<Shape, Rank>`].
    type Form;
    /// The item's name as the user wrote it (`Running`, `uart0`).
    const NAME: &'static str;
    /// How messages show the record (ignored for cells).
    const DISPLAY: Display;
}

/// A record: a [`Declared`] value of form [`RecordOf`].
pub trait Record: Declared<Form = RecordOf<<Self as Record>::Fields>> {
    /// The fields, an HList.
    type Fields;
}
impl<T: Declared<Form = RecordOf<F>>, F> Record for T {
    type Fields = F;
}

/// How `Uncons` sees a list: `HNil` or `HCons<Head, Tail>`; a nominal cell
/// shows its shape when its rank holds, and is a [`BrokenCell`] otherwise.
pub trait ListShape: sealed::Sealed {
    type Shape;
}
impl ListShape for HNil {
    type Shape = HNil;
}
impl<H, T> ListShape for HCons<H, T> {
    type Shape = HCons<H, T>;
}
impl<T: Declared<Form = CellOf<S, R>>, S: RankedShape<R, T>, R> ListShape for T {
    type Shape = <S as RankedShape<R, T>>::Out;
}

/// The rank arithmetic of nominal cells, in a private module: no other
/// crate can name these traits, so none can implement them for a rank of
/// its own that always "holds" and unfolds a list forever (what the
/// `BrokenList` fault exists to stop).
mod rank {
    use super::*;

    /// The number of items of a list value (`NoRank` for a number or a record):
    /// a nominal cell's declared rank, or a frunk list's length.
    pub trait ListRank {
        type Rank;
    }
    impl ListRank for HNil {
        type Rank = UTerm;
    }
    impl<H, T: Class + RankOfKind<<T as Class>::K>> ListRank for HCons<H, T>
    where
        <T as RankOfKind<<T as Class>::K>>::Rank: Succ,
    {
        type Rank = <<T as RankOfKind<<T as Class>::K>>::Rank as Succ>::Out;
    }
    impl<T: Declared<Form = CellOf<S, R>>, S, R> ListRank for T {
        type Rank = R;
    }

    /// The rank of a value of kind `K`: [`ListRank`] for lists, `NoRank` otherwise.
    pub trait RankOfKind<K> {
        type Rank;
    }
    impl<L: ListRank> RankOfKind<ListK> for L {
        type Rank = L::Rank;
    }
    impl<L> RankOfKind<NumK> for L {
        type Rank = NoRank;
    }
    impl<L> RankOfKind<RecK> for L {
        type Rank = NoRank;
    }

    /// The rank of something that is not a list.
    pub struct NoRank;

    /// One more item: `n + 1`, and `NoRank` stays `NoRank`.
    pub trait Succ {
        type Out;
    }
    impl Succ for NoRank {
        type Out = NoRank;
    }
    impl Succ for UTerm {
        type Out = typenum::U1;
    }
    impl<U: Unsigned, B: typenum::Bit> Succ for UInt<U, B>
    where
        UInt<U, B>: core::ops::Add<typenum::B1>,
    {
        type Out = typenum::Add1<UInt<U, B>>;
    }

    /// Is `R` the rank `Self` a cell must have (one more than its next cell's,
    /// a `UInt` or `NoRank`), and within [`MAX_RANK`]? `B1` or `B0`.
    pub trait RankIs<R> {
        type Out;
    }
    impl<R> RankIs<R> for NoRank {
        type Out = typenum::B0;
    }
    impl<U, B, R> RankIs<R> for UInt<U, B>
    where
        R: typenum::IsEqual<UInt<U, B>> + typenum::IsLessOrEqual<MaxRank>,
        typenum::Eq<R, UInt<U, B>>: core::ops::BitAnd<typenum::LeEq<R, MaxRank>>,
    {
        type Out = typenum::And<typenum::Eq<R, UInt<U, B>>, typenum::LeEq<R, MaxRank>>;
    }

    /// The shape `Uncons` sees of cell `T` of rank `R` with shape `Self`: `Self`
    /// when the rank holds, [`BrokenCell<T>`] otherwise.
    pub trait RankedShape<R, T> {
        type Out;
    }
    impl<R: typenum::IsEqual<UTerm>, T> RankedShape<R, T> for HNil
    where
        typenum::Eq<R, UTerm>: Pick<HNil, BrokenCell<T>>,
    {
        type Out = <typenum::Eq<R, UTerm> as Pick<HNil, BrokenCell<T>>>::Out;
    }
    impl<H, N, R, T> RankedShape<R, T> for HCons<H, N>
    where
        HCons<H, N>: ListRank,
        <HCons<H, N> as ListRank>::Rank: RankIs<R>,
        <<HCons<H, N> as ListRank>::Rank as RankIs<R>>::Out: Pick<HCons<H, N>, BrokenCell<T>>,
    {
        type Out = <<<HCons<H, N> as ListRank>::Rank as RankIs<R>>::Out as Pick<HCons<H, N>, BrokenCell<T>>>::Out;
    }

    /// `A` on `B1`, `B` on `B0`.
    pub trait Pick<A, B> {
        type Out;
    }
    impl<A, B> Pick<A, B> for typenum::B1 {
        type Out = A;
    }
    impl<A, B> Pick<A, B> for typenum::B0 {
        type Out = B;
    }
}
use rank::*;

/// Most fields a record may have.
pub const MAX_FIELDS: usize = 16;

/// The reflection of a field list, as a fixed-capacity array and a length.
pub trait FieldVals {
    const LEN: usize;
    const ARRAY: [Val; MAX_FIELDS];
}
impl FieldVals for HNil {
    const LEN: usize = 0;
    const ARRAY: [Val; MAX_FIELDS] = [Val::Nil; MAX_FIELDS];
}
impl<H: Value, T: FieldVals> FieldVals for HCons<H, T> {
    const LEN: usize = {
        assert!(T::LEN < MAX_FIELDS, "a typevm record has at most 16 fields");
        1 + T::LEN
    };
    const ARRAY: [Val; MAX_FIELDS] = {
        let mut a = [Val::Nil; MAX_FIELDS];
        a[0] = H::VAL;
        let mut i = 0;
        while i + 1 < MAX_FIELDS {
            a[i + 1] = T::ARRAY[i];
            i += 1;
        }
        a
    };
}

/// The reflection of a declared value's form.
pub trait FormVal<T> {
    const VAL: Val;
}
/// The reflected record of `T` with fields `F`.
struct RecordVal<T, F>(PhantomData<(T, F)>);
impl<T: Declared, F: FieldVals> RecordVal<T, F> {
    const FIELDS: &'static [Val] = F::ARRAY.split_at(F::LEN).0;
    const INFO: RecordInfo = RecordInfo {
        name: T::NAME,
        display: {
            // The twin reads `BrokenCell` as "a nominal cell whose rank does
            // not hold"; a record shown that way would fault there and not
            // at the type level.
            assert!(
                !matches!(T::DISPLAY, Display::BrokenCell),
                "`Display::BrokenCell` is the engine's own, for broken list cells: show a record as `Name`, `Arrow` or `Window`"
            );
            T::DISPLAY
        },
        fields: Self::FIELDS,
    };
}
impl<T: Declared, F: FieldVals> FormVal<T> for RecordOf<F> {
    const VAL: Val = Val::Rec(&RecordVal::<T, F>::INFO);
}
impl<T: ListShape, S, R> FormVal<T> for CellOf<S, R>
where
    <T as ListShape>::Shape: ShapeVal<T>,
{
    const VAL: Val = <<T as ListShape>::Shape as ShapeVal<T>>::VAL;
}

/// The reflection of a nominal cell `T` by its shape: the list it holds, or,
/// for a [`BrokenCell`], a record named after the cell, so that reflecting a
/// list that unfolds forever ends.
pub trait ShapeVal<T> {
    const VAL: Val;
}
impl<T> ShapeVal<T> for HNil {
    const VAL: Val = Val::Nil;
}
impl<T, H: Value, N: Value> ShapeVal<T> for HCons<H, N> {
    const VAL: Val = Val::Cons(&H::VAL, &N::VAL);
}
impl<T: Declared> ShapeVal<T> for BrokenCell<T> {
    const VAL: Val = Val::Rec(&BrokenVal::<T>::INFO);
}
/// The record a [`BrokenCell`] reflects as.
struct BrokenVal<T>(PhantomData<T>);
impl<T: Declared> BrokenVal<T> {
    const INFO: RecordInfo = RecordInfo {
        name: T::NAME,
        display: Display::BrokenCell,
        fields: &[],
    };
}

/// Reflection of a type-level value. Sealed: derived from the type's
/// structure, never written by hand.
pub trait Value: sealed::Sealed {
    const VAL: Val;
}
impl Value for UTerm {
    const VAL: Val = Val::Num(0);
}
impl<U: Unsigned, B: typenum::Bit> Value for UInt<U, B> {
    const VAL: Val = {
        // A wider literal would reflect truncated while the type level
        // computes with all its bits: refuse it (`typevm::num!` never makes one).
        assert!(
            <Self as Unsigned>::U128 >> 64 == 0,
            "typevm numbers are 64-bit words: a literal does not fit in 64 bits"
        );
        Val::Num(<Self as Unsigned>::U64)
    };
}
impl Value for HNil {
    const VAL: Val = Val::Nil;
}
impl<H: Value, T: Value> Value for HCons<H, T> {
    const VAL: Val = Val::Cons(&H::VAL, &T::VAL);
}
impl<T: Declared> Value for T
where
    T::Form: FormVal<T>,
{
    const VAL: Val = <T::Form as FormVal<T>>::VAL;
}

impl Val {
    /// The value as a number, if it is one.
    pub const fn num(&self) -> Option<u64> {
        match self {
            Val::Num(n) => Some(*n),
            // Every other kind is not a number.
            _ => None,
        }
    }

    /// Split a list into head and tail; `None` for the empty list and for
    /// values that are not lists.
    pub const fn uncons(&self) -> Option<(Val, Val)> {
        match self {
            Val::Cons(h, t) => Some((**h, **t)),
            Val::Slice([h, rest @ ..]) => Some((*h, Val::Slice(rest))),
            Val::Nil | Val::Slice([]) | Val::Num(_) | Val::Rec(_) => None,
        }
    }

    /// Is this a list (empty or not)?
    pub const fn is_list(&self) -> bool {
        matches!(self, Val::Nil | Val::Cons(..) | Val::Slice(_))
    }

    /// Structural equality (lists compare as sequences, records by name and fields).
    pub const fn same(&self, other: &Val) -> bool {
        match (self, other) {
            (Val::Num(a), Val::Num(b)) => *a == *b,
            (Val::Rec(a), Val::Rec(b)) => {
                if !str_eq(a.name, b.name) || a.fields.len() != b.fields.len() {
                    return false;
                }
                let mut i = 0;
                while i < a.fields.len() {
                    if !a.fields[i].same(&b.fields[i]) {
                        return false;
                    }
                    i += 1;
                }
                true
            }
            _ if self.is_list() && other.is_list() => {
                let (mut a, mut b) = (*self, *other);
                loop {
                    match (a.uncons(), b.uncons()) {
                        (None, None) => return true,
                        (Some((ha, ta)), Some((hb, tb))) => {
                            if !ha.same(&hb) {
                                return false;
                            }
                            a = ta;
                            b = tb;
                        }
                        (Some(_), None) | (None, Some(_)) => return false,
                    }
                }
            }
            // Different kinds are never equal.
            _ => false,
        }
    }
}

impl PartialEq for Val {
    fn eq(&self, other: &Val) -> bool {
        self.same(other)
    }
}

/// `str` equality usable in const fns.
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Declare record types: named items with fields that VM programs can read
/// with `Field<N>` and that checks name in their messages. The macro writes
/// only the structure ([`Declared`]); kind and reflection follow from it.
///
/// ```
/// use typevm::{record, value::Display};
/// use typenum::{U1, U2};
/// record!(pub struct Window = [U1, U2] as Display::Name);
/// record!(pub struct Pair<A, B> as Display::Name);
/// ```
#[macro_export]
macro_rules! record {
    ($(#[$m:meta])* $vis:vis struct $name:ident as $disp:expr) => {
        $crate::record!($(#[$m])* $vis struct $name = [] as $disp);
    };
    ($(#[$m:meta])* $vis:vis struct $name:ident = [$($f:ty),* $(,)?] as $disp:expr) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default)]
        $vis struct $name;
        impl $crate::value::Declared for $name {
            type Form = $crate::value::RecordOf<$crate::frunk::HList![$($f),*]>;
            const NAME: &'static str = stringify!($name);
            const DISPLAY: $crate::value::Display = $disp;
        }
    };
    ($(#[$m:meta])* $vis:vis struct $name:ident < $($p:ident),+ > as $disp:expr) => {
        $(#[$m])*
        $vis struct $name<$($p),+>(core::marker::PhantomData<($($p,)+)>);
        impl<$($p: 'static),+> $crate::value::Declared for $name<$($p),+> {
            type Form = $crate::value::RecordOf<$crate::frunk::HList![$($p),+]>;
            const NAME: &'static str = stringify!($name);
            const DISPLAY: $crate::value::Display = $disp;
        }
    };
}
