//! Columns of the sponge table: one row per absorbed block (one row for a call without input).
//!
//! The rate is 34 words: word `w` is half `w % 2` of lane `w / 2` (lanes 0..17). The state's
//! limbs are numbered as the permutation table's (lane `i` = limbs `2i`, `2i + 1`), so rate
//! word `w` is limb `w` and the capacity is limbs 34..50.

/// Data words per block (the 136-byte rate).
pub const RATE_WORDS: usize = 34;
/// Words per block in the call's input: the data words and two ignored words.
pub const BLOCK_WORDS: usize = 36;
/// Limbs of the capacity (lanes 17..25).
pub const CAPACITY_LIMBS: usize = 16;
/// Result words written (lanes 0..8).
pub const RESULT_WORDS: usize = 16;
/// Limbs of the whole state.
pub const STATE_LIMBS: usize = RATE_WORDS + CAPACITY_LIMBS;
/// Range-checked 16-bit cells.
pub const NUM_LIMBS: usize = 8;

/// One block of one call.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpongeColumns<T> {
    /// Cycle of the `syscall`.
    pub clk: T,
    /// Address of this row's block: `$a0` on the call's first row, 144 more on each next one.
    pub input: T,
    /// `$a1`: the result buffer.
    pub result: T,
    /// Blocks from this one to the last (first row: the input length / 36); 0 for no input. With
    /// `clk` it tags the block's permutation.
    pub left: T,
    /// The call's first row (it reads the length) and last row (it writes the result).
    pub is_first: T,
    pub is_last: T,
    /// The row absorbs a block.
    pub is_absorb: T,
    /// The only row of a call without input (the result is the zero state's).
    pub is_empty: T,
    /// The rate before this block, bits of each word (zero on the first row).
    pub state: [[T; 32]; RATE_WORDS],
    /// The capacity before this block, limbs (zero on the first row).
    pub capacity: [T; CAPACITY_LIMBS],
    /// The block's data words, bits.
    pub data: [[T; 32]; RATE_WORDS],
    /// `state ^ data`, limbs: the permutation's input rate.
    pub xored: [T; RATE_WORDS],
    /// The permutation's output, limbs (zero on an empty call's row).
    pub out: [T; STATE_LIMBS],
    /// `result[0..16]` before the call writes them.
    pub result_before: [T; RESULT_WORDS],
    /// 16-bit cells: the pointers' alignment and bounds (see `air.rs`).
    pub limbs: [T; NUM_LIMBS],
}

zkmips_stark::impl_columns!(SpongeColumns);

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<SpongeColumns<u64>>();

/// Column indices of the sponge table.
pub fn col_map() -> SpongeColumns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: Vec<usize> = (0..NUM_COLUMNS).collect();
    *SpongeColumns::view(&idx)
}
