//! zkMIPS STARK table: memory.
//!
//! Offline memory checking of every access of a segment. Each access to the proven address space
//! (see [`zkmips_stark::layout`]) is a tuple `(addr, ts, before, after)`; the accesses are sorted
//! by `(addr, ts)` and laid out [`ACCESSES_PER_ROW`] per row. The table proves that, per
//! address, timestamps strictly increase and every access's `before` is the previous access's
//! `after`. It holds the accesses of three lookups (see [`zkmips_stark::ctl`] and [`ctl`]):
//!
//! - `MEM`: every access; the CPU, LSU, MulDiv and Syscall tables look up the accesses they make.
//! - `MEM_INIT`: the first access of each address with its `before`; the page table (memory words)
//!   and the verifier (the register page at the segment start) look these up.
//! - `MEM_FINAL`: the last access of each address with its `after`; the page table and the
//!   verifier (the register page at the segment end) look these up.
//!
//! The register page's start values enter as a read of every register-page word at
//! `ts(clk_start, slot::FETCH)`, which the trace generator adds, so each register-page word has
//! a first and a last access. These reads are real accesses of `MEM` too, so the verifier supplies them as
//! extra looking values of `MEM`, `[reg_addr(i), ts(clk_start, FETCH), v_i, v_i]` (it knows
//! `clk_start` and the start page `v`), next to its `MEM_INIT` values `[reg_addr(i), v_i]` and
//! its `MEM_FINAL` values. (Pinning them through `MEM` is what stops a prover from turning such a
//! read into a write.)
//!
//! The two 16-bit gap limbs of every access are range checked by the range table through `RANGE16`.

pub mod air;
pub mod columns;
pub mod ctl;
pub mod trace;

pub use air::MemoryStark;
pub use columns::{AccessColumns, MemoryColumns, ACCESSES_PER_ROW, ACCESS_COLUMNS, NUM_COLUMNS};
pub use ctl::{lookup_final, lookup_init, lookup_mem, range_checked_columns};
pub use trace::{accesses, from_accesses, generate_trace};
