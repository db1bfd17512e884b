//! The constraints of the arithmetic table (all of degree <= 3).
//!
//! Values: `a = a_lo + 2^16·a_mid + 2^31·a_sign`, `b` likewise; with `a_lo`, `2·a_mid`
//! range-checked and `a_sign` a bit, `a` is a 32-bit integer and `a_sign` its top bit.
//! `x = x_lo + 2^16·x_hi` (both limbs range-checked).
//! - `c = b` (R-type kinds, `beq`/`bne`), `sext(imm16)` (`imm`/`timm` forms), 0 otherwise.
//! - adder: `x = a + c - carry·2^32` (add kind), `x = a - c + carry·2^32` (sub, compares,
//!   traps, `beq`/`bne`/`blez`/`bgtz`; signed compares first flip both sign bits, so `carry`
//!   is always "less than"), `x = b` (moves, for the zero test).

use plonky2::field::extension::FieldExtension;
use plonky2::field::packed::PackedField;
use plonky2::field::types::Field;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::algebra::{Circuit, Packed};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::{D, F};

use super::columns::{kind::*, ArithColumns, NUM_ARITH_COLUMNS};
use crate::air::Alg;

/// The arithmetic table.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArithStark;

impl ArithStark {
    pub const fn new() -> Self {
        ArithStark
    }
}

const TWO_32: u64 = 1 << 32;

/// Kinds whose `c` is `b` in their register form.
pub(crate) const C_IS_B: [usize; 9] = [ADD, SUB, SLT, TGE, TLT, TEQ, TNE, BEQ, BNE];
/// Kinds computing `x = a - c + carry·2^32`.
pub(crate) const SUBLIKE: [usize; 10] = [SUB, SLT, TGE, TLT, TEQ, TNE, BEQ, BNE, BLEZ, BGTZ];
/// Kinds that test `x = 0`.
pub(crate) const TESTS_ZERO: [usize; 8] = [TEQ, TNE, BEQ, BNE, BLEZ, BGTZ, MOVZ, MOVN];
/// Conditional branch kinds.
pub(crate) const BRANCHES: [usize; 6] = [BEQ, BNE, BLEZ, BGTZ, BLTZ, BGEZ];
/// Kinds whose destination is `rd` in their register form.
pub(crate) const WRITES_RD: [usize; 5] = [ADD, SUB, SLT, MOVZ, MOVN];

/// All constraints of the table.
pub(crate) fn eval<A: Alg>(alg: &mut A, lv: &ArithColumns<A::V>) {
    let k = |i: usize| lv.kind[i];
    let g = |alg: &mut A, ks: &[usize]| {
        let vs: Vec<A::V> = ks.iter().map(|&i| lv.kind[i]).collect();
        alg.sum(&vs)
    };
    let c2_16 = F::from_canonical_u64(1 << 16);
    let c2_32 = F::from_canonical_u64(TWO_32);

    // --- Booleans, one-hot kinds, and which kinds may set each variant bit.
    for &v in lv.kind.iter() {
        alg.boolean(v);
    }
    let any = alg.sum(&lv.kind);
    alg.boolean(any);
    for v in [lv.imm, lv.timm, lv.unsigned, lv.likely, lv.link, lv.a_sign, lv.b_sign, lv.imm_sign, lv.carry, lv.zero] {
        alg.boolean(v);
    }
    for (bit, kinds) in [
        (lv.imm, &[ADD, SLT][..]),
        (lv.timm, &[TGE, TLT, TEQ, TNE][..]),
        (lv.unsigned, &[ADD, SUB, SLT, TGE, TLT][..]),
        (lv.likely, &BRANCHES[..]),
        (lv.link, &[BLTZ, BGEZ][..]),
    ] {
        let allowed = g(alg, kinds);
        let not = alg.k_sub(1, allowed);
        alg.gated(bit, not);
    }

    // --- Decoding: the kind and its variant bits pin `opcode` (sent by the CTL) and the
    // fields that select the operation or that the decoder requires to be zero, exactly as in
    // `crate::pattern`.
    {
        let one_minus_imm = alg.k_sub(1, lv.imm);
        let one_minus_timm = alg.k_sub(1, lv.timm);
        // R-type forms: opcode 0, funct = base + unsigned, shamt 0; I-type: opcode = base + u.
        for (kd, funct, opc) in [(ADD, 0x20, 8), (SLT, 0x2A, 10)] {
            let t = alg.add_k(lv.unsigned, opc);
            let e = alg.mul(lv.imm, t);
            let v = alg.sub(lv.opcode, e);
            alg.gated(k(kd), v);
            let f = alg.sub_k(lv.funct, funct);
            let f = alg.sub(f, lv.unsigned);
            let r = alg.mul(one_minus_imm, f);
            alg.gated(k(kd), r);
            let r = alg.mul(one_minus_imm, lv.shamt);
            alg.gated(k(kd), r);
        }
        alg.gated(k(SUB), lv.opcode);
        let f = alg.sub_k(lv.funct, 0x22);
        let f = alg.sub(f, lv.unsigned);
        alg.gated(k(SUB), f);
        alg.gated(k(SUB), lv.shamt);
        // Traps: SPECIAL funct = base (+ unsigned), or REGIMM rt = base (+ unsigned).
        for (kd, funct, rt) in [(TGE, 0x30, 0x08), (TLT, 0x32, 0x0A), (TEQ, 0x34, 0x0C), (TNE, 0x36, 0x0E)] {
            let v = alg.sub(lv.opcode, lv.timm);
            alg.gated(k(kd), v);
            let f = alg.sub_k(lv.funct, funct);
            let f = alg.sub(f, lv.unsigned);
            let r = alg.mul(one_minus_timm, f);
            alg.gated(k(kd), r);
            let f = alg.sub_k(lv.rt, rt);
            let f = alg.sub(f, lv.unsigned);
            let r = alg.mul(lv.timm, f);
            alg.gated(k(kd), r);
        }
        // Branches with an opcode of their own: opcode = base + 16·likely.
        let l16 = alg.mul_const(F::from_canonical_u64(16), lv.likely);
        for (kd, opc) in [(BEQ, 4), (BNE, 5), (BLEZ, 6), (BGTZ, 7)] {
            let t = alg.add_k(l16, opc);
            let v = alg.sub(lv.opcode, t);
            alg.gated(k(kd), v);
        }
        let rt0 = g(alg, &[BLEZ, BGTZ]);
        alg.gated(rt0, lv.rt);
        // REGIMM branches: rt = base + 2·likely + 16·link.
        let l2 = alg.mul_const(F::TWO, lv.likely);
        let link16 = alg.mul_const(F::from_canonical_u64(16), lv.link);
        let var = alg.add(l2, link16);
        for (kd, rt) in [(BLTZ, 0), (BGEZ, 1)] {
            let v = alg.sub_k(lv.opcode, 1);
            alg.gated(k(kd), v);
            let t = alg.add_k(var, rt);
            let v = alg.sub(lv.rt, t);
            alg.gated(k(kd), v);
        }
        for (kd, funct) in [(MOVZ, 0x0A), (MOVN, 0x0B)] {
            alg.gated(k(kd), lv.opcode);
            let v = alg.sub_k(lv.funct, funct);
            alg.gated(k(kd), v);
            alg.gated(k(kd), lv.shamt);
        }
        let v = alg.sub_k(lv.opcode, 15);
        alg.gated(k(LUI), v);
        alg.gated(k(LUI), lv.rs);
    }

    // --- Values.
    let a = alg.lin(&[(F::ONE, lv.a_lo), (c2_16, lv.a_mid), (F::from_canonical_u64(1 << 31), lv.a_sign)]);
    let b = alg.lin(&[(F::ONE, lv.b_lo), (c2_16, lv.b_mid), (F::from_canonical_u64(1 << 31), lv.b_sign)]);
    let x = alg.lin(&[(F::ONE, lv.x_lo), (c2_16, lv.x_hi)]);
    let imm16 = alg.lin(&[
        (F::from_canonical_u64(1 << 11), lv.rd),
        (F::from_canonical_u64(1 << 6), lv.shamt),
        (F::ONE, lv.funct),
    ]);

    // --- The second operand: c = b (register forms of C_IS_B), sext(imm16) (immediate forms;
    // imm_sign is bit 15 of imm16 by its range check, so c < 2^32 and c_sign is its top bit),
    // 0 otherwise.
    {
        let is_imm = alg.add(lv.imm, lv.timm);
        let reg = {
            let cb = g(alg, &C_IS_B);
            let n = alg.k_sub(1, is_imm);
            alg.mul(cb, n)
        };
        let sext = {
            let hi = alg.mul_const(F::from_canonical_u64(0xFFFF_0000), lv.imm_sign);
            alg.add(imm16, hi)
        };
        let rb = alg.mul(reg, b);
        let is = alg.mul(is_imm, sext);
        let e = alg.add(rb, is);
        let v = alg.sub(lv.c, e);
        alg.constraint(v);
        let rb = alg.mul(reg, lv.b_sign);
        let is = alg.mul(is_imm, lv.imm_sign);
        let e = alg.add(rb, is);
        let v = alg.sub(lv.c_sign, e);
        alg.constraint(v);
    }

    // --- Adder. x is range-checked and carry is a bit, so each equation fixes carry and x
    // uniquely (a ± c is within (-2^32, 2^33), far from p).
    let cc = alg.mul_const(c2_32, lv.carry);
    {
        let ac = alg.add(a, lv.c);
        let e = alg.sub(ac, cc);
        let v = alg.sub(x, e);
        alg.gated(k(ADD), v);

        // Signed compares: a' - c' = a - c + 2^32·(c_sign - a_sign) with a' = a ^ 2^31,
        // c' = c ^ 2^31; the signed kinds are a subset of SUBLIKE, so one constraint:
        // SUBLIKE·(x - (a - c + cc)) = 2^32·signed·(c_sign - a_sign).
        let sl = g(alg, &SUBLIKE);
        let amc = alg.sub(a, lv.c);
        let e = alg.add(amc, cc);
        let d = alg.sub(x, e);
        let lhs = alg.mul(sl, d);
        let cmp = g(alg, &[SLT, TGE, TLT]);
        let nu = alg.k_sub(1, lv.unsigned);
        let signed = alg.mul(cmp, nu);
        let ds = alg.sub(lv.c_sign, lv.a_sign);
        let rhs = alg.mul(signed, ds);
        let rhs = alg.mul_const(c2_32, rhs);
        let v = alg.sub(lhs, rhs);
        alg.constraint(v);

        let mv = g(alg, &[MOVZ, MOVN]);
        let v = alg.sub(x, b);
        alg.gated(mv, v);

        // No signed overflow (add, addi, sub): the sign bit of x must be e = a_sign + c_sign -
        // carry (add) or carry + a_sign - c_sign (sub). ovf = 2·x_hi - 2^16·e is range-checked,
        // which holds exactly when e is a bit and is the top bit of x_hi.
        let x_hi2 = alg.mul_const(F::TWO, lv.x_hi);
        let add_e = {
            let t = alg.add(lv.a_sign, lv.c_sign);
            alg.sub(t, lv.carry)
        };
        let sub_e = {
            let t = alg.add(lv.carry, lv.a_sign);
            alg.sub(t, lv.c_sign)
        };
        for (kd, e) in [(ADD, add_e), (SUB, sub_e)] {
            let e16 = alg.mul_const(c2_16, e);
            let r = alg.sub(x_hi2, e16);
            let v = alg.sub(lv.ovf, r);
            let chk = alg.mul(k(kd), nu);
            alg.gated(chk, v);
        }
        let addsub = g(alg, &[ADD, SUB]);
        let checks = alg.mul(addsub, nu);
        let unchecked = alg.k_sub(1, checks);
        alg.gated(unchecked, lv.ovf);

        // zero = [x == 0] on the rows that test it.
        let tz = g(alg, &TESTS_ZERO);
        let xi = alg.mul(x, lv.inv);
        let t = alg.add(xi, lv.zero);
        let v = alg.sub_k(t, 1);
        alg.gated(tz, v);
        let v = alg.mul(lv.zero, x);
        alg.gated(tz, v);
        let ntz = alg.k_sub(1, tz);
        alg.gated(ntz, lv.zero);
        alg.gated(ntz, lv.inv);

        // Unused adder columns are zero.
        let mut uses_carry = SUBLIKE.to_vec();
        uses_carry.push(ADD);
        let uc = g(alg, &uses_carry);
        let nuc = alg.k_sub(1, uc);
        alg.gated(nuc, lv.carry);
        let ux = alg.add(uc, mv);
        let nux = alg.k_sub(1, ux);
        alg.gated(nux, lv.x_lo);
        alg.gated(nux, lv.x_hi);
    }

    // --- Results.
    {
        let grp = g(alg, &[ADD, SUB]);
        let v = alg.sub(lv.out, x);
        alg.gated(grp, v);
        let v = alg.sub(lv.out, lv.carry);
        alg.gated(k(SLT), v);
        let grp = g(alg, &[MOVZ, MOVN]);
        let v = alg.sub(lv.out, a);
        alg.gated(grp, v);
        let lui = alg.mul_const(c2_16, imm16);
        let v = alg.sub(lv.out, lui);
        alg.gated(k(LUI), v);

        // Traps are proven not to trap: carry = [a < c] and zero = [a == c].
        let grp = g(alg, &[TGE, TLT, TEQ, TNE]);
        alg.gated(grp, lv.out);
        let not_carry = alg.k_sub(1, lv.carry);
        let not_zero = alg.k_sub(1, lv.zero);
        alg.gated(k(TGE), not_carry);
        alg.gated(k(TLT), lv.carry);
        alg.gated(k(TEQ), lv.zero);
        alg.gated(k(TNE), not_zero);

        // Branches: out is the taken bit. For blez/bgtz, x = a, and a_sign and zero are never
        // both 1.
        let taken_lt0 = lv.a_sign;
        let taken_ge0 = alg.k_sub(1, lv.a_sign);
        let taken_le0 = alg.add(lv.a_sign, lv.zero);
        let taken_gt0 = alg.k_sub(1, taken_le0);
        for (kd, taken) in [
            (BLTZ, taken_lt0),
            (BGEZ, taken_ge0),
            (BEQ, lv.zero),
            (BNE, not_zero),
            (BLEZ, taken_le0),
            (BGTZ, taken_gt0),
        ] {
            let v = alg.sub(lv.out, taken);
            alg.gated(k(kd), v);
        }
        let none = alg.k_sub(1, any);
        alg.gated(none, lv.out);

        // wen: add/sub/slt/lui always, branch-and-link always, movz when b = 0, movn when
        // b != 0 (`zero` tests x = b on their rows); traps and plain branches never.
        let w = g(alg, &[ADD, SUB, SLT, LUI]);
        let mz = alg.mul(k(MOVZ), lv.zero);
        let mn = alg.mul(k(MOVN), not_zero);
        let e = alg.sum(&[w, lv.link, mz, mn]);
        let v = alg.sub(lv.wen, e);
        alg.constraint(v);
    }
}

impl Stark<F, D> for ArithStark {
    type EvaluationFrame<FE, P, const D2: usize>
        = StarkFrame<P, P::Scalar, NUM_ARITH_COLUMNS, 0>
    where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>;

    type EvaluationFrameTarget = StarkFrame<ExtensionTarget<D>, ExtensionTarget<D>, NUM_ARITH_COLUMNS, 0>;

    fn eval_packed_generic<FE, P, const D2: usize>(
        &self,
        vars: &Self::EvaluationFrame<FE, P, D2>,
        yield_constr: &mut ConstraintConsumer<P>,
    ) where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>,
    {
        let lv = ArithColumns::view(vars.get_local_values());
        let mut alg = Packed { cc: yield_constr };
        eval(&mut alg, lv);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let lv = ArithColumns::view(vars.get_local_values());
        let mut alg = Circuit { builder, cc: yield_constr };
        eval(&mut alg, lv);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
