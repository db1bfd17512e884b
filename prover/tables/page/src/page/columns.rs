//! Columns of the page table.
//!
//! A touched page takes `CHUNKS + TREE_DEPTH` consecutive rows (a *block*): `CHUNKS - 1` chunk
//! rows and a leaf row absorb 8 words each, of the start and of the end page side by side;
//! then one node row per tree level hashes the start path and the end path, leaf to root.
//! Each active row drives two permutations: the start one and the end one.

use crate::native::RATE;

#[repr(C)]
pub struct PageColumns<T> {
    /// 1 on the absorbing rows of a page but the last (sponge steps).
    pub is_chunk: T,
    /// 1 on a page's last absorbing row (its hash output is the page's leaf).
    pub is_leaf: T,
    /// 1 on the Merkle path rows (one per tree level, leaf to root).
    pub is_node: T,
    /// 1 on the last path row of a page (its outputs are the roots before and after the page).
    pub is_top: T,
    /// Row number within the block: the chunk index on absorbing rows, `CHUNKS + level` on path rows.
    pub step: T,
    /// `1 / (step - STEP_LEAF)` on chunk rows, `1 / (step - STEP_TOP)` on non-top path rows, else 0.
    pub inv: T,
    /// The page index on absorbing rows; `page >> level` on path rows.
    pub rem: T,
    /// Path rows: bit `level` of the page index (1 = the current node is the right child).
    pub bit: T,
    /// Absorbing rows: the chunk's start words; path rows: left and right child of the start path.
    pub a: [T; RATE],
    /// Absorbing rows: the chunk's end words; path rows: left and right child of the end path.
    pub b: [T; RATE],
    /// Absorbing rows: 1 if the word was accessed (in `MEM_INIT`/`MEM_FINAL`); else 0.
    pub touched: [T; RATE],
    /// Capacity entering the start permutation (absorbing rows; 0 on path rows).
    pub cap_s: [T; 4],
    /// Capacity entering the end permutation (absorbing rows; 0 on path rows).
    pub cap_e: [T; 4],
    /// Output elements 0..4 of the start permutation (leaf and path rows).
    pub out_s: [T; 4],
    /// Output elements 0..4 of the end permutation (leaf and path rows).
    pub out_e: [T; 4],
    /// The image root before this row's page (the end root on padding rows after the last page).
    pub root: [T; 4],
}

zkmips_stark::impl_columns!(PageColumns);

pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<PageColumns<u64>>();

/// Index of the column at byte offset `off` of `PageColumns<u64>` (use with `offset_of!`).
pub(crate) const fn col(off: usize) -> usize {
    off / core::mem::size_of::<u64>()
}
