//! Release builds for glibc Linux pack their relative relocations (DT_RELR):
//! a position-independent binary of this size carries about a megabyte of
//! them, which the loader reads in full at every start and which then stays
//! resident for the whole session. Packed, they are a few kilobytes; the
//! binary stays position-independent (ASLR). Needs glibc 2.36 to run and
//! binutils 2.38 to link (an older linker ignores the option with a warning).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("PROFILE") == "release" && var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
