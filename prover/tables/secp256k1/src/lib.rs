//! zkMIPS STARK table: secp256k1 point addition, doubling and decompression.
//!
//! Pipeline position: the guest calls SECP256K1_ADD (`0x0101000A`), SECP256K1_DOUBLE
//! (`0x0001000B`) and SECP256K1_DECOMPRESS (`0x0001000C`) (ABI.md; `prover/vm/src/precompiles.rs`
//! is the reference). The syscall table proves the register side of each call and looks up
//! `[clk, number, a0, a1]` here (`SECP256K1`, [`ctl_looked`]); this table proves the arithmetic,
//! one row per call, and makes the calls' memory accesses itself ([`ctl_mem`]): the words it
//! reads at `ts(clk, MEM)` and the words it rewrites at `ts(clk, MEM_WRITE)`.
//!
//! The arithmetic is over secp256k1's base field `p = 2^256 - 2^32 - 977`, in 16-bit limbs
//! range-checked through `RANGE16`; each congruence is a limb polynomial identity, folded with
//! `2^256 ≡ 2^32 + 977` and carried in 16 range-checked carries (see [`air`] for the
//! constraints and the soundness argument). Degree 3, one row per call.
//!
//! **Cost per call** (committed cells: trace and lookup helper columns, measured with
//! `cargo test --release -p zkmips-prover --test secp256k1 -- --ignored --nocapture`):
//!
//! | | this table | memory table | syscall + CPU rows | total |
//! |---|---|---|---|---|
//! | ADD | 1 row × (246 + 264) = 510 | 32 accesses × 18 = 576 | 77 + 80 | ≈ 1,240 |
//! | DOUBLE | 510 | 16 × 18 = 288 | 157 | ≈ 955 |
//! | DECOMPRESS | 510 | 16 × 18 = 288 | 157 | ≈ 955 |
//!
//! This table has [`NUM_COLUMNS`] = 246 columns, 225 of them range-checked; starky adds 264
//! lookup columns (a helper per two `RANGE16` or `MEM` lookups and a running sum per lookup,
//! each for two challenges). ADD rewrites p in place (one read-modify-write access per word)
//! and reads q; DOUBLE rewrites p; DECOMPRESS reads x and writes y. An ECDSA recovery with
//! Shamir's trick (about 256 DOUBLE and 256 ADD) thus costs about 0.56 million cells here,
//! against about 8.8 million cycles × 330 cells = 2.9 billion cells for k256 in software; the
//! guest's own instructions around the calls (about 330 cells per cycle) come on top.
//!
//! # Assumptions
//! - Inputs lie on the curve and below p. The VM stops on other inputs, so no honest run has
//!   them; the table does not re-prove them (it would cost two more field multiplications per
//!   input point). A guest that only passes points from DECOMPRESS (proven on the curve),
//!   constants such as the generator, and earlier results of these calls satisfies this.
//! - Calls the table does not prove have no row, so a trace with them fails the `SECP256K1`
//!   lookup: ADD with `x1 = x2` (the VM doubles or fails on the point at infinity; the guest
//!   must avoid it), DOUBLE with `y = 0` (impossible on the curve), DECOMPRESS of an x off the
//!   curve (the VM fails), and buffers that wrap past 2^32. [`generate_trace`] rejects them with
//!   a message naming the case.

pub mod air;
pub mod columns;
pub mod ctl;
pub mod event;
pub mod native;
pub mod trace;

pub use air::{failed_checks, Check, Secp256k1Stark};
pub use columns::{col_map, Secp256k1Columns, NUM_COLUMNS};
pub use ctl::{ctl_looked, ctl_mem, range_checked_columns};
pub use event::{Secp256k1Event, Secp256k1Op};
pub use trace::{accesses, fill_row, generate_trace, mem_accesses, RowValues, MIN_ROWS};
