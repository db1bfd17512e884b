//! The sponge table: one row per absorbed block of a KECCAK_SPONGE call (one row for a call
//! without input).
//!
//! A row holds the rate before the block and the block's data words bit by bit (2 x 1,088
//! cells: xor needs the bits of both), the permutation's input rate (34 limbs) and output (50
//! limbs), the capacity (16 limbs), the old result words (16), the call's pointers, counters
//! and flags (8) and 8 range-checked cells: 2,308 columns. See [`air`] for the constraints and
//! [`ctl`] for the lookups.

pub mod air;
pub mod columns;
pub mod ctl;
pub mod trace;

pub use air::SpongeStark;
pub use columns::{col_map, SpongeColumns, NUM_COLUMNS};
pub use ctl::{ctl_looked, ctl_mem, ctl_perm_in, ctl_perm_out, range_checked_columns};
pub use trace::{check_call, generate_trace, mem_accesses, result_words};
