//! Passes the linker script to the image binary (only when building for the
//! bare-metal target: host builds of the bin are a stub `fn main`), and
//! writes the table of the partitions' programs in the order of the accepted
//! configuration: each partition's binary, built by `hypervisor/partitions`
//! as an artifact dependency, embedded with `include_bytes!`.
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use programs::board::ACCEPTED;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = env::var("TARGET").unwrap_or_default();
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link.ld");
    println!("cargo:rerun-if-env-changed=HV_SCENARIO");
    if target == "aarch64-unknown-none" {
        let script = manifest.join("link.ld");
        println!("cargo:rustc-link-arg-bins=-T{}", script.display());
    }
    let mut table = String::from(
        "/// The partitions' programs (ELF), in the order of the accepted configuration.\n\
         pub const PROGRAMS: [&[u8]; programs::board::ACCEPTED.partitions().len()] = [\n",
    );
    for p in ACCEPTED.partitions() {
        writeln!(
            table,
            "    include_bytes!(env!(\"CARGO_BIN_FILE_PARTITIONS_{}\")),",
            p.name()
        )
        .unwrap();
    }
    table.push_str("];\n");
    fs::write(out.join("programs.rs"), table).expect("write the program table");
}
