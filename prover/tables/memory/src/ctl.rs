//! The memory table's side of the `MEM`, `MEM_INIT`, `MEM_FINAL` lookups, and its range checks.

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use crate::columns::col;

/// `MEM`: every access, `[addr, ts, before, after]` on real rows.
pub fn ctl_mem() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Memory.index(),
        Column::singles([c.addr, c.ts, c.before, c.after]).collect(),
        Filter::new_simple(Column::single(c.is_real)),
    )
}

/// `MEM_INIT`: the first access of each address, `[addr, before]`.
pub fn ctl_init() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Memory.index(),
        Column::singles([c.addr, c.before]).collect(),
        Filter::new_simple(Column::single(c.is_first)),
    )
}

/// `MEM_FINAL`: the last access of each address, `[addr, after]`.
///
/// The filter `is_last = is_real * (1 - next.is_real + next.is_first)` is 1 on a real row whose
/// next row is padding or starts another address, and 0 otherwise. On the last row the next row
/// is row 0 (lookups wrap around), which is real and first when the last row is real, so a full
/// table's last row counts as a last access too.
pub fn ctl_final() -> TableWithColumns<F> {
    let c = col();
    let next_ends_group = Column::linear_combination_and_next_row_with_constant(
        vec![],
        vec![(c.is_real, -F::ONE), (c.is_first, F::ONE)],
        F::ONE,
    );
    TableWithColumns::new(
        Table::Memory.index(),
        Column::singles([c.addr, c.after]).collect(),
        Filter::new(vec![(Column::single(c.is_real), next_ends_group)], vec![]),
    )
}

/// The gap limbs: every row must lie in `0..2^16` (`RANGE16`).
pub fn range_checked_columns() -> Vec<usize> {
    let c = col();
    vec![c.gap_lo, c.gap_hi]
}
