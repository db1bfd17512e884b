//! The permutation table's side of `KECCAK_IN` and `KECCAK_OUT` (see [`zkmips_stark::ctl`]).

use zkmips_stark::ctl::Table;
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use super::columns::{col_map, ROUNDS};

/// `[clk, block, limbs]` on the rows of round `round` of real permutations.
fn looked(round: usize, limbs: &[usize]) -> TableWithColumns<F> {
    let c = col_map();
    let cols = [c.clk, c.block].iter().chain(limbs).map(|&i| Column::single(i)).collect();
    let filter = Filter::new(vec![(Column::single(c.round[round]), Column::single(c.is_real))], vec![]);
    TableWithColumns::new(Table::Keccak.index(), cols, filter)
}

/// Looked side of `KECCAK_IN`: the input state (`a` at round 0).
pub fn ctl_in() -> TableWithColumns<F> {
    looked(0, &col_map().a)
}

/// Looked side of `KECCAK_OUT`: the output state (`out` at round 23).
pub fn ctl_out() -> TableWithColumns<F> {
    looked(ROUNDS - 1, &col_map().out)
}

/// Columns range-checked through `RANGE16`: none.
pub fn range_checked_columns() -> Vec<usize> {
    Vec::new()
}
