//! Trace generation of the page table (and of the Poseidon permutations it uses).

use std::collections::BTreeMap;

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOut;
use plonky2::hash::poseidon::Poseidon;
use zkmips_stark::cols::ColumnView;

use super::air::{STEP_LEAF, STEP_TOP};
use super::columns::{PageColumns, NUM_COLUMNS};
use crate::native::{split_addr, Digest, MemoryImage, CHUNKS, PAGE_WORDS, RATE, TREE_DEPTH};
use crate::poseidon::{self, Mode, PoseidonEvent};
use crate::F;

/// Rows of the page table for `touched` (every word the segment accessed: byte address, start
/// value, end value; any order), starting from the image `start`. The end image is `start`
/// with the end values. Returns the rows, the permutations they use and the two roots.
///
/// # Panics
/// If an address is not 4-aligned or listed twice, or a start value differs from `start`.
pub fn generate_rows(
    start: &MemoryImage,
    touched: &[(u32, u32, u32)],
) -> (Vec<[F; NUM_COLUMNS]>, Vec<PoseidonEvent>, Digest, Digest) {
    let flushed;
    let start = if start.is_dirty() {
        let mut image = start.clone();
        image.flush();
        flushed = image;
        &flushed
    } else {
        start
    };
    let mut pages: BTreeMap<u32, BTreeMap<usize, (u32, u32)>> = BTreeMap::new();
    for &(addr, before, after) in touched {
        let (page, off) = split_addr(addr);
        let old = pages.entry(page).or_default().insert(off, (before, after));
        assert!(old.is_none(), "address {addr:#x} is listed twice");
    }

    let root_start = start.root_hash();
    // Nodes changed by the pages processed so far, per level (leaves at level 0).
    let mut changed: Vec<BTreeMap<u32, HashOut<F>>> = vec![BTreeMap::new(); TREE_DEPTH + 1];
    let mut root = root_start;
    let mut rows = Vec::with_capacity(pages.len() * (CHUNKS + TREE_DEPTH) + 1);
    let mut events = Vec::with_capacity(2 * rows.capacity());
    let perm = |events: &mut Vec<PoseidonEvent>, input: [F; 12], mode: Mode| {
        events.push(PoseidonEvent { input, mode });
        F::poseidon(input)
    };

    for (&page, words) in &pages {
        let start_words = start.page(page);
        let mut end_words = start_words;
        let mut flags = [false; PAGE_WORDS];
        for (&off, &(before, after)) in words {
            assert_eq!(start_words[off], before, "start value of word {off} of page {page} differs from the image");
            end_words[off] = after;
            flags[off] = true;
        }
        let block_root = root.elements;
        let new_row = |step: usize| {
            let mut row = [F::ZERO; NUM_COLUMNS];
            let cv = PageColumns::<F>::view_mut(&mut row);
            cv.step = F::from_canonical_usize(step);
            cv.root = block_root;
            row
        };

        // Absorb the start and the end page side by side.
        let (mut cap_s, mut cap_e) = ([F::ZERO; 4], [F::ZERO; 4]);
        let (mut leaf_s, mut leaf_e) = ([F::ZERO; 4], [F::ZERO; 4]);
        for c in 0..CHUNKS {
            let mut row = new_row(c);
            let cv = PageColumns::<F>::view_mut(&mut row);
            let last = c == STEP_LEAF;
            cv.is_chunk = F::from_bool(!last);
            cv.is_leaf = F::from_bool(last);
            cv.inv = if last { F::ZERO } else { (cv.step - F::from_canonical_usize(STEP_LEAF)).inverse() };
            cv.rem = F::from_canonical_u32(page);
            for j in 0..RATE {
                let w = c * RATE + j;
                cv.a[j] = F::from_canonical_u32(start_words[w]);
                cv.b[j] = F::from_canonical_u32(end_words[w]);
                cv.touched[j] = F::from_bool(flags[w]);
            }
            cv.cap_s = cap_s;
            cv.cap_e = cap_e;
            let mode = if last { Mode::Hash } else { Mode::Sponge };
            let out_s = perm(&mut events, concat(&cv.a, &cap_s), mode);
            let out_e = perm(&mut events, concat(&cv.b, &cap_e), mode);
            if last {
                leaf_s.copy_from_slice(&out_s[0..4]);
                leaf_e.copy_from_slice(&out_e[0..4]);
                cv.out_s = leaf_s;
                cv.out_e = leaf_e;
            } else {
                cap_s.copy_from_slice(&out_s[8..12]);
                cap_e.copy_from_slice(&out_e[8..12]);
            }
            rows.push(row);
        }

        // Walk both paths up with the same siblings.
        let (mut node_s, mut node_e) = (leaf_s, leaf_e);
        changed[0].insert(page, HashOut { elements: leaf_e });
        for l in 0..TREE_DEPTH {
            let index = page >> l;
            let sibling = changed[l].get(&(index ^ 1)).copied().unwrap_or_else(|| start.node(l, index ^ 1)).elements;
            let bit = index & 1 == 1;
            let mut row = new_row(CHUNKS + l);
            let cv = PageColumns::<F>::view_mut(&mut row);
            let top = l == TREE_DEPTH - 1;
            cv.is_node = F::ONE;
            cv.is_top = F::from_bool(top);
            cv.inv = if top { F::ZERO } else { (cv.step - F::from_canonical_usize(STEP_TOP)).inverse() };
            cv.rem = F::from_canonical_u32(index);
            cv.bit = F::from_bool(bit);
            let (ls, rs, le, re) =
                if bit { (sibling, node_s, sibling, node_e) } else { (node_s, sibling, node_e, sibling) };
            cv.a = concat(&ls, &rs);
            cv.b = concat(&le, &re);
            let out_s = perm(&mut events, concat(&cv.a, &[F::ZERO; 4]), Mode::Hash);
            let out_e = perm(&mut events, concat(&cv.b, &[F::ZERO; 4]), Mode::Hash);
            node_s.copy_from_slice(&out_s[0..4]);
            node_e.copy_from_slice(&out_e[0..4]);
            cv.out_s = node_s;
            cv.out_e = node_e;
            changed[l + 1].insert(index >> 1, HashOut { elements: node_e });
            rows.push(row);
        }
        assert_eq!(node_s, root.elements, "the start path of page {page} does not reach the current root");
        root = HashOut { elements: node_e };
    }
    (rows, events, root_start.elements, root.elements)
}

/// The page and Poseidon traces for `touched` (see [`generate_rows`]) and the two roots.
///
/// # Panics
/// As [`generate_rows`].
pub fn generate_traces(
    start: &MemoryImage,
    touched: &[(u32, u32, u32)],
) -> (Vec<PolynomialValues<F>>, Vec<PolynomialValues<F>>, Digest, Digest) {
    let (rows, events, root_start, root_end) = generate_rows(start, touched);
    let page = page_trace(rows, root_end);
    let poseidon = poseidon::generate_trace(&events, 0);
    (page, poseidon, root_start, root_end)
}

/// Pads `rows` (at least one padding row, whose `root` is `root_end`) to a power of two and
/// transposes them.
pub fn page_trace(mut rows: Vec<[F; NUM_COLUMNS]>, root_end: Digest) -> Vec<PolynomialValues<F>> {
    let n = (rows.len() + 1).max(4).next_power_of_two();
    let mut padding = [F::ZERO; NUM_COLUMNS];
    PageColumns::<F>::view_mut(&mut padding).root = root_end;
    rows.resize(n, padding);
    (0..NUM_COLUMNS).map(|c| PolynomialValues::new(rows.iter().map(|r| r[c]).collect())).collect()
}

fn concat<const A: usize, const B: usize, const N: usize>(x: &[F; A], y: &[F; B]) -> [F; N] {
    const { assert!(A + B == N) };
    core::array::from_fn(|i| if i < A { x[i] } else { y[i - A] })
}
