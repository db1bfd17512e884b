//! Trace generation: one row per [`MulDivEvent`], padded with all-zero rows (no flag set, so
//! every lookup filters them out; the all-zero row satisfies every constraint).

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_isa::{decode, Op};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::MulDivEvent;
use zkmips_stark::F;

use crate::columns::{MulDivColumns, OpFlags, NUM_COLUMNS, NUM_OPS};
use crate::ops::{evaluate_op, is_signed, op_index};

/// Smallest trace height.
pub const MIN_ROWS: usize = 8;

/// The trace of `events` (any order), as columns of a power-of-two height >= [`MIN_ROWS`].
///
/// # Panics
/// If an event's word is not an instruction of this table (the prover routes only those here).
pub fn generate_trace(events: &[MulDivEvent]) -> Vec<PolynomialValues<F>> {
    let n = events.len().max(MIN_ROWS).next_power_of_two();
    let mut columns = vec![vec![F::ZERO; n]; NUM_COLUMNS];
    for (i, ev) in events.iter().enumerate() {
        let mut row = [0u64; NUM_COLUMNS];
        fill_row(ev, MulDivColumns::view_mut(&mut row));
        for (col, v) in columns.iter_mut().zip(row) {
            col[i] = F::from_canonical_u64(v);
        }
    }
    columns.into_iter().map(PolynomialValues::new).collect()
}

fn limbs(v: u32) -> [u64; 2] {
    [v as u64 & 0xFFFF, v as u64 >> 16]
}

/// The row of one event, as integers; `r` starts all zero.
fn fill_row(ev: &MulDivEvent, r: &mut MulDivColumns<u64>) {
    let op = decode(ev.word).ok().map(|i| i.op).filter(|&op| op_index(op).is_some());
    let op = op.unwrap_or_else(|| panic!("word {:#010x} is not a MulDiv instruction", ev.word));
    let res = evaluate_op(op, ev.a, ev.b, ev.hi, ev.lo);
    let (a, b) = (ev.a, ev.b);
    let signed = is_signed(op);
    let is_div = matches!(op, Op::Div | Op::Divu);
    let is_mul = matches!(op, Op::Mult | Op::Multu | Op::Mul | Op::Madd | Op::Maddu | Op::Msub | Op::Msubu);

    r.clk = ev.clk;
    r.hi = ev.hi as u64;
    r.lo = ev.lo as u64;
    let mut flags = [0u64; NUM_OPS];
    flags[op_index(op).expect("checked above")] = 1;
    r.ops = OpFlags::from_array(flags);
    r.out = if res.wen { res.out as u64 } else { 0 };
    r.a_limbs = limbs(a);
    r.b_limbs = limbs(b);

    // hi:lo after; for `mul` (which keeps hi/lo) the full 64-bit product instead.
    let (new_hi, new_lo) = match op {
        Op::Mul => {
            let p = (a as i32 as i64 * b as i32 as i64) as u64;
            ((p >> 32) as u32, p as u32)
        }
        _ => (res.hi, res.lo),
    };
    r.new_hi = limbs(new_hi);
    r.new_lo = limbs(new_lo);

    let a_neg = signed && (a as i32) < 0;
    let b_neg = signed && (b as i32) < 0;
    r.a_neg = a_neg as u64;
    r.b_neg = b_neg as u64;
    if signed {
        r.a_sign_aux = 2 * r.a_limbs[1] - ((a_neg as u64) << 16);
        r.b_sign_aux = 2 * r.b_limbs[1] - ((b_neg as u64) << 16);
    }
    // Sign of the multiplier: the quotient's for `div` (+2^31 for i32::MIN / -1, whose quotient
    // word 0x80000000 is then read as unsigned), else a's.
    let x_neg = match op {
        Op::Div if b != 0 => ((a as i32 as i64) / (b as i32 as i64)) < 0,
        Op::Div => false,
        _ => a_neg,
    };
    r.x_neg = x_neg as u64;
    let r_neg = a_neg && (!is_div || new_hi != 0);
    r.r_neg = r_neg as u64;
    r.b_zero = (b == 0) as u64;

    // The product identity `C + x * y = S (mod 2^64)` (see air.rs), split at bit 32.
    let x: u64 = if is_mul {
        a as u64
    } else if is_div {
        new_lo as u64
    } else {
        0
    };
    let (x0, x1) = (x & 0xFFFF, x >> 16);
    let (b0, b1) = (r.b_limbs[0], r.b_limbs[1]);
    let (hi, lo) = (ev.hi as u64, ev.lo as u64);
    let (nh, nl) = (new_hi as u64, new_lo as u64);
    let m32 = u32::MAX as u64;
    let (c_lo, c_hi, s_lo, s_hi) = match op {
        Op::Mult | Op::Multu | Op::Mul => (0, 0, nl, nh),
        Op::Madd | Op::Maddu => (lo, hi, nl, nh),
        Op::Msub | Op::Msubu => (nl, nh, lo, hi),
        Op::Div | Op::Divu => (nh, m32 * r_neg as u64, a as u64, m32 * a_neg as u64),
        _ => (0, 0, 0, 0),
    };
    let t32 = 1u128 << 32;
    let lhs_lo = (x0 * b0) as u128 + ((x0 * b1 + x1 * b0) as u128) * (1 << 16) + c_lo as u128;
    let k_lo = (lhs_lo - s_lo as u128) / t32;
    assert_eq!(k_lo * t32 + s_lo as u128, lhs_lo, "low product word");
    let lhs_hi =
        (x1 * b1) as u128 + x_neg as u128 * (t32 - b as u128) + b_neg as u128 * (t32 - x as u128) + k_lo + c_hi as u128;
    let k_hi = (lhs_hi - s_hi as u128) / t32;
    assert_eq!(k_hi * t32 + s_hi as u128, lhs_hi, "high product word");
    assert!(k_lo < 3 << 16 && k_hi < 1 << 16, "carries in range");
    r.carry_lo = [k_lo as u64 & 0xFFFF, k_lo as u64 >> 16];
    r.carry_hi = k_hi as u64;

    if is_div {
        let abs_b = if b_neg { (1u64 << 32) - b as u64 } else { b as u64 };
        let abs_r = if r_neg { (1u64 << 32) - nh } else { nh };
        let gap = abs_b + (((b == 0) as u64) << 32) - abs_r - 1;
        assert!(gap < 1 << 32, "remainder below divisor");
        r.rem_gap = [gap & 0xFFFF, gap >> 16];
    }
}
