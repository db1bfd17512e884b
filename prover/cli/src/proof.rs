//! `zkmips prove`, `zkmips prove-block` and `zkmips verify`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use zkmips_executor::{BlockInput, PublicStatement};
use zkmips_fetcher::live::FetchOptions;
use zkmips_geth::vm;
use zkmips_prover::{
    digest_hex, hex_id, program_id, prove_program, verify_proof, Progress, Proof, SegmentStats, Verified,
};
use zkmips_vm::Program;

/// Cycles a proof may cover at most (a guard against programs that never halt).
const MAX_CYCLES: u64 = 1 << 40;

struct Report {
    terminal: bool,
    /// Print every table's shape (`--stats`).
    stats: bool,
    /// Prove only this many segments (`--first-segments`).
    limit: Option<usize>,
}

impl Progress for Report {
    fn segment_done(&mut self, s: &SegmentStats) {
        let seconds = s.trace_seconds + s.prove_seconds;
        if self.terminal || self.stats {
            eprintln!(
                "segment {}: {} cycles proven in {seconds:.1} s (trace {:.1} s, prove {:.1} s; {:.0} cycles/s)",
                s.index,
                s.cycles,
                s.trace_seconds,
                s.prove_seconds,
                s.cycles as f64 / seconds
            );
        }
        if self.stats {
            eprintln!("  commit traces {:.2} s, lookups {:.2} s", s.times.commit, s.times.lookups);
            for (i, (name, rows, cols)) in s.tables.iter().enumerate() {
                eprintln!(
                    "table {name}: {rows} rows ({:.3} per cycle) x {cols} columns (+{} lookup columns), proof {:.2} s",
                    *rows as f64 / s.cycles as f64,
                    s.times.aux_columns[i],
                    s.times.tables[i]
                );
            }
        }
    }

    fn segment_limit(&self) -> Option<usize> {
        self.limit
    }
}

fn load(elf: &Path) -> Result<Program> {
    let bytes = std::fs::read(elf).with_context(|| format!("cannot read ELF {}", elf.display()))?;
    Program::from_elf(&bytes, false).with_context(|| format!("cannot load {}", elf.display()))
}

/// Parses `2^k` or a plain number.
pub fn parse_cycles(s: &str) -> Result<u64, String> {
    let v = match s.strip_prefix("2^") {
        Some(k) => 1u64.checked_shl(k.parse::<u32>().map_err(|e| e.to_string())?).ok_or("exponent too large")?,
        None => s.parse::<u64>().map_err(|e| e.to_string())?,
    };
    if !(4..=1 << 24).contains(&v) || !v.is_power_of_two() {
        return Err(format!("segment size {v} must be a power of two between 2^2 and 2^24"));
    }
    Ok(v)
}

pub fn cmd_prove(elf: &Path, inputs: &[PathBuf], segment_cycles: u64, output: &Path, stats: bool) -> Result<ExitCode> {
    let program = load(elf)?;
    let mut items = Vec::new();
    for f in inputs {
        items.push(std::fs::read(f).with_context(|| format!("cannot read input {}", f.display()))?);
    }
    let t0 = std::time::Instant::now();
    let proof = prove(&program, items, segment_cycles, stats, None)?;
    write_proof(&proof, output, t0)?;
    Ok(ExitCode::SUCCESS)
}

fn prove(
    program: &Program,
    items: Vec<Vec<u8>>,
    segment_cycles: u64,
    stats: bool,
    limit: Option<usize>,
) -> Result<Proof> {
    let mut report = Report { terminal: std::io::stderr().is_terminal() || limit.is_some(), stats, limit };
    Ok(prove_program(program, items, segment_cycles, MAX_CYCLES, &mut report)?)
}

fn write_proof(proof: &Proof, output: &Path, t0: std::time::Instant) -> Result<()> {
    let bytes = proof.to_bytes();
    zkmips_fetcher::witness::write_atomically(output, &bytes)?;
    let cycles: u64 = proof.segments.iter().map(|s| s.end.clk - s.start.clk).sum();
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "proved {cycles} cycles in {} segment(s) in {secs:.1} s ({:.0} cycles/s); proof {} bytes -> {}",
        proof.segments.len(),
        cycles as f64 / secs,
        bytes.len(),
        output.display()
    );
    Ok(())
}

/// Where `prove-block` takes its block from.
pub enum BlockSource<'a> {
    /// A witness file, or a recording of JSON-RPC responses (with the block to build).
    Witness(&'a Path, Option<u64>),
    /// A JSON-RPC node and a block number.
    Rpc(&'a str, u64, FetchOptions),
}

/// What `prove-block` does with the run's proof.
pub enum Goal {
    /// Prove the whole run, check it, and write the proof here.
    Write(PathBuf),
    /// A benchmark: prove and check only the first segments; write nothing.
    FirstSegments(usize),
}

/// Proves the block program's run on a block: the proof's statement is the block's chain id,
/// parent hash, block hash and both state roots. The block is executed natively first, so a
/// witness that does not prove its block is refused before any proving; the proof is checked
/// before it is written.
pub fn cmd_prove_block(source: BlockSource, segment_cycles: u64, goal: Goal, stats: bool) -> Result<ExitCode> {
    let input: BlockInput = match source {
        BlockSource::Witness(path, number) => crate::geth::read_input(path, number)?,
        BlockSource::Rpc(url, number, opts) => crate::fetch::fetch_with_progress(url, number, &opts)?.0.input,
    };
    let executed = zkmips_executor::execute_block(&input).context("the block is rejected")?;
    let program = vm::program()?;
    let t0 = std::time::Instant::now();
    let limit = match goal {
        Goal::FirstSegments(n) => Some(n),
        Goal::Write(_) => None,
    };
    let proof = prove(&program, vec![vm::encode_input(&input)], segment_cycles, stats, limit)?;
    let id = program_id(&program).map_err(anyhow::Error::msg)?;
    let output = match goal {
        Goal::Write(output) => output,
        Goal::FirstSegments(_) => return report_first_segments(&proof, id, t0),
    };
    let verified = verify_proof(&proof, id).context("the new proof does not verify")?;
    let statement = block_statement(&verified)?;
    anyhow::ensure!(
        statement == executed.statement,
        "the proven statement {statement:?} differs from native execution's {:?}",
        executed.statement
    );
    write_proof(&proof, &output, t0)?;
    crate::geth::print_statement(&statement);
    Ok(ExitCode::SUCCESS)
}

/// `--first-segments`: the segments proven must verify and chain; only the run's end is missing
/// (unless the run was that short, when the proof is whole).
fn report_first_segments(proof: &Proof, id: [u64; 4], t0: std::time::Instant) -> Result<ExitCode> {
    let secs = t0.elapsed().as_secs_f64();
    match verify_proof(proof, id) {
        Ok(_) | Err(zkmips_prover::VerifyError::Incomplete { .. }) => {}
        Err(e) => return Err(anyhow::Error::new(e).context("the segments proven do not verify")),
    }
    let cycles: u64 = proof.segments.iter().map(|s| s.end.clk - s.start.clk).sum();
    let bytes = proof.to_bytes().len();
    eprintln!(
        "proved and verified the first {} segment(s): {cycles} cycles in {secs:.1} s ({:.0} cycles/s), \
         {:.1} s per segment; their proof {bytes} bytes (not written)",
        proof.segments.len(),
        cycles as f64 / secs,
        secs / proof.segments.len() as f64,
    );
    Ok(ExitCode::SUCCESS)
}

/// The block statement a verified run of the block program committed.
fn block_statement(verified: &Verified) -> Result<PublicStatement> {
    anyhow::ensure!(
        verified.exit_code == 0,
        "the proof shows the block program rejecting the block (exit code {})",
        verified.exit_code
    );
    let values =
        verified.public_values.as_ref().context("the proof's public values are not the committed digest's preimage")?;
    PublicStatement::from_bytes(values)
        .with_context(|| format!("the block program committed {} bytes, not a block statement", values.len()))
}

/// Verifies a proof against `elf`, or against the built-in block program (then printing the
/// proven block statement).
pub fn cmd_verify(proof_path: &Path, elf: Option<&Path>) -> Result<ExitCode> {
    let bytes = std::fs::read(proof_path).with_context(|| format!("cannot read proof {}", proof_path.display()))?;
    let proof =
        Proof::from_bytes(&bytes).with_context(|| format!("{} is not a valid proof file", proof_path.display()))?;
    let program = match elf {
        Some(elf) => load(elf)?,
        None => vm::program()?,
    };
    let id = program_id(&program).map_err(anyhow::Error::msg)?;
    let verified = verify_proof(&proof, id).with_context(|| match elf {
        Some(_) => "the proof is invalid".to_string(),
        None => "the proof is invalid (checked against the built-in block program; use --elf for others)".into(),
    })?;
    println!("program: {}", hex_id(&id));
    println!("segments: {}", verified.segments);
    println!("cycles: {}", verified.cycles);
    println!("exit code: {}", verified.exit_code);
    println!("digest: {}", digest_hex(&verified.digest));
    match elf {
        Some(_) => {
            if let Some(values) = &verified.public_values {
                println!("public values: {}", hex::encode(values));
            }
        }
        None => crate::geth::print_statement(&block_statement(&verified)?),
    }
    Ok(ExitCode::SUCCESS)
}
