//! The vectorized Poseidon against plonky2's: the permutation (single and eight states), the
//! hasher, and Merkle trees.

use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::field::types::{Field, Field64, PrimeField64};
use plonky2::hash::hash_types::HashOut;
use plonky2::hash::merkle_tree::MerkleTree;
use plonky2::hash::poseidon::{Poseidon, PoseidonHash};
use plonky2::plonk::config::Hasher;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zkmips_stark::poseidon::merkle::merkle_tree;
use zkmips_stark::poseidon::{permute, permute_x8, FastPoseidonHash, WIDTH};
use zkmips_stark::F;

const P: u64 = GoldilocksField::ORDER;

fn reference(state: [F; WIDTH]) -> [u64; WIDTH] {
    F::poseidon(state).map(|x| x.to_canonical_u64())
}

fn fast(state: [F; WIDTH]) -> [F; WIDTH] {
    let mut s = state;
    permute(&mut s);
    s
}

/// Raw representations, to compare bit for bit (ours are canonical).
fn raw(state: [F; WIDTH]) -> [u64; WIDTH] {
    state.map(|x| x.0)
}

/// Random `u64` representations, non-canonical ones (`>= P`) included, with extra weight on
/// the edges of the representation.
fn random_raw(rng: &mut StdRng) -> u64 {
    match rng.gen_range(0..8) {
        0 => P - 1 - rng.gen_range(0..4),
        1 => P + rng.gen_range(0..u32::MAX as u64),
        2 => u64::MAX - rng.gen_range(0..4),
        3 => rng.gen_range(0..4),
        4 => (1 << 63) + rng.gen::<u64>() % (1 << 62),
        _ => rng.gen(),
    }
}

fn edge_states() -> Vec<[F; WIDTH]> {
    let constant = |x: u64| [GoldilocksField(x); WIDTH];
    let mut states = vec![
        constant(0),
        constant(1),
        constant(P - 1),
        constant(P - 2),
        constant(P),
        constant(P + 1),
        constant(u64::MAX),
        constant(1 << 63),
        constant((1 << 63) + 1),
        constant((1 << 32) - 1),
        constant(1 << 32),
        core::array::from_fn(|i| GoldilocksField(i as u64)),
        core::array::from_fn(|i| GoldilocksField(P - 1 - i as u64)),
        core::array::from_fn(|i| GoldilocksField(u64::MAX - i as u64)),
        core::array::from_fn(|i| GoldilocksField(if i % 2 == 0 { 0 } else { P - 1 })),
    ];
    for i in 0..WIDTH {
        let mut s = constant(0);
        s[i] = GoldilocksField(P - 1);
        states.push(s);
        let mut s = constant(P - 1);
        s[i] = GoldilocksField(0);
        states.push(s);
    }
    states
}

#[test]
fn permutation_matches_plonky2_on_edge_states() {
    for state in edge_states() {
        assert_eq!(raw(fast(state)), reference(state), "input {:x?}", raw(state));
    }
}

#[test]
fn permutation_matches_plonky2_on_random_states() {
    let mut rng = StdRng::seed_from_u64(1);
    for n in 0..20_000 {
        let state: [F; WIDTH] = if n % 2 == 0 {
            core::array::from_fn(|_| F::from_canonical_u64(rng.gen_range(0..P)))
        } else {
            core::array::from_fn(|_| GoldilocksField(random_raw(&mut rng)))
        };
        assert_eq!(raw(fast(state)), reference(state), "input {:x?}", raw(state));
    }
}

#[test]
fn eight_states_match_eight_single_permutations() {
    let mut rng = StdRng::seed_from_u64(2);
    let edges = edge_states();
    for n in 0..4_000 {
        let mut states: [[F; WIDTH]; 8] = core::array::from_fn(|j| {
            if n < edges.len() && j == 0 {
                edges[n]
            } else {
                core::array::from_fn(|_| GoldilocksField(random_raw(&mut rng)))
            }
        });
        let expected = states.map(reference);
        permute_x8(&mut states);
        assert_eq!(states.map(raw), expected);
    }
}

#[test]
fn hashes_match_poseidon_hash() {
    let mut rng = StdRng::seed_from_u64(3);
    for len in (0..40).chain([63, 64, 65, 151, 246]) {
        let input: Vec<F> = (0..len).map(|_| GoldilocksField(random_raw(&mut rng))).collect();
        assert_eq!(FastPoseidonHash::hash_no_pad(&input), PoseidonHash::hash_no_pad(&input), "length {len}");
        assert_eq!(FastPoseidonHash::hash_or_noop(&input), PoseidonHash::hash_or_noop(&input), "length {len}");
        assert_eq!(FastPoseidonHash::hash_pad(&input), PoseidonHash::hash_pad(&input), "length {len}");
    }
    for _ in 0..1_000 {
        let [a, b]: [HashOut<F>; 2] = core::array::from_fn(|_| HashOut {
            elements: core::array::from_fn(|_| GoldilocksField(random_raw(&mut rng))),
        });
        assert_eq!(FastPoseidonHash::two_to_one(a, b), PoseidonHash::two_to_one(a, b));
    }
}

#[test]
fn merkle_trees_match_plonky2() {
    let mut rng = StdRng::seed_from_u64(4);
    for width in [0, 1, 4, 5, 7, 8, 9, 16, 151] {
        for height in [0, 1, 3, 4, 5, 8] {
            for cap_height in [0, 4] {
                if cap_height > height {
                    continue;
                }
                let leaves: Vec<Vec<F>> = (0..1 << height)
                    .map(|_| (0..width).map(|_| GoldilocksField(random_raw(&mut rng))).collect())
                    .collect();
                let expected = MerkleTree::<F, PoseidonHash>::new(leaves.clone(), cap_height);
                let tree = merkle_tree(leaves, cap_height);
                let case = format!("width {width}, height {height}, cap height {cap_height}");
                assert_eq!(tree.digests, expected.digests, "{case}");
                assert_eq!(tree.cap.0, expected.cap.0, "{case}");
                assert_eq!(tree.leaves, expected.leaves, "{case}");
                // Merkle proofs from our tree verify against its cap.
                for i in [0, (1 << height) - 1, (1 << height) / 3] {
                    let proof = tree.prove(i);
                    plonky2::hash::merkle_proofs::verify_merkle_proof_to_cap(
                        tree.leaves[i].clone(),
                        i,
                        &tree.cap,
                        &proof,
                    )
                    .unwrap_or_else(|e| panic!("{case}, leaf {i}: {e}"));
                }
            }
        }
    }
}

#[test]
fn merkle_tree_of_leaves_of_mixed_lengths_matches_plonky2() {
    let mut rng = StdRng::seed_from_u64(5);
    let leaves: Vec<Vec<F>> =
        (0..64).map(|i| (0..(i % 11)).map(|_| GoldilocksField(random_raw(&mut rng))).collect()).collect();
    let expected = MerkleTree::<F, PoseidonHash>::new(leaves.clone(), 2);
    let tree = merkle_tree(leaves, 2);
    assert_eq!(tree.digests, expected.digests);
    assert_eq!(tree.cap.0, expected.cap.0);
}

/// `commit_values` and `commit_coeffs` make the commitments plonky2's `PolynomialBatch` makes:
/// the same polynomials, leaves (low-degree extensions, in bit-reversed order), digests and cap.
#[test]
fn commitments_match_plonky2() {
    use plonky2::field::polynomial::{PolynomialCoeffs, PolynomialValues};
    use plonky2::fri::oracle::PolynomialBatch;
    use plonky2::util::timing::TimingTree;
    use zkmips_stark::poseidon::merkle::{commit_coeffs, commit_values};
    use zkmips_stark::{C, D};

    let mut rng = StdRng::seed_from_u64(6);
    let mut random = |n: usize| (0..n).map(|_| GoldilocksField(random_raw(&mut rng))).collect::<Vec<F>>();
    let timing = &mut TimingTree::default();
    for (columns, log_n) in [(1, 4), (3, 6), (10, 5), (13, 7)] {
        let values: Vec<PolynomialValues<F>> =
            (0..columns).map(|_| PolynomialValues::new(random(1 << log_n))).collect();
        let coeffs: Vec<PolynomialCoeffs<F>> =
            (0..columns).map(|_| PolynomialCoeffs::new(random(1 << log_n))).collect();
        let ours =
            [commit_values(values.clone(), 1, 4, timing, None), commit_coeffs(coeffs.clone(), 1, 4, timing, None)];
        let theirs = [
            PolynomialBatch::<F, C, D>::from_values(values, 1, false, 4, timing, None),
            PolynomialBatch::<F, C, D>::from_coeffs(coeffs, 1, false, 4, timing, None),
        ];
        for (ours, theirs) in ours.iter().zip(&theirs) {
            let case = format!("{columns} columns of 2^{log_n}");
            assert_eq!(ours.polynomials, theirs.polynomials, "{case}");
            assert_eq!(ours.merkle_tree.leaves, theirs.merkle_tree.leaves, "{case}");
            assert_eq!(ours.merkle_tree.digests, theirs.merkle_tree.digests, "{case}");
            assert_eq!(ours.merkle_tree.cap, theirs.merkle_tree.cap, "{case}");
        }
    }
}

/// The permutation is not the identity or a constant: a broken build that returned its input
/// (or zeros) must not pass the comparisons above by accident.
#[test]
fn permutation_mixes() {
    let a = fast([F::ZERO; WIDTH]);
    let b = fast([F::ONE; WIDTH]);
    assert_ne!(a, [F::ZERO; WIDTH]);
    assert_ne!(a, b);
}
