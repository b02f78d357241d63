//! Procedural macros of typevm, re-exported as `typevm::num!` and
//! `typevm::program!`.

use proc_macro::TokenStream;
use proc_macro2::{Delimiter, Span, TokenStream as Ts, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use std::collections::HashMap;
use syn::{LitInt, parse_macro_input};

/// The typenum type of an integer literal up to `u64::MAX`, written in any
/// base Rust accepts: `num!(0x0900_0000)` is `UInt<UInt<..., B0>, B0>`,
/// built bit by bit (typenum's own `U<N>` only covers small numbers).
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

/// The tokens of the typenum type of `n`.
fn typenum_tokens(n: u64) -> Ts {
    let mut t = quote!(::typevm::typenum::UTerm);
    if n == 0 {
        return t;
    }
    let bits = 64 - n.leading_zeros();
    for i in (0..bits).rev() {
        let b = if (n >> i) & 1 == 1 {
            quote!(::typevm::typenum::B1)
        } else {
            quote!(::typevm::typenum::B0)
        };
        t = quote!(::typevm::typenum::UInt<#t, #b>);
    }
    t
}

/// Declare programs. See `typevm::program!` for the syntax.
#[proc_macro]
pub fn program(input: TokenStream) -> TokenStream {
    match programs(input.into()) {
        Ok(ts) => ts.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// One instruction as written: its tokens, or a jump to a label.
enum Instruction {
    Plain(Ts),
    Jump {
        kind: proc_macro2::Ident,
        label: proc_macro2::Ident,
    },
}

fn programs(input: Ts) -> syn::Result<Ts> {
    let mut out = Ts::new();
    let mut toks = input.into_iter().peekable();
    loop {
        // Attributes (doc comments), visibility, name, `=`, `[ ... ]`, `;`.
        let mut attrs = Ts::new();
        let mut vis = Ts::new();
        let name = loop {
            match toks.next() {
                None if attrs.is_empty() && vis.is_empty() => return Ok(out),
                None => {
                    return Err(syn::Error::new(
                        Span::call_site(),
                        "expected a program: `Name = [ ... ];`",
                    ));
                }
                Some(TokenTree::Punct(p)) if p.as_char() == '#' => {
                    attrs.extend([TokenTree::Punct(p)]);
                    match toks.next() {
                        Some(g @ TokenTree::Group(_)) => attrs.extend([g]),
                        other => return Err(err_at(other, "expected an attribute after `#`")),
                    }
                }
                Some(TokenTree::Ident(i)) if i == "pub" => {
                    vis.extend([TokenTree::Ident(i)]);
                    if let Some(TokenTree::Group(g)) = toks.peek()
                        && g.delimiter() == Delimiter::Parenthesis
                    {
                        vis.extend([toks.next().unwrap()]);
                    }
                }
                Some(TokenTree::Ident(i)) => break i,
                other => return Err(err_at(other, "expected a program name")),
            }
        };
        match toks.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == '=' => {}
            other => return Err(err_at(other, "expected `=` after the program name")),
        }
        let body = match toks.next() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => g,
            other => return Err(err_at(other, "expected `[ instructions ]`")),
        };
        match toks.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == ';' => {}
            other => return Err(err_at(other, "expected `;` after the program")),
        }
        out.extend(one_program(attrs, vis, name, body.stream())?);
    }
}

fn err_at(t: Option<TokenTree>, msg: &str) -> syn::Error {
    syn::Error::new(t.map(|t| t.span()).unwrap_or_else(Span::call_site), msg)
}

fn one_program(attrs: Ts, vis: Ts, name: proc_macro2::Ident, body: Ts) -> syn::Result<Ts> {
    // Split at top-level commas; `<`/`>` nesting is tracked so that
    // `Push<HList![A, B]>` stays one instruction (macro groups are already
    // single token trees).
    let mut items: Vec<Vec<TokenTree>> = vec![Vec::new()];
    let mut depth = 0i32;
    for t in body {
        match &t {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' => depth -= 1,
            TokenTree::Punct(p) if p.as_char() == ',' && depth == 0 => {
                items.push(Vec::new());
                continue;
            }
            _ => {}
        }
        items.last_mut().unwrap().push(t);
    }
    if items.last().is_some_and(|i| i.is_empty()) {
        items.pop();
    }
    let mut labels: HashMap<String, usize> = HashMap::new();
    let mut code: Vec<(Instruction, Span)> = Vec::new();
    for item in items {
        let mut rest = &item[..];
        // Any number of `label:` prefixes.
        while rest.len() >= 2 {
            match (&rest[0], &rest[1]) {
                (TokenTree::Ident(l), TokenTree::Punct(c))
                    if c.as_char() == ':'
                        && rest
                            .get(2)
                            .is_none_or(|t| !matches!(t, TokenTree::Punct(p) if p.as_char() == ':')) =>
                {
                    if labels.insert(l.to_string(), code.len()).is_some() {
                        return Err(syn::Error::new(l.span(), format!("label `{l}` is defined twice")));
                    }
                    rest = &rest[2..];
                }
                _ => break,
            }
        }
        if rest.is_empty() {
            return Err(syn::Error::new(
                item.first().map(|t| t.span()).unwrap_or_else(Span::call_site),
                "a label must be followed by an instruction",
            ));
        }
        let span = rest[0].span();
        // `Jmp<@label>`, `Jz<@label>`, `Jnz<@label>`.
        let jump = match rest {
            [
                TokenTree::Ident(k),
                TokenTree::Punct(lt),
                TokenTree::Punct(at),
                TokenTree::Ident(l),
                TokenTree::Punct(gt),
            ] if (k == "Jmp" || k == "Jz" || k == "Jnz")
                && lt.as_char() == '<'
                && at.as_char() == '@'
                && gt.as_char() == '>' =>
            {
                Some(Instruction::Jump {
                    kind: k.clone(),
                    label: l.clone(),
                })
            }
            _ => None,
        };
        code.push((
            jump.unwrap_or_else(|| Instruction::Plain(rest.iter().cloned().collect())),
            span,
        ));
    }
    let mut types = Vec::new();
    let mut ops = Vec::new();
    for (pc, (ins, span)) in code.iter().enumerate() {
        let ty = match ins {
            Instruction::Plain(ts) => ts.clone(),
            Instruction::Jump { kind, label } => {
                let Some(&target) = labels.get(&label.to_string()) else {
                    return Err(syn::Error::new(label.span(), format!("no label `{label}` in `{name}`")));
                };
                let (dir, n) = if target > pc {
                    ("Fwd", target - pc - 1)
                } else {
                    ("Back", pc - target)
                };
                let dir = format_ident!("{}", dir);
                let n = typenum_tokens(n as u64);
                quote_spanned!(kind.span()=> ::typevm::isa::#kind<::typevm::isa::#dir<#n>>)
            }
        };
        ops.push(quote_spanned!(*span=> <#ty as ::typevm::isa::InstrAt<#name, #pc>>::OP));
        types.push(ty);
    }
    let code_ty = types.iter().rev().fold(
        quote!(::typevm::frunk::HNil),
        |acc, t| quote!(::typevm::frunk::HCons<#t, #acc>),
    );
    let name_str = name.to_string();
    Ok(quote! {
        #attrs
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;
        impl ::typevm::reflect::Program for #name {
            type Code = #code_ty;
            const OPS: &'static [::typevm::reflect::Op] = &[#(#ops),*];
            const NAME: &'static str = #name_str;
        }
    })
}
