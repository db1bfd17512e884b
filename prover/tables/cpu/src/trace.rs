//! Trace generation: one row per [`CpuEvent`], then all-zero padding rows.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_isa::{decode, Op};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::cpu_public;
use zkmips_stark::events::CpuEvent;
use zkmips_stark::testing::trace_columns;
use zkmips_stark::F;
use zkmips_table_alu::AluOutput;

use crate::columns::{CpuColumns, NUM_COLUMNS};

/// Fewest rows of a trace.
pub const MIN_ROWS: usize = zkmips_stark::MIN_TRACE_ROWS;

/// Which part of the prover proves an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// The arithmetic table's operations (see `zkmips_table_alu::is_arith`).
    Arith,
    /// The bitwise ALU table's operations.
    Bits,
    Lsu,
    MulDiv,
    Syscall,
    /// `j`, `jal`.
    JumpImm,
    /// `jr`, `jalr`.
    JumpReg,
    Rdhwr,
    Sync,
    /// `pref`, `synci`.
    Nop,
}

/// The class of a decoded instruction; `None` for words no class proves (`break`).
pub fn class_of(op: Op) -> Option<Class> {
    use Op::*;
    Some(match op {
        Syscall => Class::Syscall,
        Break | Invalid => return None,
        Jr | Jalr => Class::JumpReg,
        J | Jal => Class::JumpImm,
        Rdhwr => Class::Rdhwr,
        Sync => Class::Sync,
        Nop => Class::Nop,
        Mfhi | Mthi | Mflo | Mtlo | Mult | Multu | Div | Divu | Madd | Maddu | Msub | Msubu | Mul => Class::MulDiv,
        Lb | Lh | Lwl | Lw | Lbu | Lhu | Lwr | Sb | Sh | Swl | Sw | Swr | Ll | Sc => Class::Lsu,
        op if zkmips_table_alu::is_arith(op) => Class::Arith,
        _ => Class::Bits,
    })
}

/// The row of one event.
///
/// # Assumptions
/// The event is a step the VM executed. For a load, `mfhi`/`mflo`/`mul` whose destination is
/// `$zero`, `dst_val` holds the discarded value (the LSU / MULDIV `out`); ALU outputs are
/// recomputed with `zkmips_table_alu::evaluate`. New `next_pc` values must be below 2^31.
fn fill_row(row: &mut CpuColumns<F>, ev: &CpuEvent) {
    let f = |v: u64| F::from_canonical_u64(v);
    let fb = |v: bool| if v { F::ONE } else { F::ZERO };
    let word = ev.word;
    let insn = decode(word).unwrap_or_else(|e| panic!("clk {}: {e}", ev.clk));
    let class = class_of(insn.op).unwrap_or_else(|| panic!("clk {}: {:?} is not provable", ev.clk, insn.op));
    row.opcode = f((word >> 26) as u64);
    for (i, b) in row.bits.iter_mut().enumerate() {
        *b = f(((word >> i) & 1) as u64);
    }
    let flag = match class {
        Class::Arith => &mut row.is_arith,
        Class::Bits => &mut row.is_bits,
        Class::Lsu => &mut row.is_lsu,
        Class::MulDiv => &mut row.is_muldiv,
        Class::Syscall => &mut row.is_syscall,
        Class::JumpImm => &mut row.is_jimm,
        Class::JumpReg => &mut row.is_jreg,
        Class::Rdhwr => &mut row.is_rdhwr,
        Class::Sync => &mut row.is_sync,
        Class::Nop => &mut row.is_nop,
    };
    *flag = F::ONE;
    row.clk = f(ev.clk);
    row.pc = f(ev.pc as u64);
    row.next_pc = f(ev.next_pc as u64);
    assert!(ev.new_next_pc < 1 << 31, "clk {}: new next_pc {:#x} is not below 2^31", ev.clk, ev.new_next_pc);
    row.nnpc_lo = f((ev.new_next_pc & 0x7FFF) as u64);
    row.nnpc_hi = f((ev.new_next_pc >> 15) as u64);
    row.rs_val = f(ev.rs_val as u64);
    row.rt_val = f(ev.rt_val as u64);
    row.halts = fb(ev.halts);

    let (rt, rd) = ((word >> 16) & 31, (word >> 11) & 31);
    let link = ev.pc as u64 + 8;
    let mut alu = AluOutput::default();
    let (out, wen, dst_val): (u32, bool, u64) = match class {
        Class::Arith | Class::Bits => {
            alu = zkmips_table_alu::evaluate(word, ev.rs_val, ev.rt_val)
                .unwrap_or_else(|| panic!("clk {}: {:?} traps or is not an ALU instruction", ev.clk, insn.op));
            let v = if alu.is_branch { link } else { alu.out as u64 };
            (alu.out, alu.wen, v)
        }
        Class::Lsu => match insn.op {
            Op::Sc => (1, true, 1),
            Op::Sb | Op::Sh | Op::Sw | Op::Swl | Op::Swr => (0, false, 0),
            _ => (ev.dst_val, true, ev.dst_val as u64),
        },
        Class::MulDiv => match insn.op {
            Op::Mfhi | Op::Mflo | Op::Mul => (ev.dst_val, true, ev.dst_val as u64),
            _ => (0, false, 0),
        },
        Class::JumpImm => (0, insn.op == Op::Jal, link),
        Class::JumpReg => (0, insn.op == Op::Jalr, link),
        Class::Rdhwr => (0, true, ev.rs_val as u64),
        Class::Syscall | Class::Sync | Class::Nop => (0, false, 0),
    };
    row.out = f(out as u64);
    row.wen = fb(wen);
    row.dst_rd = fb(match class {
        Class::Arith | Class::Bits => alu.dst_rd,
        Class::MulDiv | Class::JumpReg => true,
        _ => false,
    });
    row.dst_ra = fb(match class {
        Class::Arith | Class::Bits => alu.dst_ra,
        Class::JumpImm => true,
        _ => false,
    });
    row.is_branch = fb(alu.is_branch);
    row.is_likely = fb(alu.is_likely);
    let dst = if row.dst_rd == F::ONE {
        rd
    } else if row.dst_ra == F::ONE {
        31
    } else {
        rt
    };
    row.dst = f(dst as u64);
    row.dst_inv = if dst == 0 { F::ZERO } else { f(dst as u64).inverse() };
    let write = wen && dst != 0;
    row.write = fb(write);
    row.dst_val = f(dst_val);
    if write {
        assert_eq!(ev.dst as u32, dst, "clk {}: destination register", ev.clk);
        assert_eq!(ev.dst_val as u64, dst_val, "clk {}: value written", ev.clk);
        row.dst_old = f(ev.dst_old as u64);
    }

    match class {
        Class::JumpImm => {
            let top = ev.next_pc >> 28;
            assert!(top < 8, "clk {}: j/jal above 2^31", ev.clk);
            for (i, b) in row.aux_bits.iter_mut().enumerate() {
                *b = f(((top >> i) & 1) as u64);
            }
            let low16 = ((ev.next_pc & 0x0FFF_FFFF) as u64) << 4;
            row.aux_lo = f(low16 & 0xFFFF);
            row.aux_hi = f(low16 >> 16);
        }
        Class::MulDiv => row.aux_bits[0] = fb(matches!(insn.op, Op::Mfhi | Op::Mflo)),
        _ => {}
    }
}

/// The CPU trace of a segment: one row per event (in execution order), then padding rows, at
/// least [`MIN_ROWS`] rows in all.
///
/// # Panics
/// If an event's word does not decode or is `break`, or an event is inconsistent with the
/// instruction's semantics (see `fill_row`'s assumptions).
pub fn generate_trace(events: &[CpuEvent]) -> Vec<PolynomialValues<F>> {
    let rows = events
        .iter()
        .map(|ev| {
            let mut row = vec![F::ZERO; NUM_COLUMNS];
            fill_row(CpuColumns::view_mut(&mut row), ev);
            row
        })
        .collect();
    trace_columns(rows, &[F::ZERO; NUM_COLUMNS], MIN_ROWS)
}

/// The public inputs (`zkmips_stark::ctl::cpu_public`) of a segment's events.
///
/// # Panics
/// If `events` is empty: an empty segment is not provable.
pub fn public_inputs(events: &[CpuEvent]) -> [F; cpu_public::COUNT] {
    let (first, last) = (events.first().expect("a segment has an instruction"), events.last().unwrap());
    let mut pi = [F::ZERO; cpu_public::COUNT];
    pi[cpu_public::CLK_START] = F::from_canonical_u64(first.clk);
    pi[cpu_public::PC_START] = F::from_canonical_u32(first.pc);
    pi[cpu_public::NEXT_PC_START] = F::from_canonical_u32(first.next_pc);
    pi[cpu_public::CLK_END] = F::from_canonical_u64(last.clk + 1);
    pi[cpu_public::PC_END] = F::from_canonical_u32(last.new_pc);
    pi[cpu_public::NEXT_PC_END] = F::from_canonical_u32(last.new_next_pc);
    pi
}
