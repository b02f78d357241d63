//! The configuration language's proc macros, re-exported by `programs`.
//! Each turns a configuration into record types and the parts of a
//! configuration trait (`Table`, `DeviceMap`, `Handlers`), and calls the
//! catalogue's macro for its group (`programs::catalogue`) to emit one
//! `const` per check that fails the build with the check's message. The
//! macros write structure only: what the checks read and what the runtime
//! tables are reflected from is derived from it inside `programs`. See
//! `programs-dsl` for the syntax.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Ts;
use programs_dsl::{
    Board, DeviceKinds, Devices, Handlers, Lifecycle, Partitions, States, hlist_type, kind_set_identity,
    typenum_tokens, vocabulary_identity,
};
use quote::{quote, quote_spanned};
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

/// `sp_states! { pub Vocabulary: A, B, C; }`: the vocabulary record
/// `[identity, number of states]` and one record type per state, `[id, Vocabulary]`.
#[proc_macro]
pub fn sp_states(input: TokenStream) -> TokenStream {
    let s = parse_macro_input!(input as States);
    let tv = tv();
    let (vis, attrs, vocabulary) = (&s.vis, &s.attrs, &s.vocabulary);
    let crate_name = std::env::var("CARGO_CRATE_NAME").unwrap_or_default();
    let identity = num(vocabulary_identity(&crate_name, &s));
    let size = num(s.names.len() as u64);
    let doc = format!(
        "The state vocabulary `{vocabulary}`: {}.",
        s.names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    );
    let mut out = quote! {
        #tv::record!(
            #[doc = #doc]
            #vis struct #vocabulary = [#identity, #size] as #tv::value::Display::Name
        );
    };
    for (id, name) in s.names.iter().enumerate() {
        let id_ty = num(id as u64);
        out.extend(quote! {
            #tv::record!(
                #(#attrs)*
                #vis struct #name = [#id_ty, #vocabulary] as #tv::value::Display::Name
            );
        });
    }
    out.into()
}

/// A nominal list of `items` (see `typevm::value::CellOf`): one hidden unit
/// type per cell, named `{prefix}{k}` and ranked with the number of items
/// from it to the end; returns the definitions and the type of the first
/// cell. A machine holding it holds one small type.
fn nominal_list(prefix: &str, items: &[Ts]) -> (Ts, Ts) {
    let (tv, fk) = (tv(), fk());
    let cell = |k: usize| Ident::new(&format!("{prefix}{k}"), proc_macro2::Span::call_site());
    let mut defs = Ts::new();
    if items.len() > programs_dsl::MAX_LIST {
        let m = format!(
            "a list of {} items is longer than the {} a configuration list may hold",
            items.len(),
            programs_dsl::MAX_LIST
        );
        defs.extend(quote!(::core::compile_error!(#m);));
    }
    for k in 0..=items.len() {
        let c = cell(k);
        let shape = match items.get(k) {
            Some(item) => {
                let next = cell(k + 1);
                quote!(#fk::HCons<#item, #next>)
            }
            None => quote!(#fk::HNil),
        };
        let name = c.to_string();
        let rank = num((items.len() - k) as u64);
        defs.extend(quote! {
            #[doc(hidden)]
            pub struct #c;
            impl #tv::value::Declared for #c {
                type Form = #tv::value::CellOf<#shape, #rank>;
                const NAME: &'static str = #name;
                const DISPLAY: #tv::value::Display = #tv::value::Display::Name;
            }
        });
    }
    let head = cell(0);
    (defs, quote!(#head))
}

/// The per-item checks of a catalogue group: one `const` per item, with the
/// item's span, reporting the violations about that item at its line, and
/// one at the macro for the rest. Each name is keyed once, at its first mention.
fn located_checks(group: &str, input: &Ts, subject: &str, items: &[(Ts, proc_macro2::Span)]) -> Ts {
    let group = Ident::new(group, proc_macro2::Span::call_site());
    let failures = quote!(&<#input as ::programs::gate::PassesAll<::programs::catalogue::#group::Programs>>::FAILURES);
    let mut out = Ts::new();
    let mut seen: Vec<String> = Vec::new();
    let mut keys = Vec::new();
    for (key, span) in items {
        if seen.contains(&key.to_string()) {
            continue;
        }
        seen.push(key.to_string());
        keys.push(key.clone());
        out.extend(quote_spanned! {*span=>
            const _: () = ::programs::gate::report_item(#failures, #subject, #key);
        });
    }
    out.extend(quote! {
        const _: () = ::programs::gate::report_rest(#failures, #subject, &[#(#keys),*]);
    });
    out
}

fn named_key(n: &Ident) -> (Ts, proc_macro2::Span) {
    let s = n.to_string();
    (quote!(::programs::gate::ItemKey::Named(#s)), n.span())
}

fn arrow_key(e: &programs_dsl::Edge) -> (Ts, proc_macro2::Span) {
    let (f, t) = (e.from.to_string(), e.to.to_string());
    let span = e.from.span().join(e.to.span()).unwrap_or(e.from.span());
    (quote!(::programs::gate::ItemKey::Arrow(#f, #t)), span)
}

/// At each state's name: compile only if it is a state of `vocabulary`.
fn states_of(vocabulary: &Ts, states: &[&Ident]) -> Ts {
    states
        .iter()
        .map(|s| {
            quote_spanned! {s.span()=>
                const _: () = ::programs::lifecycle::state_of::<#vocabulary, #s>();
            }
        })
        .collect()
}

/// `sp_lifecycle! { pub Name for Vocabulary { states: ..; initial: ..; A -> B; ... } }`.
#[proc_macro]
pub fn sp_lifecycle(input: TokenStream) -> TokenStream {
    let t = parse_macro_input!(input as Lifecycle);
    let fk = fk();
    let name = &t.name;
    let name_str = name.to_string();
    let (attrs, vis, vocabulary) = (&t.attrs, &t.vis, &t.vocabulary);
    let ids = |v: &[Ident]| v.iter().map(|i| quote!(#i)).collect::<Vec<_>>();
    let edges: Vec<Ts> = t
        .edges
        .iter()
        .map(|e| {
            let (f, to) = (&e.from, &e.to);
            quote!(::programs::lifecycle::Edge<#f, #to>)
        })
        .collect();
    let (edge_cells, edges_ty) = nominal_list(&format!("__{name}Transition"), &edges);
    // The lists a table can make long are nominal, so that a machine holding
    // one holds one small type.
    let (state_cells, states) = nominal_list(&format!("__{name}State"), &ids(&t.states));
    let initial = hlist_type(&ids(&t.initial), &fk);
    let (terminal_cells, terminal) = nominal_list(&format!("__{name}Terminal"), &ids(&t.terminal));
    let reentrant = hlist_type(&ids(&t.reentrant), &fk);
    let named: Vec<&Ident> = t
        .states
        .iter()
        .chain(&t.initial)
        .chain(&t.terminal)
        .chain(&t.reentrant)
        .chain(t.edges.iter().flat_map(|e| [&e.from, &e.to]))
        .collect();
    let membership = states_of(&quote!(#vocabulary), &named);
    let items: Vec<_> = t
        .edges
        .iter()
        .map(arrow_key)
        .chain(
            t.states
                .iter()
                .chain(&t.initial)
                .chain(&t.terminal)
                .chain(&t.reentrant)
                .map(named_key),
        )
        .collect();
    let checks = located_checks(
        "lifecycle_checks",
        &quote!(::programs::lifecycle::Input<#name>),
        &name_str,
        &items,
    );
    quote! {
        #edge_cells
        #state_cells
        #terminal_cells
        #(#attrs)*
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;
        impl ::programs::lifecycle::Table for #name {
            const NAME: &'static str = #name_str;
            type Vocabulary = #vocabulary;
            type Edges = #edges_ty;
            type States = #states;
            type Initial = #initial;
            type Terminal = #terminal;
            type Reentrant = #reentrant;
        }
        #membership
        #checks
    }
    .into()
}

/// `device_kinds! { pub Set { Pl011: trapped, spi, compatible "arm,pl011"; ... } }`:
/// the set record `[identity, number of kinds]` and one record type per
/// kind, `[id, singleton, irq class, access, Set]`.
#[proc_macro]
pub fn device_kinds(input: TokenStream) -> TokenStream {
    let k = parse_macro_input!(input as DeviceKinds);
    let (tv, fk) = (tv(), fk());
    let (attrs, vis, set) = (&k.attrs, &k.vis, &k.name);
    let set_str = set.to_string();
    let crate_name = std::env::var("CARGO_CRATE_NAME").unwrap_or_default();
    let identity = num(kind_set_identity(&crate_name, &k));
    let count = num(k.kinds.len() as u64);
    let mut out = quote! {
        #tv::record!(
            #(#attrs)*
            #vis struct #set = [#identity, #count] as #tv::value::Display::Name
        );
    };
    let mut names = Vec::new();
    let mut compatibles = Vec::new();
    for (id, kind) in k.kinds.iter().enumerate() {
        let (kattrs, name) = (&kind.attrs, &kind.name);
        let fields = [
            num(id as u64),
            num(kind.singleton as u64),
            num(kind.irq as u64),
            num(kind.access as u64),
        ];
        let doc = format!(
            "A kind of `{set}`: {}{}{}.",
            match kind.access {
                programs_dsl::KindAccess::Trapped => "trapped and emulated by the hypervisor",
                programs_dsl::KindAccess::Passthrough => "passed through to one partition",
            },
            match kind.irq {
                programs_dsl::IrqClass::None => ", raises no interrupt",
                programs_dsl::IrqClass::Spi => ", raises an SPI",
                programs_dsl::IrqClass::Ppi => ", raises a PPI",
            },
            if kind.singleton { ", one per board" } else { "" },
        );
        out.extend(quote! {
            #tv::record!(
                #(#kattrs)*
                #[doc = #doc]
                #vis struct #name = [#(#fields,)* #set] as #tv::value::Display::Name
            );
        });
        names.push(quote!(#name));
        for (c, reg) in &kind.compatibles {
            let id = id as u8;
            let reg = match reg {
                Some(r) => {
                    let r = *r as u8;
                    quote!(::core::option::Option::Some(#r))
                }
                None => quote!(::core::option::Option::None),
            };
            compatibles.push(quote!(::programs::devices::Compatible { kind: #id, compatible: #c, reg: #reg }));
        }
    }
    let list = hlist_type(&names, &fk);
    out.extend(quote! {
        impl ::programs::devices::KindSet for #set {
            const NAME: &'static str = #set_str;
            type Kinds = #list;
            const COMPATIBLES: &'static [::programs::devices::Compatible] = &[#(#compatibles),*];
        }
    });
    out.into()
}

/// `board! { pub Name { ram: b + s; devices: b + s; image: b + s; cpus: n; kinds: Set; } }`.
#[proc_macro]
pub fn board(input: TokenStream) -> TokenStream {
    let b = parse_macro_input!(input as Board);
    let tv = tv();
    let (attrs, vis, name, kinds) = (&b.attrs, &b.vis, &b.name, &b.kinds);
    let fields = b.fields().map(num);
    quote! {
        #tv::record!(
            #(#attrs)*
            #vis struct #name = [#(#fields,)* #kinds] as #tv::value::Display::Name
        );
        impl ::programs::devices::BoardKinds for #name {
            type Kinds = #kinds;
        }
    }
    .into()
}

/// `devices! { pub Name on Board { uart0: Pl011 @ base + size, irq N; ... } }`.
#[proc_macro]
pub fn devices(input: TokenStream) -> TokenStream {
    let m = parse_macro_input!(input as Devices);
    let tv = tv();
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
                #vis struct #dn = [#kind, #base, #size, #irq] as #tv::value::Display::Window
            );
        });
        devs.push(quote!(#dn));
    }
    let (device_cells, devices_ty) = nominal_list(&format!("__{name}Device"), &devs);
    out.extend(device_cells);
    out.extend(quote! {
        #(#attrs)*
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;
        impl ::programs::devices::DeviceMap for #name {
            const NAME: &'static str = #name_str;
            type Devices = #devices_ty;
            type Board = #board;
        }
    });
    let items: Vec<_> = m.devices.iter().map(|d| named_key(&d.name)).collect();
    out.extend(located_checks(
        "device_checks",
        &quote!(::programs::devices::Input<#name>),
        &name_str,
        &items,
    ));
    out.into()
}

/// `partitions! { pub Name on Map { sp0: id N, uuid "…", contexts N { memory: ..; devices: ..; interrupts: ..; } .. } }`.
#[proc_macro]
pub fn partitions(input: TokenStream) -> TokenStream {
    let set = parse_macro_input!(input as Partitions);
    let tv = tv();
    let (attrs, vis, name, map) = (&set.attrs, &set.vis, &set.name, &set.map);
    let name_str = name.to_string();
    let mut out = Ts::new();
    let mut parts = Vec::new();
    let mut items = Vec::new();
    for p in &set.partitions {
        let pn = &p.name;
        items.push(named_key(pn));
        let mut regions = Vec::new();
        for r in &p.regions {
            let ty = Ident::new(&format!("__{name}_{pn}_{}", r.name), r.name.span());
            let shown = format!("{pn}.{}", r.name);
            let fields = [num(r.perms), num(r.window.base), num(r.window.size)];
            out.extend(quote! {
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                pub struct #ty;
                impl #tv::value::Declared for #ty {
                    type Form = #tv::value::RecordOf<::programs::__private::frunk::HList![#(#fields),*]>;
                    const NAME: &'static str = #shown;
                    const DISPLAY: #tv::value::Display = #tv::value::Display::Window;
                }
            });
            regions.push(quote!(#ty));
            let key = quote!(::programs::gate::ItemKey::Named(#shown));
            items.push((key, r.name.span()));
        }
        let grants: Vec<Ts> = p
            .grants
            .iter()
            .map(|g| {
                let (d, e) = (&g.device, num(g.exclusive as u64));
                quote!(::programs::partitions::Grant<#d, #e>)
            })
            .collect();
        let irqs: Vec<Ts> = p.interrupts.iter().map(|(n, _)| num(*n)).collect();
        let (region_cells, regions_ty) = nominal_list(&format!("__{name}_{pn}_Region"), &regions);
        let (grant_cells, grants_ty) = nominal_list(&format!("__{name}_{pn}_Grant"), &grants);
        let (irq_cells, irqs_ty) = nominal_list(&format!("__{name}_{pn}_Interrupt"), &irqs);
        let fields = [
            num(p.id),
            num(p.uuid.0),
            num(p.uuid.1),
            num(p.contexts),
            regions_ty,
            grants_ty,
            irqs_ty,
        ];
        let memory: Vec<String> = p
            .regions
            .iter()
            .map(|r| {
                let placed = match &r.follows {
                    Some(prev) => format!(" (placed by size after `{prev}`)"),
                    None => String::new(),
                };
                format!(
                    "`{}` [{:#x}, +{:#x}) {}{placed}",
                    r.name,
                    r.window.base,
                    r.window.size,
                    programs_dsl::perms_text(r.perms)
                )
            })
            .collect();
        let doc = format!(
            "Partition `{pn}`: FF-A id {:#06x}, {} execution context(s) (declared in `{name}`); memory: {}.",
            p.id,
            p.contexts,
            memory.join(", ")
        );
        out.extend(quote! {
            #region_cells
            #grant_cells
            #irq_cells
            #tv::record!(
                #[doc = #doc]
                #[allow(non_camel_case_types)]
                #vis struct #pn = [#(#fields),*] as #tv::value::Display::Name
            );
        });
        parts.push(quote!(#pn));
    }
    let (part_cells, parts_ty) = nominal_list(&format!("__{name}Partition"), &parts);
    out.extend(part_cells);
    out.extend(quote! {
        #(#attrs)*
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;
        impl ::programs::partitions::PartitionSet for #name {
            const NAME: &'static str = #name_str;
            type Partitions = #parts_ty;
        }
    });
    out.extend(located_checks(
        "partition_checks",
        &quote!(::programs::partitions::Input<#name, #map>),
        &name_str,
        &items,
    ));
    // The gate checks the trapped devices given against the hypervisor's
    // emulations (`programs::board::Emulated`, which the gate fixes); run it
    // here too, so that a grant nothing emulates fails at its partition's
    // line, not only at the gate.
    out.extend(located_checks(
        "emulation_checks",
        &quote!(::programs::partitions::EmulationInput<#name, ::programs::board::Emulated>),
        &name_str,
        &items,
    ));
    out.into()
}

/// `transition_handlers! { pub static NAME: programs::HandlerTable<Ctx, Table> = { A -> B => f, ... }; }`.
#[proc_macro]
pub fn transition_handlers(input: TokenStream) -> TokenStream {
    let h = parse_macro_input!(input as Handlers);
    let (attrs, vis, name, table_ty, ctx, lifecycle) =
        (&h.attrs, &h.vis, &h.name, &h.table_ty, &h.context, &h.lifecycle);
    let name_str = name.to_string();
    let decl = Ident::new(&format!("__{name}Declaration"), proc_macro2::Span::call_site());
    let mut functions = Vec::new();
    let mut edges = Vec::new();
    let mut named = Vec::new();
    for handler in &h.handlers {
        let (f, t, func) = (&handler.edge.from, &handler.edge.to, &handler.func);
        functions.push(quote!(#func as fn(&#ctx)));
        edges.push(quote!(::programs::lifecycle::Edge<#f, #t>));
        named.extend([f, t]);
    }
    let vocabulary = quote!(<#lifecycle as ::programs::lifecycle::Table>::Vocabulary);
    let membership = states_of(&vocabulary, &named);
    let (handled_cells, handled) = nominal_list(&format!("__{name}Handler"), &edges);
    let items: Vec<_> = h.handlers.iter().map(|x| arrow_key(&x.edge)).collect();
    let checks = located_checks(
        "handler_checks",
        &quote!(::programs::handlers::Input<#decl>),
        &name_str,
        &items,
    );
    quote! {
        #handled_cells
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        pub struct #decl;
        impl ::programs::handlers::Handlers for #decl {
            const NAME: &'static str = #name_str;
            type Context = #ctx;
            type Table = #lifecycle;
            type Handled = #handled;
            const FUNCTIONS: &'static [fn(&#ctx)] = &[#(#functions),*];
        }
        #membership
        #checks
        #(#attrs)*
        #vis static #name: #table_ty = ::programs::HandlerTable::checked::<#decl>();
    }
    .into()
}
