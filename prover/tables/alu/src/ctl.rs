//! The bitwise ALU table's side of the cross-table lookups.

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use crate::air::writes_rd;
use crate::columns::col_map;
use crate::ops::{pattern, OPS};

/// A combination of the operation flags: `Σ weight(op)·flag(op)`.
fn flag_combination(weight: impl Fn(zkmips_isa::Op) -> u64) -> Column<F> {
    let cols = col_map();
    Column::linear_combination(
        OPS.iter()
            .enumerate()
            .filter(|(_, &op)| weight(op) != 0)
            .map(|(i, &op)| (cols.op[i], F::from_canonical_u64(weight(op)))),
    )
}

/// The looked side of the `ALU` lookup: `[opcode, rs_field, rt_field, rd_field, shamt, funct,
/// imm16, a, b, out, wen, dst_rd, dst_ra, is_branch, is_likely]` on every row with an operation.
///
/// `opcode`, `wen` and `dst_rd` are combinations of the one-hot flags (every operation here
/// writes), `dst_ra`, `is_branch` and `is_likely` are 0 (no branch here); `imm16 = rd·2^11 +
/// shamt·2^6 + funct` and `a = Σ 2^i·a_bits[i]`.
pub fn ctl_looked() -> TableWithColumns<F> {
    let c = col_map();
    let columns = vec![
        flag_combination(|op| pattern(op).opcode as u64),
        Column::single(c.rs),
        Column::single(c.rt),
        Column::single(c.rd),
        Column::single(c.shamt),
        Column::single(c.funct),
        Column::linear_combination([
            (c.rd, F::from_canonical_u64(1 << 11)),
            (c.shamt, F::from_canonical_u64(1 << 6)),
            (c.funct, F::ONE),
        ]),
        Column::le_bits(c.a_bits),
        Column::single(c.b),
        Column::single(c.out),
        Column::sum(c.op),
        flag_combination(|op| writes_rd(op) as u64),
        Column::constant(F::ZERO),
        Column::constant(F::ZERO),
        Column::constant(F::ZERO),
    ];
    debug_assert_eq!(columns.len(), zkmips_stark::ctl::width::ALU);
    TableWithColumns::new(Table::Alu.index(), columns, Filter::new_simple(Column::sum(c.op)))
}

/// Columns whose every row must lie in `0..2^16` (checked through `RANGE16`): the limbs of
/// the shifter's words.
pub fn range_checked_columns() -> Vec<usize> {
    let c = col_map();
    vec![c.x[0], c.x[1], c.y[0], c.y[1]]
}
