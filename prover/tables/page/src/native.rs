//! The native memory image commitment: a sparse Merkle tree of Poseidon hashes over pages.
//!
//! The image is all 2^32 bytes as 2^30 little-endian words (untouched memory is zero), cut
//! into pages of [`PAGE_WORDS`] words. A page's leaf is `PoseidonHash::hash_no_pad` of its
//! words (each word a field element below 2^32; rate 8, so [`CHUNKS`] permutations), and an
//! inner node is `PoseidonHash::two_to_one(left, right)` (one permutation). The tree has a
//! fixed depth [`TREE_DEPTH`]; subtrees without a stored page hash to precomputed empty
//! hashes. The root is a [`Digest`] (4 field elements).
//!
//! The tree shape is fixed (every leaf is at depth `TREE_DEPTH` and hashes exactly
//! `PAGE_WORDS` elements), so no leaf/node domain separation is needed: an opening always
//! hashes a full page and then exactly `TREE_DEPTH` node compressions.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOut;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::plonk::config::Hasher;

use crate::F;

/// log2 of [`PAGE_WORDS`]. Change this one constant to change the page size (at least 4, so
/// that a page takes at least two absorbing permutations; at most 30).
pub const LOG_PAGE_WORDS: usize = 8;
/// Words per page.
pub const PAGE_WORDS: usize = 1 << LOG_PAGE_WORDS;
/// Bytes per page.
pub const PAGE_BYTES: u64 = 4 * PAGE_WORDS as u64;
/// Sponge rate of the leaf hash: words absorbed per permutation.
pub const RATE: usize = 8;
/// Absorbing permutations per page.
pub const CHUNKS: usize = PAGE_WORDS / RATE;
/// Depth of the tree: levels of inner nodes between a leaf and the root.
pub const TREE_DEPTH: usize = 30 - LOG_PAGE_WORDS;
/// Number of pages in the address space.
pub const NUM_PAGES: u64 = 1 << TREE_DEPTH;

const _: () = assert!(LOG_PAGE_WORDS >= 4 && LOG_PAGE_WORDS <= 30);

/// A hash: 4 field elements.
pub type Digest = [F; 4];

/// The words of one page.
pub type Page = [u32; PAGE_WORDS];

/// Page index and word offset of a byte address.
///
/// # Panics
/// If `addr` is not 4-aligned.
pub fn split_addr(addr: u32) -> (u32, usize) {
    assert_eq!(addr % 4, 0, "word address {addr:#x} is not 4-aligned");
    let word = addr >> 2;
    (word >> LOG_PAGE_WORDS, (word as usize) & (PAGE_WORDS - 1))
}

/// The leaf hash of a page.
pub fn hash_page(words: &Page) -> HashOut<F> {
    let elems: Vec<F> = words.iter().map(|&w| F::from_canonical_u32(w)).collect();
    PoseidonHash::hash_no_pad(&elems)
}

/// Hash of an inner node.
pub fn hash_node(left: HashOut<F>, right: HashOut<F>) -> HashOut<F> {
    PoseidonHash::two_to_one(left, right)
}

/// `empty_hashes()[l]` is the hash of an all-zero subtree whose root is at level `l` (level 0
/// = a zero page's leaf, level `TREE_DEPTH` = the root of the all-zero image).
pub fn empty_hashes() -> &'static [HashOut<F>; TREE_DEPTH + 1] {
    static EMPTY: OnceLock<[HashOut<F>; TREE_DEPTH + 1]> = OnceLock::new();
    EMPTY.get_or_init(|| {
        let mut e = [hash_page(&[0; PAGE_WORDS]); TREE_DEPTH + 1];
        for l in 0..TREE_DEPTH {
            e[l + 1] = hash_node(e[l], e[l]);
        }
        e
    })
}

/// A sparse memory image with cached node hashes.
///
/// `update` only marks pages dirty; `root` hashes the dirty pages and their paths (using the
/// cache for every other subtree) without storing them, and [`MemoryImage::flush`] stores them,
/// so k updated pages cost O(k * (CHUNKS + TREE_DEPTH)) permutations.
#[derive(Clone, Debug, Default)]
pub struct MemoryImage {
    /// Stored pages (absent = all zero).
    pages: BTreeMap<u32, Box<Page>>,
    /// `nodes[l][i]`: cached hash of node `i` at level `l` (absent = the empty hash), valid for
    /// every node not above a dirty page.
    nodes: Vec<BTreeMap<u32, HashOut<F>>>,
    /// Pages changed since the last flush.
    dirty: BTreeSet<u32>,
}

impl MemoryImage {
    /// The all-zero image.
    pub fn new() -> Self {
        Self { pages: BTreeMap::new(), nodes: vec![BTreeMap::new(); TREE_DEPTH + 1], dirty: BTreeSet::new() }
    }

    /// An image holding `words` (byte address, value) and zero elsewhere; later pairs win.
    ///
    /// # Panics
    /// If an address is not 4-aligned.
    pub fn from_words(words: impl IntoIterator<Item = (u32, u32)>) -> Self {
        let mut image = Self::new();
        for (addr, value) in words {
            image.update(addr, value);
        }
        image.flush();
        image
    }

    /// The word at byte address `addr`.
    pub fn word(&self, addr: u32) -> u32 {
        let (page, off) = split_addr(addr);
        self.pages.get(&page).map_or(0, |p| p[off])
    }

    /// The words of page `index`.
    pub fn page(&self, index: u32) -> Page {
        self.pages.get(&index).map_or([0; PAGE_WORDS], |p| **p)
    }

    /// Indices of the stored pages (every page not listed is all zero).
    pub fn page_indices(&self) -> impl Iterator<Item = u32> + '_ {
        self.pages.keys().copied()
    }

    /// Sets the word at byte address `addr`.
    ///
    /// # Panics
    /// If `addr` is not 4-aligned.
    pub fn update(&mut self, addr: u32, value: u32) {
        let (page, off) = split_addr(addr);
        let words = self.pages.entry(page).or_insert_with(|| Box::new([0; PAGE_WORDS]));
        if words[off] != value {
            words[off] = value;
            self.dirty.insert(page);
        }
    }

    /// Replaces the words of page `index`.
    pub fn set_page(&mut self, index: u32, words: &Page) {
        assert!((index as u64) < NUM_PAGES, "page index {index} out of range");
        self.pages.insert(index, Box::new(*words));
        self.dirty.insert(index);
    }

    /// The root hash.
    pub fn root(&self) -> Digest {
        self.root_hash().elements
    }

    /// The root hash as a `HashOut`.
    pub fn root_hash(&self) -> HashOut<F> {
        let fresh = self.rehash_dirty();
        fresh.last().and_then(|m| m.get(&0).copied()).unwrap_or_else(|| self.node(TREE_DEPTH, 0))
    }

    /// Stores the hashes of the dirty pages and their paths.
    pub fn flush(&mut self) {
        let fresh = self.rehash_dirty();
        for (l, level) in fresh.into_iter().enumerate() {
            self.nodes[l].extend(level);
        }
        self.dirty.clear();
    }

    /// The sibling hashes of page `index`'s path, leaf level first.
    ///
    /// # Panics
    /// If pages are dirty (call [`MemoryImage::flush`] first).
    pub fn siblings(&self, index: u32) -> [HashOut<F>; TREE_DEPTH] {
        assert!(self.dirty.is_empty(), "siblings of a dirty image");
        core::array::from_fn(|l| self.node(l, (index >> l) ^ 1))
    }

    /// True if pages changed since the last flush.
    pub fn is_dirty(&self) -> bool {
        !self.dirty.is_empty()
    }

    /// Cached hash of node `i` at level `l` (stale above dirty pages).
    pub(crate) fn node(&self, l: usize, i: u32) -> HashOut<F> {
        self.nodes[l].get(&i).copied().unwrap_or(empty_hashes()[l])
    }

    /// Fresh hashes of the dirty pages and of every node above them, per level (empty if
    /// nothing is dirty).
    fn rehash_dirty(&self) -> Vec<BTreeMap<u32, HashOut<F>>> {
        if self.dirty.is_empty() {
            return Vec::new();
        }
        let mut levels = Vec::with_capacity(TREE_DEPTH + 1);
        let leaves: BTreeMap<u32, HashOut<F>> = self.dirty.iter().map(|&p| (p, hash_page(&self.page(p)))).collect();
        levels.push(leaves);
        for l in 0..TREE_DEPTH {
            let below = &levels[l];
            let get = |i: u32| below.get(&i).copied().unwrap_or_else(|| self.node(l, i));
            let parents: BTreeSet<u32> = below.keys().map(|i| i >> 1).collect();
            let above = parents.into_iter().map(|p| (p, hash_node(get(2 * p), get(2 * p + 1)))).collect();
            levels.push(above);
        }
        levels
    }
}
