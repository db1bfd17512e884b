//! Columns of the range table.

/// One row per value of `0..2^16`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RangeColumns<T> {
    /// The row index: `0, 1, ..., 2^16 - 1`.
    pub value: T,
    /// How many looked-up values equal `value` (the filter of the `RANGE16` lookup).
    pub multiplicity: T,
}

zkmips_stark::impl_columns!(RangeColumns);

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<RangeColumns<u64>>();
