//! Fetching a block and the witness of the state it touches, for the zkMIPS block prover.
//!
//! This crate is the first stage of the pipeline (see `DESIGN.md`): it turns Ethereum JSON-RPC
//! responses into the [`BlockInput`](zkmips_executor::BlockInput) that the stateless executor
//! (`geth-mips/executor`) reads, natively and inside the VM.
//!
//! - [`live`]: `zkmips fetch`: a block and its witness from a live node, by
//!   `debug_executionWitness` or by `eth_getProof` around a native preflight execution; the
//!   witness is executed natively and must reproduce the state root before it is written.
//! - [`witness`]: the versioned, zstd-compressed witness file, written atomically.
//! - [`block`]: converting an RPC block (`eth_getBlockByNumber` with full transactions) into
//!   consensus RLP, checking every hash the RPC reports (block hash, transaction hashes,
//!   transactions, withdrawals and ommers roots), so that a node that lies or a type we decode
//!   wrongly fails here, with the block named, rather than deep in the executor.
//! - [`siblings`]: rebuilding the sibling nodes that deletions collapse, from post-block proofs.
//! - [`recorded`]: a store of recorded `[query, response]` pairs (the `mainnet-rpc` test data), and
//!   [`block_input_from_recorded`], which builds a block's input from one.
//! - [`replay`]: `zkmips replay-rpc`, a JSON-RPC server answering from a recording.

pub mod block;
pub mod live;
pub mod recorded;
pub mod replay;
pub mod siblings;
pub mod witness;

use std::path::PathBuf;

use alloy_primitives::{Address, B256};

pub use block::{consensus_block, sealed_header, RpcBlock};
pub use recorded::{block_input_from_recorded, Recorded};

/// Everything that can go wrong while building a block's input.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// A file could not be read.
    #[error("reading {path}: {cause}")]
    Io { path: PathBuf, cause: std::io::Error },
    /// A recording is not valid (possibly gzipped) JSON.
    #[error("{origin}: not JSON: {cause}")]
    Json { origin: String, cause: serde_json::Error },
    /// A recording is JSON, but not shaped like one.
    #[error("{origin}: not a recording: {reason}")]
    Malformed { origin: String, reason: String },
    /// The same query was recorded twice with different responses.
    #[error("{kind} query {query} recorded with two different responses")]
    Conflicting { kind: String, query: String },
    /// No response to a query.
    #[error("no {kind} response recorded for {query}")]
    Missing { kind: String, query: String },
    /// A response is not what the query's method returns.
    #[error("{kind} response for {query} does not decode: {cause}")]
    Decode { kind: String, query: String, cause: serde_json::Error },
    /// A transaction object does not decode (an unknown type, a missing field).
    #[error("block {number}, transaction {index} ({hash}, type {tx_type}) does not decode: {cause}")]
    TxDecode { number: u64, index: usize, hash: String, tx_type: String, cause: serde_json::Error },
    /// A block's transactions are hashes, not full objects.
    #[error("block {number}: transactions are hashes; full transaction objects are needed")]
    NotFullTransactions { number: u64 },
    /// A header whose consensus encoding does not hash to the hash the RPC reported: a field is
    /// missing from our header type, or the response was altered.
    #[error("block {number}: header hash mismatch: the header hashes to {computed}, the RPC says {reported}")]
    BlockHashMismatch { number: u64, computed: B256, reported: B256 },
    /// A transaction whose encoding does not hash to the hash the RPC reported.
    #[error("block {number}, transaction {index}: hash mismatch: recomputed {computed}, the RPC says {reported}")]
    TxHashMismatch { number: u64, index: usize, computed: B256, reported: B256 },
    /// A root computed from the block body differs from the header's.
    #[error("block {number}: {what} root mismatch: computed {computed}, header has {expected}")]
    BodyRootMismatch { number: u64, what: &'static str, computed: B256, expected: B256 },
    /// The block has ommers; their headers are not fetched (none after the merge).
    #[error("block {number} has {count} ommers; ommer headers are not supported")]
    Ommers { number: u64, count: usize },
    /// The parent's hash is not the block's parent hash.
    #[error("block {number}: parent hash is {expected}, but block {} hashes to {actual}", number.saturating_sub(1))]
    ParentHashMismatch { number: u64, expected: B256, actual: B256 },
    /// An account proof whose first node is not the state root of the block it was taken at.
    #[error("proof of {address} at block {block}: first node hashes to {computed}, the state root is {expected}")]
    ProofRootMismatch { block: u64, address: Address, computed: B256, expected: B256 },
    /// The replay server could not start (the address is taken, no thread or runtime).
    #[error("replay server: {what}: {cause}")]
    Serve { what: String, cause: std::io::Error },
    /// A witness file that does not parse.
    #[error("witness file: {0}")]
    WitnessFormat(String),
    /// A JSON-RPC request failed (after its retries), or its result is malformed.
    #[error("JSON-RPC {url}: {message}")]
    Rpc { url: String, message: String },
    /// The node has no such block.
    #[error("JSON-RPC {url}: block {number} does not exist")]
    NoSuchBlock { url: String, number: u64 },
    /// The node does not serve a method (so `auto` falls back to proofs).
    #[error("JSON-RPC {url}: {method} is not available: {message}")]
    MethodMissing { url: String, method: &'static str, message: String },
    /// A chain without a built-in fork schedule, and none given.
    #[error("chain id {chain_id} has no built-in fork schedule; name its fork (e.g. --fork prague)")]
    UnknownChain { chain_id: u64 },
    /// The fetched witness does not execute the block to its header's results.
    #[error("block {number}: the fetched witness does not prove the block: {reason}")]
    Preflight { number: u64, reason: String },
}
