//! Rebuilding the sibling that a deletion collapses, from proofs of the deleted key before and
//! after: the rebuilt node must let the executor's trie apply the deletion, which it cannot do
//! from the pre-state proof alone.

use std::collections::BTreeSet;

use alloy_primitives::{keccak256, Bytes, B256};
use alloy_trie::{proof::ProofRetainer, HashBuilder, Nibbles};
use zkmips_executor::mpt::{NodeStore, Trie, TrieError};
use zkmips_fetcher::siblings::collapsed_siblings;

/// The root of a trie of `leaves` and the proof (root first) of `target`.
fn root_and_proof(leaves: &[([u8; 32], Vec<u8>)], target: [u8; 32]) -> (B256, Vec<Bytes>) {
    let mut sorted = leaves.to_vec();
    sorted.sort();
    let target = Nibbles::unpack(target);
    let mut builder = HashBuilder::default().with_proof_retainer(ProofRetainer::new(vec![target]));
    for (key, value) in &sorted {
        builder.add_leaf(Nibbles::unpack(key), value);
    }
    let root = builder.root();
    let proof = builder.take_proof_nodes().matching_nodes_sorted(&target).into_iter().map(|(_, node)| node).collect();
    (root, proof)
}

fn key(first: u8) -> [u8; 32] {
    let mut key = [first; 32];
    key[31] = 0xee;
    key
}

/// A branch at nibble depth 1 holds two leaves, `a` (0x11…) and `b` (0x12…); deleting `a` folds
/// `b` into the root branch. Values are long enough that every node is referenced by hash.
fn check_collapse(extra: &[[u8; 32]]) {
    let value = |n: u8| vec![n; 40];
    let (a, b) = (key(0x11), key(0x12));
    let mut before = vec![(a, value(1)), (b, value(2))];
    before.extend(extra.iter().map(|k| (*k, value(3))));
    let after: Vec<_> = before.iter().filter(|(k, _)| *k != a).cloned().collect();
    let (pre_root, pre_proof) = root_and_proof(&before, a);
    let (post_root, post_proof) = root_and_proof(&after, a);

    // From the pre-state proof alone the deletion cannot be applied: b's leaf is only a hash.
    let store = NodeStore::new(&pre_proof);
    let mut trie = Trie::from_root(pre_root);
    assert!(matches!(trie.remove(&store, &a), Err(TrieError::MissingNode(_))));

    let known: BTreeSet<B256> = pre_proof.iter().map(keccak256).collect();
    let rebuilt = collapsed_siblings(&pre_proof, &post_proof, &known);
    assert_eq!(rebuilt.len(), 1, "exactly b's leaf is rebuilt");
    let mut nodes = pre_proof.clone();
    nodes.extend(rebuilt);
    let store = NodeStore::new(&nodes);
    let mut trie = Trie::from_root(pre_root);
    trie.remove(&store, &a).unwrap();
    assert_eq!(trie.root(), post_root);
}

#[test]
fn a_leaf_sibling_folded_into_the_root_branch_is_rebuilt() {
    check_collapse(&[key(0x50), key(0x70)]);
}

#[test]
fn a_leaf_sibling_folded_through_an_extension_is_rebuilt() {
    // Only a and b: the root is an extension (nibble 1) over the branch, and the deletion leaves
    // a single leaf as the root.
    check_collapse(&[]);
}

#[test]
fn nothing_is_rebuilt_when_nothing_collapses() {
    let value = vec![9u8; 40];
    let (a, b, c) = (key(0x11), key(0x12), key(0x13));
    let before = vec![(a, value.clone()), (b, value.clone()), (c, value.clone())];
    let after: Vec<_> = before.iter().filter(|(k, _)| *k != a).cloned().collect();
    let (_, pre_proof) = root_and_proof(&before, a);
    let (_, post_proof) = root_and_proof(&after, a);
    let known: BTreeSet<B256> = pre_proof.iter().map(keccak256).collect();
    assert!(collapsed_siblings(&pre_proof, &post_proof, &known).is_empty());
}
