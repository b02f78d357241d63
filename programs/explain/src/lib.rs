//! The value-level side of a configuration's checks: read the configuration
//! macros of a source file (with the same parser as the proc macros), build
//! the very inputs the type level builds, and run every check of the
//! catalogue (`programs::catalogue`) on the value-level twin. `explain`
//! prints what this returns; the differential tests compare it with rustc.

use std::collections::HashMap;

use programs::catalogue::{Check, device_checks, emulation_checks, handler_checks, lifecycle_checks, partition_checks};
use programs_dsl::{ConfigFile, DeviceKinds, Edge, Ident, States, kind_set_identity, vocabulary_identity};
use typevm::interp::{self, Tick};
use typevm::message::Message;
use typevm::reflect::{Status, Verdict};
use typevm::value::{Display, RecordInfo, Val, Value};

/// The budget the gate gives every check.
pub const BUDGET: u64 = programs::gate::CHECK_BUDGET;

// The parser bounds a list by what a ranked nominal cell may hold.
const _: () = assert!(programs_dsl::MAX_LIST as u64 == typevm::value::MAX_RANK);

/// One check run on one configuration item.
#[derive(Clone, Debug)]
pub struct Run {
    /// What was checked (`Lifecycle`, `VirtDevices`, `SP_HANDLERS`).
    pub subject: String,
    /// The check program's name.
    pub program: &'static str,
    /// The input it ran on, top of the stack first (what the type level
    /// builds from the same declarations).
    pub input: Vec<Val>,
    /// How it ended; `None` when the run left the twin's limits.
    pub verdict: Option<Verdict>,
    /// The message rustc would print for it (empty when it halted).
    pub message: String,
    pub ticks: u64,
    /// Every tick, rendered, when asked for.
    pub trace: Vec<String>,
    /// The ticks (1-based) at which the run reported a violation.
    pub reports: Vec<u64>,
}

impl Run {
    /// Did the check accept?
    pub fn passed(&self) -> bool {
        matches!(
            self.verdict,
            Some(Verdict {
                status: Status::Halted,
                ..
            })
        )
    }
}

/// What a configuration file holds, as headlines, and every check's run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// One line per configuration item (`lifecycle `L`: 5 states, 8 transitions`).
    pub items: Vec<(String, Vec<Run>)>,
}

impl Report {
    /// Every run, in file order.
    pub fn runs(&self) -> impl Iterator<Item = &Run> {
        self.items.iter().flat_map(|(_, r)| r)
    }
    /// Did every check pass?
    pub fn accepted(&self) -> bool {
        self.runs().all(Run::passed)
    }
}

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

fn leak_slice(v: Vec<Val>) -> &'static [Val] {
    Box::leak(v.into_boxed_slice())
}

/// A record value as `typevm::record!` reflects one.
pub fn record(name: &str, display: Display, fields: Vec<Val>) -> Val {
    Val::Rec(leak(RecordInfo {
        name: leak(name.to_string()).as_str(),
        display,
        fields: leak_slice(fields),
    }))
}

/// A list value from items, first item at the head.
pub fn list(items: Vec<Val>) -> Val {
    Val::Slice(leak_slice(items))
}

/// Runs checks, keeping traces when asked.
struct Runner {
    trace: bool,
}

impl Runner {
    /// Run one check program on `input` (top of stack first).
    fn run(&self, check: &Check, subject: &str, input_top_first: &[Val]) -> Run {
        let mut input = input_top_first.to_vec();
        input.reverse();
        let mut ticks: Vec<String> = Vec::new();
        let mut reports: Vec<u64> = Vec::new();
        let mut reported = 0;
        let result = interp::run_traced(check.ops, &input, BUDGET, |t: &Tick<'_>| {
            if t.reported > reported {
                reported = t.reported;
                reports.push(t.n);
            }
            if self.trace {
                ticks.push(render_tick(t));
            }
        });
        match result {
            Ok(run) => Run {
                subject: subject.to_string(),
                program: check.name,
                input: input_top_first.to_vec(),
                verdict: Some(run.verdict),
                message: typevm::message::verdict_message(&run.verdict, check.name, subject, BUDGET)
                    .as_str()
                    .to_string(),
                ticks: run.ticks,
                trace: ticks,
                reports,
            },
            Err(e) => Run {
                subject: subject.to_string(),
                program: check.name,
                input: input_top_first.to_vec(),
                verdict: None,
                message: format!("outside the value-level twin's limits at instruction #{}", e.pc),
                ticks: 0,
                trace: ticks,
                reports,
            },
        }
    }

    fn run_all(&self, checks: &[Check], subject: &str, input: &[Val]) -> Vec<Run> {
        checks.iter().map(|c| self.run(c, subject, input)).collect()
    }
}

/// One tick as `explain` prints it.
pub fn render_tick(t: &Tick<'_>) -> String {
    let mut m = Message::new();
    match t.op {
        Some(op) => m.push_op(&op),
        None => m.push_str("(past the last instruction)"),
    }
    let mut s = Message::new();
    let shown = t.stack.len().min(3);
    if t.stack.len() > shown {
        s.push_str("... ");
    }
    for (i, v) in t.stack[t.stack.len() - shown..].iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_val(v);
    }
    format!("#{:<6} pc {:<3} {:<22} stack: [{}]", t.n, t.pc, m.as_str(), s.as_str())
}

/// A vocabulary as the type level declares it: its record and its states'.
/// A kind set: its record and its kinds' records by name.
struct KindSet {
    record: Val,
    kinds: HashMap<String, Val>,
}

impl KindSet {
    fn declared(crate_name: &str, k: &DeviceKinds) -> KindSet {
        let record = record(
            &k.name.to_string(),
            Display::Name,
            vec![
                Val::Num(kind_set_identity(crate_name, k)),
                Val::Num(k.kinds.len() as u64),
            ],
        );
        let kinds = k
            .kinds
            .iter()
            .enumerate()
            .map(|(id, d)| {
                let fields = vec![
                    Val::Num(id as u64),
                    Val::Num(d.singleton as u64),
                    Val::Num(d.irq as u64),
                    Val::Num(d.access as u64),
                    record,
                ];
                (
                    d.name.to_string(),
                    self::record(&d.name.to_string(), Display::Name, fields),
                )
            })
            .collect();
        KindSet { record, kinds }
    }

    /// `programs::board::VirtKinds`, as the type level reflects it.
    fn board() -> KindSet {
        let mut kinds = HashMap::new();
        let mut rest = <<programs::board::VirtKinds as programs::devices::KindSet>::Kinds as Value>::VAL;
        while let Some((k, tail)) = rest.uncons() {
            if let Val::Rec(r) = k {
                kinds.insert(r.name.to_string(), k);
            }
            rest = tail;
        }
        KindSet {
            record: <programs::board::VirtKinds as Value>::VAL,
            kinds,
        }
    }
}

struct Vocabulary {
    record: Val,
    states: HashMap<String, Val>,
}

impl Vocabulary {
    fn declared(crate_name: &str, s: &States) -> Vocabulary {
        let name = s.vocabulary.to_string();
        let record = record(
            &name,
            Display::Name,
            vec![
                Val::Num(vocabulary_identity(crate_name, s)),
                Val::Num(s.names.len() as u64),
            ],
        );
        Vocabulary::with_states(record, s.names.iter().map(|n| n.to_string()))
    }

    fn with_states(record: Val, names: impl Iterator<Item = String>) -> Vocabulary {
        let states = names
            .enumerate()
            .map(|(id, n)| {
                let r = self::record(&n, Display::Name, vec![Val::Num(id as u64), record]);
                (n, r)
            })
            .collect();
        Vocabulary { record, states }
    }
}

/// `explain` reads a file's declarations by name, without its modules and
/// `use`s: that only gives rustc's answer when every name the configuration
/// macros declare is declared once in the file, and a path of several
/// segments names none of them (`programs::board::QemuVirt` next to a
/// `QemuVirt` of the file's own). Otherwise it says so and gives no verdict,
/// rather than one about items rustc would not pick.
fn names_resolve_alone(config: &ConfigFile) -> Result<(), String> {
    let mut declared: HashMap<String, usize> = HashMap::new();
    let names = config
        .states
        .iter()
        .flat_map(|s| std::iter::once(&s.vocabulary).chain(&s.names))
        .chain(config.lifecycles.iter().map(|t| &t.name))
        .chain(config.boards.iter().map(|b| &b.name))
        .chain(
            config
                .devices
                .iter()
                .flat_map(|m| std::iter::once(&m.name).chain(m.devices.iter().map(|d| &d.name))),
        )
        .chain(
            config
                .partitions
                .iter()
                .flat_map(|p| std::iter::once(&p.name).chain(p.partitions.iter().map(|x| &x.name))),
        )
        .chain(config.handlers.iter().map(|h| &h.name));
    for n in names {
        *declared.entry(n.to_string()).or_default() += 1;
    }
    let mut twice: Vec<&String> = declared.iter().filter(|(_, k)| **k > 1).map(|(n, _)| n).collect();
    twice.sort();
    if let Some(n) = twice.first() {
        return Err(format!(
            "`{n}` is declared more than once in this file (in different modules): explain reads \
             declarations by name, without modules, so it cannot tell which one rustc uses; \
             give each its own name to explain this file"
        ));
    }
    let paths = config
        .lifecycles
        .iter()
        .map(|t| &t.vocabulary)
        .chain(config.devices.iter().map(|m| &m.board))
        .chain(config.partitions.iter().map(|p| &p.map));
    for path in paths {
        if let Some(last) = path.segments.last()
            && path.segments.len() > 1
            && declared.contains_key(&last.ident.to_string())
        {
            let spelled: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            return Err(format!(
                "`{}` is a path, and this file declares a `{}` of its own: explain reads declarations \
                 by name, without modules, so it cannot tell which one rustc uses; name it without \
                 a path, or rename the file's own, to explain this file",
                spelled.join("::"),
                last.ident
            ));
        }
    }
    Ok(())
}

/// Run every check of the catalogue on every configuration item of `config`
/// (`crate_name` as rustc would see it, for vocabulary identities).
pub fn explain(config: &ConfigFile, crate_name: &str, trace: bool) -> Result<Report, String> {
    names_resolve_alone(config)?;
    let runner = Runner { trace };
    let mut report = Report::default();
    let mut vocabularies: Vec<(String, Vocabulary)> = config
        .states
        .iter()
        .map(|s| (s.vocabulary.to_string(), Vocabulary::declared(crate_name, s)))
        .collect();
    if vocabularies.is_empty() {
        // The board's vocabulary, for a file that uses it without declaring one.
        vocabularies.push((
            "SpState".to_string(),
            Vocabulary::with_states(
                <programs::board::SpState as Value>::VAL,
                programs::board::ACCEPTED
                    .lifecycle()
                    .states()
                    .iter()
                    .map(|s| s.to_string()),
            ),
        ));
    }
    let vocabulary = |path: &programs_dsl::syn::Path| -> Result<&Vocabulary, String> {
        let name = path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        vocabularies
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("`{name}` is not a vocabulary declared with `sp_states!` (rustc: cannot find type)"))
    };
    // A state named in a table of vocabulary `v`: its own, else another's (which the checks refuse).
    let state = |v: &Vocabulary, n: &Ident| -> Result<Val, String> {
        let n = n.to_string();
        v.states
            .get(&n)
            .or_else(|| vocabularies.iter().find_map(|(_, o)| o.states.get(&n)))
            .copied()
            .ok_or_else(|| format!("`{n}` is not a state of any `sp_states!` (rustc: cannot find type)"))
    };
    let edge = |v: &Vocabulary, e: &Edge| -> Result<Val, String> {
        Ok(record(
            "Edge",
            Display::Arrow,
            vec![state(v, &e.from)?, state(v, &e.to)?],
        ))
    };
    let states_of =
        |v: &Vocabulary, names: &[Ident]| -> Result<Vec<Val>, String> { names.iter().map(|n| state(v, n)).collect() };

    let mut tables: HashMap<String, (Val, Val)> = HashMap::new();
    for t in &config.lifecycles {
        let name = t.name.to_string();
        let v = vocabulary(&t.vocabulary)?;
        let edges: Vec<Val> = t.edges.iter().map(|e| edge(v, e)).collect::<Result<_, _>>()?;
        let declared = states_of(v, &t.states)?;
        let headline = format!(
            "lifecycle `{name}`: {} states, {} transitions",
            declared.len(),
            edges.len()
        );
        let edges = list(edges);
        tables.insert(name.clone(), (edges, v.record));
        let input = [
            edges,
            list(declared),
            list(states_of(v, &t.initial)?),
            list(states_of(v, &t.terminal)?),
            list(states_of(v, &t.reentrant)?),
            v.record,
        ];
        report
            .items
            .push((headline, runner.run_all(lifecycle_checks::CHECKS, &name, &input)));
    }

    let mut sets: Vec<(String, KindSet)> = config
        .kinds
        .iter()
        .map(|k| (k.name.to_string(), KindSet::declared(crate_name, k)))
        .collect();
    if !sets.iter().any(|(n, _)| n == "VirtKinds") {
        // The board's kinds, for a file that uses them without declaring them.
        sets.push(("VirtKinds".to_string(), KindSet::board()));
    }
    let mut boards: HashMap<String, (Val, String)> = HashMap::new();
    for b in &config.boards {
        let n = b.name.to_string();
        let set_name = b.kinds.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let set = sets
            .iter()
            .find(|(s, _)| *s == set_name)
            .map(|(_, s)| s)
            .ok_or_else(|| format!("board `{n}`: `{set_name}` is not a kind set declared with `device_kinds!` (rustc: cannot find type)"))?;
        let mut fields: Vec<Val> = b.fields().iter().map(|&x| Val::Num(x)).collect();
        fields.push(set.record);
        boards.insert(n.clone(), (record(&n, Display::Name, fields), set_name));
    }
    // A kind named in a map whose board has set `set`: the set's own, else
    // another set's (which the checks refuse).
    let kind_of = |set: &str, k: &str| -> Result<Val, String> {
        sets.iter()
            .find(|(n, _)| n == set)
            .and_then(|(_, s)| s.kinds.get(k))
            .or_else(|| sets.iter().find_map(|(_, s)| s.kinds.get(k)))
            .copied()
            .ok_or_else(|| format!("`{k}` is not a kind of any `device_kinds!` (rustc: cannot find type)"))
    };
    // Each map's devices by name, its device list and its board record, for
    // the partition sets declared on it.
    let mut maps: HashMap<String, MapValues> = HashMap::new();
    for m in &config.devices {
        let name = m.name.to_string();
        let board_name = m.board.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let (board, set) = match boards.get(&board_name) {
            Some((b, set)) => (*b, set.clone()),
            None if board_name == "QemuVirt" => (<programs::board::QemuVirt as Value>::VAL, "VirtKinds".to_string()),
            None => {
                return Err(format!(
                    "device map `{name}` is on board `{board_name}`, which the file does not declare with `board!`"
                ));
            }
        };
        let devices: Vec<Val> = m
            .devices
            .iter()
            .map(|d| {
                Ok(record(
                    &d.name.to_string(),
                    Display::Window,
                    vec![
                        kind_of(&set, &d.kind.to_string())?,
                        Val::Num(d.window.base),
                        Val::Num(d.window.size),
                        Val::Num(d.irq.unwrap_or(0)),
                    ],
                ))
            })
            .collect::<Result<_, String>>()?;
        let headline = format!("device map `{name}` on `{board_name}`: {} devices", devices.len());
        let named: Vec<(String, Val)> = m
            .devices
            .iter()
            .map(|d| d.name.to_string())
            .zip(devices.iter().copied())
            .collect();
        let devices = list(devices);
        maps.insert(name.clone(), MapValues { named, devices, board });
        let runs = runner.run_all(device_checks::CHECKS, &name, &[devices, board]);
        report.items.push((headline, runs));
    }

    // The board's own map, for sets on it and for names a file uses from it
    // (`use programs::board::*`; the file's own declarations shadow them).
    let board_map = board_map_of::<programs::board::VirtDevices>();
    for set in &config.partitions {
        let name = set.name.to_string();
        let map_name = set.map.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let map = match maps.get(&map_name) {
            Some(m) => m,
            None if map_name == "VirtDevices" => &board_map,
            None => {
                return Err(format!(
                    "partition set `{name}` is on device map `{map_name}`, which the file does not declare with `devices!`"
                ));
            }
        };
        // A granted device, as rustc resolves its name: a device of the
        // file's maps (at most one declares it), else of the board's map.
        // `GrantsInMap` refuses one of another map than the set's.
        let device = |d: &Ident| -> Result<Val, String> {
            let d = d.to_string();
            maps.values()
                .chain(std::iter::once(&board_map))
                .find_map(|m| m.named.iter().find(|(n, _)| *n == d).map(|(_, v)| *v))
                .ok_or_else(|| format!("`{d}` is not a device of any `devices!` (rustc: cannot find type)"))
        };
        let partitions: Vec<Val> = set
            .partitions
            .iter()
            .map(|p| partition(p, &device))
            .collect::<Result<_, String>>()?;
        let headline = format!("partitions `{name}` on `{map_name}`: {} partitions", partitions.len());
        let partitions = list(partitions);
        let mut runs = runner.run_all(partition_checks::CHECKS, &name, &[partitions, map.devices, map.board]);
        // What the gate checks against the hypervisor's emulations, which
        // `partitions!` runs too.
        let emulated = <programs::board::Emulated as Value>::VAL;
        runs.extend(runner.run_all(emulation_checks::CHECKS, &name, &[partitions, emulated]));
        report.items.push((headline, runs));
    }

    for h in &config.handlers {
        let name = h.name.to_string();
        let table_name = match &h.lifecycle {
            programs_dsl::syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
            _ => String::new(),
        };
        let Some(&(table, vocabulary_record)) = tables.get(&table_name) else {
            return Err(format!(
                "handlers `{name}` are for table `{table_name}`, which the file does not declare"
            ));
        };
        let v = vocabularies
            .iter()
            .map(|(_, v)| v)
            .find(|v| v.record.same(&vocabulary_record))
            .expect("a table's vocabulary is declared");
        let handled: Vec<Val> = h.handlers.iter().map(|x| edge(v, &x.edge)).collect::<Result<_, _>>()?;
        let headline = format!("handlers `{name}` for `{table_name}`: {} handlers", handled.len());
        let input = [table, list(handled), vocabulary_record];
        report
            .items
            .push((headline, runner.run_all(handler_checks::CHECKS, &name, &input)));
    }
    Ok(report)
}

/// A device map as the checks read it.
struct MapValues {
    /// Its devices by name.
    named: Vec<(String, Val)>,
    /// The device list.
    devices: Val,
    /// Its board's record.
    board: Val,
}

/// A map of this workspace's board (`programs::board::VirtDevices`) as its
/// types reflect it.
fn board_map_of<M: programs::devices::DeviceMap>() -> MapValues
where
    M::Devices: Value,
    M::Board: Value,
{
    let devices = <M::Devices as Value>::VAL;
    let mut named = Vec::new();
    let mut rest = devices;
    while let Some((d, tail)) = rest.uncons() {
        if let Val::Rec(r) = d {
            named.push((r.name.to_string(), d));
        }
        rest = tail;
    }
    MapValues {
        named,
        devices,
        board: <M::Board as Value>::VAL,
    }
}

/// A partition record as `partitions!` declares it: `[FF-A id, UUID high,
/// UUID low, contexts, regions, grants, interrupts]`, each region a record
/// `partition.region` `[access, base, size]` (placed by the parser, as for
/// the macro), each grant a `Grant` `[device, exclusive]`.
fn partition(p: &programs_dsl::Partition, device: &dyn Fn(&Ident) -> Result<Val, String>) -> Result<Val, String> {
    let pn = p.name.to_string();
    let regions = p
        .regions
        .iter()
        .map(|r| {
            record(
                &format!("{pn}.{}", r.name),
                Display::Window,
                vec![Val::Num(r.perms), Val::Num(r.window.base), Val::Num(r.window.size)],
            )
        })
        .collect();
    let grants = p
        .grants
        .iter()
        .map(|g| {
            Ok(record(
                "Grant",
                Display::Name,
                vec![device(&g.device)?, Val::Num(g.exclusive as u64)],
            ))
        })
        .collect::<Result<_, String>>()?;
    let interrupts = p.interrupts.iter().map(|(n, _)| Val::Num(*n)).collect();
    Ok(record(
        &pn,
        Display::Name,
        vec![
            Val::Num(p.id),
            Val::Num(p.uuid.0),
            Val::Num(p.uuid.1),
            Val::Num(p.contexts),
            list(regions),
            list(grants),
            list(interrupts),
        ],
    ))
}
