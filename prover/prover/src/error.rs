//! Errors of proving and verifying.

/// Why a program could not be proven.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The program did something the tables do not prove (a precompile, a thread switch, ...).
    #[error("cannot prove the instruction at pc {pc:#010x} (cycle {clk}): {reason}")]
    Unprovable { clk: u64, pc: u32, reason: String },
    #[error("the VM stopped: {0}")]
    Vm(String),
    #[error("trace generation: {0}")]
    Trace(String),
    #[error("proving the {table} table: {reason}")]
    Stark { table: &'static str, reason: String },
}

/// Why a proof was rejected.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("not a zkMIPS proof file: {0}")]
    Format(String),
    #[error("the proof is for another program: its program id is {proof}, the ELF's is {elf}")]
    ProgramId { proof: String, elf: String },
    #[error("segment {index}: {reason}")]
    Segment { index: usize, reason: String },
    #[error("segments {index} and {next} do not chain: {reason}")]
    Chain { index: usize, next: usize, reason: String },
    #[error("the proof does not reach the program's end: the last segment stops at cycle {clk} without halting")]
    Incomplete { clk: u64 },
}
