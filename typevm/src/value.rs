//! What the VM computes with, at both levels.
//!
//! At the type level a value is a typenum number (`UTerm`, `UInt<_, _>`), a
//! frunk list (`HNil`, `HCons<_, _>`) or a *record*: a named type with fields,
//! declared with [`record!`](crate::record). [`Value`] reflects each of them to
//! a [`Val`], the value-level twin's representation.

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
}

/// The three kinds of value, for dispatch and type checks.
pub struct NumK;
/// See [`NumK`].
pub struct ListK;
/// See [`NumK`].
pub struct RecK;

/// Which kind of value a type is.
pub trait Class {
    type K;
}
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

/// How `Uncons` sees a list: `HNil` or `HCons<Head, Tail>`.
///
/// HLists are their own shape. A *nominal list* is a chain of unit types,
/// one per element, each naming its element and the next cell
/// (`impl ListShape for Cell7 { type Shape = HCons<Item7, Cell8>; }`): a
/// machine that holds such a list holds one small type instead of the whole
/// list. The solver's cost per goal grows with the size of the machine type,
/// so configuration macros hand long lists (transitions, devices) to the
/// checks this way; at the value level both are plain lists.
pub trait ListShape {
    type Shape;
}
impl ListShape for HNil {
    type Shape = HNil;
}
impl<H, T> ListShape for HCons<H, T> {
    type Shape = HCons<H, T>;
}

/// A type-level record: fields as an HList, plus its reflection.
pub trait Record: Class<K = RecK> {
    type Fields;
    const INFO: RecordInfo;
}

/// Reflection of a type-level value.
pub trait Value {
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
/// with `Field<N>` and that checks name in their messages.
///
/// ```
/// use typevm::{record, value::Display};
/// use typenum::{U1, U2};
/// record!(pub struct Pair<A, B> as Display::Name);
/// ```
#[macro_export]
macro_rules! record {
    ($(#[$m:meta])* $vis:vis struct $name:ident as $disp:expr) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default)]
        $vis struct $name;
        impl $crate::value::Class for $name { type K = $crate::value::RecK; }
        impl $crate::value::Record for $name {
            type Fields = $crate::frunk::HNil;
            const INFO: $crate::value::RecordInfo = $crate::value::RecordInfo {
                name: stringify!($name), display: $disp, fields: &[],
            };
        }
        impl $crate::value::Value for $name {
            const VAL: $crate::value::Val = $crate::value::Val::Rec(&<$name as $crate::value::Record>::INFO);
        }
        impl $crate::reflect::FaultItem for $name {
            const ITEM: $crate::reflect::Item = $crate::reflect::Item::One(<$name as $crate::value::Value>::VAL);
        }
    };
    ($(#[$m:meta])* $vis:vis struct $name:ident = [$($f:ty),* $(,)?] as $disp:expr) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default)]
        $vis struct $name;
        impl $crate::value::Class for $name { type K = $crate::value::RecK; }
        impl $crate::value::Record for $name {
            type Fields = $crate::frunk::HList![$($f),*];
            const INFO: $crate::value::RecordInfo = $crate::value::RecordInfo {
                name: stringify!($name), display: $disp, fields: &[$(<$f as $crate::value::Value>::VAL),*],
            };
        }
        impl $crate::value::Value for $name {
            const VAL: $crate::value::Val = $crate::value::Val::Rec(&<$name as $crate::value::Record>::INFO);
        }
        impl $crate::reflect::FaultItem for $name {
            const ITEM: $crate::reflect::Item = $crate::reflect::Item::One(<$name as $crate::value::Value>::VAL);
        }
    };
    ($(#[$m:meta])* $vis:vis struct $name:ident < $($p:ident),+ > as $disp:expr) => {
        $(#[$m])*
        $vis struct $name<$($p),+>(core::marker::PhantomData<($($p,)+)>);
        impl<$($p),+> $crate::value::Class for $name<$($p),+> { type K = $crate::value::RecK; }
        impl<$($p: $crate::value::Value),+> $crate::value::Record for $name<$($p),+> {
            type Fields = $crate::frunk::HList![$($p),+];
            const INFO: $crate::value::RecordInfo = $crate::value::RecordInfo {
                name: stringify!($name), display: $disp, fields: &[$(<$p as $crate::value::Value>::VAL),+],
            };
        }
        impl<$($p: $crate::value::Value),+> $crate::value::Value for $name<$($p),+> {
            const VAL: $crate::value::Val = $crate::value::Val::Rec(&<Self as $crate::value::Record>::INFO);
        }
        impl<$($p: $crate::value::Value),+> $crate::reflect::FaultItem for $name<$($p),+> {
            const ITEM: $crate::reflect::Item = $crate::reflect::Item::One(<Self as $crate::value::Value>::VAL);
        }
    };
}
