//! Proving cost of the keccak tables: proves `n` permutations (the permutation table) and the
//! sponge rows that absorb them (`n / 8` calls of 8 blocks, about 1 KiB each), each table on its
//! own with the prover's configuration, and prints rows, columns, cells and seconds.
//!
//! ```sh
//! cargo run --release -p zkmips-table-keccak --example prove_keccak -- 256 1024
//! ZKMIPS_TIMING=1 cargo run --release -p zkmips-table-keccak --example prove_keccak -- 256   # starky's phases
//! ```

use std::time::Instant;

use plonky2::field::polynomial::PolynomialValues;
use plonky2::util::timing::TimingTree;
use rand::{Rng, SeedableRng};
use starky::prover::prove;
use starky::stark::Stark;
use starky::verifier::verify_stark_proof;
use zkmips_stark::events::KeccakSpongeEvent;
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_keccak::{perm, sponge, KeccakStark, SpongeStark};

/// Prints starky's timing tree (`ZKMIPS_TIMING=1`).
struct Stderr;

impl log::Log for Stderr {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        eprintln!("{}", record.args());
    }
    fn flush(&self) {}
}

fn measure<S: Stark<F, D> + Copy>(name: &str, stark: S, trace: Vec<PolynomialValues<F>>, trace_secs: f64) {
    let (rows, cols) = (trace[0].len(), trace.len());
    let mut timing = TimingTree::new(name, log::Level::Debug);
    let t = Instant::now();
    let proof = prove::<F, C, S, D>(stark, &stark_config(), trace, &[], None, &mut timing).expect("prove");
    let prove_secs = t.elapsed().as_secs_f64();
    if std::env::var_os("ZKMIPS_TIMING").is_some() {
        timing.print();
    }
    let size = bincode_size(&proof);
    verify_stark_proof(stark, proof, &stark_config(), None).expect("verify");
    println!(
        "{name:>8}: {rows:>6} rows x {cols} columns = {:>10} cells; trace {trace_secs:.2} s, prove {prove_secs:.2} s ({:.2} M cells/s), proof {} KiB",
        rows * cols,
        (rows * cols) as f64 / prove_secs / 1e6,
        size / 1024
    );
}

fn bincode_size<T: serde::Serialize>(v: &T) -> usize {
    bincode::serialized_size(v).expect("a proof serialises") as usize
}

fn main() {
    log::set_logger(&Stderr).expect("one logger");
    log::set_max_level(log::LevelFilter::Debug);
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    for arg in std::env::args().skip(1) {
        let n: usize = arg.parse().expect("a number of permutations");
        let calls: Vec<KeccakSpongeEvent> = (0..n.div_ceil(8))
            .map(|i| KeccakSpongeEvent {
                clk: 10 * i as u64,
                input: 0x0010_0000 + 0x1000 * i as u32,
                result: 0x0800_0000 + 0x100 * i as u32,
                blocks: (0..8.min(n - 8 * i)).map(|_| core::array::from_fn(|_| rng.gen())).collect(),
                result_before: [0; 16],
            })
            .collect();
        println!("{n} permutations ({} calls):", calls.len());
        let t = Instant::now();
        let (sponge_trace, perms) = sponge::generate_trace(&calls);
        let sponge_secs = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let perm_trace = perm::generate_trace(&perms, 0);
        let perm_secs = t.elapsed().as_secs_f64();
        measure("keccak", KeccakStark::<F, D>::default(), perm_trace, perm_secs);
        measure("sponge", SpongeStark::<F, D>::default(), sponge_trace, sponge_secs);
    }
}
