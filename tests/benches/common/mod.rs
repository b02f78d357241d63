//! Compile-time measurement: generate crates that use this workspace's
//! `typevm` and `programs`, compile each with `cargo check` under
//! `/usr/bin/time`, and report wall time and peak memory of the whole
//! process tree (rustc included). Medians over repeated runs.

#![allow(dead_code)]

pub mod configs;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch workspace of generated crates, sharing one target directory.
pub struct Bench {
    root: PathBuf,
    crates: Vec<String>,
    /// The tree whose `typevm` and `programs` the crates use: this
    /// repository, or another revision of it (`before_after`).
    engine: PathBuf,
}

/// One measured compile.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub seconds: f64,
    pub max_rss_mb: f64,
}

impl Bench {
    /// A fresh scratch workspace under `target/bench-crates/<name>`.
    pub fn new(name: &str) -> Bench {
        Bench::on_engine(name, &repo())
    }

    /// A fresh scratch workspace whose crates use the `typevm` and
    /// `programs` of the tree at `engine` (and its `Cargo.lock`).
    pub fn on_engine(name: &str, engine: &Path) -> Bench {
        let root = repo().join("target/bench-crates").join(name);
        let _ = std::fs::remove_dir_all(root.join("crates"));
        std::fs::create_dir_all(root.join("crates")).unwrap();
        Bench {
            root,
            crates: Vec::new(),
            engine: engine.to_path_buf(),
        }
    }

    /// Add a crate whose `src/lib.rs` is `source`.
    pub fn add(&mut self, name: &str, source: &str) {
        let repo = &self.engine;
        let dir = self.root.join("crates").join(name);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n\
                 typevm = {{ path = \"{r}/typevm\" }}\nprograms = {{ path = \"{r}/programs\" }}\n\
                 typenum = \"1.20\"\nfrunk = {{ version = \"0.5\", default-features = false }}\n",
                r = repo.display()
            ),
        )
        .unwrap();
        std::fs::write(dir.join("src/lib.rs"), source).unwrap();
        self.crates.push(name.to_string());
    }

    /// Write the workspace manifest and build every dependency once.
    pub fn prepare(&self) {
        let members: Vec<String> = self.crates.iter().map(|c| format!("\"crates/{c}\"")).collect();
        std::fs::write(
            self.root.join("Cargo.toml"),
            format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", ")),
        )
        .unwrap();
        // The engine's Cargo.lock pins the dependencies the same way.
        let _ = std::fs::copy(self.engine.join("Cargo.lock"), self.root.join("Cargo.lock"));
        let first = &self.crates[0];
        let status = Command::new("cargo")
            .args(["check", "-q", "-p", first])
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", self.root.join("target"))
            // As `measure` builds: a different setting would rebuild the
            // path dependencies inside the first measured run.
            .env("CARGO_INCREMENTAL", "0")
            .status()
            .expect("cargo runs");
        assert!(status.success(), "warm-up build of `{first}` failed");
    }

    /// Compile crate `name` once (its dependencies already built).
    pub fn measure(&self, name: &str) -> Result<Sample, String> {
        let lib = self.root.join("crates").join(name).join("src/lib.rs");
        let src = std::fs::read_to_string(&lib).unwrap();
        std::fs::write(&lib, src).unwrap(); // new mtime: recompile this crate only
        let mut cmd = Command::new("/usr/bin/time");
        cmd.args(["-f", "TIME %e %M", "cargo", "check", "-q", "-p", name])
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", self.root.join("target"))
            // Incremental compilation would replay the previous run's trait
            // solving and const evaluation: every run must do the work.
            .env("CARGO_INCREMENTAL", "0");
        timed(cmd)
    }

    /// The median of `runs` compiles of `name`.
    pub fn median(&self, name: &str, runs: usize) -> Result<Sample, String> {
        let s: Vec<Sample> = (0..runs).map(|_| self.measure(name)).collect::<Result<_, _>>()?;
        Ok(median_of(s))
    }

    /// The scratch workspace's root (for files a benchmark compiles itself).
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// This repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Time one command in `dir`: wall seconds and peak RSS.
pub fn time_command(dir: &Path, program: &str, args: &[&str]) -> Result<Sample, String> {
    let mut cmd = Command::new("/usr/bin/time");
    cmd.args(["-f", "TIME %e %M", program]).args(args).current_dir(dir);
    timed(cmd)
}

/// Run a `/usr/bin/time -f "TIME %e %M" ...` command and read its sample.
fn timed(mut cmd: Command) -> Result<Sample, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("/usr/bin/time (Debian package `time`): {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(stderr
            .lines()
            .filter(|l| !l.starts_with("TIME "))
            .take(8)
            .collect::<Vec<_>>()
            .join("\n"));
    }
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("TIME "))
        .ok_or("no timing line")?;
    let mut it = line.split_whitespace().skip(1);
    let seconds: f64 = it.next().unwrap().parse().unwrap();
    let kb: f64 = it.next().unwrap().parse().unwrap();
    Ok(Sample {
        seconds,
        max_rss_mb: kb / 1024.0,
    })
}

/// The median of `runs` samples.
pub fn median_of(mut s: Vec<Sample>) -> Sample {
    s.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let mid = s[s.len() / 2];
    let mut m: Vec<f64> = s.iter().map(|x| x.max_rss_mb).collect();
    m.sort_by(f64::total_cmp);
    Sample {
        seconds: mid.seconds,
        max_rss_mb: m[m.len() / 2],
    }
}

/// Least squares `y = a + b x`: (a, b, r²).
pub fn linear_fit(xs: &[f64], ys: &[f64]) -> (f64, f64, f64) {
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let syy: f64 = ys.iter().map(|y| (y - my) * (y - my)).sum();
    let b = sxy / sxx;
    (my - b * mx, b, if syy == 0.0 { 1.0 } else { sxy * sxy / (sxx * syy) })
}

/// Runs per measurement: `BENCH_RUNS` or the default.
pub fn runs(default: usize) -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}
