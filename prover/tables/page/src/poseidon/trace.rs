//! Trace generation of the Poseidon table.
// The rounds index the state and several column arrays in parallel.
#![allow(clippy::needless_range_loop)]

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use plonky2::hash::poseidon::{Poseidon, HALF_N_FULL_ROUNDS, N_PARTIAL_ROUNDS};
use zkmips_stark::cols::ColumnView;

use super::columns::{PoseidonColumns, NUM_COLUMNS, WIDTH};
use crate::F;

/// Which lookup a permutation answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A sponge step: the looker reads output elements 8..12.
    Sponge,
    /// A hash: the looker reads output elements 0..4.
    Hash,
}

/// One permutation to prove.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoseidonEvent {
    pub input: [F; WIDTH],
    pub mode: Mode,
}

/// Fills `row` with the permutation of `input` and returns the output state.
pub fn fill_row(row: &mut [F], input: [F; WIDTH]) -> [F; WIDTH] {
    let cv = PoseidonColumns::<F>::view_mut(row);
    let sbox = |x: F, cube: &mut F| {
        *cube = x.cube();
        let c = *cube;
        c * c * x
    };
    cv.input = input;
    let mut state = input;
    let mut round = 0;
    for h in 0..HALF_N_FULL_ROUNDS {
        F::constant_layer(&mut state, round);
        for i in 0..WIDTH {
            if h == 0 {
                state[i] = sbox(state[i], &mut cv.first_cube[i]);
            } else {
                cv.full0_x[h - 1][i] = state[i];
                state[i] = sbox(state[i], &mut cv.full0_cube[h - 1][i]);
            }
        }
        state = F::mds_layer(&state);
        round += 1;
    }
    for k in 0..N_PARTIAL_ROUNDS {
        F::constant_layer(&mut state, round);
        cv.partial_x[k] = state[0];
        state[0] = sbox(state[0], &mut cv.partial_cube[k]);
        state = F::mds_layer(&state);
        round += 1;
    }
    for h in 0..HALF_N_FULL_ROUNDS {
        F::constant_layer(&mut state, round);
        for i in 0..WIDTH {
            cv.full1_x[h][i] = state[i];
            state[i] = sbox(state[i], &mut cv.full1_cube[h][i]);
        }
        state = F::mds_layer(&state);
        round += 1;
    }
    cv.out_lo.copy_from_slice(&state[0..4]);
    cv.out_hi.copy_from_slice(&state[8..12]);
    debug_assert_eq!(state, F::poseidon(input));
    state
}

/// The Poseidon trace of `events` (padded with permutations of zero that no lookup selects),
/// at least `min_rows` rows.
pub fn generate_trace(events: &[PoseidonEvent], min_rows: usize) -> Vec<PolynomialValues<F>> {
    let n = events.len().max(min_rows).max(2).next_power_of_two();
    let mut padding = vec![F::ZERO; NUM_COLUMNS];
    fill_row(&mut padding, [F::ZERO; WIDTH]);
    let mut values = vec![F::ZERO; n * NUM_COLUMNS];
    for (i, row) in values.chunks_exact_mut(NUM_COLUMNS).enumerate() {
        let Some(ev) = events.get(i) else {
            row.copy_from_slice(&padding);
            continue;
        };
        fill_row(row, ev.input);
        let cv = PoseidonColumns::<F>::view_mut(row);
        match ev.mode {
            Mode::Sponge => cv.is_sponge = F::ONE,
            Mode::Hash => cv.is_hash = F::ONE,
        }
    }
    (0..NUM_COLUMNS)
        .map(|c| PolynomialValues::new(values.iter().skip(c).step_by(NUM_COLUMNS).copied().collect()))
        .collect()
}
