//! zkMIPS STARK table: range.
//!
//! Proves the set `0..2^16` with a multiplicity per value. It is the looked side of the `RANGE16`
//! lookup (see [`zkmips_stark::ctl`]): every column a table lists in its `range_checked_columns()`
//! looks its value up here, and the logUp sum balances only if each looked-up value lies in
//! `0..2^16` and `multiplicity[v]` counts how often `v` was looked up.
//!
//! The trace has exactly 2^16 rows; row `i` holds `value = i` (see [`air`]).

pub mod air;
pub mod columns;
pub mod ctl;
pub mod trace;

pub use air::RangeStark;
pub use columns::{RangeColumns, NUM_COLUMNS};
pub use ctl::{ctl_looked, range_checked_columns};
pub use trace::{add_lookups, generate_trace, NUM_ROWS};
