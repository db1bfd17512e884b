//! Proving SHA_EXTEND and SHA_COMPRESS end to end: the Rust guest `tests/guests/sha256-test`
//! (SHA-256 of several messages through the calls, and one raw compression from another
//! state) is proven across segments and verified; its public values are `sha2`'s and its
//! digest the plain run's. Lies about a call are rejected by the lookup or table that owns the
//! value lied about.

use std::path::Path;
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
use zkmips_stark::ctl::Table;
use zkmips_stark::layout::{slot, ts};
use zkmips_stark::F;
use zkmips_table_sha256::compress::ROUNDS;
use zkmips_vm::{Machine, Program, State};

fn guest() -> &'static Program {
    static P: OnceLock<Program> = OnceLock::new();
    P.get_or_init(|| {
        let elf = build_rust_guest(Path::new("tests/guests/sha256-test")).expect("build sha256-test");
        Program::from_elf(&std::fs::read(elf).unwrap(), false).unwrap()
    })
}

/// Messages of these lengths: empty, one block, the padding edge, several blocks.
fn messages(lengths: &[usize]) -> Vec<Vec<u8>> {
    lengths.iter().map(|&len| (0..len).map(|i| (i * 29 + len) as u8).collect()).collect()
}

/// The input item: the messages, bincode 1.x.
fn input(msgs: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut item = (msgs.len() as u64).to_le_bytes().to_vec();
    for m in msgs {
        item.extend((m.len() as u64).to_le_bytes());
        item.extend(m);
    }
    vec![item]
}

/// The public values the guest must commit: each message's SHA-256, then the compression of
/// the block `w[i] = 0x01010101 * i` into the state `w[40..48]` of its schedule.
fn expected_public_values(msgs: &[Vec<u8>]) -> Vec<u8> {
    let mut out: Vec<u8> = msgs.iter().flat_map(sha2::Sha256::digest).collect();
    let w16: [u32; 16] = core::array::from_fn(|i| 0x0101_0101 * i as u32);
    let w = zkmips_table_sha256::extend::extend(&w16);
    let mut h: [u32; 8] = w[40..48].try_into().unwrap();
    let block: Vec<u8> = w16.iter().flat_map(|x| x.to_be_bytes()).collect();
    sha2::compress256(&mut h, &[*<&[u8; 64]>::try_from(&block[..]).unwrap()].map(Into::into));
    out.extend(h.iter().flat_map(|x| x.to_le_bytes()));
    out
}

fn machine(msgs: &[Vec<u8>]) -> Machine {
    let state = State::new(guest(), &[], &[], input(msgs)).unwrap();
    Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()))
}

#[test]
fn a_guest_using_the_sha256_calls_proves_and_verifies() {
    let msgs = messages(&[0, 3, 55, 56, 64, 200]);
    let mut m = machine(&msgs);
    assert_eq!(m.run_to_exit(&mut zkmips_vm::NoTrace, 1 << 24).unwrap(), 0);
    assert_eq!(m.state.public_values, expected_public_values(&msgs));

    // 10 extend and 10 compress calls (plus those of the public-values digest) over segments
    // of 2^12 cycles.
    let proof = prove_program(guest(), input(&msgs), 1 << 12, 1 << 24, &mut ()).expect("prove");
    assert!(proof.segments.len() >= 2, "{} segments", proof.segments.len());
    let verified = verify_proof(&proof, program_id(guest()).unwrap()).expect("valid proof");
    assert_eq!((verified.exit_code, verified.digest), (0, m.state.digest));
}

// ---- Lying traces ------------------------------------------------------------------------
//
// As in `prove_keccak.rs`: the segment ends with the first SHA_COMPRESS `syscall` (after its
// SHA_EXTEND), so a lie about what the call wrote only has to agree with the memory table and
// the claimed end state (the memory root).

struct Lie {
    record: SegmentRecord,
    traces: SegmentTraces,
    msgs: Vec<Vec<u8>>,
}

fn segment(msgs: &[Vec<u8>], cycles: u64) -> (SegmentRecord, Boundary, Boundary) {
    let mut m = machine(msgs);
    let start = Boundary::of(&m.state);
    let record = record_segment(&mut m, cycles).unwrap();
    (record, start, Boundary::of(&m.state))
}

fn build(msgs: &[Vec<u8>], record: &SegmentRecord, start: Boundary, end: Boundary) -> SegmentTraces {
    let state = State::new(guest(), &[], &[], input(msgs)).unwrap();
    let mut image = memory_image(&state);
    build_traces(record, start, end, &mut image).expect("traces")
}

impl Lie {
    fn new() -> Lie {
        let msgs = messages(&[10]);
        let (full, ..) = segment(&msgs, 1 << 20);
        let call = full.sha_compress.first().expect("a SHA_COMPRESS call").clk;
        let (record, start, end) = segment(&msgs, call + 1);
        assert_eq!((record.sha_extend.len(), record.sha_compress.len()), (1, 1));
        let traces = build(&msgs, &record, start, end);
        Lie { record, traces, msgs }
    }

    fn rebuild(&mut self) {
        let (start, end) = (self.traces.start.clone(), self.traces.end.clone());
        self.traces = build(&self.msgs, &self.record, start, end);
    }

    fn cells(&mut self, table: Table) -> &mut Vec<plonky2::field::polynomial::PolynomialValues<F>> {
        &mut self.traces.traces[table.index()]
    }

    /// Adds `delta` to `h[k]` as the compression writes it, in the memory accesses (the memory
    /// table, and the end root through the page table).
    fn memory_writes_instead(&mut self, k: usize, delta: u32) {
        let c = &self.record.sha_compress[0];
        let (addr, at) = (c.h_ptr as u64 + 4 * k as u64, ts(c.clk, slot::MEM_WRITE));
        let m = self.record.mem.iter_mut().find(|m| m.addr == addr && m.ts == at).expect("the write of h");
        m.after = m.after.wrapping_add(delta);
        self.rebuild();
    }

    fn assert_rejected(self, caught_by: &str) {
        common::assert_rejected(self.traces, caught_by)
    }
}

#[test]
fn an_honest_segment_ending_with_the_calls_verifies() {
    let (native, proved) = common::outcome(Lie::new().traces);
    native.unwrap();
    proved.unwrap();
}

#[test]
fn a_final_word_memory_does_not_receive_is_rejected() {
    let mut lie = Lie::new();
    lie.memory_writes_instead(2, 1);
    lie.assert_rejected(&lookup(ctl_index::MEM));
}

#[test]
fn a_wrong_final_word_is_rejected() {
    // The compress table writes another h[2] (its halves agree), memory agrees; the final
    // addition does not hold.
    let mut lie = Lie::new();
    lie.memory_writes_instead(2, 1);
    let c = zkmips_table_sha256::compress::col_map();
    let cells = lie.cells(Table::ShaCompress);
    let v = cells[c.out[2]].values[ROUNDS] + F::ONE;
    cells[c.out[2]].values[ROUNDS] = v;
    let v = plonky2::field::types::PrimeField64::to_canonical_u64(&v);
    cells[c.out_limbs[4]].values[ROUNDS] = F::from_canonical_u64(v & 0xFFFF);
    cells[c.out_limbs[5]].values[ROUNDS] = F::from_canonical_u64(v >> 16);
    lie.assert_rejected("the sha-compress table");
}

#[test]
fn a_wrong_input_word_is_rejected() {
    // The extend table extends another w[3] (consistently); memory holds the true one.
    let mut lie = Lie::new();
    let mut wrong = lie.record.sha_extend[0];
    wrong.w[3] ^= 1 << 20;
    *lie.cells(Table::ShaExtend) = zkmips_table_sha256::extend::generate_trace(&[wrong]);
    lie.assert_rejected(&lookup(ctl_index::MEM));
}

#[test]
fn a_call_without_its_table_rows_is_rejected() {
    // The compress table leaves the call out (and so its memory accesses; the segment ends
    // with it, so nothing reads them later).
    let mut lie = Lie::new();
    let clk = lie.record.sha_compress[0].clk;
    lie.record.sha_compress.clear();
    lie.record.mem.retain(|m| !(m.ts / 8 == clk && m.addr < 1 << 32 && m.ts % 8 != slot::FETCH));
    lie.rebuild();
    lie.assert_rejected(&lookup(ctl_index::SHA_COMPRESS));
}
