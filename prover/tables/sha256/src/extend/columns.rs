//! Columns of the SHA_EXTEND table: one row per computed word `w[i]`, `i = 16 + j` on the row
//! with `step[j]` set.

/// Rows per call: `w[16..64]`.
pub const ROWS: usize = 48;
/// Words of the sliding window: `w[i - 16..i]`.
pub const WINDOW: usize = 16;

/// One computed word of one call.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtendColumns<T> {
    /// Cycle of the `syscall`.
    pub clk: T,
    /// `$a0`: the `w[64]` buffer.
    pub w_ptr: T,
    /// One-hot: the row computes `w[16 + j]` (all zero on padding rows).
    pub step: [T; ROWS],
    /// `w[i - 16..i]`.
    pub window: [T; WINDOW],
    /// Bits of `w[i - 15]` (`window[1]`).
    pub x15: [T; 32],
    /// Bits of `w[i - 2]` (`window[14]`).
    pub x2: [T; 32],
    /// `sigma0(w[i - 15])` and `sigma1(w[i - 2])`.
    pub s0: T,
    pub s1: T,
    /// `w[i]`, and its two 16-bit halves (range-checked).
    pub new: T,
    pub new_limbs: [T; 2],
    /// Bits of `(w[i-16] + s0 + w[i-7] + s1) >> 32`.
    pub carry: [T; 2],
    /// `w[i]` in memory before the call writes it.
    pub before: T,
    /// 16-bit cells (first rows): the buffer's alignment and bound (see `air.rs`).
    pub limbs: [T; 4],
}

zkmips_stark::impl_columns!(ExtendColumns);

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<ExtendColumns<u64>>();

/// Column indices of the table.
pub fn col_map() -> ExtendColumns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: Vec<usize> = (0..NUM_COLUMNS).collect();
    *ExtendColumns::view(&idx)
}
