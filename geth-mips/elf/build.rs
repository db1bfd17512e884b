//! Builds the block program (`geth-mips/guest`) for mipsel-mti-none-elf with `scripts/build-guest`
//! (the pinned toolchain, `-Zbuild-std`, remapped paths, so the same source gives the same ELF) and
//! hands its bytes to `lib.rs`.
//!
//! Set `ZKMIPS_GETH_ELF=/path/to/elf` to embed a prebuilt ELF instead.

use std::{env, fs, path::PathBuf, process::Command};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.join("../..").canonicalize().unwrap();
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("geth-mips.elf");
    println!("cargo:rerun-if-env-changed=ZKMIPS_GETH_ELF");
    if let Ok(prebuilt) = env::var("ZKMIPS_GETH_ELF") {
        println!("cargo:rerun-if-changed={prebuilt}");
        fs::copy(&prebuilt, &out).unwrap_or_else(|e| panic!("cannot copy ZKMIPS_GETH_ELF={prebuilt}: {e}"));
        return;
    }
    for path in [
        "geth-mips/guest/src",
        "geth-mips/guest/Cargo.toml",
        "Cargo.lock",
        "Cargo.toml",
        "geth-mips/executor/src",
        "geth-mips/executor/Cargo.toml",
        "geth-mips/runtime/src",
        "geth-mips/runtime/Cargo.toml",
        "prover/isa/src",
        "prover/isa/Cargo.toml",
        "rust-toolchain.toml",
        "scripts/build-guest",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }
    let mut command = Command::new(root.join("scripts/build-guest"));
    command.arg(root.join("geth-mips/guest")).args(["--profile", "guest"]);
    // The outer cargo's settings are for the host build, not the guest's.
    for var in ["RUSTC_WORKSPACE_WRAPPER", "RUSTC_WRAPPER", "CARGO_TARGET_DIR", "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS"]
    {
        command.env_remove(var);
    }
    let output = command.output().expect("cannot run scripts/build-guest");
    if !output.status.success() {
        panic!(
            "scripts/build-guest geth-mips/guest failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8(output.stdout).unwrap();
    let elf = stdout.lines().last().expect("build-guest printed no ELF path");
    fs::copy(elf, &out).unwrap_or_else(|e| panic!("cannot copy {elf}: {e}"));
}
