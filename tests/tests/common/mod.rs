//! What the lying-trace tests of the prover share: prove a segment's (lying) traces, check them
//! natively, and say how a lie was caught.
#![allow(dead_code)]

use plonky2::util::timing::TimingTree;
use zkmips_prover::prove::{check_traces, prove_traces, SegmentTraces};
use zkmips_prover::tables::ctl_index;
use zkmips_stark::ctl::Table;

/// Proves and verifies one segment's traces; `Err` says why they were rejected (a prover panic
/// counts as a rejection).
pub fn prove_and_verify(t: &SegmentTraces) -> Result<(), String> {
    std::panic::catch_unwind(|| {
        let proof = prove_traces(t, &mut TimingTree::default()).map_err(|e| e.to_string())?;
        zkmips_prover::verify::verify_segment(&proof)
    })
    .unwrap_or_else(|_| Err("the prover panicked".into()))
}

/// The native check's complaint and the proof's verdict on lying traces, after the range table
/// is recounted for them.
pub fn outcome(mut traces: SegmentTraces) -> (Result<(), String>, Result<(), String>) {
    let range = zkmips_prover::prove::range_trace(&traces.traces).expect("range-checked cells in range");
    traces.traces[Table::Range.index()] = range;
    (check_traces(&traces), prove_and_verify(&traces))
}

/// Asserts the lie is rejected, natively by a complaint containing `caught_by`, and by the
/// verifier.
pub fn assert_rejected(traces: SegmentTraces, caught_by: &str) {
    let (native, proved) = outcome(traces);
    let why = native.expect_err("the lying traces pass the native checks");
    assert!(why.contains(caught_by), "expected `{caught_by}` to catch the lie, got: {why}");
    assert!(proved.is_err(), "the lying traces proved and verified");
}

/// How `check_traces` names a failing lookup (it checks every lookup but `RANGE16`).
pub fn lookup(index: usize) -> String {
    format!("CTL #{}:", index - (index > ctl_index::RANGE16) as usize)
}
