//! Constraints of the SHA_EXTEND table.
//!
//! **Calls.** `step` is one-hot or zero (padding). On every transition `next.step[j] =
//! step[j - 1]` for `j >= 1`, and row 0 has no `step[j >= 1]`: so a row with `step[j]` follows
//! one with `step[j - 1]`, and a row with `step[j < 47]` is followed by `step[j + 1]`; the
//! last row has no `step[j < 47]`. Every real row thus belongs to a complete chain of 48 rows
//! starting at a `step[0]` row, which the syscall table looks up (`SHA_EXTEND`, one per call).
//! Along a chain (`cont`: `step[j < 47]`) `clk` and `w_ptr` are kept and the window shifts:
//! `next.window[k] = window[k + 1]`, `next.window[15] = new`.
//!
//! **Words.** The first row's window is `w[0..16]` read from memory (`MEM`, canonical values);
//! `new` is two 16-bit cells, so every window word is below 2^32. `x15` and `x2` are bits
//! packing to `window[1]` and `window[14]`; `s0`, `s1` are the sigmas of those bits (xor as
//! `a + b - 2ab`); `new + 2^32 (carry0 + 2 carry1) = window[0] + s0 + window[9] + s1`. The sum
//! is below 2^34, far from the field's order, so with `new < 2^32` it is `w[i]` exactly.
//! These hold on every row (padding rows are zero and satisfy them), which keeps the sigma
//! constraints at degree 3.
//!
//! **Address.** On a first row `w_ptr = 4 L(0, 1)` (aligned) and `2^32 - 256 - w_ptr = L(2,
//! 3)` (the buffer does not wrap past 2^32, so no access reaches the register page).

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

use super::columns::{ExtendColumns, NUM_COLUMNS, ROWS, WINDOW};
use crate::bits::{limb_pair, Bits};
use crate::{SMALL_SIGMA0, SMALL_SIGMA1};

/// The SHA_EXTEND table's STARK.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShaExtendStark<F, const D: usize> {
    _phantom: PhantomData<F>,
}

impl<F, const D: usize> ShaExtendStark<F, D> {
    pub const fn new() -> Self {
        Self { _phantom: PhantomData }
    }
}

/// Every constraint of the table, on the rows `l` (local) and `n` (next).
pub(crate) fn eval<C: Bits>(cs: &mut C, l: &ExtendColumns<C::V>, n: &ExtendColumns<C::V>) {
    // Chains of 48 rows.
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
    let cont = cs.sum(&l.step[..ROWS - 1]);
    cs.constraint_last_row(cont);
    cs.equal_when_transition(cont, n.clk, l.clk);
    cs.equal_when_transition(cont, n.w_ptr, l.w_ptr);
    for k in 0..WINDOW - 1 {
        cs.equal_when_transition(cont, n.window[k], l.window[k + 1]);
    }
    cs.equal_when_transition(cont, n.window[WINDOW - 1], l.new);

    // The word.
    for z in 0..32 {
        cs.boolean(l.x15[z]);
        cs.boolean(l.x2[z]);
    }
    let x = cs.pack(&l.x15);
    cs.equal(x, l.window[1]);
    let x = cs.pack(&l.x2);
    cs.equal(x, l.window[14]);
    let s = cs.sigma(SMALL_SIGMA0, &l.x15);
    cs.equal(s, l.s0);
    let s = cs.sigma(SMALL_SIGMA1, &l.x2);
    cs.equal(s, l.s1);
    for &c in &l.carry {
        cs.boolean(c);
    }
    let carry = cs.pack(&l.carry);
    let carry = cs.times(1 << 32, carry);
    let lhs = cs.add(l.new, carry);
    let rhs = cs.sum(&[l.window[0], l.s0, l.window[9], l.s1]);
    cs.equal(lhs, rhs);
    let halves = limb_pair(cs, &l.new_limbs);
    cs.equal(halves, l.new);

    // The buffer.
    let first = l.step[0];
    let q = limb_pair(cs, &l.limbs[0..2]);
    let q = cs.times(4, q);
    cs.equal_when(first, l.w_ptr, q);
    let room = cs.const_sub((1 << 32) - 256, l.w_ptr);
    let bound = limb_pair(cs, &l.limbs[2..4]);
    cs.equal_when(first, room, bound);
}

impl<F: RichField + Extendable<D>, const D: usize> Stark<F, D> for ShaExtendStark<F, D> {
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
        let local = ExtendColumns::view(vars.get_local_values());
        let next = ExtendColumns::view(vars.get_next_values());
        eval(&mut Packed { cc: yield_constr }, local, next);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let local = ExtendColumns::view(vars.get_local_values());
        let next = ExtendColumns::view(vars.get_next_values());
        eval(&mut Circuit { builder, cc: yield_constr }, local, next);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
