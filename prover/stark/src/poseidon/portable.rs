//! The permutation without vector instructions: plonky2's own.

use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::field::types::PrimeField64;
use plonky2::hash::poseidon::Poseidon;

use super::WIDTH;

pub(super) const VECTORIZED: bool = false;

/// Permutes one state. The output is canonical.
pub(super) fn permute(state: &mut [u64; WIDTH]) {
    let out = GoldilocksField::poseidon(state.map(GoldilocksField));
    *state = out.map(|x| x.to_canonical_u64());
}

/// Permutes eight states, one after the other. The outputs are canonical.
pub(super) fn permute_x8(states: &mut [[u64; WIDTH]; 8]) {
    for state in states {
        permute(state);
    }
}
