//! The configuration language's proc macros, re-exported by `programs`.
//! Each turns a configuration into record types, the VM input of the
//! checks, flat reflections for the runtime tables, and one `const` per check
//! that fails the build with the check's message. See `programs-dsl` for the
//! syntax.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Ts;
use programs_dsl::{Board, Devices, Handlers, Lifecycle, States, hlist_type, typenum_tokens};
use quote::quote;
use syn::{Ident, parse_macro_input};

fn tv() -> Ts {
    quote!(::programs::__private::typevm)
}
fn tn() -> Ts {
    quote!(::programs::__private::typenum)
}
fn fk() -> Ts {
    quote!(::programs::__private::frunk)
}
fn num(n: u64) -> Ts {
    typenum_tokens(n, &tn())
}

/// One `const` that runs check program `program` on `input` and fails the
/// build with its message unless it halts.
fn check(program: Ts, input: &Ts, subject: &str) -> Ts {
    let tv = tv();
    quote! {
        #tv::check!(#program, input = #input, budget = ::programs::gate::CheckBudget, subject = #subject);
    }
}

/// `sp_states! { pub A, B, C; }`: one record type per state, ids in order.
#[proc_macro]
pub fn sp_states(input: TokenStream) -> TokenStream {
    let s = parse_macro_input!(input as States);
    let tv = tv();
    let vis = &s.vis;
    let attrs = &s.attrs;
    let mut out = Ts::new();
    for (id, name) in s.names.iter().enumerate() {
        let id_ty = num(id as u64);
        let id_u8 = id as u8;
        let name_str = name.to_string();
        out.extend(quote! {
            #tv::record!(
                #(#attrs)*
                #vis struct #name = [#id_ty] as #tv::value::Display::Name
            );
            impl ::programs::StateId for #name {
                const ID: u8 = #id_u8;
                const NAME: &'static str = #name_str;
            }
        });
    }
    out.into()
}

/// A nominal list of `items` (see `typevm::value::ListShape`): one hidden
/// unit type per cell, named `{prefix}{k}`; returns the definitions and the
/// type of the first cell. A machine holding it holds one small type.
fn nominal_list(prefix: &str, items: &[Ts]) -> (Ts, Ts) {
    let (tv, fk) = (tv(), fk());
    let cell = |k: usize| Ident::new(&format!("{prefix}{k}"), proc_macro2::Span::call_site());
    let mut defs = Ts::new();
    for k in 0..=items.len() {
        let c = cell(k);
        let shape = match items.get(k) {
            Some(item) => {
                let next = cell(k + 1);
                quote!(#fk::HCons<#item, #next>)
            }
            None => quote!(#fk::HNil),
        };
        defs.extend(quote! {
            #[doc(hidden)]
            pub struct #c;
            impl #tv::value::Class for #c { type K = #tv::value::ListK; }
            impl #tv::value::ListShape for #c { type Shape = #shape; }
        });
    }
    let head = cell(0);
    (defs, quote!(#head))
}

fn list_vals(items: &[Ts]) -> Ts {
    let tv = tv();
    quote!(&[#(<#items as #tv::value::Value>::VAL),*])
}

/// `sp_lifecycle! { pub Name { states: ..; initial: ..; A -> B; ... } }`.
#[proc_macro]
pub fn sp_lifecycle(input: TokenStream) -> TokenStream {
    let t = parse_macro_input!(input as Lifecycle);
    let (tv, fk) = (tv(), fk());
    let name = &t.name;
    let name_str = name.to_string();
    let (attrs, vis) = (&t.attrs, &t.vis);
    let ids = |v: &[Ident]| v.iter().map(|i| quote!(#i)).collect::<Vec<_>>();
    let states = ids(&t.states);
    let initial = ids(&t.initial);
    let terminal = ids(&t.terminal);
    let reentrant = ids(&t.reentrant);
    let marked: Vec<Ts> = initial.iter().chain(&terminal).chain(&reentrant).cloned().collect();
    let edges: Vec<Ts> = t
        .edges
        .iter()
        .map(|e| {
            let (f, to) = (&e.from, &e.to);
            quote!(::programs::lifecycle::Edge<#f, #to>)
        })
        .collect();
    let (edge_cells, edges_ty) = nominal_list(&format!("__{name}Transition"), &edges);
    let input = hlist_type(
        &[
            edges_ty.clone(),
            hlist_type(&states, &fk),
            hlist_type(&initial, &fk),
            hlist_type(&terminal, &fk),
            hlist_type(&reentrant, &fk),
            hlist_type(&marked, &fk),
        ],
        &fk,
    );
    let (edge_vals, state_vals) = (list_vals(&edges), list_vals(&states));
    let (initial_vals, terminal_vals, reentrant_vals) =
        (list_vals(&initial), list_vals(&terminal), list_vals(&reentrant));
    let input_path = quote!(<#name as ::programs::lifecycle::Table>::Input);
    let checks: Ts = [
        "StatesDeclared",
        "OneInitialState",
        "NoDuplicateTransition",
        "EveryStateReachable",
        "NoDeadEnd",
        "InitialNotEntered",
    ]
    .iter()
    .map(|p| {
        let p = Ident::new(p, proc_macro2::Span::call_site());
        check(quote!(::programs::lifecycle::#p), &input_path, &name_str)
    })
    .collect();
    quote! {
        #edge_cells
        #(#attrs)*
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;
        // SAFETY: the reflections below list the same items as the types above.
        unsafe impl ::programs::lifecycle::Table for #name {
            const NAME: &'static str = #name_str;
            type Edges = #edges_ty;
            type Input = #input;
            const EDGES: &'static [#tv::Val] = #edge_vals;
            const STATES: &'static [#tv::Val] = #state_vals;
            const INITIAL: &'static [#tv::Val] = #initial_vals;
            const TERMINAL: &'static [#tv::Val] = #terminal_vals;
            const REENTRANT: &'static [#tv::Val] = #reentrant_vals;
        }
        #checks
    }
    .into()
}

/// `board! { pub Name { ram: b + s; devices: b + s; image: b + s; } }`.
#[proc_macro]
pub fn board(input: TokenStream) -> TokenStream {
    let b = parse_macro_input!(input as Board);
    let tv = tv();
    let (attrs, vis, name) = (&b.attrs, &b.vis, &b.name);
    let fields = [
        b.ram.base,
        b.ram.size,
        b.devices.base,
        b.devices.size,
        b.image.base,
        b.image.size,
    ]
    .map(num);
    quote! {
        #tv::record!(
            #(#attrs)*
            #vis struct #name = [#(#fields),*] as #tv::value::Display::Name
        );
        impl ::programs::devices::Board for #name {
            const INFO: ::programs::BoardInfo =
                ::programs::devices::board_info(&<#name as #tv::value::Record>::INFO);
        }
    }
    .into()
}

/// `devices! { pub Name on Board { uart0: Pl011 @ base + size, irq N; ... } }`.
#[proc_macro]
pub fn devices(input: TokenStream) -> TokenStream {
    let m = parse_macro_input!(input as Devices);
    let (tv, fk) = (tv(), fk());
    let (attrs, vis, name, board) = (&m.attrs, &m.vis, &m.name, &m.board);
    let name_str = name.to_string();
    let mut out = Ts::new();
    let mut devs = Vec::new();
    for d in &m.devices {
        let (dn, kind) = (&d.name, &d.kind);
        let fields = [num(d.window.base), num(d.window.size), num(d.irq.unwrap_or(0))];
        let [base, size, irq] = &fields;
        let doc = format!(
            "Device `{dn}`: a `{kind}` at [{:#x}, +{:#x}){} (declared in `{name}`).",
            d.window.base,
            d.window.size,
            d.irq.map(|i| format!(", irq {i}")).unwrap_or_default()
        );
        out.extend(quote! {
            #tv::record!(
                #[doc = #doc]
                #[allow(non_camel_case_types)]
                #vis struct #dn = [::programs::devices::kinds::#kind, #base, #size, #irq] as #tv::value::Display::Window
            );
        });
        devs.push(quote!(#dn));
    }
    let (device_cells, devices_ty) = nominal_list(&format!("__{name}Device"), &devs);
    out.extend(device_cells);
    let input = hlist_type(&[devices_ty.clone(), quote!(#board)], &fk);
    let vals = list_vals(&devs);
    let input_path = quote!(<#name as ::programs::devices::DeviceMap>::Input);
    let checks: Ts = [
        "WindowsAligned",
        "WindowsInDeviceRange",
        "WindowsClearOfRamAndImage",
        "DevicePairsDisjoint",
        "InterruptsInRange",
        "SingletonsOnce",
    ]
    .iter()
    .map(|p| {
        let p = Ident::new(p, proc_macro2::Span::call_site());
        check(quote!(::programs::devices::#p), &input_path, &name_str)
    })
    .collect();
    out.extend(quote! {
        #(#attrs)*
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;
        // SAFETY: `DEVICES` lists the same records as `Devices`.
        unsafe impl ::programs::devices::DeviceMap for #name {
            const NAME: &'static str = #name_str;
            type Input = #input;
            type Devices = #devices_ty;
            type Board = #board;
            const DEVICES: &'static [#tv::Val] = #vals;
        }
        #checks
    });
    out.into()
}

/// `transition_handlers! { pub static NAME: programs::HandlerTable<Ctx> for Table = { A -> B => f, ... }; }`.
#[proc_macro]
pub fn transition_handlers(input: TokenStream) -> TokenStream {
    let h = parse_macro_input!(input as Handlers);
    let fk = fk();
    let (attrs, vis, name, table_ty, ctx, lifecycle) =
        (&h.attrs, &h.vis, &h.name, &h.table_ty, &h.context, &h.lifecycle);
    let name_str = name.to_string();
    let mut entries = Vec::new();
    let mut edges = Vec::new();
    for handler in &h.handlers {
        let (f, t, func) = (&handler.edge.from, &handler.edge.to, &handler.func);
        entries.push(quote! {
            (<#f as ::programs::StateId>::ID, <#t as ::programs::StateId>::ID, #func as fn(&#ctx))
        });
        edges.push(quote!(::programs::lifecycle::Edge<#f, #t>));
    }
    let (handled_cells, handled) = nominal_list(&format!("__{name}Handler"), &edges);
    let input = hlist_type(
        &[quote!(<#lifecycle as ::programs::lifecycle::Table>::Edges), handled],
        &fk,
    );
    let check = check(quote!(::programs::handlers::HandlersMatchTable), &input, &name_str);
    quote! {
        #handled_cells
        #(#attrs)*
        #vis static #name: #table_ty = ::programs::HandlerTable::__new(&[#(#entries),*]);
        #check
    }
    .into()
}
