//! Trace generation: one row per load or store, padded with all-zero no-op rows.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::LsuEvent;
use zkmips_stark::F;

use crate::columns::{LsuColumns, WordColumns, NUM_COLUMNS};
use crate::ops::{evaluate, simm, LsuOp};

/// Fewest rows of a trace.
pub const MIN_ROWS: usize = 16;

fn f(x: u64) -> F {
    F::from_canonical_u64(x)
}

fn word_columns(v: u32) -> WordColumns<F> {
    let (lo, hi) = (v & 0xFFFF, v >> 16);
    WordColumns {
        lo: f(lo as u64),
        hi: f(hi as u64),
        b1: f((lo >> 8) as u64),
        b0_x256: f(((lo & 0xFF) << 8) as u64),
        b3: f((hi >> 8) as u64),
        b2_x256: f(((hi & 0xFF) << 8) as u64),
    }
}

/// The padding row: no operation, a zero immediate (biased: `2^15`), everything else 0.
pub fn padding_row() -> LsuColumns<F> {
    LsuColumns { imm_biased: f(1 << 15), ..zero_row() }
}

fn zero_row() -> LsuColumns<F> {
    LsuColumns {
        clk: F::ZERO,
        op: [F::ZERO; crate::ops::NUM_OPS],
        imm_biased: F::ZERO,
        imm_sign: F::ZERO,
        base: F::ZERO,
        carry: F::ZERO,
        ea_lo: F::ZERO,
        ea_hi: F::ZERO,
        ea_q: F::ZERO,
        off: [F::ZERO; 3],
        mem: word_columns(0),
        rt: word_columns(0),
        neg: F::ZERO,
        sign_check: F::ZERO,
        out: F::ZERO,
        after: F::ZERO,
    }
}

/// The row of one event, or `None` if its word is not a load or store or its effective address
/// is unaligned (such an instruction never completes in the VM).
pub fn row(ev: &LsuEvent) -> Option<LsuColumns<F>> {
    let res = evaluate(ev.word, ev.base, ev.rt_val, ev.mem_before)?;
    let op = LsuOp::from_word(ev.word)?;
    let s = simm(ev.word);
    let imm16 = ev.word & 0xFFFF;
    let ea = ev.base.wrapping_add(s);
    // base + sext(imm) as an integer, minus ea: a multiple of 2^32.
    let wide = ev.base as i64 + s as i32 as i64;
    let carry = F::from_noncanonical_i64((wide - ea as i64) >> 32);
    let o = (ea & 3) as usize;
    let mut r = zero_row();
    r.clk = f(ev.clk);
    r.op[op.index()] = F::ONE;
    r.imm_biased = f((imm16 ^ 0x8000) as u64);
    r.imm_sign = f((imm16 >> 15) as u64);
    r.base = f(ev.base as u64);
    r.carry = carry;
    r.ea_lo = f((ea & 0xFFFF) as u64);
    r.ea_hi = f((ea >> 16) as u64);
    r.ea_q = f(((ea & 0xFFFF) >> 2) as u64);
    if o > 0 {
        r.off[o - 1] = F::ONE;
    }
    r.mem = word_columns(ev.mem_before);
    r.rt = word_columns(ev.rt_val);
    let w = ev.mem_before;
    let (neg, check) = match op {
        LsuOp::Lb | LsuOp::Lbu => {
            let byte = (w >> (8 * o)) & 0xFF;
            (byte >> 7, 512 * (byte & 0x7F))
        }
        LsuOp::Lh | LsuOp::Lhu => {
            let half = (w >> (8 * o)) & 0xFFFF;
            (half >> 15, 2 * (half & 0x7FFF))
        }
        _ => (0, 0),
    };
    r.neg = f(neg as u64);
    r.sign_check = f(check as u64);
    r.out = f(res.out as u64);
    r.after = f(res.mem_after as u64);
    Some(r)
}

/// The trace of a segment's loads and stores, in event order, padded to a power of two (at
/// least [`MIN_ROWS`]).
///
/// # Panics
/// If an event is not a load or store with an aligned effective address (the VM never
/// records one).
pub fn generate_trace(events: &[LsuEvent]) -> Vec<PolynomialValues<F>> {
    let n = events.len().max(MIN_ROWS).next_power_of_two();
    let mut cols = vec![vec![F::ZERO; n]; NUM_COLUMNS];
    let pad = padding_row();
    let mut flat = vec![F::ZERO; NUM_COLUMNS];
    for i in 0..n {
        let r = match events.get(i) {
            Some(ev) => row(ev).unwrap_or_else(|| panic!("not a valid load or store: {ev:?}")),
            None => pad,
        };
        *LsuColumns::view_mut(&mut flat) = r;
        for (col, &v) in cols.iter_mut().zip(&flat) {
            col[i] = v;
        }
    }
    cols.into_iter().map(PolynomialValues::new).collect()
}
