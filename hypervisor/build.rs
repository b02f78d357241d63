//! Passes the linker script to the image binary, and only when building for the
//! bare-metal target (host builds of the bin are a stub `fn main`).
use std::env;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let target = env::var("TARGET").unwrap_or_default();
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link.ld");
    println!("cargo:rerun-if-env-changed=HV_SCENARIO");
    if target == "aarch64-unknown-none" {
        let script = manifest.join("link.ld");
        println!("cargo:rustc-link-arg-bins=-T{}", script.display());
    }
}
