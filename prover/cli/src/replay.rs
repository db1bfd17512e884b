//! `zkmips replay-rpc`: a JSON-RPC server that answers from a recording (`zkmips_fetcher::replay`).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, Result};
use zkmips_fetcher::recorded::Recorded;
use zkmips_fetcher::replay;

/// Loads the recording, serves it on 127.0.0.1:`port` and never returns unless it cannot start.
pub fn cmd_replay_rpc(file: &Path, port: u16, chain_id: u64) -> Result<ExitCode> {
    // The errors' messages already hold their causes: flattened, so that `{:#}` does not repeat them.
    let recorded = Recorded::load(file).map_err(|e| anyhow!("cannot load the recording: {e}"))?;
    let kinds: Vec<String> =
        recorded.kinds().filter(|&(_, count)| count > 0).map(|(kind, count)| format!("{count} {kind}")).collect();
    eprintln!(
        "replaying {} ({}; newest block {})",
        file.display(),
        if kinds.is_empty() { "nothing recorded".into() } else { kinds.join(", ") },
        recorded.newest_block().map_or("none".into(), |n| n.to_string()),
    );
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let server = replay::spawn(recorded, addr, chain_id).map_err(|e| anyhow!("{e}"))?;
    eprintln!("listening on {}", server.url());
    server.wait();
    Ok(ExitCode::SUCCESS)
}
