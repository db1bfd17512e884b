//! Header checks against the parent (Geth's `beacon.VerifyHeader` for post-merge blocks) and the
//! body checks that need no execution (`BlockValidator.ValidateBody`).

use alloy_consensus::{proofs, Block, Header, TxEnvelope, EMPTY_OMMER_ROOT_HASH};
use alloy_eips::{
    eip1559::{calc_next_block_base_fee, BaseFeeParams},
    eip4844::DATA_GAS_PER_BLOB,
    eip7840::BlobParams,
};
use alloy_primitives::{B64, U256};

use crate::{
    error::ExecError,
    input::{ChainConfig, Fork},
};

/// Geth's `params.MaximumExtraDataSize`.
const MAX_EXTRA_DATA: usize = 32;
/// Geth's `params.MinGasLimit`.
const MIN_GAS_LIMIT: u64 = 5000;
/// Geth's `params.GasLimitBoundDivisor`.
const GAS_LIMIT_BOUND_DIVISOR: u64 = 1024;
/// EIP-7934 (Osaka): largest RLP-encoded block, 10 MiB less a 2 MiB margin for the beacon block.
const MAX_RLP_BLOCK_SIZE: usize = 10 * 1024 * 1024 - 2 * 1024 * 1024;

/// Checks `header` against `parent` under the chain's rules.
pub fn validate_header(chain: &ChainConfig, header: &Header, parent: &Header) -> Result<(), ExecError> {
    let (number, time) = (header.number, header.timestamp);
    let active = |fork| chain.is_active(fork, number, time);
    if !active(Fork::Paris) {
        return Err(ExecError::UnsupportedFork { number });
    }
    if header.extra_data.len() > MAX_EXTRA_DATA {
        return Err(ExecError::header("extraData length", header.extra_data.len(), MAX_EXTRA_DATA));
    }
    if header.number != parent.number + 1 {
        return Err(ExecError::header("number", header.number, parent.number + 1));
    }
    if header.timestamp <= parent.timestamp {
        return Err(ExecError::header("timestamp", header.timestamp, alloc::format!("> {}", parent.timestamp)));
    }
    // Post-merge: no proof of work, no ommers.
    if header.difficulty != U256::ZERO {
        return Err(ExecError::header("difficulty", header.difficulty, U256::ZERO));
    }
    if header.nonce != B64::ZERO {
        return Err(ExecError::header("nonce", header.nonce, B64::ZERO));
    }
    if header.ommers_hash != EMPTY_OMMER_ROOT_HASH {
        return Err(ExecError::header("ommersHash", header.ommers_hash, EMPTY_OMMER_ROOT_HASH));
    }
    if header.gas_limit > i64::MAX as u64 {
        return Err(ExecError::header("gasLimit", header.gas_limit, i64::MAX));
    }
    if header.gas_used > header.gas_limit {
        return Err(ExecError::header("gasUsed", header.gas_used, alloc::format!("<= gasLimit {}", header.gas_limit)));
    }
    let limit = parent.gas_limit / GAS_LIMIT_BOUND_DIVISOR;
    if header.gas_limit.abs_diff(parent.gas_limit) >= limit || header.gas_limit < MIN_GAS_LIMIT {
        return Err(ExecError::header(
            "gasLimit",
            header.gas_limit,
            alloc::format!("within {} ± {} and >= {MIN_GAS_LIMIT}", parent.gas_limit, limit.saturating_sub(1)),
        ));
    }
    // EIP-1559 (the chain is past London, so the parent has a base fee).
    let parent_base_fee = parent.base_fee_per_gas.ok_or(ExecError::header("parent baseFee", "none", "a value"))?;
    let base_fee =
        calc_next_block_base_fee(parent.gas_used, parent.gas_limit, parent_base_fee, BaseFeeParams::ethereum());
    if header.base_fee_per_gas != Some(base_fee) {
        return Err(ExecError::header("baseFeePerGas", header.base_fee_per_gas, Some(base_fee)));
    }
    present_iff("withdrawalsRoot", header.withdrawals_root.is_some(), active(Fork::Shanghai))?;
    present_iff("blobGasUsed", header.blob_gas_used.is_some(), active(Fork::Cancun))?;
    present_iff("excessBlobGas", header.excess_blob_gas.is_some(), active(Fork::Cancun))?;
    present_iff("parentBeaconBlockRoot", header.parent_beacon_block_root.is_some(), active(Fork::Cancun))?;
    present_iff("requestsHash", header.requests_hash.is_some(), active(Fork::Prague))?;
    if let (Some(blob_gas_used), Some(excess)) = (header.blob_gas_used, header.excess_blob_gas) {
        let params = chain.blob_params_at(number, time).expect("Cancun is active");
        if blob_gas_used > params.max_blob_gas_per_block() {
            return Err(ExecError::header("blobGasUsed", blob_gas_used, params.max_blob_gas_per_block()));
        }
        if blob_gas_used % DATA_GAS_PER_BLOB != 0 {
            return Err(ExecError::header("blobGasUsed", blob_gas_used, "a multiple of the gas per blob"));
        }
        let expected = next_excess_blob_gas(parent, &params, active(Fork::Osaka));
        if excess != expected {
            return Err(ExecError::header("excessBlobGas", excess, expected));
        }
    }
    Ok(())
}

/// Excess blob gas of a child of `parent`, with the child's blob parameters throughout (Geth's
/// `eip4844.CalcExcessBlobGas`). From Osaka, EIP-7918 keeps the blob base fee above a reserve
/// price.
fn next_excess_blob_gas(parent: &Header, params: &BlobParams, osaka: bool) -> u64 {
    let parent_excess = parent.excess_blob_gas.unwrap_or(0);
    let parent_used = parent.blob_gas_used.unwrap_or(0);
    if osaka {
        return params.next_block_excess_blob_gas_osaka(
            parent_excess,
            parent_used,
            parent.base_fee_per_gas.unwrap_or(0),
        );
    }
    (parent_excess + parent_used).saturating_sub(params.target_blob_gas_per_block())
}

fn present_iff(field: &'static str, present: bool, required: bool) -> Result<(), ExecError> {
    match (present, required) {
        (true, false) => Err(ExecError::header(field, "present", "absent before its fork")),
        (false, true) => Err(ExecError::header(field, "absent", "present")),
        _ => Ok(()),
    }
}

/// Body checks: transactions root, ommers, withdrawals root, blob gas, block size.
pub fn validate_body(chain: &ChainConfig, block: &Block<TxEnvelope>, encoded_len: usize) -> Result<(), ExecError> {
    let header = &block.header;
    let tx_root = proofs::calculate_transaction_root(&block.body.transactions);
    if tx_root != header.transactions_root {
        return Err(ExecError::mismatch("transactionsRoot", header.transactions_root, tx_root));
    }
    if !block.body.ommers.is_empty() {
        return Err(ExecError::header("ommers", block.body.ommers.len(), 0));
    }
    match (&block.body.withdrawals, header.withdrawals_root) {
        (Some(withdrawals), Some(root)) => {
            let computed = proofs::calculate_withdrawals_root(withdrawals);
            if computed != root {
                return Err(ExecError::mismatch("withdrawalsRoot", root, computed));
            }
        }
        (None, None) => {}
        (body, root) => return Err(ExecError::header("withdrawals", body.is_some(), root.is_some())),
    }
    if chain.is_active(Fork::Osaka, header.number, header.timestamp) && encoded_len > MAX_RLP_BLOCK_SIZE {
        return Err(ExecError::header("block RLP size", encoded_len, MAX_RLP_BLOCK_SIZE));
    }
    if let Some(claimed) = header.blob_gas_used {
        let used: u64 = block.body.transactions.iter().filter_map(alloy_consensus::Transaction::blob_gas_used).sum();
        if used != claimed {
            return Err(ExecError::mismatch("blobGasUsed", claimed, used));
        }
    }
    Ok(())
}
