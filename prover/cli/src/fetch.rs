//! `zkmips fetch` and `zkmips inspect`: block witnesses from JSON-RPC nodes, and what a witness
//! file holds.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use zkmips_executor::Fork;
use zkmips_fetcher::live::{self, FetchOptions, Progress, Strategy};
use zkmips_fetcher::witness::WitnessFile;

#[allow(clippy::too_many_arguments)]
pub fn cmd_fetch(
    rpc: &str,
    block: u64,
    output: Option<PathBuf>,
    strategy: &str,
    fork: Option<&str>,
    concurrency: usize,
    timeout_secs: u64,
    retries: u32,
) -> Result<ExitCode> {
    let strategy = match strategy {
        "auto" => Strategy::Auto,
        "witness" => Strategy::Witness,
        "proofs" => Strategy::Proofs,
        other => anyhow::bail!("unknown strategy {other:?}: auto, witness or proofs"),
    };
    let fork = match fork {
        Some(name) => Some(
            Fork::ALL
                .into_iter()
                .find(|f| format!("{f:?}").eq_ignore_ascii_case(name))
                .with_context(|| format!("unknown fork {name:?}"))?,
        ),
        None => None,
    };
    let output = output.unwrap_or_else(|| PathBuf::from(format!("block-{block}.witness")));
    let opts = FetchOptions {
        strategy,
        concurrency: concurrency.max(1),
        timeout: Duration::from_secs(timeout_secs.max(1)),
        retries,
        fork,
        ..FetchOptions::default()
    };
    let (file, stats) = fetch_with_progress(rpc, block, &opts)?;
    file.write(&output).with_context(|| format!("cannot write {}", output.display()))?;
    let written = std::fs::metadata(&output).map(|m| m.len()).unwrap_or(0);
    println!("block {} ({}) fetched with the {} strategy", file.number, file.hash, stats.strategy);
    println!(
        "{} requests, {} bytes of JSON, {:.2} s; witness {} bytes ({} before compression) -> {}",
        stats.requests,
        stats.bytes,
        stats.seconds,
        written,
        file.uncompressed_len(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Fetches block `block`'s witness from `rpc`, showing progress on a terminal.
pub fn fetch_with_progress(rpc: &str, block: u64, opts: &FetchOptions) -> Result<(WitnessFile, live::FetchStats)> {
    let progress = Arc::new(Progress::default());
    let display = ProgressDisplay::start(progress.clone());
    let result = live::fetch(rpc, block, opts, progress);
    display.stop();
    result.with_context(|| format!("cannot fetch block {block} from {rpc}"))
}

pub fn cmd_inspect(path: &Path) -> Result<ExitCode> {
    let file = WitnessFile::read(path).with_context(|| format!("cannot read witness {}", path.display()))?;
    let input = &file.input;
    let block = zkmips_executor::execute::decode_block(&input.block).context("the witness's block does not decode")?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bytes = |items: &[alloy_primitives::Bytes]| items.iter().map(|b| b.len()).sum::<usize>();
    println!("witness: {} (format version {})", path.display(), zkmips_fetcher::witness::VERSION);
    println!("block: {} {}", file.number, file.hash);
    println!("strategy: {}", file.strategy);
    println!("chain id: {}", input.chain.chain_id);
    let fork = input.chain.fork_at(block.header.number, block.header.timestamp);
    println!("fork: {}", fork.map(|f| format!("{f:?}")).unwrap_or_else(|| "none".into()));
    println!("transactions: {}", block.body.transactions.len());
    println!("withdrawals: {}", block.body.withdrawals.as_ref().map(|w| w.len()).unwrap_or(0));
    println!("gas used: {}", block.header.gas_used);
    println!("ancestors: {}", input.ancestors.len());
    println!("trie nodes: {} ({} bytes)", input.nodes.len(), bytes(&input.nodes));
    println!("codes: {} ({} bytes)", input.codes.len(), bytes(&input.codes));
    println!("size: {} bytes compressed, {} uncompressed", size, file.uncompressed_len());
    Ok(ExitCode::SUCCESS)
}

/// Requests and bytes so far, redrawn on one stderr line while a fetch runs; nothing when stderr
/// is not a terminal.
struct ProgressDisplay {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressDisplay {
    fn start(progress: Arc<Progress>) -> ProgressDisplay {
        let done = Arc::new(AtomicBool::new(false));
        let thread = std::io::stderr().is_terminal().then(|| {
            let done = done.clone();
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    let requests = progress.requests.load(Ordering::Relaxed);
                    let kib = progress.bytes.load(Ordering::Relaxed) / 1024;
                    eprint!("\r\x1b[2Kfetching: {requests} requests, {kib} KiB");
                    std::thread::sleep(Duration::from_millis(100));
                }
                eprint!("\r\x1b[2K");
            })
        });
        ProgressDisplay { done, thread }
    }

    fn stop(mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
