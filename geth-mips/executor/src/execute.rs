//! Executing one block: decode, check the header, open the witness, recover senders, run the
//! transactions with revm through alloy-evm's Ethereum block executor (system calls, withdrawals,
//! requests), and check every result the header commits to.

use alloc::{
    borrow::Cow,
    collections::BTreeMap,
    string::{String, ToString},
    vec::Vec,
};

use alloy_consensus::{proofs, Block, Header, ReceiptEnvelope, TxEnvelope, TxReceipt};
use alloy_eips::eip7685::EMPTY_REQUESTS_HASH;
use alloy_evm::{
    block::{
        BlockExecutionError, BlockExecutionResult, BlockExecutor, BlockExecutorFactory, InternalBlockExecutionError,
    },
    eth::{receipt_builder::AlloyReceiptBuilder, EthBlockExecutionCtx, EthBlockExecutorFactory},
    EthEvmFactory, EvmEnv, EvmFactory,
};
use alloy_primitives::{keccak256, Address, Bloom, Signature, B256};
use alloy_rlp::Decodable;
use revm::{context_interface::result::EVMError, Database, DatabaseCommit};

use crate::{
    db::WitnessDb,
    error::{ExecError, WitnessError},
    header::{validate_body, validate_header},
    input::{BlockInput, ChainConfig, Fork, PublicStatement},
};

/// The phases of [`execute_block`], reported as each one ends (the guest counts cycles per phase).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// RLP decoding of the block and ancestors, the ancestor hash chain, header and body checks.
    Decode,
    /// Hashing every witness node and code into the node store.
    Witness,
    /// Recovering every transaction's sender.
    Senders,
    /// Running the transactions, system calls and withdrawals.
    Execution,
    /// Receipts root, bloom, requests hash, and writing the changes into the tries for the root.
    StateRoot,
}

/// A block that executed and matched its header.
pub struct Executed {
    /// What the block program commits.
    pub statement: PublicStatement,
    /// The block's header.
    pub header: Header,
    /// The state after the block (for host tools that chain blocks).
    pub db: WitnessDb,
}

/// What the executor asks of the machine it runs on: the cryptography a zkVM accelerates with
/// precompiles, and a hook to measure phases. The defaults are the native implementations.
pub trait Platform {
    /// The address that signed `hash` (secp256k1 ECDSA with Ethereum's low-s rule).
    fn recover_signer(&self, signature: &Signature, hash: B256) -> Result<Address, String> {
        crate::crypto::recover_signer(signature, hash)
    }

    /// Installs revm's cryptography provider (ECRECOVER) before the first transaction runs; only
    /// the first installation in a process takes effect.
    fn install_precompiles(&self) {
        crate::crypto::install_precompiles(crate::crypto::Precompiles);
    }

    /// Called as each [`Phase`] ends.
    fn phase_done(&mut self, _phase: Phase) {}
}

/// The native platform: sender recovery in software ([`crate::crypto`]), no measurements.
pub struct Native;

impl Platform for Native {}

/// Executes `input`'s block natively; see [`execute_block_with`].
pub fn execute_block(input: &BlockInput) -> Result<Executed, ExecError> {
    execute_block_with(input, &mut Native)
}

/// Executes `input`'s block statelessly and checks it against its header. Any mismatch is an
/// error naming the field, the claimed and computed values. Keccak is `alloy_primitives::keccak256`
/// (a guest routes it with alloy's `native-keccak` hook); senders are recovered by `platform`.
pub fn execute_block_with(input: &BlockInput, platform: &mut impl Platform) -> Result<Executed, ExecError> {
    platform.install_precompiles();
    let chain = &input.chain;
    let block = decode_exact::<Block<TxEnvelope>>(&input.block).map_err(ExecError::BlockDecode)?;
    let header = &block.header;
    let block_hash = header.hash_slow();

    // Ancestors: each must hash to its child's parent hash.
    let mut block_hashes = BTreeMap::new();
    let mut parent: Option<Header> = None;
    let mut child_parent_hash = header.parent_hash;
    let mut child_number = header.number;
    for (index, raw) in input.ancestors.iter().enumerate() {
        let ancestor = decode_exact::<Header>(raw).map_err(|reason| ExecError::AncestorDecode { index, reason })?;
        let hash = keccak256(raw);
        if hash != child_parent_hash || ancestor.number + 1 != child_number {
            return Err(ExecError::AncestorChain {
                index,
                number: ancestor.number,
                expected: child_parent_hash,
                got: hash,
            });
        }
        block_hashes.insert(ancestor.number, hash);
        child_parent_hash = ancestor.parent_hash;
        child_number = ancestor.number;
        if index == 0 {
            parent = Some(ancestor);
        }
    }
    let parent = parent.ok_or(ExecError::NoParent)?;
    validate_header(chain, header, &parent)?;
    validate_body(chain, &block, input.block.len())?;
    platform.phase_done(Phase::Decode);

    let mut db = WitnessDb::new(parent.state_root, &input.nodes, &input.codes, block_hashes);
    platform.phase_done(Phase::Witness);

    let mut senders = Vec::with_capacity(block.body.transactions.len());
    for (index, tx) in block.body.transactions.iter().enumerate() {
        let sender = platform
            .recover_signer(tx.signature(), tx.signature_hash())
            .map_err(|reason| ExecError::Sender { index, reason })?;
        senders.push(sender);
    }
    platform.phase_done(Phase::Senders);

    let result = run_transactions(chain, &block, &senders, &mut db)?;
    platform.phase_done(Phase::Execution);

    if result.gas_used != header.gas_used {
        return Err(ExecError::mismatch("gasUsed", header.gas_used, result.gas_used));
    }
    if let Some(claimed) = header.blob_gas_used {
        if claimed != result.blob_gas_used {
            return Err(ExecError::mismatch("blobGasUsed", claimed, result.blob_gas_used));
        }
    }
    let receipts_root = proofs::calculate_receipt_root(&result.receipts);
    if receipts_root != header.receipts_root {
        return Err(ExecError::mismatch("receiptsRoot", header.receipts_root, receipts_root));
    }
    let mut bloom = Bloom::ZERO;
    for receipt in &result.receipts {
        bloom.accrue_bloom(&receipt.bloom());
    }
    if bloom != header.logs_bloom {
        return Err(ExecError::mismatch("logsBloom", header.logs_bloom, bloom));
    }
    if let Some(claimed) = header.requests_hash {
        let computed = if chain.is_active(Fork::Prague, header.number, header.timestamp) {
            result.requests.requests_hash()
        } else {
            EMPTY_REQUESTS_HASH
        };
        if claimed != computed {
            return Err(ExecError::mismatch("requestsHash", claimed, computed));
        }
    }
    let state_root = db.state_root()?;
    if state_root != header.state_root {
        return Err(ExecError::mismatch("stateRoot", header.state_root, state_root));
    }
    platform.phase_done(Phase::StateRoot);

    let statement = PublicStatement {
        chain_id: chain.chain_id,
        parent_hash: header.parent_hash,
        block_hash,
        parent_state_root: parent.state_root,
        post_state_root: state_root,
    };
    Ok(Executed { statement, header: block.header.clone(), db })
}

/// Runs the block's system calls, transactions and withdrawals on `db`, with the senders given
/// (in transaction order), and returns receipts, gas and requests. Nothing is checked against the
/// header's results: [`execute_block_with`] does that. Host tools use this directly to execute a
/// block against other databases (the fetcher's RPC-backed preflight).
pub fn run_transactions<DB>(
    chain: &ChainConfig,
    block: &Block<TxEnvelope>,
    senders: &[Address],
    db: DB,
) -> Result<BlockExecutionResult<ReceiptEnvelope>, ExecError>
where
    DB: Database + DatabaseCommit + core::fmt::Debug,
{
    // ECRECOVER on the executor's recovery (a no-op after the first call in a process).
    revm::precompile::install_crypto(crate::crypto::Precompiles);
    let header = &block.header;
    let recovered: Vec<_> = block
        .body
        .transactions
        .iter()
        .zip(senders)
        .map(|(tx, sender)| alloy_consensus::transaction::Recovered::new_unchecked(tx, *sender))
        .collect();
    let spec = chain.spec();
    let blob_params = chain.blob_params_at(header.number, header.timestamp);
    let env = EvmEnv::for_eth_block(header, &spec, chain.chain_id, blob_params);
    let factory = EthBlockExecutorFactory::new(AlloyReceiptBuilder::default(), spec.clone(), EthEvmFactory::default());
    let evm = factory.evm_factory().create_evm(db, env);
    let ctx = EthBlockExecutionCtx {
        parent_hash: header.parent_hash,
        parent_beacon_block_root: header.parent_beacon_block_root,
        ommers: &[],
        withdrawals: block.body.withdrawals.as_ref().map(|w| Cow::Borrowed(w.as_slice())),
        extra_data: header.extra_data.clone(),
        tx_count_hint: Some(recovered.len()),
        slot_number: None,
    };
    let executor = factory.create_executor(evm, ctx);
    executor.execute_block(recovered.iter().copied()).map_err(|e| execution_error(block, e))
}

fn execution_error(block: &Block<TxEnvelope>, error: BlockExecutionError) -> ExecError {
    // Name the transaction by index where the error names it by hash.
    if let BlockExecutionError::Validation(alloy_evm::block::BlockValidationError::InvalidTx { hash, error }) = &error {
        if let Some(index) = block.body.transactions.iter().position(|tx| tx.tx_hash() == hash) {
            return ExecError::InvalidTransaction { index, reason: error.to_string() };
        }
    }
    // The witness lacked something a transaction read: report it as the witness error it is.
    if let BlockExecutionError::Internal(InternalBlockExecutionError::EVM { error, .. }) = &error {
        if let Some(EVMError::Database(witness)) = error.downcast_ref::<EVMError<WitnessError>>() {
            return ExecError::Witness(witness.clone());
        }
    }
    ExecError::Execution(error.to_string())
}

/// Decodes a whole buffer as one RLP value; trailing bytes are an error.
fn decode_exact<T: Decodable>(bytes: &[u8]) -> Result<T, alloc::string::String> {
    let mut buf = bytes;
    let value = T::decode(&mut buf).map_err(|e| e.to_string())?;
    if !buf.is_empty() {
        return Err(alloc::format!("{} trailing bytes", buf.len()));
    }
    Ok(value)
}

/// Decodes a block's consensus RLP (as [`BlockInput::block`] holds it).
pub fn decode_block(rlp: &[u8]) -> Result<Block<TxEnvelope>, ExecError> {
    decode_exact(rlp).map_err(ExecError::BlockDecode)
}
