//! The keccak-f[1600] permutation table: one row per round, 24 rows per permutation.
//!
//! A row commits the state after theta bit by bit (1600 cells), the column parities before and
//! after theta (640), the state before and after the round as 32-bit limbs (100), seven bits of
//! lane 0 before iota, the one-hot round number (24) and the permutation's tag (3): 2,374
//! columns, 56,976 cells per permutation. The sponge table looks up each permutation's input
//! (`KECCAK_IN`, round 0) and output (`KECCAK_OUT`, round 23) by its tag. See [`air`] for why
//! the constraints (degree 3) pin every round.

pub mod air;
pub mod columns;
pub mod ctl;
pub mod round;
pub mod trace;

pub use air::KeccakStark;
pub use columns::{col_map, KeccakColumns, NUM_COLUMNS};
pub use ctl::{ctl_in, ctl_out};
pub use trace::{generate_trace, PermEvent};
