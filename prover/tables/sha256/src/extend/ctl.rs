//! The SHA_EXTEND table's side of its lookups (see [`zkmips_stark::ctl`]).
//!
//! - `SHA_EXTEND` (looked by the syscall table): `[clk, w_ptr]` on first rows.
//! - `MEM` (looking into the memory table), `[addr, ts, before, after]`: `w[0..16]` (the first
//!   row's window) read at `ts(clk, MEM)` on first rows; `w[16 + j]` written at
//!   `ts(clk, MEM_WRITE)` (`before` to `new`) on every real row.
//! - `RANGE16`: `new_limbs` and `limbs`.

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::layout::{slot, SLOTS};
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use super::columns::{col_map, ROWS, WINDOW};

fn twc(cols: Vec<Column<F>>, filter: Filter<F>) -> TableWithColumns<F> {
    TableWithColumns::new(Table::ShaExtend.index(), cols, filter)
}

fn k(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// `SLOTS * clk + slot`.
fn timestamp(clk: usize, slot: u64) -> Column<F> {
    Column::linear_combination_with_constant([(clk, k(SLOTS))], k(slot))
}

/// Looked side of `SHA_EXTEND`.
pub fn ctl_looked() -> TableWithColumns<F> {
    let c = col_map();
    twc(Column::singles([c.clk, c.w_ptr]).collect(), Filter::new_simple(Column::single(c.step[0])))
}

/// Looking sides of `MEM`: the 16 reads of a call's first row, and each row's write.
pub fn ctl_mem() -> Vec<TableWithColumns<F>> {
    let c = col_map();
    let first = || Filter::new_simple(Column::single(c.step[0]));
    let mut out: Vec<_> = (0..WINDOW)
        .map(|w| {
            let addr = Column::linear_combination_with_constant([(c.w_ptr, F::ONE)], k(4 * w as u64));
            let v = Column::single(c.window[w]);
            twc(vec![addr, timestamp(c.clk, slot::MEM), v.clone(), v], first())
        })
        .collect();
    // The row with step[j] writes w[16 + j] at w_ptr + 64 + 4j.
    let addr = Column::linear_combination_with_constant(
        core::iter::once((c.w_ptr, F::ONE)).chain((1..ROWS).map(|j| (c.step[j], k(4 * j as u64)))),
        k(4 * WINDOW as u64),
    );
    let cols = vec![addr, timestamp(c.clk, slot::MEM_WRITE), Column::single(c.before), Column::single(c.new)];
    out.push(twc(cols, Filter::new_simple(Column::sum(c.step))));
    out
}

/// Columns whose every value must lie in `0..2^16` (the `RANGE16` lookup).
pub fn range_checked_columns() -> Vec<usize> {
    let c = col_map();
    c.new_limbs.into_iter().chain(c.limbs).collect()
}
