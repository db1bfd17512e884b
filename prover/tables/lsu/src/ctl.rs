//! The LSU table's side of its cross-table lookups (tuple orders: `zkmips_stark::ctl`).

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::layout::{slot, SLOTS};
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use crate::columns::{col_map, WordColumns};
use crate::ops::LsuOp;

fn k(x: u64) -> F {
    F::from_canonical_u64(x)
}

/// Real rows: the sum of the one-hot operation flags (0 on padding rows).
fn is_real() -> Filter<F> {
    Filter::new_simple(Column::sum(col_map().op))
}

/// `lo + 2^16 * hi`.
fn word_value(w: &WordColumns<usize>) -> Column<F> {
    Column::linear_combination([(w.lo, F::ONE), (w.hi, k(1 << 16))])
}

/// Looked by the CPU through `LSU`: `[clk, opcode, imm16, base, rt_val, out, wen]`.
pub fn ctl_looked() -> TableWithColumns<F> {
    let c = col_map();
    let opcode = Column::linear_combination(LsuOp::ALL.map(|op| (c.op[op.index()], k(op.opcode() as u64))));
    // imm16 = sext(imm16) mod 2^16 = (imm_biased - 2^15) + 2^16 * imm_sign.
    let imm16 =
        Column::linear_combination_with_constant([(c.imm_biased, F::ONE), (c.imm_sign, k(1 << 16))], -k(1 << 15));
    let wen = Column::sum(LsuOp::ALL.iter().filter(|op| op.writes_rt()).map(|op| c.op[op.index()]));
    let columns = vec![
        Column::single(c.clk),
        opcode,
        imm16,
        Column::single(c.base),
        word_value(&c.rt),
        Column::single(c.out),
        wen,
    ];
    TableWithColumns::new(Table::Lsu.index(), columns, is_real())
}

/// Looking into the memory table through `MEM`: `[addr, ts, before, after]`, the row's one data
/// access at `ts(clk, slot::MEM)` to the aligned word `ea & !3 = 4 * ea_q + 2^16 * ea_hi`.
pub fn ctl_mem() -> TableWithColumns<F> {
    let c = col_map();
    let columns = vec![
        Column::linear_combination([(c.ea_q, k(4)), (c.ea_hi, k(1 << 16))]),
        Column::linear_combination_with_constant([(c.clk, k(SLOTS))], k(slot::MEM)),
        word_value(&c.mem),
        Column::single(c.after),
    ];
    TableWithColumns::new(Table::Lsu.index(), columns, is_real())
}

/// Columns whose every row must lie in `0..2^16` (RANGE16).
pub fn range_checked_columns() -> Vec<usize> {
    let c = col_map();
    let word = |w: WordColumns<usize>| [w.lo, w.hi, w.b1, w.b0_x256, w.b3, w.b2_x256];
    let mut cols = vec![c.imm_biased, c.ea_lo, c.ea_hi, c.ea_q, c.sign_check];
    cols.extend(word(c.mem));
    cols.extend(word(c.rt));
    cols
}
