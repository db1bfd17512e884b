//! Poseidon throughput: plonky2's scalar permutation against [`zkmips_stark::poseidon`], one
//! state and eight at once, and Merkle trees of trace-like leaves.
//!
//!   cargo bench -p zkmips-stark --bench poseidon [-- FILTER]
//!
//! runs the cases whose name contains FILTER (all by default).
//! Single-threaded apart from the Merkle trees (which use every core, as in proving). Each
//! figure is the best of five runs; single-threaded cases count the thread's CPU time, so that
//! other processes on the machine do not distort them, Merkle trees wall-clock time.

use std::hint::black_box;
use std::time::Instant;

use plonky2::field::types::Sample;
use plonky2::hash::merkle_tree::MerkleTree;
use plonky2::hash::poseidon::{Poseidon, PoseidonHash};
use zkmips_stark::poseidon::merkle::merkle_tree;
use zkmips_stark::poseidon::{permute, permute_x8, FastPoseidonHash, VECTORIZED, WIDTH};
use zkmips_stark::F;

/// CPU time of this thread in seconds: other processes on the machine do not count.
fn thread_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    stat.split_whitespace().next().and_then(|ns| ns.parse::<f64>().ok()).unwrap_or(f64::NAN) / 1e9
}

/// Best time of five runs of `f`, in seconds: CPU time of this thread (single-threaded cases,
/// when `/proc` has it), or wall-clock time.
fn best_of_5(cpu: bool, mut f: impl FnMut()) -> f64 {
    (0..5)
        .map(|_| {
            let (t, c) = (Instant::now(), thread_cpu_secs());
            f();
            let cpu_secs = thread_cpu_secs() - c;
            if cpu && cpu_secs.is_finite() {
                cpu_secs
            } else {
                t.elapsed().as_secs_f64()
            }
        })
        .fold(f64::INFINITY, f64::min)
}

/// Runs `case` (returning the permutations it did and its best time) if `name` matches the
/// filter, and prints its throughput.
fn bench(filter: &str, name: &str, case: impl FnOnce() -> (usize, f64)) {
    if name.contains(filter) {
        let (perms, secs) = case();
        report(name, perms, secs);
    }
}

fn report(name: &str, perms: usize, secs: f64) {
    println!("{name:<40} {:>8.1} ns/perm {:>8.2} M perm/s", secs * 1e9 / perms as f64, perms as f64 / secs / 1e6);
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_default();
    println!("vectorized: {VECTORIZED}");
    let n = 200_000;
    let start: [F; WIDTH] = F::rand_array();

    bench(&filter, "plonky2 scalar (chained)", || {
        let secs = best_of_5(true, || {
            let mut s = start;
            for _ in 0..n {
                s = F::poseidon(black_box(s));
            }
            black_box(s);
        });
        (n, secs)
    });
    bench(&filter, "permute (chained)", || {
        let secs = best_of_5(true, || {
            let mut s = start;
            for _ in 0..n {
                permute(black_box(&mut s));
            }
            black_box(s);
        });
        (n, secs)
    });
    // Independent states: what a Merkle level offers to out-of-order execution.
    let states: Vec<[F; WIDTH]> = (0..1024).map(|_| F::rand_array()).collect();
    bench(&filter, "plonky2 scalar (independent)", || {
        let secs = best_of_5(true, || {
            for _ in 0..n / states.len() {
                for s in &states {
                    black_box(F::poseidon(black_box(*s)));
                }
            }
        });
        (n / 1024 * 1024, secs)
    });
    bench(&filter, "permute (independent)", || {
        let secs = best_of_5(true, || {
            for _ in 0..n / states.len() {
                for s in &states {
                    let mut s = *s;
                    permute(black_box(&mut s));
                    black_box(s);
                }
            }
        });
        (n / 1024 * 1024, secs)
    });
    bench(&filter, "permute_x8 (chained, per state)", || {
        let secs = best_of_5(true, || {
            let mut s = [start; 8];
            for _ in 0..n / 8 {
                permute_x8(black_box(&mut s));
            }
            black_box(s);
        });
        (n, secs)
    });

    for (rows, width) in [(1 << 17, 151), (1 << 19, 8)] {
        let leaves: Vec<Vec<F>> = (0..rows).map(|_| F::rand_vec(width)).collect();
        let perms = rows * width.div_ceil(8) + rows;
        bench(&filter, &format!("MerkleTree::new {rows} x {width} (plonky2)"), || {
            (perms, best_of_5(false, || drop(black_box(MerkleTree::<F, PoseidonHash>::new(leaves.clone(), 4)))))
        });
        bench(&filter, &format!("MerkleTree::new {rows} x {width} (fast)"), || {
            (perms, best_of_5(false, || drop(black_box(MerkleTree::<F, FastPoseidonHash>::new(leaves.clone(), 4)))))
        });
        bench(&filter, &format!("merkle_tree {rows} x {width} (x8)"), || {
            (perms, best_of_5(false, || drop(black_box(merkle_tree(leaves.clone(), 4)))))
        });
    }
}
