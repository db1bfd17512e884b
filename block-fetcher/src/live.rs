//! Fetching a block's witness from a live node over JSON-RPC.
//!
//! Two strategies:
//! - **witness**: `debug_executionWitness`, where the node serves it (Geth, Reth): one call for
//!   the trie nodes, codes and ancestor headers, plus the block with its transactions.
//! - **proofs**: any standard node. The block is executed natively against the parent's state
//!   read over RPC (`eth_getProof` for every account and slot it reads, which also yields their
//!   proof nodes; `eth_getCode`; headers for BLOCKHASH). Then `eth_getProof` at the block itself
//!   for every touched key gives the post-state paths, from which the siblings that deletions
//!   collapse are rebuilt ([`crate::siblings`]).
//!
//! `auto` tries the first and falls back to the second when the node lacks the method. Either
//! way the result is executed natively from the witness alone and must reproduce the header's
//! state root before anything is written.
//!
//! Requests go through alloy's JSON-RPC client over reqwest, with a per-request timeout and a
//! retry layer (exponential backoff) for transient failures: connection errors, timeouts, HTTP
//! 429/5xx and rate-limit errors. Independent requests run concurrently, at most
//! [`FetchOptions::concurrency`] at a time.

use std::{
    cell::RefCell,
    collections::{BTreeMap, BTreeSet},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use alloy_consensus::{Header, TxEnvelope};
use alloy_json_rpc::RpcError;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256, U64};
use alloy_rpc_client::{ClientBuilder, RpcClient};
use alloy_rpc_types_eth::EIP1186AccountProofResponse;
use alloy_transport::{
    layers::{OrRetryPolicyFn, RateLimitRetryPolicy, RetryBackoffLayer},
    TransportErrorKind,
};
use futures::{stream, StreamExt, TryStreamExt};
use revm::{
    database::{CacheDB, DatabaseRef},
    state::{AccountInfo, Bytecode},
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{json, value::RawValue};
use zkmips_executor::{BlockInput, ChainConfig, Fork};

use crate::{
    block::{block_rlp, consensus_block, header_rlp, sealed_header, RpcBlock},
    siblings::{add_proof_nodes, collapsed_siblings_of_proofs},
    witness::WitnessFile,
    FetchError,
};

/// How to fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// `debug_executionWitness` if the node has it, else proofs.
    Auto,
    /// `debug_executionWitness` only.
    Witness,
    /// `eth_getProof` on any node.
    Proofs,
}

/// Fetch settings.
#[derive(Clone, Debug)]
pub struct FetchOptions {
    pub strategy: Strategy,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Time limit of one request (each attempt).
    pub timeout: Duration,
    /// Retries of a request that failed transiently.
    pub retries: u32,
    /// Backoff before the first retry, in milliseconds (doubling after).
    pub backoff_ms: u64,
    /// For chains without a built-in schedule (anything but mainnet): every fork up to this one
    /// active from genesis.
    pub fork: Option<Fork>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            strategy: Strategy::Auto,
            concurrency: 16,
            timeout: Duration::from_secs(30),
            retries: 5,
            backoff_ms: 250,
            fork: None,
        }
    }
}

/// Counters of a fetch, shared with a progress display.
#[derive(Debug, Default)]
pub struct Progress {
    /// Requests answered.
    pub requests: AtomicU64,
    /// Bytes of JSON received (response results).
    pub bytes: AtomicU64,
}

/// What a fetch did.
#[derive(Clone, Debug)]
pub struct FetchStats {
    pub strategy: &'static str,
    pub requests: u64,
    pub bytes: u64,
    pub seconds: f64,
}

/// A JSON-RPC connection with retries and counters.
#[derive(Clone)]
struct Rpc {
    client: RpcClient,
    url: String,
    progress: Arc<Progress>,
    /// The cause of the latest transient failure: the retry layer's final error only says
    /// "max retries exceeded".
    last_failure: Arc<std::sync::Mutex<Option<String>>>,
}

impl Rpc {
    fn new(url: &str, opts: &FetchOptions, progress: Arc<Progress>) -> Result<Rpc, FetchError> {
        let parsed: url::Url =
            url.parse().map_err(|e| FetchError::Rpc { url: url.into(), message: format!("not a URL: {e}") })?;
        let http = alloy_transport_http::reqwest::Client::builder()
            .timeout(opts.timeout)
            .build()
            .map_err(|e| FetchError::Rpc { url: url.into(), message: e.to_string() })?;
        let transport = alloy_transport_http::Http::with_client(http, parsed);
        // Transport failures (connection refused, timeouts, HTTP 5xx) are retried as well as the
        // rate limits that alloy's default policy knows.
        let last_failure = Arc::new(std::sync::Mutex::new(None));
        let seen = last_failure.clone();
        let policy = OrRetryPolicyFn::new(RateLimitRetryPolicy::default(), move |error| {
            let retry = match error {
                RpcError::Transport(TransportErrorKind::Custom(_)) => true,
                RpcError::Transport(TransportErrorKind::HttpError(e)) => e.status >= 500 || e.status == 429,
                _ => false,
            };
            if retry {
                *seen.lock().unwrap() = Some(chain(error));
            }
            retry
        });
        let layer = RetryBackoffLayer::new_with_policy(opts.retries, opts.backoff_ms, u64::MAX, policy);
        let client = ClientBuilder::default().layer(layer).transport(transport, false);
        Ok(Rpc { client, url: url.into(), progress, last_failure })
    }

    async fn call<R: DeserializeOwned>(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<R, FetchError> {
        let raw: Box<RawValue> = self.client.request(method, params.clone()).await.map_err(|e| {
            let mut message = format!("{method} {params}: {}", chain(&e));
            if message.contains("Max retries exceeded") {
                if let Some(cause) = self.last_failure.lock().unwrap().as_deref() {
                    message = format!("{method} {params}: gave up after retries; last failure: {cause}");
                }
            }
            FetchError::Rpc { url: self.url.clone(), message }
        })?;
        self.progress.requests.fetch_add(1, Ordering::Relaxed);
        self.progress.bytes.fetch_add(raw.get().len() as u64, Ordering::Relaxed);
        serde_json::from_str(raw.get()).map_err(|e| FetchError::Rpc {
            url: self.url.clone(),
            message: format!("{method} {params}: malformed result: {e}"),
        })
    }

    async fn block(&self, number: u64, full: bool) -> Result<RpcBlock, FetchError> {
        let block: Option<RpcBlock> = self.call("eth_getBlockByNumber", json!([U64::from(number), full])).await?;
        block.ok_or(FetchError::NoSuchBlock { url: self.url.clone(), number })
    }

    async fn proof(
        &self,
        address: Address,
        slots: &[B256],
        at: u64,
    ) -> Result<EIP1186AccountProofResponse, FetchError> {
        self.call("eth_getProof", json!([address, slots, U64::from(at)])).await
    }
}

/// An error with its causes, `outer: inner: innermost` (reqwest hides "connection refused" in
/// the source chain).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text
}

/// Fetches block `number` from the node at `url` and returns its verified witness.
///
/// The block is executed natively from the witness before this returns, and must reproduce its
/// header's state root.
pub fn fetch(
    url: &str,
    number: u64,
    opts: &FetchOptions,
    progress: Arc<Progress>,
) -> Result<(WitnessFile, FetchStats), FetchError> {
    let start = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| FetchError::Rpc { url: url.into(), message: format!("cannot start tokio: {e}") })?;
    let rpc = Rpc::new(url, opts, progress.clone())?;
    if number == 0 {
        return Err(FetchError::NoSuchBlock { url: url.into(), number });
    }
    let chain_id: U64 = runtime.block_on(rpc.call("eth_chainId", json!([])))?;
    let chain = chain_config(chain_id.to(), opts.fork)?;

    let (input, strategy) = match opts.strategy {
        Strategy::Proofs => (fetch_by_proofs(&runtime, &rpc, &chain, number, opts)?, "proofs"),
        Strategy::Witness => (fetch_by_execution_witness(&runtime, &rpc, &chain, number)?, "witness"),
        Strategy::Auto => match fetch_by_execution_witness(&runtime, &rpc, &chain, number) {
            Ok(input) => (input, "witness"),
            Err(FetchError::MethodMissing { .. }) => (fetch_by_proofs(&runtime, &rpc, &chain, number, opts)?, "proofs"),
            Err(e) => return Err(e),
        },
    };

    // Never hand out a witness that cannot prove the block.
    let executed =
        zkmips_executor::execute_block(&input).map_err(|e| FetchError::Preflight { number, reason: e.to_string() })?;
    let file = WitnessFile { number, hash: executed.statement.block_hash, strategy: strategy.into(), input };
    let stats = FetchStats {
        strategy,
        requests: progress.requests.load(Ordering::Relaxed),
        bytes: progress.bytes.load(Ordering::Relaxed),
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok((file, stats))
}

/// The fork schedule of a chain: mainnet's built in, others from `fork`.
pub fn chain_config(chain_id: u64, fork: Option<Fork>) -> Result<ChainConfig, FetchError> {
    match (chain_id, fork) {
        (_, Some(fork)) => Ok(ChainConfig::all_active_from_genesis(chain_id, fork)),
        (1, None) => Ok(ChainConfig::mainnet()),
        (id, None) => Err(FetchError::UnknownChain { chain_id: id }),
    }
}

/// The block and its parent, checked and converted.
struct Fetched {
    block: alloy_consensus::Block<TxEnvelope>,
    parent: Header,
}

fn fetch_block_and_parent(runtime: &tokio::runtime::Runtime, rpc: &Rpc, number: u64) -> Result<Fetched, FetchError> {
    // Both requests finish before either error is looked at, so a block the node does not have is
    // reported as that block, never as its (equally missing) parent, whichever answer came first.
    let (block, parent) =
        runtime.block_on(async { tokio::join!(rpc.block(number, true), rpc.block(number - 1, false)) });
    let (block, parent) = (block?, parent?);
    let block = consensus_block(&block)?;
    let parent = sealed_header(&parent)?;
    if block.header.parent_hash != parent.hash() {
        return Err(FetchError::ParentHashMismatch {
            number,
            expected: block.header.parent_hash,
            actual: parent.hash(),
        });
    }
    Ok(Fetched { block, parent: parent.into_inner() })
}

/// The response of `debug_executionWitness` (Geth and Reth).
#[derive(Deserialize, Serialize)]
struct ExecutionWitness {
    #[serde(default)]
    state: Vec<Bytes>,
    #[serde(default)]
    codes: Vec<Bytes>,
    #[serde(default)]
    headers: Vec<serde_json::Value>,
}

fn fetch_by_execution_witness(
    runtime: &tokio::runtime::Runtime,
    rpc: &Rpc,
    chain: &ChainConfig,
    number: u64,
) -> Result<BlockInput, FetchError> {
    let witness: Result<ExecutionWitness, FetchError> =
        runtime.block_on(rpc.call("debug_executionWitness", json!([U64::from(number)])));
    let witness = match witness {
        Ok(w) => w,
        Err(FetchError::Rpc { message, .. })
            if message.contains("-32601")
                || message.contains("not found")
                || message.contains("not available")
                || message.contains("not supported") =>
        {
            return Err(FetchError::MethodMissing { url: rpc.url.clone(), method: "debug_executionWitness", message })
        }
        Err(e) => return Err(e),
    };
    let Fetched { block, parent } = fetch_block_and_parent(runtime, rpc, number)?;
    // Ancestors: the parent, then whatever older headers the node included (for BLOCKHASH),
    // newest first and contiguous.
    let mut older: BTreeMap<u64, Header> = BTreeMap::new();
    for value in witness.headers {
        let header: alloy_rpc_types_eth::Header = serde_json::from_value(value)
            .map_err(|e| FetchError::Rpc { url: rpc.url.clone(), message: format!("execution witness header: {e}") })?;
        older.insert(header.number, header.inner);
    }
    let mut ancestors = vec![header_rlp(&parent)];
    let mut next = parent.number;
    while let Some(header) = next.checked_sub(1).and_then(|n| older.get(&n)) {
        ancestors.push(header_rlp(header));
        next -= 1;
    }
    let mut nodes = witness.state;
    nodes.sort();
    nodes.dedup();
    let mut codes = witness.codes;
    codes.sort();
    codes.dedup();
    Ok(BlockInput { chain: chain.clone(), block: block_rlp(&block), ancestors, nodes, codes })
}

/// Reads the parent state over RPC for the preflight execution (`eth_getBalance`,
/// `eth_getTransactionCount`, `eth_getCode`, `eth_getStorageAt`, headers for BLOCKHASH), and
/// remembers every account, slot, code and block hash it was asked for.
struct RpcState<'a> {
    runtime: &'a tokio::runtime::Runtime,
    rpc: &'a Rpc,
    /// Block whose state is read (the parent).
    at: u64,
    accounts: RefCell<BTreeMap<Address, Option<AccountInfo>>>,
    slots: RefCell<BTreeMap<(Address, U256), U256>>,
    codes: RefCell<BTreeMap<B256, Bytes>>,
    hashes: RefCell<BTreeMap<u64, B256>>,
}

impl std::fmt::Debug for RpcState<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcState").field("at", &self.at).finish_non_exhaustive()
    }
}

/// revm's error type for the RPC-backed state.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StateError(String);

impl revm::database::DBErrorMarker for StateError {}

impl DatabaseRef for RpcState<'_> {
    type Error = StateError;

    fn basic_ref(&self, address: Address) -> Result<Option<AccountInfo>, StateError> {
        if let Some(info) = self.accounts.borrow().get(&address) {
            return Ok(info.clone());
        }
        let at = U64::from(self.at);
        let (balance, nonce, code) = self
            .runtime
            .block_on(async {
                tokio::try_join!(
                    self.rpc.call::<U256>("eth_getBalance", json!([address, at])),
                    self.rpc.call::<U64>("eth_getTransactionCount", json!([address, at])),
                    self.rpc.call::<Bytes>("eth_getCode", json!([address, at])),
                )
            })
            .map_err(|e| StateError(e.to_string()))?;
        // An empty account and an absent one are the same to post-Spurious-Dragon execution
        // (EIP-161); the proofs fetched afterwards tell the trie which it is.
        let info = if balance.is_zero() && nonce.is_zero() && code.is_empty() {
            None
        } else {
            let code_hash = if code.is_empty() { revm::primitives::KECCAK_EMPTY } else { keccak256(&code) };
            if !code.is_empty() {
                self.codes.borrow_mut().insert(code_hash, code);
            }
            Some(AccountInfo { balance, nonce: nonce.to(), code_hash, code: None, ..Default::default() })
        };
        self.accounts.borrow_mut().insert(address, info.clone());
        Ok(info)
    }

    fn code_by_hash_ref(&self, code_hash: B256) -> Result<Bytecode, StateError> {
        if code_hash == revm::primitives::KECCAK_EMPTY {
            return Ok(Bytecode::new());
        }
        let codes = self.codes.borrow();
        let code = codes.get(&code_hash).ok_or_else(|| StateError(format!("code {code_hash} of no account read")))?;
        Ok(Bytecode::new_raw(code.clone()))
    }

    fn storage_ref(&self, address: Address, index: U256) -> Result<U256, StateError> {
        if let Some(value) = self.slots.borrow().get(&(address, index)) {
            return Ok(*value);
        }
        let value: U256 = self
            .runtime
            .block_on(self.rpc.call("eth_getStorageAt", json!([address, index, U64::from(self.at)])))
            .map_err(|e| StateError(e.to_string()))?;
        self.slots.borrow_mut().insert((address, index), value);
        Ok(value)
    }

    fn block_hash_ref(&self, number: u64) -> Result<B256, StateError> {
        if let Some(hash) = self.hashes.borrow().get(&number) {
            return Ok(*hash);
        }
        let block = self.runtime.block_on(self.rpc.block(number, false)).map_err(|e| StateError(e.to_string()))?;
        let hash = sealed_header(&block).map_err(|e| StateError(e.to_string()))?.hash();
        self.hashes.borrow_mut().insert(number, hash);
        Ok(hash)
    }
}

fn fetch_by_proofs(
    runtime: &tokio::runtime::Runtime,
    rpc: &Rpc,
    chain: &ChainConfig,
    number: u64,
    opts: &FetchOptions,
) -> Result<BlockInput, FetchError> {
    let Fetched { block, parent } = fetch_block_and_parent(runtime, rpc, number)?;

    // Preflight: execute against the parent state over RPC to learn what the block touches.
    let senders = block
        .body
        .transactions
        .iter()
        .enumerate()
        .map(|(index, tx)| {
            alloy_consensus::transaction::SignerRecoverable::recover_signer(tx)
                .map_err(|e| FetchError::Preflight { number, reason: format!("transaction {index}: sender: {e}") })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let state = RpcState {
        runtime,
        rpc,
        at: number - 1,
        accounts: RefCell::default(),
        slots: RefCell::default(),
        codes: RefCell::default(),
        hashes: RefCell::default(),
    };
    let mut db = CacheDB::new(&state);
    zkmips_executor::execute::run_transactions(chain, &block, &senders, &mut db)
        .map_err(|e| FetchError::Preflight { number, reason: format!("execution against the RPC state: {e}") })?;
    drop(db);

    // Keys touched, per account.
    let mut keys: BTreeMap<Address, BTreeSet<B256>> = BTreeMap::new();
    for address in state.accounts.borrow().keys() {
        keys.entry(*address).or_default();
    }
    for (address, slot) in state.slots.borrow().keys() {
        keys.entry(*address).or_default().insert(B256::from(*slot));
    }

    // Proofs at the parent (again, now one request per account with all its slots, so every
    // path is complete) and at the block (the post-state paths, for collapsed siblings).
    let requests: Vec<(Address, Vec<B256>, u64)> = keys
        .iter()
        .flat_map(|(address, slots)| {
            let slots: Vec<B256> = slots.iter().copied().collect();
            [(*address, slots.clone(), number - 1), (*address, slots, number)]
        })
        .collect();
    let proofs: Vec<(u64, EIP1186AccountProofResponse)> = runtime.block_on(
        stream::iter(requests)
            .map(|(address, slots, at)| async move { rpc.proof(address, &slots, at).await.map(|p| (at, p)) })
            .buffer_unordered(opts.concurrency.max(1))
            .try_collect(),
    )?;
    let mut pre = BTreeMap::new();
    let mut post = BTreeMap::new();
    for (at, proof) in proofs {
        if at == number - 1 {
            pre.insert(proof.address, proof);
        } else {
            post.insert(proof.address, proof);
        }
    }
    let mut nodes: BTreeSet<Bytes> = BTreeSet::new();
    add_proof_nodes(pre.values(), number - 1, parent.state_root, &mut nodes)?;
    let known: BTreeSet<B256> = nodes.iter().map(keccak256).collect();
    nodes.extend(collapsed_siblings_of_proofs(pre.values(), &post, &known));

    // Ancestors: the parent and every older header down to the oldest BLOCKHASH read.
    let oldest = state.hashes.borrow().keys().next().copied().unwrap_or(number - 1).min(number - 1);
    let older: Vec<RpcBlock> = runtime.block_on(
        stream::iter((oldest..number - 1).rev())
            .map(|n| rpc.block(n, false))
            .buffered(opts.concurrency.max(1))
            .try_collect(),
    )?;
    let mut ancestors = vec![header_rlp(&parent)];
    for block in &older {
        ancestors.push(header_rlp(&sealed_header(block)?.into_inner()));
    }

    let mut codes: Vec<Bytes> = state.codes.borrow().values().cloned().collect();
    codes.sort();
    Ok(BlockInput {
        chain: chain.clone(),
        block: block_rlp(&block),
        ancestors,
        nodes: nodes.into_iter().collect(),
        codes,
    })
}
