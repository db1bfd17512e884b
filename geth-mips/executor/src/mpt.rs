//! A sparse Merkle-Patricia trie: Ethereum's state and storage tries, rebuilt inside the block
//! program from the witness and updated as the block executes.
//!
//! The block program does not get the state; it gets the pre-state root (from the parent header) and
//! a witness: the RLP of every trie node the block touches. [`NodeStore`] keys those nodes by their
//! keccak256 hash, and a [`Trie`] starts as a bare root hash ([`Trie::from_root`]). A node is only
//! looked up and decoded when an operation walks through it, and the lookup is by the hash its
//! parent committed to, so every node the program uses is checked against the root by construction
//! and a witness node that was tampered with is simply absent. This laziness matters twice: the
//! witness only has to carry the paths the block uses, not whole tries, and in the zkVM every
//! instruction is proved, so nodes that are never visited cost nothing.
//!
//! Reads need the nodes on the key's path (for an absent key, the path up to where it diverges).
//! Writes need the same, and so do removals, with one more requirement: when a removal leaves a
//! branch with a single child, the branch collapses into that child, which must be resolved to know
//! whether it is a leaf, an extension or a branch. That is why witnesses carry the sibling of a
//! removed leaf; without it, the removal fails with [`TrieError::MissingNode`] naming the sibling.
//!
//! Each resolved node caches its reference (its RLP if shorter than 32 bytes, else its hash), and a
//! change clears the caches on its path only, so [`Trie::root`] re-hashes just what changed since the
//! last call; unvisited subtrees keep the hash from their parent.
//!
//! Paths are hex-prefix encoded, nodes are RLP, and a node whose RLP is shorter than 32 bytes is
//! embedded in its parent (Yellow Paper, appendix D). Keys are raw bytes of any length (the state
//! trie's callers pass keccak256 of the address or slot); branches may hold values, as the spec
//! allows for keys that are prefixes of others.

use alloc::{boxed::Box, vec, vec::Vec};
use alloy_primitives::{b256, keccak256, map::B256Map, Bytes, B256};
use alloy_rlp::{Encodable, Header, EMPTY_STRING_CODE};
use core::{fmt, mem};

/// keccak256 of the RLP of the empty string (`0x80`): the root of the empty trie.
pub const EMPTY_ROOT_HASH: B256 = b256!("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

/// Trie nodes of a witness, found by their keccak256 hash (so every node used is checked by
/// construction).
#[derive(Clone, Debug, Default)]
pub struct NodeStore {
    nodes: B256Map<Bytes>,
}

impl NodeStore {
    /// Hashes each node once. Duplicates are harmless; nodes no trie reaches are never read.
    pub fn new(nodes: &[Bytes]) -> Self {
        let mut map = B256Map::with_capacity_and_hasher(nodes.len(), Default::default());
        for node in nodes {
            map.insert(keccak256(node), node.clone());
        }
        Self { nodes: map }
    }

    /// The node whose RLP hashes to `hash`.
    pub fn get(&self, hash: &B256) -> Option<&[u8]> {
        self.nodes.get(hash).map(|node| &node[..])
    }

    /// The number of distinct nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the store holds no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// Why a trie operation could not be carried out. Either way the witness is at fault, not the block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrieError {
    #[error("trie node {0} is missing from the witness")]
    MissingNode(B256),
    #[error("trie node {hash} is invalid: {reason}")]
    InvalidNode { hash: B256, reason: &'static str },
}

/// A Merkle-Patricia trie (Ethereum's, hex-prefix paths, RLP nodes, nodes < 32 bytes embedded in
/// their parent), resolved from a [`NodeStore`] as operations reach its nodes.
///
/// An operation that fails leaves the trie as it was (give or take resolved nodes, which change
/// nothing observable): removals resolve the sibling a collapse needs before changing anything. That
/// holds for canonical tries, the only ones whose nodes hash to a real root; after an error on a
/// witness of non-canonical nodes, the trie is unspecified and should be dropped, as the block is.
#[derive(Clone, Debug)]
pub struct Trie {
    root: Node,
}

impl Trie {
    /// The trie without keys; its root is [`EMPTY_ROOT_HASH`].
    pub fn empty() -> Self {
        Self { root: Node::EMPTY }
    }

    /// The trie with the given root, none of it resolved yet. [`EMPTY_ROOT_HASH`] gives the empty
    /// trie, which needs no node from the store.
    pub fn from_root(root: B256) -> Self {
        if root == EMPTY_ROOT_HASH {
            Self::empty()
        } else {
            Self { root: Node::hash(root) }
        }
    }

    /// The value stored under `key`, resolving the nodes on its path.
    pub fn get(&mut self, store: &NodeStore, key: &[u8]) -> Result<Option<&[u8]>, TrieError> {
        self.root.get(store, Key(key), 0)
    }

    /// Stores `value` under `key`. An empty value removes the key, as in Ethereum's tries.
    pub fn insert(&mut self, store: &NodeStore, key: &[u8], value: Vec<u8>) -> Result<(), TrieError> {
        if value.is_empty() {
            return self.remove(store, key);
        }
        self.root.insert(store, Key(key), 0, value).map(drop)
    }

    /// Removes `key`; removing an absent key is not an error (if the nodes proving its absence are
    /// in the store). Needs the remaining sibling when a branch collapses, see the module doc.
    pub fn remove(&mut self, store: &NodeStore, key: &[u8]) -> Result<(), TrieError> {
        self.root.remove(store, Key(key), 0).map(drop)
    }

    /// The root hash. Only nodes changed since the last call are re-encoded and re-hashed.
    pub fn root(&mut self) -> B256 {
        match self.root.kind {
            Kind::Empty => EMPTY_ROOT_HASH,
            Kind::Hash(hash) => hash,
            _ => {
                let mut scratch = Vec::with_capacity(MAX_BRANCH_RLP);
                self.root.update_ref(&mut scratch);
                let reference = self.root.cache.as_slice();
                // The root is hashed even when it is short enough to be embedded.
                match reference.len() {
                    HASH_REF_LEN => B256::from_slice(&reference[1..]),
                    _ => keccak256(reference),
                }
            }
        }
    }

    /// Whether the trie holds no key. A trie that is still an unresolved root hash is not empty:
    /// only [`EMPTY_ROOT_HASH`] is the root of an empty trie.
    pub fn is_empty(&self) -> bool {
        matches!(self.root.kind, Kind::Empty)
    }

    /// Appends the RLP of every node held in resolved form that its parent references by hash
    /// (encoding >= 32 bytes), plus the root node. Used on the host to turn a fully built trie into
    /// a witness. Unresolved subtrees and the empty trie contribute nothing.
    pub fn collect_nodes(&mut self, out: &mut Vec<Bytes>) {
        if !self.root.is_resolved() {
            return;
        }
        self.root();
        let mut rlp = Vec::with_capacity(MAX_BRANCH_RLP);
        self.root.encode(&mut rlp);
        out.push(Bytes::copy_from_slice(&rlp));
        self.root.collect_descendants(&mut rlp, out);
    }
}

/// `0xa0 ‖ hash`: how a parent refers to a node of 32 bytes or more.
const HASH_REF_LEN: usize = 33;
/// RLP of a branch whose 16 children are hash references and which has no value (a list header of
/// 3 bytes, 16 references, the empty value): the usual upper bound, so scratch buffers rarely grow.
const MAX_BRANCH_RLP: usize = 3 + 16 * HASH_REF_LEN + 1;

/// How a parent refers to a node: the node's RLP if shorter than 32 bytes, else `0xa0 ‖ keccak256`.
/// Both fit in 33 bytes, so the cache needs no allocation. Length 0 means not computed.
#[derive(Clone, Copy)]
struct NodeRef {
    len: u8,
    bytes: [u8; HASH_REF_LEN],
}

impl NodeRef {
    const NONE: Self = Self { len: 0, bytes: [0; HASH_REF_LEN] };

    fn hash(hash: B256) -> Self {
        let mut bytes = [0; HASH_REF_LEN];
        bytes[0] = EMPTY_STRING_CODE + 32;
        bytes[1..].copy_from_slice(hash.as_slice());
        Self { len: HASH_REF_LEN as u8, bytes }
    }

    /// The reference to the node whose RLP is `rlp`, hashing it if it is 32 bytes or longer.
    fn of_rlp(rlp: &[u8]) -> Self {
        if rlp.len() < 32 {
            let mut bytes = [0; HASH_REF_LEN];
            bytes[..rlp.len()].copy_from_slice(rlp);
            Self { len: rlp.len() as u8, bytes }
        } else {
            Self::hash(keccak256(rlp))
        }
    }

    /// Like [`Self::of_rlp`] for a node fetched by `hash`, without hashing it again.
    fn of_fetched(rlp: &[u8], hash: B256) -> Self {
        if rlp.len() < 32 {
            Self::of_rlp(rlp)
        } else {
            Self::hash(hash)
        }
    }

    fn is_set(&self) -> bool {
        self.len != 0
    }

    fn is_hash(&self) -> bool {
        usize::from(self.len) == HASH_REF_LEN
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl fmt::Debug for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", alloy_primitives::hex::encode_prefixed(self.as_slice()))
    }
}

/// A node and the cached reference to it. The cache of a resolved node is either clear or valid
/// for it and for everything below it: every change clears the caches from the root down to it.
#[derive(Clone, Debug)]
struct Node {
    kind: Kind,
    cache: NodeRef,
}

#[derive(Clone, Debug, Default)]
enum Kind {
    #[default]
    Empty,
    /// Not resolved yet: the node with this hash is in the store, or the witness lacks it.
    Hash(B256),
    Leaf {
        /// The rest of the key, one nibble per byte; empty for a value that ended at a branch.
        path: Vec<u8>,
        /// Never empty.
        value: Vec<u8>,
    },
    Extension {
        /// Nibbles, one per byte; never empty.
        path: Vec<u8>,
        /// A branch, in a canonical trie.
        child: Box<Node>,
    },
    Branch {
        /// In one allocation, so resolving a branch allocates once; empty children are `Empty`.
        children: Box<[Node; 16]>,
        /// The value of a key that ends here (never, with keys of one length).
        value: Option<Vec<u8>>,
    },
}

/// Where a leaf or extension that has to be split kept its payload.
enum Tail {
    Value(Vec<u8>),
    Child(Box<Node>),
}

/// A key as nibbles, read from its bytes on demand.
#[derive(Clone, Copy)]
struct Key<'a>(&'a [u8]);

impl Key<'_> {
    fn len(self) -> usize {
        self.0.len() * 2
    }

    fn at(self, i: usize) -> u8 {
        let byte = self.0[i / 2];
        if i & 1 == 0 {
            byte >> 4
        } else {
            byte & 0x0f
        }
    }

    /// The length of the common prefix of `path` and the key's nibbles from `from`.
    fn common_prefix(self, from: usize, path: &[u8]) -> usize {
        let n = path.len().min(self.len() - from);
        (0..n).position(|i| path[i] != self.at(from + i)).unwrap_or(n)
    }

    /// Whether the key's nibbles from `from` are exactly `path`.
    fn ends_with(self, from: usize, path: &[u8]) -> bool {
        self.len() - from == path.len() && self.common_prefix(from, path) == path.len()
    }

    fn nibbles(self, from: usize) -> Vec<u8> {
        (from..self.len()).map(|i| self.at(i)).collect()
    }
}

fn empty_children() -> Box<[Node; 16]> {
    Box::new([const { Node::EMPTY }; 16])
}

impl Node {
    const EMPTY: Self = Self { kind: Kind::Empty, cache: NodeRef::NONE };

    fn new(kind: Kind) -> Self {
        Self { kind, cache: NodeRef::NONE }
    }

    fn hash(hash: B256) -> Self {
        Self::new(Kind::Hash(hash))
    }

    fn is_empty(&self) -> bool {
        matches!(self.kind, Kind::Empty)
    }

    fn is_resolved(&self) -> bool {
        !matches!(self.kind, Kind::Empty | Kind::Hash(_))
    }

    #[inline]
    fn resolve(&mut self, store: &NodeStore) -> Result<(), TrieError> {
        match self.kind {
            Kind::Hash(hash) => self.fetch(store, hash),
            _ => Ok(()),
        }
    }

    fn fetch(&mut self, store: &NodeStore, hash: B256) -> Result<(), TrieError> {
        let rlp = store.get(&hash).ok_or_else(|| missing(hash))?;
        self.kind = decode_kind(rlp).map_err(|reason| invalid(hash, reason))?;
        self.cache = NodeRef::of_fetched(rlp, hash);
        Ok(())
    }

    fn get<'a>(&'a mut self, store: &NodeStore, key: Key<'_>, depth: usize) -> Result<Option<&'a [u8]>, TrieError> {
        self.resolve(store)?;
        match &mut self.kind {
            Kind::Empty => Ok(None),
            Kind::Hash(_) => unreachable!("resolved above"),
            Kind::Leaf { path, value } => Ok(key.ends_with(depth, path).then_some(value.as_slice())),
            Kind::Extension { path, child } => {
                if key.common_prefix(depth, path) == path.len() {
                    child.get(store, key, depth + path.len())
                } else {
                    Ok(None)
                }
            }
            Kind::Branch { children, value } => {
                if depth == key.len() {
                    Ok(value.as_deref())
                } else {
                    children[usize::from(key.at(depth))].get(store, key, depth + 1)
                }
            }
        }
    }

    /// Inserts below this node, which sits at nibble `depth` of `key`. Returns whether anything
    /// changed (writing a value that is already there does not clear the caches).
    fn insert(&mut self, store: &NodeStore, key: Key<'_>, depth: usize, value: Vec<u8>) -> Result<bool, TrieError> {
        self.resolve(store)?;
        let changed = match &mut self.kind {
            Kind::Empty => {
                self.kind = Kind::Leaf { path: key.nibbles(depth), value };
                true
            }
            Kind::Hash(_) => unreachable!("resolved above"),
            Kind::Leaf { path, value: old } => {
                let common = key.common_prefix(depth, path);
                if common == path.len() && depth + common == key.len() {
                    if *old == value {
                        false
                    } else {
                        *old = value;
                        true
                    }
                } else {
                    let (path, old) = (mem::take(path), mem::take(old));
                    self.kind = split(key, depth, common, path, Tail::Value(old), value);
                    true
                }
            }
            Kind::Extension { path, child } => {
                let common = key.common_prefix(depth, path);
                if common == path.len() {
                    child.insert(store, key, depth + common, value)?
                } else {
                    let Kind::Extension { path, child } = mem::take(&mut self.kind) else { unreachable!() };
                    self.kind = split(key, depth, common, path, Tail::Child(child), value);
                    true
                }
            }
            Kind::Branch { children, value: old } => {
                if depth == key.len() {
                    if old.as_ref() == Some(&value) {
                        false
                    } else {
                        *old = Some(value);
                        true
                    }
                } else {
                    children[usize::from(key.at(depth))].insert(store, key, depth + 1, value)?
                }
            }
        };
        if changed {
            self.cache = NodeRef::NONE;
        }
        Ok(changed)
    }

    /// Removes `key` below this node, which sits at nibble `depth` of it, and restores the
    /// canonical shape: no branch with fewer than two entries, no extension above a leaf or an
    /// extension. Every node that can fail to resolve is resolved before anything changes.
    fn remove(&mut self, store: &NodeStore, key: Key<'_>, depth: usize) -> Result<bool, TrieError> {
        self.resolve(store)?;
        let changed = match &mut self.kind {
            Kind::Empty => false,
            Kind::Hash(_) => unreachable!("resolved above"),
            Kind::Leaf { path, .. } => {
                let found = key.ends_with(depth, path);
                if found {
                    self.kind = Kind::Empty;
                }
                found
            }
            Kind::Extension { path, child } => {
                let len = path.len();
                if key.common_prefix(depth, path) != len || !child.remove(store, key, depth + len)? {
                    false
                } else {
                    // The child was a branch; it may have collapsed into a leaf or an extension,
                    // which this extension absorbs.
                    match mem::take(&mut child.kind) {
                        Kind::Empty => self.kind = Kind::Empty,
                        Kind::Leaf { path: tail, value } => {
                            path.extend_from_slice(&tail);
                            self.kind = Kind::Leaf { path: mem::take(path), value };
                        }
                        Kind::Extension { path: tail, child: grandchild } => {
                            path.extend_from_slice(&tail);
                            *child = grandchild;
                        }
                        kind => child.kind = kind,
                    }
                    true
                }
            }
            Kind::Branch { children, value } => {
                if depth == key.len() {
                    if value.is_none() {
                        return Ok(false);
                    }
                    if let Some(only) = sole_child(children, None) {
                        children[only].resolve(store)?;
                    }
                    *value = None;
                } else {
                    let i = usize::from(key.at(depth));
                    let child = &mut children[i];
                    child.resolve(store)?;
                    let removes_child =
                        matches!(&child.kind, Kind::Leaf { path, .. } if key.ends_with(depth + 1, path));
                    if removes_child && value.is_none() {
                        if let Some(sibling) = sole_child(children, Some(i)) {
                            children[sibling].resolve(store)?;
                        }
                    }
                    if !children[i].remove(store, key, depth + 1)? {
                        return Ok(false);
                    }
                }
                self.collapse_branch(store)?;
                true
            }
        };
        if changed {
            self.cache = NodeRef::NONE;
        }
        Ok(changed)
    }

    /// Turns a branch left with one entry into the equivalent leaf or extension.
    fn collapse_branch(&mut self, store: &NodeStore) -> Result<(), TrieError> {
        let Kind::Branch { children, value } = &mut self.kind else { return Ok(()) };
        let mut live = (0..16).filter(|&i| !children[i].is_empty());
        let (first, second) = (live.next(), live.next());
        if second.is_some() || (first.is_some() && value.is_some()) {
            return Ok(());
        }
        self.kind = match (first, value.take()) {
            (None, None) => Kind::Empty,
            (None, Some(value)) => Kind::Leaf { path: Vec::new(), value },
            (Some(i), _) => {
                // Resolved by the caller when it could see this coming; resolving here as well keeps
                // non-canonical witnesses from breaking the invariants.
                children[i].resolve(store)?;
                let child = mem::replace(&mut children[i], Node::EMPTY);
                let nibble = i as u8;
                match child.kind {
                    Kind::Leaf { mut path, value } => {
                        path.insert(0, nibble);
                        Kind::Leaf { path, value }
                    }
                    Kind::Extension { mut path, child } => {
                        path.insert(0, nibble);
                        Kind::Extension { path, child }
                    }
                    Kind::Branch { .. } => Kind::Extension { path: vec![nibble], child: Box::new(child) },
                    Kind::Empty | Kind::Hash(_) => unreachable!("live and resolved"),
                }
            }
        };
        Ok(())
    }

    /// Fills the caches of this node and the nodes below it, encoding into `scratch`.
    fn update_ref(&mut self, scratch: &mut Vec<u8>) {
        if self.cache.is_set() {
            return;
        }
        match &mut self.kind {
            Kind::Empty | Kind::Hash(_) => return,
            Kind::Leaf { .. } => {}
            Kind::Extension { child, .. } => child.update_ref(scratch),
            Kind::Branch { children, .. } => children.iter_mut().for_each(|child| child.update_ref(scratch)),
        }
        scratch.clear();
        self.encode(scratch);
        self.cache = NodeRef::of_rlp(scratch);
    }

    /// The length of this node's reference in its parent. Needs [`Self::update_ref`] first.
    fn ref_len(&self) -> usize {
        match self.kind {
            Kind::Empty => 1,
            Kind::Hash(_) => HASH_REF_LEN,
            _ => usize::from(self.cache.len),
        }
    }

    fn write_ref(&self, out: &mut Vec<u8>) {
        match &self.kind {
            Kind::Empty => out.push(EMPTY_STRING_CODE),
            Kind::Hash(hash) => out.extend_from_slice(NodeRef::hash(*hash).as_slice()),
            _ => out.extend_from_slice(self.cache.as_slice()),
        }
    }

    /// Appends this node's RLP. The references of its children must be up to date.
    fn encode(&self, out: &mut Vec<u8>) {
        match &self.kind {
            Kind::Empty => out.push(EMPTY_STRING_CODE),
            Kind::Hash(_) => unreachable!("an unresolved node has no encoding here"),
            Kind::Leaf { path, value } => {
                let payload_length = hex_prefix_len(path) + value.as_slice().length();
                Header { list: true, payload_length }.encode(out);
                write_hex_prefix(path, true, out);
                value.as_slice().encode(out);
            }
            Kind::Extension { path, child } => {
                let payload_length = hex_prefix_len(path) + child.ref_len();
                Header { list: true, payload_length }.encode(out);
                write_hex_prefix(path, false, out);
                child.write_ref(out);
            }
            Kind::Branch { children, value } => {
                let value_len = value.as_ref().map_or(1, |value| value.as_slice().length());
                let payload_length = children.iter().map(Node::ref_len).sum::<usize>() + value_len;
                Header { list: true, payload_length }.encode(out);
                children.iter().for_each(|child| child.write_ref(out));
                match value {
                    Some(value) => value.as_slice().encode(out),
                    None => out.push(EMPTY_STRING_CODE),
                }
            }
        }
    }

    /// Appends the RLP of every resolved node below this one that is referenced by hash.
    fn collect_descendants(&self, scratch: &mut Vec<u8>, out: &mut Vec<Bytes>) {
        let children: &[Node] = match &self.kind {
            Kind::Extension { child, .. } => core::slice::from_ref(&**child),
            Kind::Branch { children, .. } => &children[..],
            _ => return,
        };
        for child in children.iter().filter(|child| child.is_resolved()) {
            if child.cache.is_hash() {
                scratch.clear();
                child.encode(scratch);
                out.push(Bytes::copy_from_slice(scratch));
            }
            child.collect_descendants(scratch, out);
        }
    }
}

/// The single live child of a branch, ignoring `except`; `None` if there are none or several.
fn sole_child(children: &[Node; 16], except: Option<usize>) -> Option<usize> {
    let mut live = (0..16).filter(|&i| Some(i) != except && !children[i].is_empty());
    match (live.next(), live.next()) {
        (Some(i), None) => Some(i),
        _ => None,
    }
}

/// Replaces a leaf or extension at nibble `depth` whose `path` shares only `common` nibbles with
/// the key by a branch holding both (behind an extension of the shared nibbles, if any).
fn split(key: Key<'_>, depth: usize, common: usize, mut path: Vec<u8>, tail: Tail, value: Vec<u8>) -> Kind {
    let mut children = empty_children();
    let mut branch_value = None;
    if common == path.len() {
        // Only a leaf can end here: an extension that matches in full is descended into instead.
        match tail {
            Tail::Value(old) => branch_value = Some(old),
            Tail::Child(_) => unreachable!("an extension that matches in full is descended into"),
        }
    } else {
        let rest = path.split_off(common + 1);
        let nibble = usize::from(path[common]);
        path.truncate(common);
        children[nibble] = match tail {
            Tail::Value(old) => Node::new(Kind::Leaf { path: rest, value: old }),
            Tail::Child(child) if rest.is_empty() => *child,
            Tail::Child(child) => Node::new(Kind::Extension { path: rest, child }),
        };
    }
    if depth + common == key.len() {
        branch_value = Some(value);
    } else {
        let nibble = key.at(depth + common);
        children[usize::from(nibble)] = Node::new(Kind::Leaf { path: key.nibbles(depth + common + 1), value });
    }
    let branch = Kind::Branch { children, value: branch_value };
    if path.is_empty() {
        branch
    } else {
        Kind::Extension { path, child: Box::new(Node::new(branch)) }
    }
}

/// The length of the RLP string holding the hex-prefix encoding of `path`.
fn hex_prefix_len(path: &[u8]) -> usize {
    let len = path.len() / 2 + 1;
    // A one-byte encoding is below 0x80 (its flag nibble is at most 3), so it is its own RLP.
    if len == 1 {
        1
    } else {
        alloy_rlp::length_of_length(len) + len
    }
}

/// Appends the RLP string of the hex-prefix encoding of `path` (Yellow Paper, appendix C).
fn write_hex_prefix(path: &[u8], leaf: bool, out: &mut Vec<u8>) {
    let len = path.len() / 2 + 1;
    if len > 1 {
        Header { list: false, payload_length: len }.encode(out);
    }
    let flag = if leaf { 0x20 } else { 0x00 };
    let pairs = if path.len() & 1 == 1 {
        out.push(flag | 0x10 | path[0]);
        &path[1..]
    } else {
        out.push(flag);
        path
    };
    out.extend(pairs.chunks_exact(2).map(|pair| (pair[0] << 4) | pair[1]));
}

/// Decodes a hex-prefix encoded path into nibbles; returns whether it is a leaf's.
fn decode_hex_prefix(encoded: &[u8]) -> Result<(bool, Vec<u8>), &'static str> {
    let (&first, rest) = encoded.split_first().ok_or("empty path")?;
    let flag = first >> 4;
    if flag > 3 {
        return Err("bad hex-prefix flag");
    }
    let odd = flag & 1 == 1;
    if !odd && first & 0x0f != 0 {
        return Err("bad hex-prefix padding");
    }
    let mut path = Vec::with_capacity(rest.len() * 2 + 1);
    if odd {
        path.push(first & 0x0f);
    }
    for &byte in rest {
        path.extend_from_slice(&[byte >> 4, byte & 0x0f]);
    }
    Ok((flag >= 2, path))
}

/// One RLP item: whether it is a list, its payload, and its whole encoding.
struct Item<'a> {
    list: bool,
    payload: &'a [u8],
    raw: &'a [u8],
}

const WRONG_ITEM_COUNT: &str = "node is a list of neither 2 nor 17 items";

fn next_item<'a>(buf: &mut &'a [u8]) -> Result<Item<'a>, &'static str> {
    if buf.is_empty() {
        return Err(WRONG_ITEM_COUNT);
    }
    let start = *buf;
    let header = Header::decode(buf).map_err(|_| "malformed RLP")?;
    // `Header::decode` checked the length; a single byte below 0x80 is its own payload and leaves
    // `buf` where it was.
    let (payload, rest) = buf.split_at(header.payload_length);
    *buf = rest;
    Ok(Item { list: header.list, payload, raw: &start[..start.len() - rest.len()] })
}

/// Decodes the RLP of a node (one list, no trailing bytes).
fn decode_kind(rlp: &[u8]) -> Result<Kind, &'static str> {
    let mut buf = rlp;
    let node = next_item(&mut buf).map_err(|_| "malformed RLP")?;
    if !node.list {
        return Err("node is not a list");
    }
    if !buf.is_empty() {
        return Err("trailing bytes after the node");
    }
    let mut items = node.payload;
    let first = next_item(&mut items)?;
    let second = next_item(&mut items)?;
    if items.is_empty() {
        return decode_short(&first, &second);
    }
    let mut children = empty_children();
    children[0] = decode_child(&first)?;
    children[1] = decode_child(&second)?;
    for child in &mut children[2..] {
        *child = decode_child(&next_item(&mut items)?)?;
    }
    let value = next_item(&mut items)?;
    if !items.is_empty() {
        return Err(WRONG_ITEM_COUNT);
    }
    if value.list {
        return Err("branch value is a list");
    }
    let value = (!value.payload.is_empty()).then(|| value.payload.to_vec());
    Ok(Kind::Branch { children, value })
}

fn decode_short(path: &Item<'_>, second: &Item<'_>) -> Result<Kind, &'static str> {
    if path.list {
        return Err("path is a list");
    }
    let (leaf, path) = decode_hex_prefix(path.payload)?;
    if leaf {
        if second.list {
            return Err("leaf value is a list");
        }
        if second.payload.is_empty() {
            return Err("leaf value is empty");
        }
        Ok(Kind::Leaf { path, value: second.payload.to_vec() })
    } else {
        if path.is_empty() {
            return Err("extension with an empty path");
        }
        let child = decode_child(second)?;
        if child.is_empty() {
            return Err("extension without a child");
        }
        Ok(Kind::Extension { path, child: Box::new(child) })
    }
}

/// Decodes a child reference: empty, a hash, or a node embedded because it is under 32 bytes.
fn decode_child(item: &Item<'_>) -> Result<Node, &'static str> {
    if item.list {
        if item.raw.len() >= 32 {
            return Err("embedded node of 32 bytes or more");
        }
        // The cache keeps the exact bytes the parent's hash covers.
        return Ok(Node { kind: decode_kind(item.raw)?, cache: NodeRef::of_rlp(item.raw) });
    }
    match item.payload.len() {
        0 => Ok(Node::EMPTY),
        32 => Ok(Node::hash(B256::from_slice(item.payload))),
        _ => Err("child reference is neither empty, a hash nor an embedded node"),
    }
}

#[cold]
fn missing(hash: B256) -> TrieError {
    TrieError::MissingNode(hash)
}

#[cold]
fn invalid(hash: B256, reason: &'static str) -> TrieError {
    TrieError::InvalidNode { hash, reason }
}
