//! Honest traces satisfy the constraints and the lookups; lying traces do not.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use common::*;
use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use zkmips_isa::Op;
use zkmips_stark::ctl::Table;
use zkmips_stark::events::MulDivEvent;
use zkmips_stark::lookup::debug_utils::check_ctls;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::lookup::{CrossTableLookup, TableWithColumns};
use zkmips_stark::testing::check_constraints;
use zkmips_stark::F;
use zkmips_table_muldiv::{
    col_map, ctl_looked, ctl_mem, evaluate, generate_trace, mem_accesses, range_checked_columns, MulDivStark,
};

fn f(v: u64) -> F {
    F::from_canonical_u64(v)
}

fn holds(trace: &[PolynomialValues<F>]) -> bool {
    check_constraints(&MulDivStark, trace, &[]).is_ok()
}

/// A trace of one event (row 0) and padding.
fn one(op: Op, a: u32, b: u32, hi: u32, lo: u32) -> Vec<PolynomialValues<F>> {
    let trace = generate_trace(&[event(3, op, a, b, hi, lo)]);
    assert!(holds(&trace));
    trace
}

#[test]
fn every_operation_on_edge_and_random_values() {
    let evs = edge_and_random_events(2, 1000);
    assert!(evs.len() <= 1 << 12);
    let trace = generate_trace(&evs);
    assert!(trace[0].len().is_power_of_two());
    check_constraints(&MulDivStark, &trace, &[]).unwrap();
    for &c in &range_checked_columns() {
        assert!(trace[c].values.iter().all(|v| v.to_canonical_u64() < 1 << 16), "column {c}");
    }
}

#[test]
fn empty_trace_is_padding_only() {
    let trace = generate_trace(&[]);
    assert_eq!(trace[0].len(), 8);
    check_constraints(&MulDivStark, &trace, &[]).unwrap();
}

/// Mock CPU and memory tables holding exactly what they would send and prove, and the range
/// lookup columns: the lookups of this table must match them as multisets.
fn check_lookups(evs: &[MulDivEvent], trace: Vec<PolynomialValues<F>>) {
    let cols = |rows: Vec<Vec<F>>, width: usize| -> Vec<PolynomialValues<F>> {
        let n = rows.len().max(1).next_power_of_two();
        (0..width)
            .map(|c| PolynomialValues::new((0..n).map(|r| rows.get(r).map_or(F::ZERO, |row| row[c])).collect()))
            .collect()
    };
    // CPU: [clk, opcode, funct, a, b, out, wen, filter].
    let cpu_rows = evs
        .iter()
        .map(|ev| {
            let res = evaluate(ev.word, ev.a, ev.b, ev.hi, ev.lo).unwrap();
            [ev.clk, (ev.word >> 26) as u64, (ev.word & 63) as u64, ev.a as u64, ev.b as u64]
                .into_iter()
                .chain([res.out as u64, res.wen as u64, 1])
                .map(f)
                .collect()
        })
        .collect();
    // Memory: [addr, ts, before, after, filter].
    let mem_rows = evs
        .iter()
        .flat_map(mem_accesses)
        .map(|m| [m.addr, m.ts, m.before as u64, m.after as u64, 1].map(f).to_vec())
        .collect();
    let mut traces = vec![vec![]; 5];
    traces[Table::Cpu.index()] = cols(cpu_rows, 8);
    traces[Table::Memory.index()] = cols(mem_rows, 5);
    traces[Table::Range.index()] = cols(vec![], 1);
    traces[Table::Alu.index()] = cols(vec![], 1);
    traces[Table::MulDiv.index()] = trace;
    let cpu = TableWithColumns::new(
        Table::Cpu.index(),
        Column::singles(0..7).collect(),
        Filter::new_simple(Column::single(7)),
    );
    let mem = TableWithColumns::new(
        Table::Memory.index(),
        Column::singles(0..4).collect(),
        Filter::new_simple(Column::single(4)),
    );
    let ctls = [CrossTableLookup::new(vec![cpu], ctl_looked()), CrossTableLookup::new(ctl_mem(), mem)];
    check_ctls(&traces, &ctls, &Default::default());
}

#[test]
fn lookups_match_cpu_tuples_and_memory_accesses() {
    let evs = edge_and_random_events(3, 300);
    check_lookups(&evs, generate_trace(&evs));
}

// ---- Lying traces -------------------------------------------------------------------------

#[test]
fn wrong_product_limb_is_rejected() {
    let c = col_map();
    for (op, a, b) in [(Op::Mult, 0xFFFF_FFF9, 3), (Op::Multu, 0x1234_5678, 0x9ABC_DEF0), (Op::Mul, 7, 9)] {
        for limb in [c.new_lo[0], c.new_lo[1], c.new_hi[0], c.new_hi[1]] {
            let mut t = one(op, a, b, 1, 2);
            let v = get(&t, 0, limb);
            set(&mut t, 0, limb, (v + 1) & 0xFFFF);
            assert!(!holds(&t), "{op:?} limb {limb}");
        }
    }
    // A product low word off by 2^32 cannot hide in the carry either.
    let mut t = one(Op::Multu, 0xFFFF_FFFF, 0xFFFF_FFFF, 0, 0);
    let k = get(&t, 0, c.carry_lo[0]);
    set(&mut t, 0, c.carry_lo[0], k + 1);
    assert!(!holds(&t));
}

#[test]
fn wrong_madd_and_msub_results_are_rejected() {
    let c = col_map();
    for op in [Op::Madd, Op::Maddu, Op::Msub, Op::Msubu] {
        let mut t = one(op, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF);
        let v = get(&t, 0, c.new_hi[1]);
        set(&mut t, 0, c.new_hi[1], v ^ 1);
        assert!(!holds(&t), "{op:?}");
        // The old value enters the identity: a different old hi gives a different result.
        let mut t = one(op, 3, 5, 10, 20);
        set(&mut t, 0, c.hi, 11);
        assert!(!holds(&t), "{op:?}");
    }
}

/// A division row with chosen quotient and remainder (and the carries, signs and remainder gap
/// a cheating prover would choose to go with them, where they exist).
fn lie_div(op: Op, a: u32, b: u32, q: u32, r: u32, r_neg: bool) -> Vec<PolynomialValues<F>> {
    let c = col_map();
    let mut t = one(op, a, b, 0, 0);
    set_word(&mut t, 0, c.new_lo, q);
    set_word(&mut t, 0, c.new_hi, r);
    set(&mut t, 0, c.r_neg, r_neg as u64);
    set(&mut t, 0, c.x_neg, (op == Op::Div && (q as i32) < 0) as u64);
    // Carries of the (integer-valid) identity a = q b + r, where it holds.
    set(&mut t, 0, c.carry_lo[0], 0);
    set(&mut t, 0, c.carry_lo[1], 0);
    set(&mut t, 0, c.carry_hi, 0);
    t
}

#[test]
fn wrong_quotient_or_remainder_is_rejected() {
    // 7 / 2 = 3 rem 1; the lie 2 rem 3 satisfies 7 = 2 * 2 + 3 but not r < b.
    assert!(holds(&lie_div(Op::Divu, 7, 2, 3, 1, false)), "the honest values with zero carries");
    assert!(!holds(&lie_div(Op::Divu, 7, 2, 2, 3, false)));
    assert!(!holds(&lie_div(Op::Div, 7, 2, 2, 3, false)));
    // r = b.
    assert!(!holds(&lie_div(Op::Divu, 8, 2, 3, 2, false)));
    // -7 / 2: floor division (-4 rem 1) instead of truncation (-3 rem -1), with either sign bit.
    let m7 = (-7i32) as u32;
    assert!(!holds(&lie_div(Op::Div, m7, 2, (-4i32) as u32, 1, false)));
    assert!(!holds(&lie_div(Op::Div, m7, 2, (-4i32) as u32, 1, true)));
    // 7 / -2 with a negative remainder (-4 rem -1).
    assert!(!holds(&lie_div(Op::Div, 7, (-2i32) as u32, (-4i32) as u32, u32::MAX, true)));
    // The gap the lie needs, |b| - |r| - 1 = -2, is p - 2 in the field: no pair of 16-bit limbs.
    assert!((-F::TWO).to_canonical_u64() >= 1 << 32);
}

#[test]
fn wrong_division_by_zero_result_is_rejected() {
    let c = col_map();
    for (op, a) in [(Op::Div, 5), (Op::Div, (-5i32) as u32), (Op::Divu, 5)] {
        let t = one(op, a, 0, 0, 0);
        for (limbs, v) in [(c.new_lo, 0), (c.new_lo, 2), (c.new_hi, a.wrapping_add(1))] {
            let mut t = t.clone();
            set_word(&mut t, 0, limbs, v);
            assert!(!holds(&t), "{op:?} {a}");
        }
        // Claiming b != 0 (b_zero = 0) cannot work around the special case.
        let mut t = t.clone();
        set(&mut t, 0, c.b_zero, 0);
        assert!(!holds(&t));
    }
    // b_zero = 1 with b != 0.
    let mut t = one(Op::Divu, 5, 3, 0, 0);
    set(&mut t, 0, c.b_zero, 1);
    assert!(!holds(&t));
}

#[test]
fn wrong_hi_or_lo_write_is_rejected() {
    let c = col_map();
    let mut t = one(Op::Mthi, 0x1234_5678, 0, 1, 2);
    set_word(&mut t, 0, c.new_hi, 0x1234_5679);
    assert!(!holds(&t));
    let mut t = one(Op::Mtlo, 0x1234_5678, 0, 1, 2);
    set_word(&mut t, 0, c.new_lo, 2);
    assert!(!holds(&t));
    let mut t = one(Op::Mult, 0x8000_0000, 2, 1, 2);
    set_word(&mut t, 0, c.new_hi, 0);
    assert!(!holds(&t));
    // mfhi returning something else than hi.
    let mut t = one(Op::Mfhi, 0, 0, 77, 88);
    set(&mut t, 0, c.out, 88);
    assert!(!holds(&t));
    // A non-writing operation with out != 0.
    let mut t = one(Op::Mult, 3, 5, 0, 0);
    set(&mut t, 0, c.out, 15);
    assert!(!holds(&t));
}

#[test]
fn wrong_sign_bits_are_rejected() {
    let c = col_map();
    // mult with a negative operand, its sign bit cleared (and the aux adjusted both ways).
    for (neg, aux, limbs) in [(c.a_neg, c.a_sign_aux, c.a_limbs), (c.b_neg, c.b_sign_aux, c.b_limbs)] {
        let mut t = one(Op::Mult, 0xFFFF_FFF9, 0xFFFF_FFFD, 0, 0);
        set(&mut t, 0, neg, 0);
        assert!(!holds(&t));
        let hi_limb = get(&t, 0, limbs[1]);
        set(&mut t, 0, aux, 2 * hi_limb);
        assert!(!holds(&t));
    }
    // An unsigned operation with a sign bit set.
    let mut t = one(Op::Multu, 0xFFFF_FFF9, 3, 0, 0);
    set(&mut t, 0, c.a_neg, 1);
    assert!(!holds(&t));
}

#[test]
fn op_flag_not_matching_funct_is_rejected() {
    let c = col_map();
    // multu -> mult on a negative operand: the row no longer satisfies the constraints.
    let mut t = one(Op::Multu, 0xFFFF_FFFF, 2, 0, 0);
    set(&mut t, 0, c.ops.multu, 0);
    set(&mut t, 0, c.ops.mult, 1);
    assert!(!holds(&t));
    // Two flags, or a flag of 2.
    let mut t = one(Op::Multu, 3, 2, 0, 0);
    set(&mut t, 0, c.ops.mult, 1);
    assert!(!holds(&t));
    let mut t = one(Op::Mfhi, 0, 0, 3, 2);
    set(&mut t, 0, c.ops.mfhi, 2);
    assert!(!holds(&t));
    // multu -> mult on positive operands is a valid mult row: only the MULDIV lookup, which
    // matches the set flag's funct against the CPU's, rejects it.
    let ev = event(3, Op::Multu, 3, 2, 0, 0);
    let mut t = generate_trace(&[ev]);
    set(&mut t, 0, c.ops.multu, 0);
    set(&mut t, 0, c.ops.mult, 1);
    assert!(holds(&t));
    let caught = catch_unwind(AssertUnwindSafe(|| check_lookups(&[ev], t))).is_err();
    assert!(caught, "the MULDIV lookup must reject a flag that does not match funct");
}

#[test]
fn a_row_without_a_matching_memory_access_is_caught_by_the_lookup() {
    // The old hi of a mult is only pinned by the memory lookup (its write's `before`).
    let ev = event(3, Op::Mult, 3, 2, 10, 20);
    let mut t = generate_trace(&[ev]);
    set(&mut t, 0, col_map().hi, 11);
    assert!(holds(&t));
    assert!(catch_unwind(AssertUnwindSafe(|| check_lookups(&[ev], t))).is_err());
}
