//! Token builders shared by the procedural macros that spell VM values as
//! types: `typevm::num!` and `program!` (typevm-macros) and the
//! configuration macros and their parser (programs-dsl). One definition, so
//! a number is spelled the same way wherever a macro writes it.

use proc_macro2::TokenStream;
use quote::quote;

/// The typenum type of `n`, spelled through `typenum` (a path to the
/// typenum crate as the expansion site sees it, e.g.
/// `::typevm::typenum`): `UInt<UInt<UTerm, B1>, B0>` for 2, built bit by
/// bit from the highest (typenum's own `U<N>` aliases stop at small
/// numbers), `UTerm` for 0.
pub fn typenum_tokens(n: u64, typenum: &TokenStream) -> TokenStream {
    let mut t = quote!(#typenum::UTerm);
    if n == 0 {
        return t;
    }
    let bits = 64 - n.leading_zeros();
    for i in (0..bits).rev() {
        let b = if (n >> i) & 1 == 1 {
            quote!(#typenum::B1)
        } else {
            quote!(#typenum::B0)
        };
        t = quote!(#typenum::UInt<#t, #b>);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spelled(n: u64) -> String {
        typenum_tokens(n, &quote!(tn)).to_string().replace(' ', "")
    }

    #[test]
    fn numbers_are_spelled_from_the_highest_bit() {
        assert_eq!(spelled(0), "tn::UTerm");
        assert_eq!(spelled(1), "tn::UInt<tn::UTerm,tn::B1>");
        assert_eq!(
            spelled(6),
            "tn::UInt<tn::UInt<tn::UInt<tn::UTerm,tn::B1>,tn::B1>,tn::B0>"
        );
        assert_eq!(spelled(u64::MAX).matches("B1").count(), 64);
        assert_eq!(spelled(1 << 63).matches("B0").count(), 63);
    }
}
