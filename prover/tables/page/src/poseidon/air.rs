//! Constraints of the Poseidon table.
// The rounds index the state and several column arrays in parallel.
#![allow(clippy::needless_range_loop)]

use plonky2::field::extension::FieldExtension;
use plonky2::field::packed::PackedField;
use plonky2::hash::poseidon::{Poseidon, HALF_N_FULL_ROUNDS, N_PARTIAL_ROUNDS};
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::cols::ColumnView;

use super::columns::{PoseidonColumns, NUM_COLUMNS, WIDTH};
use crate::{D, F};

/// The Poseidon table (no public inputs).
#[derive(Clone, Copy, Debug, Default)]
pub struct PoseidonStark;

impl Stark<F, D> for PoseidonStark {
    type EvaluationFrame<FE, P, const D2: usize>
        = StarkFrame<P, P::Scalar, NUM_COLUMNS, 0>
    where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>;

    type EvaluationFrameTarget = StarkFrame<ExtensionTarget<D>, ExtensionTarget<D>, NUM_COLUMNS, 0>;

    fn eval_packed_generic<FE, P, const D2: usize>(
        &self,
        vars: &Self::EvaluationFrame<FE, P, D2>,
        yc: &mut ConstraintConsumer<P>,
    ) where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>,
    {
        let lv = PoseidonColumns::<P>::view(vars.get_local_values());
        // The S-box: constrain the stored cube, return x^7 = cube^2 * x (degree 3).
        let sbox = |yc: &mut ConstraintConsumer<P>, x: P, cube: P| {
            yc.constraint(cube - x * x * x);
            cube * cube * x
        };
        // A stored S-box input must equal the state it stands for (a degree-3 expression).
        let stored = |yc: &mut ConstraintConsumer<P>, col: P, state: P| {
            yc.constraint(col - state);
            col
        };

        let mut state = lv.input;
        let mut round = 0;
        for h in 0..HALF_N_FULL_ROUNDS {
            F::constant_layer_packed_field::<F, D, FE, P, D2>(&mut state, round);
            for i in 0..WIDTH {
                state[i] = if h == 0 {
                    // Linear in the input: no stored S-box input needed.
                    sbox(yc, state[i], lv.first_cube[i])
                } else {
                    let x = stored(yc, lv.full0_x[h - 1][i], state[i]);
                    sbox(yc, x, lv.full0_cube[h - 1][i])
                };
            }
            state = F::mds_layer_packed_field::<F, D, FE, P, D2>(&state);
            round += 1;
        }
        for k in 0..N_PARTIAL_ROUNDS {
            F::constant_layer_packed_field::<F, D, FE, P, D2>(&mut state, round);
            let x = stored(yc, lv.partial_x[k], state[0]);
            state[0] = sbox(yc, x, lv.partial_cube[k]);
            state = F::mds_layer_packed_field::<F, D, FE, P, D2>(&state);
            round += 1;
        }
        for h in 0..HALF_N_FULL_ROUNDS {
            F::constant_layer_packed_field::<F, D, FE, P, D2>(&mut state, round);
            for i in 0..WIDTH {
                let x = stored(yc, lv.full1_x[h][i], state[i]);
                state[i] = sbox(yc, x, lv.full1_cube[h][i]);
            }
            state = F::mds_layer_packed_field::<F, D, FE, P, D2>(&state);
            round += 1;
        }
        for k in 0..4 {
            yc.constraint(lv.out_lo[k] - state[k]);
            yc.constraint(lv.out_hi[k] - state[8 + k]);
        }

        // The lookup filters are bits and at most one is set.
        let any = lv.is_sponge + lv.is_hash;
        for flag in [lv.is_sponge, lv.is_hash, any] {
            yc.constraint(flag * (flag - P::ONES));
        }
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yc: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let lv = PoseidonColumns::<ExtensionTarget<D>>::view(vars.get_local_values());
        let sbox = |builder: &mut CircuitBuilder<F, D>,
                    yc: &mut RecursiveConstraintConsumer<F, D>,
                    x: ExtensionTarget<D>,
                    cube: ExtensionTarget<D>| {
            let x3 = builder.cube_extension(x);
            let c = builder.sub_extension(cube, x3);
            yc.constraint(builder, c);
            builder.mul_many_extension([cube, cube, x])
        };
        let stored = |builder: &mut CircuitBuilder<F, D>,
                      yc: &mut RecursiveConstraintConsumer<F, D>,
                      col: ExtensionTarget<D>,
                      state: ExtensionTarget<D>| {
            let c = builder.sub_extension(col, state);
            yc.constraint(builder, c);
            col
        };

        let mut state = lv.input;
        let mut round = 0;
        for h in 0..HALF_N_FULL_ROUNDS {
            F::constant_layer_circuit(builder, &mut state, round);
            for i in 0..WIDTH {
                state[i] = if h == 0 {
                    sbox(builder, yc, state[i], lv.first_cube[i])
                } else {
                    let x = stored(builder, yc, lv.full0_x[h - 1][i], state[i]);
                    sbox(builder, yc, x, lv.full0_cube[h - 1][i])
                };
            }
            state = F::mds_layer_circuit(builder, &state);
            round += 1;
        }
        for k in 0..N_PARTIAL_ROUNDS {
            F::constant_layer_circuit(builder, &mut state, round);
            let x = stored(builder, yc, lv.partial_x[k], state[0]);
            state[0] = sbox(builder, yc, x, lv.partial_cube[k]);
            state = F::mds_layer_circuit(builder, &state);
            round += 1;
        }
        for h in 0..HALF_N_FULL_ROUNDS {
            F::constant_layer_circuit(builder, &mut state, round);
            for i in 0..WIDTH {
                let x = stored(builder, yc, lv.full1_x[h][i], state[i]);
                state[i] = sbox(builder, yc, x, lv.full1_cube[h][i]);
            }
            state = F::mds_layer_circuit(builder, &state);
            round += 1;
        }
        for k in 0..4 {
            let c = builder.sub_extension(lv.out_lo[k], state[k]);
            yc.constraint(builder, c);
            let c = builder.sub_extension(lv.out_hi[k], state[8 + k]);
            yc.constraint(builder, c);
        }

        let any = builder.add_extension(lv.is_sponge, lv.is_hash);
        for flag in [lv.is_sponge, lv.is_hash, any] {
            let c = builder.mul_sub_extension(flag, flag, flag);
            yc.constraint(builder, c);
        }
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
