//! The memory table's sides of the `MEM`, `MEM_INIT`, `MEM_FINAL` lookups, and its range checks.
//!
//! A lookup has one looked side, and the memory table holds [`ACCESSES_PER_ROW`] accesses per
//! row: its first access of each row is the looked side, and the others join the looking side
//! with negated filters. A lookup checks that the looking side's tuples, counted with their
//! filters as multiplicities, equal the looked side's; moving the other accesses across with
//! the opposite sign leaves the same equation as if all of them were looked.

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::lookup::{Column, CrossTableLookup, Filter, TableWithColumns};
use zkmips_stark::F;

use crate::columns::{col, AccessColumns, ACCESSES_PER_ROW};

/// The lookup between `looking` and the memory table's accesses: `tuple` of each access, counted
/// by `filter(k, sign)` for access `k` of a row (`sign` is the coefficient of the filter's
/// `is_real` or `is_first` factor).
fn lookup(
    mut looking: Vec<TableWithColumns<F>>,
    tuple: impl Fn(&AccessColumns<usize>) -> Vec<usize>,
    filter: impl Fn(usize, F) -> Filter<F>,
) -> CrossTableLookup<F> {
    let c = col();
    let side = |k: usize, sign: F| {
        TableWithColumns::new(Table::Memory.index(), Column::singles(tuple(&c.access[k])).collect(), filter(k, sign))
    };
    looking.extend((1..ACCESSES_PER_ROW).map(|k| side(k, -F::ONE)));
    CrossTableLookup::new(looking, side(0, F::ONE))
}

/// `sign * column`.
fn signed(column: usize, sign: F) -> Column<F> {
    Column::linear_combination([(column, sign)])
}

/// `MEM` between `looking` and every access, `[addr, ts, before, after]` of real accesses.
pub fn lookup_mem(looking: Vec<TableWithColumns<F>>) -> CrossTableLookup<F> {
    let c = col();
    lookup(
        looking,
        |a| vec![a.addr, a.ts, a.before, a.after],
        |k, sign| Filter::new_simple(signed(c.access[k].is_real, sign)),
    )
}

/// `MEM_INIT` between `looking` and the first access of each address, `[addr, before]`.
pub fn lookup_init(looking: Vec<TableWithColumns<F>>) -> CrossTableLookup<F> {
    let c = col();
    lookup(looking, |a| vec![a.addr, a.before], |k, sign| Filter::new_simple(signed(c.access[k].is_first, sign)))
}

/// `MEM_FINAL` between `looking` and the last access of each address, `[addr, after]`.
///
/// The filter `is_last = is_real * (1 - next.is_real + next.is_first)`, with `next` the next
/// access (of the same row, or the first of the next row), is 1 on a real access whose successor
/// is padding or starts another address, and 0 otherwise. After the last row comes row 0
/// (lookups wrap around), whose first access is real and first when the last row is real, so a
/// full table's last access counts as a last access too.
pub fn lookup_final(looking: Vec<TableWithColumns<F>>) -> CrossTableLookup<F> {
    let c = col();
    lookup(
        looking,
        |a| vec![a.addr, a.after],
        |k, sign| {
            let ends = if k + 1 < ACCESSES_PER_ROW {
                let n = &c.access[k + 1];
                Column::linear_combination_with_constant([(n.is_real, -F::ONE), (n.is_first, F::ONE)], F::ONE)
            } else {
                let n = &c.access[0];
                Column::linear_combination_and_next_row_with_constant(
                    vec![],
                    vec![(n.is_real, -F::ONE), (n.is_first, F::ONE)],
                    F::ONE,
                )
            };
            Filter::new(vec![(signed(c.access[k].is_real, sign), ends)], vec![])
        },
    )
}

/// The gap limbs of every access: each must lie in `0..2^16` (`RANGE16`).
pub fn range_checked_columns() -> Vec<usize> {
    col().access.iter().flat_map(|a| [a.gap_lo, a.gap_hi]).collect()
}
