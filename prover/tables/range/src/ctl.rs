//! The range table's side of the `RANGE16` lookup.

use zkmips_stark::cols::{width, ColumnView};
use zkmips_stark::ctl::Table;
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use crate::columns::RangeColumns;

/// Column indices of the range table.
fn col() -> RangeColumns<usize> {
    let idx: Vec<usize> = (0..width::<RangeColumns<u64>>()).collect();
    *RangeColumns::view(&idx)
}

/// Looked side of `RANGE16`: tuple `[value]`, counted `multiplicity` times (the logUp filter
/// may be any column, it weighs the row's term).
pub fn ctl_looked() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Range.index(),
        vec![Column::single(c.value)],
        Filter::new_simple(Column::single(c.multiplicity)),
    )
}

/// The range table checks no column of its own.
pub fn range_checked_columns() -> Vec<usize> {
    Vec::new()
}
