//! Constraints of the secp256k1 table, written once against [`Algebra`] (native, recursive, and
//! the integer evaluation trace generation uses to find the witnesses).
//!
//! **Limb identities.** A value `v < 2^256` is the limb polynomial `v(X) = sum v_i X^i`
//! (16 limbs in `0..2^16`, range-checked) at `X = 2^16`. A congruence `E ≡ 0 (mod p)`, with `E`
//! a polynomial of degree 2 in the values, becomes the limb polynomial `E(X)` of degree 30
//! (products of limb polynomials, gated by the call flag: degree 3). Since
//! `2^256 ≡ 2^32 + 977`, its top coefficients fold down: `F(X) = E_lo(X) + (X^2 + 977) E_hi(X)`
//! with `E = E_lo + X^16 E_hi` has degree 16 and `F(2^16) ≡ E(2^16)`. The row proves
//! `F(2^16) = q p` over the integers for a small signed `q` with the carries `c_0..c_15`:
//!
//! `F_k - (q·p)_k = c_{k-1} - 2^16 c_k` for `k = 0..=16`, with `c_{-1} = 0` and
//! `c_16 = -(q·p)_17 = -q_2 p_15`,
//!
//! where `q(X) = q_0 + q_1 X + q_2 X^2` (`q_0, q_1` in `0..2^16`, `q_2` in `-2^15..2^15`) and
//! `p(X)` is p's limb polynomial. Each `c_k = lo + 2^16 hi - OFFSET` lies in
//! `[-OFFSET, 2^32 - OFFSET)` by the range checks. **Soundness**: every term of each equation is
//! an integer far below the Goldilocks modulus in absolute value (`|F_k| < 2^48`,
//! `|(q·p)_k| < 2^34`, `|c| < 2^32`, `2^16 |c| < 2^48`), so each equation holds over the
//! integers; summed with weights `2^(16k)` they telescope to `F(2^16) - q p = 0`, hence
//! `E ≡ 0 (mod p)`. **Completeness**: the honest carries fit their range for every
//! canonical input (a test bounds them by interval arithmetic over all limb values).
//!
//! The identities per call (`λ`, `κ`, `t` are the `lambda` columns; see `columns.rs`):
//!
//! | identity | ADD | DOUBLE (`κ = 2λ`) | DECOMPRESS |
//! |---|---|---|---|
//! | 0 | `λ (x2 - x1) - (y2 - y1)` | `κ y1 - 3 x1²` | `x2² - t` |
//! | 1 | `λ² - x1 - x2 - x3` | `κ² - 8 x1 - 4 x3` | `x3² - t x2 - 7` |
//! | 2 | `λ (x1 - x3) - y1 - y3` | `κ (x1 - x3) - 2 y1 - 2 y3` | none |
//!
//! ADD: with `x1 ≠ x2 (mod p)` identity 0 fixes `λ`, then 1 and 2 fix `x3`, `y3` mod p; both are
//! proven below p (**canonical**), so the written words are the VM's. `x1 ≠ x2` is proven by
//! **distinct**: `sum_j s_j (x2_j - x1_j) = 1` over the words of x, impossible when all words
//! are equal; for canonical inputs, equal words and equal residues are the same. DOUBLE: `κ`,
//! twice the tangent slope, is fixed by identity 0 for `y ≠ 0`; 1 and 2 are the doubling
//! formulas multiplied by 4 and 2 (`κ` keeps identity 0's coefficients small enough for the
//! carries). DECOMPRESS: `y² ≡ x³ + 7` through `t ≡ x²`; y canonical and of the requested
//! parity is the unique such root.
//!
//! **Canonical** (`v < p`, `p = 2^256 - 2^32 - 977`): exactly one of three branches holds on a
//! call row: `top`: limbs 4..16 are not all `0xFFFF` (their distance sum `T` has an inverse);
//! `mid` (`= is_real - top - low`): word 1 is at most `0xFFFFFFFD`; `low`: word 1 is
//! `0xFFFFFFFE` and word 0 at most `0xFFFFFC2E`. Each implies `v < p`. The comparisons are
//! `bound - word = room` with `room` two range-checked limbs: a negative difference would be a
//! field element near the modulus, which two limbs cannot reach.
//!
//! **Parity** (DECOMPRESS): `bit = x3_0 - 2 y2_2` is boolean and `a1 = bit + 2 (y2_0 + 2^16
//! y2_1)`; all terms are small, so `bit` is both y's parity and `a1 & 1`.
//!
//! **Addresses**: `a0 + 60 < 2^32` and, for ADD, `q_addr + 60 < 2^32` (`2^32 - 64 - addr` is two
//! range-checked limbs), so no access wraps into the register page. `q_addr` is `a1` (ADD) or
//! `a0 + 32` (DECOMPRESS). Alignment needs no constraint: unaligned words do not exist in the
//! memory image, so the memory table's `MEM_INIT` lookup rejects them.
//!
//! Inputs are not proven to lie on the curve or below p: the VM stops on such inputs, and the
//! guest passes points it got from DECOMPRESS, constants and earlier results (see the crate doc).

use core::marker::PhantomData;

use plonky2::field::extension::{Extendable, FieldExtension};
use plonky2::field::packed::PackedField;
use plonky2::field::types::{Field, Field64, PrimeField64};
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::algebra::{Algebra, Circuit, Packed};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::F as ZkF;

use crate::columns::{CanonicalColumns, IdentityColumns, Secp256k1Columns, CARRIES, IDENTITIES, NUM_COLUMNS};
use crate::native::{FOLD, LIMBS, P_LIMBS};

/// Bias of the carries of each identity: `c + OFFSET` is two 16-bit limbs. Identity 0 of
/// DOUBLE (`κ y - 3 x²`) is the most negative, so identity 0's carries reach furthest up.
pub const CARRY_OFFSET: [u64; IDENTITIES] = [1 << 30, 1 << 31, 1 << 31];

/// Bias of the top limb of `q`.
pub const Q_TOP_OFFSET: u64 = 1 << 15;

/// Largest address of a 16-word buffer that stays below 2^32.
pub const LAST_BUFFER: u64 = (1 << 32) - 64;

/// Largest limb.
const M: i64 = 0xFFFF;

/// Coefficients of a product of two limb polynomials.
pub const PRODUCT: usize = 2 * LIMBS - 1;

/// Coefficients of a folded identity.
pub const FOLDED: usize = LIMBS + 1;

/// A group of constraints, to say which one a trace breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Check {
    /// The call flags are boolean and at most one is set.
    Flags,
    /// Limb identity 0, 1 or 2 (see the module doc's table).
    Identity(usize),
    /// `x3 < p` (0) or `y3 < p` (1).
    Canonical(usize),
    /// ADD: `x1 != x2`.
    Distinct,
    /// DECOMPRESS: y's parity is `a1 & 1`.
    Parity,
    /// The buffers stay below 2^32; `q_addr` is the right address.
    Addresses,
}

impl Check {
    pub const ALL: [Check; 9] = [
        Check::Flags,
        Check::Identity(0),
        Check::Identity(1),
        Check::Identity(2),
        Check::Canonical(0),
        Check::Canonical(1),
        Check::Distinct,
        Check::Parity,
        Check::Addresses,
    ];
}

/// The secp256k1 table's STARK.
#[derive(Clone, Copy, Debug, Default)]
pub struct Secp256k1Stark<F, const D: usize> {
    _phantom: PhantomData<F>,
}

impl<F, const D: usize> Secp256k1Stark<F, D> {
    pub const fn new() -> Self {
        Self { _phantom: PhantomData }
    }
}

/// A small signed integer as a field element.
pub(crate) fn fe(v: i64) -> ZkF {
    if v >= 0 {
        ZkF::from_canonical_u64(v as u64)
    } else {
        -ZkF::from_canonical_u64(v.unsigned_abs())
    }
}

/// Helpers over the shared constraint algebra.
pub(crate) trait Cs: Algebra {
    fn int(&mut self, v: i64) -> Self::V {
        self.constant(fe(v))
    }
    /// `k * e`.
    fn times(&mut self, k: i64, e: Self::V) -> Self::V {
        self.scale(e, fe(k))
    }
    /// `lo + 2^16 * hi`.
    fn word(&mut self, lo: Self::V, hi: Self::V) -> Self::V {
        let h = self.times(1 << 16, hi);
        self.add(lo, h)
    }
    /// `flag * e = 0`.
    fn when(&mut self, flag: Self::V, e: Self::V) {
        let c = self.mul(flag, e);
        self.constraint(c);
    }
    /// `e (e - 1) = 0`.
    fn boolean(&mut self, e: Self::V) {
        let one = self.int(1);
        let m = self.sub(e, one);
        self.when(e, m);
    }
}

impl<A: Algebra> Cs for A {}

/// `sum k * v` limb by limb.
fn combine<C: Cs>(cs: &mut C, terms: &[(i64, &[C::V; LIMBS])]) -> [C::V; LIMBS] {
    core::array::from_fn(|i| {
        let parts: Vec<C::V> = terms.iter().map(|&(k, v)| cs.times(k, v[i])).collect();
        cs.sum(&parts)
    })
}

/// Adds `t` to the accumulator slot `at`.
fn accumulate<C: Cs>(cs: &mut C, acc: &mut [Option<C::V>], at: usize, t: C::V) {
    acc[at] = Some(match acc[at] {
        Some(a) => cs.add(a, t),
        None => t,
    });
}

fn finish<C: Cs>(cs: &mut C, acc: Vec<Option<C::V>>) -> Vec<C::V> {
    acc.into_iter().map(|a| a.unwrap_or_else(|| cs.int(0))).collect()
}

/// Coefficients of `a(X) b(X)`.
fn product<C: Cs>(cs: &mut C, a: &[C::V; LIMBS], b: &[C::V; LIMBS]) -> Vec<C::V> {
    let mut acc = vec![None; PRODUCT];
    for (i, &ai) in a.iter().enumerate() {
        for (j, &bj) in b.iter().enumerate() {
            let t = cs.mul(ai, bj);
            accumulate(cs, &mut acc, i + j, t);
        }
    }
    finish(cs, acc)
}

/// Coefficients of `a(X)^2`.
fn square<C: Cs>(cs: &mut C, a: &[C::V; LIMBS]) -> Vec<C::V> {
    let mut acc = vec![None; PRODUCT];
    for i in 0..LIMBS {
        let t = cs.mul(a[i], a[i]);
        accumulate(cs, &mut acc, 2 * i, t);
        for j in i + 1..LIMBS {
            let t = cs.mul(a[i], a[j]);
            let t = cs.times(2, t);
            accumulate(cs, &mut acc, i + j, t);
        }
    }
    finish(cs, acc)
}

/// `flag_1 * e_1[k] + flag_2 * e_2[k] + ...` for each coefficient `k` (a shorter `e` has zero
/// coefficients after its end).
fn select<C: Cs>(cs: &mut C, parts: &[(C::V, &[C::V])]) -> Vec<C::V> {
    (0..PRODUCT)
        .map(|k| {
            let terms: Vec<C::V> =
                parts.iter().filter(|(_, e)| k < e.len()).map(|(flag, e)| cs.mul(*flag, e[k])).collect();
            cs.sum(&terms)
        })
        .collect()
}

/// `e` plus the limb vector `v` (in the low 16 coefficients).
fn plus<C: Cs>(cs: &mut C, mut e: Vec<C::V>, v: &[C::V; LIMBS]) -> Vec<C::V> {
    for i in 0..LIMBS {
        e[i] = cs.add(e[i], v[i]);
    }
    e
}

/// The polynomials `E(X)` (31 coefficients) of the three identities, gated by the call flags.
pub(crate) fn identities<C: Cs>(cs: &mut C, l: &Secp256k1Columns<C::V>) -> [Vec<C::V>; IDENTITIES] {
    let (add, dbl, dec) = (l.is_add, l.is_double, l.is_decompress);
    let chord = cs.add(add, dbl);

    // 0. ADD: λ (x2 - x1) - (y2 - y1); DOUBLE: κ y1 - 3 x1²; DECOMPRESS: x2² - t.
    let dx = combine(cs, &[(1, &l.x2), (-1, &l.x1)]);
    let dy = combine(cs, &[(-1, &l.y2), (1, &l.y1)]);
    let e = product(cs, &l.lambda, &dx);
    let e_add = plus(cs, e, &dy);
    let e = product(cs, &l.lambda, &l.y1);
    let x1sq = square(cs, &l.x1);
    let e_dbl: Vec<C::V> = e
        .iter()
        .zip(&x1sq)
        .map(|(&a, &b)| {
            let b = cs.times(3, b);
            cs.sub(a, b)
        })
        .collect();
    let e = square(cs, &l.x2);
    let minus_t = combine(cs, &[(-1, &l.lambda)]);
    let e_dec = plus(cs, e, &minus_t);
    let e0 = select(cs, &[(add, &e_add), (dbl, &e_dbl), (dec, &e_dec)]);

    // 1. ADD: λ² - x1 - x2 - x3; DOUBLE: κ² - 8 x1 - 4 x3; DECOMPRESS: x3² - t x2 - 7.
    let lsq = square(cs, &l.lambda);
    let e_add = combine(cs, &[(-1, &l.x1), (-1, &l.x2), (-1, &l.x3)]);
    let e_dbl = combine(cs, &[(-8, &l.x1), (-4, &l.x3)]);
    let x3sq = square(cs, &l.x3);
    let tx = product(cs, &l.lambda, &l.x2);
    let mut e_dec: Vec<C::V> = x3sq.iter().zip(&tx).map(|(&a, &b)| cs.sub(a, b)).collect();
    e_dec[0] = {
        let seven = cs.int(7);
        cs.sub(e_dec[0], seven)
    };
    let e1 = select(cs, &[(chord, &lsq), (add, &e_add), (dbl, &e_dbl), (dec, &e_dec)]);

    // 2. ADD: λ (x1 - x3) - y1 - y3; DOUBLE: κ (x1 - x3) - 2 y1 - 2 y3.
    let d13 = combine(cs, &[(1, &l.x1), (-1, &l.x3)]);
    let lp = product(cs, &l.lambda, &d13);
    let e_add = combine(cs, &[(-1, &l.y1), (-1, &l.y3)]);
    let e_dbl = combine(cs, &[(-2, &l.y1), (-2, &l.y3)]);
    let e2 = select(cs, &[(chord, &lp), (add, &e_add), (dbl, &e_dbl)]);

    [e0, e1, e2]
}

/// `F_k = E_k + 977 E_{k+16} + E_{k+14}`: `E` with `X^16` replaced by `X^2 + 977`.
pub(crate) fn fold<C: Cs>(cs: &mut C, e: &[C::V]) -> Vec<C::V> {
    assert_eq!(e.len(), PRODUCT);
    (0..FOLDED)
        .map(|k| {
            let mut terms = Vec::with_capacity(3);
            if k < LIMBS {
                terms.push(e[k]);
            }
            if k + LIMBS < PRODUCT {
                terms.push(cs.times(FOLD as i64, e[k + LIMBS]));
            }
            if (2..=LIMBS).contains(&k) {
                terms.push(e[k + LIMBS - 2]);
            }
            cs.sum(&terms)
        })
        .collect()
}

/// `q` as three limbs (the top one unbiased on call rows).
pub(crate) fn q_limbs<C: Cs>(cs: &mut C, w: &IdentityColumns<C::V>, is_real: C::V) -> [C::V; 3] {
    let bias = cs.times(Q_TOP_OFFSET as i64, is_real);
    [w.q[0], w.q[1], cs.sub(w.q[2], bias)]
}

/// Coefficient `k` of `q(X) p(X)`.
pub(crate) fn q_times_p<C: Cs>(cs: &mut C, q: &[C::V; 3], k: usize) -> C::V {
    let terms: Vec<C::V> =
        (0..3).filter(|&a| k >= a && k - a < LIMBS).map(|a| cs.times(P_LIMBS[k - a] as i64, q[a])).collect();
    cs.sum(&terms)
}

fn eval_identity<C: Cs>(cs: &mut C, f: &[C::V], w: &IdentityColumns<C::V>, offset: u64, is_real: C::V) {
    let q = q_limbs(cs, w, is_real);
    let bias = cs.times(offset as i64, is_real);
    let mut carries: Vec<C::V> = (0..CARRIES)
        .map(|k| {
            let c = cs.word(w.carry_lo[k], w.carry_hi[k]);
            cs.sub(c, bias)
        })
        .collect();
    let top = q_times_p(cs, &q, FOLDED);
    carries.push(cs.times(-1, top));
    for k in 0..FOLDED {
        let qp = q_times_p(cs, &q, k);
        let mut e = cs.sub(f[k], qp);
        if k > 0 {
            e = cs.sub(e, carries[k - 1]);
        }
        let shifted = cs.times(1 << 16, carries[k]);
        e = cs.add(e, shifted);
        cs.constraint(e);
    }
}

fn eval_canonical<C: Cs>(cs: &mut C, v: &[C::V; LIMBS], w: &CanonicalColumns<C::V>, is_real: C::V) {
    let mid = cs.sub(is_real, w.top);
    let mid = cs.sub(mid, w.low);
    for b in [w.top, w.low, mid] {
        cs.boolean(b);
    }
    // top: T = sum over limbs 4..16 of (0xFFFF - limb) is invertible.
    let s = cs.sum(&v[4..]);
    let all = cs.int(12 * M);
    let t = cs.sub(all, s);
    let ti = cs.mul(t, w.inv);
    let one = cs.int(1);
    let e = cs.sub(ti, one);
    cs.when(w.top, e);
    // mid: word 1 <= 0xFFFFFFFD; low: word 1 = 0xFFFFFFFE and word 0 <= 0xFFFFFC2E.
    let w0 = cs.word(v[0], v[1]);
    let w1 = cs.word(v[2], v[3]);
    let k = cs.int(0xFFFF_FFFD);
    let d_mid = cs.sub(k, w1);
    let d_mid = cs.mul(mid, d_mid);
    let k = cs.int(0xFFFF_FC2E);
    let d_low = cs.sub(k, w0);
    let d_low = cs.mul(w.low, d_low);
    let room = cs.word(w.room[0], w.room[1]);
    let e = cs.sub(room, d_mid);
    let e = cs.sub(e, d_low);
    cs.constraint(e);
    let k = cs.int(0xFFFF_FFFE);
    let e = cs.sub(w1, k);
    cs.when(w.low, e);
}

/// The constraints of one group on a row.
pub(crate) fn eval_check<C: Cs>(cs: &mut C, l: &Secp256k1Columns<C::V>, check: Check) {
    let is_real = cs.sum(&[l.is_add, l.is_double, l.is_decompress]);
    match check {
        Check::Flags => {
            for f in [l.is_add, l.is_double, l.is_decompress, is_real] {
                cs.boolean(f);
            }
        }
        Check::Identity(i) => {
            let e = identities(cs, l);
            let f = fold(cs, &e[i]);
            eval_identity(cs, &f, &l.identity[i], CARRY_OFFSET[i], is_real);
        }
        Check::Canonical(j) => {
            let v = if j == 0 { l.x3 } else { l.y3 };
            eval_canonical(cs, &v, &l.canonical[j], is_real);
        }
        Check::Distinct => {
            let terms: Vec<C::V> = (0..8)
                .map(|j| {
                    let a = cs.word(l.x2[2 * j], l.x2[2 * j + 1]);
                    let b = cs.word(l.x1[2 * j], l.x1[2 * j + 1]);
                    let d = cs.sub(a, b);
                    cs.mul(l.distinct[j], d)
                })
                .collect();
            let s = cs.sum(&terms);
            let one = cs.int(1);
            let e = cs.sub(s, one);
            cs.when(l.is_add, e);
        }
        Check::Parity => {
            let h = cs.times(2, l.y2[2]);
            let bit = cs.sub(l.x3[0], h);
            let one = cs.int(1);
            let m = cs.sub(bit, one);
            let b = cs.mul(bit, m);
            cs.when(l.is_decompress, b);
            let g = cs.word(l.y2[0], l.y2[1]);
            let g = cs.times(2, g);
            let e = cs.sub(l.a1, bit);
            let e = cs.sub(e, g);
            cs.when(l.is_decompress, e);
        }
        Check::Addresses => {
            let last = cs.times(LAST_BUFFER as i64, is_real);
            let room = cs.word(l.a0_room[0], l.a0_room[1]);
            let e = cs.sub(last, l.a0);
            let e = cs.sub(e, room);
            cs.constraint(e);
            let last = cs.int(LAST_BUFFER as i64);
            let room = cs.word(l.q_room[0], l.q_room[1]);
            let e = cs.sub(last, l.q_addr);
            let e = cs.sub(e, room);
            cs.when(l.is_add, e);
            let e = cs.sub(l.q_addr, l.a1);
            cs.when(l.is_add, e);
            let e = cs.sub(l.q_addr, l.a0);
            let k = cs.int(32);
            let e = cs.sub(e, k);
            cs.when(l.is_decompress, e);
        }
    }
}

/// Every constraint of the table on a row.
pub(crate) fn eval<C: Cs>(cs: &mut C, l: &Secp256k1Columns<C::V>) {
    let is_real = cs.sum(&[l.is_add, l.is_double, l.is_decompress]);
    for f in [l.is_add, l.is_double, l.is_decompress, is_real] {
        cs.boolean(f);
    }
    // The identities share their products, so they are evaluated together here.
    let e = identities(cs, l);
    for (i, e) in e.iter().enumerate() {
        let f = fold(cs, e);
        eval_identity(cs, &f, &l.identity[i], CARRY_OFFSET[i], is_real);
    }
    for check in Check::ALL {
        if !matches!(check, Check::Flags | Check::Identity(_)) {
            eval_check(cs, l, check);
        }
    }
}

/// Evaluation on integers (`i128`), used by trace generation to find the identities' witnesses.
/// Field constants are read as signed (those of this table are small in absolute value).
pub(crate) struct Integers;

impl Algebra for Integers {
    type V = i128;
    fn add(&mut self, a: i128, b: i128) -> i128 {
        a + b
    }
    fn sub(&mut self, a: i128, b: i128) -> i128 {
        a - b
    }
    fn mul(&mut self, a: i128, b: i128) -> i128 {
        a * b
    }
    fn scale(&mut self, a: i128, c: ZkF) -> i128 {
        a * signed(c)
    }
    fn constant(&mut self, c: ZkF) -> i128 {
        signed(c)
    }
    fn constraint(&mut self, _: i128) {}
    fn constraint_transition(&mut self, _: i128) {}
    fn constraint_first_row(&mut self, _: i128) {}
    fn constraint_last_row(&mut self, _: i128) {}
}

/// A field element as a signed integer in `(-p/2, p/2)`.
pub(crate) fn signed(c: ZkF) -> i128 {
    let v = c.to_canonical_u64();
    if v > ZkF::ORDER / 2 {
        v as i128 - ZkF::ORDER as i128
    } else {
        v as i128
    }
}

/// Evaluation on one row's field values that notes whether any constraint fails.
struct Values {
    failed: bool,
}

impl Algebra for Values {
    type V = ZkF;
    fn add(&mut self, a: ZkF, b: ZkF) -> ZkF {
        a + b
    }
    fn sub(&mut self, a: ZkF, b: ZkF) -> ZkF {
        a - b
    }
    fn mul(&mut self, a: ZkF, b: ZkF) -> ZkF {
        a * b
    }
    fn scale(&mut self, a: ZkF, c: ZkF) -> ZkF {
        a * c
    }
    fn constant(&mut self, c: ZkF) -> ZkF {
        c
    }
    fn constraint(&mut self, v: ZkF) {
        self.failed |= v != ZkF::ZERO;
    }
    fn constraint_transition(&mut self, v: ZkF) {
        self.constraint(v);
    }
    fn constraint_first_row(&mut self, v: ZkF) {
        self.constraint(v);
    }
    fn constraint_last_row(&mut self, v: ZkF) {
        self.constraint(v);
    }
}

/// The groups of constraints that `row` breaks (empty if it satisfies them all). A debugging
/// and testing aid: the proof checks the same constraints.
pub fn failed_checks(row: &[ZkF]) -> Vec<Check> {
    let l = Secp256k1Columns::view(row);
    Check::ALL
        .into_iter()
        .filter(|&check| {
            let mut cs = Values { failed: false };
            eval_check(&mut cs, l, check);
            cs.failed
        })
        .collect()
}

impl<F: RichField + Extendable<D>, const D: usize> Stark<F, D> for Secp256k1Stark<F, D> {
    type EvaluationFrame<FE, P, const D2: usize>
        = StarkFrame<P, P::Scalar, NUM_COLUMNS, 0>
    where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>;

    type EvaluationFrameTarget = StarkFrame<ExtensionTarget<D>, ExtensionTarget<D>, NUM_COLUMNS, 0>;

    fn eval_packed_generic<FE, P, const D2: usize>(
        &self,
        vars: &Self::EvaluationFrame<FE, P, D2>,
        yield_constr: &mut ConstraintConsumer<P>,
    ) where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>,
    {
        let local = Secp256k1Columns::view(vars.get_local_values());
        eval(&mut Packed { cc: yield_constr }, local);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let local = Secp256k1Columns::view(vars.get_local_values());
        eval(&mut Circuit { builder, cc: yield_constr }, local);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}

#[cfg(test)]
mod tests {
    //! The carry offsets fit every honest row, and no equation can wrap around the Goldilocks
    //! modulus, by interval arithmetic over all limb values (the same polynomials as the
    //! constraints, evaluated on intervals).

    use num::bigint::BigInt;
    use num::{Integer, ToPrimitive};

    use super::*;
    use crate::native::modulus;

    /// Closed integer intervals.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    struct I(i128, i128);

    struct Intervals;

    impl Algebra for Intervals {
        type V = I;
        fn add(&mut self, a: I, b: I) -> I {
            I(a.0 + b.0, a.1 + b.1)
        }
        fn sub(&mut self, a: I, b: I) -> I {
            I(a.0 - b.1, a.1 - b.0)
        }
        fn mul(&mut self, a: I, b: I) -> I {
            let p = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1];
            I(*p.iter().min().unwrap(), *p.iter().max().unwrap())
        }
        fn scale(&mut self, a: I, c: ZkF) -> I {
            let k = I(signed(c), signed(c));
            self.mul(a, k)
        }
        fn constant(&mut self, c: ZkF) -> I {
            I(signed(c), signed(c))
        }
        fn constraint(&mut self, _: I) {}
        fn constraint_transition(&mut self, _: I) {}
        fn constraint_first_row(&mut self, _: I) {}
        fn constraint_last_row(&mut self, _: I) {}
    }

    /// A row of a call `op` (0 ADD, 1 DOUBLE, 2 DECOMPRESS) with every value limb in `0..2^16`.
    fn any_row(op: usize) -> Vec<I> {
        let mut row = vec![I(0, 0); NUM_COLUMNS];
        let c = crate::columns::col_map();
        for v in c.values() {
            for i in v {
                row[i] = I(0, M as i128);
            }
        }
        row[[c.is_add, c.is_double, c.is_decompress][op]] = I(1, 1);
        row
    }

    fn folded(op: usize) -> [Vec<I>; IDENTITIES] {
        let row = any_row(op);
        let e = identities(&mut Intervals, Secp256k1Columns::view(&row));
        e.map(|e| fold(&mut Intervals, &e))
    }

    /// The range of `sum f_k 2^(16k)`.
    fn value_range(f: &[I]) -> (BigInt, BigInt) {
        let at = |pick: fn(&I) -> i128| f.iter().rev().fold(BigInt::from(0), |acc, c| (acc << 16u32) + pick(c));
        (at(|c| c.0), at(|c| c.1))
    }

    fn q_times_p_range(q: [I; 3], k: usize) -> I {
        let mut acc = I(0, 0);
        for (a, qa) in q.iter().enumerate() {
            if k >= a && k - a < LIMBS {
                let t = Intervals.scale(*qa, ZkF::from_canonical_u64(P_LIMBS[k - a]));
                acc = Intervals.add(acc, t);
            }
        }
        acc
    }

    #[test]
    fn honest_carries_fit_their_offsets() {
        let p = BigInt::from(modulus());
        for op in 0..3 {
            for (i, f) in folded(op).iter().enumerate() {
                let (lo, hi) = value_range(f);
                let (q_lo, q_hi) = (lo.div_floor(&p), hi.div_ceil(&p));
                let top = |q: &BigInt| (q >> 32u32).to_i128().unwrap();
                let q2 = I(top(&q_lo), top(&q_hi));
                assert!(
                    q2.0 >= -(Q_TOP_OFFSET as i128) && q2.1 < Q_TOP_OFFSET as i128,
                    "op {op} identity {i}: q {q2:?}"
                );
                let q = [I(0, M as i128), I(0, M as i128), q2];
                let mut c = I(0, 0);
                for (k, fk) in f.iter().enumerate().take(CARRIES) {
                    let d = Intervals.sub(*fk, q_times_p_range(q, k));
                    let num = Intervals.sub(c, d);
                    c = I(num.0.div_euclid(1 << 16), num.1.div_euclid(1 << 16) + 1);
                    let off = CARRY_OFFSET[i] as i128;
                    assert!(
                        c.0 + off >= 0 && c.1 + off < 1 << 32,
                        "op {op} identity {i} carry {k}: {c:?} does not fit offset {off}"
                    );
                }
            }
        }
    }

    #[test]
    fn no_equation_wraps_around() {
        // Any range-checked values: limbs 0..2^16, q_2 in -2^15..2^15, carries in
        // [-OFFSET, 2^32 - OFFSET).
        let bound = 1i128 << 62;
        for op in 0..3 {
            for (i, f) in folded(op).iter().enumerate() {
                let off = CARRY_OFFSET[i] as i128;
                let c = I(-off, (1 << 32) - off);
                let q = [I(0, M as i128), I(0, M as i128), I(-(1 << 15), 1 << 15)];
                for (k, fk) in f.iter().enumerate() {
                    let mut e = Intervals.sub(*fk, q_times_p_range(q, k));
                    e = Intervals.sub(e, c);
                    e = Intervals.add(e, Intervals.mul(c, I(1 << 16, 1 << 16)));
                    assert!(e.0 > -bound && e.1 < bound, "op {op} identity {i} coefficient {k}: {e:?}");
                }
            }
        }
    }
}
