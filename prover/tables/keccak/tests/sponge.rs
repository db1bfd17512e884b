//! The sponge table: keccak256 of messages laid out as ABI.md says, the lookups against the
//! permutation, memory and syscall sides, the standard starky tests, lies.

use zkmips_stark::testing as common;

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use rand::{Rng, SeedableRng};
use sha3::Digest;
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::{width, Table, NUM_TABLES};
use zkmips_stark::events::{KeccakSpongeEvent, MemAccess};
use zkmips_stark::lookup::debug_utils::check_ctls;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::lookup::{CrossTableLookup, TableWithColumns};
use zkmips_stark::testing::{check_constraints, trace_columns, trace_rows};
use zkmips_stark::{C, D, F};
use zkmips_table_keccak::perm::{self, KeccakStark};
use zkmips_table_keccak::sponge::columns::{SpongeColumns, NUM_COLUMNS};
use zkmips_table_keccak::sponge::{self, generate_trace, mem_accesses, result_words, SpongeStark};

type S = SpongeStark<F, D>;

/// The call's input words for `msg` (ABI.md): padded with pad10*1 to whole 136-byte blocks,
/// little-endian words, two zero words after every 34.
fn sponge_words(msg: &[u8]) -> Vec<u32> {
    let blocks = msg.len() / 136 + 1;
    let mut bytes = msg.to_vec();
    bytes.resize(136 * blocks, 0);
    bytes[msg.len()] ^= 0x01;
    bytes[136 * blocks - 1] ^= 0x80;
    let mut words = Vec::new();
    for block in bytes.chunks(136) {
        words.extend(block.chunks(4).map(|b| u32::from_le_bytes(b.try_into().unwrap())));
        words.extend([0, 0]);
    }
    words
}

/// A call hashing `msg` at `clk` with the input at `input` and the result buffer at `result`.
fn call(clk: u64, input: u32, result: u32, msg: &[u8]) -> KeccakSpongeEvent {
    let words = sponge_words(msg);
    let blocks = words.chunks(36).map(|b| b[..34].try_into().unwrap()).collect();
    KeccakSpongeEvent { clk, input, result, blocks, result_before: core::array::from_fn(|i| 0x1111 * i as u32) }
}

const LENGTHS: [usize; 6] = [0, 1, 135, 136, 137, 500];

/// One call per length of [`LENGTHS`], a call without input, and one at the top of memory.
fn calls() -> Vec<KeccakSpongeEvent> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut out: Vec<_> = LENGTHS
        .iter()
        .enumerate()
        .map(|(i, &len)| {
            let msg: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
            call(100 + 7 * i as u64, 0x0010_0000 + 0x1000 * i as u32, 0x0020_0000 + 0x100 * i as u32, &msg)
        })
        .collect();
    out.push(KeccakSpongeEvent { clk: 200, input: 0x0030_0000, result: 0x0030_0000, ..Default::default() });
    // Input ending at the last word below 2^32 (with its ignored words past it), result
    // buffer ending at the last word.
    out.push(call(210, 0u32.wrapping_sub(136), 0u32.wrapping_sub(68), b"top"));
    out
}

fn keccak256(msg: &[u8]) -> [u8; 32] {
    sha3::Keccak256::digest(msg).into()
}

#[test]
fn results_are_keccak256() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(12);
    for len in LENGTHS {
        let msg: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        let words = result_words(&call(1, 0, 0x1000, &msg));
        let bytes: Vec<u8> = words[..8].iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(bytes, keccak256(&msg), "length {len}");
    }
    // No input: the zero state.
    assert_eq!(result_words(&KeccakSpongeEvent::default()), [0; 16]);
}

/// The result words in the trace (the last row's `out`) are the calls' keccak256.
#[test]
fn the_trace_writes_keccak256() {
    let events = calls();
    let rows = trace_rows(&generate_trace(&events).0);
    let lasts: Vec<_> = rows.iter().map(|r| SpongeColumns::view(r)).filter(|r| r.is_last == F::ONE).collect();
    assert_eq!(lasts.len(), events.len());
    for (ev, row) in events.iter().zip(lasts) {
        let words: Vec<u32> = row.out[..16].iter().map(|w| w.to_canonical_u64() as u32).collect();
        assert_eq!(words, result_words(ev));
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    for (i, len) in LENGTHS.into_iter().enumerate() {
        let msg: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        let bytes: Vec<u8> = result_words(&events[i])[..8].iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(bytes, keccak256(&msg), "length {len}");
    }
}

#[test]
fn honest_traces_satisfy_the_constraints() {
    let (trace, perms) = generate_trace(&calls());
    check_constraints(&S::default(), &trace, &[]).unwrap();
    check_constraints(&KeccakStark::<F, D>::default(), &perm::generate_trace(&perms, 0), &[]).unwrap();
    check_constraints(&S::default(), &generate_trace(&[]).0, &[]).unwrap();
}

#[test]
fn low_degree() -> anyhow::Result<()> {
    test_stark_low_degree(S::default())
}

#[test]
fn circuit_constraints_agree() -> anyhow::Result<()> {
    test_stark_circuit_constraints::<F, C, S, D>(S::default())
}

#[test]
fn prove_verify() -> anyhow::Result<()> {
    common::prove_and_verify(S::default(), generate_trace(&calls()).0, &[])
}

#[test]
fn recursion_round_trip() -> anyhow::Result<()> {
    common::recursive_round_trip_with_queries(S::default(), generate_trace(&calls()[..3]).0, &[], 8)
}

#[test]
#[ignore = "about 40 s and 2 GB: the recursive verifier with all 84 FRI queries"]
fn recursion_round_trip_full_config() -> anyhow::Result<()> {
    common::recursive_round_trip(S::default(), generate_trace(&calls()[..3]).0, &[])
}

// ---- Lookups ------------------------------------------------------------------------------

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

/// Positions of the lookups in [`check_lookups`].
const KECCAK_SPONGE: usize = 0;
const KECCAK_IN: usize = 1;
const KECCAK_OUT: usize = 2;
const MEM: usize = 3;

/// Checks the sponge and permutation traces against a syscall side that makes `calls` and a
/// memory that holds `memory`; `Err` is the first mismatching lookup's message.
fn check_lookups(
    sponge: Vec<PolynomialValues<F>>,
    perm: Vec<PolynomialValues<F>>,
    calls: &[KeccakSpongeEvent],
    memory: &[MemAccess],
) -> Result<(), String> {
    let call_rows: Vec<Vec<u64>> = calls.iter().map(|e| vec![e.clk, e.input as u64, e.result as u64]).collect();
    let mem_rows: Vec<Vec<u64>> = memory.iter().map(|m| vec![m.addr, m.ts, m.before as u64, m.after as u64]).collect();
    let (syscall, syscall_twc) = fake_table(Table::Syscall, &call_rows, width::KECCAK_SPONGE);
    let (mem, mem_twc) = fake_table(Table::Memory, &mem_rows, width::MEM);
    let mut traces = vec![vec![]; NUM_TABLES];
    traces[Table::Syscall.index()] = syscall;
    traces[Table::Memory.index()] = mem;
    traces[Table::KeccakSponge.index()] = sponge;
    traces[Table::Keccak.index()] = perm;
    let ctls = [
        CrossTableLookup::new(vec![syscall_twc], sponge::ctl_looked()),
        CrossTableLookup::new(vec![sponge::ctl_perm_in()], perm::ctl_in()),
        CrossTableLookup::new(vec![sponge::ctl_perm_out()], perm::ctl_out()),
        CrossTableLookup::new(sponge::ctl_mem(), mem_twc),
    ];
    std::panic::catch_unwind(|| check_ctls(&traces, &ctls, &hashbrown::HashMap::new()))
        .map_err(|e| e.downcast_ref::<String>().cloned().unwrap_or_default())
}

fn honest_memory(events: &[KeccakSpongeEvent]) -> Vec<MemAccess> {
    events.iter().flat_map(mem_accesses).collect()
}

#[test]
fn lookups_match() {
    let events = calls();
    let (trace, perms) = generate_trace(&events);
    assert_eq!(perms.len(), events.iter().map(|e| e.blocks.len()).sum::<usize>());
    check_lookups(trace, perm::generate_trace(&perms, 0), &events, &honest_memory(&events)).unwrap();
}

/// The lookup that rejects a lie, by its message.
fn caught_by(result: Result<(), String>, lookup: usize) {
    let why = result.expect_err("the lie passed the lookups");
    assert!(why.starts_with(&format!("CTL #{lookup}:")), "expected lookup {lookup} to object, got: {why}");
}

/// A 3-block call between two 1-block calls, then a call without input: the lies below
/// change them.
fn three_blocks() -> Vec<KeccakSpongeEvent> {
    let msg: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
    let empty = KeccakSpongeEvent { clk: 80, input: 0x7000, result: 0xB000, ..Default::default() };
    vec![call(50, 0x4000, 0x8000, b"abc"), call(60, 0x5000, 0x9000, &msg), call(70, 0x6000, 0xA000, b""), empty]
}

#[test]
fn a_wrong_input_word_is_rejected() {
    // The prover absorbs a word the memory does not hold: a consistent lie in the sponge and
    // permutation tables (every value follows from the wrong word), only memory objects.
    let events = three_blocks();
    let mut lying = events.clone();
    lying[1].blocks[1][5] ^= 0x0100_0000;
    let (trace, perms) = generate_trace(&lying);
    check_constraints(&S::default(), &trace, &[]).unwrap();
    caught_by(check_lookups(trace, perm::generate_trace(&perms, 0), &lying, &honest_memory(&events)), MEM);
}

#[test]
fn a_skipped_block_is_rejected() {
    let events = three_blocks();
    let (trace, _) = generate_trace(&events);
    // Leaving the middle block's row out breaks the chain (its counter and address steps).
    let mut rows = trace_rows(&trace);
    let middle = 2;
    assert_eq!(SpongeColumns::view(&rows[middle]).is_first, F::ZERO);
    rows.remove(middle);
    let lying = trace_columns(rows, &[F::ZERO; NUM_COLUMNS], 0);
    assert_eq!(check_constraints(&S::default(), &lying, &[]).unwrap_err().row, middle - 1);
    common::assert_proof_rejected(S::default(), lying, &[]);
    // A consistent chain of two blocks (the first and the last) reads the length and the
    // second block's words where memory holds other values.
    let mut lying = events.clone();
    lying[1].blocks.remove(1);
    let (trace, perms) = generate_trace(&lying);
    check_constraints(&S::default(), &trace, &[]).unwrap();
    caught_by(check_lookups(trace, perm::generate_trace(&perms, 0), &lying, &honest_memory(&events)), MEM);
}

#[test]
fn a_wrong_result_word_is_rejected() {
    let events = three_blocks();
    let (trace, perms) = generate_trace(&events);
    let perm_trace = perm::generate_trace(&perms, 0);
    // The last block's row claims another permutation output, so writes another result word;
    // the memory table agrees with the write.
    let mut rows = trace_rows(&trace);
    let last = 3;
    let r = SpongeColumns::view_mut(&mut rows[last]);
    assert_eq!(r.is_last, F::ONE);
    r.out[2] += F::ONE;
    let lying = trace_columns(rows, &[F::ZERO; NUM_COLUMNS], 0);
    check_constraints(&S::default(), &lying, &[]).unwrap();
    let mut memory = honest_memory(&events);
    let w = memory.iter().position(|m| m.addr == events[1].result as u64 + 8 && m.ts % 8 == 6).unwrap();
    memory[w].after += 1;
    caught_by(check_lookups(lying, perm_trace.clone(), &events, &memory), KECCAK_OUT);
    // The honest trace against a memory that says another word was written.
    caught_by(check_lookups(trace, perm_trace, &events, &memory), MEM);
}

#[test]
fn a_call_the_syscall_table_did_not_make_is_rejected() {
    let events = three_blocks();
    let (trace, perms) = generate_trace(&events);
    let mut other = events.clone();
    other[2].result += 4;
    caught_by(check_lookups(trace, perm::generate_trace(&perms, 0), &other, &honest_memory(&events)), KECCAK_SPONGE);
}

#[test]
fn a_block_permuted_under_another_tag_is_rejected() {
    // The permutation table proves the right permutations, but tags one of them as another
    // call's: its input no longer answers the block that absorbs it.
    let events = three_blocks();
    let (trace, mut perms) = generate_trace(&events);
    perms[1].clk += 1;
    caught_by(check_lookups(trace, perm::generate_trace(&perms, 0), &events, &honest_memory(&events)), KECCAK_IN);
}

/// Edits row `row` of the honest trace of [`three_blocks`] and expects the constraints to
/// fail at `failing`.
fn lie(row: usize, failing: usize, edit: impl Fn(&mut SpongeColumns<F>)) {
    let mut rows = trace_rows(&generate_trace(&three_blocks()).0);
    edit(SpongeColumns::view_mut(&mut rows[row]));
    let lying = trace_columns(rows, &[F::ZERO; NUM_COLUMNS], 0);
    assert_eq!(check_constraints(&S::default(), &lying, &[]).unwrap_err().row, failing);
}

#[test]
fn other_lies_are_rejected() {
    // Rows: 0 = call 0, 1..4 = call 1's blocks, 4 = call 2, 5 = call 3 (no input), padding.
    // A state that does not start at zero.
    lie(1, 1, |r| r.state[3][0] = F::ONE);
    lie(1, 1, |r| r.capacity[0] = F::ONE);
    // A block's state that is not the previous output.
    lie(2, 1, |r| r.state[0][31] = F::ONE - r.state[0][31]);
    // A wrong xor.
    lie(2, 2, |r| r.xored[4] += F::ONE);
    // A non-bit data word.
    lie(2, 2, |r| r.data[1][1] = F::TWO);
    // A call that ends early (its last block's counter is not 1) or never ends.
    lie(2, 2, |r| r.is_last = F::ONE);
    lie(3, 3, |r| r.is_last = F::ZERO);
    // A block that claims to start a new call.
    lie(2, 1, |r| r.is_first = F::ONE);
    // An input address that is not the previous block's plus 144.
    lie(2, 1, |r| r.input += F::from_canonical_u64(4));
    // Unaligned buffers, a result buffer past 2^32 (the limbs hold the honest values).
    lie(1, 1, |r| r.input += F::ONE);
    lie(1, 1, |r| r.result += F::ONE);
    // A call without input that writes a nonzero result.
    lie(5, 5, |r| r.out[0] = F::ONE);
    lie(5, 5, |r| r.left = F::ONE);
    // A padding row that absorbs (it is not a first row).
    lie(6, 5, |r| r.is_absorb = F::ONE);
}
