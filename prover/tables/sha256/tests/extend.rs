//! The SHA_EXTEND table: schedules checked against SHA-256, the standard starky tests, the
//! lookups against syscall and memory sides, and lies.

mod common;

use common::{caught_by, check_lookups, CALL, MEM};
use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use rand::{Rng, SeedableRng};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::Table;
use zkmips_stark::events::{MemAccess, ShaExtendEvent};
use zkmips_stark::testing::{self, check_constraints, trace_columns, trace_rows};
use zkmips_stark::{D, F};
use zkmips_table_sha256::compress::compress;
use zkmips_table_sha256::extend::{self, extend, generate_trace, mem_accesses, ExtendColumns, NUM_COLUMNS, ROWS};

type S = zkmips_table_sha256::ShaExtendStark<F, D>;

fn call(rng: &mut impl Rng, clk: u64, w_ptr: u32) -> ShaExtendEvent {
    ShaExtendEvent { clk, w_ptr, w: core::array::from_fn(|_| rng.gen()), before: core::array::from_fn(|_| rng.gen()) }
}

/// Three calls, the last at the top of memory, and one whose words are all ones.
fn calls() -> Vec<ShaExtendEvent> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(21);
    let mut out = vec![
        call(&mut rng, 100, 0x1000),
        call(&mut rng, 107, 0x0040_0000),
        call(&mut rng, 120, 0u32.wrapping_sub(256)),
    ];
    out.push(ShaExtendEvent { clk: 130, w_ptr: 0x2000, w: [u32::MAX; 16], before: [0; 48] });
    out
}

fn call_tuples(events: &[ShaExtendEvent]) -> Vec<Vec<u64>> {
    events.iter().map(|e| vec![e.clk, e.w_ptr as u64]).collect()
}

fn honest_memory(events: &[ShaExtendEvent]) -> Vec<MemAccess> {
    events.iter().flat_map(mem_accesses).collect()
}

fn lookups(trace: Vec<PolynomialValues<F>>, calls: &[ShaExtendEvent], memory: &[MemAccess]) -> Result<(), String> {
    check_lookups(Table::ShaExtend, trace, extend::ctl_looked(), extend::ctl_mem(), &call_tuples(calls), memory)
}

/// With the compression (itself checked against `sha2`), the schedule hashes like SHA-256.
#[test]
fn schedules_hash_like_sha256() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(22);
    for _ in 0..8 {
        let block: [u8; 64] = core::array::from_fn(|_| rng.gen());
        let mut h = [0x6a09e667u32, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
        let w16 = core::array::from_fn(|i| u32::from_be_bytes(block[4 * i..4 * i + 4].try_into().unwrap()));
        let ours = compress(&h, &extend(&w16));
        sha2::compress256(&mut h, &[block.into()]);
        assert_eq!(ours, h);
    }
}

#[test]
fn the_trace_writes_the_schedule() {
    let events = calls();
    let rows = trace_rows(&generate_trace(&events));
    for (k, ev) in events.iter().enumerate() {
        let w = extend(&ev.w);
        for j in 0..ROWS {
            let r = ExtendColumns::view(&rows[ROWS * k + j]);
            assert_eq!(r.new.to_canonical_u64(), w[16 + j] as u64);
        }
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
/// `failing`; the edited trace does not prove either.
fn lie(row: usize, failing: usize, edit: impl Fn(&mut ExtendColumns<F>)) -> Vec<PolynomialValues<F>> {
    let mut rows = trace_rows(&generate_trace(&calls()));
    edit(ExtendColumns::view_mut(&mut rows[row]));
    let lying = trace_columns(rows, &[F::ZERO; NUM_COLUMNS], 0);
    assert_eq!(check_constraints(&S::default(), &lying, &[]).unwrap_err().row, failing);
    lying
}

fn set_word(r: &mut ExtendColumns<F>, v: u64) {
    r.new = F::from_canonical_u64(v);
    r.new_limbs = [F::from_canonical_u64(v & 0xFFFF), F::from_canonical_u64(v >> 16)];
}

#[test]
fn a_wrong_extended_word_is_rejected() {
    // w[20] off by one (its halves agree), then written: the sum does not hold.
    let lying = lie(4, 4, |r| {
        let v = r.new.to_canonical_u64();
        set_word(r, (v + 1) & 0xFFFF_FFFF);
    });
    testing::assert_proof_rejected(S::default(), lying, &[]);
    // The sum holds with a word of 2^32 or more: its halves cannot.
    lie(5, 5, |r| {
        let v = r.new.to_canonical_u64();
        let c = r.carry[0].to_canonical_u64() + 2 * r.carry[1].to_canonical_u64();
        assert!(c > 0);
        r.new = F::from_canonical_u64(v + (1 << 32));
        r.carry = [F::from_canonical_u64((c - 1) & 1), F::from_canonical_u64((c - 1) >> 1)];
    });
    // A sigma that is not the bits' (the sum then holds with it).
    lie(6, 6, |r| {
        r.s0 += F::ONE;
        let v = r.new.to_canonical_u64() + 1;
        set_word(r, v & 0xFFFF_FFFF);
        if v >> 32 == 1 {
            r.carry = [F::ONE - r.carry[0], r.carry[1] + r.carry[0]];
        }
    });
    // Bits that do not pack to the window's word.
    lie(7, 7, |r| r.x2[3] = F::ONE - r.x2[3]);
    // The window does not shift the previous row's.
    lie(8, 7, |r| r.window[15] += F::ONE);
    lie(9, 8, |r| r.window[2] += F::ONE);
}

#[test]
fn a_wrong_input_word_is_rejected() {
    // The table extends a w[0..16] the memory does not hold: a consistent trace, only memory
    // objects.
    let events = calls();
    let mut lying = events.clone();
    lying[1].w[9] ^= 0x10;
    let trace = generate_trace(&lying);
    check_constraints(&S::default(), &trace, &[]).unwrap();
    caught_by(lookups(trace, &lying, &honest_memory(&events)), MEM);
    // The honest trace writes words other than the memory's.
    let mut memory = honest_memory(&events);
    let w = memory.iter().position(|m| m.addr == events[0].w_ptr as u64 + 4 * 40).unwrap();
    memory[w].after ^= 1;
    caught_by(lookups(generate_trace(&events), &events, &memory), MEM);
}

#[test]
fn a_skipped_row_is_rejected() {
    let mut rows = trace_rows(&generate_trace(&calls()));
    rows.remove(10);
    let lying = trace_columns(rows, &[F::ZERO; NUM_COLUMNS], 0);
    assert_eq!(check_constraints(&S::default(), &lying, &[]).unwrap_err().row, 9);
    testing::assert_proof_rejected(S::default(), lying, &[]);
    // A call cut short at the end of the trace.
    let events = calls();
    let mut rows = trace_rows(&generate_trace(&events[..1]));
    rows.truncate(ROWS - 1);
    let lying = trace_columns(rows, &[F::ZERO; NUM_COLUMNS], 0);
    assert!(check_constraints(&S::default(), &lying, &[]).is_err());
    // A row that claims to start a call in the middle of one.
    lie(3, 2, |r| {
        r.step[3] = F::ZERO;
        r.step[0] = F::ONE;
    });
    // Padding that claims to continue a call.
    lie(4 * ROWS, 4 * ROWS - 1, |r| r.step[1] = F::ONE);
}

#[test]
fn a_call_without_its_rows_is_rejected() {
    let events = calls();
    // The syscall table made a call the table has no rows for.
    let memory = honest_memory(&events);
    caught_by(lookups(generate_trace(&events[..3]), &events, &memory), CALL);
    // Another buffer than the call's.
    let mut other = events.clone();
    other[0].w_ptr += 4;
    caught_by(lookups(generate_trace(&events), &other, &memory), CALL);
}

#[test]
fn unaligned_or_wrapping_buffers_are_rejected() {
    lie(0, 0, |r| r.w_ptr += F::ONE);
    // The limbs hold the honest values: a buffer 4 bytes higher passes 2^32.
    lie(2 * ROWS, 2 * ROWS, |r| r.w_ptr += F::from_canonical_u64(4));
    let mut ev = calls()[0];
    ev.w_ptr = 0u32.wrapping_sub(252);
    assert!(extend::check_call(&ev).is_err());
}

/// The width the crate docs quote.
#[test]
fn width() {
    assert_eq!(NUM_COLUMNS, 142);
}
