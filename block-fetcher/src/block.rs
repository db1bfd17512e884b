//! From the RPC's block objects to consensus blocks, checking every hash on the way.
//!
//! A JSON-RPC block carries its hash and each transaction's hash, but the executor reads consensus
//! RLP. Re-encoding is where a field our types do not know about (a new header field, a new
//! transaction type) or an altered response would slip through unnoticed, so each conversion
//! recomputes the hashes and compares them with what the node reported.

use alloy_consensus::{
    proofs::{calculate_transaction_root, calculate_withdrawals_root},
    BlockBody, Header, Sealed, TxEnvelope, EMPTY_OMMER_ROOT_HASH,
};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{keccak256, Bytes};
use alloy_rpc_types_eth::BlockTransactions;

use crate::FetchError;

/// A block as `eth_getBlockByNumber` returns it (with full transactions for the conversions here).
pub type RpcBlock = alloy_rpc_types_eth::Block;

/// The block's consensus header, sealed with its hash.
///
/// # Errors
/// [`FetchError::BlockHashMismatch`] unless the header's RLP hashes to the hash the RPC reported.
pub fn sealed_header(block: &RpcBlock) -> Result<Sealed<Header>, FetchError> {
    let header = block.header.inner.clone();
    let computed = header.hash_slow();
    if computed != block.header.hash {
        return Err(FetchError::BlockHashMismatch { number: header.number, computed, reported: block.header.hash });
    }
    Ok(Sealed::new_unchecked(header, computed))
}

/// The consensus block `[header, transactions, ommers, withdrawals?]`.
///
/// Checks the header hash, every transaction's hash (recomputed from its EIP-2718 encoding, not
/// the one the RPC supplied), and the transactions, ommers and withdrawals roots against the
/// header.
///
/// # Errors
/// The hash or root that did not match; [`FetchError::NotFullTransactions`] for a block fetched
/// with transaction hashes only; [`FetchError::Ommers`] for a block with ommers (pre-merge only;
/// their headers would need `eth_getUncleByBlockNumberAndIndex`).
pub fn consensus_block(block: &RpcBlock) -> Result<alloy_consensus::Block<TxEnvelope>, FetchError> {
    let header = sealed_header(block)?.into_inner();
    let number = header.number;
    if !block.uncles.is_empty() || header.ommers_hash != EMPTY_OMMER_ROOT_HASH {
        return Err(FetchError::Ommers { number, count: block.uncles.len() });
    }
    let rpc_txs = match &block.transactions {
        BlockTransactions::Full(txs) => txs.as_slice(),
        BlockTransactions::Hashes(hashes) if hashes.is_empty() => &[],
        _ => return Err(FetchError::NotFullTransactions { number }),
    };
    let mut transactions = Vec::with_capacity(rpc_txs.len());
    for (index, tx) in rpc_txs.iter().enumerate() {
        let envelope = tx.inner.inner().clone();
        let computed = keccak256(envelope.encoded_2718());
        let reported = *tx.inner.tx_hash();
        if computed != reported {
            return Err(FetchError::TxHashMismatch { number, index, computed, reported });
        }
        transactions.push(envelope);
    }
    let root = calculate_transaction_root(&transactions);
    if root != header.transactions_root {
        return Err(FetchError::BodyRootMismatch {
            number,
            what: "transactions",
            computed: root,
            expected: header.transactions_root,
        });
    }
    let withdrawals = block.withdrawals.clone();
    match (&withdrawals, header.withdrawals_root) {
        (Some(list), Some(expected)) => {
            let computed = calculate_withdrawals_root(list);
            if computed != expected {
                return Err(FetchError::BodyRootMismatch { number, what: "withdrawals", computed, expected });
            }
        }
        (None, None) => {}
        // One without the other: the header hash was checked, so the body is what is off.
        (Some(list), None) => {
            return Err(FetchError::BodyRootMismatch {
                number,
                what: "withdrawals (header has none)",
                computed: calculate_withdrawals_root(list),
                expected: Default::default(),
            })
        }
        (None, Some(expected)) => {
            return Err(FetchError::BodyRootMismatch {
                number,
                what: "withdrawals (body has none)",
                computed: Default::default(),
                expected,
            })
        }
    }
    Ok(alloy_consensus::Block::new(header, BlockBody { transactions, ommers: Vec::new(), withdrawals }))
}

/// Consensus RLP of a header.
pub fn header_rlp(header: &Header) -> Bytes {
    alloy_rlp::encode(header).into()
}

/// Consensus RLP of a block.
pub fn block_rlp(block: &alloy_consensus::Block<TxEnvelope>) -> Bytes {
    alloy_rlp::encode(block).into()
}
