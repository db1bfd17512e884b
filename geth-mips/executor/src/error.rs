//! Why a block was rejected.

use alloc::string::String;

use alloy_primitives::{Address, B256};

use crate::mpt::TrieError;

/// The witness does not hold what execution needs (or holds something malformed).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    #[error("state trie: {0}")]
    StateTrie(#[from] TrieError),
    #[error("storage trie of {address}: {error}")]
    StorageTrie { address: Address, error: TrieError },
    #[error("account {address} in the state trie does not decode: {reason}")]
    InvalidAccount { address: Address, reason: String },
    #[error("code with hash {0} is missing from the witness")]
    MissingCode(B256),
    #[error("the hash of block {0} is needed (BLOCKHASH) but no ancestor header gives it")]
    MissingAncestor(u64),
}

impl WitnessError {
    pub(crate) fn storage(address: Address, error: TrieError) -> WitnessError {
        WitnessError::StorageTrie { address, error }
    }
}

impl revm::database::DBErrorMarker for WitnessError {}

/// A block the executor rejects. Mismatches name the field, the value the block claims and the
/// value execution computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    #[error("input does not decode: {0}")]
    Decode(String),
    #[error("block does not decode: {0}")]
    BlockDecode(String),
    #[error("ancestor header {index} does not decode: {reason}")]
    AncestorDecode { index: usize, reason: String },
    #[error("no parent header in the input")]
    NoParent,
    #[error("ancestor header {index} (number {number}) does not hash to its child's parent hash: expected {expected}, got {got}")]
    AncestorChain { index: usize, number: u64, expected: B256, got: B256 },
    #[error("block {number} is before the Paris fork; only post-merge blocks are supported")]
    UnsupportedFork { number: u64 },
    #[error("header field {field}: the block says {expected}, but {computed} is required")]
    Header { field: &'static str, expected: String, computed: String },
    #[error("{field} mismatch: header {expected}, computed {computed}")]
    Mismatch { field: &'static str, expected: String, computed: String },
    #[error("transaction {index}: sender cannot be recovered: {reason}")]
    Sender { index: usize, reason: String },
    #[error("transaction {index}: {reason}")]
    InvalidTransaction { index: usize, reason: String },
    #[error("execution failed: {0}")]
    Execution(String),
    #[error("witness: {0}")]
    Witness(#[from] WitnessError),
}

impl ExecError {
    pub(crate) fn header(
        field: &'static str,
        expected: impl core::fmt::Debug,
        computed: impl core::fmt::Debug,
    ) -> Self {
        ExecError::Header { field, expected: alloc::format!("{expected:?}"), computed: alloc::format!("{computed:?}") }
    }

    pub(crate) fn mismatch(
        field: &'static str,
        expected: impl core::fmt::Debug,
        computed: impl core::fmt::Debug,
    ) -> Self {
        ExecError::Mismatch {
            field,
            expected: alloc::format!("{expected:?}"),
            computed: alloc::format!("{computed:?}"),
        }
    }
}
