//! Constraints of the SHA_COMPRESS table.
//!
//! **Calls.** `step` is one-hot or zero (padding). On every transition `next.step[j] =
//! step[j - 1]` for `j >= 1`, row 0 has no `step[j >= 1]` and the last row no round step: so
//! every real row belongs to a complete chain of 65 rows (rounds 0..64, then the final row)
//! starting at a `step[0]` row, which the syscall table looks up (`SHA_COMPRESS`, one per
//! call). Along a chain (`round`: `step[j < 64]`) `clk`, the pointers and `h_in` are kept.
//!
//! **Rounds.** The first row's `a..h` are `h_in`, which it reads from memory. On a round row,
//! with `K = sum K[j] step[j]` and the sigma, choice and majority words computed from the bits
//! (on every row, keeping those constraints at degree 3; padding rows are zero), the next row
//! holds the shifted variables (`b' = a`, `c' = b`, `d' = c`, `f' = e`, `g' = f`, `h' = g`)
//! and
//! - `a' + 2^32 carry_a = h + Sigma1 + Ch + K + w + Sigma0 + Maj`,
//! - `e' + 2^32 carry_e = d + h + Sigma1 + Ch + K + w`,
//!
//! with `a'`, `e'` packed from bits (below 2^32) and 3-bit carries. Every term is below 2^32
//! (bits packed, memory words, constants), so the sums are below 2^35 and the equations hold
//! over the integers: `a'` and `e'` are the round's results mod 2^32.
//!
//! **End.** The final row's variables are those after round 63; it proves `out[k] +
//! 2^32 out_carry[k] = h_in[k] + v[k]` with `out[k]` two 16-bit cells and writes `out` over
//! `h` (`MEM`, `before = h_in`: the values the call read there, as the memory table checks).
//!
//! **Addresses.** On a first row `w_ptr = 4 L(0, 1)`, `2^32 - 256 - w_ptr = L(2, 3)`, `h_ptr =
//! 4 L(4, 5)`, `2^32 - 32 - h_ptr = L(6, 7)`: aligned buffers that do not wrap past 2^32.

// The eight working variables, `h_in`, `out` and their cells are indexed together.
#![allow(clippy::needless_range_loop)]

use core::marker::PhantomData;

use plonky2::field::extension::{Extendable, FieldExtension};
use plonky2::field::packed::PackedField;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::algebra::{Circuit, Packed};
use zkmips_stark::cols::ColumnView;

use super::columns::{CompressColumns, NUM_COLUMNS, ROUNDS, ROWS};
use crate::bits::{limb_pair, Bits};
use crate::{BIG_SIGMA0, BIG_SIGMA1, K};

/// The SHA_COMPRESS table's STARK.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShaCompressStark<F, const D: usize> {
    _phantom: PhantomData<F>,
}

impl<F, const D: usize> ShaCompressStark<F, D> {
    pub const fn new() -> Self {
        Self { _phantom: PhantomData }
    }
}

/// The eight working variables as words.
fn vars<C: Bits>(cs: &mut C, l: &CompressColumns<C::V>) -> [C::V; 8] {
    let [a, b, c] = l.abc.each_ref().map(|x| cs.pack(x));
    let [e, f, g] = l.efg.each_ref().map(|x| cs.pack(x));
    [a, b, c, l.d, e, f, g, l.h]
}

/// Every constraint of the table, on the rows `l` (local) and `n` (next).
pub(crate) fn eval<C: Bits>(cs: &mut C, l: &CompressColumns<C::V>, n: &CompressColumns<C::V>) {
    // Chains of 65 rows.
    for &s in &l.step {
        cs.boolean(s);
    }
    let real = cs.sum(&l.step);
    cs.boolean(real);
    for j in 1..ROWS {
        let e = cs.sub(n.step[j], l.step[j - 1]);
        cs.constraint_transition(e);
        cs.constraint_first_row(l.step[j]);
    }
    let round = cs.sum(&l.step[..ROUNDS]);
    cs.constraint_last_row(round);
    for (next, local) in [(n.clk, l.clk), (n.w_ptr, l.w_ptr), (n.h_ptr, l.h_ptr)] {
        cs.equal_when_transition(round, next, local);
    }
    for k in 0..8 {
        cs.equal_when_transition(round, n.h_in[k], l.h_in[k]);
    }

    // The round's functions, on every row.
    for x in l.abc.iter().chain(&l.efg) {
        for &b in x {
            cs.boolean(b);
        }
    }
    let s = cs.sigma(BIG_SIGMA0, &l.abc[0]);
    cs.equal(s, l.sigma0);
    let s = cs.sigma(BIG_SIGMA1, &l.efg[0]);
    cs.equal(s, l.sigma1);
    let [a, b, c] = l.abc;
    let [e, f, g] = l.efg;
    let ch: Vec<_> = (0..32)
        .map(|z| {
            // (e & f) ^ (!e & g): the two terms are never both 1.
            let ef = cs.mul(e[z], f[z]);
            let ne = cs.const_sub(1, e[z]);
            let ng = cs.mul(ne, g[z]);
            cs.add(ef, ng)
        })
        .collect();
    let ch = cs.pack(&ch);
    cs.equal(ch, l.ch);
    let maj: Vec<_> = (0..32)
        .map(|z| {
            // ab + ac + bc - 2abc.
            let ab = cs.mul(a[z], b[z]);
            let ac = cs.mul(a[z], c[z]);
            let bc = cs.mul(b[z], c[z]);
            let abc = cs.mul(ab, c[z]);
            let s = cs.sum(&[ab, ac, bc]);
            let t = cs.times(2, abc);
            cs.sub(s, t)
        })
        .collect();
    let maj = cs.pack(&maj);
    cs.equal(maj, l.maj);

    // The round: the next row's variables.
    let v = vars(cs, l);
    let nv = vars(cs, n);
    for x in 0..32 {
        cs.equal_when_transition(round, n.abc[1][x], l.abc[0][x]);
        cs.equal_when_transition(round, n.abc[2][x], l.abc[1][x]);
        cs.equal_when_transition(round, n.efg[1][x], l.efg[0][x]);
        cs.equal_when_transition(round, n.efg[2][x], l.efg[1][x]);
    }
    cs.equal_when_transition(round, n.d, v[2]);
    cs.equal_when_transition(round, n.h, v[6]);
    let kw: Vec<_> = (0..ROUNDS).map(|j| cs.times(K[j] as u64, l.step[j])).collect();
    let k = cs.sum(&kw);
    for &c in l.carry_a.iter().chain(&l.carry_e) {
        cs.boolean(c);
    }
    let t1 = cs.sum(&[l.h, l.sigma1, l.ch, k, l.w]);
    let t2 = cs.add(l.sigma0, l.maj);
    let new_a = cs.add(t1, t2);
    let carry = cs.pack(&l.carry_a);
    let carry = cs.times(1 << 32, carry);
    let lhs = cs.add(nv[0], carry);
    cs.equal_when_transition(round, lhs, new_a);
    let new_e = cs.add(l.d, t1);
    let carry = cs.pack(&l.carry_e);
    let carry = cs.times(1 << 32, carry);
    let lhs = cs.add(nv[4], carry);
    cs.equal_when_transition(round, lhs, new_e);

    // The first row starts from h_in; the final row adds to it.
    let first = l.step[0];
    let last = l.step[ROUNDS];
    for k in 0..8 {
        cs.equal_when(first, v[k], l.h_in[k]);
        cs.boolean(l.out_carry[k]);
        let carry = cs.times(1 << 32, l.out_carry[k]);
        let lhs = cs.add(l.out[k], carry);
        let rhs = cs.add(l.h_in[k], v[k]);
        cs.equal_when(last, lhs, rhs);
        let halves = limb_pair(cs, &l.out_limbs[2 * k..2 * k + 2]);
        cs.equal(halves, l.out[k]);
    }

    // The buffers.
    for (ptr, len, i) in [(l.w_ptr, 256, 0), (l.h_ptr, 32, 4)] {
        let q = limb_pair(cs, &l.limbs[i..i + 2]);
        let q = cs.times(4, q);
        cs.equal_when(first, ptr, q);
        let room = cs.const_sub((1 << 32) - len, ptr);
        let bound = limb_pair(cs, &l.limbs[i + 2..i + 4]);
        cs.equal_when(first, room, bound);
    }
}

impl<F: RichField + Extendable<D>, const D: usize> Stark<F, D> for ShaCompressStark<F, D> {
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
        let local = CompressColumns::view(vars.get_local_values());
        let next = CompressColumns::view(vars.get_next_values());
        eval(&mut Packed { cc: yield_constr }, local, next);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let local = CompressColumns::view(vars.get_local_values());
        let next = CompressColumns::view(vars.get_next_values());
        eval(&mut Circuit { builder, cc: yield_constr }, local, next);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
