//! The sponge table's side of its lookups (see [`zkmips_stark::ctl`]).
//!
//! - `KECCAK_SPONGE` (looked by the syscall table): `[clk, input, result]` on first rows.
//! - `KECCAK_IN` / `KECCAK_OUT` (looking into the permutation table), on absorbing rows:
//!   `[clk, left, xored, capacity]` and `[clk, left, out]`.
//! - `MEM` (looking into the memory table), `[addr, ts, before, after]`: the length
//!   `result[16]` read at `ts(clk, LENGTH_SLOT)` on first rows (`36 * left`); the 34 data words
//!   of the block read at `ts(clk, MEM)` on absorbing rows; the 16 result words written at
//!   `ts(clk, DST)` on last rows (`result_before` to `out`).
//! - `RANGE16`: the `limbs` cells.

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::layout::{slot, SLOTS};
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use super::columns::{col_map, BLOCK_WORDS, RESULT_WORDS};
use super::trace::LENGTH_SLOT;

fn twc(cols: Vec<Column<F>>, filter: usize) -> TableWithColumns<F> {
    TableWithColumns::new(Table::KeccakSponge.index(), cols, Filter::new_simple(Column::single(filter)))
}

fn k(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// `column + offset`.
fn plus(column: usize, offset: u64) -> Column<F> {
    Column::linear_combination_with_constant([(column, F::ONE)], k(offset))
}

/// `SLOTS * clk + slot`.
fn timestamp(clk: usize, slot: u64) -> Column<F> {
    Column::linear_combination_with_constant([(clk, k(SLOTS))], k(slot))
}

/// Looked side of `KECCAK_SPONGE`.
pub fn ctl_looked() -> TableWithColumns<F> {
    let c = col_map();
    twc(Column::singles([c.clk, c.input, c.result]).collect(), c.is_first)
}

/// Looking side of `KECCAK_IN`.
pub fn ctl_perm_in() -> TableWithColumns<F> {
    let c = col_map();
    let cols = [c.clk, c.left].into_iter().chain(c.xored).chain(c.capacity);
    twc(Column::singles(cols).collect(), c.is_absorb)
}

/// Looking side of `KECCAK_OUT`.
pub fn ctl_perm_out() -> TableWithColumns<F> {
    let c = col_map();
    twc(Column::singles([c.clk, c.left].into_iter().chain(c.out)).collect(), c.is_absorb)
}

/// Looking sides of `MEM`: the length, the data words, the result words.
pub fn ctl_mem() -> Vec<TableWithColumns<F>> {
    let c = col_map();
    let len = Column::linear_combination([(c.left, k(BLOCK_WORDS as u64))]);
    let mut out = vec![twc(
        vec![plus(c.result, 4 * RESULT_WORDS as u64), timestamp(c.clk, LENGTH_SLOT), len.clone(), len],
        c.is_first,
    )];
    for (w, bits) in c.data.iter().enumerate() {
        let word = Column::le_bits(bits);
        out.push(twc(vec![plus(c.input, 4 * w as u64), timestamp(c.clk, slot::MEM), word.clone(), word], c.is_absorb));
    }
    for w in 0..RESULT_WORDS {
        let cols = vec![
            plus(c.result, 4 * w as u64),
            timestamp(c.clk, slot::DST),
            Column::single(c.result_before[w]),
            Column::single(c.out[w]),
        ];
        out.push(twc(cols, c.is_last));
    }
    out
}

/// Columns whose every value must lie in `0..2^16` (the `RANGE16` lookup).
pub fn range_checked_columns() -> Vec<usize> {
    col_map().limbs.to_vec()
}
