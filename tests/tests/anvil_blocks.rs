//! Blocks from a real node: starts anvil, mines the scenario of `zkmips_e2e::anvil` (transfers,
//! deployments, storage writes and deletions, SELFDESTRUCT, a mixed block) and checks what can be
//! checked without the fetcher: the blocks and their transactions, header hashes and parent links,
//! gas, the self-destructed contracts, and that `eth_getProof` at each block and its parent proves
//! every touched account and slot against the header's state root.

use std::fmt::Display;
use std::str::FromStr;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_trie::{proof::verify_proof, Nibbles, TrieAccount, EMPTY_ROOT_HASH, KECCAK_EMPTY};
use serde_json::Value;
use zkmips_e2e::anvil::{fresh, quantity, scenario_blocks, Anvil};

#[test]
fn anvil_scenario_blocks() {
    let anvil = Anvil::start();
    println!("anvil at {} (log {})", anvil.url, anvil.log.display());
    let blocks = scenario_blocks(&anvil);
    assert_eq!(blocks.len(), 7, "an empty block, then blocks (a), (b), (c), (e), (f), (d)");

    let mut seen = Seen::default();
    for block in &blocks {
        let header = anvil.header(block.number);
        let parent = anvil.header(block.number - 1);
        assert_eq!(header.parent_hash, parent.hash_slow(), "block {}: parent hash", block.number);
        assert!(header.timestamp > parent.timestamp, "block {}: timestamp does not increase", block.number);
        assert!(header.requests_hash.is_some(), "block {}: not a Prague header", block.number);

        let full = anvil.block(block.number, true);
        let txs = full["transactions"].as_array().expect("transactions");
        assert_eq!(txs.len(), block.txs.len(), "block {}: transaction count", block.number);
        println!(
            "block {} {}: {} txs, gas used {}, hash {}",
            block.number,
            block.what,
            txs.len(),
            header.gas_used,
            header.hash_slow()
        );
        let mut gas = 0;
        for tx in &block.txs {
            let receipt = anvil.receipt(tx.hash);
            let used = quantity(&receipt["gasUsed"]).unwrap();
            let kind = quantity(&receipt["type"]).unwrap();
            gas += used;
            println!("  type {kind} status {} gas {used:>7}  {}", u8::from(tx.succeeds), tx.what);
        }
        assert_eq!(gas, header.gas_used, "block {}: receipts' gas does not add up to the header's", block.number);

        assert_eq!(header.state_root, block.state_root);
        if block.anvil_root_is_canonical() {
            println!("  state root {} (Ethereum's)", header.state_root);
        } else {
            println!("  state root {}, Ethereum's {}", header.state_root, block.expected_state_root);
        }

        // The node's proofs of everything the block touches, before (parent) and after it. Genesis'
        // header claims the empty state, so proofs cannot be checked against it.
        let mut at = vec![(block.number, header.state_root)];
        if block.number > 1 {
            at.push((block.number - 1, parent.state_root));
        } else {
            assert_eq!(parent.state_root, EMPTY_ROOT_HASH, "anvil's genesis state root is no longer the empty root");
        }
        for account in block.accounts() {
            for &(number, state_root) in &at {
                let proof = anvil.proof(account, block.slots(account), number);
                check_proof(&proof, account, state_root, number, &mut seen);
            }
        }
    }
    println!(
        "{} account proofs and {} storage proofs verified against header state roots; anvil proved {} empty \
         accounts and {} zero slots as leaves in its tries",
        seen.accounts, seen.slots, seen.empty_account_leaves, seen.zero_slot_leaves
    );

    // Where anvil's root is Ethereum's (see "anvil's state roots" in tests/src/anvil.rs): not after the
    // zero-value transfer (a), the self-destructs (e) or the storage clears (f), (d).
    let canonical: Vec<&str> = blocks.iter().filter(|b| b.anvil_root_is_canonical()).map(|b| b.what).collect();
    let expected = ["empty block over genesis", "(b) contract deployments", "(c) storage writes"];
    assert_eq!(canonical, expected, "anvil's state roots changed: update the docs of tests/src/anvil.rs");

    let latest = anvil.block_number();
    for block in &blocks {
        for &contract in &block.created {
            assert!(!anvil.code(contract, latest).is_empty(), "{contract} (created in {}) lost its code", block.number);
        }
        for &contract in &block.destroyed {
            for number in [block.number, latest] {
                assert!(anvil.code(contract, number).is_empty(), "self-destructed {contract} has code");
                let account = trie_account(&anvil.proof(contract, &[], number));
                assert!(is_empty(&account), "self-destructed {contract} has {account:?} at {number}");
            }
        }
    }
    // The zero-value transfer to a fresh address in block (a): no nonce, balance or code (anvil keeps
    // it as an empty account in its trie, against EIP-161; `expected_state_root` has no such account).
    let f3 = trie_account(&anvil.proof(fresh(0xf3), &[], latest));
    assert!(is_empty(&f3), "0-value transfer gave 0xf3.. {f3:?}");
}

/// What the proofs showed.
#[derive(Default)]
struct Seen {
    accounts: usize,
    slots: usize,
    empty_account_leaves: usize,
    zero_slot_leaves: usize,
}

/// The account an `eth_getProof` answer describes (a missing account reads as an empty one).
fn trie_account(proof: &Value) -> TrieAccount {
    let code_hash: B256 = field(proof, "codeHash");
    TrieAccount::new(
        quantity(&proof["nonce"]).expect("nonce"),
        field(proof, "balance"),
        field(proof, "storageHash"),
        // Some nodes answer a zero code hash for a missing account.
        if code_hash == B256::ZERO { KECCAK_EMPTY } else { code_hash },
    )
}

/// EIP-161's empty account, which Ethereum's state trie does not hold.
fn is_empty(account: &TrieAccount) -> bool {
    account.nonce == 0 && account.balance.is_zero() && account.code_hash == KECCAK_EMPTY
}

fn field<T: FromStr<Err: Display>>(v: &Value, name: &str) -> T {
    let text = v[name].as_str().unwrap_or_else(|| panic!("proof field {name} missing: {v}"));
    text.parse().unwrap_or_else(|e| panic!("proof field {name}: {e}: {text}"))
}

fn nodes(v: &Value, name: &str) -> Vec<Bytes> {
    let list = v[name].as_array().unwrap_or_else(|| panic!("proof field {name} missing: {v}"));
    list.iter().map(|node| node.as_str().and_then(|n| n.parse().ok()).expect("proof node")).collect()
}

/// Verifies an `eth_getProof` answer: the account proof against `state_root`, each storage proof
/// against the account's storage root. An empty account or a zero slot must be proven absent, or
/// (anvil's way, see `ScenarioBlock::expected_state_root`) as a leaf holding it.
fn check_proof(proof: &Value, address: Address, state_root: B256, number: u64, seen: &mut Seen) {
    let account = trie_account(proof);
    let account_nodes = nodes(proof, "accountProof");
    let path = Nibbles::unpack(keccak256(address));
    let leaf = Some(alloy_rlp::encode(account));
    let expected = if is_empty(&account) { None } else { leaf.clone() };
    let verified = verify_proof(state_root, path, expected, &account_nodes);
    if verified.is_err() && is_empty(&account) && verify_proof(state_root, path, leaf, &account_nodes).is_ok() {
        seen.empty_account_leaves += 1;
    } else {
        verified.unwrap_or_else(|e| panic!("block {number}: account proof of {address} does not verify: {e}"));
    }
    seen.accounts += 1;

    for entry in proof["storageProof"].as_array().expect("storageProof") {
        let key: B256 = field(entry, "key");
        let value: U256 = field(entry, "value");
        let storage_nodes = nodes(entry, "proof");
        let path = Nibbles::unpack(keccak256(key));
        let leaf = Some(alloy_rlp::encode(value));
        let expected = if value.is_zero() { None } else { leaf.clone() };
        let verified = verify_proof(account.storage_root, path, expected, &storage_nodes);
        if verified.is_err()
            && value.is_zero()
            && verify_proof(account.storage_root, path, leaf, &storage_nodes).is_ok()
        {
            seen.zero_slot_leaves += 1;
        } else {
            verified.unwrap_or_else(|e| {
                panic!("block {number}: storage proof of {address} slot {key} does not verify: {e}")
            });
        }
        seen.slots += 1;
    }
}
