//! `zkmips blockchain-test` and `zkmips execute-block`: the block executor's command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use zkmips_executor::{BlockInput, PublicStatement};
use zkmips_fetcher::recorded::{block_input_from_recorded, Recorded};
use zkmips_fetcher::witness::WitnessFile;
use zkmips_geth::fixtures::{self, Outcome};
use zkmips_geth::vm;

/// Exit code of `execute-block` for a block the executor rejects.
const REJECTED_EXIT: u8 = 2;

pub fn cmd_blockchain_test(paths: &[PathBuf], in_vm: bool) -> Result<ExitCode> {
    let files = fixtures::collect_files(paths)?;
    anyhow::ensure!(!files.is_empty(), "no .json fixtures under {paths:?}");
    let program = if in_vm { Some(vm::program()?) } else { None };
    let start = Instant::now();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut cycles: Vec<u64> = Vec::new();
    for file in &files {
        for case in fixtures::run_file(file, program.as_ref())? {
            match case.outcome {
                Outcome::Passed { vm_cycles, .. } => {
                    passed += 1;
                    cycles.extend(vm_cycles);
                }
                Outcome::Failed(why) => {
                    failed += 1;
                    println!("FAIL {}: {why}", case.name);
                }
                Outcome::Skipped(why) => *skipped.entry(why).or_default() += 1,
            }
        }
    }
    for (why, count) in &skipped {
        println!("skipped {count}: {why}");
    }
    if !cycles.is_empty() {
        let total: u64 = cycles.iter().sum();
        println!(
            "VM: {} blocks, {} cycles in all, {} per block on average, {} at most",
            cycles.len(),
            total,
            total / cycles.len() as u64,
            cycles.iter().max().unwrap()
        );
    }
    let skipped: usize = skipped.values().sum();
    println!("{passed} passed, {failed} failed, {skipped} skipped ({:.1} s)", start.elapsed().as_secs_f64());
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Reads a block input: a witness file (`zkmips fetch`), a recording of JSON-RPC responses (`.json` or `.json.gz`, the format of
/// `../shared/testdata/mainnet-rpc`), from which the input of block `number` (default: the newest
/// recorded block) is built, or else the bincode `BlockInput` the block program reads.
pub fn read_input(path: &Path, number: Option<u64>) -> Result<BlockInput> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.ends_with(".json") || name.ends_with(".json.gz") {
        let recorded = Recorded::load(path).with_context(|| format!("cannot load recording {}", path.display()))?;
        let newest = recorded.newest_block().with_context(|| format!("{} records no block", path.display()))?;
        let number = number.unwrap_or(newest);
        return block_input_from_recorded(&recorded, number)
            .with_context(|| format!("cannot build the input of block {number} from {}", path.display()));
    }
    anyhow::ensure!(number.is_none(), "--block applies to recordings (.json, .json.gz) only");
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if WitnessFile::is_witness_file(&bytes) {
        let file =
            WitnessFile::from_bytes(&bytes).with_context(|| format!("cannot read witness {}", path.display()))?;
        return Ok(file.input);
    }
    bincode::deserialize(&bytes)
        .with_context(|| format!("{} is not a block input (bincode BlockInput)", path.display()))
}

pub fn cmd_execute_block(
    witness: &Path,
    number: Option<u64>,
    in_vm: bool,
    elf: Option<&Path>,
    profile: Option<usize>,
) -> Result<ExitCode> {
    let input = read_input(witness, number)?;
    let start = Instant::now();
    let native = zkmips_executor::execute_block(&input);
    let native_secs = start.elapsed().as_secs_f64();
    match &native {
        Ok(executed) => {
            print_statement(&executed.statement);
            println!("native: {native_secs:.3} s");
        }
        Err(e) => {
            eprintln!("error: block rejected: {e}");
            if !in_vm {
                return Ok(ExitCode::from(REJECTED_EXIT));
            }
        }
    }
    if in_vm {
        let program = match elf {
            Some(elf) => {
                let bytes = std::fs::read(elf).with_context(|| format!("cannot read ELF {}", elf.display()))?;
                zkmips_vm::Program::from_elf(&bytes, false).with_context(|| format!("cannot load {}", elf.display()))?
            }
            None => vm::program()?,
        };
        let start = Instant::now();
        let mut counts = zkmips_vm::Profile::default();
        let run = match profile {
            Some(_) => vm::run_block_traced(&program, &input, &mut counts)?,
            None => vm::run_block(&program, &input)?,
        };
        let secs = start.elapsed().as_secs_f64();
        println!("vm exit code: {}", run.exit_code);
        println!("vm cycles: {} ({:.1} s, {:.0} M instructions/s)", run.cycles, secs, run.cycles as f64 / secs / 1e6);
        for (phase, cycles) in &run.phases {
            println!("vm phase {phase}: {cycles}");
        }
        if let Some(top) = profile {
            println!("vm profile (instructions, share, calls, function):");
            for f in counts.by_function(&program).into_iter().take(top) {
                let share = 100.0 * f.instructions as f64 / run.cycles.max(1) as f64;
                let name = rustc_demangle::demangle(&f.name);
                println!("{:>12} {share:5.1}% {:>9}  {name:#}", f.instructions, f.calls);
            }
        }
        if !run.message.is_empty() {
            eprintln!("vm: {}", run.message);
        }
        match (native.as_ref().ok().map(|e| e.statement), run.statement) {
            (Some(statement), Some(vm_statement)) if vm_statement == statement => {}
            (None, None) if run.exit_code == 2 => return Ok(ExitCode::from(REJECTED_EXIT)),
            (_, vm_statement) => {
                anyhow::bail!("the VM disagrees with native execution: VM statement {vm_statement:?}")
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn print_statement(s: &PublicStatement) {
    println!("chain id: {}", s.chain_id);
    println!("parent hash: {}", s.parent_hash);
    println!("block hash: {}", s.block_hash);
    println!("parent state root: {}", s.parent_state_root);
    println!("post state root: {}", s.post_state_root);
}
