//! Constraints of the page table.
//!
//! Soundness outline (`n` = trace height, the last row is always padding):
//! - **Block shape.** Flags are bits with at most one of chunk/leaf/node set; `is_top` implies
//!   `is_node`. A chunk row is followed by a chunk or the leaf, the leaf only follows a chunk and
//!   is followed by a node, a node follows the leaf or a non-top node, a non-top node is followed
//!   by a node, a top node by no node. `step` starts at 0 on a block's first chunk (first row
//!   or after a non-chunk row) and grows by one inside a block. The leaf sits exactly at
//!   `STEP_LEAF` (`is_leaf => step = STEP_LEAF`, and `inv` proves `step != STEP_LEAF` on chunk
//!   rows), the top exactly at `STEP_TOP` (the same with `inv` for nodes). So every block is
//!   exactly `CHUNKS` absorbing rows and `TREE_DEPTH` path rows, and (last row inactive) every
//!   block is complete.
//! - **Page index.** `rem` is constant over the absorbing rows and enters the first path row;
//!   `rem = 2 * rem' + bit` down the path and `rem = bit` at the top, so `page = sum bit_l 2^l`
//!   with `TREE_DEPTH` bits: below 2^TREE_DEPTH, and the path bits are the page index's bits.
//!   Word `j` of chunk `c` has address `PAGE_BYTES * page + 32 * c + 4 * j`, below 2^32.
//! - **Hashes.** Chunk rows chain the sponge (capacity 0 on the first chunk; the next row's
//!   capacity is the output's elements 8..12, a lookup); the leaf row's output 0..4 is the leaf.
//!   A path row hashes `(left, right, 0, 0, 0, 0)`, the current node being the half the bit
//!   selects (it equals the output of the row above) and the sibling the other half, the same
//!   for the start and the end path. The top's start output is the current root, its end
//!   output the next root; `root` is constant elsewhere, `ROOT_START` on the first row and
//!   `ROOT_END` on the last.
//! - **Words.** Untouched words keep their value; touched words are looked up in `MEM_INIT`
//!   and `MEM_FINAL` (see `ctl.rs`). Words need no range check: a start word is bound by the
//!   start root, whose words are all below 2^32 (the image is built from `u32`s and every
//!   changed word comes from `MEM_FINAL`, which the memory table keeps canonical).
//! - Pages need not be sorted or distinct: each block is checked against the current root, so
//!   a page opened twice is just two consistent updates (a word touched in both would be looked
//!   up twice in `MEM_INIT`, which the memory table's single row for it rejects).

use core::ops::Neg;

use plonky2::field::extension::FieldExtension;
use plonky2::field::packed::PackedField;
use plonky2::field::types::Field;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::page_public::{COUNT, ROOT_END, ROOT_START};

use super::columns::{PageColumns, NUM_COLUMNS};
use crate::native::{CHUNKS, RATE, TREE_DEPTH};
use crate::{D, F};

/// `step` of a page's leaf row.
pub const STEP_LEAF: usize = CHUNKS - 1;
/// `step` of a page's top path row.
pub const STEP_TOP: usize = CHUNKS + TREE_DEPTH - 1;

/// The page table. Public inputs: `page_public::ROOT_START` and `ROOT_END`.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageStark;

impl Stark<F, D> for PageStark {
    type EvaluationFrame<FE, P, const D2: usize>
        = StarkFrame<P, P::Scalar, NUM_COLUMNS, COUNT>
    where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>;

    type EvaluationFrameTarget = StarkFrame<ExtensionTarget<D>, ExtensionTarget<D>, NUM_COLUMNS, COUNT>;

    fn eval_packed_generic<FE, P, const D2: usize>(
        &self,
        vars: &Self::EvaluationFrame<FE, P, D2>,
        yc: &mut ConstraintConsumer<P>,
    ) where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>,
    {
        let lv = PageColumns::<P>::view(vars.get_local_values());
        let nv = PageColumns::<P>::view(vars.get_next_values());
        let pis = vars.get_public_inputs();
        let one = P::ONES;
        let step_leaf = FE::from_canonical_usize(STEP_LEAF);
        let step_top = FE::from_canonical_usize(STEP_TOP);
        let absorb = lv.is_chunk + lv.is_leaf;
        let active = absorb + lv.is_node;

        // Bits.
        for f in [lv.is_chunk, lv.is_leaf, lv.is_node, lv.is_top, lv.bit, active].into_iter().chain(lv.touched) {
            yc.constraint(f * (f - one));
        }
        yc.constraint(lv.is_top * (one - lv.is_node));

        // Boundaries.
        yc.constraint_first_row(lv.is_leaf);
        yc.constraint_first_row(lv.is_node);
        yc.constraint_first_row(lv.step);
        yc.constraint_last_row(active);
        for k in 0..4 {
            yc.constraint_first_row(lv.cap_s[k]);
            yc.constraint_first_row(lv.cap_e[k]);
            yc.constraint_first_row(lv.root[k] - pis[ROOT_START + k]);
            yc.constraint_last_row(lv.root[k] - pis[ROOT_END + k]);
        }

        // Block shape.
        let starts_block = nv.is_chunk * (one - lv.is_chunk);
        yc.constraint_transition(lv.is_chunk * (one - nv.is_chunk - nv.is_leaf));
        yc.constraint_transition(nv.is_leaf * (one - lv.is_chunk));
        yc.constraint_transition(lv.is_leaf * (one - nv.is_node));
        yc.constraint_transition(nv.is_node * (one - lv.is_leaf - lv.is_node + lv.is_top));
        yc.constraint_transition(lv.is_node * (one - lv.is_top) * (one - nv.is_node));
        yc.constraint_transition((active - lv.is_top) * (nv.step - lv.step - one));
        yc.constraint_transition(starts_block * nv.step);
        for k in 0..4 {
            yc.constraint_transition(starts_block * nv.cap_s[k]);
            yc.constraint_transition(starts_block * nv.cap_e[k]);
        }
        yc.constraint(lv.is_leaf * (lv.step - step_leaf));
        // `step = STEP_LEAF` would make this `is_chunk = 0`: no chunk at the leaf's step.
        yc.constraint(lv.is_chunk * (one - (lv.step - step_leaf) * lv.inv));
        yc.constraint(lv.is_top * (lv.step - step_top));
        // A node at `STEP_TOP` must be the top.
        yc.constraint(lv.is_node * (one - lv.is_top - (lv.step - step_top) * lv.inv));

        // Page index and path bits.
        yc.constraint_transition(absorb * (nv.rem - lv.rem));
        yc.constraint_transition(lv.is_node * (one - lv.is_top) * (lv.rem - nv.rem.doubles() - lv.bit));
        yc.constraint(lv.is_top * (lv.rem - lv.bit));

        // Words.
        for j in 0..RATE {
            yc.constraint(lv.touched[j] * (one - absorb));
            yc.constraint(absorb * (one - lv.touched[j]) * (lv.a[j] - lv.b[j]));
        }

        // Path rows.
        for k in 0..4 {
            yc.constraint(lv.is_node * lv.cap_s[k]);
            yc.constraint(lv.is_node * lv.cap_e[k]);
            // The sibling (the half the bit does not select) is the same on both paths.
            yc.constraint(lv.is_node * (one - lv.bit) * (lv.b[4 + k] - lv.a[4 + k]));
            yc.constraint(lv.is_node * lv.bit * (lv.b[k] - lv.a[k]));
            // The current node is the output of the row above (the leaf or the child).
            let left = nv.is_node * (one - nv.bit);
            let right = nv.is_node * nv.bit;
            yc.constraint_transition(left * (nv.a[k] - lv.out_s[k]));
            yc.constraint_transition(right * (nv.a[4 + k] - lv.out_s[k]));
            yc.constraint_transition(left * (nv.b[k] - lv.out_e[k]));
            yc.constraint_transition(right * (nv.b[4 + k] - lv.out_e[k]));
        }

        // Roots.
        for k in 0..4 {
            yc.constraint(lv.is_top * (lv.out_s[k] - lv.root[k]));
            yc.constraint_transition(lv.is_top * (nv.root[k] - lv.out_e[k]));
            yc.constraint_transition((one - lv.is_top) * (nv.root[k] - lv.root[k]));
        }
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yc: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        type T = ExtensionTarget<D>;
        let lv = PageColumns::<T>::view(vars.get_local_values());
        let nv = PageColumns::<T>::view(vars.get_next_values());
        let pis = vars.get_public_inputs();
        let b = builder;
        let one = b.one_extension();
        let neg_step_leaf = F::from_canonical_usize(STEP_LEAF).neg();
        let neg_step_top = F::from_canonical_usize(STEP_TOP).neg();
        let absorb = b.add_extension(lv.is_chunk, lv.is_leaf);
        let active = b.add_extension(absorb, lv.is_node);

        // Bits.
        for f in [lv.is_chunk, lv.is_leaf, lv.is_node, lv.is_top, lv.bit, active].into_iter().chain(lv.touched) {
            let c = b.mul_sub_extension(f, f, f);
            yc.constraint(b, c);
        }
        let not_node = b.sub_extension(one, lv.is_node);
        let c = b.mul_extension(lv.is_top, not_node);
        yc.constraint(b, c);

        // Boundaries.
        yc.constraint_first_row(b, lv.is_leaf);
        yc.constraint_first_row(b, lv.is_node);
        yc.constraint_first_row(b, lv.step);
        yc.constraint_last_row(b, active);
        for k in 0..4 {
            yc.constraint_first_row(b, lv.cap_s[k]);
            yc.constraint_first_row(b, lv.cap_e[k]);
            let c = b.sub_extension(lv.root[k], pis[ROOT_START + k]);
            yc.constraint_first_row(b, c);
            let c = b.sub_extension(lv.root[k], pis[ROOT_END + k]);
            yc.constraint_last_row(b, c);
        }

        // Block shape.
        let not_chunk = b.sub_extension(one, lv.is_chunk);
        let starts_block = b.mul_extension(nv.is_chunk, not_chunk);
        let t = b.add_extension(nv.is_chunk, nv.is_leaf);
        let t = b.sub_extension(one, t);
        let c = b.mul_extension(lv.is_chunk, t);
        yc.constraint_transition(b, c);
        let c = b.mul_extension(nv.is_leaf, not_chunk);
        yc.constraint_transition(b, c);
        let t = b.sub_extension(one, nv.is_node);
        let c = b.mul_extension(lv.is_leaf, t);
        yc.constraint_transition(b, c);
        let t = b.sub_extension(one, lv.is_leaf);
        let t = b.sub_extension(t, lv.is_node);
        let t = b.add_extension(t, lv.is_top);
        let c = b.mul_extension(nv.is_node, t);
        yc.constraint_transition(b, c);
        let not_top = b.sub_extension(one, lv.is_top);
        let node_not_top = b.mul_extension(lv.is_node, not_top);
        let t = b.sub_extension(one, nv.is_node);
        let c = b.mul_extension(node_not_top, t);
        yc.constraint_transition(b, c);
        let t = b.sub_extension(active, lv.is_top);
        let d = b.sub_extension(nv.step, lv.step);
        let d = b.sub_extension(d, one);
        let c = b.mul_extension(t, d);
        yc.constraint_transition(b, c);
        let c = b.mul_extension(starts_block, nv.step);
        yc.constraint_transition(b, c);
        for k in 0..4 {
            let c = b.mul_extension(starts_block, nv.cap_s[k]);
            yc.constraint_transition(b, c);
            let c = b.mul_extension(starts_block, nv.cap_e[k]);
            yc.constraint_transition(b, c);
        }
        let d_leaf = b.add_const_extension(lv.step, neg_step_leaf);
        let c = b.mul_extension(lv.is_leaf, d_leaf);
        yc.constraint(b, c);
        let t = b.mul_extension(d_leaf, lv.inv);
        let t = b.sub_extension(one, t);
        let c = b.mul_extension(lv.is_chunk, t);
        yc.constraint(b, c);
        let d_top = b.add_const_extension(lv.step, neg_step_top);
        let c = b.mul_extension(lv.is_top, d_top);
        yc.constraint(b, c);
        let t = b.mul_extension(d_top, lv.inv);
        let t = b.sub_extension(not_top, t);
        let c = b.mul_extension(lv.is_node, t);
        yc.constraint(b, c);

        // Page index and path bits.
        let d = b.sub_extension(nv.rem, lv.rem);
        let c = b.mul_extension(absorb, d);
        yc.constraint_transition(b, c);
        let two = F::TWO;
        let t = b.mul_const_extension(two, nv.rem);
        let d = b.sub_extension(lv.rem, t);
        let d = b.sub_extension(d, lv.bit);
        let c = b.mul_extension(node_not_top, d);
        yc.constraint_transition(b, c);
        let d = b.sub_extension(lv.rem, lv.bit);
        let c = b.mul_extension(lv.is_top, d);
        yc.constraint(b, c);

        // Words.
        for j in 0..RATE {
            let t = b.sub_extension(one, absorb);
            let c = b.mul_extension(lv.touched[j], t);
            yc.constraint(b, c);
            let t = b.sub_extension(one, lv.touched[j]);
            let d = b.sub_extension(lv.a[j], lv.b[j]);
            let c = b.mul_many_extension([absorb, t, d]);
            yc.constraint(b, c);
        }

        // Path rows.
        let not_bit = b.sub_extension(one, lv.bit);
        let node_left = b.mul_extension(lv.is_node, not_bit);
        let node_right = b.mul_extension(lv.is_node, lv.bit);
        let next_not_bit = b.sub_extension(one, nv.bit);
        let left = b.mul_extension(nv.is_node, next_not_bit);
        let right = b.mul_extension(nv.is_node, nv.bit);
        for k in 0..4 {
            let c = b.mul_extension(lv.is_node, lv.cap_s[k]);
            yc.constraint(b, c);
            let c = b.mul_extension(lv.is_node, lv.cap_e[k]);
            yc.constraint(b, c);
            let d = b.sub_extension(lv.b[4 + k], lv.a[4 + k]);
            let c = b.mul_extension(node_left, d);
            yc.constraint(b, c);
            let d = b.sub_extension(lv.b[k], lv.a[k]);
            let c = b.mul_extension(node_right, d);
            yc.constraint(b, c);
            for (sel, col, out) in [
                (left, nv.a[k], lv.out_s[k]),
                (right, nv.a[4 + k], lv.out_s[k]),
                (left, nv.b[k], lv.out_e[k]),
                (right, nv.b[4 + k], lv.out_e[k]),
            ] {
                let d = b.sub_extension(col, out);
                let c = b.mul_extension(sel, d);
                yc.constraint_transition(b, c);
            }
        }

        // Roots.
        for k in 0..4 {
            let d = b.sub_extension(lv.out_s[k], lv.root[k]);
            let c = b.mul_extension(lv.is_top, d);
            yc.constraint(b, c);
            let d = b.sub_extension(nv.root[k], lv.out_e[k]);
            let c = b.mul_extension(lv.is_top, d);
            yc.constraint_transition(b, c);
            let d = b.sub_extension(nv.root[k], lv.root[k]);
            let c = b.mul_extension(not_top, d);
            yc.constraint_transition(b, c);
        }
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
