//! The constraints of the MulDiv table.
//!
//! They are written once, in [`eval`], over the shared [`Algebra`] (`zkmips_stark::algebra`) that the native evaluation
//! (packed field values) and the recursive one (circuit targets) both implement, so the two
//! cannot drift apart. All constraints apply on every row (no transitions); the all-zero
//! padding row satisfies them.
//!
//! # The product identity
//! Every arithmetic operation is one identity `C + x * y = S (mod 2^64)` over two's-complement
//! 64-bit values, with `y = b` and, by operation:
//!
//! | op | x | C | S |
//! |---|---|---|---|
//! | mult, multu, mul | a | 0 | new |
//! | madd, maddu | a | old | new |
//! | msub, msubu | a | new | old |
//! | div, divu | new_lo (quotient q) | sext(new_hi) (remainder r) | sext(a) |
//! | moves, padding | 0 | 0 | 0 |
//!
//! With `x_s = x - 2^32 x_neg` and `b_s = b - 2^32 b_neg` the signed readings,
//! `x_s * b_s = x b + 2^32 (x_neg (2^32 - b) + b_neg (2^32 - x)) (mod 2^64)`, and with 16-bit limbs
//! the identity is checked as two equations at bit 32 with carries `k_lo`, `k_hi`:
//!
//! - low: `x0 b0 + 2^16 (x0 b1 + x1 b0) + C_lo = S_lo + 2^32 k_lo`
//! - high: `x1 b1 + x_neg (2^32 - b) + b_neg (2^32 - x) + k_lo + C_hi = S_hi + 2^32 k_hi`
//!
//! Soundness: all limbs are range-checked (16 bits), `C_*`/`S_*` are below 2^32 (limbs, memory-
//! proven old hi/lo, the CPU's canonical `a`, or `0xFFFFFFFF * bit`), `k_lo < 3 * 2^16` and
//! `k_hi < 2^16`. Then both sides of each equation are integers below 2^51 < p, so the field
//! equations hold over the integers, and together they give the identity mod 2^64.

use plonky2::field::extension::FieldExtension;
use plonky2::field::packed::PackedField;
use plonky2::field::types::Field;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::algebra::{Algebra, Circuit, Packed};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::{D, F};

use crate::columns::{MulDivColumns, NUM_COLUMNS};

/// The MulDiv table's STARK: multiplications, divisions and hi/lo moves.
#[derive(Clone, Copy, Debug, Default)]
pub struct MulDivStark;

/// Helpers over the shared constraint algebra, with integer constants.
trait Alg: Algebra {
    fn konst(&mut self, c: u64) -> Self::V {
        self.constant(F::from_canonical_u64(c))
    }
    /// `c * a`.
    fn times(&mut self, c: u64, a: Self::V) -> Self::V {
        self.scale(a, F::from_canonical_u64(c))
    }
    /// `lo + 2^16 hi`.
    fn word(&mut self, limbs: [Self::V; 2]) -> Self::V {
        let hi = self.times(1 << 16, limbs[1]);
        self.add(limbs[0], hi)
    }
    /// `c - a`.
    fn rsub(&mut self, c: u64, a: Self::V) -> Self::V {
        let c = self.konst(c);
        self.sub(c, a)
    }
}

impl<A: Algebra> Alg for A {}

const TWO_16: u64 = 1 << 16;
const TWO_32: u64 = 1 << 32;
const MASK_32: u64 = TWO_32 - 1;

/// Every constraint of the table, on one row.
fn eval<A: Alg>(z: &mut A, lv: &MulDivColumns<A::V>) {
    let f = &lv.ops;
    let one = z.konst(1);

    // Decoding: boolean flags, at most one set. The CPU's opcode and funct are matched against
    // the set flag's encoding through the MULDIV lookup (ctl.rs), which pins the operation.
    let flags = f.to_array();
    for fl in flags {
        let t = z.sub(fl, one);
        let t = z.mul(fl, t);
        z.constraint(t);
    }
    let is_real = z.sum(&flags);
    let t = z.sub(is_real, one);
    let t = z.mul(is_real, t);
    z.constraint(t);

    let signed = z.sum(&[f.mult, f.mul, f.madd, f.msub, f.div]);
    let prod = z.sum(&[f.mult, f.multu, f.mul]);
    let add_acc = z.add(f.madd, f.maddu);
    let sub_acc = z.add(f.msub, f.msubu);
    let t = z.add(prod, add_acc);
    let mul_mode = z.add(t, sub_acc);
    let div_mode = z.add(f.div, f.divu);
    let new_is_s = z.add(prod, add_acc);

    let a = z.word(lv.a_limbs);
    let b = z.word(lv.b_limbs);
    let nh = z.word(lv.new_hi);
    let nl = z.word(lv.new_lo);

    for bit in [lv.a_neg, lv.b_neg, lv.x_neg, lv.r_neg, lv.b_zero] {
        let t = z.sub(bit, one);
        let t = z.mul(bit, t);
        z.constraint(t);
    }

    // Sign bits. With `limb` and `aux` both range-checked to 16 bits, `2 limb - 2^16 neg = aux`
    // holds only for `neg = limb >> 15`: for neg = 0 it needs 2 limb < 2^16, for neg = 1 it
    // needs 2^16 <= 2 limb (else the field value wraps to about p).
    for (limbs, neg, aux) in [(lv.a_limbs, lv.a_neg, lv.a_sign_aux), (lv.b_limbs, lv.b_neg, lv.b_sign_aux)] {
        let t = z.times(2, limbs[1]);
        let s = z.times(TWO_16, neg);
        let t = z.sub(t, s);
        let t = z.sub(t, aux);
        let t = z.mul(signed, t);
        z.constraint(t);
        let t = z.sub(one, signed);
        let t = z.mul(t, neg);
        z.constraint(t);
    }

    // The multiplier's sign is a's, except in `div`, where it is free: the quotient word q is
    // then read as `q - 2^32 x_neg`, which lets i32::MIN / -1 have the quotient +2^31 (word
    // 0x80000000) that makes the identity exact. The division argument below pins it.
    let t = z.sub(one, f.div);
    let s = z.sub(lv.x_neg, lv.a_neg);
    let t = z.mul(t, s);
    z.constraint(t);

    // Remainder sign: r_neg <= a_neg, and r_neg = a_neg when r != 0. (When r = 0 and a_neg = 1,
    // r_neg = 1 would make |r| = 2^32, which the remainder bound rejects unless b = 0, and
    // then r = a != 0.)
    let t = z.sub(one, lv.a_neg);
    let t = z.mul(t, lv.r_neg);
    z.constraint(t);
    let t = z.sub(lv.a_neg, lv.r_neg);
    let t = z.mul(t, nh);
    z.constraint(t);

    // b_zero = 1 only if b = 0 (the converse comes from the remainder bound in divisions).
    let t = z.mul(lv.b_zero, b);
    z.constraint(t);

    // carry_lo[1] in {0, 1, 2}.
    let k1 = lv.carry_lo[1];
    let t = z.sub(k1, one);
    let s = z.rsub(2, k1);
    let t = z.mul(k1, t);
    let t = z.mul(t, s);
    z.constraint(t);

    // The product identity (see the module doc).
    let x0 = {
        let t = z.mul(mul_mode, lv.a_limbs[0]);
        let s = z.mul(div_mode, lv.new_lo[0]);
        z.add(t, s)
    };
    let x1 = {
        let t = z.mul(mul_mode, lv.a_limbs[1]);
        let s = z.mul(div_mode, lv.new_lo[1]);
        z.add(t, s)
    };
    let x = z.word([x0, x1]);
    let [b0, b1] = lv.b_limbs;
    let k_lo = z.word(lv.carry_lo);

    let c_lo = {
        let t = z.mul(add_acc, lv.lo);
        let s = z.mul(sub_acc, nl);
        let u = z.mul(div_mode, nh);
        z.sum(&[t, s, u])
    };
    let s_lo = {
        let t = z.mul(new_is_s, nl);
        let s = z.mul(sub_acc, lv.lo);
        let u = z.mul(div_mode, a);
        z.sum(&[t, s, u])
    };
    let low = {
        let p00 = z.mul(x0, b0);
        let p01 = z.mul(x0, b1);
        let p10 = z.mul(x1, b0);
        let mid = z.add(p01, p10);
        let mid = z.times(TWO_16, mid);
        let k = z.times(TWO_32, k_lo);
        let t = z.sum(&[p00, mid, c_lo]);
        let t = z.sub(t, s_lo);
        z.sub(t, k)
    };
    z.constraint(low);

    let c_hi = {
        let t = z.mul(add_acc, lv.hi);
        let s = z.mul(sub_acc, nh);
        let u = z.mul(div_mode, lv.r_neg);
        let u = z.times(MASK_32, u);
        z.sum(&[t, s, u])
    };
    let s_hi = {
        let t = z.mul(new_is_s, nh);
        let s = z.mul(sub_acc, lv.hi);
        let u = z.mul(div_mode, lv.a_neg);
        let u = z.times(MASK_32, u);
        z.sum(&[t, s, u])
    };
    let high = {
        let p11 = z.mul(x1, b1);
        let t = z.rsub(TWO_32, b);
        let xs = z.mul(lv.x_neg, t);
        let t = z.rsub(TWO_32, x);
        let bs = z.mul(lv.b_neg, t);
        let k = z.times(TWO_32, lv.carry_hi);
        let t = z.sum(&[p11, xs, bs, k_lo, c_hi]);
        let t = z.sub(t, s_hi);
        z.sub(t, k)
    };
    z.constraint(high);

    // Division: |r| < |b| unless b = 0, proven by `|b| - |r| - 1 + 2^32 b_zero` fitting in 32
    // bits. |b| = b or 2^32 - b, |r| = r or 2^32 - r (r_neg), both at most 2^32, so the
    // difference is an integer of magnitude < 2^34 and being below 2^32 as a field element
    // means it is non-negative. For b != 0, b_zero = 0 (see above). For b = 0 with b_zero = 0
    // the difference would be negative, so b_zero = 1 is forced; then the identity gives
    // r = a and the bound is 2^32 - |a| - 1 >= 0. Together with the identity and the sign rule
    // this is truncated division, whose (q, r) is unique.
    let abs_b = {
        let t = z.times(2, b);
        let t = z.rsub(TWO_32, t);
        let t = z.mul(lv.b_neg, t);
        z.add(b, t)
    };
    let abs_r = {
        let t = z.times(2, nh);
        let t = z.rsub(TWO_32, t);
        let t = z.mul(lv.r_neg, t);
        z.add(nh, t)
    };
    let gap = z.word(lv.rem_gap);
    let t = z.sub(abs_b, abs_r);
    let t = z.sub(t, one);
    let s = z.times(TWO_32, lv.b_zero);
    let t = z.add(t, s);
    let t = z.sub(t, gap);
    let t = z.mul(div_mode, t);
    z.constraint(t);

    // Division by zero: q = 0xFFFFFFFF, or 1 for a negative dividend of `div` (a_neg is 0 in
    // `divu`); r = a follows from the identity.
    let t = z.rsub(MASK_32, nl);
    let s = z.times(MASK_32 - 1, lv.a_neg);
    let t = z.sub(s, t); // nl - MASK_32 + (MASK_32 - 1) a_neg
    let t = z.mul(lv.b_zero, t);
    let t = z.mul(div_mode, t);
    z.constraint(t);

    // out: the value written to rd, 0 when nothing is written.
    let t = z.mul(f.mfhi, lv.hi);
    let s = z.mul(f.mflo, lv.lo);
    let u = z.mul(f.mul, nl);
    let w = z.sum(&[t, s, u]);
    let t = z.sub(lv.out, w);
    z.constraint(t);

    // Moves to hi/lo.
    let t = z.sub(nh, a);
    let t = z.mul(f.mthi, t);
    z.constraint(t);
    let t = z.sub(nl, a);
    let t = z.mul(f.mtlo, t);
    z.constraint(t);
}

impl Stark<F, D> for MulDivStark {
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
        let lv = MulDivColumns::view(vars.get_local_values());
        eval(&mut Packed { cc: yield_constr }, lv);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let lv = MulDivColumns::view(vars.get_local_values());
        eval(&mut Circuit { builder, cc: yield_constr }, lv);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
