//! Helpers shared by the table tests: proving, recursion, lookups against fake tables.
#![allow(dead_code)]

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CircuitConfig;
use plonky2::util::timing::TimingTree;
use starky::cross_table_lookup::debug_utils::check_ctls;
use starky::cross_table_lookup::{CrossTableLookup, TableWithColumns};
use starky::lookup::{Column, Filter};
use starky::prover::prove;
use starky::recursive_verifier::{
    add_virtual_stark_proof_with_pis, set_stark_proof_with_pis_target, verify_stark_proof_circuit,
};
use starky::stark::Stark;
use starky::verifier::verify_stark_proof;
use zkmips_stark::ctl::{width, Table, NUM_TABLES};
use zkmips_stark::events::MemAccess;
use zkmips_stark::{stark_config, C, D, F};

pub fn prove_and_verify<S: Stark<F, D> + Copy>(stark: S, trace: Vec<PolynomialValues<F>>) -> anyhow::Result<()> {
    let config = stark_config();
    let proof = prove::<F, C, S, D>(stark, &config, trace, &[], None, &mut TimingTree::default())?;
    verify_stark_proof(stark, proof, &config, None)
}

/// A lying trace must not give a verifying proof (the prover may also refuse or panic).
pub fn assert_proof_rejected<S: Stark<F, D> + Copy>(stark: S, trace: Vec<PolynomialValues<F>>) {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || prove_and_verify(stark, trace)));
    assert!(!matches!(result, Ok(Ok(()))), "a lying trace was proven and verified");
}

/// Proves `trace` with 8 FRI queries (the verifier circuit is the same per query), verifies
/// the proof in a plonky2 circuit and proves and verifies that circuit.
pub fn recursive_round_trip<S: Stark<F, D> + Copy>(stark: S, trace: Vec<PolynomialValues<F>>) -> anyhow::Result<()> {
    let mut config = stark_config();
    config.fri_config.num_query_rounds = 8;
    config.security_bits = 0;
    let proof = prove::<F, C, S, D>(stark, &config, trace, &[], None, &mut TimingTree::default())?;
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

/// A table holding `rows` (all selected) as its columns, the looked side of a lookup.
fn fake_table(table: Table, rows: &[Vec<u64>], width: usize) -> (Vec<PolynomialValues<F>>, TableWithColumns<F>) {
    let n = rows.len().max(1).next_power_of_two();
    let mut cols: Vec<PolynomialValues<F>> = (0..width)
        .map(|c| {
            let mut v: Vec<F> = rows.iter().map(|r| F::from_canonical_u64(r[c])).collect();
            v.resize(n, F::ZERO);
            PolynomialValues::new(v)
        })
        .collect();
    let mut filter = vec![F::ONE; rows.len()];
    filter.resize(n, F::ZERO);
    cols.push(PolynomialValues::new(filter));
    let twc = TableWithColumns::new(
        table.index(),
        Column::singles(0..width).collect(),
        Filter::new_simple(Column::single(width)),
    );
    (cols, twc)
}

/// Position of the call lookup in [`check_lookups`]; the memory lookup is next.
pub const CALL: usize = 0;
pub const MEM: usize = 1;

/// Checks `trace` of `table` against a syscall side making `calls` (the lookup's tuples) and
/// a memory holding `memory`; `Err` is the first mismatching lookup's message.
pub fn check_lookups(
    table: Table,
    trace: Vec<PolynomialValues<F>>,
    looked: TableWithColumns<F>,
    mem_looking: Vec<TableWithColumns<F>>,
    calls: &[Vec<u64>],
    memory: &[MemAccess],
) -> Result<(), String> {
    let mem_rows: Vec<Vec<u64>> = memory.iter().map(|m| vec![m.addr, m.ts, m.before as u64, m.after as u64]).collect();
    let call_width = if table == Table::ShaExtend { width::SHA_EXTEND } else { width::SHA_COMPRESS };
    let (syscall, syscall_twc) = fake_table(Table::Syscall, calls, call_width);
    let (mem, mem_twc) = fake_table(Table::Memory, &mem_rows, width::MEM);
    let mut traces = vec![vec![]; NUM_TABLES];
    traces[Table::Syscall.index()] = syscall;
    traces[Table::Memory.index()] = mem;
    traces[table.index()] = trace;
    let ctls = [CrossTableLookup::new(vec![syscall_twc], looked), CrossTableLookup::new(mem_looking, mem_twc)];
    std::panic::catch_unwind(|| check_ctls(&traces, &ctls, &hashbrown::HashMap::new()))
        .map_err(|e| e.downcast_ref::<String>().cloned().unwrap_or_default())
}

/// The lookup that rejects a lie, by its message.
pub fn caught_by(result: Result<(), String>, lookup: usize) {
    let why = result.expect_err("the lie passed the lookups");
    assert!(why.starts_with(&format!("CTL #{lookup}:")), "expected lookup {lookup} to object, got: {why}");
}
