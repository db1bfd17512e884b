//! The SHA_EXTEND table: one row per word of the message schedule a call computes, `w[16]` to
//! `w[63]` (48 rows per call).
//!
//! A row holds the 16 words before the one it computes (a sliding window, read from memory on
//! the call's first row and shifted along the call's rows), the bits of the two words the
//! sigmas rotate, the new word and its carry, and the word it overwrites: see [`columns`], and
//! [`air`] for the constraints and [`ctl`] for the lookups.

pub mod air;
pub mod columns;
pub mod ctl;
pub mod trace;

pub use air::ShaExtendStark;
pub use columns::{col_map, ExtendColumns, NUM_COLUMNS, ROWS};
pub use ctl::{ctl_looked, ctl_mem, range_checked_columns};
pub use trace::{check_call, extend, generate_trace, mem_accesses};
