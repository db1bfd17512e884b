//! Trace generation of the secp256k1 table, and the memory accesses it looks up.

use num::bigint::BigInt;
use num::{Integer, ToPrimitive, Zero};
use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use plonky2_maybe_rayon::*;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::MemAccess;
use zkmips_stark::testing::trace_columns;
use zkmips_stark::F;

use crate::air::{fe, fold, identities, signed, Integers, CARRY_OFFSET, LAST_BUFFER, Q_TOP_OFFSET};
use crate::columns::{CanonicalColumns, IdentityColumns, Secp256k1Columns, CARRIES, NUM_COLUMNS};
use crate::ctl::mem_lookups;
use crate::event::{Secp256k1Event, Secp256k1Op};
use crate::native::{self, limbs, modulus, Affine, LIMBS, P_LIMBS};

/// Smallest trace height.
pub const MIN_ROWS: usize = zkmips_stark::MIN_TRACE_ROWS;

/// The values of one row before its witnesses: what the call reads, the slope (or helper) it
/// computes, and what it writes (see the table in `columns.rs`). [`fill_row`] derives every
/// other column from these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowValues {
    pub clk: u64,
    pub op: Secp256k1Op,
    pub a0: u32,
    pub a1: u32,
    /// Words of `(x1, y1)`.
    pub p1: [u32; 16],
    /// Words of `(x2, y2)` (DECOMPRESS: x, then zeros; the parity witnesses are derived).
    pub p2: [u32; 16],
    /// `λ`, `κ` or `t`.
    pub lambda: [u32; 8],
    /// Words of `(x3, y3)`.
    pub p3: [u32; 16],
}

fn words8(w: &[u32]) -> [u32; 8] {
    w.try_into().expect("8 words")
}

fn point(x: [u32; 8], y: [u32; 8]) -> [u32; 16] {
    let mut out = [0u32; 16];
    out[..8].copy_from_slice(&x);
    out[8..].copy_from_slice(&y);
    out
}

impl RowValues {
    /// What the table proves for `ev`, or why it proves no row for it (the message names the
    /// call, its clock and arguments, and the case). The VM's result must equal the proven one.
    pub fn of(ev: &Secp256k1Event) -> Result<RowValues, String> {
        let fail = |problem: String| {
            Err(format!(
                "{} at clk {} with a0 = {:#010x}, a1 = {:#010x} is not proven: {problem}",
                ev.op.name(),
                ev.clk,
                ev.a0,
                ev.a1
            ))
        };
        if ev.a0 as u64 > LAST_BUFFER || (ev.op == Secp256k1Op::Add && ev.a1 as u64 > LAST_BUFFER) {
            return fail("a buffer wraps around the address space".into());
        }
        let (p1, p2, lambda, p3, result) = match ev.op {
            Secp256k1Op::Add => match native::add(&Affine::from_words(&ev.p), &Affine::from_words(&ev.q)) {
                Ok((lambda, r)) => (ev.p, ev.q, native::to_words(&lambda), r.to_words(), r.to_words()),
                Err(e) => return fail(e.to_string()),
            },
            Secp256k1Op::Double => match native::double(&Affine::from_words(&ev.p)) {
                Ok((kappa, r)) => (ev.p, [0; 16], native::to_words(&kappa), r.to_words(), r.to_words()),
                Err(e) => return fail(e.to_string()),
            },
            Secp256k1Op::Decompress => {
                let x = words8(&ev.p[8..]);
                match native::decompress(&native::from_words(&x), ev.a1 & 1 == 1) {
                    Ok((t, y)) => {
                        let y = native::to_words(&y);
                        (
                            point(words8(&ev.p[..8]), [0; 8]),
                            point(x, [0; 8]),
                            native::to_words(&t),
                            point(y, [0; 8]),
                            point(y, x),
                        )
                    }
                    Err(e) => return fail(e.to_string()),
                }
            }
        };
        if result != ev.result {
            return fail(format!("the VM wrote {:08x?}, the proven result is {result:08x?}", ev.result));
        }
        Ok(RowValues { clk: ev.clk, op: ev.op, a0: ev.a0, a1: ev.a1, p1, p2, lambda, p3 })
    }
}

fn f(v: u64) -> F {
    F::from_canonical_u64(v)
}

fn set_limbs(cells: &mut [F; LIMBS], words: &[u32]) {
    *cells = limbs(words).map(f);
}

/// Writes `v` (in `0..2^32`) into two 16-bit cells.
fn split(cells: &mut [F; 2], v: u64) {
    debug_assert!(v < 1 << 32);
    *cells = [f(v & 0xFFFF), f(v >> 16)];
}

/// `v + 2^16 * k`-style value in `0..2^32` as two cells; a value outside (only a lying row has
/// one) is written so that the cells still sum to it, with a limb out of range.
fn split_signed(cells: &mut [F; 2], v: i128) {
    if (0..1 << 32).contains(&v) {
        split(cells, v as u64);
    } else {
        let lo = v.rem_euclid(1 << 16);
        cells[0] = f(lo as u64);
        cells[1] = fe(((v - lo) >> 16) as i64);
    }
}

/// The witness of one identity for its folded coefficients `f_poly`: `q` and the carries. For
/// a congruence that does not hold (a lying row) this is the best a liar can do: `q` rounds
/// down and the last equation fails.
fn identity_witness(w: &mut IdentityColumns<F>, f_poly: &[i128], offset: u64) {
    let value = f_poly.iter().rev().fold(BigInt::zero(), |acc, &c| (acc << 16u32) + BigInt::from(c));
    let q = value.div_floor(&BigInt::from(modulus()));
    let q = q.to_i64().expect("|q| < 2^47 for 16-bit limbs");
    let q_parts = [q.rem_euclid(1 << 16), (q >> 16).rem_euclid(1 << 16), q >> 32];
    w.q = [f(q_parts[0] as u64), f(q_parts[1] as u64), fe(q_parts[2] + Q_TOP_OFFSET as i64)];
    let qp = |k: usize| -> i128 {
        (0..3).filter(|&a| k >= a && k - a < LIMBS).map(|a| q_parts[a] as i128 * P_LIMBS[k - a] as i128).sum()
    };
    let mut carry = 0i128;
    for (k, &fk) in f_poly.iter().enumerate().take(CARRIES) {
        let num = carry - (fk - qp(k));
        carry = num.div_euclid(1 << 16);
        let mut cells = [F::ZERO; 2];
        split_signed(&mut cells, carry + offset as i128);
        w.carry_lo[k] = cells[0];
        w.carry_hi[k] = cells[1];
    }
}

/// The proof that the value with limbs `v` is below p. For a value that is not (a lying row),
/// the branch a liar would pick: `low` when word 0 allows it (then only `low`'s test of word 1
/// fails), else `low` with no slack.
fn canonical_witness(w: &mut CanonicalColumns<F>, v: &[u64; LIMBS]) {
    let t: u64 = v[4..].iter().map(|&l| 0xFFFF - l).sum();
    let w0 = v[0] + (v[1] << 16);
    let w1 = v[2] + (v[3] << 16);
    if t != 0 {
        w.top = F::ONE;
        w.inv = f(t).inverse();
    } else if w1 <= 0xFFFF_FFFD {
        split(&mut w.room, 0xFFFF_FFFD - w1);
    } else {
        w.low = F::ONE;
        if w0 <= 0xFFFF_FC2E {
            split(&mut w.room, 0xFFFF_FC2E - w0);
        }
    }
}

/// The columns of `v`'s row that the lookups read: flags, clock, addresses and value limbs (the
/// identities' and comparisons' witnesses stay zero).
fn value_row(v: &RowValues) -> Vec<F> {
    let mut row = vec![F::ZERO; NUM_COLUMNS];
    let r = Secp256k1Columns::view_mut(&mut row);
    r.clk = f(v.clk);
    match v.op {
        Secp256k1Op::Add => r.is_add = F::ONE,
        Secp256k1Op::Double => r.is_double = F::ONE,
        Secp256k1Op::Decompress => r.is_decompress = F::ONE,
    }
    r.a0 = f(v.a0 as u64);
    r.a1 = f(v.a1 as u64);
    r.q_addr = match v.op {
        Secp256k1Op::Add => f(v.a1 as u64),
        Secp256k1Op::Double => F::ZERO,
        Secp256k1Op::Decompress => f(v.a0 as u64 + 32),
    };
    set_limbs(&mut r.x1, &v.p1[..8]);
    set_limbs(&mut r.y1, &v.p1[8..]);
    set_limbs(&mut r.x2, &v.p2[..8]);
    set_limbs(&mut r.y2, &v.p2[8..]);
    set_limbs(&mut r.lambda, &v.lambda);
    set_limbs(&mut r.x3, &v.p3[..8]);
    set_limbs(&mut r.y3, &v.p3[8..]);

    if v.op == Secp256k1Op::Decompress {
        // a1 = bit + 2 g and y's low limb = bit + 2 h (air.rs, parity).
        let g = (v.a1 >> 1) as u64;
        r.y2 = [F::ZERO; LIMBS];
        r.y2[0] = f(g & 0xFFFF);
        r.y2[1] = f(g >> 16);
        r.y2[2] = f((v.p3[0] & 0xFFFF) as u64 >> 1);
    }
    row
}

/// A whole row for `v`: the values and every witness derived from them. It does not check
/// that `v` is a true call (see [`RowValues::of`]): given values that break a congruence it
/// fills the witnesses a liar would, so tests can show which constraint rejects the lie.
pub fn fill_row(v: &RowValues) -> Vec<F> {
    let mut row = value_row(v);
    let r = Secp256k1Columns::view_mut(&mut row);
    if v.op == Secp256k1Op::Add {
        // The first word where the x coordinates differ (none: x1 = x2, a lie).
        if let Some(j) = (0..8).find(|&j| v.p1[j] != v.p2[j]) {
            r.distinct[j] = (f(v.p2[j] as u64) - f(v.p1[j] as u64)).inverse();
        }
        split_signed(&mut r.q_room, LAST_BUFFER as i128 - v.a1 as i128);
    }
    split_signed(&mut r.a0_room, LAST_BUFFER as i128 - v.a0 as i128);
    canonical_witness(&mut r.canonical[0], &limbs(&v.p3[..8]));
    canonical_witness(&mut r.canonical[1], &limbs(&v.p3[8..]));

    // The identities' polynomials, evaluated on the integers.
    let ints: Vec<i128> = row.iter().map(|&x| signed(x)).collect();
    let l = Secp256k1Columns::view(&ints);
    let e = identities(&mut Integers, l);
    let r = Secp256k1Columns::view_mut(&mut row);
    for (i, e) in e.iter().enumerate() {
        let folded = fold(&mut Integers, e);
        identity_witness(&mut r.identity[i], &folded, CARRY_OFFSET[i]);
    }
    row
}

/// What the table proves for each event, in order.
///
/// # Panics
/// On a call the table does not prove (see [`RowValues::of`]).
fn all_values(events: &[Secp256k1Event]) -> Vec<RowValues> {
    events
        .par_iter()
        .map(|ev| match RowValues::of(ev) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        })
        .collect()
}

/// The trace of a segment's secp256k1 calls: one row per event, then all-zero padding rows to
/// a power-of-two height (at least [`MIN_ROWS`]).
///
/// # Panics
/// On a call the table does not prove, naming it, its arguments and the case: ADD with
/// `x1 = x2` (a doubling or the point at infinity), DOUBLE with `y = 0`, DECOMPRESS of an x
/// off the curve, a non-canonical input coordinate, a buffer that wraps past 2^32; or if the
/// VM's result differs from the proven one.
pub fn generate_trace(events: &[Secp256k1Event]) -> Vec<PolynomialValues<F>> {
    let rows = all_values(events).par_iter().map(fill_row).collect();
    trace_columns(rows, &[F::ZERO; NUM_COLUMNS], MIN_ROWS)
}

/// The memory accesses of the row of `v` (its `MEM` tuples, see [`crate::ctl_mem`]).
pub fn accesses(v: &RowValues) -> Vec<MemAccess> {
    let row = value_row(v);
    mem_lookups()
        .iter()
        .filter(|l| l.filter.eval(&row) == F::ONE)
        .map(|l| {
            let [addr, ts, before, after] = l.tuple.each_ref().map(|x| x.eval(&row).to_canonical_u64());
            MemAccess { addr, ts, before: before as u32, after: after as u32 }
        })
        .collect()
}

/// The memory accesses the table looks up for these events, in row order: what the prover must
/// hand the memory table for them.
///
/// # Panics
/// As [`generate_trace`].
pub fn mem_accesses(events: &[Secp256k1Event]) -> Vec<MemAccess> {
    all_values(events).iter().flat_map(accesses).collect()
}
