//! Proving KECCAK_SPONGE end to end: the Rust guest `tests/guests/abi-test` (command 0: commit
//! the keccak256 of an input item, computed by the precompile) is proven and verified, its
//! digest is the plain run's and the host's; lies about the call are rejected by the lookup
//! or table that owns the value lied about.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plonky2::field::types::Field;
mod common;

use common::lookup;
use sha2::Digest;
use zkmips_e2e::rust_guest::build_rust_guest;
use zkmips_prover::prove::{build_traces, SegmentTraces};
use zkmips_prover::segment::{record_segment, Boundary, SegmentRecord};
use zkmips_prover::tables::ctl_index;
use zkmips_prover::{memory_image, program_id, prove_program, verify_proof};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::Table;
use zkmips_stark::layout::{slot, ts};
use zkmips_stark::F;
use zkmips_table_keccak::perm::columns::ROUNDS;
use zkmips_table_keccak::sponge::columns::SpongeColumns;
use zkmips_vm::{Machine, Program, State};

fn abi_test() -> &'static Program {
    static P: OnceLock<Program> = OnceLock::new();
    P.get_or_init(|| {
        static ELF: OnceLock<PathBuf> = OnceLock::new();
        let path = ELF.get_or_init(|| build_rust_guest(Path::new("tests/guests/abi-test")).expect("build abi-test"));
        Program::from_elf(&std::fs::read(path).unwrap(), false).unwrap()
    })
}

/// A message of `len` bytes.
fn message(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 131 + 7) as u8).collect()
}

/// Input of command 0 (commit keccak256 of the next item and its length).
fn hash_input(msg: &[u8]) -> Vec<Vec<u8>> {
    vec![0u32.to_le_bytes().to_vec(), msg.to_vec()]
}

/// The digest of a plain VM run.
fn run_plain(input: Vec<Vec<u8>>) -> [u32; 8] {
    let state = State::new(abi_test(), &[], &[], input).unwrap();
    let mut m = Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    assert_eq!(m.run_to_exit(&mut zkmips_vm::NoTrace, 1 << 30).unwrap(), 0);
    m.state.digest
}

/// The digest the guest commits for `msg`: SHA-256 of its public values, keccak256(msg) and
/// the length (u32, little-endian), as little-endian words.
fn expected_digest(msg: &[u8]) -> [u32; 8] {
    let mut public = sha3::Keccak256::digest(msg).to_vec();
    public.extend((msg.len() as u32).to_le_bytes());
    let d = sha2::Sha256::digest(&public);
    core::array::from_fn(|i| u32::from_le_bytes(d[4 * i..4 * i + 4].try_into().unwrap()))
}

#[test]
fn a_run_with_keccak_sponge_proves_and_verifies() {
    // 300 bytes: three blocks; segments of 2^11 cycles put the call in one of several segments.
    let msg = message(300);
    let proof = prove_program(abi_test(), hash_input(&msg), 1 << 11, 1 << 30, &mut ()).expect("prove");
    assert!(proof.segments.len() >= 2, "{} segments", proof.segments.len());
    let verified = verify_proof(&proof, program_id(abi_test()).unwrap()).expect("valid proof");
    assert_eq!(verified.exit_code, 0);
    assert_eq!(verified.digest, run_plain(hash_input(&msg)));
    assert_eq!(verified.digest, expected_digest(&msg));
}

#[test]
fn a_segment_stops_before_a_call_that_would_overflow_its_memory_table() {
    // 20 KiB: 151 blocks, 5,151 memory accesses in one call; segments of 2^12 cycles have room
    // for 4 * 2^12 accesses (less the register page's rows).
    let msg = message(20 << 10);
    let state = State::new(abi_test(), &[], &[], hash_input(&msg)).unwrap();
    let mut m = Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let budget = zkmips_prover::segment::access_budget(1 << 12);
    let mut calls = 0;
    while m.state.exit_code.is_none() {
        let record = record_segment(&mut m, 1 << 12).unwrap();
        assert!(record.mem.len() <= budget, "{} accesses, budget {budget}", record.mem.len());
        calls += record.keccak.len();
    }
    assert_eq!(calls, 1);
    assert_eq!(m.state.digest, expected_digest(&msg));
}

// ---- Lying traces ------------------------------------------------------------------------
//
// As in `prove.rs`: the segment ends with the KECCAK_SPONGE `syscall`, so a lie about what it
// wrote only has to agree with the memory table and the claimed end state (the memory root).

/// The run hashing `msg` up to and including its KECCAK_SPONGE call, and its traces.
struct Lie {
    record: SegmentRecord,
    traces: SegmentTraces,
    msg: Vec<u8>,
}

fn segment(msg: &[u8], cycles: u64) -> (SegmentRecord, Boundary, Boundary) {
    let state = State::new(abi_test(), &[], &[], hash_input(msg)).unwrap();
    let mut m = Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let start = Boundary::of(&m.state);
    let record = record_segment(&mut m, cycles).unwrap();
    (record, start, Boundary::of(&m.state))
}

impl Lie {
    fn new(len: usize) -> Lie {
        let msg = message(len);
        let (full, ..) = segment(&msg, 1 << 20);
        let call = full.keccak.first().expect("a KECCAK_SPONGE call").clk;
        let (record, start, end) = segment(&msg, call + 1);
        assert_eq!(record.keccak.len(), 1);
        let traces = build(&msg, &record, start, end);
        Lie { record, traces, msg }
    }

    /// Rebuilds every trace from the (lying) record.
    fn rebuild(&mut self) {
        let (start, end) = (self.traces.start.clone(), self.traces.end.clone());
        self.traces = build(&self.msg, &self.record, start, end);
    }

    fn cells(&mut self, table: Table) -> &mut Vec<plonky2::field::polynomial::PolynomialValues<F>> {
        &mut self.traces.traces[table.index()]
    }

    /// Adds `delta` to result word `w` as the call writes it, in the memory accesses (the
    /// memory table, and the memory root at the end through the page table).
    fn memory_writes_instead(&mut self, w: usize, delta: u32) {
        let k = &self.record.keccak[0];
        let (addr, at) = (k.result as u64 + 4 * w as u64, ts(k.clk, slot::DST));
        let m = self.record.mem.iter_mut().find(|m| m.addr == addr && m.ts == at).expect("the result write");
        m.after = m.after.wrapping_add(delta);
        self.rebuild();
    }

    fn assert_rejected(self, caught_by: &str) {
        common::assert_rejected(self.traces, caught_by)
    }
}

/// Every trace of a segment that starts at the program's entry.
fn build(msg: &[u8], record: &SegmentRecord, start: Boundary, end: Boundary) -> SegmentTraces {
    let state = State::new(abi_test(), &[], &[], hash_input(msg)).unwrap();
    let mut image = memory_image(&state);
    build_traces(record, start, end, &mut image).expect("traces")
}

/// The sponge table's row that writes the result, and its permutation's output row.
fn last_rows(lie: &Lie) -> (usize, usize) {
    let rows = zkmips_stark::testing::trace_rows(&lie.traces.traces[Table::KeccakSponge.index()]);
    let last = rows.iter().position(|r| SpongeColumns::view(r).is_last == F::ONE).unwrap();
    let blocks = lie.record.keccak[0].blocks.len();
    (last, ROUNDS * blocks - 1)
}

#[test]
fn an_honest_segment_ending_with_the_call_verifies() {
    let lie = Lie::new(300);
    let (native, proved) = common::outcome(lie.traces);
    native.unwrap();
    proved.unwrap();
}

#[test]
fn a_result_word_memory_does_not_receive_is_rejected() {
    // Memory (and the end root) says the call wrote another word than the sponge table did.
    let mut lie = Lie::new(300);
    lie.memory_writes_instead(3, 1);
    lie.assert_rejected(&lookup(ctl_index::MEM));
}

#[test]
fn a_wrong_result_word_is_rejected() {
    // The sponge table writes another word, memory agrees; the permutation did not output it.
    let mut lie = Lie::new(300);
    lie.memory_writes_instead(3, 1);
    let (row, _) = last_rows(&lie);
    let col = zkmips_table_keccak::sponge::col_map().out[3];
    lie.cells(Table::KeccakSponge)[col].values[row] += F::ONE;
    lie.assert_rejected(&lookup(ctl_index::KECCAK_OUT));
}

#[test]
fn a_wrong_permutation_output_is_rejected() {
    // ... and the permutation table claims that output too: its rounds object.
    let mut lie = Lie::new(300);
    lie.memory_writes_instead(3, 1);
    let (row, perm_row) = last_rows(&lie);
    let col = zkmips_table_keccak::sponge::col_map().out[3];
    lie.cells(Table::KeccakSponge)[col].values[row] += F::ONE;
    let col = zkmips_table_keccak::perm::col_map().out[3];
    lie.cells(Table::Keccak)[col].values[perm_row] += F::ONE;
    lie.assert_rejected("the keccak table");
}

#[test]
fn a_wrong_input_word_is_rejected() {
    // The sponge and permutation tables absorb another data word (consistently); memory holds
    // the true one, so the read does not match.
    let mut lie = Lie::new(200);
    lie.record.keccak[0].blocks[0][9] ^= 1;
    let wrong = lie.record.keccak[0].clone();
    let (sponge, perms) = zkmips_table_keccak::sponge::generate_trace(&[wrong]);
    *lie.cells(Table::KeccakSponge) = sponge;
    *lie.cells(Table::Keccak) = zkmips_table_keccak::perm::generate_trace(&perms, 0);
    lie.assert_rejected(&lookup(ctl_index::MEM));
}

#[test]
fn a_call_without_its_sponge_rows_is_rejected() {
    // The sponge and permutation tables leave the call out (and so its memory accesses).
    let mut lie = Lie::new(136);
    lie.record.keccak.clear();
    let clk = lie.record.syscalls.last().unwrap().clk;
    lie.record.mem.retain(|m| !(m.ts / 8 == clk && m.addr < 1 << 32 && m.ts % 8 != slot::FETCH));
    lie.rebuild();
    lie.assert_rejected(&lookup(ctl_index::KECCAK_SPONGE));
}
