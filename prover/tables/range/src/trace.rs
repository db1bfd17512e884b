//! Trace generation of the range table.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use zkmips_stark::F;

/// Height of the range table: one row per value of `0..2^16`.
pub const NUM_ROWS: usize = 1 << 16;

/// The trace: row `v` holds `value = v` and `multiplicity = multiplicities[v]`.
///
/// # Panics
/// If `multiplicities.len() != 2^16`.
pub fn generate_trace(multiplicities: &[u64]) -> Vec<PolynomialValues<F>> {
    assert_eq!(multiplicities.len(), NUM_ROWS, "one multiplicity per value of 0..2^16");
    let value = (0..NUM_ROWS as u64).map(F::from_canonical_u64).collect();
    let multiplicity = multiplicities.iter().map(|&m| F::from_noncanonical_u64(m)).collect();
    // Column order of `RangeColumns`.
    vec![PolynomialValues::new(value), PolynomialValues::new(multiplicity)]
}

/// Counts the values of a range-checked trace column into `multiplicities` (of length 2^16).
///
/// # Panics
/// If a value is not below 2^16: the trace generator that produced it has a bug, and the
/// `RANGE16` lookup could not balance.
pub fn add_lookups(multiplicities: &mut [u64], column: &PolynomialValues<F>) {
    assert_eq!(multiplicities.len(), NUM_ROWS, "one multiplicity per value of 0..2^16");
    for v in &column.values {
        let v = v.to_canonical_u64();
        assert!(v < NUM_ROWS as u64, "range-checked value {v} is not below 2^16");
        multiplicities[v as usize] += 1;
    }
}
