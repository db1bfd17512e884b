//! zkMIPS STARK table: multiplications, divisions and hi/lo moves (`mult`, `multu`, `div`,
//! `divu`, `madd`, `maddu`, `msub`, `msubu`, `mul`, `mfhi`, `mflo`, `mthi`, `mtlo`).
//!
//! Pipeline position: the prover routes every such instruction's [`MulDivEvent`] here; the CPU
//! table looks each one up through the `MULDIV` lookup (`[clk, opcode, funct, a, b, out, wen]`,
//! [`ctl_looked`]), and this table makes the instruction's own hi/lo accesses in the memory table
//! through `MEM` ([`ctl_mem`]; the list for one event is [`mem_accesses`]). Computed values
//! are 16-bit limbs checked by the range table ([`range_checked_columns`]).
//!
//! One row per instruction; a 32x32-bit product (or `q * b + r` for a division) is one
//! identity mod 2^64 over 16-bit limbs with two carries, of degree 3 (see [`air`]). Semantics,
//! including division by zero, follow `zkmips-vm` ([`evaluate`]).
//!
//! [`MulDivEvent`]: zkmips_stark::events::MulDivEvent

pub mod air;
pub mod columns;
pub mod ctl;
pub mod ops;
pub mod trace;

pub use air::MulDivStark;
pub use columns::{col_map, MulDivColumns, NUM_COLUMNS};
pub use ctl::{ctl_looked, ctl_mem, range_checked_columns};
pub use ops::{evaluate, mem_accesses, MulDivOutput};
pub use trace::generate_trace;
