//! The SHA_COMPRESS table: one row per round of a call (64), then a final row that adds the
//! working variables to the hash state and writes it (65 rows per call).
//!
//! A row holds the working variables before its round (`a, b, c, e, f, g` as bits, `d, h` as
//! words), the round's message word, the sigma, choice and majority words, the carries of the
//! two sums, and the call's initial hash state; the final row also holds the new state: see
//! [`columns`], and [`air`] for the constraints and [`ctl`] for the lookups.

pub mod air;
pub mod columns;
pub mod ctl;
pub mod trace;

pub use air::ShaCompressStark;
pub use columns::{col_map, CompressColumns, NUM_COLUMNS, ROUNDS, ROWS};
pub use ctl::{ctl_looked, ctl_mem, range_checked_columns};
pub use trace::{check_call, compress, generate_trace, mem_accesses};
