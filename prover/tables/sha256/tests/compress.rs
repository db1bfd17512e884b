//! The SHA_COMPRESS table: compressions checked against `sha2`, the standard starky tests, the
//! lookups against syscall and memory sides, and lies.

mod common;

use common::{caught_by, check_lookups, CALL, MEM};
use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use rand::{Rng, SeedableRng};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::Table;
use zkmips_stark::events::{MemAccess, ShaCompressEvent};
use zkmips_stark::layout::{slot, ts};
use zkmips_stark::testing::{self, check_constraints, trace_columns, trace_rows};
use zkmips_stark::{D, F};
use zkmips_table_sha256::compress::{
    self, compress, generate_trace, mem_accesses, CompressColumns, NUM_COLUMNS, ROUNDS, ROWS,
};
use zkmips_table_sha256::extend::extend;

type S = zkmips_table_sha256::ShaCompressStark<F, D>;

const IV: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

fn call(rng: &mut impl Rng, clk: u64, w_ptr: u32, h_ptr: u32) -> ShaCompressEvent {
    let w16: [u32; 16] = core::array::from_fn(|_| rng.gen());
    ShaCompressEvent { clk, w_ptr, h_ptr, w: extend(&w16), h: core::array::from_fn(|_| rng.gen()) }
}

/// Two calls, the second with both buffers at the top of memory, then one whose `h` lies
/// inside its `w` (the table reads the same words twice).
fn calls() -> Vec<ShaCompressEvent> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(31);
    let mut out =
        vec![call(&mut rng, 100, 0x1000, 0x2000), call(&mut rng, 110, 0u32.wrapping_sub(256), 0u32.wrapping_sub(32))];
    let mut overlapping = call(&mut rng, 120, 0x3000, 0x3000 + 4 * 40);
    overlapping.h.copy_from_slice(&overlapping.w[40..48]);
    out.push(overlapping);
    out
}

fn call_tuples(events: &[ShaCompressEvent]) -> Vec<Vec<u64>> {
    events.iter().map(|e| vec![e.clk, e.w_ptr as u64, e.h_ptr as u64]).collect()
}

fn honest_memory(events: &[ShaCompressEvent]) -> Vec<MemAccess> {
    events.iter().flat_map(mem_accesses).collect()
}

fn lookups(trace: Vec<PolynomialValues<F>>, calls: &[ShaCompressEvent], memory: &[MemAccess]) -> Result<(), String> {
    check_lookups(Table::ShaCompress, trace, compress::ctl_looked(), compress::ctl_mem(), &call_tuples(calls), memory)
}

#[test]
fn compressions_are_sha256() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(32);
    for _ in 0..8 {
        let block: [u8; 64] = core::array::from_fn(|_| rng.gen());
        let h: [u32; 8] = if rng.gen() { IV } else { core::array::from_fn(|_| rng.gen()) };
        let w16 = core::array::from_fn(|i| u32::from_be_bytes(block[4 * i..4 * i + 4].try_into().unwrap()));
        let mut expected = h;
        sha2::compress256(&mut expected, &[block.into()]);
        assert_eq!(compress(&h, &extend(&w16)), expected);
    }
}

#[test]
fn the_trace_writes_the_new_state() {
    let events = calls();
    let rows = trace_rows(&generate_trace(&events));
    for (k, ev) in events.iter().enumerate() {
        let r = CompressColumns::view(&rows[ROWS * k + ROUNDS]);
        let out: Vec<u32> = r.out.iter().map(|v| v.to_canonical_u64() as u32).collect();
        assert_eq!(out, compress(&ev.h, &ev.w));
    }
}

#[test]
fn honest_traces_satisfy_the_constraints() {
    check_constraints(&S::default(), &generate_trace(&calls()), &[]).unwrap();
    check_constraints(&S::default(), &generate_trace(&[]), &[]).unwrap();
}

#[test]
fn low_degree() -> anyhow::Result<()> {
    test_stark_low_degree(S::default())
}

#[test]
fn circuit_constraints_agree() -> anyhow::Result<()> {
    test_stark_circuit_constraints::<F, zkmips_stark::C, S, D>(S::default())
}

#[test]
fn prove_verify() -> anyhow::Result<()> {
    testing::prove_and_verify(S::default(), generate_trace(&calls()), &[])
}

#[test]
fn recursion_round_trip() -> anyhow::Result<()> {
    testing::recursive_round_trip_with_queries(S::default(), generate_trace(&calls()[..1]), &[], 8)
}

#[test]
fn lookups_match() {
    let events = calls();
    lookups(generate_trace(&events), &events, &honest_memory(&events)).unwrap();
}

/// Edits row `row` of the honest trace of [`calls`] and expects the constraints to fail at
/// `failing`.
fn lie(row: usize, failing: usize, edit: impl Fn(&mut CompressColumns<F>)) -> Vec<PolynomialValues<F>> {
    let mut rows = trace_rows(&generate_trace(&calls()));
    edit(CompressColumns::view_mut(&mut rows[row]));
    let lying = trace_columns(rows, &[F::ZERO; NUM_COLUMNS], 0);
    assert_eq!(check_constraints(&S::default(), &lying, &[]).unwrap_err().row, failing);
    lying
}

fn flip(bit: &mut F) {
    *bit = F::ONE - *bit;
}

#[test]
fn a_wrong_round_output_is_rejected() {
    // Round 5's `a` (the output of round 4) with a bit flipped.
    let lying = lie(5, 4, |r| flip(&mut r.abc[0][7]));
    testing::assert_proof_rejected(S::default(), lying, &[]);
    // Its `e`.
    lie(6, 5, |r| flip(&mut r.efg[0][0]));
    // A variable that is not the previous row's shifted.
    lie(7, 6, |r| flip(&mut r.abc[2][31]));
    lie(8, 7, |r| r.h += F::ONE);
    // A wrong function word: the sum then fails (on this row's transition).
    lie(9, 9, |r| r.maj += F::ONE);
    // A carry that is not a bit.
    lie(10, 10, |r| r.carry_a[0] = F::TWO);
}

#[test]
fn a_wrong_final_word_is_rejected() {
    // The written h[3] off by one (its halves agree).
    let lying = lie(ROUNDS, ROUNDS, |r| {
        let v = (r.out[3].to_canonical_u64() + 1) & 0xFFFF_FFFF;
        r.out[3] = F::from_canonical_u64(v);
        r.out_limbs[6] = F::from_canonical_u64(v & 0xFFFF);
        r.out_limbs[7] = F::from_canonical_u64(v >> 16);
    });
    testing::assert_proof_rejected(S::default(), lying, &[]);
    // Halves that disagree with the word.
    lie(ROUNDS, ROUNDS, |r| r.out_limbs[0] += F::ONE);
    // h_in changed along the call (so the final additions would use another state).
    lie(30, 29, |r| r.h_in[1] += F::ONE);
    // The first round does not start from h_in.
    lie(0, 0, |r| r.d += F::ONE);
}

#[test]
fn a_wrong_input_word_is_rejected() {
    let events = calls();
    // A w[j] the memory does not hold, proven consistently.
    let mut lying = events.clone();
    lying[0].w[17] ^= 0x4000;
    let trace = generate_trace(&lying);
    check_constraints(&S::default(), &trace, &[]).unwrap();
    caught_by(lookups(trace, &lying, &honest_memory(&events)), MEM);
    // An h the memory does not hold.
    let mut lying = events.clone();
    lying[1].h[7] ^= 1;
    let trace = generate_trace(&lying);
    check_constraints(&S::default(), &trace, &[]).unwrap();
    caught_by(lookups(trace, &lying, &honest_memory(&events)), MEM);
    // The honest trace against a memory that says another word was written.
    let mut memory = honest_memory(&events);
    let at = events[0].h_ptr as u64 + 8;
    let w = memory.iter().position(|m| m.addr == at && m.ts == ts(events[0].clk, slot::MEM_WRITE)).unwrap();
    memory[w].after ^= 1;
    caught_by(lookups(generate_trace(&events), &events, &memory), MEM);
}

#[test]
fn a_skipped_round_is_rejected() {
    let mut rows = trace_rows(&generate_trace(&calls()));
    rows.remove(20);
    let lying = trace_columns(rows, &[F::ZERO; NUM_COLUMNS], 0);
    assert_eq!(check_constraints(&S::default(), &lying, &[]).unwrap_err().row, 19);
    testing::assert_proof_rejected(S::default(), lying, &[]);
    // A call whose final row is missing at the end of the trace.
    let mut rows = trace_rows(&generate_trace(&calls()[..1]));
    rows.truncate(ROUNDS);
    let lying = trace_columns(rows, &[F::ZERO; NUM_COLUMNS], 0);
    assert!(check_constraints(&S::default(), &lying, &[]).is_err());
    // A final row that comes early.
    lie(ROUNDS - 1, ROUNDS - 2, |r| {
        r.step[ROUNDS - 1] = F::ZERO;
        r.step[ROUNDS] = F::ONE;
    });
}

#[test]
fn a_call_without_its_rows_is_rejected() {
    let events = calls();
    let memory = honest_memory(&events);
    caught_by(lookups(generate_trace(&events[..2]), &events, &memory), CALL);
    let mut other = events.clone();
    other[0].h_ptr += 4;
    caught_by(lookups(generate_trace(&events), &other, &memory), CALL);
}

#[test]
fn unaligned_or_wrapping_buffers_are_rejected() {
    lie(0, 0, |r| r.h_ptr += F::ONE);
    lie(ROWS, ROWS, |r| r.h_ptr += F::from_canonical_u64(4));
    lie(ROWS, ROWS, |r| r.w_ptr += F::from_canonical_u64(4));
}

/// The width the crate docs quote.
#[test]
fn width() {
    assert_eq!(NUM_COLUMNS, 321);
}
