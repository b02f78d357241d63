//! `explain`: run every check of a configuration at the value level (the
//! twin of the type-level VM, the same check programs, tick for tick) and
//! print each verdict; for a failed check, the trace of the ticks that led
//! to it. It reads the configuration's source, so it works on a
//! configuration that does not compile.
//!
//! ```text
//! cargo explain path/to/config.rs [--ticks N]
//! ```
//!
//! Exit status: 0 when every check passes, 1 when one fails, 2 when the file
//! cannot be read or parsed.

use std::collections::HashMap;
use std::process::ExitCode;

use programs::devices::kinds;
use programs_dsl::{ConfigFile, Edge};
use typevm::interp::{self, Tick};
use typevm::message::Message;
use typevm::reflect::{Program, Status};
use typevm::value::{Display, Record, RecordInfo, Val, Value};

/// `println!` that ends the process quietly when stdout is closed (a pipe
/// into `head`), with the status a SIGPIPE would give, instead of panicking.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($t)*).is_err() {
            std::process::exit(141);
        }
    }};
}

/// Ticks of a failed check's trace printed by default (the last ones).
const DEFAULT_TRACE: usize = 40;

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

fn leak_slice(v: Vec<Val>) -> &'static [Val] {
    Box::leak(v.into_boxed_slice())
}

fn record(name: &str, display: Display, fields: Vec<Val>) -> Val {
    Val::Rec(leak(RecordInfo {
        name: leak(name.to_string()).as_str(),
        display,
        fields: leak_slice(fields),
    }))
}

/// A list value from items, first item at the head.
fn list(items: Vec<Val>) -> Val {
    Val::Slice(leak_slice(items))
}

struct Explainer {
    trace_len: usize,
    failed: bool,
}

impl Explainer {
    /// Run one check program on `input` (top of stack first) and report it.
    fn run<P: Program>(&mut self, subject: &str, input_top_first: Vec<Val>) {
        let mut input = input_top_first;
        input.reverse();
        let mut ticks: Vec<String> = Vec::new();
        let budget = 0xff_ffff;
        let result = interp::run_traced(P::OPS, &input, budget, |t: &Tick<'_>| ticks.push(render_tick(t)));
        let run = match result {
            Ok(run) => run,
            Err(e) => {
                say!(
                    "  ??    {:<28} outside the value-level twin's limits at instruction #{}",
                    P::NAME,
                    e.pc
                );
                self.failed = true;
                return;
            }
        };
        match run.verdict.status {
            Status::Halted => say!("  ok    {:<28} {} ticks", P::NAME, run.ticks),
            Status::Faulted { .. } | Status::Exhausted => {
                self.failed = true;
                say!("  FAIL  {:<28} {} ticks", P::NAME, run.ticks);
                let m = typevm::message::verdict_message(&run.verdict, P::NAME, subject, budget);
                for line in m.as_str().lines() {
                    say!("        {line}");
                }
                let skip = ticks.len().saturating_sub(self.trace_len);
                say!(
                    "        trace ({} of {} ticks{}):",
                    ticks.len() - skip,
                    ticks.len(),
                    if skip > 0 { ", the last ones" } else { "" }
                );
                for t in &ticks[skip..] {
                    say!("          {t}");
                }
            }
        }
    }
}

fn render_tick(t: &Tick<'_>) -> String {
    let mut m = Message::new();
    match t.op {
        Some(op) => m.push_op(&op),
        None => m.push_str("(seek)"),
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

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut trace_len = DEFAULT_TRACE;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--ticks" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => trace_len = n,
                None => return usage("`--ticks` takes a number"),
            },
            "-h" | "--help" => return usage(""),
            _ if path.is_none() => path = Some(a),
            _ => return usage("one configuration file at a time"),
        }
    }
    let Some(path) = path else {
        return usage("which configuration?");
    };
    let source = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("explain: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let config = match ConfigFile::parse(&source) {
        Ok(c) => c,
        Err(e) => {
            let at = e.span().start();
            eprintln!("explain: {path}:{}:{}: {e}", at.line, at.column + 1);
            return ExitCode::from(2);
        }
    };
    say!("explain: {path}");
    let mut ex = Explainer {
        trace_len,
        failed: false,
    };
    if let Err(e) = explain(&config, &mut ex) {
        eprintln!("explain: {path}: {e}");
        return ExitCode::from(2);
    }
    if ex.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(problem: &str) -> ExitCode {
    if !problem.is_empty() {
        eprintln!("explain: {problem}");
    }
    eprintln!("usage: cargo explain <configuration.rs> [--ticks N]");
    ExitCode::from(2)
}

fn explain(config: &ConfigFile, ex: &mut Explainer) -> Result<(), String> {
    // State vocabulary: the file's `sp_states!`, else the board's.
    let mut vocab: HashMap<String, Val> = HashMap::new();
    let names: Vec<String> = if config.states.is_empty() {
        programs::board::ACCEPTED
            .lifecycle()
            .states
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        config
            .states
            .iter()
            .flat_map(|s| s.names.iter().map(|n| n.to_string()))
            .collect()
    };
    for (id, n) in names.iter().enumerate() {
        vocab.insert(n.clone(), record(n, Display::Name, vec![Val::Num(id as u64)]));
    }
    let state = |n: &programs_dsl::Ident| {
        let n = n.to_string();
        vocab
            .get(&n)
            .copied()
            .ok_or_else(|| format!("`{n}` is not a state of any `sp_states!` (rustc: cannot find type)"))
    };
    let edge =
        |e: &Edge| -> Result<Val, String> { Ok(record("Edge", Display::Arrow, vec![state(&e.from)?, state(&e.to)?])) };
    let states_of = |v: &[programs_dsl::Ident]| -> Result<Vec<Val>, String> { v.iter().map(state).collect() };

    let mut tables: HashMap<String, Val> = HashMap::new();
    for t in &config.lifecycles {
        let name = t.name.to_string();
        let edges: Vec<Val> = t.edges.iter().map(edge).collect::<Result<_, _>>()?;
        let (declared, initial, terminal, reentrant) = (
            states_of(&t.states)?,
            states_of(&t.initial)?,
            states_of(&t.terminal)?,
            states_of(&t.reentrant)?,
        );
        let marked: Vec<Val> = initial.iter().chain(&terminal).chain(&reentrant).copied().collect();
        say!(
            "lifecycle `{name}`: {} states, {} transitions",
            declared.len(),
            edges.len()
        );
        let edges = list(edges);
        tables.insert(name.clone(), edges);
        let input = vec![
            edges,
            list(declared),
            list(initial),
            list(terminal),
            list(reentrant),
            list(marked),
        ];
        use programs::lifecycle::*;
        ex.run::<StatesDeclared>(&name, input.clone());
        ex.run::<OneInitialState>(&name, input.clone());
        ex.run::<NoDuplicateTransition>(&name, input.clone());
        ex.run::<EveryStateReachable>(&name, input.clone());
        ex.run::<NoDeadEnd>(&name, input.clone());
        ex.run::<InitialNotEntered>(&name, input);
    }

    let mut boards: HashMap<String, Val> = HashMap::new();
    for b in &config.boards {
        let n = b.name.to_string();
        let f = [
            b.ram.base,
            b.ram.size,
            b.devices.base,
            b.devices.size,
            b.image.base,
            b.image.size,
        ];
        boards.insert(
            n.clone(),
            record(&n, Display::Name, f.iter().map(|&x| Val::Num(x)).collect()),
        );
    }
    let kind_of = |k: &str| -> Result<Val, String> {
        Ok(Val::Rec(match k {
            "Pl011" => &<kinds::Pl011 as Record>::INFO,
            "Pl031" => &<kinds::Pl031 as Record>::INFO,
            "GicV3Distributor" => &<kinds::GicV3Distributor as Record>::INFO,
            "GicV3Redistributor" => &<kinds::GicV3Redistributor as Record>::INFO,
            "VirtioMmio" => &<kinds::VirtioMmio as Record>::INFO,
            other => {
                return Err(format!(
                    "`{other}` is not a device kind (see `programs::devices::kinds`)"
                ));
            }
        }))
    };
    for m in &config.devices {
        let name = m.name.to_string();
        let board_name = m.board.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let board = match boards.get(&board_name) {
            Some(b) => *b,
            None if board_name == "QemuVirt" => <programs::board::QemuVirt as Value>::VAL,
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
                        kind_of(&d.kind.to_string())?,
                        Val::Num(d.window.base),
                        Val::Num(d.window.size),
                        Val::Num(d.irq.unwrap_or(0)),
                    ],
                ))
            })
            .collect::<Result<_, String>>()?;
        say!("device map `{name}` on `{board_name}`: {} devices", devices.len());
        let devices = list(devices);
        let input = vec![devices, board];
        use programs::devices::*;
        ex.run::<WindowsAligned>(&name, input.clone());
        ex.run::<WindowsInDeviceRange>(&name, input.clone());
        ex.run::<WindowsClearOfRamAndImage>(&name, input.clone());
        ex.run::<DevicePairsDisjoint>(&name, input.clone());
        ex.run::<InterruptsInRange>(&name, input.clone());
        ex.run::<SingletonsOnce>(&name, input);
        // The hypervisor of this workspace emulates `programs::board::Emulated`.
        ex.run::<KindsEmulated>(&name, vec![devices, <programs::board::Emulated as Value>::VAL]);
    }

    for h in &config.handlers {
        let name = h.name.to_string();
        let table_name = h
            .lifecycle
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let table = match tables.get(&table_name) {
            Some(t) => *t,
            None => {
                return Err(format!(
                    "handlers `{name}` are for table `{table_name}`, which the file does not declare"
                ));
            }
        };
        let handled: Vec<Val> = h.handlers.iter().map(|x| edge(&x.edge)).collect::<Result<_, _>>()?;
        say!("handlers `{name}` for `{table_name}`: {} handlers", handled.len());
        ex.run::<programs::handlers::HandlersMatchTable>(&name, vec![table, list(handled)]);
    }
    Ok(())
}
