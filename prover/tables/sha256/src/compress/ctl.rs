//! The SHA_COMPRESS table's side of its lookups (see [`zkmips_stark::ctl`]).
//!
//! - `SHA_COMPRESS` (looked by the syscall table): `[clk, w_ptr, h_ptr]` on first rows.
//! - `MEM` (looking into the memory table), `[addr, ts, before, after]`: `h[0..8]` read at
//!   `ts(clk, RT)` on first rows (`h_in`); `w[j]` read at `ts(clk, MEM)` on round rows; `h[0..8]`
//!   written at `ts(clk, MEM_WRITE)` on final rows (`h_in` to `out`). Each address is accessed
//!   once per slot, even where the buffers overlap.
//! - `RANGE16`: `out_limbs` and `limbs`.

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::layout::{slot, SLOTS};
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use super::columns::{col_map, ROUNDS};

/// Slot of the reads of `h`: after the syscall table's register reads (`RS`), before the reads
/// of `w` (`MEM`) and the writes of `h` (`MEM_WRITE`).
pub const H_READ_SLOT: u64 = slot::RT;

fn twc(cols: Vec<Column<F>>, filter: Filter<F>) -> TableWithColumns<F> {
    TableWithColumns::new(Table::ShaCompress.index(), cols, filter)
}

fn k(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// `SLOTS * clk + slot`.
fn timestamp(clk: usize, slot: u64) -> Column<F> {
    Column::linear_combination_with_constant([(clk, k(SLOTS))], k(slot))
}

/// `column + offset`.
fn plus(column: usize, offset: u64) -> Column<F> {
    Column::linear_combination_with_constant([(column, F::ONE)], k(offset))
}

/// Looked side of `SHA_COMPRESS`.
pub fn ctl_looked() -> TableWithColumns<F> {
    let c = col_map();
    twc(Column::singles([c.clk, c.w_ptr, c.h_ptr]).collect(), Filter::new_simple(Column::single(c.step[0])))
}

/// Looking sides of `MEM`: the reads of `h`, the read of each round's `w[j]`, the writes of `h`.
pub fn ctl_mem() -> Vec<TableWithColumns<F>> {
    let c = col_map();
    let on = |col: usize| Filter::new_simple(Column::single(col));
    let mut out: Vec<_> = (0..8)
        .map(|i| {
            let v = Column::single(c.h_in[i]);
            twc(vec![plus(c.h_ptr, 4 * i as u64), timestamp(c.clk, H_READ_SLOT), v.clone(), v], on(c.step[0]))
        })
        .collect();
    // Round j reads w[j] at w_ptr + 4j.
    let addr = Column::linear_combination(
        core::iter::once((c.w_ptr, F::ONE)).chain((1..ROUNDS).map(|j| (c.step[j], k(4 * j as u64)))),
    );
    let w = Column::single(c.w);
    let rounds = Filter::new_simple(Column::sum(&c.step[..ROUNDS]));
    out.push(twc(vec![addr, timestamp(c.clk, slot::MEM), w.clone(), w], rounds));
    out.extend((0..8).map(|i| {
        let cols = vec![
            plus(c.h_ptr, 4 * i as u64),
            timestamp(c.clk, slot::MEM_WRITE),
            Column::single(c.h_in[i]),
            Column::single(c.out[i]),
        ];
        twc(cols, on(c.step[ROUNDS]))
    }));
    out
}

/// Columns whose every value must lie in `0..2^16` (the `RANGE16` lookup).
pub fn range_checked_columns() -> Vec<usize> {
    let c = col_map();
    c.out_limbs.into_iter().chain(c.limbs).collect()
}
