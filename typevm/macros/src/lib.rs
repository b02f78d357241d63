//! Procedural macros of typevm. Re-exported as `typevm::num!`.

use proc_macro::TokenStream;
use quote::quote;
use syn::{LitInt, parse_macro_input};

/// The typenum type of an integer literal up to `u64::MAX`, written in any
/// base Rust accepts: `num!(0x0900_0000)` is
/// `UInt<UInt<..., B0>, B0>`, built bit by bit (typenum's own `U<N>` only
/// covers small numbers).
#[proc_macro]
pub fn num(input: TokenStream) -> TokenStream {
    let lit = parse_macro_input!(input as LitInt);
    match lit.base10_parse::<u64>() {
        Ok(n) => typenum_tokens(n).into(),
        Err(e) => syn::Error::new(lit.span(), format!("typevm numbers are 64-bit words: {e}"))
            .to_compile_error()
            .into(),
    }
}

fn typenum_tokens(n: u64) -> proc_macro2::TokenStream {
    let mut t = quote!(::typevm::typenum::UTerm);
    if n == 0 {
        return t;
    }
    let bits = 64 - n.leading_zeros();
    for i in (0..bits).rev() {
        let b = if (n >> i) & 1 == 1 { quote!(::typevm::typenum::B1) } else { quote!(::typevm::typenum::B0) };
        t = quote!(::typevm::typenum::UInt<#t, #b>);
    }
    t
}
