//! Columns of the SHA_COMPRESS table: round `j` on the row with `step[j]`, `j < 64`; the final
//! additions on the row with `step[64]`.

/// Rounds per call.
pub const ROUNDS: usize = 64;
/// Rows per call: the rounds and the final row.
pub const ROWS: usize = ROUNDS + 1;

/// One round (or the end) of one call.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompressColumns<T> {
    /// Cycle of the `syscall`.
    pub clk: T,
    /// `$a0`: the message schedule `w[64]`.
    pub w_ptr: T,
    /// `$a1`: the hash state `h[8]`.
    pub h_ptr: T,
    /// One-hot: round `j < 64`, or the final row (`j = 64`); all zero on padding rows.
    pub step: [T; ROWS],
    /// `w[j]` (round rows).
    pub w: T,
    /// Bits of the working variables `a`, `b`, `c` before the round (final row: after round 63).
    pub abc: [[T; 32]; 3],
    /// The working variable `d`.
    pub d: T,
    /// Bits of `e`, `f`, `g`.
    pub efg: [[T; 32]; 3],
    /// The working variable `h`.
    pub h: T,
    /// `Sigma0(a)`, `Sigma1(e)`, `Ch(e, f, g)`, `Maj(a, b, c)`.
    pub sigma0: T,
    pub sigma1: T,
    pub ch: T,
    pub maj: T,
    /// Bits of the carries of the next `a` (`T1 + T2`) and the next `e` (`d + T1`).
    pub carry_a: [T; 3],
    pub carry_e: [T; 3],
    /// The hash state the call read (kept along the call).
    pub h_in: [T; 8],
    /// Final row: the new hash state `h_in + (a..h)` mod 2^32, its 16-bit halves
    /// (range-checked) and the carries.
    pub out: [T; 8],
    pub out_limbs: [T; 16],
    pub out_carry: [T; 8],
    /// 16-bit cells (first rows): the buffers' alignment and bounds (see `air.rs`).
    pub limbs: [T; 8],
}

zkmips_stark::impl_columns!(CompressColumns);

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<CompressColumns<u64>>();

/// Column indices of the table.
pub fn col_map() -> CompressColumns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: Vec<usize> = (0..NUM_COLUMNS).collect();
    *CompressColumns::view(&idx)
}
