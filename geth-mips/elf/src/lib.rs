//! The geth-mips block program as bytes: the ELF that `zkmips execute-block --vm`, the consensus
//! test runner and (later) the prover run. Built by `build.rs` from `geth-mips/guest`.

/// The block program, a little-endian MIPS32r2 ELF.
pub const GETH_MIPS_ELF: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/geth-mips.elf"));
