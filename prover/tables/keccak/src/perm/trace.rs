//! Trace generation of the permutation table.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::F;

use super::columns::{KeccakColumns, LANES, NUM_COLUMNS, RC_POSITIONS, ROUNDS};
use super::round::round;

/// One permutation to prove: its input and its tag (see [`KeccakColumns`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PermEvent {
    pub clk: u64,
    pub block: u64,
    pub input: [u64; LANES],
}

fn bit(v: u64, z: usize) -> F {
    F::from_bool((v >> z) & 1 == 1)
}

fn limbs(out: &mut [F], state: &[u64; LANES]) {
    for (i, &lane) in state.iter().enumerate() {
        out[2 * i] = F::from_canonical_u64(lane & 0xFFFF_FFFF);
        out[2 * i + 1] = F::from_canonical_u64(lane >> 32);
    }
}

/// Fills `row` (all of its cells) with round `r` of a permutation tagged `(is_real, clk,
/// block)`, starting from `a`, and returns the state after the round.
pub fn fill_round(row: &mut [F], r: usize, tag: [F; 3], a: &[u64; LANES]) -> [u64; LANES] {
    let v = round(a, r);
    let cv = KeccakColumns::view_mut(row);
    cv.round = core::array::from_fn(|k| F::from_bool(k == r));
    [cv.is_real, cv.clk, cv.block] = tag;
    limbs(&mut cv.a, a);
    for x in 0..5 {
        cv.c[x] = core::array::from_fn(|z| bit(v.c[x], z));
        cv.c_prime[x] = core::array::from_fn(|z| bit(v.c_prime[x], z));
    }
    for i in 0..LANES {
        cv.a_prime[i] = core::array::from_fn(|z| bit(v.a_prime[i], z));
    }
    cv.iota_bits = RC_POSITIONS.map(|z| bit(v.chi0, z));
    limbs(&mut cv.out, &v.out);
    v.out
}

/// Fewest rows of a trace.
pub const MIN_ROWS: usize = zkmips_stark::MIN_TRACE_ROWS;

/// The trace of `events`, 24 rows each, then padding: permutations of the zero state, not
/// looked up (`is_real = 0`; the last one may stop before round 23). At least `min_rows` rows.
pub fn generate_trace(events: &[PermEvent], min_rows: usize) -> Vec<PolynomialValues<F>> {
    let real = events.len() * ROUNDS;
    let n = real.max(min_rows).max(MIN_ROWS).next_power_of_two();
    let mut cols = vec![vec![F::ZERO; n]; NUM_COLUMNS];
    let mut put = |at: usize, row: &[F]| {
        for (c, &v) in cols.iter_mut().zip(row) {
            c[at] = v;
        }
    };
    let mut row = vec![F::ZERO; NUM_COLUMNS];
    for (k, ev) in events.iter().enumerate() {
        let tag = [F::ONE, F::from_canonical_u64(ev.clk), F::from_canonical_u64(ev.block)];
        let mut state = ev.input;
        for r in 0..ROUNDS {
            state = fill_round(&mut row, r, tag, &state);
            put(ROUNDS * k + r, &row);
        }
    }
    if real < n {
        // `real` is a multiple of 24, so padding row `at` is round `at % 24`.
        let mut padding = Vec::with_capacity(ROUNDS);
        let mut state = [0u64; LANES];
        for r in 0..ROUNDS.min(n - real) {
            let mut row = vec![F::ZERO; NUM_COLUMNS];
            state = fill_round(&mut row, r, [F::ZERO; 3], &state);
            padding.push(row);
        }
        for at in real..n {
            put(at, &padding[(at - real) % ROUNDS]);
        }
    }
    cols.into_iter().map(PolynomialValues::new).collect()
}
