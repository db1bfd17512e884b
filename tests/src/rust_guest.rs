//! Building Rust guest programs (crates that use `geth-mips/runtime`) with `scripts/build-guest`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use anyhow::{bail, Context, Result};

use crate::{repo_root, run};

// Concurrent cargo builds of one guest would block on (or fight over) its target folder; one at a
// time keeps the output readable too.
static BUILD_LOCK: Mutex<()> = Mutex::new(());

/// Builds the guest crate in `dir` (absolute, or relative to the repository root) for
/// `mipsel-mti-none-elf` and returns the path of its ELF.
pub fn build_rust_guest(dir: &Path) -> Result<PathBuf> {
    let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let root = repo_root();
    let dir = if dir.is_absolute() { dir.to_path_buf() } else { root.join(dir) };
    let script = root.join("scripts").join("build-guest");
    let mut cmd = Command::new("bash");
    cmd.current_dir(&root).arg(&script).arg(&dir);
    // Variables that the enclosing `cargo test` sets for its own build must not leak into the
    // guest's (the script resets RUSTFLAGS and the target folder itself).
    for var in ["RUSTUP_TOOLCHAIN", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET", "RUSTC", "RUSTC_WRAPPER", "RUSTFLAGS"] {
        cmd.env_remove(var);
    }
    let output = run(&mut cmd)?;
    if !output.status.success() {
        bail!(
            "scripts/build-guest {} failed ({}):\n{}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8(output.stdout).context("build-guest printed non-UTF-8")?;
    let elf = stdout.lines().last().map(PathBuf::from).context("build-guest printed no ELF path")?;
    if !elf.is_file() {
        bail!("build-guest printed {}, which is not a file", elf.display());
    }
    Ok(elf)
}
