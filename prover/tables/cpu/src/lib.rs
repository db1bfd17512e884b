//! zkMIPS STARK table: the CPU.
//!
//! One row per executed instruction of a segment. The table proves the fetch (the word at `pc`,
//! through the memory argument), the decoding into fields and an instruction class, the reads of
//! `rs` and `rt` and the write of the destination register (discarding writes to `$zero`), and
//! the control flow: `pc`, `next_pc`, delay slots, likely branches, branch and jump targets, the
//! clock, and the segment's start and end (public inputs `zkmips_stark::ctl::cpu_public`).
//! What an instruction computes is proven elsewhere: the CPU is the looking side of the `ALU`,
//! `LSU`, `MULDIV` and `SYSCALL` lookups, and proves `j`/`jal`, `jr`/`jalr`, `rdhwr`, `sync`,
//! `pref` and `synci` itself.
//!
//! Pipeline position: the prover builds [`CpuEvent`](zkmips_stark::events::CpuEvent)s from the
//! VM's records; [`generate_trace`] and [`public_inputs`] make this table's trace; [`ctl`] gives
//! its side of each lookup for the multi-table proof.

pub mod air;
pub mod columns;
pub mod ctl;
pub mod trace;

pub use air::CpuStark;
pub use columns::{CpuColumns, NUM_COLUMNS};
pub use ctl::{ctl_alu, ctl_arith, ctl_lsu, ctl_mem, ctl_muldiv, ctl_syscall, range_checked_columns};
pub use trace::{class_of, generate_trace, public_inputs, Class};
