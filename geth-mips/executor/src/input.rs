//! What the block program reads, and what it commits.
//!
//! The input is a plain, self-describing value: the chain's configuration, the block and its
//! ancestors as consensus RLP (decoded, and so checked, by the executor), and the witness as
//! unordered lists of trie nodes and contract codes. Nothing in it is trusted: every node and code
//! is found by its hash, every ancestor by the hash chain from the block's parent.

use alloc::vec::Vec;

use alloy_eips::eip7840::BlobParams;
use alloy_primitives::{Address, Bytes, B256};
use serde::{Deserialize, Serialize};

/// Everything the executor needs to execute one block statelessly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInput {
    /// The chain the block belongs to.
    pub chain: ChainConfig,
    /// The block in consensus RLP: `[header, transactions, ommers, withdrawals?]`.
    pub block: Bytes,
    /// Ancestor headers in consensus RLP, the parent first, then its parent, and so on (at least
    /// the parent; up to 256 for BLOCKHASH).
    pub ancestors: Vec<Bytes>,
    /// RLP trie nodes of the parent's state trie and of the storage tries the block touches, in any
    /// order. Must include the siblings that deletions collapse into their parent branches.
    pub nodes: Vec<Bytes>,
    /// Bytecode of every contract the block loads, in any order.
    pub codes: Vec<Bytes>,
}

/// A network's hard-fork schedule and the constants that vary with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainConfig {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Each fork with its activation: a block number for forks up to and including Paris, a
    /// timestamp after it. Forks not listed are not active. Sorted by fork.
    pub forks: Vec<(Fork, u64)>,
    /// Blob parameters by fork (Cancun and later); a fork that is not listed inherits the
    /// previous fork's.
    pub blob_schedule: Vec<(Fork, BlobConfig)>,
    /// EIP-6110 deposit contract, if the chain has one.
    pub deposit_contract: Option<Address>,
}

/// EIP-4844/7691/7840/7918 blob parameters of a fork (alloy's `BlobParams` without its lossy
/// serde form, which drops the per-transaction limit and the base cost).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobConfig {
    /// Target blobs per block.
    pub target: u64,
    /// Maximum blobs per block.
    pub max: u64,
    /// Blob base fee update fraction.
    pub update_fraction: u64,
    /// Maximum blobs per transaction (EIP-7594).
    pub max_per_tx: u64,
    /// EIP-7918 blob base cost (0 before Osaka).
    pub base_cost: u64,
}

impl BlobConfig {
    /// As alloy's parameters.
    pub fn params(&self) -> BlobParams {
        BlobParams {
            target_blob_count: self.target,
            max_blob_count: self.max,
            update_fraction: self.update_fraction as u128,
            min_blob_fee: alloy_eips::eip4844::BLOB_TX_MIN_BLOB_GASPRICE,
            max_blobs_per_tx: self.max_per_tx,
            blob_base_cost: self.base_cost,
        }
    }

    /// From alloy's parameters.
    pub fn from_params(params: BlobParams) -> BlobConfig {
        BlobConfig {
            target: params.target_blob_count,
            max: params.max_blob_count,
            update_fraction: params.update_fraction as u64,
            max_per_tx: params.max_blobs_per_tx,
            base_cost: params.blob_base_cost,
        }
    }
}

/// The hard forks the executor knows. Order is activation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Fork {
    Frontier,
    Homestead,
    Tangerine,
    SpuriousDragon,
    Byzantium,
    Constantinople,
    Petersburg,
    Istanbul,
    Berlin,
    London,
    Paris,
    Shanghai,
    Cancun,
    Prague,
    Osaka,
    Bpo1,
    Bpo2,
    Bpo3,
    Bpo4,
    Bpo5,
}

impl Fork {
    /// Forks up to Paris activate by block number, later ones by timestamp.
    pub fn activates_by_timestamp(self) -> bool {
        self > Fork::Paris
    }

    /// The name used by the consensus tests (`"Cancun"`, `"BPO1"`).
    pub fn from_name(name: &str) -> Option<Fork> {
        Some(match name {
            "Frontier" => Fork::Frontier,
            "Homestead" => Fork::Homestead,
            "EIP150" | "Tangerine" => Fork::Tangerine,
            "EIP158" | "SpuriousDragon" => Fork::SpuriousDragon,
            "Byzantium" => Fork::Byzantium,
            "Constantinople" => Fork::Constantinople,
            "ConstantinopleFix" | "Petersburg" => Fork::Petersburg,
            "Istanbul" => Fork::Istanbul,
            "Berlin" => Fork::Berlin,
            "London" => Fork::London,
            "Paris" | "Merge" => Fork::Paris,
            "Shanghai" => Fork::Shanghai,
            "Cancun" => Fork::Cancun,
            "Prague" => Fork::Prague,
            "Osaka" => Fork::Osaka,
            "BPO1" => Fork::Bpo1,
            "BPO2" => Fork::Bpo2,
            "BPO3" => Fork::Bpo3,
            "BPO4" => Fork::Bpo4,
            "BPO5" => Fork::Bpo5,
            _ => return None,
        })
    }

    /// All forks in activation order.
    pub const ALL: [Fork; 20] = [
        Fork::Frontier,
        Fork::Homestead,
        Fork::Tangerine,
        Fork::SpuriousDragon,
        Fork::Byzantium,
        Fork::Constantinople,
        Fork::Petersburg,
        Fork::Istanbul,
        Fork::Berlin,
        Fork::London,
        Fork::Paris,
        Fork::Shanghai,
        Fork::Cancun,
        Fork::Prague,
        Fork::Osaka,
        Fork::Bpo1,
        Fork::Bpo2,
        Fork::Bpo3,
        Fork::Bpo4,
        Fork::Bpo5,
    ];
}

/// What the block program commits: the claim a proof of it makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicStatement {
    /// Chain the block belongs to.
    pub chain_id: u64,
    /// Hash of the parent header (the state the block starts from).
    pub parent_hash: B256,
    /// Hash of the executed block's header.
    pub block_hash: B256,
    /// State root of the parent header.
    pub parent_state_root: B256,
    /// State root after the block, as computed (and equal to the header's).
    pub post_state_root: B256,
}

impl PublicStatement {
    /// Fixed-size encoding committed by the guest: chain id (8 bytes big-endian) followed by the
    /// four hashes, 136 bytes.
    pub fn to_bytes(&self) -> [u8; 136] {
        let mut out = [0u8; 136];
        out[..8].copy_from_slice(&self.chain_id.to_be_bytes());
        out[8..40].copy_from_slice(self.parent_hash.as_slice());
        out[40..72].copy_from_slice(self.block_hash.as_slice());
        out[72..104].copy_from_slice(self.parent_state_root.as_slice());
        out[104..136].copy_from_slice(self.post_state_root.as_slice());
        out
    }

    /// Inverse of [`PublicStatement::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Option<PublicStatement> {
        if bytes.len() != 136 {
            return None;
        }
        let hash = |at: usize| B256::from_slice(&bytes[at..at + 32]);
        Some(PublicStatement {
            chain_id: u64::from_be_bytes(bytes[..8].try_into().ok()?),
            parent_hash: hash(8),
            block_hash: hash(40),
            parent_state_root: hash(72),
            post_state_root: hash(104),
        })
    }
}
