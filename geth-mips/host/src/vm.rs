//! Running the block program (`geth-mips/guest`, embedded by `zkmips-geth-elf`) in the zkMIPS VM.

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use zkmips_executor::{BlockInput, PublicStatement};
use zkmips_vm::{Machine, NoTrace, Program, Tracer};

use crate::HostError;

/// Cycle budget for one block: far above any real block (a mainnet block takes a few hundred
/// million), low enough to stop a runaway guest.
pub const MAX_BLOCK_CYCLES: u64 = 20_000_000_000;

/// The outcome of running the block program on one input.
#[derive(Clone, Debug)]
pub struct VmRun {
    /// 0 when the block was accepted; 2 when the executor rejected it; 1 on a panic.
    pub exit_code: u32,
    /// The committed statement (accepted blocks).
    pub statement: Option<PublicStatement>,
    /// Instructions executed.
    pub cycles: u64,
    /// Instructions per phase, in order, as the guest reported them.
    pub phases: Vec<(String, u64)>,
    /// What the guest wrote to fd 2 besides the phase lines (the rejection reason).
    pub message: String,
}

/// A sink the VM writes the guest's stderr into.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The block program, loaded.
pub fn program() -> Result<Program, HostError> {
    Program::from_elf(zkmips_geth_elf::GETH_MIPS_ELF, false).map_err(|e| HostError::Vm(e.to_string()))
}

/// The bytes the block program reads as its one input item.
pub fn encode_input(input: &BlockInput) -> Vec<u8> {
    bincode::serialize(input).expect("a BlockInput always serializes")
}

/// Runs the block program on `input`.
pub fn run_block(program: &Program, input: &BlockInput) -> Result<VmRun, HostError> {
    run_block_traced(program, input, &mut NoTrace)
}

/// [`run_block`], reporting every instruction to `tracer` (for example a [`zkmips_vm::Profile`]).
pub fn run_block_traced<T: Tracer>(program: &Program, input: &BlockInput, tracer: &mut T) -> Result<VmRun, HostError> {
    let stderr = Captured::default();
    // The first item asks the program to report its phases (see `geth-mips/guest`).
    let items = vec![1u32.to_le_bytes().to_vec(), encode_input(input)];
    let machine = Machine::new(program, &[], &[], items).map_err(|e| HostError::Vm(e.to_string()))?;
    let mut machine = machine.with_output(Box::new(std::io::sink()), Box::new(stderr.clone()));
    let exit_code = machine
        .run_to_exit(tracer, MAX_BLOCK_CYCLES)
        .map_err(|e| HostError::Vm(format!("{e} ({})", program.symbolize(machine.state.pc).unwrap_or_default())))?;
    let text = String::from_utf8_lossy(&stderr.0.lock().unwrap()).into_owned();
    let mut phases = Vec::new();
    let mut message = String::new();
    for line in text.lines() {
        match line.strip_prefix("zkmips-phase ").and_then(|rest| rest.split_once(' ')) {
            Some((name, cycles)) if cycles.parse::<u64>().is_ok() => {
                phases.push((name.to_string(), cycles.parse().unwrap()));
            }
            _ => {
                message.push_str(line);
                message.push('\n');
            }
        }
    }
    let statement = if exit_code == 0 {
        Some(PublicStatement::from_bytes(&machine.state.public_values).ok_or_else(|| {
            HostError::Vm(format!(
                "the block program committed {} bytes, not a statement",
                machine.state.public_values.len()
            ))
        })?)
    } else {
        None
    };
    Ok(VmRun { exit_code, statement, cycles: machine.state.clk, phases, message: message.trim_end().to_string() })
}
