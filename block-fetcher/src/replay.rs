//! `zkmips replay-rpc`: a JSON-RPC 2.0 server over HTTP that answers from a recording.
//!
//! It stands in for an Ethereum node in tests and demos: the fetcher (or any client: alloy, cast,
//! curl) talks to it as to a node, and it answers from a [`Recorded`] store, without a network.
//! Nothing is computed that a node did not report; a request outside the recording is an error that
//! names the method and its parameters, so a test that needs more data says exactly which.
//!
//! | method | answered from |
//! |---|---|
//! | `eth_getBlockByNumber(tag, full)` | `full_blocks`; with `full = false`, transactions become their hashes |
//! | `eth_getBlockByHash(hash, full)` | `full_blocks`, the block whose `hash` it is |
//! | `eth_getProof(address, slots, tag)` | `proofs`; else assembled from the proofs of that account at that block when they hold every slot asked for |
//! | `eth_getCode(address, tag)` | `code` |
//! | `eth_getBalance(address, tag)` | `balance`, else the `balance` of a recorded proof |
//! | `eth_getTransactionCount(address, tag)` | `transaction_count`, else the `nonce` of a recorded proof |
//! | `eth_getStorageAt(address, slot, tag)` | `storage`, else the slot's value in a recorded proof; as a 32-byte word |
//! | `eth_blockNumber` | the highest recorded block |
//! | `eth_chainId`, `net_version` | the chain id given to the server (mainnet, 1, by default) |
//! | `web3_clientVersion` | the recording's `client_version`, else `zkmips-replay` |
//! | `eth_syncing` | `false` |
//!
//! Block tags: a hex number; `latest`, `pending`, `safe` and `finalized` are the highest recorded
//! block; `earliest` is block 0; EIP-1898 objects (`{"blockNumber"}`, `{"blockHash"}`) work too.
//! Storage slots match in any hex spelling (`0x6`, `0x06`, zero-padded to 32 bytes).
//!
//! Errors are JSON-RPC error objects, always with HTTP status 200: [`code::NOT_RECORDED`] for a
//! supported method whose answer is not in the recording, [`code::METHOD_NOT_FOUND`] for any other
//! method, [`code::INVALID_PARAMS`], [`code::INVALID_REQUEST`] and [`code::PARSE_ERROR`]. Batches
//! (JSON arrays) are answered in order; notifications (no `id`) get no answer, and a request made
//! only of notifications gets an empty body.
//!
//! [`ReplayRpc`] answers request bodies without any I/O; [`serve`] serves it on a tokio listener;
//! [`spawn`] runs a server on its own thread and runtime, for tests and for the command line.

use std::{
    collections::BTreeMap,
    convert::Infallible,
    future::Future,
    net::SocketAddr,
    sync::Arc,
    thread::{self, JoinHandle},
    time::Duration,
};

use alloy_primitives::{Address, B256, U256, U64};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::{
    body::{Bytes, Incoming},
    header, Method, Request, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::{net::TcpListener, sync::oneshot};

use crate::{
    recorded::{kind, Recorded},
    FetchError,
};

/// The chain id the server reports unless told otherwise: the recordings are of mainnet.
pub const DEFAULT_CHAIN_ID: u64 = 1;

/// The largest request body accepted (a batch of a few thousand calls fits easily).
const MAX_REQUEST_BYTES: usize = 16 << 20;

/// What `web3_clientVersion` answers when the recording has no `client_version`.
const CLIENT_VERSION: &str = "zkmips-replay";

/// The methods the server answers.
pub const METHODS: [&str; 12] = [
    "eth_getBlockByNumber",
    "eth_getBlockByHash",
    "eth_getProof",
    "eth_getCode",
    "eth_getBalance",
    "eth_getTransactionCount",
    "eth_getStorageAt",
    "eth_blockNumber",
    "eth_chainId",
    "net_version",
    "web3_clientVersion",
    // Always `false`: a recording is never behind.
    "eth_syncing",
];

/// JSON-RPC error codes.
pub mod code {
    /// The body is not JSON.
    pub const PARSE_ERROR: i64 = -32700;
    /// JSON, but not a request object (or a batch of them).
    pub const INVALID_REQUEST: i64 = -32600;
    /// A method the server does not answer.
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// Parameters missing, extra or of the wrong shape.
    pub const INVALID_PARAMS: i64 = -32602;
    /// A method the server answers, with parameters whose answer is not in the recording (from the
    /// range JSON-RPC leaves to servers).
    pub const NOT_RECORDED: i64 = -32001;
}

/// A JSON-RPC error object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
}

impl RpcError {
    fn new(code: i64, message: impl Into<String>) -> RpcError {
        RpcError { code, message: message.into() }
    }

    fn invalid_params(method: &str, why: impl std::fmt::Display) -> RpcError {
        RpcError::new(code::INVALID_PARAMS, format!("invalid params for {method}: {why}"))
    }

    fn to_json(&self) -> Value {
        json!({ "code": self.code, "message": self.message })
    }
}

/// Answers JSON-RPC requests from a recording. No I/O: [`serve`] puts it behind HTTP.
#[derive(Clone, Debug)]
pub struct ReplayRpc {
    recorded: Recorded,
    chain_id: u64,
    /// The highest recorded block: what `latest` means.
    newest: Option<u64>,
    /// Recorded blocks by hash, for `eth_getBlockByHash` and EIP-1898 block hashes.
    by_hash: BTreeMap<B256, u64>,
}

impl ReplayRpc {
    /// A server's answers: from `recorded`, reporting `chain_id`.
    pub fn new(recorded: Recorded, chain_id: u64) -> ReplayRpc {
        let by_hash = recorded
            .entries(kind::FULL_BLOCKS)
            .filter_map(|(query, block)| {
                let number = query.get("block_no")?.as_u64()?;
                let hash = serde_json::from_value(block.get("hash")?.clone()).ok()?;
                Some((hash, number))
            })
            .collect();
        ReplayRpc { newest: recorded.newest_block(), chain_id, by_hash, recorded }
    }

    /// The recording answered from.
    pub fn recorded(&self) -> &Recorded {
        &self.recorded
    }

    /// The answer to an HTTP request body: a single request or a batch. `None` when nothing is to be
    /// sent back (the request held only notifications).
    pub fn answer(&self, body: &[u8]) -> Option<String> {
        let request: Value = match serde_json::from_slice(body) {
            Ok(request) => request,
            Err(e) => {
                let error = RpcError::new(code::PARSE_ERROR, format!("parse error: {e}"));
                return Some(error_response(Value::Null, &error).to_string());
            }
        };
        match request {
            Value::Array(batch) if batch.is_empty() => {
                let error = RpcError::new(code::INVALID_REQUEST, "invalid request: empty batch");
                Some(error_response(Value::Null, &error).to_string())
            }
            Value::Array(batch) => {
                let answers: Vec<Value> = batch.iter().filter_map(|request| self.answer_one(request)).collect();
                (!answers.is_empty()).then(|| Value::Array(answers).to_string())
            }
            request => self.answer_one(&request).map(|answer| answer.to_string()),
        }
    }

    /// The response object to one request; `None` for a notification.
    fn answer_one(&self, request: &Value) -> Option<Value> {
        let Value::Object(request) = request else {
            let error = RpcError::new(code::INVALID_REQUEST, format!("invalid request: not an object: {request}"));
            return Some(error_response(Value::Null, &error));
        };
        let id = request.get("id");
        if let Some(id) = id.filter(|id| !(id.is_string() || id.is_number() || id.is_null())) {
            let error =
                RpcError::new(code::INVALID_REQUEST, format!("invalid request: id {id} is not a string or number"));
            return Some(error_response(Value::Null, &error));
        }
        let Some(method) = request.get("method").and_then(Value::as_str) else {
            let error = RpcError::new(code::INVALID_REQUEST, "invalid request: no method");
            return Some(error_response(id.cloned().unwrap_or(Value::Null), &error));
        };
        let no_params = Value::Array(Vec::new());
        let result = self.call(method, request.get("params").unwrap_or(&no_params));
        let id = id?.clone();
        Some(match result {
            Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
            Err(error) => error_response(id, &error),
        })
    }

    /// The result of one call.
    pub fn call(&self, method: &str, params: &Value) -> Result<Value, RpcError> {
        let p = Params::new(method, params)?;
        let not_recorded = || RpcError::new(code::NOT_RECORDED, format!("not recorded: {method} {params}"));
        let answer = match method {
            "web3_clientVersion" => {
                p.at_most(0)?;
                Some(json!(self.recorded.client_version().unwrap_or(CLIENT_VERSION)))
            }
            "eth_chainId" => {
                p.at_most(0)?;
                Some(json!(U64::from(self.chain_id)))
            }
            "net_version" => {
                p.at_most(0)?;
                Some(json!(self.chain_id.to_string()))
            }
            "eth_syncing" => {
                p.at_most(0)?;
                Some(Value::Bool(false))
            }
            "eth_blockNumber" => {
                p.at_most(0)?;
                self.newest.map(|n| json!(U64::from(n)))
            }
            "eth_getBlockByNumber" => {
                p.at_most(2)?;
                let number = self.block_number(&p, Some(p.required(0, "block")?))?;
                self.block(number, p.flag(1, "full transactions")?)
            }
            "eth_getBlockByHash" => {
                p.at_most(2)?;
                let hash: B256 = p.parse(0, "block hash")?;
                let full = p.flag(1, "full transactions")?;
                self.by_hash.get(&hash).and_then(|&number| self.block(number, full))
            }
            "eth_getProof" => {
                p.at_most(3)?;
                let address: Address = p.parse(0, "address")?;
                let slots = match p.required(1, "storage keys")? {
                    Value::Array(slots) => slots.iter().map(|slot| slot_of(&p, slot)).collect::<Result<Vec<_>, _>>()?,
                    other => {
                        return Err(RpcError::invalid_params(method, format!("storage keys {other} are not a list")))
                    }
                };
                let number = self.block_number(&p, p.optional(2))?;
                self.proof(number, address, &slots)
            }
            "eth_getCode" | "eth_getBalance" | "eth_getTransactionCount" => {
                p.at_most(2)?;
                let address: Address = p.parse(0, "address")?;
                let number = self.block_number(&p, p.optional(1))?;
                let (kind, proof_field) = match method {
                    "eth_getCode" => (kind::CODE, None),
                    "eth_getBalance" => (kind::BALANCE, Some("balance")),
                    _ => (kind::TRANSACTION_COUNT, Some("nonce")),
                };
                let query = json!({ "block_no": number, "address": address });
                match self.recorded.get(kind, &query) {
                    Some(answer) => Some(answer.clone()),
                    None => proof_field.and_then(|field| self.account_proof_field(number, address, field)),
                }
            }
            "eth_getStorageAt" => {
                p.at_most(3)?;
                let address: Address = p.parse(0, "address")?;
                let slot = slot_of(&p, p.required(1, "storage slot")?)?;
                let number = self.block_number(&p, p.optional(2))?;
                let query = json!({ "block_no": number, "address": address, "index": B256::from(slot) });
                self.recorded
                    .get(kind::STORAGE, &query)
                    .cloned()
                    .or_else(|| self.recorded_slot(number, address, slot)?.get("value").cloned())
                    .map(storage_word)
            }
            _ => {
                return Err(RpcError::new(
                    code::METHOD_NOT_FOUND,
                    format!("method not found: {method} (the replay server answers {})", METHODS.join(", ")),
                ))
            }
        };
        answer.ok_or_else(not_recorded)
    }

    /// The number of the block a tag or EIP-1898 object names; a missing tag is `latest`.
    fn block_number(&self, p: &Params, tag: Option<&Value>) -> Result<u64, RpcError> {
        let newest = || {
            self.newest.ok_or_else(|| {
                RpcError::new(code::NOT_RECORDED, format!("not recorded: {} {} (no blocks recorded)", p.method, p.raw))
            })
        };
        match tag {
            None | Some(Value::Null) => newest(),
            Some(Value::String(tag)) => match tag.as_str() {
                "latest" | "pending" | "safe" | "finalized" => newest(),
                "earliest" => Ok(0),
                number => match serde_json::from_value::<U64>(json!(number)) {
                    Ok(number) => Ok(number.to()),
                    Err(_) => {
                        Err(RpcError::invalid_params(p.method, format!("block {number:?} is not a tag or hex number")))
                    }
                },
            },
            Some(Value::Object(id)) => match (id.get("blockNumber"), id.get("blockHash")) {
                (Some(number), None) => self.block_number(p, Some(number)),
                (None, Some(hash)) => {
                    let hash: B256 = serde_json::from_value(hash.clone())
                        .map_err(|e| RpcError::invalid_params(p.method, format!("block hash {hash}: {e}")))?;
                    self.by_hash.get(&hash).copied().ok_or_else(|| {
                        RpcError::new(
                            code::NOT_RECORDED,
                            format!("not recorded: {} {} (no block {hash})", p.method, p.raw),
                        )
                    })
                }
                _ => Err(RpcError::invalid_params(p.method, "a block object has one of blockNumber and blockHash")),
            },
            Some(other) => Err(RpcError::invalid_params(p.method, format!("block {other} is not a tag or hex number"))),
        }
    }

    /// Block `number` as `eth_getBlockBy*` returns it; with `full` false, transactions are hashes.
    fn block(&self, number: u64, full: bool) -> Option<Value> {
        let mut block = self.recorded.get(kind::FULL_BLOCKS, &json!({ "block_no": number }))?.clone();
        if !full {
            if let Some(Value::Array(txs)) = block.get_mut("transactions") {
                for tx in txs.iter_mut().filter(|tx| tx.is_object()) {
                    *tx = tx.get("hash").cloned().unwrap_or(Value::Null);
                }
            }
        }
        Some(block)
    }

    /// The recorded proofs of `address` at block `number`.
    fn account_proofs(&self, number: u64, address: Address) -> impl Iterator<Item = &Value> {
        self.recorded.entries(kind::PROOFS).filter_map(move |(query, proof)| {
            let at = query.get("block_no")?.as_u64()?;
            let of: Address = serde_json::from_value(query.get("address")?.clone()).ok()?;
            (at == number && of == address).then_some(proof)
        })
    }

    /// A field (`balance`, `nonce`) of a recorded proof of the account.
    fn account_proof_field(&self, number: u64, address: Address, field: &str) -> Option<Value> {
        self.account_proofs(number, address).find_map(|proof| proof.get(field).cloned())
    }

    /// A slot's entry in the `storageProof` of a recorded proof of the account.
    fn recorded_slot(&self, number: u64, address: Address, slot: U256) -> Option<&Value> {
        self.account_proofs(number, address).find_map(|proof| {
            proof.get("storageProof")?.as_array()?.iter().find(|entry| {
                entry.get("key").and_then(Value::as_str).and_then(|key| parse_slot(key).ok()) == Some(slot)
            })
        })
    }

    /// `eth_getProof`: the recorded answer to this query, else one assembled from the recorded proofs
    /// of the account at that block (the account part does not depend on the slots; each slot's
    /// proof is taken from a proof that has it), in the order the slots were asked for.
    fn proof(&self, number: u64, address: Address, slots: &[U256]) -> Option<Value> {
        let indices: Vec<B256> = slots.iter().copied().map(B256::from).collect();
        let query = json!({ "block_no": number, "address": address, "indices": indices });
        if let Some(proof) = self.recorded.get(kind::PROOFS, &query) {
            return Some(proof.clone());
        }
        let mut proof = self.account_proofs(number, address).next()?.clone();
        let storage =
            slots.iter().map(|&slot| self.recorded_slot(number, address, slot).cloned()).collect::<Option<Vec<_>>>()?;
        proof.as_object_mut()?.insert("storageProof".into(), Value::Array(storage));
        Some(proof)
    }
}

/// A request's positional parameters.
struct Params<'a> {
    method: &'a str,
    /// The parameters as sent, for error messages.
    raw: &'a Value,
    items: &'a [Value],
}

impl<'a> Params<'a> {
    fn new(method: &'a str, raw: &'a Value) -> Result<Params<'a>, RpcError> {
        match raw {
            Value::Array(items) => Ok(Params { method, raw, items }),
            Value::Null => Ok(Params { method, raw, items: &[] }),
            other => Err(RpcError::invalid_params(method, format!("params {other} are not a list"))),
        }
    }

    fn at_most(&self, count: usize) -> Result<(), RpcError> {
        if self.items.len() > count {
            return Err(RpcError::invalid_params(
                self.method,
                format!("{} parameters given, at most {count} expected", self.items.len()),
            ));
        }
        Ok(())
    }

    fn optional(&self, at: usize) -> Option<&'a Value> {
        self.items.get(at)
    }

    fn required(&self, at: usize, what: &str) -> Result<&'a Value, RpcError> {
        self.items.get(at).ok_or_else(|| RpcError::invalid_params(self.method, format!("missing {what}")))
    }

    fn parse<T: serde::de::DeserializeOwned>(&self, at: usize, what: &str) -> Result<T, RpcError> {
        let value = self.required(at, what)?;
        serde_json::from_value(value.clone())
            .map_err(|e| RpcError::invalid_params(self.method, format!("{what} {value}: {e}")))
    }

    /// An optional boolean (`eth_getBlockBy*`'s full-transactions flag); missing is false.
    fn flag(&self, at: usize, what: &str) -> Result<bool, RpcError> {
        match self.optional(at) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(flag)) => Ok(*flag),
            Some(other) => Err(RpcError::invalid_params(self.method, format!("{what} {other} is not a boolean"))),
        }
    }
}

/// A storage slot in any hex spelling (`0x6`, `0x06`, 32 bytes zero-padded).
fn slot_of(p: &Params, slot: &Value) -> Result<U256, RpcError> {
    slot.as_str()
        .ok_or("not a string")
        .and_then(parse_slot)
        .map_err(|why| RpcError::invalid_params(p.method, format!("storage slot {slot}: {why}")))
}

fn parse_slot(slot: &str) -> Result<U256, &'static str> {
    let digits = slot.strip_prefix("0x").or_else(|| slot.strip_prefix("0X")).ok_or("no 0x prefix")?;
    if digits.is_empty() || digits.len() > 64 {
        return Err("not 1 to 64 hex digits");
    }
    U256::from_str_radix(digits, 16).map_err(|_| "not hex")
}

/// A storage value as a 32-byte word, as nodes return it from `eth_getStorageAt` (the recordings
/// hold it as a quantity, `0x6`). Left as recorded if it is not hex.
fn storage_word(value: Value) -> Value {
    match value.as_str().map(parse_slot) {
        Some(Ok(word)) => json!(B256::from(word)),
        _ => value,
    }
}

fn error_response(id: Value, error: &RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() })
}

/// Serves JSON-RPC over HTTP/1.1 on `listener`, answering from `recorded`, until the future is
/// dropped. Any path is accepted; only `POST` carries requests.
pub async fn serve(recorded: Recorded, listener: TcpListener, chain_id: u64) {
    serve_until(Arc::new(ReplayRpc::new(recorded, chain_id)), listener, std::future::pending()).await
}

async fn serve_until(rpc: Arc<ReplayRpc>, listener: TcpListener, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            () = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A connection aborted before it was accepted, or out of file descriptors: neither
                // stops the server; back off a little in case it is the latter.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let rpc = rpc.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| respond(rpc.clone(), request));
            // A connection the client breaks off is no error of the server's.
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn respond(rpc: Arc<ReplayRpc>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let text = |status, text: &'static str| {
        let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
        *response.status_mut() = status;
        response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/plain"));
        response
    };
    if request.method() != Method::POST {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "JSON-RPC requests are POSTed\n");
        response.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return Ok(response);
    }
    let body = match Limited::new(request.into_body(), MAX_REQUEST_BYTES).collect().await {
        Ok(body) => body.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => {
            return Ok(text(StatusCode::PAYLOAD_TOO_LARGE, "request body over 16 MiB\n"));
        }
        Err(_) => return Ok(text(StatusCode::BAD_REQUEST, "request body broken off\n")),
    };
    let mut response = Response::new(Full::new(rpc.answer(&body).map(Bytes::from).unwrap_or_default()));
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    Ok(response)
}

/// A replay server running on its own thread (with its own tokio runtime). Dropping it stops the
/// server.
#[derive(Debug)]
pub struct ReplayServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Starts a replay server on `addr` (port 0 picks a free port: see [`ReplayServer::local_addr`]).
///
/// # Errors
/// [`FetchError::Serve`] if the address cannot be bound or the server's thread cannot start.
pub fn spawn(recorded: Recorded, addr: SocketAddr, chain_id: u64) -> Result<ReplayServer, FetchError> {
    let failed = |what: String| move |cause| FetchError::Serve { what, cause };
    let listener = std::net::TcpListener::bind(addr).map_err(failed(format!("cannot listen on {addr}")))?;
    let addr = listener.local_addr().map_err(failed(format!("cannot listen on {addr}")))?;
    listener.set_nonblocking(true).map_err(failed(format!("cannot listen on {addr}")))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(failed("cannot start a tokio runtime".into()))?;
    let listener = {
        let _in_runtime = runtime.enter();
        TcpListener::from_std(listener).map_err(failed(format!("cannot listen on {addr}")))?
    };
    let rpc = Arc::new(ReplayRpc::new(recorded, chain_id));
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = thread::Builder::new()
        .name(format!("replay-rpc {addr}"))
        .spawn(move || {
            // A dropped sender stops the server as a sent stop does.
            runtime.block_on(serve_until(rpc, listener, async move { stopped.await.unwrap_or(()) }))
        })
        .map_err(failed("cannot start the server's thread".into()))?;
    Ok(ReplayServer { addr, stop: Some(stop), thread: Some(thread) })
}

impl ReplayServer {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's URL, `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
    }
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the server's thread was already reported there.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "0x00000000000000000000000000000000000000aa";

    /// A small recording: block 7 (two transactions), a proof of ACCOUNT with slots 1 and 2 and one
    /// with slot 3, a balance, and a storage slot recorded unpadded.
    fn rpc() -> ReplayRpc {
        let hash = format!("0x{}", "77".repeat(32));
        let recording = json!({
            "client_version": "Geth/test",
            "full_blocks": [[{ "block_no": 7 }, {
                "hash": hash, "number": "0x7",
                "transactions": [{ "hash": "0x01", "nonce": "0x0" }, { "hash": "0x02", "nonce": "0x1" }],
            }]],
            "proofs": [
                [{ "block_no": 7, "address": ACCOUNT, "indices": [B256::with_last_byte(1), B256::with_last_byte(2)] }, {
                    "address": ACCOUNT, "balance": "0x5", "nonce": "0x3", "accountProof": ["0xaa"],
                    "storageProof": [
                        { "key": "0x01", "value": "0x11", "proof": ["0x01"] },
                        { "key": "0x02", "value": "0x0", "proof": ["0x02"] },
                    ],
                }],
                [{ "block_no": 7, "address": ACCOUNT, "indices": [B256::with_last_byte(3)] }, {
                    "address": ACCOUNT, "balance": "0x5", "nonce": "0x3", "accountProof": ["0xaa"],
                    "storageProof": [{ "key": "0x03", "value": "0x33", "proof": ["0x03"] }],
                }],
            ],
            "balance": [[{ "block_no": 7, "address": ACCOUNT }, "0x6"]],
            "storage": [[{ "block_no": 7, "address": ACCOUNT, "index": "0x9" }, "0x99"]],
        });
        ReplayRpc::new(Recorded::from_json(recording, "test").unwrap(), 5)
    }

    fn call(rpc: &ReplayRpc, method: &str, params: Value) -> Result<Value, RpcError> {
        rpc.call(method, &params)
    }

    #[test]
    fn block_tags_and_hashes() {
        let rpc = rpc();
        let block = call(&rpc, "eth_getBlockByNumber", json!(["0x7", true])).unwrap();
        assert_eq!(block["transactions"][1]["nonce"], "0x1");
        for tag in [json!("latest"), json!("finalized"), json!({ "blockNumber": "0x7" })] {
            assert_eq!(call(&rpc, "eth_getBlockByNumber", json!([tag, true])).unwrap(), block);
        }
        let hashes = call(&rpc, "eth_getBlockByNumber", json!(["0x7", false])).unwrap();
        assert_eq!(hashes["transactions"], json!(["0x01", "0x02"]));
        assert_eq!(call(&rpc, "eth_getBlockByHash", json!([block["hash"], false])).unwrap(), hashes);
        assert_eq!(call(&rpc, "eth_blockNumber", json!([])).unwrap(), "0x7");
        assert_eq!(call(&rpc, "eth_chainId", json!([])).unwrap(), "0x5");
        assert_eq!(call(&rpc, "net_version", Value::Null).unwrap(), "5");
        assert_eq!(call(&rpc, "web3_clientVersion", json!([])).unwrap(), "Geth/test");
        let missing = call(&rpc, "eth_getBlockByNumber", json!(["0x8", true])).unwrap_err();
        assert_eq!(missing.code, code::NOT_RECORDED);
        assert_eq!(missing.message, "not recorded: eth_getBlockByNumber [\"0x8\",true]");
        let bad = call(&rpc, "eth_getBlockByNumber", json!(["seven", true])).unwrap_err();
        assert_eq!(bad.code, code::INVALID_PARAMS);
    }

    #[test]
    fn proofs_are_recorded_or_assembled_from_recorded_slots() {
        let rpc = rpc();
        let both = call(&rpc, "eth_getProof", json!([ACCOUNT, ["0x1", "0x02"], "0x7"])).unwrap();
        assert_eq!(both, rpc.recorded().entries(kind::PROOFS).next().unwrap().1.clone());
        // Another order, a subset, slots from two proofs: assembled in the order asked.
        let keys = |proof: Value| -> Vec<Value> {
            proof["storageProof"].as_array().unwrap().iter().map(|s| s["key"].clone()).collect()
        };
        assert_eq!(
            keys(call(&rpc, "eth_getProof", json!([ACCOUNT, ["0x2", "0x1"], "latest"])).unwrap()),
            ["0x02", "0x01"]
        );
        assert_eq!(
            keys(call(&rpc, "eth_getProof", json!([ACCOUNT, ["0x3", "0x1"], "0x7"])).unwrap()),
            ["0x03", "0x01"]
        );
        assert_eq!(keys(call(&rpc, "eth_getProof", json!([ACCOUNT, [], "0x7"])).unwrap()), Vec::<Value>::new());
        let missing = call(&rpc, "eth_getProof", json!([ACCOUNT, ["0x4"], "0x7"])).unwrap_err();
        assert_eq!(missing.code, code::NOT_RECORDED);
        assert!(missing.message.starts_with("not recorded: eth_getProof ["), "{}", missing.message);
        let bad = call(&rpc, "eth_getProof", json!([ACCOUNT, "0x1", "0x7"])).unwrap_err();
        assert_eq!(bad.code, code::INVALID_PARAMS);
    }

    #[test]
    fn account_queries_fall_back_on_proofs() {
        let rpc = rpc();
        assert_eq!(call(&rpc, "eth_getBalance", json!([ACCOUNT, "0x7"])).unwrap(), "0x6");
        assert_eq!(call(&rpc, "eth_getTransactionCount", json!([ACCOUNT, "0x7"])).unwrap(), "0x3");
        assert_eq!(call(&rpc, "eth_getCode", json!([ACCOUNT, "0x7"])).unwrap_err().code, code::NOT_RECORDED);
        let word = |byte: u8| json!(B256::from(U256::from(byte)));
        for slot in ["0x9", "0x09", "0x0000000000000000000000000000000000000000000000000000000000000009"] {
            assert_eq!(call(&rpc, "eth_getStorageAt", json!([ACCOUNT, slot, "0x7"])).unwrap(), word(0x99));
        }
        assert_eq!(call(&rpc, "eth_getStorageAt", json!([ACCOUNT, "0x3", "0x7"])).unwrap(), word(0x33));
        assert_eq!(call(&rpc, "eth_getStorageAt", json!([ACCOUNT, "0x2", "0x7"])).unwrap(), word(0));
        assert_eq!(
            call(&rpc, "eth_getStorageAt", json!([ACCOUNT, "0x5", "0x7"])).unwrap_err().code,
            code::NOT_RECORDED
        );
        assert_eq!(call(&rpc, "eth_getBalance", json!(["0x12", "0x7"])).unwrap_err().code, code::INVALID_PARAMS);
        assert_eq!(call(&rpc, "eth_getBalance", json!([ACCOUNT, "0x7", 1])).unwrap_err().code, code::INVALID_PARAMS);
    }

    #[test]
    fn json_rpc_envelopes() {
        let rpc = rpc();
        let answer = |body: &str| rpc.answer(body.as_bytes()).map(|text| serde_json::from_str::<Value>(&text).unwrap());
        let single = answer(r#"{"jsonrpc":"2.0","id":"a","method":"eth_chainId","params":[]}"#).unwrap();
        assert_eq!(single, json!({ "jsonrpc": "2.0", "id": "a", "result": "0x5" }));
        let parse = answer("{not json").unwrap();
        assert_eq!((parse["id"].clone(), parse["error"]["code"].clone()), (Value::Null, json!(code::PARSE_ERROR)));
        assert_eq!(answer("[]").unwrap()["error"]["code"], code::INVALID_REQUEST);
        assert_eq!(answer("3").unwrap()["error"]["code"], code::INVALID_REQUEST);
        assert_eq!(answer(r#"{"id":1}"#).unwrap()["error"]["code"], code::INVALID_REQUEST);
        assert_eq!(answer(r#"{"id":[1],"method":"eth_chainId"}"#).unwrap()["error"]["code"], code::INVALID_REQUEST);
        // Notifications are not answered, alone or in a batch.
        assert_eq!(answer(r#"{"jsonrpc":"2.0","method":"eth_chainId"}"#), None);
        let batch = answer(
            r#"[{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"},{"jsonrpc":"2.0","method":"eth_chainId"},
                {"jsonrpc":"2.0","id":2,"method":"eth_call","params":[]},5]"#,
        )
        .unwrap();
        let batch = batch.as_array().unwrap();
        assert_eq!(batch.len(), 3);
        assert_eq!(batch[0]["result"], "0x7");
        assert_eq!(
            (batch[1]["id"].clone(), batch[1]["error"]["code"].clone()),
            (json!(2), json!(code::METHOD_NOT_FOUND))
        );
        assert_eq!(batch[2]["error"]["code"], code::INVALID_REQUEST);
    }

    #[test]
    fn an_empty_recording_has_no_latest_block() {
        let rpc = ReplayRpc::new(Recorded::new("empty"), DEFAULT_CHAIN_ID);
        assert_eq!(rpc.call("eth_blockNumber", &json!([])).unwrap_err().code, code::NOT_RECORDED);
        assert_eq!(rpc.call("eth_getBalance", &json!([ACCOUNT, "latest"])).unwrap_err().code, code::NOT_RECORDED);
        assert_eq!(rpc.call("web3_clientVersion", &json!([])).unwrap(), CLIENT_VERSION);
        assert_eq!(rpc.call("eth_chainId", &json!([])).unwrap(), "0x1");
    }
}
