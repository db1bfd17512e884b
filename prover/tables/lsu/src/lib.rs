//! zkMIPS STARK table: the load/store unit (LSU).
//!
//! Pipeline position: the prover turns every load or store the VM executed into an
//! [`LsuEvent`](zkmips_stark::events::LsuEvent); this table proves, one row per event, what the
//! instruction does on little-endian memory (`lb lh lwl lw lbu lhu lwr sb sh swl sw swr ll sc`,
//! exactly as `zkmips_vm`'s `Machine::step`):
//!
//! - the effective address `ea = base + sext(imm16) mod 2^32`, below 2^32, and its alignment
//!   as the VM requires (`lh`/`lhu`/`sh`: 2; `lw`/`sw`/`ll`/`sc`: 4);
//! - the value returned to the CPU (`out`, written to `rt` when `wen`: loads, and `sc`, which
//!   always succeeds and writes 1), and the memory word after the access (the word before, for
//!   loads), byte by byte from the memory word and `rt`.
//!
//! It is looked by the CPU through `LSU` ([`ctl_looked`]) and makes its data access itself,
//! looking into the memory table through `MEM` at `ts(clk, slot::MEM)` ([`ctl_mem`]).
//! Range checks go through RANGE16 ([`range_checked_columns`]).
//!
//! # Assumptions and limits
//! - `base` and `rt_val` are canonical 32-bit values (the CPU sends register values that the
//!   memory argument keeps canonical; `rt_val` is also re-split into bytes here). `imm16` is
//!   the CPU's canonical 16-bit field of the instruction word.
//! - The VM's null guard (data accesses below `0x1000` stop ELF programs) is a per-program
//!   setting and is not proven here.
//! - Big-endian programs are not proven.

mod air;
mod columns;
mod ctl;
mod ops;
mod trace;

pub use air::LsuStark;
pub use columns::{col_map, LsuColumns, WordColumns, NUM_COLUMNS};
pub use ctl::{ctl_looked, ctl_mem, range_checked_columns};
pub use ops::{evaluate, LsuOp, LsuOutput, NUM_OPS};
pub use trace::{generate_trace, padding_row, row, MIN_ROWS};
