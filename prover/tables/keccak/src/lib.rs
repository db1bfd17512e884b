//! zkMIPS STARK tables for KECCAK_SPONGE: the [`sponge`] table and the keccak-f[1600]
//! [`perm`]utation table.
//!
//! Pipeline position: a `syscall` with `$v0 = KECCAK_SPONGE` (`shared/ABI.md`) is accepted by
//! the syscall table, which hands `[clk, $a0, $a1]` to the sponge table (`KECCAK_SPONGE`
//! lookup). The sponge table reads the input length and the input words from memory, xors each
//! block into the rate, has the permutation table permute the state (`KECCAK_IN` /
//! `KECCAK_OUT`), and writes the 16 result words (`MEM`).

mod bits;
pub mod perm;
pub mod sponge;

pub use perm::{KeccakStark, PermEvent};
pub use sponge::SpongeStark;
