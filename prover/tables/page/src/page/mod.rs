//! The page table: opens every touched page at the start root and re-hashes it into the end root.
//!
//! Pages are processed one after another: `root_0` = the start root (public input
//! `ROOT_START`), page k's start words and Merkle path must hash to `root_{k-1}`, and the same
//! path with the end words gives `root_k`; the last root is the public input `ROOT_END`. Each
//! word carries a `touched` flag: touched words send `[addr, start]` to `MEM_INIT` and
//! `[addr, end]` to `MEM_FINAL`; untouched words must keep their value.

pub mod air;
pub mod columns;
pub mod ctl;
pub mod trace;

pub use air::{PageStark, STEP_LEAF, STEP_TOP};
pub use columns::{PageColumns, NUM_COLUMNS};
pub use trace::{generate_rows, generate_traces, page_trace};
