//! The replay server (`zkmips replay-rpc`) over real HTTP, answering from the recording of mainnet
//! block 18884864 in `shared/testdata`.
//!
//! The data is found through `ZKMIPS_TESTDATA` (default: `../shared/testdata` beside the
//! workspace); every test skips with a printed reason when it is absent.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use alloy_primitives::{Address, B256, U256};
use alloy_rpc_types_eth::EIP1186AccountProofResponse;
use anyhow::{ensure, Context, Result};
use reqwest::blocking::Client;
use serde_json::{json, Value};
use zkmips_fetcher::recorded::kind;
use zkmips_fetcher::replay::{self, code, ReplayServer};
use zkmips_fetcher::{Recorded, RpcBlock};

const RECORDING: &str = "1-18884864.json.gz";
/// The recorded block (0x1202900), and its parent, at which the state queries were made.
const BLOCK: u64 = 18_884_864;
const PARENT: u64 = BLOCK - 1;

fn testdata() -> PathBuf {
    match std::env::var_os("ZKMIPS_TESTDATA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata"),
    }
}

/// A server on a free port of 127.0.0.1, the recording it answers from, and a client.
struct Replay {
    server: ReplayServer,
    rec: Recorded,
    client: Client,
}

impl Replay {
    /// `None` (after saying why) when the test data is absent.
    fn start() -> Result<Option<Replay>> {
        let path = testdata().join("mainnet-rpc").join(RECORDING);
        if !path.is_file() {
            eprintln!("skipping: {} not found (set ZKMIPS_TESTDATA to the shared test data)", path.display());
            return Ok(None);
        }
        let rec = Recorded::load(&path)?;
        let server = replay::spawn(rec.clone(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), replay::DEFAULT_CHAIN_ID)?;
        Ok(Some(Replay { server, rec, client: Client::new() }))
    }

    /// POSTs a body; the HTTP status must be 200. Returns the body.
    fn post(&self, body: impl Into<String>) -> Result<String> {
        let response = self
            .client
            .post(self.server.url())
            .header("content-type", "application/json")
            .body(body.into())
            .send()
            .context("POST to the replay server")?;
        ensure!(response.status() == 200, "HTTP status {}", response.status());
        Ok(response.text()?)
    }

    /// One call; the whole response object.
    fn call(&self, method: &str, params: Value) -> Result<Value> {
        let request = json!({ "jsonrpc": "2.0", "id": 7, "method": method, "params": params });
        let response: Value = serde_json::from_str(&self.post(request.to_string())?)?;
        ensure!(response["jsonrpc"] == "2.0" && response["id"] == 7, "envelope of {response}");
        Ok(response)
    }

    /// One call that must succeed; its result.
    fn result(&self, method: &str, params: Value) -> Result<Value> {
        let response = self.call(method, params)?;
        ensure!(response.get("error").is_none(), "{method} failed: {}", response["error"]);
        Ok(response["result"].clone())
    }

    /// One call that must fail; its error's code and message.
    fn error(&self, method: &str, params: Value) -> Result<(i64, String)> {
        let response = self.call(method, params)?;
        let error = response.get("error").with_context(|| format!("{method} did not fail: {response}"))?;
        Ok((error["code"].as_i64().context("error code")?, error["message"].as_str().context("message")?.to_owned()))
    }
}

#[test]
fn serves_recorded_blocks() -> Result<()> {
    let Some(replay) = Replay::start()? else { return Ok(()) };
    let recorded = replay.rec.block(BLOCK)?;
    let full = replay.result("eth_getBlockByNumber", json!(["0x1202900", true]))?;
    let block: RpcBlock = serde_json::from_value(full.clone()).context("the block decodes")?;
    ensure!(block.header.hash == recorded.header.hash, "block hash {} != {}", block.header.hash, recorded.header.hash);
    ensure!(block.transactions.len() == recorded.transactions.len());

    ensure!(replay.result("eth_getBlockByNumber", json!(["latest", true]))? == full, "latest is the newest block");
    ensure!(replay.result("eth_blockNumber", json!([]))? == "0x1202900");
    ensure!(replay.result("eth_getBlockByHash", json!([recorded.header.hash, true]))? == full);

    // Without full transactions: the same block, with the transactions' hashes.
    let hashes = replay.result("eth_getBlockByNumber", json!(["0x1202900", false]))?;
    let expected: Vec<B256> = recorded.transactions.hashes().collect();
    ensure!(serde_json::from_value::<Vec<B256>>(hashes["transactions"].clone())? == expected);
    ensure!(hashes["stateRoot"] == full["stateRoot"] && hashes["hash"] == full["hash"]);

    // The parent is recorded too; the grandparent is not.
    let parent = replay.result("eth_getBlockByNumber", json!([format!("{PARENT:#x}"), false]))?;
    ensure!(parent["hash"] == full["parentHash"]);
    let (code, message) = replay.error("eth_getBlockByNumber", json!([format!("{:#x}", BLOCK - 2), true]))?;
    ensure!(code == code::NOT_RECORDED && message.contains("eth_getBlockByNumber"), "{code} {message}");
    Ok(())
}

#[test]
fn serves_recorded_proofs_whatever_the_spelling() -> Result<()> {
    let Some(replay) = Replay::start()? else { return Ok(()) };
    // A proof with storage slots; asked for with a checksummed address and unpadded slots.
    let (query, recorded) = replay
        .rec
        .entries(kind::PROOFS)
        .find(|(query, _)| query["block_no"] == BLOCK && query["indices"].as_array().is_some_and(|s| s.len() > 1))
        .context("a recorded proof with slots")?;
    let address: Address = serde_json::from_value(query["address"].clone())?;
    let slots: Vec<String> = serde_json::from_value::<Vec<U256>>(query["indices"].clone())?
        .iter()
        .map(|slot| format!("{slot:#x}"))
        .collect();
    let proof = replay.result("eth_getProof", json!([address.to_checksum(None), slots, format!("{BLOCK:#x}")]))?;
    ensure!(&proof == recorded, "the proof differs from the recording");
    let decoded: EIP1186AccountProofResponse = serde_json::from_value(proof)?;
    ensure!(decoded.address == address && decoded.storage_proof.len() == slots.len());

    // Recorded proofs without slots come back as recorded; `latest` is the newest block.
    let (query, recorded) = replay
        .rec
        .entries(kind::PROOFS)
        .find(|(query, _)| query["block_no"] == BLOCK && query["indices"] == json!([]))
        .context("a recorded proof without slots")?;
    ensure!(&replay.result("eth_getProof", json!([query["address"], [], "latest"]))? == recorded);
    Ok(())
}

#[test]
fn storage_slots_match_padded_or_not() -> Result<()> {
    let Some(replay) = Replay::start()? else { return Ok(()) };
    let word_at = |address: &Value, slot: String, block: u64| -> Result<U256> {
        let word = replay.result("eth_getStorageAt", json!([address, slot, format!("{block:#x}")]))?;
        // Nodes answer a 32-byte word; the recording holds a quantity.
        ensure!(word.as_str().is_some_and(|w| w.len() == 66), "{word} is not a 32-byte word");
        Ok(serde_json::from_value(word)?)
    };
    // Recorded with eth_getStorageAt (at the parent; the recording writes the slot unpadded).
    let (query, value) = replay
        .rec
        .entries(kind::STORAGE)
        .find(|(query, value)| query["block_no"] == PARENT && value.as_str().is_some_and(|v| v.len() > 4))
        .context("a recorded non-zero slot")?;
    let slot: U256 = serde_json::from_value(query["index"].clone())?;
    let value: U256 = serde_json::from_value(value.clone())?;
    for spelling in [format!("{slot:#x}"), B256::from(slot).to_string()] {
        ensure!(word_at(&query["address"], spelling.clone(), PARENT)? == value, "slot {spelling}");
    }
    // Only proven (at the block): the value in the recorded proof.
    let (query, proof) = replay
        .rec
        .entries(kind::PROOFS)
        .find(|(query, _)| query["block_no"] == BLOCK && query["indices"].as_array().is_some_and(|s| !s.is_empty()))
        .context("a recorded proof with slots")?;
    let proof: EIP1186AccountProofResponse = serde_json::from_value(proof.clone())?;
    let slot = &proof.storage_proof[0];
    ensure!(word_at(&query["address"], slot.key.as_b256().to_string(), BLOCK)? == slot.value);
    Ok(())
}

#[test]
fn answers_batches_in_order() -> Result<()> {
    let Some(replay) = Replay::start()? else { return Ok(()) };
    let (query, balance) =
        replay.rec.entries(kind::BALANCE).find(|(q, _)| q["block_no"] == PARENT).context("a recorded balance")?;
    let batch = json!([
        { "jsonrpc": "2.0", "id": 1, "method": "eth_chainId" },
        { "jsonrpc": "2.0", "id": "two", "method": "eth_getBalance", "params": [query["address"], "0x12028ff"] },
        { "jsonrpc": "2.0", "method": "eth_blockNumber" },
        { "jsonrpc": "2.0", "id": 3, "method": "web3_clientVersion", "params": [] },
        { "jsonrpc": "2.0", "id": 4, "method": "eth_sendRawTransaction", "params": ["0x00"] },
    ]);
    let answers: Vec<Value> = serde_json::from_str(&replay.post(batch.to_string())?)?;
    ensure!(answers.len() == 4, "the notification is not answered: {answers:?}");
    ensure!(answers[0] == json!({ "jsonrpc": "2.0", "id": 1, "result": "0x1" }));
    ensure!(answers[1]["id"] == "two" && &answers[1]["result"] == balance);
    ensure!(answers[2]["result"] == replay.rec.client_version().context("client version")?);
    ensure!(answers[3]["id"] == 4 && answers[3]["error"]["code"] == code::METHOD_NOT_FOUND);
    Ok(())
}

#[test]
fn errors_are_json_rpc_errors() -> Result<()> {
    let Some(replay) = Replay::start()? else { return Ok(()) };
    // Not recorded: the message names the method and its parameters.
    let address = "0x00000000000000000000000000000000deadbeef";
    let (code, message) = replay.error("eth_getProof", json!([address, [], "0x1202900"]))?;
    ensure!(code == code::NOT_RECORDED, "code {code}");
    ensure!(message == format!("not recorded: eth_getProof [\"{address}\",[],\"0x1202900\"]"), "{message}");
    let (code, message) = replay.error("eth_getCode", json!([address, "0x1"]))?;
    ensure!(code == code::NOT_RECORDED && message.contains("eth_getCode") && message.contains(address), "{message}");

    let (code, message) = replay.error("eth_frobnicate", json!([]))?;
    ensure!(code == code::METHOD_NOT_FOUND && message.contains("eth_frobnicate"), "{code} {message}");
    let (code, _) = replay.error("eth_getBalance", json!(["not an address", "latest"]))?;
    ensure!(code == code::INVALID_PARAMS, "code {code}");

    let parse: Value = serde_json::from_str(&replay.post(r#"{"jsonrpc":"2.0","id":1,"method":"#)?)?;
    ensure!(parse["id"].is_null() && parse["error"]["code"] == code::PARSE_ERROR, "{parse}");

    // Only notifications: nothing to answer.
    ensure!(replay.post(r#"{"jsonrpc":"2.0","method":"eth_chainId"}"#)?.is_empty());
    // Requests are POSTed.
    let get = replay.client.get(replay.server.url()).send()?;
    ensure!(get.status() == 405, "GET: HTTP {}", get.status());
    Ok(())
}

#[test]
fn the_chain_id_is_a_parameter_and_the_port_is_free() -> Result<()> {
    let Some(replay) = Replay::start()? else { return Ok(()) };
    let other = replay::spawn(replay.rec.clone(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), 17_000)?;
    ensure!(other.local_addr() != replay.server.local_addr());
    let taken = replay::spawn(Recorded::new("empty"), replay.server.local_addr(), 1);
    ensure!(taken.is_err(), "a second server on a taken port must fail");
    let other = Replay { server: other, rec: Recorded::new("unused"), client: replay.client.clone() };
    ensure!(other.result("eth_chainId", json!([]))? == "0x4268");
    ensure!(other.result("net_version", json!([]))? == "17000");
    // Dropping a server stops it.
    let url = other.server.url();
    drop(other);
    ensure!(replay.client.post(url).body("{}").send().is_err(), "the server still answers");
    Ok(())
}
