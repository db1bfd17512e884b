//! Recorded JSON-RPC responses, and a block's input built from them.
//!
//! A recording is one JSON object (optionally gzipped) whose list-valued entries are named by the
//! kind of request and hold `[query, response]` pairs; other entries are metadata (for example
//! `client_version`). The `mainnet-rpc` test data uses these kinds:
//!
//! | kind | query | response |
//! |---|---|---|
//! | `full_blocks` | `{"block_no"}` | `eth_getBlockByNumber(n, true)` |
//! | `proofs` | `{"block_no", "address", "indices"}` | `eth_getProof` |
//! | `code` | `{"block_no", "address"}` | `eth_getCode` |
//! | `storage` | `{"block_no", "address", "index"}` | `eth_getStorageAt` |
//! | `balance` | `{"block_no", "address"}` | `eth_getBalance` |
//! | `transaction_count` | `{"block_no", "address"}` | `eth_getTransactionCount` |
//!
//! [`Recorded`] keeps them keyed by kind and the query's canonical JSON ([`canonical_query`]:
//! sorted keys, lowercase hex, storage slots as 32-byte words, since the recordings write the same
//! slot as `0x6` in one place and zero-padded in another), so that the replay server can answer
//! any recorded request, and typed look-ups decode the responses with alloy's RPC types.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::Read,
    path::Path,
};

use alloy_primitives::{hex, keccak256, Address, Bytes, B256, U256, U64};
use alloy_rpc_types_eth::{BlockTransactions, EIP1186AccountProofResponse, Transaction};
use serde::de::DeserializeOwned;
use serde_json::Value;
use zkmips_executor::{BlockInput, ChainConfig};

use crate::{
    block::{block_rlp, consensus_block, header_rlp, sealed_header, RpcBlock},
    siblings::{add_proof_nodes, collapsed_siblings_of_proofs},
    FetchError,
};

/// The kinds of request in the recordings.
pub mod kind {
    /// `eth_getBlockByNumber` with full transactions.
    pub const FULL_BLOCKS: &str = "full_blocks";
    /// `eth_getProof`.
    pub const PROOFS: &str = "proofs";
    /// `eth_getCode`.
    pub const CODE: &str = "code";
    /// `eth_getStorageAt`.
    pub const STORAGE: &str = "storage";
    /// `eth_getBalance`.
    pub const BALANCE: &str = "balance";
    /// `eth_getTransactionCount`.
    pub const TRANSACTION_COUNT: &str = "transaction_count";
}

/// Query fields holding storage slots, normalized to 32-byte words.
const SLOT_FIELDS: [&str; 2] = ["index", "indices"];

/// A store of recorded `[query, response]` pairs, by kind of request.
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    origin: String,
    meta: BTreeMap<String, Value>,
    kinds: BTreeMap<String, Entries>,
}

#[derive(Clone, Debug, Default)]
struct Entries {
    /// In recording order.
    pairs: Vec<(Value, Value)>,
    /// Canonical query to its index in `pairs`.
    by_query: BTreeMap<String, usize>,
}

impl Recorded {
    /// An empty store; `origin` names it in errors.
    pub fn new(origin: impl Into<String>) -> Recorded {
        Recorded { origin: origin.into(), ..Recorded::default() }
    }

    /// Loads a recording, gzipped (detected by its magic bytes) or plain JSON.
    pub fn load(path: impl AsRef<Path>) -> Result<Recorded, FetchError> {
        let path = path.as_ref();
        Recorded::from_json(Recorded::read_json(path)?, path.display().to_string())
    }

    /// Reads a recording's JSON without interpreting it (for tools and tests that edit it).
    pub fn read_json(path: impl AsRef<Path>) -> Result<Value, FetchError> {
        let path = path.as_ref();
        let io = |cause| FetchError::Io { path: path.to_owned(), cause };
        let raw = std::fs::read(path).map_err(io)?;
        let text = if raw.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::with_capacity(raw.len() * 8);
            flate2::read::GzDecoder::new(raw.as_slice()).read_to_end(&mut out).map_err(io)?;
            out
        } else {
            raw
        };
        serde_json::from_slice(&text).map_err(|cause| FetchError::Json { origin: path.display().to_string(), cause })
    }

    /// A store from a recording's JSON: list-valued entries are kinds of `[query, response]`
    /// pairs, every other entry is metadata.
    pub fn from_json(value: Value, origin: impl Into<String>) -> Result<Recorded, FetchError> {
        let mut rec = Recorded::new(origin);
        let origin = rec.origin.clone();
        let malformed = |reason: String| FetchError::Malformed { origin: origin.clone(), reason };
        let Value::Object(map) = value else {
            return Err(malformed("the top level is not an object".into()));
        };
        for (kind, entry) in map {
            let Value::Array(pairs) = entry else {
                rec.meta.insert(kind, entry);
                continue;
            };
            rec.kinds.entry(kind.clone()).or_default();
            for (i, pair) in pairs.into_iter().enumerate() {
                let Value::Array(pair) = pair else {
                    return Err(malformed(format!("{kind}[{i}] is not a [query, response] pair")));
                };
                let Ok::<[Value; 2], _>([query, response]) = pair.try_into() else {
                    return Err(malformed(format!("{kind}[{i}] is not a [query, response] pair")));
                };
                rec.insert(&kind, query, response)?;
            }
        }
        Ok(rec)
    }

    /// Records a response. Recording the same query again with the same response is a no-op.
    ///
    /// # Errors
    /// [`FetchError::Conflicting`] if the query was recorded with a different response.
    pub fn insert(&mut self, kind: &str, query: Value, response: Value) -> Result<(), FetchError> {
        let key = canonical_query(&query);
        let entries = self.kinds.entry(kind.to_owned()).or_default();
        if let Some(&at) = entries.by_query.get(&key) {
            if entries.pairs[at].1 != response {
                return Err(FetchError::Conflicting { kind: kind.to_owned(), query: key });
            }
            return Ok(());
        }
        entries.by_query.insert(key, entries.pairs.len());
        entries.pairs.push((query, response));
        Ok(())
    }

    /// The response recorded for a query (matched in canonical form).
    pub fn get(&self, kind: &str, query: &Value) -> Option<&Value> {
        let entries = self.kinds.get(kind)?;
        entries.by_query.get(&canonical_query(query)).map(|&at| &entries.pairs[at].1)
    }

    /// All `(query, response)` pairs of a kind, in recording order.
    pub fn entries(&self, kind: &str) -> impl Iterator<Item = (&Value, &Value)> {
        self.kinds.get(kind).into_iter().flat_map(|e| e.pairs.iter().map(|(q, r)| (q, r)))
    }

    /// The kinds present, with their number of pairs (empty kinds included).
    pub fn kinds(&self) -> impl Iterator<Item = (&str, usize)> {
        self.kinds.iter().map(|(kind, e)| (kind.as_str(), e.pairs.len()))
    }

    /// A metadata entry (any top-level entry that is not a list).
    pub fn meta(&self, key: &str) -> Option<&Value> {
        self.meta.get(key)
    }

    /// The recording node's `web3_clientVersion`, when recorded.
    pub fn client_version(&self) -> Option<&str> {
        self.meta("client_version")?.as_str()
    }

    /// What the store was loaded from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The response to a query, decoded.
    fn typed<T: DeserializeOwned>(&self, kind: &str, query: Value) -> Result<T, FetchError> {
        let Some(response) = self.get(kind, &query) else {
            return Err(FetchError::Missing { kind: kind.to_owned(), query: canonical_query(&query) });
        };
        serde_json::from_value(response.clone()).map_err(|cause| FetchError::Decode {
            kind: kind.to_owned(),
            query: canonical_query(&query),
            cause,
        })
    }

    /// The highest block number with a recorded full block (the block a recording is for).
    pub fn newest_block(&self) -> Option<u64> {
        self.entries(kind::FULL_BLOCKS).filter_map(|(query, _)| query_block(query)).max()
    }

    /// Block `number`, with full transactions. Transactions are decoded one by one so that one
    /// that does not decode is named (index, hash, type).
    pub fn block(&self, number: u64) -> Result<RpcBlock, FetchError> {
        let query = serde_json::json!({ "block_no": number });
        let Some(response) = self.get(kind::FULL_BLOCKS, &query) else {
            return Err(FetchError::Missing { kind: kind::FULL_BLOCKS.into(), query: canonical_query(&query) });
        };
        let decode =
            |cause| FetchError::Decode { kind: kind::FULL_BLOCKS.into(), query: canonical_query(&query), cause };
        let mut response = response.clone();
        let txs = match response.get_mut("transactions") {
            Some(Value::Array(txs)) => std::mem::take(txs),
            _ => Vec::new(),
        };
        let mut block: RpcBlock = serde_json::from_value(response).map_err(decode)?;
        if txs.iter().any(Value::is_string) {
            return Err(FetchError::NotFullTransactions { number });
        }
        let mut full = Vec::with_capacity(txs.len());
        for (index, tx) in txs.into_iter().enumerate() {
            let field = |name: &str| tx.get(name).and_then(Value::as_str).unwrap_or("?").to_owned();
            let (hash, tx_type) = (field("hash"), field("type"));
            let tx: Transaction = serde_json::from_value(tx).map_err(|cause| FetchError::TxDecode {
                number,
                index,
                hash,
                tx_type,
                cause,
            })?;
            full.push(tx);
        }
        block.transactions = BlockTransactions::Full(full);
        Ok(block)
    }

    /// Every account proof recorded at a block, in recording order.
    pub fn proofs_at(&self, block: u64) -> Result<Vec<EIP1186AccountProofResponse>, FetchError> {
        self.entries(kind::PROOFS)
            .filter(|(query, _)| query_block(query) == Some(block))
            .map(|(query, response)| {
                serde_json::from_value(response.clone()).map_err(|cause| FetchError::Decode {
                    kind: kind::PROOFS.into(),
                    query: canonical_query(query),
                    cause,
                })
            })
            .collect()
    }

    /// The proof of an account at a block, whatever storage slots it was asked for. Where the
    /// account was proven more than once at that block, the storage proofs are merged.
    pub fn proof(&self, block: u64, address: Address) -> Result<EIP1186AccountProofResponse, FetchError> {
        let mut merged: Option<EIP1186AccountProofResponse> = None;
        for proof in self.proofs_at(block)?.into_iter().filter(|p| p.address == address) {
            match &mut merged {
                None => merged = Some(proof),
                Some(into) => {
                    for slot in proof.storage_proof {
                        if !into.storage_proof.iter().any(|s| s.key.as_b256() == slot.key.as_b256()) {
                            into.storage_proof.push(slot);
                        }
                    }
                }
            }
        }
        merged.ok_or_else(|| FetchError::Missing {
            kind: kind::PROOFS.into(),
            query: format!("{{\"address\":\"{address:#x}\",\"block_no\":{block}}}"),
        })
    }

    /// An account's code at a block (`eth_getCode`).
    pub fn code(&self, block: u64, address: Address) -> Result<Bytes, FetchError> {
        self.typed(kind::CODE, account_query(block, address))
    }

    /// An account's balance at a block (`eth_getBalance`).
    pub fn balance(&self, block: u64, address: Address) -> Result<U256, FetchError> {
        self.typed(kind::BALANCE, account_query(block, address))
    }

    /// An account's nonce at a block (`eth_getTransactionCount`).
    pub fn transaction_count(&self, block: u64, address: Address) -> Result<u64, FetchError> {
        self.typed::<U64>(kind::TRANSACTION_COUNT, account_query(block, address)).map(|n| n.to())
    }

    /// A storage slot at a block (`eth_getStorageAt`).
    pub fn storage(&self, block: u64, address: Address, slot: U256) -> Result<U256, FetchError> {
        let query = serde_json::json!({ "block_no": block, "address": address, "index": B256::from(slot) });
        self.typed(kind::STORAGE, query)
    }
}

fn account_query(block: u64, address: Address) -> Value {
    serde_json::json!({ "block_no": block, "address": address })
}

fn query_block(query: &Value) -> Option<u64> {
    query.get("block_no")?.as_u64()
}

/// The canonical text of a query: object keys sorted, no whitespace, hex strings in lowercase, and
/// storage slots (`index`, `indices`) as 32-byte words.
pub fn canonical_query(query: &Value) -> String {
    let mut out = String::new();
    write_canonical(query, false, &mut out);
    out
}

fn write_canonical(value: &Value, slot: bool, out: &mut String) {
    match value {
        Value::Object(map) => {
            out.push('{');
            let sorted: BTreeMap<_, _> = map.iter().collect();
            for (i, (key, value)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(value, SLOT_FIELDS.contains(&key.as_str()), out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, slot, out);
            }
            out.push(']');
        }
        Value::String(s) if s.starts_with("0x") || s.starts_with("0X") => {
            let lower = s.to_ascii_lowercase();
            let normalized = match (slot, U256::from_str_radix(&lower[2..], 16)) {
                (true, Ok(word)) => hex::encode_prefixed(B256::from(word)),
                _ => lower,
            };
            out.push_str(&Value::String(normalized).to_string());
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Builds the executor's input for block `number` from a recording.
///
/// - `chain`: mainnet.
/// - `block`: the block's consensus RLP, every hash checked ([`consensus_block`]).
/// - `ancestors`: the parent header only, which is all a recording holds (so a `BLOCKHASH` of an
///   older block cannot be served).
/// - `nodes`: every node of every account and storage proof at the parent **and** at the block:
///   the proofs against the post-state carry the siblings that deletions collapse into their parent
///   branches. Each proof's first node is checked to be its block's state root.
/// - `codes`: the non-empty `eth_getCode` responses at those two blocks.
///
/// Nodes and codes are deduplicated and sorted, so the input's bytes depend only on the recording.
pub fn block_input_from_recorded(rec: &Recorded, number: u64) -> Result<BlockInput, FetchError> {
    let parent_number = number
        .checked_sub(1)
        .ok_or_else(|| FetchError::Missing { kind: kind::FULL_BLOCKS.into(), query: "the genesis's parent".into() })?;
    let parent = sealed_header(&rec.block(parent_number)?)?;
    let block = consensus_block(&rec.block(number)?)?;
    if block.header.parent_hash != parent.hash() {
        return Err(FetchError::ParentHashMismatch {
            number,
            expected: block.header.parent_hash,
            actual: parent.hash(),
        });
    }

    let mut nodes = BTreeSet::new();
    for (at, state_root) in [(parent_number, parent.state_root), (number, block.header.state_root)] {
        add_proof_nodes(&rec.proofs_at(at)?, at, state_root, &mut nodes)?;
    }

    // Siblings that deletions collapse: rebuilt from the proofs of the same keys after the block.
    let known: BTreeSet<B256> = nodes.iter().map(keccak256).collect();
    let post: BTreeMap<Address, EIP1186AccountProofResponse> =
        rec.proofs_at(number)?.into_iter().map(|proof| (proof.address, proof)).collect();
    let rebuilt = collapsed_siblings_of_proofs(&rec.proofs_at(parent_number)?, &post, &known);
    nodes.extend(rebuilt);

    let mut codes = BTreeSet::new();
    for (query, response) in rec.entries(kind::CODE) {
        if !matches!(query_block(query), Some(at) if at == parent_number || at == number) {
            continue;
        }
        let code: Bytes = serde_json::from_value(response.clone()).map_err(|cause| FetchError::Decode {
            kind: kind::CODE.into(),
            query: canonical_query(query),
            cause,
        })?;
        if !code.is_empty() {
            codes.insert(code);
        }
    }

    Ok(BlockInput {
        chain: ChainConfig::mainnet(),
        block: block_rlp(&block),
        ancestors: vec![header_rlp(&parent)],
        nodes: nodes.into_iter().collect(),
        codes: codes.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn canonical_queries_sort_keys_lowercase_hex_and_pad_slots() {
        let a = json!({ "index": "0x6", "block_no": 7, "address": "0xAbC0000000000000000000000000000000000001" });
        let b = json!({
            "address": "0xabc0000000000000000000000000000000000001",
            "block_no": 7,
            "index": "0x0000000000000000000000000000000000000000000000000000000000000006",
        });
        assert_eq!(canonical_query(&a), canonical_query(&b));
        assert_eq!(
            canonical_query(&json!({ "indices": ["0x1"], "address": "0xAB" })),
            format!("{{\"address\":\"0xab\",\"indices\":[\"0x{}01\"]}}", "0".repeat(62))
        );
        // Only slots are padded.
        assert_eq!(canonical_query(&json!({ "code": "0x06" })), "{\"code\":\"0x06\"}");
    }

    #[test]
    fn a_query_recorded_twice_must_have_one_response() {
        let mut rec = Recorded::new("test");
        let query = json!({ "block_no": 1, "address": "0x01" });
        rec.insert(kind::CODE, query.clone(), json!("0x60")).unwrap();
        rec.insert(kind::CODE, json!({ "address": "0x01", "block_no": 1 }), json!("0x60")).unwrap();
        assert!(matches!(rec.insert(kind::CODE, query.clone(), json!("0x61")), Err(FetchError::Conflicting { .. })));
        assert_eq!(rec.get(kind::CODE, &query), Some(&json!("0x60")));
        assert_eq!(rec.entries(kind::CODE).count(), 1);
    }

    #[test]
    fn loads_plain_json_and_keeps_metadata() {
        let path = std::env::temp_dir().join(format!("zkmips-fetcher-recorded-{}.json", std::process::id()));
        let recording = json!({
            "client_version": "Geth/test",
            "balance": [[{ "block_no": 3, "address": "0x0000000000000000000000000000000000000002" }, "0x10"]],
            "receipts": [],
        });
        std::fs::write(&path, recording.to_string()).unwrap();
        let rec = Recorded::load(&path);
        std::fs::remove_file(&path).unwrap();
        let rec = rec.unwrap();
        assert_eq!(rec.client_version(), Some("Geth/test"));
        assert_eq!(rec.kinds().collect::<Vec<_>>(), [("balance", 1), ("receipts", 0)]);
        assert_eq!(rec.balance(3, Address::with_last_byte(2)).unwrap(), U256::from(16));
        assert!(matches!(rec.balance(4, Address::with_last_byte(2)), Err(FetchError::Missing { .. })));
        assert!(matches!(rec.block(3), Err(FetchError::Missing { .. })));
    }

    #[test]
    fn rejects_what_is_not_a_recording() {
        for bad in [json!([1, 2]), json!({ "code": [[{ "block_no": 1 }]] }), json!({ "code": [3] })] {
            assert!(matches!(Recorded::from_json(bad, "bad"), Err(FetchError::Malformed { .. })));
        }
    }
}
