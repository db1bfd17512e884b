//! Trace commitments of shapes a 2^20-cycle segment commits, and the share of their Merkle
//! trees:
//!
//!   cargo bench -p zkmips-stark --bench commit
//!
//! For each shape (rows x columns): the time of `commit_values` (IFFT, low-degree extension,
//! transpose, Merkle tree) and of `merkle_tree` alone on leaves of the extended shape. Wall-clock
//! time on every core, one run each.

use std::time::Instant;

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Sample;
use plonky2::util::timing::TimingTree;
use plonky2_maybe_rayon::*;
use zkmips_stark::poseidon::merkle::{commit_values, merkle_tree};
use zkmips_stark::{stark_config, F};

fn main() {
    let fri = stark_config().fri_config;
    // The CPU table, the memory table (eight accesses a row) and its lookup columns.
    for (log_rows, width) in [(20usize, 61usize), (19, 64), (19, 54)] {
        let rows = 1 << log_rows;
        let values: Vec<PolynomialValues<F>> =
            (0..width).into_par_iter().map(|_| PolynomialValues::new(F::rand_vec(rows))).collect();
        let t = Instant::now();
        let commitment = commit_values(values, fri.rate_bits, fri.cap_height, &mut TimingTree::default(), None);
        let commit = t.elapsed().as_secs_f64();
        drop(commitment);
        let leaves: Vec<Vec<F>> = (0..rows << fri.rate_bits).into_par_iter().map(|_| F::rand_vec(width)).collect();
        let t = Instant::now();
        let tree = merkle_tree(leaves, fri.cap_height);
        let merkle = t.elapsed().as_secs_f64();
        drop(tree);
        println!("2^{log_rows} x {width}: commit_values {commit:.2} s, of which about {merkle:.2} s Merkle tree");
    }
}
