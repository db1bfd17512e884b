//! Columns of the LSU table: one row per load or store.

use crate::ops::NUM_OPS;

/// A 32-bit word `v = lo + 2^16 * hi` split into range-checked halves, and each half into bytes.
///
/// Byte `2i` of a half `h` is `h - 256 * b(2i+1)` and byte `2i+1` is `b(2i+1)`; the column
/// `b(2i)_x256 = 256 * byte(2i)` pins the low byte below 256 (see the byte constraints in `air.rs`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WordColumns<T> {
    /// Bits 0..16 (range-checked).
    pub lo: T,
    /// Bits 16..32 (range-checked).
    pub hi: T,
    /// Byte 1, `lo >> 8` (range-checked).
    pub b1: T,
    /// 256 times byte 0, `(lo & 0xFF) << 8` (range-checked).
    pub b0_x256: T,
    /// Byte 3, `hi >> 8` (range-checked).
    pub b3: T,
    /// 256 times byte 2, `(hi & 0xFF) << 8` (range-checked).
    pub b2_x256: T,
}

/// One load or store.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LsuColumns<T> {
    /// Cycle of the instruction (matched with the CPU's through `LSU`).
    pub clk: T,
    /// One-hot operation flags in [`LsuOp::ALL`](crate::LsuOp::ALL) order; all 0 on padding rows.
    pub op: [T; NUM_OPS],
    /// `sext(imm16) + 2^15`, i.e. `imm16 ^ 0x8000` (range-checked).
    pub imm_biased: T,
    /// Bit 15 of `imm16`.
    pub imm_sign: T,
    /// Value of `rs`.
    pub base: T,
    /// `base + sext(imm16) = ea + 2^32 * carry`, `carry` in {-1, 0, 1}.
    pub carry: T,
    /// Effective address bits 0..16 (range-checked).
    pub ea_lo: T,
    /// Effective address bits 16..32 (range-checked).
    pub ea_hi: T,
    /// `ea_lo >> 2` (range-checked).
    pub ea_q: T,
    /// One-hot byte offset `ea & 3`: `off[i] = 1` iff the offset is `i + 1` (offset 0: all 0).
    pub off: [T; 3],
    /// The memory word before the access.
    pub mem: WordColumns<T>,
    /// Value of `rt` before the instruction.
    pub rt: WordColumns<T>,
    /// Sign bit of the loaded byte or halfword (`lb`, `lbu`, `lh`, `lhu`; 0 for the others).
    pub neg: T,
    /// Proves `neg`: `512 * (byte - 128 * neg)` or `2 * (half - 2^15 * neg)` (range-checked).
    pub sign_check: T,
    /// Value returned to the CPU (written to `rt` when `wen`).
    pub out: T,
    /// The memory word after the access.
    pub after: T,
}

zkmips_stark::impl_columns!(LsuColumns);

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<LsuColumns<u64>>();

/// The index of every column, as a column view.
pub fn col_map() -> LsuColumns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: Vec<usize> = (0..NUM_COLUMNS).collect();
    *LsuColumns::view(&idx)
}
