//! The Poseidon table's side of the page table's internal lookups.

use core::mem::offset_of;

use zkmips_stark::ctl::Table;
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};

use super::columns::PoseidonColumns;
use crate::F;

/// Index of the column at byte offset `off` of `PoseidonColumns<u64>`.
const fn col(off: usize) -> usize {
    off / core::mem::size_of::<u64>()
}

fn input_and(out: usize) -> Vec<Column<F>> {
    let input = col(offset_of!(PoseidonColumns<u64>, input));
    (input..input + 12).chain(out..out + 4).map(Column::single).collect()
}

/// Looked side of the sponge lookup: `[input[0..12], output[8..12]]` on `is_sponge` rows.
pub fn ctl_sponge() -> TableWithColumns<F> {
    let cols = input_and(col(offset_of!(PoseidonColumns<u64>, out_hi)));
    let filter = Filter::new_simple(Column::single(col(offset_of!(PoseidonColumns<u64>, is_sponge))));
    TableWithColumns::new(Table::Poseidon.index(), cols, filter)
}

/// Looked side of the hash lookup: `[input[0..12], output[0..4]]` on `is_hash` rows.
pub fn ctl_hash() -> TableWithColumns<F> {
    let cols = input_and(col(offset_of!(PoseidonColumns<u64>, out_lo)));
    let filter = Filter::new_simple(Column::single(col(offset_of!(PoseidonColumns<u64>, is_hash))));
    TableWithColumns::new(Table::Poseidon.index(), cols, filter)
}

/// Columns range-checked through `RANGE16`: none.
pub fn range_checked_columns() -> Vec<usize> {
    Vec::new()
}
