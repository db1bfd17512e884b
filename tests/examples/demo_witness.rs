//! Makes small block witnesses for the demo, the block-proving tests and figures: starts anvil (the
//! project's harness, deterministic: fixed genesis time, dev keys, RFC 6979 signatures), mines a
//! chain and fetches its last block's witness with `zkmips fetch --strategy proofs`. Two chains:
//! - by default, an empty block and then one block of `N` ether transfers between dev accounts
//!   (`transfer_blocks`);
//! - with `--token-calls N`, an empty block, a block deploying the ERC-20 of
//!   `tests/contracts/Token.sol` (compiled by solcjs), and a block of `N` `transfer` calls from
//!   several senders (`token_call_blocks`).
//!
//!   cargo run --release -p zkmips-e2e --example demo_witness -- OUT.witness [N]
//!   cargo run --release -p zkmips-e2e --example demo_witness -- --token-calls N OUT.witness
//!
//! `scripts/make-demo-witness` runs it (after building `zkmips`).

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use zkmips_e2e::anvil::{token_call_blocks, transfer_blocks, Anvil};

const USAGE: &str = "usage: demo_witness OUT.witness [TRANSFERS] | demo_witness --token-calls N OUT.witness";

fn count(text: Option<String>, what: &str) -> Result<usize> {
    let Some(text) = text else { return Ok(1) };
    let n: usize = text.parse().with_context(|| format!("{what} must be a number, not {text:?}"))?;
    ensure!(n >= 1, "at least one {what}");
    Ok(n)
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let first = args.next().context(USAGE)?;
    let (out, token_calls, transfers) = if first == "--token-calls" {
        let calls = count(Some(args.next().context(USAGE)?), "token call")?;
        (PathBuf::from(args.next().context(USAGE)?), Some(calls), 0)
    } else {
        (PathBuf::from(first), None, count(args.next(), "transfer")?)
    };
    if let Some(extra) = args.next() {
        bail!("unexpected argument {extra:?}; {USAGE}");
    }
    let zkmips = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/zkmips");
    ensure!(zkmips.exists(), "{} is missing: cargo build --release -p zkmips", zkmips.display());
    let anvil = Anvil::start();
    let blocks = match token_calls {
        Some(calls) => token_call_blocks(&anvil, calls),
        None => transfer_blocks(&anvil, &[transfers]),
    };
    let block = blocks.last().expect("the block to fetch");
    let status = Command::new(&zkmips)
        .args(["fetch", "--rpc", &anvil.url, "--block", &block.number.to_string()])
        .args(["--fork", "prague", "--strategy", "proofs", "-o"])
        .arg(&out)
        .status()
        .with_context(|| format!("cannot run {}", zkmips.display()))?;
    ensure!(status.success(), "zkmips fetch failed ({status})");
    match token_calls {
        Some(_) => println!("block {} ({} token call(s)) -> {}", block.number, block.txs.len(), out.display()),
        None => println!("block {} ({} transfer(s)) -> {}", block.number, block.txs.len(), out.display()),
    }
    Ok(())
}
