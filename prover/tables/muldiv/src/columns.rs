//! The columns of the MulDiv table: one row per multiply, divide or hi/lo move.
//!
//! Notation used in the constraint comments (`air.rs`): `a = a_limbs`, `b = b_limbs`,
//! `new_hi`/`new_lo` the 32-bit values of their limbs, `old = hi:lo`, `new = new_hi:new_lo`.

use zkmips_stark::cols::ColumnView;

/// One flag per operation, in the order of [`crate::ops::OPS`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpFlags<T> {
    pub mfhi: T,
    pub mthi: T,
    pub mflo: T,
    pub mtlo: T,
    pub mult: T,
    pub multu: T,
    pub div: T,
    pub divu: T,
    pub madd: T,
    pub maddu: T,
    pub msub: T,
    pub msubu: T,
    pub mul: T,
}

/// Number of operations (flags).
pub const NUM_OPS: usize = 13;

impl<T> OpFlags<T> {
    /// The flags from an array in the order of [`crate::ops::OPS`].
    pub fn from_array(flags: [T; NUM_OPS]) -> Self {
        let [mfhi, mthi, mflo, mtlo, mult, multu, div, divu, madd, maddu, msub, msubu, mul] = flags;
        OpFlags { mfhi, mthi, mflo, mtlo, mult, multu, div, divu, madd, maddu, msub, msubu, mul }
    }
}

impl<T: Copy> OpFlags<T> {
    /// The flags in the order of [`crate::ops::OPS`].
    pub fn to_array(&self) -> [T; NUM_OPS] {
        [
            self.mfhi, self.mthi, self.mflo, self.mtlo, self.mult, self.multu, self.div, self.divu, self.madd,
            self.maddu, self.msub, self.msubu, self.mul,
        ]
    }
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MulDivColumns<T> {
    /// Cycle of the instruction (matched with the CPU row through `MULDIV`).
    pub clk: T,
    /// Operation flags: boolean, at most one set; all zero on padding rows.
    pub ops: OpFlags<T>,
    /// hi before the instruction (the `before` of the hi write; memory-proven).
    pub hi: T,
    /// lo before the instruction (the `before` of the lo write; memory-proven).
    pub lo: T,
    /// Value written to rd: hi (mfhi), lo (mflo), low product word (mul); 0 otherwise.
    pub out: T,
    /// 16-bit limbs of `a` (value of rs), low first.
    pub a_limbs: [T; 2],
    /// 16-bit limbs of `b` (value of rt), low first.
    pub b_limbs: [T; 2],
    /// 16-bit limbs of hi after (mthi: a; products: high word; div: remainder).
    pub new_hi: [T; 2],
    /// 16-bit limbs of lo after (mtlo: a; products: low word; div: quotient).
    pub new_lo: [T; 2],
    /// Sign bit of `a` on signed operations, 0 on the others.
    pub a_neg: T,
    /// `2 * a_limbs[1] - 2^16 * a_neg` on signed operations (range-checked: pins `a_neg` to bit 31).
    pub a_sign_aux: T,
    /// Sign bit of `b` on signed operations, 0 on the others.
    pub b_neg: T,
    /// `2 * b_limbs[1] - 2^16 * b_neg` on signed operations (range-checked).
    pub b_sign_aux: T,
    /// Sign of the multiplier `x` (= `a_neg` except for `div`, where it is the quotient's sign).
    pub x_neg: T,
    /// The remainder of `div` is negative (`a_neg` and remainder != 0); `a_neg` on other rows.
    pub r_neg: T,
    /// `b == 0` (may be 1 only when b is 0; forced to 1 by the remainder bound on divisions by 0).
    pub b_zero: T,
    /// Carry out of the low product word: 16-bit limb and a top part in {0, 1, 2}.
    pub carry_lo: [T; 2],
    /// Carry out of the high product word (discarded: products are mod 2^64; range-checked).
    pub carry_hi: T,
    /// Division only: `|b| - |r| - 1 + 2^32 * b_zero` in two 16-bit limbs (proves `|r| < |b|`).
    pub rem_gap: [T; 2],
}

zkmips_stark::impl_columns!(MulDivColumns);

pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<MulDivColumns<u64>>();

/// Each field holds its own column index: `col_map().b_limbs[1]` is that column's position.
pub fn col_map() -> MulDivColumns<usize> {
    let indices: [usize; NUM_COLUMNS] = core::array::from_fn(|i| i);
    *MulDivColumns::view(&indices)
}
