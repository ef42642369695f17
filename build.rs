//! Release builds for glibc Linux pack their relative relocations (DT_RELR):
//! a position-independent binary of this size carries about a megabyte of
//! them, which the loader reads in full at every start and which then stays
//! resident for the whole session. Packed, they are a few kilobytes; the
//! binary stays position-independent (ASLR).
//!
//! Only where this machine's glibc is 2.36 or newer (the first that loads
//! DT_RELR) and the build is for this machine: a linker that knows the option
//! marks the binary as needing that glibc, so on an older one (Ubuntu 22.04
//! pairs binutils 2.38 with glibc 2.35) the binary would not start. An older
//! linker ignores the option with a warning.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if var("PROFILE") == "release"
        && linux_gnu
        && var("HOST") == var("TARGET")
        && glibc_loads_relr()
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether this machine's glibc is 2.36 or newer (`getconf` says "glibc 2.36").
fn glibc_loads_relr() -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut v = text
        .trim()
        .trim_start_matches("glibc ")
        .split('.')
        .map(|p| p.parse::<u32>().ok());
    match (v.next().flatten(), v.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= (2, 36),
        _ => false,
    }
}
