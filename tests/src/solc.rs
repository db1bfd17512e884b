//! The Solidity compiler for the test contracts of `tests/contracts/`: runs solcjs (npm `solc`, the
//! compiler built to WebAssembly, installed pinned by `scripts/setup`) in standard-JSON mode, with
//! the optimizer on and the EVM version of the anvil chain (Prague), and returns a contract's
//! creation and runtime bytecode.
//!
//! The compiler's whole answer and the contract's `.bin`, `.bin-runtime` and `.abi` are written to
//! `target/e2e/solc/`; nothing compiled is committed. The same source and compiler give the same
//! bytes every time (the metadata hash appended to the code depends only on them), which keeps the
//! blocks of `tests/src/anvil.rs` that deploy them deterministic.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use alloy_primitives::Bytes;
use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};

use crate::{repo_root, scratch_dir};

/// Where `scripts/setup` installs solcjs (npm `solc`), from the repository root.
pub const SETUP_SOLCJS_PATH: &str = "target/tools/npm/node_modules/.bin/solcjs";

/// The compiler version `scripts/setup` pins; sources say `pragma solidity` this version.
pub const SOLC_VERSION: &str = "0.8.37";

/// The EVM version contracts are compiled for: the anvil chain's hardfork.
pub const EVM_VERSION: &str = "prague";

/// The ERC-20 of `tests/contracts/Token.sol`.
pub fn token_source() -> PathBuf {
    repo_root().join("tests/contracts/Token.sol")
}

/// A compiled contract.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The init code, without constructor arguments (append them ABI-encoded).
    pub creation: Bytes,
    /// The code the deployed contract holds.
    pub runtime: Bytes,
    /// The ABI, as solc gives it.
    pub abi: Value,
}

/// The solcjs launcher: `$ZKMIPS_SOLCJS`, else where `scripts/setup` installs it.
pub fn solcjs_bin() -> Result<PathBuf> {
    let bin = match std::env::var_os("ZKMIPS_SOLCJS") {
        Some(path) => PathBuf::from(path),
        None => repo_root().join(SETUP_SOLCJS_PATH),
    };
    ensure!(bin.is_file(), "solcjs not found at {}: run scripts/setup (or set ZKMIPS_SOLCJS)", bin.display());
    Ok(bin)
}

/// Compiles `source` (one file, no imports) and returns `contract` from it. Fails with the
/// compiler's messages when it reports an error (a source that pins `pragma solidity` to
/// [`SOLC_VERSION`] is an error for any other compiler), or when solcjs is missing.
pub fn compile(source: &Path, contract: &str) -> Result<Compiled> {
    let bin = solcjs_bin()?;
    let text = std::fs::read_to_string(source).with_context(|| format!("read {}", source.display()))?;
    let file = source.file_name().context("source has no file name")?.to_string_lossy().into_owned();
    let input = json!({
        "language": "Solidity",
        "sources": { &file: { "content": text } },
        "settings": {
            "optimizer": { "enabled": true, "runs": 200 },
            "evmVersion": EVM_VERSION,
            "outputSelection": { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
        },
    });
    let mut child = Command::new(&bin)
        .arg("--standard-json")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {} (is node installed? run scripts/setup)", bin.display()))?;
    child.stdin.take().expect("piped stdin").write_all(input.to_string().as_bytes())?;
    let output = child.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    ensure!(
        output.status.success(),
        "{} failed ({}): {}{}",
        bin.display(),
        output.status,
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    // solcjs may print a note ("Cannot retry compilation with SMT ...") before the JSON.
    let json_text =
        stdout.find('{').map(|at| &stdout[at..]).with_context(|| format!("solcjs printed no JSON: {stdout}"))?;
    let answer: Value = serde_json::from_str(json_text).context("solcjs's answer is not JSON")?;

    let errors: Vec<&str> = answer["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["severity"] == "error")
        .map(|e| e["formattedMessage"].as_str().unwrap_or("(no message)"))
        .collect();
    if !errors.is_empty() {
        bail!("solc {SOLC_VERSION} rejects {}:\n{}", source.display(), errors.join("\n"));
    }
    let out = &answer["contracts"][&file][contract];
    ensure!(out.is_object(), "{} has no contract {contract}", source.display());
    let hex = |v: &Value, what: &str| -> Result<Bytes> {
        let text = v.as_str().with_context(|| format!("{contract}: no {what} in solc's answer"))?;
        let code: Bytes = format!("0x{text}").parse().with_context(|| format!("{contract}: {what} is not hex"))?;
        ensure!(!code.is_empty(), "{contract}: empty {what} (an abstract contract or interface?)");
        Ok(code)
    };
    let compiled = Compiled {
        creation: hex(&out["evm"]["bytecode"]["object"], "creation bytecode")?,
        runtime: hex(&out["evm"]["deployedBytecode"]["object"], "runtime bytecode")?,
        abi: out["abi"].clone(),
    };

    let dir = scratch_dir("solc");
    let write = |name: String, bytes: &[u8]| -> Result<()> {
        std::fs::write(dir.join(&name), bytes).with_context(|| format!("write {}", dir.join(&name).display()))
    };
    write(format!("{contract}.json"), json_text.as_bytes())?;
    write(format!("{contract}.bin"), alloy_primitives::hex::encode(&compiled.creation).as_bytes())?;
    write(format!("{contract}.bin-runtime"), alloy_primitives::hex::encode(&compiled.runtime).as_bytes())?;
    write(format!("{contract}.abi"), compiled.abi.to_string().as_bytes())?;
    Ok(compiled)
}
