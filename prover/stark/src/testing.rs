//! Test utilities: check a trace against a table's constraints row by row, without proving.
//!
//! Proving a lying trace fails only at verification (the quotient is not low degree), which is
//! slow and says nothing about where the lie is. [`check_constraints`] evaluates every
//! constraint on every row (transition constraints against the next row) and reports the first
//! row where one does not hold. Tests of lying traces use it for the per-row verdict, and a real
//! prove-and-verify for the end-to-end verdict.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, Sample};
use starky::constraint_consumer::ConstraintConsumer;
use starky::evaluation_frame::StarkEvaluationFrame;
use starky::stark::Stark;

use crate::{D, F};

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
