//! Per-table events of one segment: what each table's trace generator takes.
//!
//! The prover crate builds them from the VM's records; each table recomputes whatever else it
//! needs (flags, limbs, decompositions) from these values.

/// One executed instruction: a CPU row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuEvent {
    pub clk: u64,
    pub pc: u32,
    /// The machine's `next_pc` when this instruction executes: `pc + 4`, or the branch or jump
    /// target when this instruction is in a delay slot.
    pub next_pc: u32,
    /// `pc` after this instruction: `next_pc`, or `next_pc + 4` when a likely branch is not
    /// taken (its delay slot is skipped).
    pub new_pc: u32,
    /// `next_pc` after this instruction: `new_pc + 4`, or the target of a taken branch or jump.
    pub new_next_pc: u32,
    pub word: u32,
    /// Values of registers `rs` and `rt` (by the word's fields) before the instruction. For
    /// `rdhwr` the first read is the thread pointer. For `syscall`, 0 (the syscall table reads).
    pub rs_val: u32,
    pub rt_val: u32,
    /// Register written (0 when none).
    pub dst: u8,
    /// Its value before and after.
    pub dst_old: u32,
    pub dst_val: u32,
    /// A HALT or exit_group `syscall`.
    pub halts: bool,
}

/// One access to a word of the proven address space (see [`crate::layout`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemAccess {
    pub addr: u64,
    pub ts: u64,
    pub before: u32,
    pub after: u32,
}

/// An ALU, trap or conditional branch instruction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AluEvent {
    pub word: u32,
    /// Values of `rs` and `rt`.
    pub a: u32,
    pub b: u32,
}

/// A load or store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LsuEvent {
    pub clk: u64,
    pub word: u32,
    /// Value of `rs`.
    pub base: u32,
    /// Value of `rt` before the instruction.
    pub rt_val: u32,
    /// The aligned memory word at the effective address, before the access.
    pub mem_before: u32,
}

/// A multiply, divide or hi/lo move.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MulDivEvent {
    pub clk: u64,
    pub word: u32,
    pub a: u32,
    pub b: u32,
    /// hi and lo before the instruction.
    pub hi: u32,
    pub lo: u32,
}

/// A `syscall`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyscallEvent {
    pub clk: u64,
    /// The register page (see [`crate::layout::reg`]) before and after the call.
    pub page_before: Vec<u32>,
    pub page_after: Vec<u32>,
    /// Memory words the call wrote, in address order: `(addr, before, after)`.
    pub mem_writes: Vec<(u32, u32, u32)>,
}

/// A KECCAK_SPONGE call (`shared/ABI.md`): what the sponge table needs besides its arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeccakSpongeEvent {
    pub clk: u64,
    /// `$a0`: the input words.
    pub input: u32,
    /// `$a1`: the 17-word result buffer (`result[16]` holds the input length in words).
    pub result: u32,
    /// The data words of each 36-word input block: its first 34 words (the last two are
    /// ignored by the call and not read by the proof).
    pub blocks: Vec<[u32; 34]>,
    /// `result[0..16]` before the call overwrites them.
    pub result_before: [u32; 16],
}

/// A SHA_EXTEND call (`shared/ABI.md`): what the extend table needs besides its argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShaExtendEvent {
    pub clk: u64,
    /// `$a0`: the `w[64]` buffer.
    pub w_ptr: u32,
    /// `w[0..16]`, read by the call.
    pub w: [u32; 16],
    /// `w[16..64]` before the call overwrites them.
    pub before: [u32; 48],
}

/// A SHA_COMPRESS call (`shared/ABI.md`): what the compress table needs besides its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShaCompressEvent {
    pub clk: u64,
    /// `$a0`: the extended message schedule `w[64]`.
    pub w_ptr: u32,
    /// `$a1`: the hash state `h[8]`, updated in place.
    pub h_ptr: u32,
    /// The words the call reads (for buffers that overlap, the same memory twice).
    pub w: [u32; 64],
    pub h: [u32; 8],
}
