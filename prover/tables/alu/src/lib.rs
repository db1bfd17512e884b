//! The ALU table: integer arithmetic, logic, shifts, bit-field and byte operations, trap
//! conditions and conditional-branch conditions of the MIPS32r2 VM.
//!
//! Pipeline position: the CPU table *looks up* every ALU, trap and conditional-branch
//! instruction here through the `ALU` cross-table lookup (see `zkmips_stark::ctl`), sending the
//! instruction's fields and its operands `a = rs`, `b = rt`; this table proves the result `out`
//! (the written value, or the taken bit of a branch), whether and where it is written, and that
//! traps do not trap and `add`/`addi`/`sub` do not overflow (the VM stops on both). Computed
//! limbs are range-checked by the Range table through `RANGE16`.
//!
//! One row per instruction (two for `ins`); one-hot flags select the operation and pin its
//! encoding. The semantics ([`evaluate`]) follow `prover/vm/src/machine.rs`.

mod air;
mod columns;
mod ctl;
mod ops;
mod trace;

pub use air::AluStark;
pub use columns::{col_map, AluColumns, NUM_COLUMNS};
pub use ctl::{ctl_looked, range_checked_columns};
pub use ops::{evaluate, op_index, pattern, AluOutput, Pattern, NUM_OPS, OPS};
pub use trace::{generate_rows, generate_trace};
