//! Test utilities: check a trace against a table's constraints row by row, without proving;
//! prove and verify one table alone; and verify its proof inside a plonky2 circuit.
//!
//! Proving a lying trace fails only at verification (the quotient is not low degree), which is
//! slow and says nothing about where the lie is. [`check_constraints`] evaluates every
//! constraint on every row (transition constraints against the next row) and reports the first
//! row where one does not hold. Tests of lying traces use it for the per-row verdict, and a real
//! prove-and-verify for the end-to-end verdict.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, Sample};
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CircuitConfig;
use plonky2::util::timing::TimingTree;
use starky::config::StarkConfig;
use starky::constraint_consumer::ConstraintConsumer;
use starky::evaluation_frame::StarkEvaluationFrame;
use starky::proof::StarkProofWithPublicInputs;
use starky::prover::prove;
use starky::recursive_verifier::{
    add_virtual_stark_proof_with_pis, set_stark_proof_with_pis_target, verify_stark_proof_circuit,
};
use starky::stark::Stark;
use starky::verifier::verify_stark_proof;

use crate::{stark_config, C, D, F};

/// The first row whose constraints do not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintFailure {
    pub row: usize,
}

impl core::fmt::Display for ConstraintFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "a constraint does not hold at row {}", self.row)
    }
}

/// Evaluates every constraint of `stark` on every row of `trace` (columns as polynomial
/// values, all of the same power-of-two length).
pub fn check_constraints<S: Stark<F, D>>(
    stark: &S,
    trace: &[PolynomialValues<F>],
    public_inputs: &[F],
) -> Result<(), ConstraintFailure> {
    let rows = trace_rows(trace);
    let n = rows.len();
    let alphas = vec![F::rand(), F::rand()];
    for i in 0..n {
        let local = &rows[i];
        let next = &rows[(i + 1) % n];
        let frame = S::EvaluationFrame::<F, F, 1>::from_values(local, next, public_inputs);
        let is = |b: bool| if b { F::ONE } else { F::ZERO };
        let mut consumer = ConstraintConsumer::<F>::new(alphas.clone(), is(i != n - 1), is(i == 0), is(i == n - 1));
        stark.eval_packed_generic(&frame, &mut consumer);
        if consumer.accumulators().iter().any(|acc| !acc.is_zero()) {
            return Err(ConstraintFailure { row: i });
        }
    }
    Ok(())
}

/// Rows of a trace given as columns.
pub fn trace_rows(trace: &[PolynomialValues<F>]) -> Vec<Vec<F>> {
    let n = trace.first().map_or(0, |c| c.len());
    (0..n).map(|i| trace.iter().map(|c| c.values[i]).collect()).collect()
}

/// Columns of a trace given as rows, padded with copies of `padding` to a power of two (at
/// least `min_rows`).
pub fn trace_columns(mut rows: Vec<Vec<F>>, padding: &[F], min_rows: usize) -> Vec<PolynomialValues<F>> {
    let width = padding.len();
    let n = rows.len().max(min_rows).next_power_of_two();
    rows.resize(n, padding.to_vec());
    (0..width).map(|c| PolynomialValues::new(rows.iter().map(|r| r[c]).collect())).collect()
}

/// Proves one table's trace alone with the tables' configuration.
pub fn prove_table<S: Stark<F, D> + Copy>(
    stark: S,
    trace: Vec<PolynomialValues<F>>,
    public_inputs: &[F],
) -> anyhow::Result<StarkProofWithPublicInputs<F, C, D>> {
    prove::<F, C, S, D>(stark, &stark_config(), trace, public_inputs, None, &mut TimingTree::default())
}

pub fn prove_and_verify<S: Stark<F, D> + Copy>(
    stark: S,
    trace: Vec<PolynomialValues<F>>,
    public_inputs: &[F],
) -> anyhow::Result<()> {
    let proof = prove_table(stark, trace, public_inputs)?;
    verify_stark_proof(stark, proof, &stark_config(), None)
}

/// A lying trace must not give a verifying proof (the prover may also refuse or panic).
pub fn assert_proof_rejected<S: Stark<F, D> + Copy>(stark: S, trace: Vec<PolynomialValues<F>>, public_inputs: &[F]) {
    let pis = public_inputs.to_vec();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || prove_and_verify(stark, trace, &pis)));
    assert!(!matches!(result, Ok(Ok(()))), "a lying trace was proven and verified");
}

/// Proves `trace` with the table's configuration, verifies the proof in a plonky2 circuit and
/// proves and verifies that circuit.
pub fn recursive_round_trip<S: Stark<F, D> + Copy>(
    stark: S,
    trace: Vec<PolynomialValues<F>>,
    public_inputs: &[F],
) -> anyhow::Result<()> {
    recursive_round_trip_with(stark, trace, public_inputs, stark_config())
}

/// [`recursive_round_trip`] with fewer FRI queries: the verifier circuit is the same per
/// query, and the tables' wide rows make each query's Merkle leaves most of its size.
pub fn recursive_round_trip_with_queries<S: Stark<F, D> + Copy>(
    stark: S,
    trace: Vec<PolynomialValues<F>>,
    public_inputs: &[F],
    queries: usize,
) -> anyhow::Result<()> {
    let mut config = stark_config();
    config.fri_config.num_query_rounds = queries;
    config.security_bits = 0;
    recursive_round_trip_with(stark, trace, public_inputs, config)
}

fn recursive_round_trip_with<S: Stark<F, D> + Copy>(
    stark: S,
    trace: Vec<PolynomialValues<F>>,
    public_inputs: &[F],
    config: StarkConfig,
) -> anyhow::Result<()> {
    let proof = prove::<F, C, S, D>(stark, &config, trace, public_inputs, None, &mut TimingTree::default())?;
    verify_stark_proof(stark, proof.clone(), &config, None)?;
    let degree_bits = proof.proof.recover_degree_bits(&config);
    let mut builder = CircuitBuilder::<F, D>::new(CircuitConfig::standard_recursion_config());
    let mut pw = PartialWitness::new();
    let pt = add_virtual_stark_proof_with_pis(&mut builder, &stark, &config, degree_bits, 0, 0);
    set_stark_proof_with_pis_target(&mut pw, &pt, &proof, degree_bits, builder.zero())?;
    verify_stark_proof_circuit::<F, C, S, D>(&mut builder, stark, pt, &config, None);
    let data = builder.build::<C>();
    let proof = data.prove(pw)?;
    data.verify(proof)
}
