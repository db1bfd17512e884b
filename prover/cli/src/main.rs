//! `zkmips`: the one user-facing binary. It parses arguments and calls the libraries.

/// jemalloc: proving allocates and frees millions of small vectors (Merkle leaves). With glibc's
/// allocator, freeing a large table's commitments on one thread stalled the next table's proof
/// on the other for seconds (arena locks), and the peak was 1.4 GB higher on a 2^20 segment.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod fetch;
mod geth;
mod proof;
mod replay;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use zkmips_vm::mips_test::{self, Outcome};
use zkmips_vm::{Counter, Machine, NoTrace, Program, State, Status, VmError};

/// Exit code of `zkmips run` when the VM itself stops the program (an invalid instruction, an
/// unknown syscall, a bad address, a cycle limit) rather than the guest exiting.
const VM_ERROR_EXIT: u8 = 70;

#[derive(Parser)]
#[command(
    name = "zkmips",
    version,
    about = "zkMIPS: a zero-knowledge virtual machine for MIPS32r2 programs",
    long_about = "zkMIPS runs MIPS32r2 programs (static Linux ELFs built by Go with GOARCH=mipsle \
GOMIPS=softfloat, or Rust guests for mipsel-mti-none-elf) in a deterministic virtual machine, and \
will prove their execution.\n\nExamples:\n  zkmips run hello.elf\n  zkmips run guest.elf --input \
block.bin --max-cycles 100000000\n  zkmips run --big-endian prog-mips -- -flag value\n  zkmips \
mips-test --big-endian tests/*.bin"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How to execute: limits, mode, checkpoints.
#[derive(clap::Args, Clone)]
struct ExecOpts {
    /// Stop with an error after this many instructions (counted from the program's start).
    #[arg(long, value_name = "N")]
    max_cycles: Option<u64>,
    /// Build the events the prover records for each instruction (tracing mode), to measure
    /// its cost; the default is the fast execute-only mode.
    #[arg(long)]
    trace: bool,
    /// Write the full machine state every N cycles (resume with `zkmips resume FILE`).
    #[arg(long, value_name = "N", requires = "checkpoint_dir", value_parser = clap::value_parser!(u64).range(1..))]
    checkpoint_every: Option<u64>,
    /// Folder for the checkpoints: `checkpoint-<cycle>.bin`, each written atomically.
    #[arg(long, value_name = "DIR")]
    checkpoint_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Prove a MIPS ELF program's run: runs it, splits the run into segments, proves every
    /// segment and writes one proof file (progress per segment when stderr is a terminal).
    Prove {
        /// The program: a static little-endian ELF32 MIPS executable.
        elf: PathBuf,
        /// A private input item: the file's bytes. Repeat for more items, read in order.
        #[arg(long = "input", value_name = "FILE")]
        inputs: Vec<PathBuf>,
        /// Cycles per segment: a power of two, as `2^k` or a number.
        #[arg(long, default_value = "2^20", value_parser = proof::parse_cycles)]
        segment_cycles: u64,
        /// Where to write the proof.
        #[arg(short, long)]
        output: PathBuf,
        /// Print each segment's timing and every table's rows and columns.
        #[arg(long)]
        stats: bool,
    },
    /// Prove a block: run the block program on its witness in the VM and prove the run. The
    /// proof's statement is the block's chain id, parent hash, block hash and state roots.
    ///
    /// The block is executed natively first: a witness that does not prove its block is refused
    /// before proving starts, naming the problem. The proof is verified before it is written
    /// (atomically; nothing is written on failure).
    ProveBlock {
        /// A witness file (`zkmips fetch`), or a recording of JSON-RPC responses.
        #[arg(long, value_name = "FILE", required_unless_present = "rpc", conflicts_with = "rpc")]
        witness: Option<PathBuf>,
        /// Fetch the block from this JSON-RPC node (with --block).
        #[arg(long, value_name = "URL", requires = "block")]
        rpc: Option<String>,
        /// The block number: with --rpc, or to pick a block of a recording.
        #[arg(long, value_name = "N")]
        block: Option<u64>,
        /// Cycles per segment: a power of two, as `2^k` or a number.
        #[arg(long, default_value = "2^20", value_parser = proof::parse_cycles)]
        segment_cycles: u64,
        /// Where to write the proof.
        #[arg(short, long, required_unless_present = "first_segments")]
        output: Option<PathBuf>,
        /// Print each segment's timing and every table's rows and columns.
        #[arg(long)]
        stats: bool,
        /// Benchmark: prove and verify only the first N segments and write no proof (it would
        /// not cover the whole run); prints the time per segment and per cycle.
        #[arg(long, value_name = "N", conflicts_with = "output", value_parser = clap::value_parser!(u64).range(1..))]
        first_segments: Option<u64>,
    },
    /// Verify a proof file: every segment, the chain between them, and that the program id is
    /// the ELF's. Prints the exit code and `digest: <64 hex>`; exit 0 only for a valid proof.
    ///
    /// Without --elf the proof must be of the built-in block program, and the proven block
    /// statement is printed (chain id, parent hash, block hash, both state roots).
    Verify {
        proof: PathBuf,
        /// The program the proof claims to run (default: the built-in block program).
        #[arg(long)]
        elf: Option<PathBuf>,
    },
    /// Run a MIPS ELF program in the VM.
    ///
    /// The guest's stdout and stderr pass through, and zkmips exits with the guest's exit code
    /// (or 70 if the VM stops the program with an error). At the end a summary goes to stderr:
    /// cycles, public values (hex) and the committed digest as `digest: <64 hex>`.
    Run {
        /// The program: a static ELF32 MIPS executable.
        elf: PathBuf,
        /// Run a big-endian program (the emulator runs them; proofs are for little-endian ones).
        #[arg(long)]
        big_endian: bool,
        /// A private input item: the file's bytes. Repeat for more items, read in order.
        #[arg(long = "input", value_name = "FILE")]
        inputs: Vec<PathBuf>,
        /// An environment variable for the guest, as NAME=VALUE (repeatable; none by default).
        #[arg(long = "env", value_name = "NAME=VALUE")]
        env: Vec<String>,
        #[command(flatten)]
        exec: ExecOpts,
        /// Arguments for the guest (after `--`); argv[0] is the ELF path.
        #[arg(last = true, value_name = "ARGS")]
        args: Vec<String>,
    },
    /// Continue a run from a checkpoint written by `zkmips run --checkpoint-every`.
    ///
    /// The result (output still to come, exit code, summary) is the same as if the run had
    /// never stopped.
    Resume {
        /// A checkpoint file.
        checkpoint: PathBuf,
        #[command(flatten)]
        exec: ExecOpts,
    },
    /// Run flat MIPS test images by the open_mips_tests convention (Cannon/OpenMIPS).
    ///
    /// Each image loads at address 0 with pc 0 and $ra = 0xa7ef00d0, and runs at most 1000 steps
    /// until pc = 0xa7ef00d0; it passes if the words at 0xbffffff4 and 0xbffffff8 are both 1
    /// (exit_group.bin must instead exit with code 1). Prints one PASS/FAIL line per file and a
    /// last line `N passed, M failed`; exits 0 only if all pass.
    MipsTest {
        /// Load the images big-endian (the open_mips_tests are big-endian).
        #[arg(long)]
        big_endian: bool,
        /// Test images.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run Ethereum consensus tests (BlockchainTests format) through the stateless executor.
    ///
    /// Fixtures are files or folders (searched recursively for .json). Each case's pre-state
    /// becomes the witness; every block must be accepted or, if the fixture expects an exception,
    /// rejected; the last block hash and post state must match. Prints a line per failing case,
    /// the skip reasons with counts, and `N passed, M failed, K skipped`; exits 0 only if none
    /// failed.
    BlockchainTest {
        /// Also run every block inside the VM through the block program (much slower); the VM
        /// must reach the same verdict and commit the same statement.
        #[arg(long)]
        vm: bool,
        /// Fixture files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Execute one block from a block input and print its public statement.
    ///
    /// Exits 0 only if the block is valid (2 if the executor rejects it). With --vm the block
    /// program also runs in the VM; its cycle count and cycles per phase are printed.
    ExecuteBlock {
        /// The block input: a bincode `BlockInput` as the block program reads it, or a recording
        /// of JSON-RPC responses (.json or .json.gz, as in ../shared/testdata/mainnet-rpc) to
        /// build it from.
        witness: PathBuf,
        /// With a recording: the block to execute (default: the newest recorded block).
        #[arg(long, value_name = "N")]
        block: Option<u64>,
        /// Also run the block program in the VM.
        #[arg(long)]
        vm: bool,
        /// With --vm: run this build of the block program instead of the built-in one.
        #[arg(long, value_name = "ELF", requires = "vm")]
        elf: Option<PathBuf>,
        /// With --vm: print the N functions that executed the most instructions.
        #[arg(long, value_name = "N", requires = "vm")]
        profile: Option<usize>,
    },
    /// Fetch block N and the witness of the state it touches from a JSON-RPC node.
    ///
    /// The witness is executed natively before it is written (atomically: nothing is left behind
    /// on failure) and must reproduce the header's state root. Prints the requests, bytes and
    /// seconds it took and the witness size.
    Fetch {
        /// The node's JSON-RPC URL (http or https).
        #[arg(long, value_name = "URL")]
        rpc: String,
        /// The block number.
        #[arg(long, value_name = "N")]
        block: u64,
        /// The witness file to write (default: block-N.witness).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// auto (debug_executionWitness where the node has it, else proofs), witness, or proofs.
        #[arg(long, default_value = "auto", value_name = "STRATEGY")]
        strategy: String,
        /// For chains other than mainnet: every fork up to this one (e.g. prague, osaka) is
        /// active from genesis.
        #[arg(long, value_name = "FORK")]
        fork: Option<String>,
        /// Requests in flight at once.
        #[arg(long, default_value_t = 16, value_name = "N")]
        concurrency: usize,
        /// Time limit of one request, in seconds.
        #[arg(long, default_value_t = 30, value_name = "SECS")]
        timeout: u64,
        /// Retries of a request that failed transiently (connection, timeout, HTTP 429/5xx).
        #[arg(long, default_value_t = 5, value_name = "N")]
        retries: u32,
    },
    /// Print what a witness file holds.
    Inspect {
        /// A witness file written by `zkmips fetch`.
        witness: PathBuf,
    },
    /// Serve recorded JSON-RPC responses as a node would, on http://127.0.0.1:PORT.
    ///
    /// Answers eth_getBlockByNumber/ByHash, eth_getProof, eth_getCode, eth_getBalance,
    /// eth_getTransactionCount, eth_getStorageAt, eth_blockNumber, eth_chainId, net_version and
    /// web3_clientVersion from the recording; anything not recorded is a JSON-RPC error naming the
    /// method and its parameters. Prints `listening on http://127.0.0.1:PORT` to stderr and serves
    /// until killed.
    ReplayRpc {
        /// A recording of JSON-RPC responses (.json or .json.gz, as in ../shared/testdata/mainnet-rpc).
        file: PathBuf,
        /// The port on 127.0.0.1 (0 picks a free one).
        #[arg(long, value_name = "P")]
        port: u16,
        /// The chain id eth_chainId reports.
        #[arg(long, value_name = "N", default_value_t = zkmips_fetcher::replay::DEFAULT_CHAIN_ID)]
        chain_id: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { elf, big_endian, inputs, env, exec, args } => {
            cmd_run(&elf, big_endian, &inputs, env, args, &exec)
        }
        Command::Prove { elf, inputs, segment_cycles, output, stats } => {
            proof::cmd_prove(&elf, &inputs, segment_cycles, &output, stats)
        }
        Command::ProveBlock { witness, rpc, block, segment_cycles, output, stats, first_segments } => {
            let source = match (&witness, &rpc, block) {
                (Some(path), _, number) => proof::BlockSource::Witness(path, number),
                (None, Some(url), Some(number)) => {
                    proof::BlockSource::Rpc(url, number, zkmips_fetcher::live::FetchOptions::default())
                }
                _ => unreachable!("clap requires --witness, or --rpc with --block"),
            };
            let goal = match (output, first_segments) {
                (Some(path), _) => proof::Goal::Write(path),
                (None, Some(n)) => proof::Goal::FirstSegments(n as usize),
                (None, None) => unreachable!("clap requires -o or --first-segments"),
            };
            proof::cmd_prove_block(source, segment_cycles, goal, stats)
        }
        Command::Verify { proof, elf } => proof::cmd_verify(&proof, elf.as_deref()),
        Command::Resume { checkpoint, exec } => cmd_resume(&checkpoint, &exec),
        Command::MipsTest { big_endian, files } => cmd_mips_test(big_endian, &files),
        Command::BlockchainTest { vm, paths } => geth::cmd_blockchain_test(&paths, vm),
        Command::ExecuteBlock { witness, block, vm, elf, profile } => {
            geth::cmd_execute_block(&witness, block, vm, elf.as_deref(), profile)
        }
        Command::Fetch { rpc, block, output, strategy, fork, concurrency, timeout, retries } => {
            fetch::cmd_fetch(&rpc, block, output, &strategy, fork.as_deref(), concurrency, timeout, retries)
        }
        Command::Inspect { witness } => fetch::cmd_inspect(&witness),
        Command::ReplayRpc { file, port, chain_id } => replay::cmd_replay_rpc(&file, port, chain_id),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn cmd_run(
    elf: &Path,
    big_endian: bool,
    inputs: &[PathBuf],
    env: Vec<String>,
    args: Vec<String>,
    exec: &ExecOpts,
) -> Result<ExitCode> {
    let bytes = std::fs::read(elf).with_context(|| format!("cannot read ELF {}", elf.display()))?;
    let program = Program::from_elf(&bytes, big_endian).with_context(|| format!("cannot load {}", elf.display()))?;
    let items = inputs
        .iter()
        .map(|p| std::fs::read(p).with_context(|| format!("cannot read input {}", p.display())))
        .collect::<Result<Vec<_>>>()?;
    for e in &env {
        anyhow::ensure!(e.contains('='), "--env {e:?} is not NAME=VALUE");
    }
    let mut argv = vec![elf.display().to_string()];
    argv.extend(args);
    execute(Machine::new(&program, &argv, &env, items)?, exec, Some(&program))
}

fn cmd_resume(checkpoint: &Path, exec: &ExecOpts) -> Result<ExitCode> {
    let bytes =
        std::fs::read(checkpoint).with_context(|| format!("cannot read checkpoint {}", checkpoint.display()))?;
    let state =
        State::from_bytes(&bytes).with_context(|| format!("{} is not a zkmips checkpoint", checkpoint.display()))?;
    execute(Machine::from_state(state), exec, None)
}

/// Runs to the end (or the cycle limit), writing checkpoints on the way; prints the summary.
fn execute(mut machine: Machine, exec: &ExecOpts, program: Option<&Program>) -> Result<ExitCode> {
    let limit = exec.max_cycles.unwrap_or(u64::MAX);
    if let Some(dir) = &exec.checkpoint_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let every = exec.checkpoint_every.unwrap_or(u64::MAX);
    let start = Instant::now();
    let start_clk = machine.state.clk;
    let mut counter = Counter::default();
    let result = loop {
        let until = machine.state.clk.saturating_add(every).min(limit);
        let step = if exec.trace { machine.run(&mut counter, until) } else { machine.run(&mut NoTrace, until) };
        match step {
            Ok(Status::Exited(code)) => break Ok(code),
            Ok(Status::Paused) if machine.state.clk >= limit => {
                break Err(VmError::CycleLimit { limit, pc: machine.state.pc })
            }
            Ok(Status::Paused) => {
                let dir = exec.checkpoint_dir.as_deref().expect("checkpoints have a folder");
                write_checkpoint(dir, &machine.state)?;
            }
            Err(e) => break Err(e),
        }
    };
    let elapsed = start.elapsed().as_secs_f64();
    print_summary(&machine.state, result.as_ref().ok().copied(), machine.state.clk - start_clk, elapsed, exec.trace);
    match result {
        Ok(code) => Ok(ExitCode::from(code as u8)),
        Err(e) => {
            eprintln!("error: {e}");
            // Name the function the program stopped in, when the ELF has symbols.
            if let Some(f) = program.and_then(|p| p.symbolize(machine.state.pc)) {
                eprintln!("  in {f} (thread {})", machine.state.tid);
            }
            Ok(ExitCode::from(VM_ERROR_EXIT))
        }
    }
}

/// Writes `checkpoint-<clk>.bin` through a temporary file and a rename: never a partial file.
fn write_checkpoint(dir: &Path, state: &State) -> Result<()> {
    let path = dir.join(format!("checkpoint-{}.bin", state.clk));
    let tmp = dir.join(format!(".checkpoint-{}.bin.tmp", state.clk));
    std::fs::write(&tmp, state.to_bytes()).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn print_summary(state: &State, exit: Option<u32>, executed: u64, secs: f64, trace: bool) {
    let mips = executed as f64 / secs.max(1e-9) / 1e6;
    let mut s = String::from("--- zkmips summary ---\n");
    match exit {
        Some(code) => s += &format!("exit code: {code}\n"),
        None => s += "exit code: none (stopped by the VM)\n",
    }
    s += &format!("cycles: {}\n", state.clk);
    s += &format!("public values: {}\n", hex::encode(&state.public_values));
    s += &format!("digest: {}\n", hex::encode(state.digest_bytes()));
    s += &format!(
        "time: {secs:.3} s ({mips:.1} M instructions/s, {} mode)\n",
        if trace { "tracing" } else { "execute" }
    );
    eprint!("{s}");
}

fn cmd_mips_test(big_endian: bool, files: &[PathBuf]) -> Result<ExitCode> {
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        let outcome = match std::fs::read(file) {
            Ok(image) => match mips_test::run_test(&image, big_endian) {
                Ok(o) => o,
                Err(e) => Outcome::Fail(e.to_string()),
            },
            Err(e) => Outcome::Fail(format!("cannot read: {e}")),
        };
        match outcome {
            Outcome::Pass => {
                passed += 1;
                println!("PASS {}", file.display());
            }
            Outcome::Fail(why) => {
                failed += 1;
                println!("FAIL {}: {why}", file.display());
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
