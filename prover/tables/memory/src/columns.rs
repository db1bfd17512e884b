//! Columns of the memory table.

/// Accesses per row: the sorted accesses fill the rows in order (access `k` is number
/// `k % ACCESSES_PER_ROW` of row `k / ACCESSES_PER_ROW`). Several accesses per row make the table
/// shorter and wider: about the same cells, but fewer rows to hash into each commitment's Merkle
/// tree, to evaluate the quotient on and to fold in FRI. The lookups grow with it (each access
/// after the first of a row adds a tuple to each of `MEM`, `MEM_INIT` and `MEM_FINAL`, and two
/// range checks), so the gain flattens: on a mainnet 2^20-cycle segment the table's proof took
/// 22 s with one access per row, 10.4 s with four and 6.7 s with eight.
pub const ACCESSES_PER_ROW: usize = 8;

/// One access, sorted by `(addr, ts)`; padding accesses (all zero) at the end.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccessColumns<T> {
    /// Address of the accessed word (a byte address below 2^32, or `REG_BASE + i`).
    pub addr: T,
    /// Timestamp of the access, `clk * SLOTS + slot`.
    pub ts: T,
    /// The word's value before the access.
    pub before: T,
    /// The word's value after the access (`before` for a read).
    pub after: T,
    /// 1 for a real access, 0 for padding (which all comes after the real accesses).
    pub is_real: T,
    /// 1 on the first access of an address (its address differs from the previous access's).
    pub is_first: T,
    /// Low 16 bits of the gap to the previous access: `addr - prev.addr - 1` on a first
    /// access, `ts - prev.ts - 1` otherwise.
    pub gap_lo: T,
    /// High 16 bits of that gap.
    pub gap_hi: T,
}

zkmips_stark::impl_columns!(AccessColumns);

/// A row: [`ACCESSES_PER_ROW`] consecutive accesses.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoryColumns<T> {
    pub access: [AccessColumns<T>; ACCESSES_PER_ROW],
}

zkmips_stark::impl_columns!(MemoryColumns);

/// Number of columns of one access.
pub const ACCESS_COLUMNS: usize = zkmips_stark::cols::width::<AccessColumns<u64>>();

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<MemoryColumns<u64>>();

/// Column indices, for lookups.
pub(crate) fn col() -> MemoryColumns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: Vec<usize> = (0..NUM_COLUMNS).collect();
    *MemoryColumns::view(&idx)
}
