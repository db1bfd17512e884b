//! The standard starky tests (degree, native vs recursive constraints, prove and verify,
//! recursion) and a lying trace rejected by a real proof.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::Result;
use common::*;
use plonky2::field::polynomial::PolynomialValues;
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CircuitConfig;
use plonky2::util::timing::TimingTree;
use starky::proof::StarkProofWithPublicInputs;
use starky::prover::prove;
use starky::recursive_verifier::{
    add_virtual_stark_proof_with_pis, set_stark_proof_with_pis_target, verify_stark_proof_circuit,
};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use starky::verifier::verify_stark_proof;
use zkmips_isa::Op;
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_muldiv::{col_map, generate_trace, MulDivStark};

fn prove_trace(trace: Vec<PolynomialValues<F>>) -> Result<StarkProofWithPublicInputs<F, C, D>> {
    prove::<F, C, MulDivStark, D>(MulDivStark, &stark_config(), trace, &[], None, &mut TimingTree::default())
}

#[test]
fn constraint_degree() -> Result<()> {
    test_stark_low_degree::<F, MulDivStark, D>(MulDivStark)
}

#[test]
fn native_and_recursive_constraints_agree() -> Result<()> {
    test_stark_circuit_constraints::<F, C, MulDivStark, D>(MulDivStark)
}

#[test]
fn prove_and_verify() -> Result<()> {
    let evs = edge_and_random_events(4, 200);
    let proof = prove_trace(generate_trace(&evs))?;
    verify_stark_proof(MulDivStark, proof, &stark_config(), None)
}

#[test]
fn recursion_round_trip() -> Result<()> {
    let evs = edge_and_random_events(5, 0);
    let config = stark_config();
    let proof = prove_trace(generate_trace(&evs[..256]))?;
    verify_stark_proof(MulDivStark, proof.clone(), &config, None)?;

    let mut builder = CircuitBuilder::<F, D>::new(CircuitConfig::standard_recursion_config());
    let mut pw = PartialWitness::new();
    let degree_bits = proof.proof.recover_degree_bits(&config);
    let pt = add_virtual_stark_proof_with_pis(&mut builder, &MulDivStark, &config, degree_bits, 0, 0);
    set_stark_proof_with_pis_target(&mut pw, &pt, &proof, degree_bits, builder.zero())?;
    verify_stark_proof_circuit::<F, C, MulDivStark, D>(&mut builder, MulDivStark, pt, &config, None);
    let data = builder.build::<C>();
    let recursive = data.prove(pw)?;
    data.verify(recursive)
}

#[test]
fn lying_trace_fails_prove_and_verify() {
    // 7 / 2 claimed as 2 rem 3: the identity holds, the remainder bound does not.
    let c = col_map();
    let mut trace = generate_trace(&[event(1, Op::Divu, 7, 2, 0, 0), event(2, Op::Mult, 5, 6, 0, 0)]);
    set_word(&mut trace, 0, c.new_lo, 2);
    set_word(&mut trace, 0, c.new_hi, 3);
    let accepted = catch_unwind(AssertUnwindSafe(|| {
        prove_trace(trace).and_then(|p| verify_stark_proof(MulDivStark, p, &stark_config(), None)).is_ok()
    }));
    assert!(!matches!(accepted, Ok(true)), "a lying trace was proven and verified");
}
