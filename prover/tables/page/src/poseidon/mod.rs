//! The Poseidon table: every Poseidon permutation the page table uses, one per row.
//!
//! A row holds the input state, every S-box input that is not linear in the input, and every
//! S-box input's cube, so that the `x^7` S-box is `cube^2 * x` and every constraint has degree
//! 3. Partial rounds are evaluated in their plain form (round constants, S-box on element 0,
//! full MDS), which plonky2's `partial_rounds_naive` shows equal to the fast form of
//! `Poseidon::poseidon`. The output's elements 0..4 and 8..12 are columns; the page table looks
//! up `[input, out_hi]` (sponge steps) and `[input, out_lo]` (leaf and node hashes).

pub mod air;
pub mod columns;
pub mod ctl;
pub mod trace;

pub use air::PoseidonStark;
pub use columns::{PoseidonColumns, NUM_COLUMNS};
pub use trace::{generate_trace, Mode, PoseidonEvent};
