//! Stateless execution of one Ethereum block with Geth's semantics: the library inside the zkMIPS
//! block program (`geth-mips/guest`) and the host tools (consensus tests, preflight, witness
//! building). `no_std` + `alloc`, so the same code runs natively and in the VM.
//!
//! Input is a [`BlockInput`]: the chain's fork schedule, the block, its ancestor headers and a
//! witness of trie nodes and codes. [`execute_block`] checks the header against its parent, opens
//! the parent's state from the witness (every node found by its hash), recovers senders, executes
//! with revm through alloy-evm's Ethereum block executor (EIP-4788/2935 system calls, withdrawals,
//! EIP-6110/7002/7251 requests), and checks gas, receipts root, bloom, requests hash and the post
//! state root against the header. The result is a [`PublicStatement`].
//!
//! Keccak goes through `alloy_primitives::keccak256`, which the guest routes to the VM's
//! KECCAK_SPONGE precompile (alloy's `native-keccak` feature). Sender recovery uses k256 in
//! software both natively and in the guest until the SECP256K1 calls are proven.
#![no_std]
extern crate alloc;

pub mod chain;
pub mod crypto;
pub mod db;
pub mod error;
pub mod execute;
pub mod header;
pub mod input;
pub mod mpt;

pub use error::{ExecError, WitnessError};
pub use execute::{execute_block, execute_block_with, Executed, Native, Phase, Platform};
pub use input::{BlockInput, ChainConfig, Fork, PublicStatement};
