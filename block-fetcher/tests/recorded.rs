//! Building block inputs from the recorded mainnet JSON-RPC responses in `shared/testdata`.
//!
//! The data is found through `ZKMIPS_TESTDATA` (default: `../shared/testdata` beside the
//! workspace); every test skips with a printed reason when it is absent.

use std::path::PathBuf;

use alloy_consensus::{Header, TxEnvelope, EMPTY_ROOT_HASH};
use alloy_primitives::{keccak256, Bytes, B256, KECCAK256_EMPTY, U256};
use alloy_rlp::Decodable;
use anyhow::{bail, ensure, Context};
use serde_json::Value;
use zkmips_fetcher::{block_input_from_recorded, FetchError, Recorded};

/// The recordings: file name and target block.
const RECORDINGS: [(&str, u64); 2] = [("1-18884864.json.gz", 18_884_864), ("1-19426587.json.gz", 19_426_587)];

fn testdata() -> PathBuf {
    match std::env::var_os("ZKMIPS_TESTDATA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata"),
    }
}

/// The recording's path, or `None` (after saying why) when the test data is absent.
fn recording(file: &str) -> Option<PathBuf> {
    let path = testdata().join("mainnet-rpc").join(file);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("skipping: {} not found (set ZKMIPS_TESTDATA to the shared test data)", path.display());
        None
    }
}

#[test]
fn builds_the_input_of_each_recorded_block() -> anyhow::Result<()> {
    for (file, number) in RECORDINGS {
        let Some(path) = recording(file) else { return Ok(()) };
        let rec = Recorded::load(&path)?;
        let input = block_input_from_recorded(&rec, number).with_context(|| format!("block {number}"))?;

        let block = alloy_consensus::Block::<TxEnvelope>::decode(&mut input.block.as_ref())?;
        let rpc = rec.block(number)?;
        ensure!(block.header.number == number);
        ensure!(block.header.hash_slow() == rpc.header.hash, "block hash");
        ensure!(alloy_rlp::encode(&block) == input.block.as_ref(), "block RLP does not round-trip");
        ensure!(input.ancestors.len() == 1);
        let parent = Header::decode(&mut input.ancestors[0].as_ref())?;
        ensure!(parent.number == number - 1);
        ensure!(parent.hash_slow() == block.header.parent_hash, "parent hash");
        ensure!(parent.hash_slow() == rec.block(number - 1)?.header.hash, "parent hash (RPC)");
        ensure!(input.chain.chain_id == 1);
        ensure!(input.nodes.windows(2).all(|w| w[0] < w[1]), "nodes sorted and distinct");
        ensure!(input.codes.windows(2).all(|w| w[0] < w[1]), "codes sorted and distinct");
        ensure!(input.codes.iter().all(|c| !c.is_empty()));

        let types = block.body.transactions.iter().fold(std::collections::BTreeMap::new(), |mut m, tx| {
            *m.entry(tx.tx_type() as u8).or_insert(0usize) += 1;
            m
        });
        let node_bytes: usize = input.nodes.iter().map(|b| b.len()).sum();
        let code_bytes: usize = input.codes.iter().map(|b| b.len()).sum();
        let bincode_size = bincode::serialized_size(&input)?;
        let back: zkmips_executor::BlockInput = bincode::deserialize(&bincode::serialize(&input)?)?;
        ensure!(back == input, "the input does not round-trip through bincode");
        println!(
            "block {number}: {} txs (by type {types:?}), {} withdrawals, block RLP {} B; {} nodes, {node_bytes} B; \
             {} codes, {code_bytes} B; BlockInput bincode-1 {bincode_size} B",
            block.body.transactions.len(),
            block.body.withdrawals.as_ref().map_or(0, |w| w.len()),
            input.block.len(),
            input.nodes.len(),
            input.codes.len(),
        );
    }
    Ok(())
}

#[test]
fn account_and_storage_proofs_walk_from_the_state_roots() -> anyhow::Result<()> {
    for (file, number) in RECORDINGS {
        let Some(path) = recording(file) else { return Ok(()) };
        let rec = Recorded::load(&path)?;
        for at in [number - 1, number] {
            let state_root = rec.block(at)?.header.state_root;
            let proofs = rec.proofs_at(at)?;
            ensure!(!proofs.is_empty(), "no proofs at {at}");
            let (mut absent, mut slots, mut empty_slots) = (0, 0, 0);
            for proof in &proofs {
                let address = proof.address;
                ensure!(keccak256(&proof.account_proof[0]) == state_root, "{address} at {at}: first node");
                match walk(state_root, keccak256(address), &proof.account_proof)
                    .with_context(|| format!("account {address} at {at}"))?
                {
                    Some(leaf) => {
                        let mut buf = leaf.as_slice();
                        let header = alloy_rlp::Header::decode(&mut buf)?;
                        ensure!(header.list && header.payload_length == buf.len(), "{address}: leaf not a list");
                        let nonce = u64::decode(&mut buf)?;
                        let balance = U256::decode(&mut buf)?;
                        let storage_root = B256::decode(&mut buf)?;
                        let code_hash = B256::decode(&mut buf)?;
                        ensure!(buf.is_empty(), "{address}: trailing bytes in the account");
                        ensure!(
                            (nonce, balance, storage_root, code_hash)
                                == (proof.nonce, proof.balance, proof.storage_hash, proof.code_hash),
                            "{address} at {at}: the leaf disagrees with the proof's fields"
                        );
                    }
                    None => {
                        absent += 1;
                        ensure!(proof.nonce == 0 && proof.balance.is_zero(), "{address}: absent but not empty");
                        ensure!([KECCAK256_EMPTY, B256::ZERO].contains(&proof.code_hash));
                        ensure!([EMPTY_ROOT_HASH, B256::ZERO].contains(&proof.storage_hash));
                    }
                }
                for slot in &proof.storage_proof {
                    slots += 1;
                    let key = keccak256(slot.key.as_b256());
                    let found = if proof.storage_hash == EMPTY_ROOT_HASH || proof.storage_hash.is_zero() {
                        ensure!(slot.proof.is_empty(), "{address}: nodes in a proof of an empty storage trie");
                        None
                    } else {
                        walk(proof.storage_hash, key, &slot.proof)
                            .with_context(|| format!("{address} slot {} at {at}", slot.key.as_b256()))?
                    };
                    let value = match found {
                        Some(leaf) => U256::decode(&mut leaf.as_slice())?,
                        None => {
                            empty_slots += 1;
                            U256::ZERO
                        }
                    };
                    ensure!(
                        value == slot.value,
                        "{address} slot {}: leaf {value}, proof {}",
                        slot.key.as_b256(),
                        slot.value
                    );
                }
            }
            println!(
                "block {at}: {} account proofs walked ({absent} absent accounts), {slots} storage proofs ({empty_slots} empty)",
                proofs.len()
            );
        }
    }
    Ok(())
}

#[test]
fn typed_lookups_agree_with_the_proofs() -> anyhow::Result<()> {
    for (file, number) in RECORDINGS {
        let Some(path) = recording(file) else { return Ok(()) };
        let rec = Recorded::load(&path)?;
        let mut storage_checked = 0;
        for proof in rec.proofs_at(number - 1)? {
            let (at, address) = (number - 1, proof.address);
            ensure!(rec.proof(at, address)?.account_proof == proof.account_proof);
            ensure!(rec.balance(at, address)? == proof.balance, "{address}: balance");
            ensure!(rec.transaction_count(at, address)? == proof.nonce, "{address}: nonce");
            let code = rec.code(at, address)?;
            let code_hash = if code.is_empty() { KECCAK256_EMPTY } else { keccak256(&code) };
            ensure!(
                code_hash == proof.code_hash || (code.is_empty() && proof.code_hash.is_zero()),
                "{address}: code hash"
            );
            for slot in &proof.storage_proof {
                // Not every proven slot was also read with eth_getStorageAt.
                match rec.storage(at, address, slot.key.as_b256().into()) {
                    Ok(value) => {
                        ensure!(value == slot.value, "{address} slot {}", slot.key.as_b256());
                        storage_checked += 1;
                    }
                    Err(FetchError::Missing { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        ensure!(storage_checked > 0);
        println!("block {}: {storage_checked} eth_getStorageAt responses agree with the proofs", number - 1);
        ensure!(matches!(rec.block(number + 1), Err(FetchError::Missing { .. })));
    }
    Ok(())
}

/// The recording's JSON with the response for `full_blocks` of `number` edited by `edit`.
fn tampered(path: &std::path::Path, number: u64, edit: impl FnOnce(&mut Value)) -> anyhow::Result<Recorded> {
    let mut json = Recorded::read_json(path)?;
    let blocks = json["full_blocks"].as_array_mut().context("full_blocks")?;
    let pair = blocks.iter_mut().find(|pair| pair[0]["block_no"] == number).context("block not recorded")?;
    edit(&mut pair[1]);
    Ok(Recorded::from_json(json, "tampered")?)
}

#[test]
fn tampered_responses_are_rejected() -> anyhow::Result<()> {
    for (file, number) in RECORDINGS {
        let Some(path) = recording(file) else { return Ok(()) };
        let untouched = tampered(&path, number, |_| {})?;
        block_input_from_recorded(&untouched, number)?;
        for (tampered_block, field) in [(number, "gasUsed"), (number - 1, "gasUsed"), (number, "stateRoot")] {
            let rec = tampered(&path, tampered_block, |block| {
                let changed = match &block[field] {
                    Value::String(s) if s.len() == 66 => format!("0x{}", "ab".repeat(32)),
                    Value::String(s) => format!("{:#x}", u64::from_str_radix(&s[2..], 16).unwrap() + 1),
                    other => panic!("{field} is {other}"),
                };
                block[field] = Value::String(changed);
            })?;
            let err = block_input_from_recorded(&rec, number).expect_err("a tampered header must be rejected");
            let message = err.to_string();
            println!("tampered {field} of {tampered_block}: {message}");
            match err {
                FetchError::BlockHashMismatch { number: named, .. } if named == tampered_block => {}
                other => bail!("expected a hash mismatch naming block {tampered_block}, got {other}"),
            }
            ensure!(message.contains("hash mismatch") && message.contains(&tampered_block.to_string()));
        }

        let rec = tampered(&path, number, |block| block["transactions"][0]["value"] = "0x1234".into())?;
        match block_input_from_recorded(&rec, number) {
            Err(FetchError::TxHashMismatch { number: n, index: 0, .. }) if n == number => {}
            other => bail!("expected a transaction hash mismatch, got {other:?}"),
        }
        let rec = tampered(&path, number, |block| block["transactions"][1]["type"] = "0x7f".into())?;
        match block_input_from_recorded(&rec, number) {
            Err(e @ FetchError::TxDecode { index: 1, .. }) => println!("unknown transaction type: {e}"),
            other => bail!("expected a transaction that does not decode, got {other:?}"),
        }
    }
    Ok(())
}

/// Follows `key`'s nibbles from `root` through the proof's nodes, checking each node's hash
/// against its parent's reference, and returns the leaf's value (`None` where the proof shows the
/// key is absent). Nodes under 32 bytes are embedded in their parent and not listed in the proof.
fn walk(root: B256, key: B256, proof: &[Bytes]) -> anyhow::Result<Option<Vec<u8>>> {
    let nibbles: Vec<u8> = key.iter().flat_map(|b| [b >> 4, b & 0xf]).collect();
    let mut depth = 0;
    let mut used = 0;
    let mut next = Child::Hash(root);
    let result = loop {
        let node = match next {
            Child::Hash(hash) => {
                let node = proof.get(used).context("the proof ends before the path does")?;
                ensure!(keccak256(node) == hash, "node {used} does not hash to its parent's reference");
                used += 1;
                node.to_vec()
            }
            Child::Inline(node) => node,
            Child::Empty => break None,
        };
        let items = rlp_list(&node)?;
        match items.len() {
            17 => {
                ensure!(depth < nibbles.len(), "a branch below the key's length");
                next = child(&items[usize::from(nibbles[depth])])?;
                depth += 1;
            }
            2 => {
                let (path, leaf) = hex_prefix(items[0].1)?;
                let rest = &nibbles[depth..];
                if leaf {
                    break (rest == path.as_slice()).then(|| items[1].1.to_vec());
                }
                if !rest.starts_with(&path) {
                    break None;
                }
                depth += path.len();
                next = child(&items[1])?;
            }
            n => bail!("a node of {n} items"),
        }
    };
    ensure!(used == proof.len(), "{} proof nodes beyond the path", proof.len() - used);
    Ok(result)
}

enum Child {
    Empty,
    Hash(B256),
    Inline(Vec<u8>),
}

/// An item of a node: (its full encoding, its payload), and whether it is a list.
type Item<'a> = (&'a [u8], &'a [u8], bool);

fn child(item: &Item) -> anyhow::Result<Child> {
    Ok(match item {
        (raw, _, true) => Child::Inline(raw.to_vec()),
        (_, [], false) => Child::Empty,
        (_, payload, false) if payload.len() == 32 => Child::Hash(B256::from_slice(payload)),
        (_, payload, false) => bail!("a child reference of {} bytes", payload.len()),
    })
}

fn rlp_list(node: &[u8]) -> anyhow::Result<Vec<Item<'_>>> {
    let mut buf = node;
    let header = alloy_rlp::Header::decode(&mut buf)?;
    ensure!(header.list && header.payload_length == buf.len(), "a node is not one RLP list");
    let mut items = Vec::new();
    while !buf.is_empty() {
        let start = buf;
        let header = alloy_rlp::Header::decode(&mut buf)?;
        let header_len = start.len() - buf.len();
        let payload = &buf[..header.payload_length];
        items.push((&start[..header_len + header.payload_length], payload, header.list));
        buf = &buf[header.payload_length..];
    }
    Ok(items)
}

/// Decodes a hex-prefix path: (nibbles, is it a leaf).
fn hex_prefix(encoded: &[u8]) -> anyhow::Result<(Vec<u8>, bool)> {
    let (&first, rest) = encoded.split_first().context("an empty path")?;
    let flag = first >> 4;
    ensure!(flag < 4, "a bad hex-prefix flag {flag}");
    let mut nibbles = Vec::with_capacity(2 * encoded.len());
    if flag & 1 == 1 {
        nibbles.push(first & 0xf);
    }
    nibbles.extend(rest.iter().flat_map(|b| [b >> 4, b & 0xf]));
    Ok((nibbles, flag & 2 == 2))
}
