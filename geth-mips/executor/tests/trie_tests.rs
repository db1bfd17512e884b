//! The sparse Merkle-Patricia trie (`zkmips_executor::mpt`) against the Ethereum TrieTests, against
//! `alloy_trie::HashBuilder` as the reference root (property tests), and resolved lazily from
//! witnesses that are complete, missing nodes, tampered with or malformed.
//!
//! The TrieTests come from `$ZKMIPS_TESTDATA/ethereum-tests/TrieTests` (default: `../shared/testdata`
//! beside the checkout); those tests skip, saying why, when the folder is absent. Files run:
//! `trietest.json`, `trieanyorder.json`, their `_secureTrie` variants and
//! `hex_encoded_securetrie_test.json`. Skipped: `trietestnextprev.json`, which tests iteration
//! (next/previous key), an operation this trie does not have.

use alloy_primitives::{keccak256, Bytes, B256};
use alloy_trie::{HashBuilder, Nibbles};
use proptest::{prelude::*, sample::Index};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use serde_json::Value;
use std::{collections::BTreeMap, path::PathBuf};
use zkmips_executor::mpt::{NodeStore, Trie, TrieError, EMPTY_ROOT_HASH};

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

// ---------------------------------------------------------------------------------------------
// Helpers

fn trie_tests_dir(test: &str) -> Option<PathBuf> {
    let root = std::env::var_os("ZKMIPS_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"));
    let dir = root.join("ethereum-tests/TrieTests");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP {test}: {} not found (set ZKMIPS_TESTDATA)", dir.display());
        None
    }
}

/// The root `alloy_trie` computes for the same key-value pairs (keys must all have one length, so
/// that none is a prefix of another: `HashBuilder` has no branch values).
fn reference_root(model: &Model) -> B256 {
    let mut builder = HashBuilder::default();
    for (key, value) in model {
        builder.add_leaf(Nibbles::unpack(key), value);
    }
    builder.root()
}

/// Builds a fully resolved trie holding `model`.
fn build(model: &Model) -> Trie {
    let store = NodeStore::default();
    let mut trie = Trie::empty();
    for (key, value) in model {
        trie.insert(&store, key, value.clone()).unwrap();
    }
    trie
}

fn collect(trie: &mut Trie) -> Vec<Bytes> {
    let mut nodes = Vec::new();
    trie.collect_nodes(&mut nodes);
    nodes
}

/// The one node whose RLP contains `needle` (a leaf, by its unique value; a branch or extension, by
/// the hash of a child).
fn node_containing(nodes: &[Bytes], needle: &[u8]) -> Bytes {
    let found: Vec<_> = nodes.iter().filter(|node| node.windows(needle.len()).any(|w| w == needle)).collect();
    assert_eq!(found.len(), 1, "expected exactly one node containing {}", hex::encode(needle));
    found[0].clone()
}

fn without(nodes: &[Bytes], node: &Bytes) -> Vec<Bytes> {
    let out: Vec<_> = nodes.iter().filter(|n| *n != node).cloned().collect();
    assert_eq!(out.len() + 1, nodes.len());
    out
}

/// A 32-byte key starting with `prefix`, the rest filled from `seed`.
fn key_with_prefix(prefix: &[u8], seed: u8) -> Vec<u8> {
    let mut key = keccak256([seed]).to_vec();
    key[..prefix.len()].copy_from_slice(prefix);
    key
}

/// A value long enough that its leaf is referenced by hash, not embedded.
fn long_value(seed: u8) -> Vec<u8> {
    let mut value = keccak256([seed, 0xee]).to_vec();
    value.extend_from_slice(&[seed; 8]);
    value
}

fn random_model(rng: &mut StdRng, len: usize) -> Model {
    (0..len)
        .map(|_| {
            let key: [u8; 32] = rng.gen();
            let value_len = rng.gen_range(33..48);
            (key.to_vec(), (0..value_len).map(|_| rng.gen()).collect())
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Ethereum TrieTests

/// Test-file strings: `0x`-prefixed hex, else the raw bytes of the string.
fn test_bytes(s: &str) -> Vec<u8> {
    match s.strip_prefix("0x") {
        Some(digits) => hex::decode(digits).unwrap_or_else(|e| panic!("bad hex {s}: {e}")),
        None => s.as_bytes().to_vec(),
    }
}

struct Case {
    name: String,
    /// In order; `None` (JSON null) removes the key.
    ops: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    root: B256,
}

fn load_cases(dir: &std::path::Path, file: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("read {file}: {e}"));
    let json: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
    let op = |key: &str, value: &Value| (test_bytes(key), value.as_str().map(test_bytes));
    let cases: Vec<Case> = json
        .into_iter()
        .map(|(name, case)| {
            let ops = match &case["in"] {
                Value::Array(pairs) => pairs.iter().map(|pair| op(pair[0].as_str().unwrap(), &pair[1])).collect(),
                Value::Object(map) => map.iter().map(|(key, value)| op(key, value)).collect(),
                other => panic!("{file} {name}: unexpected `in`: {other}"),
            };
            let root = case["root"].as_str().unwrap().parse().unwrap();
            Case { name, ops, root }
        })
        .collect();
    assert!(!cases.is_empty(), "{file} has no cases");
    cases
}

/// Applies the operations to an empty trie and checks the root; then checks that the nodes the trie
/// gives as a witness resolve every key from the bare root.
fn run_case(file: &str, case: &Case, ops: &[(Vec<u8>, Option<Vec<u8>>)], secure: bool) {
    let empty = NodeStore::default();
    let mut trie = Trie::empty();
    let mut model = Model::new();
    for (key, value) in ops {
        let key = if secure { keccak256(key).to_vec() } else { key.clone() };
        match value {
            Some(value) if !value.is_empty() => {
                trie.insert(&empty, &key, value.clone()).unwrap();
                model.insert(key, value.clone());
            }
            _ => {
                trie.remove(&empty, &key).unwrap();
                model.remove(&key);
            }
        }
    }
    assert_eq!(trie.root(), case.root, "{file} {}: root", case.name);

    let nodes = collect(&mut trie);
    let store = NodeStore::new(&nodes);
    assert_eq!(store.len(), nodes.len(), "{file} {}: collect_nodes gave duplicates", case.name);
    let mut partial = Trie::from_root(case.root);
    for (key, value) in &model {
        assert_eq!(partial.get(&store, key).unwrap(), Some(&value[..]), "{file} {}: get", case.name);
    }
    assert_eq!(partial.root(), case.root);
}

fn run_file(test: &str, file: &str, secure: bool, any_order: bool) {
    let Some(dir) = trie_tests_dir(test) else { return };
    let cases = load_cases(&dir, file);
    let mut rng = StdRng::seed_from_u64(7);
    for case in &cases {
        run_case(file, case, &case.ops, secure);
        if any_order {
            let mut ops = case.ops.clone();
            ops.reverse();
            run_case(file, case, &ops, secure);
            ops.shuffle(&mut rng);
            run_case(file, case, &ops, secure);
        }
    }
    eprintln!("{file}: {} cases", cases.len());
}

#[test]
fn trietest() {
    run_file("trietest", "trietest.json", false, false);
}

#[test]
fn trietest_secure() {
    run_file("trietest_secure", "trietest_secureTrie.json", true, false);
}

#[test]
fn trieanyorder() {
    run_file("trieanyorder", "trieanyorder.json", false, true);
}

#[test]
fn trieanyorder_secure() {
    run_file("trieanyorder_secure", "trieanyorder_secureTrie.json", true, true);
}

#[test]
fn hex_encoded_securetrie() {
    run_file("hex_encoded_securetrie", "hex_encoded_securetrie_test.json", true, true);
}

// ---------------------------------------------------------------------------------------------
// Against alloy_trie::HashBuilder

/// Keys of one length per case: 1 to 3 bytes (many embedded nodes, many collisions) or 32 bytes.
fn key_len() -> impl Strategy<Value = usize> {
    prop_oneof![Just(1usize), Just(2), Just(3), Just(32)]
}

/// Values of 1 to 40 bytes: short ones make nodes that are embedded in their parents.
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..40)
}

/// Inserts (70%) and removals of keys drawn from a pool, and whether to check the root after it.
fn ops() -> impl Strategy<Value = Vec<(Index, Option<Vec<u8>>, bool)>> {
    prop::collection::vec((any::<Index>(), prop::option::weighted(0.7, value()), any::<bool>()), 1..160)
}

proptest! {
    // No regression files: a failure prints its minimal case, which belongs in a named test.
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn root_matches_hash_builder(
        key_len in key_len(),
        pool in prop::collection::vec(any::<[u8; 32]>(), 1..48),
        ops in ops(),
    ) {
        let store = NodeStore::default();
        let mut trie = Trie::empty();
        let mut model = Model::new();
        for (index, value, check) in ops {
            let key = &pool[index.index(pool.len())][..key_len];
            match value {
                Some(value) => {
                    trie.insert(&store, key, value.clone()).unwrap();
                    model.insert(key.to_vec(), value);
                }
                None => {
                    trie.remove(&store, key).unwrap();
                    model.remove(key);
                }
            }
            // Roots taken between operations exercise the cached references.
            if check {
                prop_assert_eq!(trie.root(), reference_root(&model));
            }
        }
        prop_assert_eq!(trie.root(), reference_root(&model));
        prop_assert_eq!(trie.is_empty(), model.is_empty());
        for key in &pool {
            let key = &key[..key_len];
            prop_assert_eq!(trie.get(&store, key).unwrap(), model.get(key).map(Vec::as_slice));
        }
    }

    /// A trie resolved lazily from a complete witness behaves exactly like the fully built one.
    #[test]
    fn partial_trie_matches_full_trie(
        key_len in prop_oneof![Just(3usize), Just(32)],
        initial in prop::collection::btree_map(any::<[u8; 32]>(), value(), 1..64),
        fresh in prop::collection::vec(any::<[u8; 32]>(), 1..8),
        ops in ops(),
    ) {
        let mut model: Model = initial.into_iter().map(|(key, value)| (key[..key_len].to_vec(), value)).collect();
        let mut full = build(&model);
        let root = full.root();
        prop_assert_eq!(root, reference_root(&model));
        let nodes = collect(&mut full);
        let store = NodeStore::new(&nodes);
        prop_assert_eq!(keccak256(&nodes[0]), root);

        let pool: Vec<Vec<u8>> =
            model.keys().cloned().chain(fresh.iter().map(|key| key[..key_len].to_vec())).collect();
        let mut partial = Trie::from_root(root);
        let none = NodeStore::default();
        for (index, value, check) in ops {
            let key = &pool[index.index(pool.len())];
            prop_assert_eq!(partial.get(&store, key).unwrap(), model.get(key).map(Vec::as_slice));
            match value {
                Some(value) => {
                    full.insert(&none, key, value.clone()).unwrap();
                    partial.insert(&store, key, value.clone()).unwrap();
                    model.insert(key.clone(), value);
                }
                None => {
                    full.remove(&none, key).unwrap();
                    partial.remove(&store, key).unwrap();
                    model.remove(key);
                }
            }
            if check {
                prop_assert_eq!(partial.root(), full.root());
            }
        }
        prop_assert_eq!(partial.root(), reference_root(&model));
        prop_assert_eq!(full.root(), reference_root(&model));
    }
}

// ---------------------------------------------------------------------------------------------
// Edges

#[test]
fn empty_trie() {
    assert_eq!(EMPTY_ROOT_HASH, keccak256([0x80]));
    let store = NodeStore::default();
    assert!(store.is_empty());

    let mut trie = Trie::empty();
    assert!(trie.is_empty());
    assert_eq!(trie.root(), EMPTY_ROOT_HASH);
    assert_eq!(collect(&mut trie), Vec::<Bytes>::new());

    // The empty root needs no node from the store.
    let mut trie = Trie::from_root(EMPTY_ROOT_HASH);
    assert!(trie.is_empty());
    assert_eq!(trie.get(&store, b"key").unwrap(), None);
    trie.remove(&store, b"key").unwrap();
    trie.insert(&store, b"key", b"value".to_vec()).unwrap();
    assert!(!trie.is_empty());
    assert_eq!(trie.get(&store, b"key").unwrap(), Some(&b"value"[..]));
    assert_ne!(trie.root(), EMPTY_ROOT_HASH);
    // An empty value removes the key.
    trie.insert(&store, b"key", Vec::new()).unwrap();
    assert!(trie.is_empty());
    assert_eq!(trie.root(), EMPTY_ROOT_HASH);

    // An unresolved root is not the empty trie.
    assert!(!Trie::from_root(B256::repeat_byte(1)).is_empty());
}

#[test]
fn removing_an_absent_key_changes_nothing() {
    let mut rng = StdRng::seed_from_u64(3);
    let model = random_model(&mut rng, 20);
    let mut trie = build(&model);
    let root = trie.root();
    let store = NodeStore::default();
    for _ in 0..50 {
        let key: [u8; 32] = rng.gen();
        trie.remove(&store, &key).unwrap();
        assert_eq!(trie.root(), root);
    }
    // Writing a value that is already there changes nothing either.
    for (key, value) in &model {
        trie.insert(&store, key, value.clone()).unwrap();
    }
    assert_eq!(trie.root(), root);
}

#[test]
fn short_root_is_hashed_and_collected() {
    let store = NodeStore::default();
    let mut trie = Trie::empty();
    trie.insert(&store, &[0x12], vec![0x34]).unwrap();
    let root = trie.root();
    let nodes = collect(&mut trie);
    assert_eq!(nodes.len(), 1);
    assert!(nodes[0].len() < 32, "the root node is embedded-sized");
    assert_eq!(keccak256(&nodes[0]), root);
    let mut partial = Trie::from_root(root);
    assert_eq!(partial.get(&NodeStore::new(&nodes), &[0x12]).unwrap(), Some(&[0x34][..]));
}

// ---------------------------------------------------------------------------------------------
// Witnesses that are incomplete, tampered with or malformed

/// Leaving out any one node makes exactly the operations that pass through it fail, naming it, and
/// a failed operation leaves the trie as it was.
#[test]
fn every_missing_node_is_reported() {
    let mut rng = StdRng::seed_from_u64(1);
    let model = random_model(&mut rng, 40);
    let mut full = build(&model);
    let root = full.root();
    let nodes = collect(&mut full);
    assert!(nodes.len() > model.len(), "every leaf is hashed, plus the branches");

    for node in &nodes {
        let hash = keccak256(node);
        let store = NodeStore::new(&without(&nodes, node));
        let mut failed = 0;
        for (key, value) in &model {
            let mut trie = Trie::from_root(root);
            match trie.get(&store, key) {
                Ok(got) => assert_eq!(got, Some(&value[..])),
                Err(err) => {
                    assert_eq!(err, TrieError::MissingNode(hash));
                    failed += 1;
                    assert_eq!(trie.insert(&store, key, vec![1, 2, 3]), Err(TrieError::MissingNode(hash)));
                    assert_eq!(trie.remove(&store, key), Err(TrieError::MissingNode(hash)));
                    assert_eq!(trie.root(), root, "a failed operation changed the trie");
                    continue;
                }
            }
            // The key's path is present; its removal may still need the missing node as the
            // sibling a branch collapses into.
            let mut expected = full.clone();
            expected.remove(&NodeStore::default(), key).unwrap();
            match trie.remove(&store, key) {
                Ok(()) => assert_eq!(trie.root(), expected.root()),
                Err(err) => {
                    assert_eq!(err, TrieError::MissingNode(hash));
                    assert_eq!(trie.get(&store, key).unwrap(), Some(&value[..]), "a failed removal removed");
                    assert_eq!(trie.root(), root, "a failed removal changed the trie");
                }
            }
        }
        assert!(failed > 0, "no key's path goes through node {hash}");
        if hash == root {
            assert_eq!(failed, model.len());
        }
        // A leaf is needed by its own key.
        for (key, value) in &model {
            if node.windows(value.len()).any(|w| w == &value[..]) {
                assert!(Trie::from_root(root).get(&store, key).is_err(), "leaf of {} missing", hex::encode(key));
            }
        }
    }
}

/// Keys under nibble 1 share a branch with two children; the rest keep the root a branch of three.
fn sibling_fixture() -> (Model, Vec<u8>, Vec<u8>) {
    let k1 = key_with_prefix(&[0x11], 1);
    let k2 = key_with_prefix(&[0x12], 2);
    let model: Model = [(k1.clone(), long_value(1)), (k2.clone(), long_value(2))]
        .into_iter()
        .chain([(key_with_prefix(&[0x20], 3), long_value(3)), (key_with_prefix(&[0x30], 4), long_value(4))])
        .collect();
    (model, k1, k2)
}

#[test]
fn collapse_needs_the_sibling_leaf() {
    let (model, k1, k2) = sibling_fixture();
    let mut full = build(&model);
    let root = full.root();
    let nodes = collect(&mut full);
    let mut expected = full.clone();
    expected.remove(&NodeStore::default(), &k1).unwrap();
    let expected = expected.root();

    let sibling = node_containing(&nodes, &model[&k2]);
    let store = NodeStore::new(&without(&nodes, &sibling));
    let mut trie = Trie::from_root(root);
    assert_eq!(trie.get(&store, &k1).unwrap(), Some(&model[&k1][..]));
    assert_eq!(trie.remove(&store, &k1), Err(TrieError::MissingNode(keccak256(&sibling))));
    assert_eq!(trie.root(), root, "the failed removal changed the trie");
    assert_eq!(trie.get(&store, &k1).unwrap(), Some(&model[&k1][..]));

    // With the sibling in the witness, the same removal goes through.
    let mut trie = Trie::from_root(root);
    trie.remove(&NodeStore::new(&nodes), &k1).unwrap();
    assert_eq!(trie.root(), expected);
    assert_eq!(expected, reference_root(&model.into_iter().filter(|(key, _)| *key != k1).collect()));
}

#[test]
fn collapse_needs_the_sibling_branch() {
    let k1 = key_with_prefix(&[0x11], 1);
    let (k2a, k2b) = (key_with_prefix(&[0x12, 0x30], 2), key_with_prefix(&[0x12, 0x40], 3));
    let model: Model = [(k1.clone(), long_value(1)), (k2a.clone(), long_value(2)), (k2b, long_value(3))]
        .into_iter()
        .chain([(key_with_prefix(&[0x20], 4), long_value(4))])
        .collect();
    let mut full = build(&model);
    let root = full.root();
    let nodes = collect(&mut full);
    let leaf = node_containing(&nodes, &model[&k2a]);
    let sibling = node_containing(&nodes, keccak256(&leaf).as_slice());

    let store = NodeStore::new(&without(&nodes, &sibling));
    let mut trie = Trie::from_root(root);
    assert_eq!(trie.remove(&store, &k1), Err(TrieError::MissingNode(keccak256(&sibling))));
    assert_eq!(trie.get(&store, &k1).unwrap(), Some(&model[&k1][..]), "the failed removal removed");
    assert_eq!(trie.root(), root);

    let mut trie = Trie::from_root(root);
    trie.remove(&NodeStore::new(&nodes), &k1).unwrap();
    assert_eq!(trie.root(), reference_root(&model.into_iter().filter(|(key, _)| *key != k1).collect()));
}

/// A key that is a prefix of others ends at a branch value; removing it leaves a branch with one
/// child, which has to be resolved to collapse.
#[test]
fn removing_a_branch_value_needs_the_only_child() {
    let (short, a, b) = (vec![0x12], vec![0x12, 0x34], vec![0x12, 0x35]);
    let model: Model = [(short.clone(), long_value(1)), (a.clone(), long_value(2)), (b.clone(), long_value(3))].into();
    let mut full = build(&model);
    let root = full.root();
    let nodes = collect(&mut full);
    let leaf = node_containing(&nodes, &model[&a]);
    let child = node_containing(&nodes, keccak256(&leaf).as_slice());

    let store = NodeStore::new(&without(&nodes, &child));
    let mut trie = Trie::from_root(root);
    assert_eq!(trie.get(&store, &short).unwrap(), Some(&model[&short][..]));
    assert_eq!(trie.remove(&store, &short), Err(TrieError::MissingNode(keccak256(&child))));
    assert_eq!(trie.get(&store, &short).unwrap(), Some(&model[&short][..]), "the failed removal removed");
    assert_eq!(trie.root(), root);

    let mut trie = Trie::from_root(root);
    trie.remove(&NodeStore::new(&nodes), &short).unwrap();
    let mut expected = Trie::empty();
    expected.insert(&NodeStore::default(), &a, model[&a].clone()).unwrap();
    expected.insert(&NodeStore::default(), &b, model[&b].clone()).unwrap();
    assert_eq!(trie.root(), expected.root());
}

/// A removal that leaves its branch with two or more entries needs no sibling.
#[test]
fn removal_without_collapse_needs_no_sibling() {
    let (model, _, k2) = sibling_fixture();
    let k3 = key_with_prefix(&[0x20], 3);
    let mut full = build(&model);
    let root = full.root();
    let nodes = collect(&mut full);
    // Keep only the root and the leaf being removed.
    let leaf = node_containing(&nodes, &model[&k3]);
    let store = NodeStore::new(&[nodes[0].clone(), leaf]);
    let mut trie = Trie::from_root(root);
    trie.remove(&store, &k3).unwrap();
    // Only the root is re-encoded; the untouched children keep the hashes the root gave them.
    let mut rest = model.clone();
    rest.remove(&k3);
    assert_eq!(trie.root(), reference_root(&rest));
    // The rest of the trie was never needed, and still is not available.
    let hash_of_k2_branch =
        keccak256(node_containing(&nodes, keccak256(node_containing(&nodes, &model[&k2])).as_slice()));
    assert_eq!(trie.get(&store, &k2), Err(TrieError::MissingNode(hash_of_k2_branch)));
}

/// The store is keyed by hash, so a tampered node is a missing node.
#[test]
fn tampered_node_is_missing() {
    let mut rng = StdRng::seed_from_u64(2);
    let model = random_model(&mut rng, 16);
    let mut full = build(&model);
    let root = full.root();
    let nodes = collect(&mut full);
    let (key, value) = model.iter().next().unwrap();
    let leaf = node_containing(&nodes, value);
    let mut tampered = leaf.to_vec();
    *tampered.last_mut().unwrap() ^= 1;
    let nodes: Vec<Bytes> =
        nodes.iter().map(|node| if *node == leaf { Bytes::from(tampered.clone()) } else { node.clone() }).collect();
    let store = NodeStore::new(&nodes);
    assert!(store.get(&keccak256(&leaf)).is_none());
    assert_eq!(store.get(&keccak256(&tampered)), Some(&tampered[..]));
    let mut trie = Trie::from_root(root);
    assert_eq!(trie.get(&store, key), Err(TrieError::MissingNode(keccak256(&leaf))));
    // Other keys still resolve.
    for (other, value) in model.iter().skip(1) {
        assert_eq!(trie.get(&store, other).unwrap(), Some(&value[..]));
    }
}

#[test]
fn malformed_nodes_are_invalid() {
    let leaf_with_flag_4 = [&[0xc4, 0x82, 0x40, 0x00][..], &[0x01]].concat();
    let branch_with_5_byte_child = [&[0xd6, 0x85, 1, 2, 3, 4, 5][..], &[0x80; 16]].concat();
    let cases: [(&str, Vec<u8>); 9] = [
        ("a string", vec![0x83, b'd', b'o', b'g']),
        ("a list of 3 items", vec![0xc3, 0x80, 0x80, 0x80]),
        ("trailing bytes", vec![0xc2, 0x20, 0x01, 0x00]),
        ("truncated", vec![0xc5, 0x20, 0x01]),
        ("a bad hex-prefix flag", leaf_with_flag_4),
        ("bad hex-prefix padding", vec![0xc4, 0x82, 0x21, 0x01, 0x01]),
        ("an empty leaf value", vec![0xc2, 0x20, 0x80]),
        ("an extension with an empty path", vec![0xc4, 0x00, 0xc2, 0x20, 0x01]),
        ("a 5-byte child reference", branch_with_5_byte_child),
    ];
    for (what, rlp) in cases {
        let hash = keccak256(&rlp);
        let store = NodeStore::new(&[Bytes::from(rlp)]);
        let mut trie = Trie::from_root(hash);
        match trie.get(&store, &[0x12]) {
            Err(TrieError::InvalidNode { hash: got, reason }) => {
                assert_eq!(got, hash, "{what}");
                eprintln!("{what}: {reason}");
            }
            other => panic!("{what}: expected InvalidNode, got {other:?}"),
        }
    }
}
