//! Shared ground of the zkMIPS STARK tables.
//!
//! Pipeline position: the VM's tracing mode records a segment; the prover (`zkmips-prover`)
//! splits the records into per-table events ([`events`]); each table crate
//! (`prover/tables/*`) turns its events into a trace and constrains it; the tables are tied
//! together by cross-table lookups whose column tuples are fixed here ([`ctl`]).
//!
//! - [`F`], [`C`], [`D`]: Goldilocks, Poseidon-hashed FRI, quadratic extension.
//! - [`poseidon`]: the Poseidon permutation with AVX-512, its plonky2 hasher and config, and
//!   Merkle trees hashing eight leaves at once.
//! - [`stark_config`]: the FRI settings and their conjectured security.
//! - [`layout`]: the proven address space (memory words and the register page) and timestamps.
//! - [`ctl`]: table ids and, for every lookup, the order of the columns in its tuple.
//! - [`lookup`]: the lookups' columns and filters, readable (starky's are private), and their
//!   starky form.
//! - [`testing`]: row-by-row constraint checking of a trace, for tests of lying traces.

pub mod algebra;
pub mod cols;
pub mod ctl;
pub mod events;
pub mod layout;
pub mod lookup;
pub mod poseidon;
pub mod testing;

pub use plonky2;
pub use starky;

use plonky2::field::goldilocks_field::GoldilocksField;
use starky::config::StarkConfig;

/// The base field.
pub type F = GoldilocksField;
/// Extension degree used for challenges and openings.
pub const D: usize = 2;
/// Hash configuration of the FRI commitments: Poseidon, with the vectorized permutation of
/// [`poseidon`].
pub type C = poseidon::ZkmipsConfig;

/// Fewest rows any table's trace may have: a commitment's Merkle tree (`2^rate_bits` leaves
/// per row) must have at least `2^cap_height` leaves, 16 in [`stark_config`].
pub const MIN_TRACE_ROWS: usize = 8;

/// The FRI settings of every table proof.
///
/// Conjectured security (ethSTARK, as `StarkConfig::check_config` computes it):
/// `num_query_rounds * rate_bits + proof_of_work_bits = 84 * 1 + 16 = 100` bits, capped by the
/// 128-bit extension field; lookups use two challenges (`num_challenges = 2`), so their
/// soundness error is about `(n / 2^64)^2`. Rate 1/2 (blowup 2) allows constraints of degree 3.
pub fn stark_config() -> StarkConfig {
    let config = StarkConfig::standard_fast_config();
    config.check_config::<F, D>().expect("the FRI settings reach 100 bits");
    config
}

/// Conjectured security of [`stark_config`] in bits.
pub fn security_bits() -> usize {
    let c = stark_config().fri_config;
    (c.num_query_rounds * c.rate_bits + c.proof_of_work_bits as usize).min(128)
}
