//! The MIPS32 release 2 instruction set as zkMIPS sees it, shared by the emulator (`zkmips-vm`) and
//! the prover's tables: how a word decodes into an [`Insn`], the guest ABI's constants and syscall
//! numbers (`../shared/ABI.md`), and the small event records the tracing mode emits.
//!
//! `no_std`, no dependencies: the decoding here is the single definition of which words are valid
//! instructions. Semantics live in `zkmips-vm`'s interpreter, written once for both of its modes.

#![no_std]

pub mod abi;
mod decode;
pub mod events;

pub use decode::{decode, DecodeError, Insn, Op};

/// Register numbers by their o32 names.
pub mod reg {
    pub const ZERO: usize = 0;
    pub const AT: usize = 1;
    pub const V0: usize = 2;
    pub const V1: usize = 3;
    pub const A0: usize = 4;
    pub const A1: usize = 5;
    pub const A2: usize = 6;
    pub const A3: usize = 7;
    pub const T9: usize = 25;
    pub const K0: usize = 26;
    pub const K1: usize = 27;
    pub const GP: usize = 28;
    pub const SP: usize = 29;
    pub const FP: usize = 30;
    pub const RA: usize = 31;
}
