//! The columns of the bitwise ALU table: one row per instruction (two for `ins`).

use crate::ops::NUM_OPS;

/// One row of the bitwise ALU table.
///
/// The bit vectors `a_bits` and `c_bits` are reused by the operations; what they hold on a row
/// of each operation is listed in `air.rs`. On a real row `a_bits` are the bits of `a`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AluColumns<T> {
    /// One-hot operation flags, in the order of [`crate::ops::OPS`]; all zero on padding rows.
    pub op: [T; NUM_OPS],
    /// The second row of an `ins` (no operation; holds the mask and the shifted `a`).
    pub ins_aux: T,
    /// Instruction field `rs` (`word >> 21 & 31`).
    pub rs: T,
    /// Instruction field `rt` (`word >> 16 & 31`).
    pub rt: T,
    /// Instruction field `rd` (`word >> 11 & 31`).
    pub rd: T,
    /// Instruction field `shamt` (`word >> 6 & 31`).
    pub shamt: T,
    /// Instruction field `funct` (`word & 63`).
    pub funct: T,
    /// Value of register `rt` (the CTL's `b`).
    pub b: T,
    /// Bits of `a`, little-endian (`a` itself is their combination).
    pub a_bits: [T; 32],
    /// Bits of the second operand `c` (`b`, the zero-extended immediate, or a mask).
    pub c_bits: [T; 32],
    /// The result (the written value; every operation of this table writes).
    pub out: T,
    /// 16-bit limbs of `x`, the low word of a shift product; range-checked.
    pub x: [T; 2],
    /// 16-bit limbs of `y`, the high word of a shift product; range-checked.
    pub y: [T; 2],
    /// Inverse of `y_hi - 0xffff` on shift rows (and `ins`'s second row).
    pub inv: T,
    /// Bits of the shift amount `k` of the multiplier `pw = 2^k`.
    pub k_bits: [T; 5],
    /// Right shifts: 1 if the shift amount is not zero.
    pub nz: T,
    /// `2^(k mod 8)`.
    pub p_lo: T,
    /// `2^k`.
    pub pw: T,
}

zkmips_stark::impl_columns!(AluColumns);

/// Number of columns of the ALU table.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<AluColumns<u64>>();

/// The column index of every field.
pub fn col_map() -> AluColumns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: [usize; NUM_COLUMNS] = core::array::from_fn(|i| i);
    *AluColumns::<usize>::view(&idx)
}
