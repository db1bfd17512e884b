//! Constraints of the sponge table.
//!
//! **Calls.** A call's rows are consecutive: a first row (`is_first`, looked up by the syscall
//! table with the call's `clk`, `$a0` and `$a1`), then one row per block, the last one
//! `is_last`; a call without input has a single row, `is_empty` (first and last). Padding rows
//! (`is_absorb = is_empty = 0`) are zero. Sequencing: on a row that absorbs and is not last
//! (`cont`), the next row absorbs, is not first, and keeps `clk` and `result`, advances `input`
//! by 144 bytes (36 words) and counts `left` down by one; after any other row a real row is a
//! first row; row 0 is first iff real, and the last row does not continue. So every real row
//! belongs to a chain that starts at a first row (matched to exactly one `syscall`) and ends at
//! a last row inside the trace.
//!
//! **Length.** The first row reads `result[16]` and finds `36 * left`. A chain's last
//! absorbing row has `left = 1`, so a chain started at `left = n` has exactly `n` rows (one that
//! started at 0 would need `p - 1`); an empty row has `left = 0`. So the length read is 36
//! times the number of blocks absorbed: a multiple of 36, as the VM requires.
//!
//! **Absorbing.** `state` (bits) is zero on a first row and is the previous row's permutation
//! output (`out`) on the next rows; `xored = state ^ data` bit by bit, with `data` the bits of
//! the words read at `input + 4w`. `[xored, capacity] -> out` is one permutation, looked up in
//! the permutation table under the tag `(clk, left)`, which no two blocks share (calls have
//! distinct cycles, and a call's blocks distinct `left`). The last row writes `out[0..16]`
//! (zero for an empty call) to `result[0..16]`.
//!
//! **Addresses.** With `L(i, j) = limbs[i] + 2^16 limbs[j]` in `0..2^32` (16-bit cells): on
//! the first row `input = 4 L(0, 1)` and `result = 4 L(2, 3)` (both 4-byte aligned, as the
//! VM requires) and `2^32 - 68 - result = L(4, 5)`; on the last absorbing row `2^32 - 136 -
//! input = L(6, 7)`. Every word read or written is then a memory word below 2^32, never the
//! register page (the VM's wrapping of addresses past 2^32 is not proven).

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

use super::columns::{SpongeColumns, BLOCK_WORDS, NUM_COLUMNS, RATE_WORDS, RESULT_WORDS};
use zkmips_stark::algebra::Gadgets;

/// The sponge table's STARK.
#[derive(Clone, Copy, Debug, Default)]
pub struct SpongeStark<F, const D: usize> {
    _phantom: PhantomData<F>,
}

impl<F, const D: usize> SpongeStark<F, D> {
    pub const fn new() -> Self {
        Self { _phantom: PhantomData }
    }
}

/// `limbs[i] + 2^16 limbs[j]`.
fn limb_pair<C: Gadgets>(cs: &mut C, l: &SpongeColumns<C::V>, i: usize, j: usize) -> C::V {
    let hi = cs.times(1 << 16, l.limbs[j]);
    cs.add(l.limbs[i], hi)
}

/// Every constraint of the table, on the rows `l` (local) and `n` (next).
pub(crate) fn eval<C: Gadgets>(cs: &mut C, l: &SpongeColumns<C::V>, n: &SpongeColumns<C::V>) {
    // Row kinds.
    for f in [l.is_first, l.is_last, l.is_absorb, l.is_empty] {
        cs.boolean(f);
    }
    let real = cs.add(l.is_absorb, l.is_empty);
    cs.boolean(real);
    let not_real = cs.const_sub(1, real);
    cs.when(l.is_first, not_real);
    cs.when(l.is_last, not_real);
    let e = cs.const_sub(1, l.is_first);
    cs.when(l.is_empty, e);
    let e = cs.const_sub(1, l.is_last);
    cs.when(l.is_empty, e);
    cs.when(l.is_empty, l.left);
    for &w in &l.out[..RESULT_WORDS] {
        cs.when(l.is_empty, w);
    }

    // Absorbing: xored = state ^ data, bit by bit; the state starts at zero.
    let mut state_words = Vec::with_capacity(RATE_WORDS);
    for w in 0..RATE_WORDS {
        for z in 0..32 {
            cs.boolean(l.state[w][z]);
            cs.boolean(l.data[w][z]);
        }
        let bits: Vec<_> = (0..32).map(|z| cs.xor(l.state[w][z], l.data[w][z])).collect();
        let x = cs.pack(&bits);
        let e = cs.sub(l.xored[w], x);
        cs.constraint(e);
        let s = cs.pack(&l.state[w]);
        cs.when(l.is_first, s);
        state_words.push(s);
    }
    for &c in &l.capacity {
        cs.when(l.is_first, c);
    }

    // Chains of blocks.
    let last_block = cs.mul(l.is_last, l.is_absorb);
    let e = cs.sub_const(l.left, 1);
    cs.when(last_block, e);
    let not_last = cs.const_sub(1, l.is_last);
    let cont = cs.mul(l.is_absorb, not_last);
    let e = cs.sub_const(n.is_absorb, 1);
    cs.when_transition(cont, e);
    cs.when_transition(cont, n.is_first);
    for (next, local) in [(n.clk, l.clk), (n.result, l.result)] {
        let e = cs.sub(next, local);
        cs.when_transition(cont, e);
    }
    let e = cs.sub(n.input, l.input);
    let e = cs.sub_const(e, 4 * BLOCK_WORDS as u64);
    cs.when_transition(cont, e);
    let e = cs.sub(l.left, n.left);
    let e = cs.sub_const(e, 1);
    cs.when_transition(cont, e);
    for w in 0..RATE_WORDS {
        let s = cs.pack(&n.state[w]);
        let e = cs.sub(s, l.out[w]);
        cs.when_transition(cont, e);
    }
    for (k, &c) in n.capacity.iter().enumerate() {
        let e = cs.sub(c, l.out[RATE_WORDS + k]);
        cs.when_transition(cont, e);
    }
    let next_real = cs.add(n.is_absorb, n.is_empty);
    let starts = cs.const_sub(1, cont);
    let starts = cs.mul(next_real, starts);
    let e = cs.sub(n.is_first, starts);
    cs.constraint_transition(e);
    let e = cs.sub(l.is_first, real);
    cs.constraint_first_row(e);
    cs.constraint_last_row(cont);

    // Alignment and bounds of the buffers.
    let l01 = limb_pair(cs, l, 0, 1);
    let t = cs.times(4, l01);
    let e = cs.sub(l.input, t);
    cs.when(l.is_first, e);
    let l23 = limb_pair(cs, l, 2, 3);
    let t = cs.times(4, l23);
    let e = cs.sub(l.result, t);
    cs.when(l.is_first, e);
    let l45 = limb_pair(cs, l, 4, 5);
    let e = cs.const_sub((1 << 32) - 4 * (RESULT_WORDS as u64 + 1), l.result);
    let e = cs.sub(e, l45);
    cs.when(l.is_first, e);
    let l67 = limb_pair(cs, l, 6, 7);
    let e = cs.const_sub((1 << 32) - 4 * RATE_WORDS as u64, l.input);
    let e = cs.sub(e, l67);
    cs.when(last_block, e);
}

impl<F: RichField + Extendable<D>, const D: usize> Stark<F, D> for SpongeStark<F, D> {
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
        let local = SpongeColumns::view(vars.get_local_values());
        let next = SpongeColumns::view(vars.get_next_values());
        eval(&mut Packed { cc: yield_constr }, local, next);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let local = SpongeColumns::view(vars.get_local_values());
        let next = SpongeColumns::view(vars.get_next_values());
        eval(&mut Circuit { builder, cc: yield_constr }, local, next);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
