//! Constraints of the LSU table.
//!
//! The constraints are written once, in [`eval`], against a small arithmetic interface
//! ([`Alg`]) that the native evaluator (packed field values) and the recursive one (circuit
//! targets) both implement, so the two forms cannot drift apart.
//!
//! Range checks (RANGE16, see [`crate::range_checked_columns`]) hold on every row; all other
//! facts are below. The arguments use that every sum involved is far below the field's order
//! `p ~ 2^64`, so field equations between small nonnegative integers are integer equations.

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

use crate::columns::{LsuColumns, WordColumns, NUM_COLUMNS};
use crate::ops::{merged_bytes, LsuOp, Src};

/// The LSU table's STARK.
#[derive(Clone, Copy, Debug, Default)]
pub struct LsuStark;

impl LsuStark {
    pub const fn new() -> Self {
        LsuStark
    }
}

/// Helpers over the shared constraint algebra.
pub(crate) trait Alg: Algebra {
    /// `sum(c_i * t_i) + k`.
    fn lin(&mut self, terms: &[(Self::V, F)], k: F) -> Self::V {
        let mut acc = self.constant(k);
        for &(t, c) in terms {
            let s = if c == F::ONE { t } else { self.scale(t, c) };
            acc = self.add(acc, s);
        }
        acc
    }

    /// `x * (x - 1)`: zero iff `x` is 0 or 1.
    fn bool(&mut self, x: Self::V) -> Self::V {
        let one = self.constant(F::ONE);
        let xm1 = self.sub(x, one);
        self.mul(x, xm1)
    }
}

impl<A: Algebra> Alg for A {}

fn k(x: u64) -> F {
    F::from_canonical_u64(x)
}

/// The bytes and the value of a word.
struct Word<T> {
    bytes: [T; 4],
    value: T,
}

/// Constrains the byte split of a word and returns its bytes and value.
///
/// Soundness: `lo`, `hi`, `b1`, `b0_x256`, `b3`, `b2_x256` are range-checked integers in
/// `0..2^16`. `256 * lo = b0_x256 + 2^16 * b1` is then an integer equation (both sides < 2^32),
/// so `b0_x256 = (256 * lo) mod 2^16` is a multiple of 256 and `b1 = lo >> 8`; byte 0,
/// `lo - 256 * b1 = b0_x256 / 256`, is in `0..256`, and so is `b1` since `lo < 2^16`. Likewise
/// for `hi`. The value `lo + 2^16 * hi` is below 2^32.
fn word<A: Alg>(a: &mut A, w: &WordColumns<A::V>) -> Word<A::V> {
    for (half, hb, lb) in [(w.lo, w.b1, w.b0_x256), (w.hi, w.b3, w.b2_x256)] {
        let x = a.lin(&[(half, k(256)), (lb, -F::ONE), (hb, -k(1 << 16))], F::ZERO);
        a.constraint(x);
    }
    let b0 = a.lin(&[(w.lo, F::ONE), (w.b1, -k(256))], F::ZERO);
    let b2 = a.lin(&[(w.hi, F::ONE), (w.b3, -k(256))], F::ZERO);
    let value = a.lin(&[(w.lo, F::ONE), (w.hi, k(1 << 16))], F::ZERO);
    Word { bytes: [b0, w.b1, b2, w.b3], value }
}

/// Every constraint of the table, on one row.
pub(crate) fn eval<A: Alg>(a: &mut A, c: &LsuColumns<A::V>) {
    let one = a.constant(F::ONE);
    let f = |op: LsuOp| c.op[op.index()];
    use LsuOp::*;

    // Operation: flags are bits and at most one is set (none on padding rows). The opcode sent
    // to the CPU is `sum(flag * opcode)`, so a real row proves one of the 14 opcodes.
    for &x in &c.op {
        let b = a.bool(x);
        a.constraint(b);
    }
    let is_real = a.sum(&c.op);
    let b = a.bool(is_real);
    a.constraint(b);

    // Immediate: `imm_biased` in 0..2^16 (range check) makes `s = imm_biased - 2^15` a signed
    // 16-bit integer; `imm16 = s + 2^16 * imm_sign` (the LSU tuple) is the CPU's canonical
    // 16-bit field only if `imm_sign` is the sign of `s`, so `s = sext(imm16)`.
    let b = a.bool(c.imm_sign);
    a.constraint(b);

    // Effective address: `ea = ea_lo + 2^16 * ea_hi < 2^32` (range checks). `base < 2^32` (a
    // register value from the CPU) and `|s| <= 2^15`, so `base + s - ea` lies in
    // `(-2^33, 2^33)`; it is a multiple of 2^32 exactly when `carry` makes this zero, and
    // `carry in {-1, 0, 1}` covers every case: `ea = base + s mod 2^32`. (Padding rows: all 0
    // with `imm_biased = 2^15`.)
    let x = a.lin(
        &[(c.base, F::ONE), (c.imm_biased, F::ONE), (c.ea_lo, -F::ONE), (c.ea_hi, -k(1 << 16)), (c.carry, -k(1 << 32))],
        -k(1 << 15),
    );
    a.constraint(x);
    let cm1 = a.sub(c.carry, one);
    let cp1 = a.add(c.carry, one);
    let t = a.mul(c.carry, cm1);
    let t = a.mul(t, cp1);
    a.constraint(t);

    // Offset: `off` is one-hot or zero, giving `o = off1 + 2 off2 + 3 off3` in 0..4, and
    // `ea_lo = 4 * ea_q + o` with `ea_q` range-checked is an integer equation (< 2^18), so
    // `o = ea & 3` and the word address `4 * ea_q + 2^16 * ea_hi = ea - o` (sent to memory) is
    // `ea & !3`, below 2^32: never in the register page.
    for &x in &c.off {
        let b = a.bool(x);
        a.constraint(b);
    }
    let any_off = a.sum(&c.off);
    let b = a.bool(any_off);
    a.constraint(b);
    let x = a
        .lin(&[(c.ea_lo, F::ONE), (c.ea_q, -k(4)), (c.off[0], -F::ONE), (c.off[1], -k(2)), (c.off[2], -k(3))], F::ZERO);
    a.constraint(x);
    let e0 = a.sub(one, any_off);
    let e = [e0, c.off[0], c.off[1], c.off[2]];

    // Alignment, as the VM requires: halfwords at even offsets, words at offset 0.
    let half_ops = a.sum(&[f(Lh), f(Lhu), f(Sh)]);
    let odd = a.add(c.off[0], c.off[2]);
    let t = a.mul(half_ops, odd);
    a.constraint(t);
    let word_ops = a.sum(&[f(Lw), f(Ll), f(Sw), f(Sc)]);
    let t = a.mul(word_ops, any_off);
    a.constraint(t);

    let m = word(a, &c.mem);
    let r = word(a, &c.rt);

    // The addressed byte and (2-aligned) halfword.
    let mut sel_b = a.constant(F::ZERO);
    for (&eo, &mb) in e.iter().zip(&m.bytes) {
        let t = a.mul(eo, mb);
        sel_b = a.add(sel_b, t);
    }
    let lo_part = a.mul(e0, c.mem.lo);
    let hi_part = a.mul(c.off[1], c.mem.hi);
    let sel_h = a.add(lo_part, hi_part);

    // Sign bit: for byte loads `sign_check = 512 * (byte - 128 * neg)` is range-checked; with
    // `byte` in 0..256 and `neg` a bit this holds iff `byte - 128 * neg` is in 0..128, i.e.
    // `neg` is bit 7 (otherwise the value is negative or >= 2^16). Likewise for halfword loads
    // with `2 * (half - 2^15 * neg)`. Other rows have `neg = 0` and `sign_check = 0`.
    let b_loads = a.add(f(Lb), f(Lbu));
    let h_loads = a.add(f(Lh), f(Lhu));
    let b = a.bool(c.neg);
    a.constraint(b);
    let sub_loads = a.add(b_loads, h_loads);
    let not_sub = a.sub(one, sub_loads);
    let t = a.mul(c.neg, not_sub);
    a.constraint(t);
    let xb = a.lin(&[(sel_b, k(512)), (c.neg, -k(1 << 16))], F::ZERO);
    let xb = a.mul(b_loads, xb);
    let xh = a.lin(&[(sel_h, k(2)), (c.neg, -k(1 << 16))], F::ZERO);
    let xh = a.mul(h_loads, xh);
    let x = a.add(xb, xh);
    let x = a.sub(c.sign_check, x);
    a.constraint(x);

    // `out` and `after`. Every term is a flag times a combination of proven bytes, so both are
    // canonical 32-bit values; the merges are `merged_bytes`, selected by the one-hot offset.
    let value_of = |a: &mut A, src: [Src; 4]| {
        let mut acc = a.constant(F::ZERO);
        for (j, s) in src.iter().enumerate() {
            let byte = match *s {
                Src::Mem(i) => m.bytes[i],
                Src::Rt(i) => r.bytes[i],
            };
            let t = if j == 0 { byte } else { a.scale(byte, k(1 << (8 * j))) };
            acc = a.add(acc, t);
        }
        acc
    };
    let merged = |a: &mut A, op: LsuOp| {
        let mut acc = a.constant(F::ZERO);
        for (o, &eo) in e.iter().enumerate() {
            if let Some(src) = merged_bytes(op, o) {
                let v = value_of(a, src);
                let t = a.mul(eo, v);
                acc = a.add(acc, t);
            }
        }
        let flag = f(op);
        a.mul(flag, acc)
    };

    let t = a.add(f(Lw), f(Ll));
    let sign_b = a.scale(c.neg, k(0xFFFF_FF00));
    let sign_h = a.scale(c.neg, k(0xFFFF_0000));
    let out = [
        a.mul(b_loads, sel_b),
        a.mul(h_loads, sel_h),
        // Sign extension: `neg * 0xFFFFFF00` (`lb`) or `neg * 0xFFFF0000` (`lh`).
        a.mul(f(Lb), sign_b),
        a.mul(f(Lh), sign_h),
        a.mul(t, m.value),
        merged(a, Lwl),
        merged(a, Lwr),
        // `sc` always succeeds (one thread) and writes 1.
        f(Sc),
    ];
    let x = a.sum(&out);
    let x = a.sub(c.out, x);
    a.constraint(x);

    let loads = [Lb, Lh, Lwl, Lw, Lbu, Lhu, Lwr, Ll].map(f);
    let loads = a.sum(&loads);
    let sw_sc = a.add(f(Sw), f(Sc));
    let after =
        [a.mul(loads, m.value), a.mul(sw_sc, r.value), merged(a, Sb), merged(a, Sh), merged(a, Swl), merged(a, Swr)];
    let x = a.sum(&after);
    let x = a.sub(c.after, x);
    a.constraint(x);
}

impl Stark<F, D> for LsuStark {
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
        let row = LsuColumns::view(vars.get_local_values());
        let mut a = Packed { cc: yield_constr };
        eval(&mut a, row);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let row = LsuColumns::view(vars.get_local_values());
        let mut a = Circuit { builder, cc: yield_constr };
        eval(&mut a, row);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
