//! The CPU's side of its lookups: it is the looking side of `MEM` (fetch, two register reads,
//! the destination write), `ALU`, `LSU`, `MULDIV` and `SYSCALL`, in the tuple orders of
//! `zkmips_stark::ctl`, and it range-checks its limb columns through `RANGE16`.

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::layout::{reg, reg_addr, slot, REG_BASE, SLOTS};
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use crate::columns::{col, field, CpuColumns};

fn f(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// `sum(bits[lo..hi][i] * 2^(shift + i))` as `(column, coefficient)` terms.
fn bit_terms(c: &CpuColumns<usize>, lo: usize, hi: usize, shift: usize) -> Vec<(usize, F)> {
    (lo..hi).map(|i| (c.bits[i], f(1 << (shift + i - lo)))).collect()
}

fn lin(terms: Vec<(usize, F)>, constant: F) -> Column<F> {
    Column::linear_combination_with_constant(terms, constant)
}

fn funct(c: &CpuColumns<usize>) -> Column<F> {
    lin(bit_terms(c, field::FUNCT, field::SHAMT, 0), F::ZERO)
}
fn shamt(c: &CpuColumns<usize>) -> Column<F> {
    lin(bit_terms(c, field::SHAMT, field::RD, 0), F::ZERO)
}
fn rd(c: &CpuColumns<usize>) -> Column<F> {
    lin(bit_terms(c, field::RD, field::RT, 0), F::ZERO)
}
fn rt(c: &CpuColumns<usize>) -> Column<F> {
    lin(bit_terms(c, field::RT, field::RS, 0), F::ZERO)
}
fn rs(c: &CpuColumns<usize>) -> Column<F> {
    lin(bit_terms(c, field::RS, 26, 0), F::ZERO)
}
fn imm16(c: &CpuColumns<usize>) -> Column<F> {
    lin(bit_terms(c, 0, 16, 0), F::ZERO)
}

/// `ts(clk, slot) = clk * SLOTS + slot`.
fn ts(c: &CpuColumns<usize>, s: u64) -> Column<F> {
    lin(vec![(c.clk, f(SLOTS))], f(s))
}

/// Filter: the sum of the given flag columns.
fn any_of(flags: &[usize]) -> Filter<F> {
    Filter::new(vec![], flags.iter().map(|&i| Column::single(i)).collect())
}

/// `MEM` lookups of the CPU: the fetch `[pc, ts(clk, FETCH), word, word]` on real rows, the
/// reads of `rs` (for `rdhwr`: the thread pointer) and `rt` on real non-syscall rows, and the
/// destination write on rows whose `write` flag is set (writes to `$zero` are discarded).
pub fn ctl_mem() -> Vec<TableWithColumns<F>> {
    let c = col();
    let cpu = Table::Cpu.index();
    let flags = c.flags();
    let not_syscall: Vec<usize> = flags.iter().copied().filter(|&i| i != c.is_syscall).collect();
    let mut word = bit_terms(&c, 0, 26, 0);
    word.push((c.opcode, f(1 << 26)));
    let word = lin(word, F::ZERO);
    let fetch =
        TableWithColumns::new(cpu, vec![Column::single(c.pc), ts(&c, slot::FETCH), word.clone(), word], any_of(&flags));
    // rdhwr pins rs = 0, so `REG_BASE + rs + THREAD_PTR * is_rdhwr` is the thread pointer's word.
    let mut rs_addr = bit_terms(&c, field::RS, 26, 0);
    rs_addr.push((c.is_rdhwr, f(reg::THREAD_PTR as u64)));
    let rs_read = TableWithColumns::new(
        cpu,
        vec![lin(rs_addr, f(REG_BASE)), ts(&c, slot::RS), Column::single(c.rs_val), Column::single(c.rs_val)],
        any_of(&not_syscall),
    );
    let rt_read = TableWithColumns::new(
        cpu,
        vec![
            lin(bit_terms(&c, field::RT, field::RS, 0), f(REG_BASE)),
            ts(&c, slot::RT),
            Column::single(c.rt_val),
            Column::single(c.rt_val),
        ],
        any_of(&not_syscall),
    );
    let dst_write = TableWithColumns::new(
        cpu,
        vec![
            lin(vec![(c.dst, F::ONE)], f(reg_addr(reg::GPR))),
            ts(&c, slot::DST),
            Column::single(c.dst_old),
            Column::single(c.dst_val),
        ],
        Filter::new_simple(Column::single(c.write)),
    );
    vec![fetch, rs_read, rt_read, dst_write]
}

/// The tuple of `ALU` and `ARITH`: `[opcode, rs_field, rt_field, rd_field, shamt, funct,
/// imm16, a, b, out, wen, dst_rd, dst_ra, is_branch, is_likely]`.
fn alu_tuple(c: &CpuColumns<usize>) -> Vec<Column<F>> {
    vec![
        Column::single(c.opcode),
        rs(c),
        rt(c),
        rd(c),
        shamt(c),
        funct(c),
        imm16(c),
        Column::single(c.rs_val),
        Column::single(c.rt_val),
        Column::single(c.out),
        Column::single(c.wen),
        Column::single(c.dst_rd),
        Column::single(c.dst_ra),
        Column::single(c.is_branch),
        Column::single(c.is_likely),
    ]
}

/// `ALU` (the bitwise table) on `is_bits` rows.
pub fn ctl_alu() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(Table::Cpu.index(), alu_tuple(&c), Filter::new_simple(Column::single(c.is_bits)))
}

/// `ARITH` (the arithmetic table) on `is_arith` rows.
pub fn ctl_arith() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(Table::Cpu.index(), alu_tuple(&c), Filter::new_simple(Column::single(c.is_arith)))
}

/// `LSU`: `[clk, opcode, imm16, base, rt_val, out, wen]` on LSU rows.
pub fn ctl_lsu() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Cpu.index(),
        vec![
            Column::single(c.clk),
            Column::single(c.opcode),
            imm16(&c),
            Column::single(c.rs_val),
            Column::single(c.rt_val),
            Column::single(c.out),
            Column::single(c.wen),
        ],
        Filter::new_simple(Column::single(c.is_lsu)),
    )
}

/// `MULDIV`: `[clk, opcode, funct, a, b, out, wen]` on MULDIV rows.
pub fn ctl_muldiv() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Cpu.index(),
        vec![
            Column::single(c.clk),
            Column::single(c.opcode),
            funct(&c),
            Column::single(c.rs_val),
            Column::single(c.rt_val),
            Column::single(c.out),
            Column::single(c.wen),
        ],
        Filter::new_simple(Column::single(c.is_muldiv)),
    )
}

/// `SYSCALL`: `[clk, halts]` on syscall rows.
pub fn ctl_syscall() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Cpu.index(),
        vec![Column::single(c.clk), Column::single(c.halts)],
        Filter::new_simple(Column::single(c.is_syscall)),
    )
}

/// Columns whose every row must lie in `0..2^16` (checked through `RANGE16`): the limbs of
/// `new_next_pc` and the `j`/`jal` bound witness.
pub fn range_checked_columns() -> Vec<usize> {
    let c = col();
    vec![c.nnpc_lo, c.nnpc_hi, c.aux_lo, c.aux_hi]
}
