//! `explain`: run every check of a configuration at the value level (the
//! twin of the type-level VM, the same check programs, tick for tick) and
//! print each verdict; for a failed check, the trace of the ticks that led
//! to it. It reads the configuration's source, so it works on a
//! configuration that does not compile.
//!
//! ```text
//! cargo explain path/to/config.rs [--ticks N] [--crate NAME]
//! ```
//!
//! A vocabulary's or kind set's identity includes the crate that declares
//! it (two crates' `VirtKinds` are two sets), so `explain` needs the crate
//! the file is compiled in: the package whose `Cargo.toml` is nearest above
//! the file (a `src/bin/NAME.rs` is crate `NAME`), or `--crate NAME`.
//!
//! Exit status: 0 when every check passes, 1 when one fails, 2 when the file
//! cannot be read or parsed.

use std::process::ExitCode;

use programs_dsl::ConfigFile;

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

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut trace_len = DEFAULT_TRACE;
    let mut crate_name = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--crate" => match args.next() {
                Some(n) => crate_name = Some(n),
                None => return usage("`--crate` takes the crate's name"),
            },
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
    let crate_name = crate_name.unwrap_or_else(|| crate_of(std::path::Path::new(&path)));
    if crate_name.is_empty() {
        say!("explain: {path} (crate unknown: no package above the file; `--crate NAME` names it)");
    } else {
        say!("explain: {path} (crate `{crate_name}`)");
    }
    let report = match explain::explain(&config, &crate_name, true) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("explain: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    for (headline, runs) in &report.items {
        say!("{headline}");
        for run in runs {
            print_run(run, trace_len);
        }
    }
    if report.accepted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn usage(problem: &str) -> ExitCode {
    if !problem.is_empty() {
        eprintln!("explain: {problem}");
    }
    eprintln!("usage: cargo explain <configuration.rs> [--ticks N] [--crate NAME]");
    ExitCode::from(2)
}

/// The crate `file` is compiled in, as `CARGO_CRATE_NAME` names it (`-`
/// read as `_`): a target of its own for `src/bin/NAME.rs`,
/// `src/bin/NAME/main.rs` and a file directly in `tests/`, `examples/` or
/// `benches/` (the file's stem); otherwise the nearest package's library
/// (`[lib] name`, else `[package] name`). Empty when no package is found;
/// `--crate NAME` says it outright.
fn crate_of(file: &std::path::Path) -> String {
    let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let crate_name = |s: &str| s.replace('-', "_");
    let stem = |p: &std::path::Path| p.file_stem().map(|s| s.to_string_lossy().into_owned());
    let dir = file.parent();
    if let Some(dir) = dir {
        if dir.ends_with("src/bin")
            || ["tests", "examples", "benches"]
                .iter()
                .any(|t| dir.file_name() == Some(std::ffi::OsStr::new(t)))
        {
            return crate_name(&stem(&file).unwrap_or_default());
        }
        if file.file_name() == Some(std::ffi::OsStr::new("main.rs"))
            && dir.parent().is_some_and(|p| p.ends_with("src/bin"))
        {
            return crate_name(&stem(dir).unwrap_or_default());
        }
    }
    for dir in file.ancestors().skip(1) {
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        // `name = "…"` in `[lib]`, else in `[package]` (a workspace's
        // manifest has neither, and the search goes on upwards).
        let (mut section, mut lib, mut package) = (String::new(), None, None);
        for line in manifest.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line.to_string();
            } else if let Some(value) = line.strip_prefix("name").map(str::trim_start)
                && let Some(value) = value.strip_prefix('=')
            {
                let value = value.trim();
                let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'');
                let value = match quote {
                    Some(q) => value[1..].split(q).next().unwrap_or_default(),
                    None => value.split('#').next().unwrap_or_default().trim(),
                };
                match section.as_str() {
                    "[lib]" => lib = Some(value.to_string()),
                    "[package]" => package = Some(value.to_string()),
                    _ => {}
                }
            }
        }
        if let Some(name) = lib.or(package) {
            return crate_name(&name);
        }
    }
    String::new()
}

/// One check's verdict; for a failed check, its message and the last ticks.
fn print_run(run: &explain::Run, trace_len: usize) {
    if run.verdict.is_none() {
        say!("  ??    {:<28} {}", run.program, run.message);
        return;
    }
    if run.passed() {
        say!("  ok    {:<28} {} ticks", run.program, run.ticks);
        return;
    }
    say!("  FAIL  {:<28} {} ticks", run.program, run.ticks);
    for line in run.message.lines() {
        say!("        {line}");
    }
    // A run that reported violations: the ticks up to the first report;
    // one that faulted or ran out: the last ticks.
    let (end, which) = match run.reports.first() {
        Some(&n) => {
            let at: Vec<String> = run.reports.iter().map(|n| format!("#{n}")).collect();
            say!("        reported at ticks {}", at.join(", "));
            (n as usize, "up to the first report")
        }
        None => (run.trace.len(), "the last ones"),
    };
    let end = end.min(run.trace.len());
    let start = end.saturating_sub(trace_len);
    say!(
        "        trace ({} of {} ticks{}):",
        end - start,
        run.trace.len(),
        if start > 0 || end < run.trace.len() {
            format!(", {which}")
        } else {
            String::new()
        }
    );
    for t in &run.trace[start..end] {
        say!("          {t}");
    }
}
