//! The configuration language, parsed. One parser serves the proc macros
//! that turn a configuration into type programs (`programs-macros`) and the
//! `explain` command that runs the same checks on values; so both always
//! read a configuration the same way.
//!
//! ```text
//! sp_states! { pub SpState: Reset, Idle, Running; }
//! sp_lifecycle! {
//!     pub Lifecycle for SpState {
//!         states: Reset, Idle, Running;
//!         initial: Reset;
//!         terminal: ;            // optional
//!         reentrant: ;           // optional: initial states that may be entered again
//!         Reset -> Idle; Idle -> Running; Running -> Idle;
//!     }
//! }
//! device_kinds! { pub VirtKinds { Pl011: trapped, spi, compatible "arm,pl011"; GicV3Distributor: trapped, singleton; } }
//! board! { pub QemuVirt { ram: 0x4000_0000 + 0x4000_0000; devices: 0x0800_0000 + 0x3800_0000; image: 0x4020_0000 + 0x100_0000; kinds: VirtKinds; } }
//! devices! {
//!     pub VirtDevices on QemuVirt {
//!         uart0: Pl011 @ 0x0900_0000 + 0x1000, irq 33;
//!         gicd: GicV3Distributor @ 0x0800_0000 + 0x1_0000;
//!     }
//! }
//! transition_handlers! {
//!     pub static HANDLERS: programs::HandlerTable<Ctx, Lifecycle> = {
//!         Reset -> Idle => on_boot,
//!     };
//! }
//! ```

use proc_macro2::TokenStream;
pub use syn;
pub use syn::Ident;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, LitInt, Path, Token, Type, Visibility, braced};

/// Most states a vocabulary may have (a legal-transition mask is a `u64`).
pub const MAX_STATES: usize = 64;
/// Most items in one configuration list (transitions, devices, handlers):
/// the macros hand lists to the checks as ranked nominal cells, and
/// `typevm::value::MAX_RANK` bounds a rank (`explain` asserts the two agree).
pub const MAX_LIST: usize = 4096;

/// `sp_states! { pub Vocabulary: A, B, C; }`: a vocabulary of state types.
pub struct States {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    /// The vocabulary's name: a table takes its states from one vocabulary.
    pub vocabulary: Ident,
    pub names: Vec<Ident>,
}

/// Refuse a name the macros reserve for the hidden types they generate, and
/// a name given twice in one list.
fn distinct_names<'a>(names: impl IntoIterator<Item = &'a Ident>, what: &str) -> syn::Result<()> {
    let mut seen: Vec<&Ident> = Vec::new();
    for n in names {
        if n.to_string().starts_with("__") {
            return Err(syn::Error::new(
                n.span(),
                format!(
                    "{what} `{n}`: names starting with `__` are reserved for the types the configuration macros generate"
                ),
            ));
        }
        if let Some(first) = seen.iter().find(|s| **s == n) {
            let mut e = syn::Error::new(n.span(), format!("{what} `{n}` is declared twice"));
            e.combine(syn::Error::new(first.span(), format!("first declaration of `{n}`")));
            return Err(e);
        }
        seen.push(n);
    }
    Ok(())
}

impl Parse for States {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let vocabulary: Ident = input.parse()?;
        input.parse::<Token![:]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `:` after the vocabulary's name: `sp_states! { pub SpState: A, B, C; }`",
            )
        })?;
        let names: Punctuated<Ident, Token![,]> = Punctuated::parse_separated_nonempty(input)?;
        input.parse::<Option<Token![;]>>()?;
        let names: Vec<Ident> = names.into_iter().collect();
        distinct_names(core::iter::once(&vocabulary).chain(&names), "state")?;
        if names.len() > MAX_STATES {
            return Err(syn::Error::new(
                names[MAX_STATES].span(),
                format!("a state vocabulary has at most {MAX_STATES} states (legal-transition masks are 64-bit)"),
            ));
        }
        Ok(States {
            attrs,
            vis,
            vocabulary,
            names,
        })
    }
}

/// A transition `From -> To`.
#[derive(Clone)]
pub struct Edge {
    pub from: Ident,
    pub to: Ident,
}

/// `sp_lifecycle! { pub Name for Vocabulary { states: ..; initial: ..; Edge; .. } }`.
pub struct Lifecycle {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    /// The vocabulary every state of the table must come from.
    pub vocabulary: Path,
    pub states: Vec<Ident>,
    pub initial: Vec<Ident>,
    pub terminal: Vec<Ident>,
    pub reentrant: Vec<Ident>,
    pub edges: Vec<Edge>,
}

/// `key: A, B;` with a possibly empty list.
fn keyed_list(input: ParseStream) -> syn::Result<Vec<Ident>> {
    input.parse::<Token![:]>()?;
    let mut out = Vec::new();
    while !input.peek(Token![;]) {
        out.push(input.parse::<Ident>()?);
        if !input.peek(Token![;]) {
            input.parse::<Token![,]>()?;
        }
    }
    input.parse::<Token![;]>()?;
    Ok(out)
}

impl Parse for Lifecycle {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let name: Ident = input.parse()?;
        input.parse::<Token![for]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `for Vocabulary` after the table's name: `sp_lifecycle! { pub Lifecycle for SpState { .. } }`",
            )
        })?;
        let vocabulary: Path = input.parse()?;
        let body;
        braced!(body in input);
        let mut t = Lifecycle {
            attrs,
            vis,
            name,
            vocabulary,
            states: Vec::new(),
            initial: Vec::new(),
            terminal: Vec::new(),
            reentrant: Vec::new(),
            edges: Vec::new(),
        };
        let mut seen_states = false;
        while !body.is_empty() {
            let first: Ident = body.parse()?;
            if body.peek(Token![:]) && !body.peek(Token![::]) {
                let list = keyed_list(&body)?;
                match first.to_string().as_str() {
                    "states" => {
                        seen_states = true;
                        t.states.extend(list);
                    }
                    "initial" => t.initial.extend(list),
                    "terminal" => t.terminal.extend(list),
                    "reentrant" => t.reentrant.extend(list),
                    other => {
                        return Err(syn::Error::new(
                            first.span(),
                            format!(
                                "unknown section `{other}:` (expected `states:`, `initial:`, `terminal:` or `reentrant:`)"
                            ),
                        ));
                    }
                }
            } else {
                body.parse::<Token![->]>()?;
                let to: Ident = body.parse()?;
                body.parse::<Token![;]>()?;
                t.edges.push(Edge { from: first, to });
            }
        }
        if !seen_states {
            return Err(syn::Error::new(
                t.name.span(),
                "a lifecycle table needs a `states: A, B, ...;` line",
            ));
        }
        Ok(t)
    }
}

/// `start + size` as numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub base: u64,
    pub size: u64,
}

fn window(input: ParseStream) -> syn::Result<Window> {
    let base: LitInt = input.parse()?;
    input.parse::<Token![+]>()?;
    let size: LitInt = input.parse()?;
    Ok(Window {
        base: base.base10_parse()?,
        size: size.base10_parse()?,
    })
}

/// `board! { pub Name { ram: b + s; devices: b + s; image: b + s; } }`.
pub struct Board {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub ram: Window,
    pub devices: Window,
    pub image: Window,
    /// The CPUs partitions' execution contexts run on (`cpus: N;`, 1 when
    /// not given).
    pub cpus: u64,
    /// The kind set its devices come in (`kinds: VirtKinds;`, declared with
    /// `device_kinds!`).
    pub kinds: Path,
}

impl Board {
    /// The board record's fields in the order the checks read them
    /// (`Field<U0>`..`Field<U6>`): RAM, device range and image, base then
    /// size, then the number of CPUs.
    pub fn fields(&self) -> [u64; 7] {
        [
            self.ram.base,
            self.ram.size,
            self.devices.base,
            self.devices.size,
            self.image.base,
            self.image.size,
            self.cpus,
        ]
    }
}

impl Parse for Board {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let (attrs, vis, name) = named(input)?;
        let body;
        braced!(body in input);
        let (mut ram, mut devices, mut image, mut cpus, mut kinds) = (None, None, None, None, None);
        while !body.is_empty() {
            let key: Ident = body.parse()?;
            body.parse::<Token![:]>()?;
            if key == "kinds" {
                let set: Path = body.parse()?;
                body.parse::<Token![;]>()?;
                if kinds.replace(set).is_some() {
                    return Err(syn::Error::new(key.span(), "board field `kinds` given twice"));
                }
                continue;
            }
            if key == "cpus" {
                let n: LitInt = body.parse()?;
                body.parse::<Token![;]>()?;
                let n: u64 = n.base10_parse()?;
                if n == 0 || n > 256 {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("board `{name}`: `cpus: {n}`: a board has 1..=256 CPUs"),
                    ));
                }
                if cpus.replace(n).is_some() {
                    return Err(syn::Error::new(key.span(), "board field `cpus` given twice"));
                }
                continue;
            }
            let w = window(&body)?;
            body.parse::<Token![;]>()?;
            let slot = match key.to_string().as_str() {
                "ram" => &mut ram,
                "devices" => &mut devices,
                "image" => &mut image,
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown board field `{other}` (expected `ram`, `devices`, `image`, `cpus`, `kinds`)"),
                    ));
                }
            };
            if slot.replace(w).is_some() {
                return Err(syn::Error::new(key.span(), format!("board field `{key}` given twice")));
            }
        }
        let need = |w: Option<Window>, what: &str| {
            w.ok_or_else(|| syn::Error::new(name.span(), format!("board `{name}` needs `{what}: base + size;`")))
        };
        for (key, w) in [("ram", &ram), ("devices", &devices), ("image", &image)] {
            if let Some(w) = w {
                if w.size == 0 {
                    return Err(syn::Error::new(
                        name.span(),
                        format!("board `{name}`: `{key}` is empty (size 0)"),
                    ));
                }
                if w.base.checked_add(w.size - 1).is_none() {
                    return Err(syn::Error::new(
                        name.span(),
                        format!(
                            "board `{name}`: `{key}: {:#x} + {:#x}` wraps past the end of the 64-bit address space (a range may end exactly at 2^64, not beyond)",
                            w.base, w.size
                        ),
                    ));
                }
            }
        }
        Ok(Board {
            ram: need(ram, "ram")?,
            devices: need(devices, "devices")?,
            image: need(image, "image")?,
            cpus: cpus.unwrap_or(1),
            kinds: kinds.ok_or_else(|| {
                syn::Error::new(
                    name.span(),
                    format!("board `{name}` needs `kinds: KindSet;`: the set of device kinds its devices come in (`device_kinds!`)"),
                )
            })?,
            attrs,
            vis,
            name,
        })
    }
}

/// How the hypervisor gives a partition a device of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindAccess {
    /// The window is left out of stage-2: every access traps and the
    /// hypervisor emulates the device (windows may be smaller than a page).
    Trapped = 0,
    /// The window is mapped into the partition's stage-2 as device memory
    /// (whole 4 KiB pages; one partition only).
    Passthrough = 1,
}

/// The interrupt a device of a kind raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IrqClass {
    /// None.
    None = 0,
    /// A shared peripheral interrupt (32..=1019).
    Spi = 1,
    /// A private peripheral interrupt (16..=31).
    Ppi = 2,
}

/// One kind of a set: `Pl011: trapped, spi, compatible "arm,pl011";`.
pub struct KindDecl {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub access: KindAccess,
    pub singleton: bool,
    pub irq: IrqClass,
    /// Device-tree compatibles that are devices of this kind, each with the
    /// `reg` entry that is its window (`None`: every entry is one device).
    pub compatibles: Vec<(String, Option<u64>)>,
}

/// Most kinds in one set: the checks keep a bit per kind in one register.
pub const MAX_KINDS: usize = 64;

/// `device_kinds! { pub VirtKinds { Pl011: trapped, spi; ... } }`.
pub struct DeviceKinds {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub kinds: Vec<KindDecl>,
}

impl Parse for DeviceKinds {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let (attrs, vis, name) = named(input)?;
        let body;
        braced!(body in input);
        let mut kinds = Vec::new();
        while !body.is_empty() {
            let attrs = body.call(Attribute::parse_outer)?;
            let kind: Ident = body.parse()?;
            body.parse::<Token![:]>()?;
            let (mut access, mut singleton, mut irq, mut compatibles) = (None, false, None, Vec::new());
            let words = list_to_semicolon(&body, |input| {
                let word: Ident = input.parse()?;
                let value = if word == "compatible" {
                    let c: syn::LitStr = input.parse()?;
                    let reg = if input.peek(Ident) {
                        let r: Ident = input.parse()?;
                        if r != "reg" {
                            return Err(syn::Error::new(
                                r.span(),
                                "expected `reg N` after the compatible string",
                            ));
                        }
                        Some(input.parse::<LitInt>()?.base10_parse::<u64>()?)
                    } else {
                        None
                    };
                    Some((c.value(), reg))
                } else {
                    None
                };
                Ok((word, value))
            })?;
            body.parse::<Token![;]>()?;
            for (word, value) in words {
                let twice = || syn::Error::new(word.span(), format!("kind `{kind}`: `{word}` given twice"));
                match word.to_string().as_str() {
                    "trapped" | "passthrough" => {
                        let a = if word == "trapped" {
                            KindAccess::Trapped
                        } else {
                            KindAccess::Passthrough
                        };
                        if access.replace(a).is_some() {
                            return Err(syn::Error::new(
                                word.span(),
                                format!("kind `{kind}`: a kind is either `trapped` or `passthrough`, once"),
                            ));
                        }
                    }
                    "singleton" if singleton => return Err(twice()),
                    "singleton" => singleton = true,
                    "spi" | "ppi" => {
                        let c = if word == "spi" { IrqClass::Spi } else { IrqClass::Ppi };
                        if irq.replace(c).is_some() {
                            return Err(syn::Error::new(
                                word.span(),
                                format!("kind `{kind}`: a kind raises one class of interrupt (`spi` or `ppi`)"),
                            ));
                        }
                    }
                    "compatible" => compatibles.extend(value),
                    other => {
                        return Err(syn::Error::new(
                            word.span(),
                            format!(
                                "kind `{kind}`: unknown property `{other}` (expected `trapped` or `passthrough`, then `singleton`, `spi` or `ppi`, `compatible \"vendor,device\"`)"
                            ),
                        ));
                    }
                }
            }
            let access = access.ok_or_else(|| {
                syn::Error::new(
                    kind.span(),
                    format!(
                        "kind `{kind}` needs `trapped` (the hypervisor emulates it) or `passthrough` (mapped into one partition)"
                    ),
                )
            })?;
            kinds.push(KindDecl {
                attrs,
                name: kind,
                access,
                singleton,
                irq: irq.unwrap_or(IrqClass::None),
                compatibles,
            });
        }
        distinct_names(kinds.iter().map(|k| &k.name), "kind")?;
        if kinds.len() > MAX_KINDS {
            return Err(syn::Error::new(
                name.span(),
                format!(
                    "kind set `{name}` declares {} kinds; a set holds at most {MAX_KINDS}",
                    kinds.len()
                ),
            ));
        }
        Ok(DeviceKinds {
            attrs,
            vis,
            name,
            kinds,
        })
    }
}

/// One device: `name: Kind @ base + size, irq N;`.
pub struct Device {
    pub name: Ident,
    pub kind: Ident,
    pub window: Window,
    pub irq: Option<u64>,
}

/// `devices! { pub Name on Board { dev; dev; } }`.
pub struct Devices {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub board: Path,
    /// The devices in map order: by base address, devices with the same
    /// base as written. The checks sweep the windows in this order
    /// (`WindowsDisjoint`), and the runtime device table keeps it.
    pub devices: Vec<Device>,
}

/// The head of a declaration: `#[attrs] vis Name`.
fn named(input: ParseStream) -> syn::Result<(Vec<Attribute>, Visibility, Ident)> {
    Ok((input.call(Attribute::parse_outer)?, input.parse()?, input.parse()?))
}

/// The head of a map or set: `#[attrs] vis Name on Target`, where `what`
/// says what the target is for the error (`DeviceMap`, `BoardName`).
fn named_on(input: ParseStream, target: &str, of: &str) -> syn::Result<(Vec<Attribute>, Visibility, Ident, Path)> {
    let (attrs, vis, name) = named(input)?;
    let on: Ident = input.parse()?;
    if on != "on" {
        return Err(syn::Error::new(
            on.span(),
            format!("expected `on {target}` after the {of}'s name"),
        ));
    }
    Ok((attrs, vis, name, input.parse()?))
}

/// `item, item, ...` up to (not including) the next `;`, possibly empty.
fn list_to_semicolon<T>(
    input: ParseStream,
    mut item: impl FnMut(ParseStream) -> syn::Result<T>,
) -> syn::Result<Vec<T>> {
    let mut v = Vec::new();
    while !input.peek(Token![;]) {
        v.push(item(input)?);
        if !input.peek(Token![;]) {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(v)
}

impl Parse for Devices {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let (attrs, vis, name, board) = named_on(input, "BoardName", "device map")?;
        let body;
        braced!(body in input);
        let mut devices = Vec::new();
        while !body.is_empty() {
            let name: Ident = body.parse()?;
            body.parse::<Token![:]>()?;
            let kind: Ident = body.parse()?;
            body.parse::<Token![@]>()?;
            let w = window(&body)?;
            let irq = if body.peek(Token![,]) {
                body.parse::<Token![,]>()?;
                let kw: Ident = body.parse()?;
                if kw != "irq" {
                    return Err(syn::Error::new(kw.span(), "expected `irq N`"));
                }
                let n: LitInt = body.parse()?;
                Some(n.base10_parse()?)
            } else {
                None
            };
            body.parse::<Token![;]>()?;
            devices.push(Device {
                name,
                kind,
                window: w,
                irq,
            });
        }
        distinct_names(devices.iter().map(|d| &d.name), "device")?;
        if let Some(d) = devices.iter().find(|d| d.name == name) {
            return Err(syn::Error::new(
                d.name.span(),
                format!("device `{}` has the name of its map: rename one of them", d.name),
            ));
        }
        devices.sort_by_key(|d| d.window.base);
        Ok(Devices {
            attrs,
            vis,
            name,
            board,
            devices,
        })
    }
}

/// One handler: `From -> To => path`.
pub struct Handler {
    pub edge: Edge,
    pub func: Path,
}

/// `transition_handlers! { pub static NAME: programs::HandlerTable<Ctx, Table> = { .. }; }`.
pub struct Handlers {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub table_ty: Type,
    pub context: Type,
    pub lifecycle: Type,
    pub handlers: Vec<Handler>,
}

impl Parse for Handlers {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        input.parse::<Token![static]>()?;
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let table_ty: Type = input.parse()?;
        let (context, lifecycle) = handler_context(&table_ty)?;
        input.parse::<Token![=]>()?;
        let body;
        braced!(body in input);
        let mut handlers = Vec::new();
        while !body.is_empty() {
            let from: Ident = body.parse()?;
            body.parse::<Token![->]>()?;
            let to: Ident = body.parse()?;
            body.parse::<Token![=>]>()?;
            let func: Path = body.parse()?;
            handlers.push(Handler {
                edge: Edge { from, to },
                func,
            });
            if !body.is_empty() {
                body.parse::<Token![,]>()?;
            }
        }
        input.parse::<Option<Token![;]>>()?;
        Ok(Handlers {
            attrs,
            vis,
            name,
            table_ty,
            context,
            lifecycle,
            handlers,
        })
    }
}

/// The `Ctx` and `Table` of `...::HandlerTable<Ctx, Table>`.
fn handler_context(t: &Type) -> syn::Result<(Type, Type)> {
    if let Type::Path(p) = t
        && let Some(last) = p.path.segments.last()
        && last.ident == "HandlerTable"
        && let syn::PathArguments::AngleBracketed(a) = &last.arguments
    {
        let mut args = a.args.iter();
        if let (Some(syn::GenericArgument::Type(ctx)), Some(syn::GenericArgument::Type(table)), None) =
            (args.next(), args.next(), args.next())
        {
            return Ok((ctx.clone(), table.clone()));
        }
    }
    Err(syn::Error::new_spanned(
        t,
        "expected `programs::HandlerTable<Context, LifecycleTable>`: the handlers' context and the table they are checked against",
    ))
}

/// Access a memory region grants: bits `r` = 1, `w` = 2, `x` = 4.
pub const PERM_R: u64 = 1;
/// See [`PERM_R`].
pub const PERM_W: u64 = 2;
/// See [`PERM_R`].
pub const PERM_X: u64 = 4;

/// One memory region of a partition: `name @ base + size perms`, or
/// `name + size perms`, placed by size only: at the first page boundary
/// after the region declared before it in the set (its partition's
/// previous region, or the previous partition's last).
pub struct Region {
    pub name: Ident,
    pub window: Window,
    /// [`PERM_R`] | [`PERM_W`] | [`PERM_X`].
    pub perms: u64,
    /// For a region placed by size only: the region it follows
    /// (`sp0.data`), whose end rounded up to a page is its base.
    pub follows: Option<String>,
}

/// The stage-2 granule size-only regions are placed on.
pub const PAGE: u64 = 0x1000;

/// One device given to a partition: `uart0` (shared: each partition that
/// is given it sees its own emulated instance) or `exclusive uart0`.
pub struct Grant {
    pub device: Ident,
    pub exclusive: bool,
}

/// One partition: `name: id N, uuid "…", contexts N { memory: ..; devices: ..; interrupts: ..; }`.
pub struct Partition {
    pub name: Ident,
    /// Its FF-A partition id.
    pub id: u64,
    /// Its UUID, as (high, low) 64-bit halves.
    pub uuid: (u64, u64),
    /// Its number of execution contexts.
    pub contexts: u64,
    pub regions: Vec<Region>,
    pub grants: Vec<Grant>,
    /// Interrupt ids routed to it, with where they are written.
    pub interrupts: Vec<(u64, proc_macro2::Span)>,
}

/// `partitions! { pub Name on DeviceMap { partition; .. } }`.
pub struct Partitions {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    /// The device map the partitions are given devices of.
    pub map: Path,
    pub partitions: Vec<Partition>,
}

/// `"8-4-4-4-12"` hex digits as a 128-bit number.
fn parse_uuid(lit: &syn::LitStr) -> syn::Result<(u64, u64)> {
    let text = lit.value();
    let groups: Vec<&str> = text.split('-').collect();
    let shape_ok = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
    if !shape_ok {
        return Err(syn::Error::new(
            lit.span(),
            format!(
                "`{text}` is not a UUID: expected 32 hex digits as 8-4-4-4-12, e.g. \"b4b5671e-4a90-4fe1-b81f-fb13dae1dacb\""
            ),
        ));
    }
    let v = u128::from_str_radix(&groups.concat(), 16).map_err(|e| syn::Error::new(lit.span(), e.to_string()))?;
    if v == 0 {
        return Err(syn::Error::new(
            lit.span(),
            "the nil UUID names no partition: give the partition its own UUID",
        ));
    }
    Ok(((v >> 64) as u64, v as u64))
}

/// `rx`, `rw`, `r`: access bits as written.
pub fn perms_text(perms: u64) -> String {
    [(PERM_R, 'r'), (PERM_W, 'w'), (PERM_X, 'x')]
        .iter()
        .filter(|(bit, _)| perms & bit != 0)
        .map(|(_, c)| *c)
        .collect()
}

fn parse_perms(p: &Ident) -> syn::Result<u64> {
    let text = p.to_string();
    let mut perms = 0;
    for c in text.chars() {
        let bit = match c {
            'r' => PERM_R,
            'w' => PERM_W,
            'x' => PERM_X,
            _ => 0,
        };
        if bit == 0 || perms & bit != 0 {
            return Err(syn::Error::new(
                p.span(),
                format!("`{text}`: a region's access is some of `r`, `w`, `x`, each once (`rx`, `rw`, `r`)"),
            ));
        }
        perms |= bit;
    }
    if perms & PERM_W != 0 && perms & PERM_X != 0 {
        return Err(syn::Error::new(
            p.span(),
            format!("`{text}`: a region is writable or executable, not both (stage-2 keeps W^X)"),
        ));
    }
    if perms & PERM_R == 0 {
        return Err(syn::Error::new(
            p.span(),
            format!("`{text}`: a mapped region is readable: add `r`"),
        ));
    }
    Ok(perms)
}

impl Parse for Partition {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let (mut id, mut uuid, mut contexts) = (None, None, None);
        loop {
            let key: Ident = input.parse()?;
            match key.to_string().as_str() {
                "id" => id = Some(input.parse::<LitInt>()?.base10_parse::<u64>()?),
                "uuid" => uuid = Some(parse_uuid(&input.parse()?)?),
                "contexts" => contexts = Some(input.parse::<LitInt>()?.base10_parse::<u64>()?),
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown partition property `{other}` (expected `id`, `uuid`, `contexts`)"),
                    ));
                }
            }
            if input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
            } else {
                break;
            }
        }
        let need = |what: &str| syn::Error::new(name.span(), format!("partition `{name}` needs `{what}`"));
        let id = id.ok_or_else(|| need("id N"))?;
        let uuid = uuid.ok_or_else(|| need("uuid \"…\""))?;
        let contexts = contexts.ok_or_else(|| need("contexts N"))?;
        let body;
        braced!(body in input);
        let (mut regions, mut grants, mut interrupts) = (None, None, None);
        while !body.is_empty() {
            let key: Ident = body.parse()?;
            body.parse::<Token![:]>()?;
            match key.to_string().as_str() {
                "memory" => {
                    let v = list_to_semicolon(&body, |b| {
                        let name: Ident = b.parse()?;
                        // `name + size`: placed by size only (`Partitions::parse` places it).
                        let (window, follows) = if b.peek(Token![@]) {
                            b.parse::<Token![@]>()?;
                            (window(b)?, None)
                        } else {
                            b.parse::<Token![+]>()?;
                            let size: LitInt = b.parse()?;
                            let size = size.base10_parse()?;
                            (Window { base: 0, size }, Some(String::new()))
                        };
                        let perms = parse_perms(&b.parse()?)?;
                        Ok(Region {
                            name,
                            window,
                            perms,
                            follows,
                        })
                    })?;
                    distinct_names(v.iter().map(|r: &Region| &r.name), "memory region")?;
                    regions = Some(v);
                }
                "devices" => {
                    let v = list_to_semicolon(&body, |b| {
                        let first: Ident = b.parse()?;
                        Ok(if first == "exclusive" && b.peek(Ident) {
                            Grant {
                                device: b.parse()?,
                                exclusive: true,
                            }
                        } else {
                            Grant {
                                device: first,
                                exclusive: false,
                            }
                        })
                    })?;
                    distinct_names(v.iter().map(|g: &Grant| &g.device), "granted device")?;
                    grants = Some(v);
                }
                "interrupts" => {
                    let v = list_to_semicolon(&body, |b| {
                        let n: LitInt = b.parse()?;
                        Ok((n.base10_parse::<u64>()?, n.span()))
                    })?;
                    for (k, (irq, span)) in v.iter().enumerate() {
                        if let Some((_, first)) = v[..k].iter().find(|(i, _)| i == irq) {
                            let mut e = syn::Error::new(*span, format!("interrupt {irq} is routed to `{name}` twice"));
                            e.combine(syn::Error::new(*first, "first routing"));
                            return Err(e);
                        }
                    }
                    interrupts = Some(v);
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown partition field `{other}` (expected `memory`, `devices`, `interrupts`)"),
                    ));
                }
            }
            body.parse::<Token![;]>()?;
        }
        Ok(Partition {
            regions: regions.ok_or_else(|| need("memory: name @ base + size access, ..;"))?,
            grants: grants.unwrap_or_default(),
            interrupts: interrupts.unwrap_or_default(),
            name,
            id,
            uuid,
            contexts,
        })
    }
}

impl Parse for Partitions {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let (attrs, vis, name, map) = named_on(input, "DeviceMap", "partition set")?;
        let body;
        braced!(body in input);
        let mut partitions = Vec::new();
        while !body.is_empty() {
            partitions.push(body.parse::<Partition>()?);
        }
        distinct_names(
            core::iter::once(&name).chain(partitions.iter().map(|p: &Partition| &p.name)),
            "partition",
        )?;
        place_by_size(&mut partitions)?;
        Ok(Partitions {
            attrs,
            vis,
            name,
            map,
            partitions,
        })
    }
}

/// Place every region declared by size only (`data + 0x1f_0000 rw`) at
/// the first page boundary after the region declared before it in the set.
/// The checks then read the placed windows like any other: a placed region
/// that lands on another's memory, the image or outside RAM is reported
/// with its address.
fn place_by_size(partitions: &mut [Partition]) -> syn::Result<()> {
    let mut before: Option<(String, u64, u64)> = None; // name, base, size
    for p in partitions.iter_mut() {
        for r in &mut p.regions {
            let shown = format!("{}.{}", p.name, r.name);
            if r.follows.is_some() {
                let Some((prev, base, size)) = &before else {
                    return Err(syn::Error::new(
                        r.name.span(),
                        format!(
                            "memory region `{shown}` has no base, and no region is declared before it to follow: \
                             give it one (`{} @ BASE + {:#x} {}`); the regions after it may be placed by size",
                            r.name,
                            r.window.size,
                            perms_text(r.perms)
                        ),
                    ));
                };
                // The previous region's end, rounded up to a page, in 65 bits.
                let end = (*base as u128 + *size as u128).next_multiple_of(PAGE as u128);
                if end > u64::MAX as u128 {
                    let why = if *base as u128 + *size as u128 > 1 << 64 {
                        "which runs past the end of the 64-bit address space"
                    } else {
                        "which ends in the last page of the 64-bit address space, so no page follows it"
                    };
                    return Err(syn::Error::new(
                        r.name.span(),
                        format!(
                            "memory region `{shown}` is placed by size after `{prev}`, {why}: \
                             give it a base (`{} @ BASE + {:#x} {}`)",
                            r.name,
                            r.window.size,
                            perms_text(r.perms)
                        ),
                    ));
                }
                let end = end as u64;
                r.window.base = end;
                r.follows = Some(prev.clone());
            }
            before = Some((shown, r.window.base, r.window.size));
        }
    }
    Ok(())
}

/// A configuration file as `explain` reads it: every configuration macro
/// invocation in it, by kind.
#[derive(Default)]
pub struct ConfigFile {
    pub states: Vec<States>,
    pub lifecycles: Vec<Lifecycle>,
    pub boards: Vec<Board>,
    pub devices: Vec<Devices>,
    pub handlers: Vec<Handlers>,
    pub partitions: Vec<Partitions>,
    pub kinds: Vec<DeviceKinds>,
}

impl ConfigFile {
    /// Parse the configuration macros in a Rust source file (items at any
    /// module depth; other items are ignored).
    pub fn parse(source: &str) -> syn::Result<ConfigFile> {
        let file = syn::parse_file(source)?;
        let mut out = ConfigFile::default();
        out.collect(&file.items)?;
        Ok(out)
    }

    fn collect(&mut self, items: &[syn::Item]) -> syn::Result<()> {
        for item in items {
            match item {
                syn::Item::Macro(m) => {
                    let Some(name) = m.mac.path.segments.last().map(|s| s.ident.to_string()) else {
                        continue;
                    };
                    let tokens = m.mac.tokens.clone();
                    match name.as_str() {
                        "sp_states" => self.states.push(syn::parse2(tokens)?),
                        "sp_lifecycle" => self.lifecycles.push(syn::parse2(tokens)?),
                        "board" => self.boards.push(syn::parse2(tokens)?),
                        "devices" => self.devices.push(syn::parse2(tokens)?),
                        "transition_handlers" => self.handlers.push(syn::parse2(tokens)?),
                        "partitions" => self.partitions.push(syn::parse2(tokens)?),
                        "device_kinds" => self.kinds.push(syn::parse2(tokens)?),
                        _ => {}
                    }
                }
                syn::Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        self.collect(items)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The typenum type of `n`, spelled through `prefix` (e.g.
/// `::programs::__private::typenum`): typevm's one definition.
pub use typevm_tokens::typenum_tokens;

/// A right-nested HList type of `items`, without macro recursion (lists may
/// be thousands long).
pub fn hlist_type(items: &[TokenStream], frunk: &TokenStream) -> TokenStream {
    use quote::quote;
    items
        .iter()
        .rev()
        .fold(quote!(#frunk::HNil), |acc, t| quote!(#frunk::HCons<#t, #acc>))
}

/// The identity of a vocabulary: the 64-bit FNV-1a hash of the crate, the
/// vocabulary's name and its states, folded to 32 bits, so that two
/// vocabularies compare equal in the checks only if they are the same
/// declaration. 32 bits keep accidental collisions negligible (about one in
/// 10^8 for ten vocabularies in one build) and halve the cost of every
/// comparison in the checks (measured: a 64-bit identity cost a quarter of
/// the lifecycle checks' compile time); a deliberate copy of another
/// vocabulary's record can only rename its states, whatever the width.
pub fn vocabulary_identity(crate_name: &str, states: &States) -> u64 {
    declaration_identity(crate_name, &states.vocabulary, states.names.iter())
}

/// The identity of a kind set, made like a vocabulary's (see
/// [`vocabulary_identity`]): a device of another set's kind is told apart
/// from the board's own by it.
pub fn kind_set_identity(crate_name: &str, kinds: &DeviceKinds) -> u64 {
    declaration_identity(crate_name, &kinds.name, kinds.kinds.iter().map(|k| &k.name))
}

fn declaration_identity<'a>(crate_name: &str, name: &Ident, items: impl Iterator<Item = &'a Ident>) -> u64 {
    let mut text = format!("{crate_name}::{name}:");
    for n in items {
        text.push_str(&n.to_string());
        text.push(',');
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h ^ (h >> 32)) & 0xffff_ffff
}
