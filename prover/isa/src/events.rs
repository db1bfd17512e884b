//! Records emitted by the VM's tracing mode: what the prover's tables are built from.
//!
//! One [`StepEvent`] per executed instruction (the CPU table's row), and one [`MemEvent`] per data
//! memory word access, in execution order (the memory table sorts them by address and time).

/// One executed instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StepEvent {
    /// Cycle number (instructions executed before this one).
    pub clk: u64,
    /// Address of the instruction.
    pub pc: u32,
    /// Address executed next (the delay slot, or the branch target after a delay slot).
    pub next_pc: u32,
    /// The instruction word.
    pub word: u32,
    /// Value of register `rs` before the instruction.
    pub rs_val: u32,
    /// Value of register `rt` before the instruction.
    pub rt_val: u32,
    /// Register written (0 when none: writes to `$zero` are discarded).
    pub dst: u8,
    /// Value written to `dst`.
    pub dst_val: u32,
    /// `hi` after the instruction.
    pub hi: u32,
    /// `lo` after the instruction.
    pub lo: u32,
}

/// One access to a 4-byte-aligned data memory word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MemEvent {
    /// Cycle of the instruction (or syscall) that made the access.
    pub clk: u64,
    /// Word address (multiple of 4).
    pub addr: u32,
    /// Value of the word before the access.
    pub before: u32,
    /// Value of the word after the access (equal to `before` for a read).
    pub after: u32,
    /// Whether the access was a write.
    pub write: bool,
}

/// One system call: its number and arguments, and the registers it set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SyscallEvent {
    pub clk: u64,
    /// `$v0` at the call.
    pub number: u32,
    /// `$a0..$a3` at the call.
    pub args: [u32; 4],
    /// `$v0` after the call.
    pub v0: u32,
    /// `$a3` after the call.
    pub a3: u32,
}
