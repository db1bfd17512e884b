//! The Poseidon table: permutations against plonky2's, the standard starky tests, lies.

use zkmips_stark::testing as common;

use plonky2::field::types::{Field, Sample};
use plonky2::hash::poseidon::Poseidon;
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::testing::{check_constraints, trace_rows};
use zkmips_stark::{C, D, F};
use zkmips_table_page::poseidon::trace::fill_row;
use zkmips_table_page::poseidon::{generate_trace, Mode, PoseidonColumns, PoseidonEvent, NUM_COLUMNS};
use zkmips_table_page::PoseidonStark;

fn random_events(n: usize) -> Vec<PoseidonEvent> {
    (0..n)
        .map(|i| PoseidonEvent {
            input: if i == 0 { [F::ZERO; 12] } else { F::rand_array() },
            mode: if i % 3 == 0 { Mode::Hash } else { Mode::Sponge },
        })
        .collect()
}

#[test]
fn rows_match_plonky2() {
    for i in 0..50 {
        let input: [F; 12] = if i == 0 { [F::NEG_ONE; 12] } else { F::rand_array() };
        let mut row = vec![F::ZERO; NUM_COLUMNS];
        let out = fill_row(&mut row, input);
        let expected = F::poseidon(input);
        assert_eq!(out, expected);
        let cv = PoseidonColumns::<F>::view(&row);
        assert_eq!(cv.out_lo, expected[0..4]);
        assert_eq!(cv.out_hi, expected[8..12]);
    }
}

#[test]
fn random_permutations_satisfy_the_constraints() {
    let trace = generate_trace(&random_events(37), 0);
    assert_eq!(trace[0].len(), 64);
    check_constraints(&PoseidonStark, &trace, &[]).unwrap();
}

#[test]
fn stark_degree() -> anyhow::Result<()> {
    test_stark_low_degree(PoseidonStark)
}

#[test]
fn stark_circuit() -> anyhow::Result<()> {
    test_stark_circuit_constraints::<F, C, PoseidonStark, D>(PoseidonStark)
}

#[test]
fn prove_and_verify() -> anyhow::Result<()> {
    common::prove_and_verify(PoseidonStark, generate_trace(&random_events(20), 0), &[])
}

#[test]
fn recursion_round_trip() -> anyhow::Result<()> {
    common::recursive_round_trip(PoseidonStark, generate_trace(&random_events(8), 0), &[])
}

/// Changes one cell of row 3 (a real permutation) and expects a constraint failure there.
fn lie(edit: impl Fn(&mut PoseidonColumns<F>)) -> Vec<plonky2::field::polynomial::PolynomialValues<F>> {
    let trace = generate_trace(&random_events(10), 0);
    let mut rows = trace_rows(&trace);
    edit(PoseidonColumns::<F>::view_mut(&mut rows[3]));
    let lying = zkmips_stark::testing::trace_columns(rows, &vec![F::ZERO; NUM_COLUMNS], 0);
    assert_eq!(check_constraints(&PoseidonStark, &lying, &[]).unwrap_err().row, 3);
    lying
}

#[test]
fn wrong_sbox_value_is_rejected() {
    let lying = lie(|cv| cv.partial_cube[7] += F::ONE);
    common::assert_proof_rejected(PoseidonStark, lying, &[]);
}

#[test]
fn other_lies_are_rejected() {
    lie(|cv| cv.first_cube[0] += F::ONE);
    lie(|cv| cv.full0_x[1][5] += F::ONE);
    lie(|cv| cv.full1_cube[3][11] = F::ZERO);
    lie(|cv| cv.out_lo[2] += F::ONE);
    lie(|cv| cv.out_hi[3] -= F::ONE);
    lie(|cv| cv.input[4] += F::ONE);
    lie(|cv| cv.is_hash = F::TWO);
    lie(|cv| {
        cv.is_hash = F::ONE;
        cv.is_sponge = F::ONE;
    });
}
