//! Constraints of the range table.
//!
//! `value` starts at 0, grows by 1 on every transition and ends at `2^16 - 1`. The last-row
//! constraint pins the height: with first value 0 and steps of 1, the last row holds `n - 1`,
//! which equals `2^16 - 1` only for `n = 2^16` (heights are powers of two below `p`). So the
//! column is exactly `0..2^16` and the lookup proves `0 <= x < 2^16`. `multiplicity` is free: the
//! logUp sum `sum_looking 1/(a - x) = sum_rows multiplicity/(a - value)` is what ties it to the
//! looking side (sound as long as the number of lookups is below the field size).

use core::marker::PhantomData;

use plonky2::field::extension::{Extendable, FieldExtension};
use plonky2::field::packed::PackedField;
use plonky2::field::types::Field;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::cols::ColumnView;

use crate::columns::{RangeColumns, NUM_COLUMNS};
use crate::trace::NUM_ROWS;

/// The range table's STARK.
#[derive(Clone, Copy, Debug, Default)]
pub struct RangeStark<F, const D: usize> {
    _phantom: PhantomData<F>,
}

impl<F, const D: usize> RangeStark<F, D> {
    pub const fn new() -> Self {
        Self { _phantom: PhantomData }
    }
}

impl<F: RichField + Extendable<D>, const D: usize> Stark<F, D> for RangeStark<F, D> {
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
        let local = RangeColumns::view(vars.get_local_values());
        let next = RangeColumns::view(vars.get_next_values());
        let last = FE::from_canonical_u64(NUM_ROWS as u64 - 1);

        yield_constr.constraint_first_row(local.value);
        yield_constr.constraint_transition(next.value - local.value - FE::ONE);
        yield_constr.constraint_last_row(local.value - last);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let local = RangeColumns::view(vars.get_local_values());
        let next = RangeColumns::view(vars.get_next_values());
        let one = builder.one_extension();
        let last = builder.constant_extension(F::Extension::from_canonical_u64(NUM_ROWS as u64 - 1));

        yield_constr.constraint_first_row(builder, local.value);
        let step = builder.sub_extension(next.value, local.value);
        let step = builder.sub_extension(step, one);
        yield_constr.constraint_transition(builder, step);
        let end = builder.sub_extension(local.value, last);
        yield_constr.constraint_last_row(builder, end);
    }

    fn constraint_degree(&self) -> usize {
        // The own constraints are linear; the `RANGE16` check on this looked side,
        // `combine(value) * (z - z_next) - multiplicity`, has degree 2.
        2
    }
}
