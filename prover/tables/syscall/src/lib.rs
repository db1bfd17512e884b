//! zkMIPS STARK table: syscall.
//!
//! Proves the effect of every `syscall` instruction the VM may execute in a proven run (see
//! [`CALLS`]; `prover/vm/src/syscall.rs` is the reference). The CPU looks up `[clk, halts]`
//! through `SYSCALL` (see [`zkmips_stark::ctl`]) for each `syscall`; this table reads the call
//! number and arguments from the register page through the memory table (`MEM`) and makes
//! every register, register-page and memory write of the call itself. HINT_READ's buffer
//! words take one row each after the call's row. The secp256k1 calls keep their registers here
//! and are handed to the secp256k1 table, which proves their arithmetic and memory accesses
//! (`SECP256K1` lookup, [`ctl_secp256k1`]).
//!
//! KECCAK_SPONGE is accepted here (its `$v0` and `$a3` are kept) and handed to the sponge table
//! (`zkmips-table-keccak`) through the `KECCAK_SPONGE` lookup, which makes its memory accesses.
//! SHA_EXTEND and SHA_COMPRESS likewise go to the SHA-256 tables (`zkmips-table-sha256`,
//! `SHA_EXTEND` and `SHA_COMPRESS` lookups).
//!
//! Not proven (no row can hold them, so a trace with them fails the `SYSCALL` lookup): the
//! other precompiles, `clone`, `futex`, `clock_gettime`, `nanosleep`, `fcntl`, pipes and epoll (see
//! [`check_supported`]); [`generate_trace`] also rejects arguments it does not prove (`mmap`
//! with an address hint or MAP_FIXED, WRITE to another fd, ...). What is and is not
//! constrained is argued in [`air`].
//!
//! # Assumptions
//! - The loaded image does not overlap `HEAP_START..MMAP_LIMIT`: `mmap(0, len)` is proven to
//!   return the heap pointer, which the VM does when no mapping lies above it (the mapping list
//!   is not part of the proven state; only heap mappings, below the pointer, can be made in a
//!   proven run).
//! - The prover feeds the memory table [`mem_accesses`] for the syscalls (WRITE's buffer
//!   reads, which the VM records, are not part of the proof: the data goes to the host; the
//!   secp256k1 calls' accesses come from the secp256k1 table), and
//!   the CPU makes no register write for a `syscall`.

pub mod air;
pub mod columns;
pub mod ctl;
pub mod trace;

pub use air::SyscallStark;
pub use columns::{SyscallColumns, CALLS, NUM_COLUMNS};
pub use ctl::{
    ctl_keccak_sponge, ctl_looked, ctl_mem, ctl_secp256k1, ctl_sha_compress, ctl_sha_extend, range_checked_columns,
};
pub use trace::{check_supported, generate_trace, mem_accesses, syscall_name};
