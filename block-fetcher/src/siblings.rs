//! Rebuilding the sibling nodes that a deletion collapses, from proofs before and after the block.
//!
//! When a block deletes a key and the branch above it is left with one child, the trie replaces
//! the branch by that child, with the child's path lengthened by the branch nibble (and by the
//! path of an extension above, if any). Recomputing the post-state root from the pre-state
//! therefore needs the pre-state sibling node, which no pre-state proof of the deleted key holds:
//! a proof holds the nodes on the key's own path, and the sibling only by hash.
//!
//! The proof of the same key against the post-state ends in the collapsed node. When the sibling
//! was a leaf or an extension, that node is the sibling with a longer path, so the sibling is that
//! node with the extra nibbles removed; each candidate is accepted only if it hashes to the
//! reference in the pre-state branch, so a wrong guess can never enter a witness. (A sibling that
//! is itself a branch keeps its hash but is not in either proof; the live fetcher asks for a proof
//! of a key under it.)

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{keccak256, Address, Bytes, B256};
use alloy_rlp::Decodable;
use alloy_rpc_types_eth::EIP1186AccountProofResponse;

use crate::FetchError;
use alloy_trie::{
    nodes::{ExtensionNode, LeafNode, TrieNode},
    Nibbles,
};

/// Adds the nodes of `proofs` (account and storage proofs taken at `block`) to `nodes`, after
/// checking that each account proof starts at `state_root`.
pub fn add_proof_nodes<'a>(
    proofs: impl IntoIterator<Item = &'a EIP1186AccountProofResponse>,
    block: u64,
    state_root: B256,
    nodes: &mut BTreeSet<Bytes>,
) -> Result<(), FetchError> {
    for proof in proofs {
        if let Some(first) = proof.account_proof.first() {
            let computed = keccak256(first);
            if computed != state_root {
                return Err(FetchError::ProofRootMismatch {
                    block,
                    address: proof.address,
                    computed,
                    expected: state_root,
                });
            }
        }
        nodes.extend(proof.account_proof.iter().cloned());
        nodes.extend(proof.storage_proof.iter().flat_map(|slot| slot.proof.iter().cloned()));
    }
    Ok(())
}

/// [`collapsed_siblings`] for every account proof in `pre` (taken at the parent) and its storage
/// proofs, against the proofs of the same account and slots in `post` (taken at the block).
pub fn collapsed_siblings_of_proofs<'a>(
    pre: impl IntoIterator<Item = &'a EIP1186AccountProofResponse>,
    post: &BTreeMap<Address, EIP1186AccountProofResponse>,
    known: &BTreeSet<B256>,
) -> Vec<Bytes> {
    let mut rebuilt = Vec::new();
    for before in pre {
        let Some(after) = post.get(&before.address) else { continue };
        rebuilt.extend(collapsed_siblings(&before.account_proof, &after.account_proof, known));
        for slot in &before.storage_proof {
            if let Some(slot_after) = after.storage_proof.iter().find(|s| s.key.as_b256() == slot.key.as_b256()) {
                rebuilt.extend(collapsed_siblings(&slot.proof, &slot_after.proof, known));
            }
        }
    }
    rebuilt
}

/// A node of a proof, with the number of key nibbles consumed above it.
struct Located {
    depth: usize,
    node: TrieNode,
}

fn locate(proof: &[Bytes]) -> Vec<Located> {
    let mut depth = 0;
    let mut out = Vec::with_capacity(proof.len());
    for bytes in proof {
        let Ok(node) = TrieNode::decode(&mut &bytes[..]) else { break };
        let next = match &node {
            TrieNode::Branch(_) => depth + 1,
            TrieNode::Extension(ext) => depth + ext.key.len(),
            TrieNode::Leaf(_) | TrieNode::EmptyRoot => depth,
        };
        out.push(Located { depth, node });
        depth = next;
    }
    out
}

/// Nodes that the pre-state proof `pre` references by hash, that are not in `known`, and that
/// can be rebuilt from the post-state proof `post` of the same key. Returns the rebuilt nodes.
pub fn collapsed_siblings(pre: &[Bytes], post: &[Bytes], known: &BTreeSet<B256>) -> Vec<Bytes> {
    let post = locate(post);
    let mut found = Vec::new();
    for branch in locate(pre) {
        let TrieNode::Branch(node) = &branch.node else { continue };
        for (nibble, child) in node.as_ref().children() {
            let Some(hash) = child.and_then(|c| c.as_hash()) else { continue };
            if known.contains(&hash) {
                continue;
            }
            for collapsed in &post {
                if let Some(candidate) = strip(collapsed, branch.depth, nibble) {
                    if keccak256(&candidate) == hash {
                        found.push(candidate);
                    }
                }
            }
        }
    }
    found
}

/// `collapsed` with the nibbles up to and including position `depth` (which must be `nibble`)
/// removed from its path: the node as it was below a branch at `depth`.
fn strip(collapsed: &Located, depth: usize, nibble: u8) -> Option<Bytes> {
    let (key, is_leaf) = match &collapsed.node {
        TrieNode::Leaf(leaf) => (&leaf.key, true),
        TrieNode::Extension(ext) => (&ext.key, false),
        _ => return None,
    };
    let offset = depth.checked_sub(collapsed.depth)?;
    if offset >= key.len() || key.get(offset)? != nibble {
        return None;
    }
    let rest = Nibbles::from_nibbles(&key.to_vec()[offset + 1..]);
    let encoded = match &collapsed.node {
        TrieNode::Leaf(leaf) if is_leaf => alloy_rlp::encode(LeafNode::new(rest, leaf.value.clone())),
        TrieNode::Extension(ext) if !rest.is_empty() => alloy_rlp::encode(ExtensionNode::new(rest, ext.child.clone())),
        _ => return None,
    };
    Some(encoded.into())
}
