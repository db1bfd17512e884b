//! Columns of the memory table.

/// One row per access, sorted by `(addr, ts)`; padding rows (all zero) at the end.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoryColumns<T> {
    /// Address of the accessed word (a byte address below 2^32, or `REG_BASE + i`).
    pub addr: T,
    /// Timestamp of the access, `clk * SLOTS + slot`.
    pub ts: T,
    /// The word's value before the access.
    pub before: T,
    /// The word's value after the access (`before` for a read).
    pub after: T,
    /// 1 on rows of real accesses, 0 on padding rows (which all come after the real ones).
    pub is_real: T,
    /// 1 on the first access of an address (its address differs from the previous row's).
    pub is_first: T,
    /// Low 16 bits of the gap to the previous row: `addr - prev.addr - 1` on a first access,
    /// `ts - prev.ts - 1` otherwise.
    pub gap_lo: T,
    /// High 16 bits of that gap.
    pub gap_hi: T,
}

zkmips_stark::impl_columns!(MemoryColumns);

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<MemoryColumns<u64>>();

/// Column indices, for lookups.
pub(crate) fn col() -> MemoryColumns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: Vec<usize> = (0..NUM_COLUMNS).collect();
    *MemoryColumns::view(&idx)
}
