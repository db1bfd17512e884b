//! Merkle trees hashed eight nodes at a time with [`permute_x8`], identical to plonky2's
//! `MerkleTree::new` with Poseidon (same digests, same layout, same cap), and trace commitments
//! (`PolynomialBatch`) built with them.

use plonky2::field::fft::FftRootTable;
use plonky2::field::polynomial::{PolynomialCoeffs, PolynomialValues};
use plonky2::field::types::Field;
use plonky2::fri::oracle::PolynomialBatch;
use plonky2::hash::hash_types::{HashOut, NUM_HASH_OUT_ELTS};
use plonky2::hash::merkle_tree::{MerkleCap, MerkleTree};
use plonky2::plonk::config::Hasher;
use plonky2::timed;
use plonky2::util::timing::TimingTree;
use plonky2::util::{log2_strict, reverse_index_bits_in_place};
use plonky2_maybe_rayon::*;

use super::{permute_x8, FastPoseidonHash, RATE, WIDTH};
use crate::{C, D, F};

/// Nodes hashed per call of [`permute_x8`].
const LANES: usize = 8;

/// `hash_or_noop` of eight leaves of equal length.
fn hash_leaves_x8(leaves: &[Vec<F>]) -> [HashOut<F>; LANES] {
    let len = leaves[0].len();
    if len <= NUM_HASH_OUT_ELTS || leaves.iter().any(|l| l.len() != len) {
        return core::array::from_fn(|j| FastPoseidonHash::hash_or_noop(&leaves[j]));
    }
    // The sponge of `hash_no_pad`: overwrite the rate with the next chunk, permute.
    let mut states = [[F::ZERO; WIDTH]; LANES];
    for start in (0..len).step_by(RATE) {
        let end = (start + RATE).min(len);
        for (state, leaf) in states.iter_mut().zip(leaves) {
            state[..end - start].copy_from_slice(&leaf[start..end]);
        }
        permute_x8(&mut states);
    }
    states.map(|s| HashOut { elements: [s[0], s[1], s[2], s[3]] })
}

/// `two_to_one` of eight pairs: `pairs[2j]` and `pairs[2j + 1]`.
fn compress_x8(pairs: &[HashOut<F>]) -> [HashOut<F>; LANES] {
    let mut states = [[F::ZERO; WIDTH]; LANES];
    for (state, pair) in states.iter_mut().zip(pairs.chunks_exact(2)) {
        state[..4].copy_from_slice(&pair[0].elements);
        state[4..8].copy_from_slice(&pair[1].elements);
    }
    permute_x8(&mut states);
    states.map(|s| HashOut { elements: [s[0], s[1], s[2], s[3]] })
}

/// `hash_or_noop` of every leaf, in order.
fn hash_leaves(leaves: &[Vec<F>]) -> Vec<HashOut<F>> {
    let mut out = vec![HashOut::<F>::ZERO; leaves.len()];
    out.par_chunks_mut(LANES).zip(leaves.par_chunks(LANES)).for_each(|(out, leaves)| {
        if leaves.len() == LANES {
            out.copy_from_slice(&hash_leaves_x8(leaves));
        } else {
            for (o, l) in out.iter_mut().zip(leaves) {
                *o = FastPoseidonHash::hash_or_noop(l);
            }
        }
    });
    out
}

/// The parents of `nodes` (pairs of siblings), in order.
fn hash_level(nodes: &[HashOut<F>]) -> Vec<HashOut<F>> {
    let mut out = vec![HashOut::<F>::ZERO; nodes.len() / 2];
    out.par_chunks_mut(LANES).zip(nodes.par_chunks(2 * LANES)).for_each(|(out, pairs)| {
        if out.len() == LANES {
            out.copy_from_slice(&compress_x8(pairs));
        } else {
            for (o, p) in out.iter_mut().zip(pairs.chunks_exact(2)) {
                *o = FastPoseidonHash::two_to_one(p[0], p[1]);
            }
        }
    });
    out
}

/// Writes the digests below node `index` of `levels[level]` in plonky2's layout: left subtree,
/// left child, right child, right subtree (a node's digest is stored by its parent).
fn place(buf: &mut [HashOut<F>], levels: &[Vec<HashOut<F>>], level: usize, index: usize) {
    if buf.is_empty() {
        return;
    }
    let (left, right) = buf.split_at_mut(buf.len() / 2);
    let (left_child, left) = left.split_last_mut().expect("a subtree of two leaves or more");
    let (right_child, right) = right.split_first_mut().expect("a subtree of two leaves or more");
    *left_child = levels[level - 1][2 * index];
    *right_child = levels[level - 1][2 * index + 1];
    place(left, levels, level - 1, 2 * index);
    place(right, levels, level - 1, 2 * index + 1);
}

/// The Merkle tree of `leaves` with a cap of `2^cap_height` digests, equal to
/// `MerkleTree::new(leaves, cap_height)` with Poseidon.
///
/// # Assumptions
/// `leaves.len()` is a power of two and at least `2^cap_height` (as for `MerkleTree::new`).
pub fn merkle_tree(leaves: Vec<Vec<F>>, cap_height: usize) -> MerkleTree<F, FastPoseidonHash> {
    let height = log2_strict(leaves.len());
    assert!(cap_height <= height, "cap_height={cap_height} should be at most log2(leaves.len())={height}");
    let mut levels = vec![hash_leaves(&leaves)];
    for _ in cap_height..height {
        let next = hash_level(levels.last().expect("the leaf level"));
        levels.push(next);
    }
    let cap = levels.pop().expect("the cap level");
    let sub_height = height - cap_height;
    let mut digests = vec![HashOut::<F>::ZERO; 2 * (leaves.len() - cap.len())];
    if !digests.is_empty() {
        let per_subtree = digests.len() >> cap_height;
        digests.par_chunks_mut(per_subtree).enumerate().for_each(|(i, buf)| place(buf, &levels, sub_height, i));
    }
    MerkleTree { leaves, digests, cap: MerkleCap(cap) }
}

/// The rows of `columns` (plonky2's `transpose`, on every core).
fn transpose(columns: &[Vec<F>]) -> Vec<Vec<F>> {
    (0..columns[0].len()).into_par_iter().map(|r| columns.iter().map(|c| c[r]).collect()).collect()
}

/// `PolynomialBatch::from_values` for [`C`] without blinding, with the Merkle tree built by
/// [`merkle_tree`]: the same commitment, faster.
pub fn commit_values(
    values: Vec<PolynomialValues<F>>,
    rate_bits: usize,
    cap_height: usize,
    timing: &mut TimingTree,
    fft_root_table: Option<&FftRootTable<F>>,
) -> PolynomialBatch<F, C, D> {
    let polynomials: Vec<PolynomialCoeffs<F>> =
        timed!(timing, "IFFT", values.into_par_iter().map(|v| v.ifft()).collect());
    commit_coeffs(polynomials, rate_bits, cap_height, timing, fft_root_table)
}

/// `PolynomialBatch::from_coeffs` for [`C`] without blinding, with the Merkle tree built by
/// [`merkle_tree`]: the same commitment, faster.
pub fn commit_coeffs(
    polynomials: Vec<PolynomialCoeffs<F>>,
    rate_bits: usize,
    cap_height: usize,
    timing: &mut TimingTree,
    fft_root_table: Option<&FftRootTable<F>>,
) -> PolynomialBatch<F, C, D> {
    let degree = polynomials[0].len();
    let lde_values: Vec<Vec<F>> = timed!(
        timing,
        "FFT",
        polynomials
            .par_iter()
            .map(|p| {
                assert_eq!(p.len(), degree, "polynomial degrees differ");
                p.lde(rate_bits).coset_fft_with_options(F::coset_shift(), Some(rate_bits), fft_root_table).values
            })
            .collect()
    );
    let mut leaves = timed!(timing, "transpose LDEs", transpose(&lde_values));
    drop(lde_values);
    reverse_index_bits_in_place(&mut leaves);
    let merkle_tree = timed!(timing, "build Merkle tree", merkle_tree(leaves, cap_height));
    PolynomialBatch { polynomials, merkle_tree, degree_log: log2_strict(degree), rate_bits, blinding: false }
}
