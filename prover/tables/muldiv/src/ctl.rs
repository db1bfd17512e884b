//! The cross-table lookups of the MulDiv table (tuple orders from `zkmips_stark::ctl`).

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::layout::{reg, reg_addr, slot, SLOTS};
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use crate::columns::{col_map, MulDivColumns, OpFlags};
use crate::ops::OPS;

fn f(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// `lo + 2^16 hi` of two limb columns.
fn word(limbs: [usize; 2]) -> Column<F> {
    Column::linear_combination([(limbs[0], F::ONE), (limbs[1], f(1 << 16))])
}

/// Sum of the flags of the operations `pick` selects.
fn flag_sum(c: &MulDivColumns<usize>, pick: impl Fn(&OpFlags<usize>) -> Vec<usize>) -> Column<F> {
    Column::sum(pick(&c.ops))
}

/// `ts(clk, slot)`.
fn timestamp(c: &MulDivColumns<usize>, slot: u64) -> Column<F> {
    Column::linear_combination_with_constant([(c.clk, f(SLOTS))], f(slot))
}

/// Operations that write hi and lo (all but the moves and `mul`).
fn arith(o: &OpFlags<usize>) -> Vec<usize> {
    vec![o.mult, o.multu, o.div, o.divu, o.madd, o.maddu, o.msub, o.msubu]
}

/// Looked by the CPU through `MULDIV`: `[clk, opcode, funct, a, b, out, wen]` on every real
/// row. Opcode and funct are the set flag's encoding, so the CPU's decoded fields pin the
/// operation (the reserved fields rs/rt/rd/sa are not in the tuple: the CPU checks them).
pub fn ctl_looked() -> TableWithColumns<F> {
    let c = col_map();
    let flags = c.ops.to_array();
    let opcode = Column::linear_combination(flags.iter().zip(OPS).map(|(&col, (_, op, _))| (col, f(op as u64))));
    let funct = Column::linear_combination(flags.iter().zip(OPS).map(|(&col, (_, _, fu))| (col, f(fu as u64))));
    let columns = vec![
        Column::single(c.clk),
        opcode,
        funct,
        word(c.a_limbs),
        word(c.b_limbs),
        Column::single(c.out),
        flag_sum(&c, |o| vec![o.mfhi, o.mflo, o.mul]),
    ];
    TableWithColumns::new(Table::MulDiv.index(), columns, Filter::new_simple(Column::sum(flags)))
}

/// Looking into the memory table through `MEM` (`[addr, ts, before, after]`), one tuple per
/// kind of access:
/// 1. the hi or lo read of `mfhi`/`mflo` at `slot::HILO_READ` (before = after = `out`);
/// 2. the hi write of `mthi`, `mult(u)`, `div(u)`, `madd(u)`, `msub(u)` at `slot::HILO_WRITE`;
/// 3. the lo write of `mtlo` and the same arithmetic operations.
///
/// See [`crate::mem_accesses`] for the accesses of one event.
pub fn ctl_mem() -> Vec<TableWithColumns<F>> {
    let c = col_map();
    let read = TableWithColumns::new(
        Table::MulDiv.index(),
        vec![
            Column::linear_combination([(c.ops.mfhi, f(reg_addr(reg::HI))), (c.ops.mflo, f(reg_addr(reg::LO)))]),
            timestamp(&c, slot::HILO_READ),
            Column::single(c.out),
            Column::single(c.out),
        ],
        Filter::new_simple(flag_sum(&c, |o| vec![o.mfhi, o.mflo])),
    );
    let write = |addr: usize, before: usize, after: [usize; 2], mov: usize| {
        TableWithColumns::new(
            Table::MulDiv.index(),
            vec![
                Column::constant(f(reg_addr(addr))),
                timestamp(&c, slot::HILO_WRITE),
                Column::single(before),
                word(after),
            ],
            Filter::new_simple(flag_sum(&c, |o| [arith(o), vec![mov]].concat())),
        )
    };
    vec![read, write(reg::HI, c.hi, c.new_hi, c.ops.mthi), write(reg::LO, c.lo, c.new_lo, c.ops.mtlo)]
}

/// Columns whose every row must lie in `0..2^16` (the RANGE16 lookup). Padding rows hold 0.
pub fn range_checked_columns() -> Vec<usize> {
    let c = col_map();
    [c.a_limbs, c.b_limbs, c.new_hi, c.new_lo, c.rem_gap]
        .into_iter()
        .flatten()
        .chain([c.a_sign_aux, c.b_sign_aux, c.carry_lo[0], c.carry_hi])
        .collect()
}
