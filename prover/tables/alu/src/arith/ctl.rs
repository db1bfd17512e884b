//! The arithmetic table's side of the cross-table lookups.

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use super::air::{BRANCHES, WRITES_RD};
use super::columns::arith_col_map;

fn f(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// The looked side of the `ARITH` lookup: `[opcode, rs_field, rt_field, rd_field, shamt,
/// funct, imm16, a, b, out, wen, dst_rd, dst_ra, is_branch, is_likely]` on every row with a
/// kind flag.
///
/// `a` and `b` are combinations of their limbs and sign bits; `dst_rd` is the register forms
/// of add/sub/slt/moves (`imm` only occurs on add and slt rows, which then write `rt`);
/// `dst_ra = link`, `is_likely = likely` (both 0 off the branch kinds), `is_branch` is the sum
/// of the branch kinds.
pub fn arith_ctl_looked() -> TableWithColumns<F> {
    let c = arith_col_map();
    let value = |lo, mid, sign| Column::linear_combination([(lo, F::ONE), (mid, f(1 << 16)), (sign, f(1 << 31))]);
    let mut dst_rd: Vec<(usize, F)> = WRITES_RD.iter().map(|&k| (c.kind[k], F::ONE)).collect();
    dst_rd.push((c.imm, F::NEG_ONE));
    let columns = vec![
        Column::single(c.opcode),
        Column::single(c.rs),
        Column::single(c.rt),
        Column::single(c.rd),
        Column::single(c.shamt),
        Column::single(c.funct),
        Column::linear_combination([(c.rd, f(1 << 11)), (c.shamt, f(1 << 6)), (c.funct, F::ONE)]),
        value(c.a_lo, c.a_mid, c.a_sign),
        value(c.b_lo, c.b_mid, c.b_sign),
        Column::single(c.out),
        Column::single(c.wen),
        Column::linear_combination(dst_rd),
        Column::single(c.link),
        Column::sum(BRANCHES.iter().map(|&k| c.kind[k])),
        Column::single(c.likely),
    ];
    debug_assert_eq!(columns.len(), zkmips_stark::ctl::width::ARITH);
    TableWithColumns::new(Table::Arith.index(), columns, Filter::new_simple(Column::sum(c.kind)))
}

/// Linear combinations (`(column, coefficient)` terms) whose value on every row must lie in
/// `0..2^16` (checked through `RANGE16`): the limbs of `a`, `b` and `x`, `2·a_mid` and
/// `2·b_mid` (so the middle parts are below 2^15 and the sign bits are the top bits), the
/// overflow witness, and `2^12·(rd - 16·imm_sign)` (so `rd - 16·imm_sign < 16` and `imm_sign`
/// is the top bit of the 5-bit `rd`, bit 15 of `imm16`).
pub fn arith_range_checked() -> Vec<Vec<(usize, F)>> {
    let c = arith_col_map();
    vec![
        vec![(c.a_lo, F::ONE)],
        vec![(c.a_mid, F::TWO)],
        vec![(c.b_lo, F::ONE)],
        vec![(c.b_mid, F::TWO)],
        vec![(c.x_lo, F::ONE)],
        vec![(c.x_hi, F::ONE)],
        vec![(c.ovf, F::ONE)],
        vec![(c.rd, f(1 << 12)), (c.imm_sign, -f(1 << 16))],
    ]
}
