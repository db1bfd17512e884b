//! The two ALU tables of the MIPS32r2 VM: integer arithmetic, compares, trap and
//! conditional-branch conditions ([`arith`], the arithmetic table), and logic, shifts,
//! bit-field and byte operations (the bitwise table, [`AluStark`]).
//!
//! Pipeline position: the CPU table *looks up* every ALU, trap and conditional-branch
//! instruction through the `ARITH` (its `is_arith` rows) or `ALU` (its `is_bits` rows)
//! cross-table lookup (see `zkmips_stark::ctl`), sending the instruction's fields and its
//! operands `a = rs`, `b = rt`; the table proves the result `out` (the written value, or the
//! taken bit of a branch), whether and where it is written, and that traps do not trap and
//! `add`/`addi`/`sub` do not overflow (the VM stops on both). Computed limbs are range-checked
//! by the Range table through `RANGE16`.
//!
//! Why two tables: the bitwise operations need the 32 bits of both operands on their rows;
//! the arithmetic ones (most instructions of real programs) need only 16-bit limbs and sign
//! bits, so they get a table of their own, less than a third as wide.
//!
//! Bitwise table: one row per instruction (two for `ins`); one-hot flags select the operation
//! and pin its encoding. The semantics of both tables ([`evaluate`]) follow
//! `prover/vm/src/machine.rs`.

mod air;
pub mod arith;
mod columns;
mod ctl;
mod ops;
mod trace;

pub use air::AluStark;
pub use arith::ArithStark;
pub use columns::{col_map, AluColumns, NUM_COLUMNS};
pub use ctl::{ctl_looked, range_checked_columns};
pub use ops::{evaluate, is_arith, op_index, pattern, AluOutput, Pattern, ARITH_OPS, NUM_ARITH_OPS, NUM_OPS, OPS};
pub use trace::{generate_rows, generate_trace};
