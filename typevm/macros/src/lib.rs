//! Procedural macros of typevm, re-exported as `typevm::num!` and
//! `typevm::program!`.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Ts;
use quote::{ToTokens, format_ident, quote, quote_spanned};
use std::collections::HashMap;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, LitInt, Token, Type, Visibility, bracketed, parse_macro_input};

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

/// The tokens of the typenum type of `n`, through `typevm`'s re-export.
fn typenum_tokens(n: u64) -> Ts {
    typevm_tokens::typenum_tokens(n, &quote!(::typevm::typenum))
}

/// Declare programs. See `typevm::program!` for the syntax.
#[proc_macro]
pub fn program(input: TokenStream) -> TokenStream {
    match syn::parse::<Programs>(input) {
        Ok(p) => {
            p.0.iter()
                .map(expand)
                .collect::<syn::Result<Ts>>()
                .unwrap_or_else(|e| e.to_compile_error())
                .into()
        }
        Err(e) => e.to_compile_error().into(),
    }
}

/// `program! { #[attrs] vis Name = [ items ]; ... }`.
struct Programs(Vec<ProgramDecl>);

struct ProgramDecl {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    items: Vec<Item>,
}

/// One instruction as written, with its labels.
struct Item {
    labels: Vec<Ident>,
    instr: Instruction,
}

enum Instruction {
    /// Any instruction type (a jump with a literal distance included).
    Plain(Box<Type>),
    /// `Jmp<@label>`, `Jz<@label>`, `Jnz<@label>`.
    ToLabel { kind: Ident, label: Ident },
}

impl Parse for Programs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut out = Vec::new();
        while !input.is_empty() {
            let attrs = input.call(Attribute::parse_outer)?;
            let vis: Visibility = input.parse()?;
            let name: Ident = input
                .parse()
                .map_err(|e| syn::Error::new(e.span(), "expected a program name"))?;
            input
                .parse::<Token![=]>()
                .map_err(|e| syn::Error::new(e.span(), "expected `=` after the program name"))?;
            let body;
            bracketed!(body in input);
            let mut items = Vec::new();
            while !body.is_empty() {
                items.push(body.parse::<Item>()?);
                if body.is_empty() {
                    break;
                }
                body.parse::<Token![,]>()?;
            }
            input
                .parse::<Token![;]>()
                .map_err(|e| syn::Error::new(e.span(), "expected `;` after the program"))?;
            out.push(ProgramDecl {
                attrs,
                vis,
                name,
                items,
            });
        }
        Ok(Programs(out))
    }
}

impl Parse for Item {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut labels = Vec::new();
        // `label:` (but not a path's `::`).
        while input.peek(Ident) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
            labels.push(input.parse::<Ident>()?);
            input.parse::<Token![:]>()?;
        }
        if input.is_empty() || input.peek(Token![,]) {
            return Err(input.error("a label must be followed by an instruction"));
        }
        let fork = input.fork();
        if let Ok(kind) = fork.parse::<Ident>()
            && (kind == "Jmp" || kind == "Jz" || kind == "Jnz")
            && fork.peek(Token![<])
            && fork.peek2(Token![@])
        {
            input.parse::<Ident>()?;
            input.parse::<Token![<]>()?;
            input.parse::<Token![@]>()?;
            let label = input.parse::<Ident>()?;
            input.parse::<Token![>]>()?;
            return Ok(Item {
                labels,
                instr: Instruction::ToLabel { kind, label },
            });
        }
        Ok(Item {
            labels,
            instr: Instruction::Plain(Box::new(input.parse()?)),
        })
    }
}

/// A jump written with a literal distance: `(forward?, distance)`, read from
/// `Jmp<Fwd<U9>>`, `Jz<Back<typenum::U3>>` or `Jnz<Fwd<num!(12)>>`. `None`
/// when the type is not a jump; an error when it is one whose distance is
/// not a literal (the macro must know every jump's target).
fn literal_jump(ty: &Type) -> syn::Result<Option<(bool, u64)>> {
    let Some(kind) = last_segment(ty) else { return Ok(None) };
    if !matches!(kind.ident.to_string().as_str(), "Jmp" | "Jz" | "Jnz") {
        return Ok(None);
    }
    let Some(dist) = single_type_arg(kind) else {
        return Ok(None);
    };
    let Some(dir) = last_segment(dist) else { return Ok(None) };
    let forward = match dir.ident.to_string().as_str() {
        "Fwd" => true,
        "Back" => false,
        _ => return Ok(None),
    };
    let not_literal = |t: &dyn ToTokens| {
        syn::Error::new_spanned(
            t,
            "a jump distance is a literal (`U9`, `typenum::U9`, `num!(9)`) or a label (`Jz<@done>`): \
             `program!` links every jump to its target",
        )
    };
    let Some(n) = single_type_arg(dir) else {
        return Err(not_literal(dist));
    };
    let value = match n {
        Type::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "num") => {
            m.mac.parse_body::<LitInt>()?.base10_parse::<u64>()?
        }
        _ => match last_segment(n) {
            Some(seg) if seg.arguments.is_none() => {
                let id = seg.ident.to_string();
                match id.strip_prefix('U').and_then(|d| d.parse::<u64>().ok()) {
                    Some(v) => v,
                    None => return Err(not_literal(n)),
                }
            }
            _ => return Err(not_literal(n)),
        },
    };
    Ok(Some((forward, value)))
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn single_type_arg(seg: &syn::PathSegment) -> Option<&Type> {
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match &a.args[0] {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// A program's declarations: the unit type, its `Program` impl, and its
/// nominal zipper cells (see `typevm::machine`): `Ahead` cell `k` is the
/// list of instructions `k..`, `Behind` cell `k` the list `..k` reversed,
/// and a jump's `Behind` cell links to the cells of its target.
fn expand(p: &ProgramDecl) -> syn::Result<Ts> {
    let ProgramDecl {
        attrs,
        vis,
        name,
        items,
    } = p;
    let mut labels: HashMap<String, usize> = HashMap::new();
    for (pc, item) in items.iter().enumerate() {
        for l in &item.labels {
            if labels.insert(l.to_string(), pc).is_some() {
                return Err(syn::Error::new(l.span(), format!("label `{l}` is defined twice")));
            }
        }
    }
    let n = items.len();
    let m = quote!(::typevm::machine);
    let ahead = |k: usize| format_ident!("__{}Ahead{}", name, k);
    let behind = |k: usize| format_ident!("__{}Behind{}", name, k);
    let mut types = Vec::new();
    // Literal jumps: each link checked against the type's own distance.
    let mut linked = Ts::new();
    // Each instruction's jump target as a position (i128: a distance may
    // point before the start or far past the end).
    let mut targets: Vec<Option<i128>> = Vec::new();
    for (pc, item) in items.iter().enumerate() {
        let (ty, target) = match &item.instr {
            Instruction::ToLabel { kind, label } => {
                let Some(&target) = labels.get(&label.to_string()) else {
                    return Err(syn::Error::new(label.span(), format!("no label `{label}` in `{name}`")));
                };
                let (dir, d) = if target > pc {
                    (format_ident!("Fwd"), target - pc - 1)
                } else {
                    (format_ident!("Back"), pc - target)
                };
                let d = typenum_tokens(d as u64);
                (
                    quote_spanned!(kind.span()=> ::typevm::isa::#kind<::typevm::isa::#dir<#d>>),
                    Some(target as i128),
                )
            }
            Instruction::Plain(ty) => {
                let jump = literal_jump(ty)?;
                if let Some((fwd, d)) = jump {
                    linked.extend(quote_spanned! {ty.span()=>
                        const _: () = ::typevm::isa::linked_as::<#ty>(#fwd, #d);
                    });
                }
                let target = jump.map(|(fwd, d)| {
                    if fwd {
                        pc as i128 + 1 + d as i128
                    } else {
                        pc as i128 - d as i128
                    }
                });
                (ty.to_token_stream(), target)
            }
        };
        types.push(ty);
        targets.push(target);
    }
    let mut cells = Ts::new();
    for k in 0..=n {
        let (a, b) = (ahead(k), behind(k));
        let (head, tail, passed) = match types.get(k) {
            Some(t) => (t.clone(), ahead(k + 1), behind(k + 1)),
            None => (quote!(#m::End), ahead(k), behind(k)),
        };
        let (bhead, btail) = match k {
            0 => (quote!(#m::Start), behind(0)),
            _ => (types[k - 1].clone(), behind(k - 1)),
        };
        let jump = match k.checked_sub(1).and_then(|j| targets[j]) {
            None => quote!(#m::NoJump),
            Some(t) if t < 0 => quote!(#m::Outside<::typevm::reason::JumpBeforeStart>),
            Some(t) if t > n as i128 => quote!(#m::Outside<::typevm::reason::JumpPastEnd>),
            Some(t) => {
                let (tb, ta) = (behind(t as usize), ahead(t as usize));
                quote!(#m::Land<#tb, #ta>)
            }
        };
        cells.extend(quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            #vis struct #a;
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            #vis struct #b;
            impl #m::Ahead for #a {
                type Head = #head;
                type Tail = #tail;
                type Behind = #b;
                type Passed = #passed;
            }
            impl #m::Behind for #b {
                type Head = #bhead;
                type Tail = #btail;
                type Jump = #jump;
                const PC: usize = #k;
                const OPS: &'static [::typevm::reflect::Op] = <#name as ::typevm::reflect::Program>::OPS;
            }
        });
    }
    let ops = types.iter().enumerate().map(|(pc, ty)| {
        let span = match &items[pc].instr {
            Instruction::Plain(t) => t.span(),
            Instruction::ToLabel { kind, .. } => kind.span(),
        };
        quote_spanned!(span=> <#ty as ::typevm::isa::InstrAt<#name, #pc>>::OP)
    });
    let first = ahead(0);
    let name_str = name.to_string();
    Ok(quote! {
        #(#attrs)*
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;
        impl ::typevm::reflect::Program for #name {
            type Code = #first;
            const OPS: &'static [::typevm::reflect::Op] = &[#(#ops),*];
            const NAME: &'static str = #name_str;
        }
        #cells
        #linked
    })
}
