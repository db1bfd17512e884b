//! Columns of the CPU table: one row per executed instruction, padding rows (all zero) after.

/// A row of the CPU table.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuColumns<T> {
    /// `word >> 26`; not decomposed: every class pins it to one of its opcodes (below 64).
    pub opcode: T,
    /// Bits 0..26 of the word: funct 0..6, shamt 6..11, rd 11..16, rt 16..21, rs 21..26.
    pub bits: [T; 26],
    /// Class flag: add/sub, compares, traps, conditional branches, `lui`, `movz`/`movn` (the
    /// arithmetic table pins the op: a row with this flag must find its tuple there, and that
    /// table only holds encodings of its own operations).
    pub is_arith: T,
    /// Class flag: logic, shifts, bit fields, byte operations (the bitwise ALU table pins the
    /// op, likewise).
    pub is_bits: T,
    /// Class flag: loads and stores (the LSU table pins the op).
    pub is_lsu: T,
    /// Class flag: multiply, divide and hi/lo moves (the MULDIV table pins the op).
    pub is_muldiv: T,
    /// Class flag: `syscall` (opcode 0, funct 12).
    pub is_syscall: T,
    /// Class flag: `j` / `jal` (opcode 2 / 3).
    pub is_jimm: T,
    /// Class flag: `jr` / `jalr` (SPECIAL funct 8 / 9).
    pub is_jreg: T,
    /// Class flag: `rdhwr $rt, $29` (SPECIAL3 funct 0x3B).
    pub is_rdhwr: T,
    /// Class flag: `sync` (SPECIAL funct 0xF).
    pub is_sync: T,
    /// Class flag: `pref` (opcode 0x33) and `synci` (REGIMM rt 0x1F).
    pub is_nop: T,
    /// Cycle number.
    pub clk: T,
    /// Address of the instruction.
    pub pc: T,
    /// The machine's `next_pc` when the instruction executes.
    pub next_pc: T,
    /// `new_next_pc = nnpc_lo + 2^15 * nnpc_hi`: both range-checked, so `new_next_pc < 2^31 + 2^16`.
    pub nnpc_lo: T,
    /// See `nnpc_lo`.
    pub nnpc_hi: T,
    /// Value of register `rs` (for `rdhwr`: the thread pointer).
    pub rs_val: T,
    /// Value of register `rt`.
    pub rt_val: T,
    /// `out` of the ALU / LSU / MULDIV tuple (the taken bit for a branch).
    pub out: T,
    /// The instruction writes its destination register (before discarding writes to `$zero`).
    pub wen: T,
    /// The destination is `rd`.
    pub dst_rd: T,
    /// The destination is `$ra` (31).
    pub dst_ra: T,
    /// A conditional branch (ALU rows only).
    pub is_branch: T,
    /// A likely conditional branch (ALU rows only).
    pub is_likely: T,
    /// Destination register index: `rd`, `31` or `rt`.
    pub dst: T,
    /// Inverse of `dst` when nonzero (the is-zero witness).
    pub dst_inv: T,
    /// The register write happens: `wen * (dst != 0)`.
    pub write: T,
    /// Value of the destination register before the write.
    pub dst_old: T,
    /// Value written.
    pub dst_val: T,
    /// A halting `syscall`: no real row follows.
    pub halts: T,
    /// `j`/`jal`: the top nibble of `next_pc` as bits; MULDIV rows: bit 0 marks `mfhi`/`mflo`.
    pub aux_bits: [T; 3],
    /// `j`/`jal`: `16 * (next_pc mod 2^28) = aux_lo + 2^16 * aux_hi` (both range-checked); else 0.
    pub aux_lo: T,
    /// See `aux_lo`.
    pub aux_hi: T,
}

zkmips_stark::impl_columns!(CpuColumns);

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<CpuColumns<u64>>();

/// Column indices, for lookups.
pub(crate) fn col() -> CpuColumns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: Vec<usize> = (0..NUM_COLUMNS).collect();
    *CpuColumns::view(&idx)
}

impl<T: Copy> CpuColumns<T> {
    /// The ten class flags, in the order of the fields.
    pub fn flags(&self) -> [T; 10] {
        [
            self.is_arith,
            self.is_bits,
            self.is_lsu,
            self.is_muldiv,
            self.is_syscall,
            self.is_jimm,
            self.is_jreg,
            self.is_rdhwr,
            self.is_sync,
            self.is_nop,
        ]
    }
}

/// Bit offsets of the word's fields within `bits`.
pub mod field {
    pub const FUNCT: usize = 0;
    pub const SHAMT: usize = 6;
    pub const RD: usize = 11;
    pub const RT: usize = 16;
    pub const RS: usize = 21;
}
