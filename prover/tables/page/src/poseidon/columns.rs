//! Columns of the Poseidon table: one row per permutation.

use plonky2::hash::poseidon::{HALF_N_FULL_ROUNDS, N_PARTIAL_ROUNDS, SPONGE_WIDTH};

/// Width of the permutation.
pub const WIDTH: usize = SPONGE_WIDTH;
/// Full rounds after the first (the first round's S-box inputs are linear in `input`).
pub const LATER_FIRST_HALF: usize = HALF_N_FULL_ROUNDS - 1;

#[repr(C)]
pub struct PoseidonColumns<T> {
    /// The permutation's input state.
    pub input: [T; WIDTH],
    /// Cubes of the S-box inputs of full round 0 (`input[i] + round constant`).
    pub first_cube: [T; WIDTH],
    /// S-box inputs (after the round constants) of full rounds 1..4.
    pub full0_x: [[T; WIDTH]; LATER_FIRST_HALF],
    /// Cubes of `full0_x`.
    pub full0_cube: [[T; WIDTH]; LATER_FIRST_HALF],
    /// S-box input (state element 0 after the round constants) of each partial round.
    pub partial_x: [T; N_PARTIAL_ROUNDS],
    /// Cubes of `partial_x`.
    pub partial_cube: [T; N_PARTIAL_ROUNDS],
    /// S-box inputs of the last four full rounds.
    pub full1_x: [[T; WIDTH]; HALF_N_FULL_ROUNDS],
    /// Cubes of `full1_x`.
    pub full1_cube: [[T; WIDTH]; HALF_N_FULL_ROUNDS],
    /// Output elements 0..4 (the digest of a hash).
    pub out_lo: [T; 4],
    /// Output elements 8..12 (the capacity carried by a sponge).
    pub out_hi: [T; 4],
    /// 1 if the row answers the `sponge` lookup (`[input, out_hi]`).
    pub is_sponge: T,
    /// 1 if the row answers the `hash` lookup (`[input, out_lo]`).
    pub is_hash: T,
}

zkmips_stark::impl_columns!(PoseidonColumns);

pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<PoseidonColumns<u64>>();
