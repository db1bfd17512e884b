//! The permutation table: rounds against the `keccak` crate, the standard starky tests, lies.

use zkmips_stark::testing as common;

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use rand::{Rng, SeedableRng};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::testing::{check_constraints, trace_columns, trace_rows};
use zkmips_stark::{C, D, F};
use zkmips_table_keccak::perm::columns::{KeccakColumns, LANES, NUM_COLUMNS, ROUNDS};
use zkmips_table_keccak::perm::round::permute;
use zkmips_table_keccak::perm::{generate_trace, KeccakStark, PermEvent};

type S = KeccakStark<F, D>;

fn random_events(n: usize, seed: u64) -> Vec<PermEvent> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n)
        .map(|k| PermEvent {
            clk: 1000 + k as u64 / 3,
            block: 3 - k as u64 % 3,
            input: match k {
                0 => [0; LANES],
                1 => [u64::MAX; LANES],
                _ => core::array::from_fn(|_| rng.gen()),
            },
        })
        .collect()
}

/// Limbs `limbs` of a row as lanes.
fn lanes(limbs: &[F]) -> [u64; LANES] {
    core::array::from_fn(|i| limbs[2 * i].to_canonical_u64() | limbs[2 * i + 1].to_canonical_u64() << 32)
}

#[test]
fn permutations_match_the_keccak_crate() {
    let events = random_events(40, 1);
    for ev in &events {
        let mut expected = ev.input;
        keccak::f1600(&mut expected);
        assert_eq!(permute(&ev.input), expected);
    }
    // The trace's input and output limbs are the permutation's.
    let rows = trace_rows(&generate_trace(&events[..6], 0));
    for (k, ev) in events[..6].iter().enumerate() {
        let mut expected = ev.input;
        keccak::f1600(&mut expected);
        assert_eq!(lanes(&KeccakColumns::view(&rows[ROUNDS * k]).a), ev.input);
        assert_eq!(lanes(&KeccakColumns::view(&rows[ROUNDS * k + ROUNDS - 1]).out), expected);
    }
}

#[test]
fn honest_traces_satisfy_the_constraints() {
    // 5 permutations fill 120 of 128 rows: the padding permutation stops after round 7.
    check_constraints(&S::default(), &generate_trace(&random_events(5, 2), 0), &[]).unwrap();
    check_constraints(&S::default(), &generate_trace(&[], 0), &[]).unwrap();
}

#[test]
fn low_degree() -> anyhow::Result<()> {
    test_stark_low_degree(S::default())
}

#[test]
fn circuit_constraints_agree() -> anyhow::Result<()> {
    test_stark_circuit_constraints::<F, C, S, D>(S::default())
}

#[test]
fn prove_verify() -> anyhow::Result<()> {
    common::prove_and_verify(S::default(), generate_trace(&random_events(5, 3), 0), &[])
}

#[test]
fn recursion_round_trip() -> anyhow::Result<()> {
    common::recursive_round_trip_with_queries(S::default(), generate_trace(&random_events(2, 4), 0), &[], 8)
}

#[test]
#[ignore = "about 40 s and 2 GB: the recursive verifier with all 84 FRI queries"]
fn recursion_round_trip_full_config() -> anyhow::Result<()> {
    common::recursive_round_trip(S::default(), generate_trace(&random_events(2, 4), 0), &[])
}

/// Edits row `row` of an honest trace of three permutations and expects the constraints to
/// fail at `failing` (the edited row, or the one before it for a transition).
fn lie(row: usize, failing: usize, edit: impl Fn(&mut KeccakColumns<F>)) -> Vec<PolynomialValues<F>> {
    let mut rows = trace_rows(&generate_trace(&random_events(3, 5), 0));
    edit(KeccakColumns::view_mut(&mut rows[row]));
    let lying = trace_columns(rows, &[F::ZERO; NUM_COLUMNS], 0);
    assert_eq!(check_constraints(&S::default(), &lying, &[]).unwrap_err().row, failing);
    lying
}

#[test]
fn a_wrong_permutation_output_is_rejected() {
    // The output the sponge would read (round 23 of permutation 1) is off by one bit.
    let out = ROUNDS + ROUNDS - 1;
    let lying = lie(out, out, |cv| cv.out[7] = F::from_canonical_u64(cv.out[7].to_canonical_u64() ^ 0x100));
    common::assert_proof_rejected(S::default(), lying, &[]);
}

#[test]
fn a_wrong_round_is_rejected() {
    // Round 5's output feeds round 6 with a flipped bit everywhere it is used: round 6's input
    // limbs, its theta bits and parities all follow, so only the link between rows objects.
    let lying = lie(ROUNDS + 6, ROUNDS + 5, |cv| {
        let mut a = lanes(&cv.a);
        a[3] ^= 1 << 40;
        let mut row = vec![F::ZERO; NUM_COLUMNS];
        let tag = [cv.is_real, cv.clk, cv.block];
        zkmips_table_keccak::perm::trace::fill_round(&mut row, 6, tag, &a);
        *cv = *KeccakColumns::view(&row);
    });
    common::assert_proof_rejected(S::default(), lying, &[]);
}

#[test]
fn other_lies_are_rejected() {
    // Theta: a state bit, a parity bit, a parity after theta.
    lie(30, 30, |cv| cv.a_prime[12][33] = F::ONE - cv.a_prime[12][33]);
    lie(30, 30, |cv| cv.c[2][5] = F::ONE - cv.c[2][5]);
    lie(30, 30, |cv| cv.c_prime[4][63] = F::ONE - cv.c_prime[4][63]);
    // A non-bit.
    lie(30, 30, |cv| cv.a_prime[0][0] += F::TWO);
    // The input limbs of a permutation (round 0) that its bits do not have.
    lie(ROUNDS, ROUNDS, |cv| cv.a[0] += F::ONE);
    // iota: the bit before the round constant.
    lie(ROUNDS + 3, ROUNDS + 3, |cv| cv.iota_bits[1] = F::ONE - cv.iota_bits[1]);
    // Rounds out of order: round 4 twice.
    lie(ROUNDS + 5, ROUNDS + 4, |cv| {
        cv.round[5] = F::ZERO;
        cv.round[4] = F::ONE;
    });
    // A permutation whose tag changes half way (its output would answer another block).
    lie(ROUNDS + 12, ROUNDS + 11, |cv| cv.block += F::ONE);
    lie(ROUNDS + 12, ROUNDS + 11, |cv| cv.clk += F::ONE);
    lie(ROUNDS + 12, ROUNDS + 11, |cv| cv.is_real = F::ZERO);
    // The first row is not round 0.
    lie(0, 0, |cv| {
        cv.round[0] = F::ZERO;
        cv.round[1] = F::ONE;
    });
}
