//! The constraints of the bitwise ALU table (logic, shifts, bit fields, byte operations).
//!
//! Every constraint is written once, in [`eval`], against the small [`Alg`] interface; the
//! native (packed) and the recursive (circuit) evaluators implement it, so the two express
//! exactly the same polynomials. All constraints have degree <= 3: a one-hot flag (or a sum of
//! them) times an expression of degree <= 2.
//!
//! What the reusable columns hold, by operation (`c` is `Σ 2^i c_bits[i]`, `x`/`y` the limbs'
//! values, `pw = 2^k`):
//! - R-type, `ins`, BSHFL: `c = b`. `andi`/`ori`/`xori`: `c = zext(imm16)`.
//!   `clz`/`clo`: `c_bits` is a thermometer (ones from the top down to the leading bit).
//!   `ext`: `c_bits` is the mask of the field.
//! - shifter: `b·pw = x + y·2^32`; left shifts use `k = s`, right shifts and rotations
//!   `k = (32 - s) mod 32`, so that `y` is `b >> s` (or `x` is `b` when `s = 0`).
//! - `ins` takes two rows: the second (`ins_aux`) holds the field mask in `c_bits` and
//!   `(a << lsb) mod 2^32` in `a_bits`, with its `y` and `pw` for that product.

use plonky2::field::extension::FieldExtension;
use plonky2::field::packed::PackedField;
use plonky2::field::types::Field;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_isa::Op;
use zkmips_stark::algebra::{Algebra, Circuit, Packed};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::{D, F};

use crate::columns::{AluColumns, NUM_COLUMNS};
use crate::ops::{op_index, pattern, OPS};

/// The bitwise ALU table.
#[derive(Clone, Copy, Debug, Default)]
pub struct AluStark;

impl AluStark {
    pub const fn new() -> Self {
        AluStark
    }
}

const TWO_32: u64 = 1 << 32;

// Operation groups.
pub(crate) const LEFT_SHIFTS: [Op; 2] = [Op::Sll, Op::Sllv];
pub(crate) const RIGHT_SHIFTS: [Op; 6] = [Op::Srl, Op::Sra, Op::Rotr, Op::Srlv, Op::Srav, Op::Rotrv];
pub(crate) const SHIFTS: [Op; 8] = [Op::Sll, Op::Sllv, Op::Srl, Op::Sra, Op::Rotr, Op::Srlv, Op::Srav, Op::Rotrv];
pub(crate) const C_IS_B: [Op; 16] = [
    Op::Sll,
    Op::Srl,
    Op::Sra,
    Op::Rotr,
    Op::Sllv,
    Op::Srlv,
    Op::Srav,
    Op::Rotrv,
    Op::And,
    Op::Or,
    Op::Xor,
    Op::Nor,
    Op::Ins,
    Op::Wsbh,
    Op::Seb,
    Op::Seh,
];
pub(crate) const C_ZEXT: [Op; 3] = [Op::Andi, Op::Ori, Op::Xori];
/// Operations whose destination is `rd` (the others write `rt`); every operation of this
/// table writes.
pub(crate) fn writes_rd(op: Op) -> bool {
    !matches!(op, Op::Andi | Op::Ori | Op::Xori | Op::Ext | Op::Ins)
}

/// The bit positions of `wsbh`'s output: bit `i` of `b` goes to bit `WSBH[i]`.
pub(crate) fn wsbh_target(i: usize) -> usize {
    i ^ 8
}

/// Helpers over the shared constraint algebra.
pub(crate) trait Alg: Algebra {
    /// `c·a`.
    fn mul_const(&mut self, c: F, a: Self::V) -> Self::V {
        self.scale(a, c)
    }
    fn k(&mut self, c: u64) -> Self::V {
        self.constant(F::from_canonical_u64(c))
    }
    /// `Σ c_i·v_i`.
    fn lin(&mut self, terms: &[(F, Self::V)]) -> Self::V {
        let mut acc = self.k(0);
        for &(c, v) in terms {
            let t = self.mul_const(c, v);
            acc = self.add(acc, t);
        }
        acc
    }
    /// `Σ 2^i·v_i`.
    fn bits(&mut self, vs: &[Self::V]) -> Self::V {
        let terms: Vec<(F, Self::V)> =
            vs.iter().enumerate().map(|(i, &v)| (F::from_canonical_u64(1 << i), v)).collect();
        self.lin(&terms)
    }
    /// `a + c`, with `c` a constant.
    fn add_k(&mut self, a: Self::V, c: u64) -> Self::V {
        let k = self.k(c);
        self.add(a, k)
    }
    /// `a - c`, with `c` a constant.
    fn sub_k(&mut self, a: Self::V, c: u64) -> Self::V {
        let k = self.k(c);
        self.sub(a, k)
    }
    /// `c - a`.
    fn k_sub(&mut self, c: u64, a: Self::V) -> Self::V {
        let k = self.k(c);
        self.sub(k, a)
    }
    fn gated(&mut self, flag: Self::V, v: Self::V) {
        let p = self.mul(flag, v);
        self.constraint(p);
    }
    fn gated_transition(&mut self, flag: Self::V, v: Self::V) {
        let p = self.mul(flag, v);
        self.constraint_transition(p);
    }
    fn boolean(&mut self, v: Self::V) {
        let one_minus = self.k_sub(1, v);
        self.gated(v, one_minus);
    }
}

/// Number of bit transitions of `m` with zeros on both sides: 2 for a single non-empty run.
fn transitions<A: Alg>(alg: &mut A, m: &[A::V; 32]) -> A::V {
    let mut acc = alg.add(m[0], m[31]);
    for i in 1..32 {
        let d = alg.sub(m[i], m[i - 1]);
        let d2 = alg.mul(d, d);
        acc = alg.add(acc, d2);
    }
    acc
}

/// Constrains `m` to be the run of ones `[lsb, lsb + size)` (nothing can satisfy it when the run
/// would leave the word or `size` is not in `1..=32`).
///
/// Sound because: with boolean `m`, exactly two transitions mean one maximal non-empty run
/// `[p, q]`; `Σ m_i = size` fixes its length and `2·Σ i·m_i = size·(2p + size - 1)` then fixes
/// `p = lsb` (all terms are small integers, `size != 0`).
fn run_mask<A: Alg>(alg: &mut A, flag: A::V, m: &[A::V; 32], lsb: A::V, size: A::V, transition: bool) {
    let emit = |alg: &mut A, v: A::V| {
        if transition {
            alg.gated_transition(flag, v)
        } else {
            alg.gated(flag, v)
        }
    };
    let count = alg.sum(m);
    let v = alg.sub(count, size);
    emit(alg, v);
    let t = transitions(alg, m);
    let v = alg.sub_k(t, 2);
    emit(alg, v);
    let weighted: Vec<(F, A::V)> = (0..32).map(|i| (F::from_canonical_u64(2 * i as u64), m[i])).collect();
    let lhs = alg.lin(&weighted);
    let two_lsb = alg.mul_const(F::TWO, lsb);
    let s1 = alg.add(two_lsb, size);
    let s2 = alg.sub_k(s1, 1);
    let rhs = alg.mul(size, s2);
    let v = alg.sub(lhs, rhs);
    emit(alg, v);
}

/// All constraints of the table.
pub(crate) fn eval<A: Alg>(alg: &mut A, lv: &AluColumns<A::V>, nv: &AluColumns<A::V>) {
    let f = |op: Op| lv.op[op_index(op).expect("ALU op")];
    let g = |alg: &mut A, ops: &[Op]| {
        let vs: Vec<A::V> = ops.iter().map(|&o| f(o)).collect();
        alg.sum(&vs)
    };
    let c2_32 = F::from_canonical_u64(TWO_32);

    // --- Booleans and the one-hot flags.
    for &v in lv.op.iter().chain([&lv.ins_aux]) {
        alg.boolean(v);
    }
    let mut all = lv.op.to_vec();
    all.push(lv.ins_aux);
    let any = alg.sum(&all);
    alg.boolean(any);
    for &v in lv.a_bits.iter().chain(lv.c_bits.iter()).chain(lv.k_bits.iter()) {
        alg.boolean(v);
    }
    alg.boolean(lv.nz);

    // --- Decoding: each flag pins its opcode (through the CTL's opcode column, a combination
    // of the flags) and here the other fields that select the operation or that the decoder
    // requires to be zero.
    for &op in OPS.iter() {
        let p = pattern(op);
        for (field, want) in [(lv.funct, p.funct), (lv.rs, p.rs), (lv.rt, p.rt), (lv.shamt, p.shamt)] {
            if let Some(w) = want {
                let v = alg.sub_k(field, w as u64);
                alg.gated(f(op), v);
            }
        }
    }

    // --- Common values.
    let a = alg.bits(&lv.a_bits);
    let c = alg.bits(&lv.c_bits);
    let c31 = lv.c_bits[31];
    let x = {
        let hi = alg.mul_const(F::from_canonical_u64(1 << 16), lv.x[1]);
        alg.add(lv.x[0], hi)
    };
    let y = {
        let hi = alg.mul_const(F::from_canonical_u64(1 << 16), lv.y[1]);
        alg.add(lv.y[0], hi)
    };
    let imm16 = alg.lin(&[
        (F::from_canonical_u64(1 << 11), lv.rd),
        (F::from_canonical_u64(1 << 6), lv.shamt),
        (F::ONE, lv.funct),
    ]);
    let and = {
        let terms: Vec<A::V> = (0..32)
            .map(|i| {
                let p = alg.mul(lv.a_bits[i], lv.c_bits[i]);
                alg.mul_const(F::from_canonical_u64(1 << i), p)
            })
            .collect();
        alg.sum(&terms)
    };
    let kval = alg.bits(&lv.k_bits);
    let s_var = alg.bits(&lv.a_bits[..5]);

    // --- The second operand c.
    {
        let grp = g(alg, &C_IS_B);
        let v = alg.sub(lv.b, c);
        alg.gated(grp, v);
        let grp = g(alg, &C_ZEXT);
        let v = alg.sub(c, imm16);
        alg.gated(grp, v);
    }

    // --- Logic.
    {
        let apc = alg.add(a, c);
        let or = alg.sub(apc, and);
        let and2 = alg.mul_const(F::TWO, and);
        let xor = alg.sub(apc, and2);
        let nor = alg.k_sub(0xFFFF_FFFF, or);
        for (ops, val) in [
            (&[Op::And, Op::Andi][..], and),
            (&[Op::Or, Op::Ori][..], or),
            (&[Op::Xor, Op::Xori][..], xor),
            (&[Op::Nor][..], nor),
        ] {
            let grp = g(alg, ops);
            let v = alg.sub(lv.out, val);
            alg.gated(grp, v);
        }
    }

    // --- Shifter: b·pw = x + y·2^32. b < 2^32 and pw <= 2^31, so the product is below 2^63;
    // x and y are range-checked and y_hi != 0xffff (the true y is below 2^31), so
    // x + y·2^32 < p and the equation is an integer equality: x and y are the product's words.
    {
        let grp = g(alg, &SHIFTS);
        let prod = alg.mul(lv.b, lv.pw);
        let y32 = alg.mul_const(c2_32, y);
        let xy = alg.add(x, y32);
        let v = alg.sub(prod, xy);
        alg.gated(grp, v);
        let aux_or_shift = alg.add(grp, lv.ins_aux);
        let yh = alg.sub_k(lv.y[1], 0xFFFF);
        let t = alg.mul(lv.inv, yh);
        let v = alg.sub_k(t, 1);
        alg.gated(aux_or_shift, v);

        // Shift amounts: k = s (left); s + k = 32·nz (right): nz = 0 forces s = k = 0, nz = 1
        // forces k = 32 - s with s >= 1.
        let v = alg.sub(kval, lv.shamt);
        alg.gated(f(Op::Sll), v);
        let v = alg.sub(kval, s_var);
        alg.gated(f(Op::Sllv), v);
        let nz32 = alg.mul_const(F::from_canonical_u64(32), lv.nz);
        let grp = g(alg, &[Op::Srl, Op::Sra, Op::Rotr]);
        let t = alg.add(lv.shamt, kval);
        let v = alg.sub(t, nz32);
        alg.gated(grp, v);
        let grp = g(alg, &[Op::Srlv, Op::Srav, Op::Rotrv]);
        let t = alg.add(s_var, kval);
        let v = alg.sub(t, nz32);
        alg.gated(grp, v);

        // Results: rotations are x + y; a right shift is y, or x when s = 0; sra adds the sign
        // fill 2^32 - 2^(32-s) (0 when s = 0).
        let grp = g(alg, &LEFT_SHIFTS);
        let v = alg.sub(lv.out, x);
        alg.gated(grp, v);
        let xpy = alg.add(x, y);
        let grp = g(alg, &[Op::Rotr, Op::Rotrv]);
        let v = alg.sub(lv.out, xpy);
        alg.gated(grp, v);
        let nzx = alg.mul(lv.nz, x);
        let srl = alg.sub(xpy, nzx);
        let grp = g(alg, &[Op::Srl, Op::Srlv]);
        let v = alg.sub(lv.out, srl);
        alg.gated(grp, v);
        let not_nz = alg.k_sub(1, lv.nz);
        let t = alg.mul_const(F::from_canonical_u64(0xFFFF_FFFF), not_nz);
        let t = alg.add(t, lv.pw);
        let fill = alg.k_sub(TWO_32, t);
        let sfill = alg.mul(c31, fill);
        let sra = alg.add(srl, sfill);
        let grp = g(alg, &[Op::Sra, Op::Srav]);
        let v = alg.sub(lv.out, sra);
        alg.gated(grp, v);
    }

    // --- pw = 2^k, on every row (k = 0 where unused).
    {
        let kb = &lv.k_bits;
        let f1 = alg.add_k(kb[0], 1);
        let t = alg.mul_const(F::from_canonical_u64(3), kb[1]);
        let f2 = alg.add_k(t, 1);
        let t = alg.mul_const(F::from_canonical_u64(15), kb[2]);
        let f3 = alg.add_k(t, 1);
        let p = alg.mul(f1, f2);
        let p = alg.mul(p, f3);
        let v = alg.sub(lv.p_lo, p);
        alg.constraint(v);
        let t = alg.mul_const(F::from_canonical_u64(255), kb[3]);
        let f4 = alg.add_k(t, 1);
        let t = alg.mul_const(F::from_canonical_u64(65535), kb[4]);
        let f5 = alg.add_k(t, 1);
        let p = alg.mul(lv.p_lo, f4);
        let p = alg.mul(p, f5);
        let v = alg.sub(lv.pw, p);
        alg.constraint(v);
    }

    // --- clz / clo: c_bits is a thermometer T (T_32 := 1, a single 0 -> 1 step, or all ones);
    // a has no bit (clz) / no zero bit (clo) under it, and the bit just below it is 1 (clz) /
    // 0 (clo); then the count is Σ T_i.
    {
        let t = &lv.c_bits;
        let mut trans = {
            let d = alg.k_sub(1, t[31]);
            alg.mul(d, d)
        };
        let mut bnd = {
            let d = alg.k_sub(1, t[31]);
            alg.mul(lv.a_bits[31], d)
        };
        for i in 0..31 {
            let d = alg.sub(t[i + 1], t[i]);
            let d2 = alg.mul(d, d);
            trans = alg.add(trans, d2);
            let ad = alg.mul(lv.a_bits[i], d);
            bnd = alg.add(bnd, ad);
        }
        let one_minus_t0 = alg.k_sub(1, t[0]);
        let grp = alg.add(f(Op::Clz), f(Op::Clo));
        let v = alg.sub(trans, one_minus_t0);
        alg.gated(grp, v);
        let count = alg.sum(t);
        let v = alg.sub(lv.out, count);
        alg.gated(grp, v);
        // clz: a & T = 0, a_j = 1 at the step. clo: (!a) & T = 0, i.e. a & T = T; a_j = 0.
        alg.gated(f(Op::Clz), and);
        let v = alg.sub(bnd, one_minus_t0);
        alg.gated(f(Op::Clz), v);
        let v = alg.sub(c, and);
        alg.gated(f(Op::Clo), v);
        alg.gated(f(Op::Clo), bnd);
    }

    // --- ext: c_bits is the mask of bits [lsb, lsb + size); out·2^lsb = a & mask, which is a
    // multiple of 2^lsb below 2^32, so out is its exact quotient.
    {
        let fl = f(Op::Ext);
        let size = alg.add_k(lv.rd, 1);
        run_mask(alg, fl, &lv.c_bits, lv.shamt, size, false);
        let v = alg.sub(kval, lv.shamt);
        alg.gated(fl, v);
        let op = alg.mul(lv.out, lv.pw);
        let v = alg.sub(op, and);
        alg.gated(fl, v);
    }

    // --- ins (this row: a_bits = a, c_bits = b; next row, ins_aux: a_bits = X = (a << lsb) mod
    // 2^32, c_bits = mask M of [lsb, msb]). out = Σ 2^i·(M_i ? X_i : b_i).
    {
        let fl = f(Op::Ins);
        alg.constraint_last_row(fl);
        let na = alg.k_sub(1, nv.ins_aux);
        alg.gated_transition(fl, na);
        let nk = alg.bits(&nv.k_bits);
        let v = alg.sub(nk, lv.shamt);
        alg.gated_transition(fl, v);
        // a·2^lsb = X + y'·2^32 (next row's y, range-checked, y_hi != 0xffff there): as for
        // the shifter, an integer equality.
        let prod = alg.mul(a, nv.pw);
        let xn = alg.bits(&nv.a_bits);
        let ny = {
            let hi = alg.mul_const(F::from_canonical_u64(1 << 16), nv.y[1]);
            alg.add(nv.y[0], hi)
        };
        let ny32 = alg.mul_const(c2_32, ny);
        let xy = alg.add(xn, ny32);
        let v = alg.sub(prod, xy);
        alg.gated_transition(fl, v);
        let t = alg.sub(lv.rd, lv.shamt);
        let size = alg.add_k(t, 1);
        run_mask(alg, fl, &nv.c_bits, lv.shamt, size, true);
        let terms: Vec<A::V> = (0..32)
            .map(|i| {
                let d = alg.sub(nv.a_bits[i], lv.c_bits[i]);
                let md = alg.mul(nv.c_bits[i], d);
                let bit = alg.add(lv.c_bits[i], md);
                alg.mul_const(F::from_canonical_u64(1 << i), bit)
            })
            .collect();
        let val = alg.sum(&terms);
        let v = alg.sub(lv.out, val);
        alg.gated_transition(fl, v);
    }

    // --- Byte operations on b (c = b).
    {
        let terms: Vec<(F, A::V)> =
            (0..32).map(|i| (F::from_canonical_u64(1 << wsbh_target(i)), lv.c_bits[i])).collect();
        let w = alg.lin(&terms);
        let v = alg.sub(lv.out, w);
        alg.gated(f(Op::Wsbh), v);
        for (op, n) in [(Op::Seb, 8usize), (Op::Seh, 16)] {
            let low = alg.bits(&lv.c_bits[..n]);
            let ext = alg.mul_const(F::from_canonical_u64(TWO_32 - (1 << n)), lv.c_bits[n - 1]);
            let e = alg.add(low, ext);
            let v = alg.sub(lv.out, e);
            alg.gated(f(op), v);
        }
    }

    // --- Unused witness columns are zero (keeps every row's witness unique).
    {
        let sh = g(alg, &SHIFTS);
        let nsh = alg.k_sub(1, sh);
        for &l in &lv.x {
            alg.gated(nsh, l);
        }
        let uy = alg.add(sh, lv.ins_aux);
        let nuy = alg.k_sub(1, uy);
        for &l in &lv.y {
            alg.gated(nuy, l);
        }
        let ext = f(Op::Ext);
        let uk = alg.add(uy, ext);
        let nuk = alg.k_sub(1, uk);
        for &kb in &lv.k_bits {
            alg.gated(nuk, kb);
        }
        let right = g(alg, &RIGHT_SHIFTS);
        let nr = alg.k_sub(1, right);
        alg.gated(nr, lv.nz);
    }
}

impl<A: Algebra> Alg for A {}

impl Stark<F, D> for AluStark {
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
        let lv = AluColumns::view(vars.get_local_values());
        let nv = AluColumns::view(vars.get_next_values());
        let mut alg = Packed { cc: yield_constr };
        eval(&mut alg, lv, nv);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let lv = AluColumns::view(vars.get_local_values());
        let nv = AluColumns::view(vars.get_next_values());
        let mut alg = Circuit { builder, cc: yield_constr };
        eval(&mut alg, lv, nv);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
