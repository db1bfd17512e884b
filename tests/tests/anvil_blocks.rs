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
    assert_eq!(blocks.len(), 7, "empty block, then blocks (a) to (f)");

    let mut total_proofs = 0;
    for block in &blocks {
        let header = anvil.header(block.number);
        let parent = anvil.header(block.number - 1);
        assert_eq!(header.parent_hash, parent.hash_slow(), "block {}: parent hash", block.number);
        assert!(header.timestamp > parent.timestamp, "block {}: timestamp does not increase", block.number);
        assert!(header.requests_hash.is_some(), "block {}: not a Prague header", block.number);

        let full = anvil.block(block.number, true);
        let txs = full["transactions"].as_array().expect("transactions");
        assert_eq!(txs.len(), block.txs.len(), "block {}: transaction count", block.number);
        println!("block {} ({}): {} txs, gas used {}", block.number, block.what, txs.len(), header.gas_used);
        let mut gas = 0;
        for tx in &block.txs {
            let receipt = anvil.receipt(tx.hash);
            let used = quantity(&receipt["gasUsed"]).unwrap();
            let kind = quantity(&receipt["type"]).unwrap();
            gas += used;
            println!("  type {kind} status {} gas {used:>7}  {}", u8::from(tx.succeeds), tx.what);
        }
        assert_eq!(gas, header.gas_used, "block {}: receipts' gas does not add up to the header's", block.number);

        // The node's proofs of everything the block touches, before (parent) and after it.
        for account in block.accounts() {
            for (number, state_root) in [(block.number - 1, parent.state_root), (block.number, header.state_root)] {
                let proof = anvil.proof(account, block.slots(account), number);
                check_proof(&proof, account, state_root, number);
                total_proofs += 1;
            }
        }
    }
    println!("{total_proofs} account proofs checked against header state roots");

    let latest = anvil.block_number();
    for block in &blocks {
        for &contract in &block.created {
            assert!(!anvil.code(contract, latest).is_empty(), "{contract} (created in {}) lost its code", block.number);
        }
        for &contract in &block.destroyed {
            for number in [block.number, latest] {
                assert!(anvil.code(contract, number).is_empty(), "self-destructed {contract} has code");
                let proof = anvil.proof(contract, &[], number);
                assert_eq!(account_of(&proof), None, "self-destructed {contract} still exists at {number}");
            }
        }
    }
    // The zero-value transfer to a fresh address (block (a)) created no account (EIP-161).
    assert_eq!(account_of(&anvil.proof(fresh(0xf3), &[], latest)), None, "0-value transfer created an account");
}

/// The account an `eth_getProof` answer describes, `None` if it does not exist (all fields empty).
fn account_of(proof: &Value) -> Option<TrieAccount> {
    let account = TrieAccount::new(
        quantity(&proof["nonce"]).expect("nonce"),
        field::<U256>(proof, "balance"),
        field::<B256>(proof, "storageHash"),
        field::<B256>(proof, "codeHash"),
    );
    // Nodes answer for a missing account with empty fields; some give a zero code hash.
    let no_code = account.code_hash == KECCAK_EMPTY || account.code_hash == B256::ZERO;
    let empty = account.nonce == 0 && account.balance.is_zero() && no_code;
    (!empty || account.storage_root != EMPTY_ROOT_HASH).then_some(account)
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
/// against the account's storage root.
fn check_proof(proof: &Value, account: Address, state_root: B256, number: u64) {
    let account_nodes = nodes(proof, "accountProof");
    let value = account_of(proof).map(|a| alloy_rlp::encode(a));
    verify_proof(state_root, Nibbles::unpack(keccak256(account)), value, &account_nodes)
        .unwrap_or_else(|e| panic!("block {number}: account proof of {account} does not verify: {e}"));
    let storage_root: B256 = field(proof, "storageHash");
    for entry in proof["storageProof"].as_array().expect("storageProof") {
        let key: B256 = field(entry, "key");
        let value: U256 = field(entry, "value");
        let storage_nodes = nodes(entry, "proof");
        let expected = (!value.is_zero()).then(|| alloy_rlp::encode(value));
        verify_proof(storage_root, Nibbles::unpack(keccak256(key)), expected, &storage_nodes)
            .unwrap_or_else(|e| panic!("block {number}: storage proof of {account} slot {key} does not verify: {e}"));
    }
}

#[test]
fn debug_roots() {
    use alloy_trie::HashBuilder;
    let mut leaves: Vec<(Nibbles, Vec<u8>)> = (0u64..7)
        .map(|s| (Nibbles::unpack(keccak256(B256::from(U256::from(s)))), alloy_rlp::encode(U256::ZERO)))
        .collect();
    leaves.sort();
    let mut hb = HashBuilder::default();
    for (k, v) in &leaves {
        hb.add_leaf(k.clone(), v);
    }
    println!("zero leaves 0..7 root {}", hb.root());
}

#[test]
fn debug_a() {
    use alloy_trie::HashBuilder;
    let anvil = Anvil::start();
    let blocks = scenario_blocks(&anvil);
    let a = blocks[2].created[0];
    let latest = anvil.block_number();
    let slots: Vec<u64> = (0..34).chain([50, 51, 100, 200, 201]).collect();
    let vals: Vec<(u64, U256)> = slots
        .iter()
        .map(|&s| {
            (
                s,
                anvil
                    .call("eth_getStorageAt", serde_json::json!([a, B256::from(U256::from(s)), format!("{latest:#x}")]))
                    .as_str()
                    .unwrap()
                    .parse::<U256>()
                    .unwrap(),
            )
        })
        .collect();
    println!("{vals:?}");
    let root = |include: &dyn Fn(u64, U256) -> bool| {
        let mut leaves: Vec<(Nibbles, Vec<u8>)> = vals
            .iter()
            .filter(|(s, v)| include(*s, *v))
            .map(|(s, v)| (Nibbles::unpack(keccak256(B256::from(U256::from(*s)))), alloy_rlp::encode(*v)))
            .collect();
        leaves.sort();
        let mut hb = HashBuilder::default();
        for (k, v) in &leaves {
            hb.add_leaf(k.clone(), v);
        }
        hb.root()
    };
    println!("anvil     {}", anvil.proof(a, &[], latest)["storageHash"]);
    println!("canonical {}", root(&|_, v| !v.is_zero()));
    println!("cleared   {}", root(&|s, v| !v.is_zero() || (6..34).contains(&s) || s == 3 || s == 50));
    println!("+200      {}", root(&|s, v| !v.is_zero() || (6..34).contains(&s) || s == 3 || s == 50 || s == 200));
    println!(
        "+201      {}",
        root(&|s, v| !v.is_zero() || (6..34).contains(&s) || s == 3 || s == 50 || s == 200 || s == 201)
    );
    println!("+201-200  {}", root(&|s, v| !v.is_zero() || (6..34).contains(&s) || s == 3 || s == 50 || s == 201));
}
