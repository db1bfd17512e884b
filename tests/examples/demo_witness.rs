//! Makes a small block witness for the demo and the block-proving tests: starts anvil (the
//! project's harness, deterministic: fixed genesis time, dev keys, RFC 6979 signatures), mines an
//! empty block and then one block of `N` ether transfers between dev accounts, and fetches that
//! block's witness with `zkmips fetch --strategy proofs`.
//!
//!   cargo run --release -p zkmips-e2e --example demo_witness -- OUT.witness [N]
//!
//! `scripts/make-demo-witness` runs it (after building `zkmips`).

use std::path::PathBuf;
use std::process::Command;

use anyhow::{ensure, Context, Result};
use zkmips_e2e::anvil::{transfer_blocks, Anvil};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().context("usage: demo_witness OUT.witness [TRANSFERS]")?);
    let transfers: usize = match args.next() {
        Some(n) => n.parse().with_context(|| format!("TRANSFERS must be a number, not {n:?}"))?,
        None => 1,
    };
    ensure!(transfers >= 1, "at least one transfer");
    let zkmips = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/zkmips");
    ensure!(zkmips.exists(), "{} is missing: cargo build --release -p zkmips", zkmips.display());
    let anvil = Anvil::start();
    let blocks = transfer_blocks(&anvil, &[transfers]);
    let block = blocks.last().expect("the transfer block");
    let status = Command::new(&zkmips)
        .args(["fetch", "--rpc", &anvil.url, "--block", &block.number.to_string()])
        .args(["--fork", "prague", "--strategy", "proofs", "-o"])
        .arg(&out)
        .status()
        .with_context(|| format!("cannot run {}", zkmips.display()))?;
    ensure!(status.success(), "zkmips fetch failed ({status})");
    println!("block {} ({} transfer(s)) -> {}", block.number, block.txs.len(), out.display());
    Ok(())
}
