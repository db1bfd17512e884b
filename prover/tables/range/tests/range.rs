//! Standard starky tests and lying traces for the range table.

use anyhow::Result;
use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CircuitConfig;
use plonky2::util::timing::TimingTree;
use rand::{Rng, SeedableRng};
use starky::proof::StarkProofWithPublicInputs;
use starky::prover::prove;
use starky::recursive_verifier::{
    add_virtual_stark_proof_with_pis, set_stark_proof_with_pis_target, verify_stark_proof_circuit,
};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use starky::verifier::verify_stark_proof;
use zkmips_stark::testing::check_constraints;
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_range::{add_lookups, generate_trace, RangeStark, NUM_ROWS};

type S = RangeStark<F, D>;

/// Multiplicities of a few range-checked columns: edge values and random ones.
fn realistic_multiplicities() -> Vec<u64> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut values: Vec<F> = [0u64, 1, 0x7fff, 0x8000, 0xfffe, 0xffff].map(F::from_canonical_u64).to_vec();
    values.extend((0..1000).map(|_| F::from_canonical_u64(rng.gen_range(0..1 << 16))));
    let mut m = vec![0; NUM_ROWS];
    add_lookups(&mut m, &PolynomialValues::new(values));
    m
}

fn prove_and_verify(trace: Vec<PolynomialValues<F>>) -> Result<StarkProofWithPublicInputs<F, C, D>> {
    let config = stark_config();
    let stark = S::default();
    let proof = prove::<F, C, S, D>(stark, &config, trace, &[], None, &mut TimingTree::default())?;
    verify_stark_proof(stark, proof.clone(), &config, None)?;
    Ok(proof)
}

#[test]
fn low_degree() -> Result<()> {
    test_stark_low_degree(S::default())
}

#[test]
fn circuit_constraints_agree() -> Result<()> {
    test_stark_circuit_constraints::<F, C, S, D>(S::default())
}

#[test]
fn prove_verify() -> Result<()> {
    prove_and_verify(generate_trace(&realistic_multiplicities())).map(|_| ())
}

#[test]
fn recursive_verifier() -> Result<()> {
    let config = stark_config();
    let stark = S::default();
    let proof = prove_and_verify(generate_trace(&realistic_multiplicities()))?;
    let degree_bits = proof.proof.recover_degree_bits(&config);
    let mut builder = CircuitBuilder::<F, D>::new(CircuitConfig::standard_recursion_config());
    let mut pw = PartialWitness::new();
    let pt = add_virtual_stark_proof_with_pis(&mut builder, &stark, &config, degree_bits, 0, 0);
    set_stark_proof_with_pis_target(&mut pw, &pt, &proof, degree_bits, builder.zero())?;
    verify_stark_proof_circuit::<F, C, S, D>(&mut builder, stark, pt, &config, None);
    let data = builder.build::<C>();
    data.verify(data.prove(pw)?)
}

#[test]
fn honest_traces_satisfy_constraints() {
    let stark = S::default();
    check_constraints(&stark, &generate_trace(&realistic_multiplicities()), &[]).unwrap();
    check_constraints(&stark, &generate_trace(&vec![0; NUM_ROWS]), &[]).unwrap();
}

/// A value column that skips 1000 (so it would "prove" 65536 is in range) is rejected.
#[test]
fn skipped_value_is_rejected() {
    let stark = S::default();
    let mut trace = generate_trace(&realistic_multiplicities());
    for v in &mut trace[0].values[1000..] {
        *v += F::ONE;
    }
    assert_eq!(check_constraints(&stark, &trace, &[]).unwrap_err().row, 999);
    assert!(prove_and_verify(trace).is_err());
}

/// A value column not starting at 0 (shifted by one) is rejected at the first row.
#[test]
fn shifted_start_is_rejected() {
    let stark = S::default();
    let mut trace = generate_trace(&realistic_multiplicities());
    for v in &mut trace[0].values {
        *v += F::ONE;
    }
    assert_eq!(check_constraints(&stark, &trace, &[]).unwrap_err().row, 0);
}

/// A table of the wrong height (2^15 rows counting from 0) does not reach 2^16 - 1.
#[test]
fn wrong_height_is_rejected() {
    let stark = S::default();
    let trace: Vec<_> = generate_trace(&vec![0; NUM_ROWS])
        .into_iter()
        .map(|c| PolynomialValues::new(c.values[..NUM_ROWS / 2].to_vec()))
        .collect();
    assert_eq!(check_constraints(&stark, &trace, &[]).unwrap_err().row, NUM_ROWS / 2 - 1);
}
