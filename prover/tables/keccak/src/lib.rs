//! zkMIPS STARK tables for KECCAK_SPONGE: the [`sponge`] table and the keccak-f[1600]
//! [`perm`]utation table.
//!
//! Pipeline position: a `syscall` with `$v0 = KECCAK_SPONGE` (`shared/ABI.md`) is accepted by
//! the syscall table, which hands `[clk, $a0, $a1]` to the sponge table (`KECCAK_SPONGE`
//! lookup). The sponge table reads the input length and the input words from memory, xors each
//! block into the rate, has the permutation table permute the state (`KECCAK_IN` /
//! `KECCAK_OUT`), and writes the 16 result words (`MEM`).
//!
//! **Cost.** A permutation is 24 rows of 2,374 columns (56,976 committed cells, plus 4 lookup
//! columns per row); a block adds one sponge row of 2,308 columns (plus 70 lookup columns) and
//! 34 memory reads. A keccak256 of 136 bytes (2 blocks) is about 120 k cells, of 1 KiB (8
//! blocks) about 480 k. The same keccak-f in software (the `keccak` crate in a Rust guest) runs
//! about 18,900 VM cycles, some 6.2 M cells at ~330 cells per cycle: the tables are ~100 times
//! cheaper. Proving time is hashing the committed cells (`examples/prove_keccak.rs`).

pub mod perm;
pub mod sponge;

pub use perm::{KeccakStark, PermEvent};
pub use sponge::SpongeStark;
