//! Proving helpers shared by the table tests.
#![allow(dead_code)]

use plonky2::field::polynomial::PolynomialValues;
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CircuitConfig;
use plonky2::util::timing::TimingTree;
use starky::config::StarkConfig;
use starky::proof::StarkProofWithPublicInputs;
use starky::prover::prove;
use starky::recursive_verifier::{
    add_virtual_stark_proof_with_pis, set_stark_proof_with_pis_target, verify_stark_proof_circuit,
};
use starky::stark::Stark;
use starky::verifier::verify_stark_proof;
use zkmips_stark::{stark_config, C, D, F};

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
