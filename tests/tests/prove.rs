//! Proving MIPS runs end to end: the Rust guest `tests/guests/abi-test` (command 4, a workload of
//! proven instructions only) is proven in several segments and verified; tampered proofs, other
//! ELFs, reordered or missing segments, and traces that lie across tables are rejected.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use zkmips_e2e::rust_guest::build_rust_guest;
use zkmips_prover::prove::{build_traces, check_traces, SegmentTraces};
use zkmips_prover::segment::{record_segment, Boundary, SegmentRecord};
use zkmips_prover::{memory_image, program_id, prove_program, verify_proof, Proof};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::Table;
use zkmips_stark::events::{CpuEvent, MemAccess};
use zkmips_stark::layout::{reg, reg_addr, slot, ts};
use zkmips_stark::F;
use zkmips_table_cpu::CpuColumns;
use zkmips_table_memory::{AccessColumns, MemoryColumns};
use zkmips_table_syscall::SyscallColumns;
use zkmips_vm::{Machine, Program, State};

fn abi_test() -> &'static Program {
    static P: OnceLock<Program> = OnceLock::new();
    P.get_or_init(|| {
        static ELF: OnceLock<PathBuf> = OnceLock::new();
        let path = ELF.get_or_init(|| build_rust_guest(Path::new("tests/guests/abi-test")).expect("build abi-test"));
        Program::from_elf(&std::fs::read(path).unwrap(), false).unwrap()
    })
}

/// Input of the workload command with `rounds` rounds.
fn workload(rounds: u32) -> Vec<Vec<u8>> {
    vec![4u32.to_le_bytes().to_vec(), rounds.to_le_bytes().to_vec()]
}

/// The digest, exit code and public values of a plain VM run.
fn run_plain(input: Vec<Vec<u8>>) -> ([u32; 8], u32, Vec<u8>) {
    let state = State::new(abi_test(), &[], &[], input).unwrap();
    let mut m = Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let code = m.run_to_exit(&mut zkmips_vm::NoTrace, 1 << 30).unwrap();
    (m.state.digest, code, m.state.public_values)
}

fn proof_of(rounds: u32, segment: u64) -> &'static Proof {
    static P: OnceLock<Proof> = OnceLock::new();
    P.get_or_init(|| prove_program(abi_test(), workload(rounds), segment, 1 << 30, &mut ()).expect("prove"))
}

/// The shared multi-segment proof: ~7.4k cycles in segments of 2^12.
fn proof() -> &'static Proof {
    proof_of(100, 1 << 12)
}

#[test]
fn a_multi_segment_run_proves_and_verifies() {
    let proof = proof();
    assert!(proof.segments.len() >= 2, "{} segments", proof.segments.len());
    let id = program_id(abi_test()).unwrap();
    let verified = verify_proof(proof, id).expect("valid proof");
    let (digest, code, values) = run_plain(workload(100));
    assert_eq!(verified.exit_code, code);
    assert_eq!(verified.digest, digest);
    assert_eq!(verified.segments, proof.segments.len());
    assert!(!values.is_empty(), "the guest commits its result");
    assert_eq!(verified.public_values, Some(values), "the public values hash to the committed digest");
}

#[test]
fn public_values_that_are_not_the_digests_preimage_are_not_reported() {
    let id = program_id(abi_test()).unwrap();
    let mut proof = proof().clone();
    proof.public_values[0] ^= 1;
    let verified = verify_proof(&proof, id).expect("the segments are untouched");
    assert_eq!(verified.public_values, None, "changed public values are not the committed ones");
    proof.public_values.push(0);
    proof.public_values[0] ^= 1;
    assert_eq!(verify_proof(&proof, id).unwrap().public_values, None, "nor are longer ones");
}

#[test]
fn a_proof_round_trips_through_its_file_format() {
    let bytes = proof().to_bytes();
    let back = Proof::from_bytes(&bytes).unwrap();
    assert!(verify_proof(&back, program_id(abi_test()).unwrap()).is_ok());
}

#[test]
fn a_changed_byte_is_rejected() {
    let bytes = proof().to_bytes();
    let id = program_id(abi_test()).unwrap();
    // Bytes in the header, in the first segment's boundary, and deep inside the table proofs.
    for at in [3, 20, 200, bytes.len() / 3, bytes.len() / 2, bytes.len() - 10] {
        let mut b = bytes.clone();
        b[at] ^= 0x01;
        let ok = Proof::from_bytes(&b).ok().map(|p| verify_proof(&p, id).is_ok()).unwrap_or(false);
        assert!(!ok, "a proof with byte {at} flipped verified");
    }
}

#[test]
fn a_proof_checked_against_another_program_is_rejected() {
    let mut other = abi_test().clone();
    // Another program: the same image with one changed word of code.
    let addr = other.entry + 8;
    let w = other.memory.read_word(addr);
    other.memory.write_word(addr, w ^ 1);
    let err = verify_proof(proof(), program_id(&other).unwrap()).unwrap_err();
    assert!(err.to_string().contains("another program"), "{err}");
}

#[test]
fn swapped_or_missing_segments_are_rejected() {
    let id = program_id(abi_test()).unwrap();
    let proof = proof();
    let mut swapped = proof.clone();
    swapped.segments.swap(0, 1);
    assert!(verify_proof(&swapped, id).is_err());
    let mut missing = proof.clone();
    missing.segments.remove(1);
    assert!(verify_proof(&missing, id).is_err());
    let mut truncated = proof.clone();
    truncated.segments.pop();
    let err = verify_proof(&truncated, id).unwrap_err();
    assert!(err.to_string().contains("halting"), "{err}");
}

// ---- Segment cuts --------------------------------------------------------------------------

#[test]
fn a_segment_ends_early_rather_than_double_a_table_in_its_last_eighth() {
    let state = State::new(abi_test(), &[], &[], workload(600)).unwrap();
    let run = |cycles: u64| {
        let mut m =
            Machine::from_state(state.clone()).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
        record_segment(&mut m, cycles).unwrap()
    };
    // The first instruction that takes one of the one-row-per-instruction tables past 4,096 rows.
    let whole = run(1 << 20);
    use zkmips_table_cpu::Class;
    let mut rows = [0usize; 4];
    let j = whole
        .cpu
        .iter()
        .position(|e| {
            let table = match zkmips_table_cpu::class_of(zkmips_isa::decode(e.word).unwrap().op) {
                Some(Class::Arith) => 0,
                Some(Class::Bits) => 1,
                Some(Class::Lsu) => 2,
                Some(Class::MulDiv) => 3,
                _ => return false,
            };
            rows[table] += 1;
            rows[table] == 4097
        })
        .expect("the workload passes 4,096 rows in a table");
    assert!(whole.cpu.len() > 2 * j, "the workload runs on well past it");
    // With that instruction in the segment's last eighth, the segment ends just before it…
    let cut = run(j as u64 + 100);
    assert_eq!(cut.cpu.len(), j);
    let largest = [cut.arith.len(), cut.alu.len(), cut.lsu.len(), cut.muldiv.len()].into_iter().max();
    assert_eq!(largest, Some(4096));
    // …and with it before the last eighth, the segment runs past it.
    let longer = run(j as u64 * 8 / 7 + 100);
    assert!(longer.cpu.len() > j);
    let largest = [longer.arith.len(), longer.alu.len(), longer.lsu.len(), longer.muldiv.len()].into_iter().max();
    assert!(largest > Some(4096));
}

/// The prover's own lookup columns (`zkmips_prover::lookups`) are starky's: for the same
/// challenges, every table's helper columns, running sums, tuples and filters equal what
/// `starky::cross_table_lookup::get_ctl_data` computes.
#[test]
fn lookup_columns_are_the_ones_starky_computes() {
    use plonky2::iop::challenger::Challenger;
    use plonky2::plonk::config::GenericConfig;
    use zkmips_prover::lookups::{ctl_data, to_starky, StarkySides};
    use zkmips_prover::prove::CTL_DEGREE;
    use zkmips_stark::ctl::NUM_TABLES;
    use zkmips_stark::lookup::CrossTableLookup;
    use zkmips_stark::{C, D};

    let (record, start, end, state) = segment(3000);
    let traces = build_traces(&record, start, end, &mut memory_image(&state)).unwrap().traces;
    let ctls = zkmips_prover::tables::all_ctls();
    let starky_ctls = CrossTableLookup::all_to_starky(&ctls);
    let mut challenger = Challenger::<F, <C as GenericConfig<D>>::Hasher>::new();
    challenger.observe_element(F::from_canonical_u64(3000));
    let (challenges, theirs) = zkmips_stark::starky::cross_table_lookup::get_ctl_data::<F, C, D, NUM_TABLES>(
        &zkmips_stark::stark_config(),
        &traces,
        &starky_ctls,
        &mut challenger,
        CTL_DEGREE,
    );
    let sides = StarkySides::new(&ctls);
    let ours = to_starky(&ctl_data(&traces, &ctls, &challenges.challenges, CTL_DEGREE), &sides);
    for table in Table::ALL {
        let (ours, theirs) = (&ours[table.index()], &theirs[table.index()]);
        assert!(!theirs.zs_columns.is_empty(), "the {} table takes part in lookups", table.name());
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "the {} table's lookup columns", table.name());
    }
}

/// The prover's own table prover (`zkmips_prover::table_prover`) makes the proofs starky's
/// `prove_with_commitment` makes from the same traces: for every table the same commitments,
/// openings, FRI layer commitments and final polynomial. (FRI's proof-of-work search runs on every
/// core and may find another valid nonce; the query rounds drawn after it differ then, so they
/// are checked by verifying both proofs.)
#[test]
fn table_proofs_are_the_ones_starky_makes() {
    use zkmips_prover::prove::{prove_traces, prove_traces_with_starky};

    let (record, start, end, state) = segment(3000);
    let traces = build_traces(&record, start, end, &mut memory_image(&state)).unwrap();
    let ours = prove_traces(&traces, &mut plonky2::util::timing::TimingTree::default()).unwrap();
    let theirs = prove_traces_with_starky(&traces).unwrap();
    for table in Table::ALL {
        let (ours, theirs) = (&ours.tables[table.index()].proof, &theirs.tables[table.index()].proof);
        let name = table.name();
        assert_eq!(ours.trace_cap, theirs.trace_cap, "the {name} table's trace");
        assert_eq!(ours.auxiliary_polys_cap, theirs.auxiliary_polys_cap, "the {name} table's lookup columns");
        assert_eq!(ours.quotient_polys_cap, theirs.quotient_polys_cap, "the {name} table's quotient");
        assert_eq!(format!("{:?}", ours.openings), format!("{:?}", theirs.openings), "the {name} table's openings");
        let (ours, theirs) = (&ours.opening_proof, &theirs.opening_proof);
        assert_eq!(ours.commit_phase_merkle_caps, theirs.commit_phase_merkle_caps, "the {name} table's FRI layers");
        assert_eq!(ours.final_poly, theirs.final_poly, "the {name} table's FRI final polynomial");
    }
    zkmips_prover::verify::verify_segment(&ours).unwrap();
    zkmips_prover::verify::verify_segment(&theirs).unwrap();
}

// ---- Lying traces ------------------------------------------------------------------------
//
// A lying prover writes whatever traces it likes. Each lie below is made as consistent as a
// liar could make it: every table that carries the lied-about value carries the same lie, the
// memory table and the claimed end state agree with it, and the range table counts the new
// cells, so that one specific check has to catch it. To keep a lie from spreading to later
// instructions (every later read of a changed register would have to change too), the lied
// instruction is the segment's last one, and the claimed end state holds its result.

/// The workload's run from the start for `cycles` instructions.
fn segment(cycles: u64) -> (SegmentRecord, Boundary, Boundary, State) {
    let state = State::new(abi_test(), &[], &[], workload(3)).unwrap();
    let mut m = Machine::from_state(state.clone()).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let start = Boundary::of(&m.state);
    let record = record_segment(&mut m, cycles).unwrap();
    let end = Boundary::of(&m.state);
    (record, start, end, state)
}

/// A segment whose last instruction is the first one at or after cycle 200 that `pred` selects.
fn segment_ending_with(pred: impl Fn(&SegmentRecord, usize) -> bool) -> Lie {
    segment_ending_with_from(200, pred)
}

/// A segment whose last instruction is the first one at or after cycle `from` that `pred` selects.
fn segment_ending_with_from(from: usize, pred: impl Fn(&SegmentRecord, usize) -> bool) -> Lie {
    let (full, ..) = segment(1 << 20);
    let last = (from..full.cpu.len()).find(|&i| pred(&full, i)).expect("no such instruction");
    let (record, start, end, state) = segment(last as u64 + 1);
    let mut image = memory_image(&state);
    let traces = build_traces(&record, start, end, &mut image).expect("honest traces");
    Lie { record, traces }
}

fn op_of(record: &SegmentRecord, i: usize) -> zkmips_isa::Op {
    zkmips_isa::decode(record.cpu[i].word).unwrap().op
}

/// Column indices of a column struct.
fn columns<S: ColumnView<usize> + Copy>() -> S {
    let idx: Vec<usize> = (0..S::WIDTH).collect();
    *S::view(&idx)
}

/// The honest record and traces of a segment, and the lie being made of them.
struct Lie {
    record: SegmentRecord,
    traces: SegmentTraces,
}

impl Lie {
    fn last(&self) -> CpuEvent {
        *self.record.cpu.last().unwrap()
    }

    fn cell(&self, table: Table, row: usize, col: usize) -> u64 {
        self.traces.traces[table.index()][col].values[row].to_canonical_u64()
    }

    fn set(&mut self, table: Table, row: usize, col: usize, value: u64) {
        self.traces.traces[table.index()][col].values[row] = F::from_canonical_u64(value);
    }

    /// The memory table's row of the access to `addr` at `ts`, and the columns of that access.
    fn mem_access(&self, addr: u64, ts: u64) -> (usize, AccessColumns<usize>) {
        let c = columns::<MemoryColumns<usize>>();
        let rows = self.traces.traces[Table::Memory.index()][0].len();
        (0..rows)
            .flat_map(|r| c.access.iter().map(move |a| (r, *a)))
            .find(|&(r, a)| self.cell(Table::Memory, r, a.addr) == addr && self.cell(Table::Memory, r, a.ts) == ts)
            .expect("the access is in the memory table")
    }

    /// The last instruction writes `value` to its destination register instead: the CPU row,
    /// the memory table's write and the claimed end state all say so.
    fn write_instead(&mut self, value: u32) {
        let ev = self.last();
        let cpu = columns::<CpuColumns<usize>>();
        let row = self.record.cpu.len() - 1;
        self.set(Table::Cpu, row, cpu.dst_val, value as u64);
        if self.cell(Table::Cpu, row, cpu.out) == ev.dst_val as u64 {
            self.set(Table::Cpu, row, cpu.out, value as u64);
        }
        let (r, mem) = self.mem_access(reg_addr(ev.dst as usize), ts(ev.clk, slot::DST));
        self.set(Table::Memory, r, mem.after, value as u64);
        self.traces.end.regs[ev.dst as usize] = value;
    }

    /// The last instruction, a load, reads the memory word xor `flip` instead: the LSU row, the
    /// memory table's read, the register write and the claimed end state all say so.
    fn load_reads_instead(&mut self, flip: u32) {
        let ev = self.last();
        let i = self.record.lsu.len() - 1;
        let l = self.record.lsu[i];
        let addr = (l.base.wrapping_add((l.word & 0xFFFF) as u16 as i16 as i32 as u32) & !3) as u64;
        self.record.lsu[i].mem_before ^= flip;
        let out = zkmips_table_lsu::evaluate(l.word, l.base, l.rt_val, l.mem_before ^ flip).expect("a load").out;
        let lsu_trace = zkmips_table_lsu::generate_trace(&self.record.lsu);
        self.regenerate(Table::Lsu, lsu_trace);
        let (r, mem) = self.mem_access(addr, ts(ev.clk, slot::MEM));
        let read = self.cell(Table::Memory, r, mem.before) ^ flip as u64;
        self.set(Table::Memory, r, mem.before, read);
        self.set(Table::Memory, r, mem.after, read);
        self.write_instead(out);
    }

    /// Replaces a table's trace by one generated from lying events.
    fn regenerate(&mut self, table: Table, trace: Vec<PolynomialValues<F>>) {
        self.traces.traces[table.index()] = trace;
    }

    /// Asserts the lie is rejected, natively by a complaint containing `caught_by`, and by the
    /// verifier.
    fn assert_rejected(self, caught_by: &str) {
        common::assert_rejected(self.traces, caught_by)
    }
}

#[test]
fn an_honest_segment_ending_anywhere_verifies() {
    // The same construction as the lies below, without a lie: it must verify, so the lies'
    // rejections come from the lies.
    let lie = segment_ending_with(|r, i| op_of(r, i) == zkmips_isa::Op::Addu && r.cpu[i].dst != 0);
    let (native, proved) = common::outcome(lie.traces);
    native.unwrap();
    proved.unwrap();
}

#[test]
fn a_wrong_alu_result_is_rejected() {
    let mut lie = segment_ending_with(|r, i| op_of(r, i) == zkmips_isa::Op::Addu && r.cpu[i].dst != 0);
    let ev = lie.last();
    let c = zkmips_table_alu::arith::arith_col_map();
    // The arithmetic table's row says so too.
    let rows = lie.traces.traces[Table::Arith.index()][0].len();
    let value = |lie: &Lie, r: usize, [lo, mid, sign]: [usize; 3]| {
        lie.cell(Table::Arith, r, lo) + (lie.cell(Table::Arith, r, mid) << 16) + (lie.cell(Table::Arith, r, sign) << 31)
    };
    let row = (0..rows)
        .find(|&r| {
            lie.cell(Table::Arith, r, c.out) == ev.dst_val as u64
                && value(&lie, r, [c.b_lo, c.b_mid, c.b_sign]) == ev.rt_val as u64
                && value(&lie, r, [c.a_lo, c.a_mid, c.a_sign]) == ev.rs_val as u64
        })
        .expect("the addu's arithmetic row");
    let wrong = ev.dst_val ^ 1;
    lie.set(Table::Arith, row, c.out, wrong as u64);
    lie.write_instead(wrong);
    lie.assert_rejected("arith table");
}

#[test]
fn a_wrong_bitwise_result_is_rejected() {
    let mut lie = segment_ending_with(|r, i| op_of(r, i) == zkmips_isa::Op::Sll && r.cpu[i].dst != 0);
    let ev = lie.last();
    let alu = zkmips_table_alu::col_map();
    // The bitwise table's row says so too.
    let rows = lie.traces.traces[Table::Alu.index()][0].len();
    let a_of = |lie: &Lie, r: usize| (0..32).map(|k| lie.cell(Table::Alu, r, alu.a_bits[k]) << k).sum::<u64>();
    let row = (0..rows)
        .find(|&r| {
            lie.cell(Table::Alu, r, alu.out) == ev.dst_val as u64
                && lie.cell(Table::Alu, r, alu.b) == ev.rt_val as u64
                && a_of(&lie, r) == ev.rs_val as u64
        })
        .expect("the sll's ALU row");
    let wrong = ev.dst_val ^ 1;
    lie.set(Table::Alu, row, alu.out, wrong as u64);
    lie.write_instead(wrong);
    lie.assert_rejected("alu table");
}

#[test]
fn a_wrong_load_result_is_rejected() {
    // The load claims another value than the word it read yields; the LSU table's row says so.
    let mut lie = segment_ending_with(|r, i| op_of(r, i) == zkmips_isa::Op::Lw && r.cpu[i].dst != 0);
    let ev = lie.last();
    let lsu = zkmips_table_lsu::col_map();
    let wrong = ev.dst_val ^ 0x10;
    let row = lie.record.lsu.len() - 1;
    assert_eq!(lie.cell(Table::Lsu, row, lsu.out), ev.dst_val as u64);
    lie.set(Table::Lsu, row, lsu.out, wrong as u64);
    lie.write_instead(wrong);
    lie.assert_rejected("lsu table");
}

#[test]
fn a_load_of_a_value_never_written_is_rejected() {
    // The load reads a word value that memory never held; every table agrees with the read,
    // only the memory argument (a read returns the last value written) can object. The word
    // must have been accessed before in the segment (else it is the image's value instead).
    let mut lie = segment_ending_with(|r, i| {
        let e = &r.cpu[i];
        let Some(l) = r.lsu.iter().find(|l| l.clk == e.clk) else { return false };
        let addr = l.base.wrapping_add((l.word & 0xFFFF) as u16 as i16 as i32 as u32) & !3;
        op_of(r, i) == zkmips_isa::Op::Lw
            && e.dst != 0
            && r.mem.iter().any(|m| m.addr == addr as u64 && m.ts < ts(e.clk, slot::FETCH))
    });
    lie.load_reads_instead(0x100);
    lie.assert_rejected("memory table");
}

#[test]
fn an_input_word_altered_after_it_was_read_is_rejected() {
    // HINT_READ wrote an input word into memory; a later load of that word returns another
    // value, as if the input changed after it was read. (The guest reads its input words
    // with lwl/lwr early in the run.)
    let mut lie = segment_ending_with_from(0, |r, i| {
        let e = &r.cpu[i];
        let Some(l) = r.lsu.iter().find(|l| l.clk == e.clk) else { return false };
        let addr = l.base.wrapping_add((l.word & 0xFFFF) as u16 as i16 as i32 as u32) & !3;
        let from_input = r
            .syscalls
            .iter()
            .filter(|s| s.clk < e.clk && s.page_before[2] == 0xF1)
            .any(|s| s.mem_writes.iter().any(|w| w.0 == addr));
        matches!(op_of(r, i), zkmips_isa::Op::Lw | zkmips_isa::Op::Lwl | zkmips_isa::Op::Lwr | zkmips_isa::Op::Lbu)
            && e.dst != 0
            && from_input
    });
    lie.load_reads_instead(0x0101_0101);
    lie.assert_rejected("memory table");
}

#[test]
fn a_wrong_register_read_is_rejected() {
    // The addu reads another value of rs than the register holds; the CPU and ALU rows and the
    // register write agree with the wrong read.
    let mut lie = segment_ending_with(|r, i| op_of(r, i) == zkmips_isa::Op::Addu && r.cpu[i].dst != 0);
    let ev = lie.last();
    let rs = ((ev.word >> 21) & 31) as usize;
    let n = lie.record.cpu.len() - 1;
    lie.record.cpu[n].rs_val ^= 4;
    lie.record.cpu[n].dst_val = lie.record.cpu[n].rs_val.wrapping_add(ev.rt_val);
    let k = lie.record.arith.len() - 1;
    lie.record.arith[k].a ^= 4;
    let (cpu, arith) = (
        zkmips_table_cpu::generate_trace(&lie.record.cpu),
        zkmips_table_alu::arith::generate_arith_trace(&lie.record.arith),
    );
    lie.regenerate(Table::Cpu, cpu);
    lie.regenerate(Table::Arith, arith);
    let (r, mem) = lie.mem_access(reg_addr(rs), ts(ev.clk, slot::RS));
    let read = lie.cell(Table::Memory, r, mem.before) ^ 4;
    lie.set(Table::Memory, r, mem.before, read);
    lie.set(Table::Memory, r, mem.after, read);
    let written = lie.record.cpu[n].dst_val;
    let (w, mem) = lie.mem_access(reg_addr(ev.dst as usize), ts(ev.clk, slot::DST));
    lie.set(Table::Memory, w, mem.after, written as u64);
    lie.traces.end.regs[ev.dst as usize] = written;
    lie.assert_rejected("memory table");
}

#[test]
fn a_wrong_branch_target_is_rejected() {
    // A taken branch continues 8 bytes past its target; the claimed end state agrees.
    let mut lie = segment_ending_with(|r, i| {
        matches!(op_of(r, i), zkmips_isa::Op::Bne | zkmips_isa::Op::Beq) && r.cpu[i].new_next_pc != r.cpu[i].pc + 8
    });
    let cpu = columns::<CpuColumns<usize>>();
    let row = lie.record.cpu.len() - 1;
    let target = lie.last().new_next_pc + 8;
    lie.set(Table::Cpu, row, cpu.nnpc_lo, (target & 0x7FFF) as u64);
    lie.set(Table::Cpu, row, cpu.nnpc_hi, (target >> 15) as u64);
    lie.traces.end.next_pc = target;
    lie.assert_rejected("cpu table");
}

#[test]
fn a_skipped_instruction_is_rejected() {
    // A conditional branch (it writes nothing) is left out entirely: its CPU row, its arith row
    // and its memory accesses.
    let lie = segment_ending_with(|r, i| matches!(op_of(r, i), zkmips_isa::Op::Bne | zkmips_isa::Op::Beq));
    let mut record = lie.record.clone();
    let n = record.cpu.len();
    let j = (0..n - 1)
        .rev()
        .find(|&j| matches!(op_of(&record, j), zkmips_isa::Op::Bne | zkmips_isa::Op::Beq))
        .expect("an earlier branch");
    let skipped = record.cpu.remove(j);
    record.mem.retain(|m| m.ts / 8 != skipped.clk);
    let k = record
        .arith
        .iter()
        .rposition(|a| a.word == skipped.word && a.a == skipped.rs_val && a.b == skipped.rt_val)
        .expect("the branch's arith event");
    record.arith.remove(k);
    let mut lie = lie;
    rebuild(&mut lie, record);
    lie.assert_rejected("cpu table");
}

#[test]
fn a_repeated_instruction_is_rejected() {
    // An instruction that writes nothing runs twice: a second row at the next cycle, every
    // later cycle one later.
    let lie = segment_ending_with(|r, i| matches!(op_of(r, i), zkmips_isa::Op::Bne | zkmips_isa::Op::Beq));
    let mut record = lie.record.clone();
    let n = record.cpu.len();
    let j =
        (0..n - 1).rev().find(|&j| record.cpu[j].dst == 0 && op_of(&record, j) == zkmips_isa::Op::Sw).expect("a store");
    let dup = record.cpu[j];
    for e in &mut record.cpu[j + 1..] {
        e.clk += 1;
    }
    record.cpu.insert(j + 1, CpuEvent { clk: dup.clk + 1, ..dup });
    for e in &mut record.lsu {
        if e.clk > dup.clk {
            e.clk += 1;
        }
    }
    let k = record.lsu.iter().position(|e| e.clk == dup.clk).unwrap();
    let again = zkmips_stark::events::LsuEvent { clk: dup.clk + 1, ..record.lsu[k] };
    record.lsu.insert(k + 1, again);
    for e in &mut record.muldiv {
        if e.clk > dup.clk {
            e.clk += 1;
        }
    }
    for e in &mut record.syscalls {
        if e.clk > dup.clk {
            e.clk += 1;
        }
    }
    let mut mem = Vec::new();
    for m in &record.mem {
        if m.ts / 8 > dup.clk {
            mem.push(MemAccess { ts: m.ts + 8, ..*m });
        } else {
            mem.push(*m);
        }
    }
    // The repeated store writes again what it wrote (the word's value before it is its value
    // after the first store).
    for m in record.mem.iter().filter(|m| m.ts / 8 == dup.clk) {
        let after = m.after;
        mem.push(MemAccess { ts: m.ts + 8, before: after, after, ..*m });
    }
    mem.sort_by_key(|m| m.ts);
    record.mem = mem;
    let mut lie2 = lie;
    lie2.traces.end.clk += 1;
    rebuild(&mut lie2, record);
    lie2.assert_rejected("cpu table");
}

/// Proves a segment's traces and verifies the proof: `Err` says why that failed.
/// Rebuilds every trace from a lying record (the boundaries and image of `lie`).
fn rebuild(lie: &mut Lie, record: SegmentRecord) {
    let state = State::new(abi_test(), &[], &[], workload(3)).unwrap();
    let mut image = memory_image(&state);
    let (start, end) = (lie.traces.start.clone(), lie.traces.end.clone());
    lie.traces = build_traces(&record, start, end, &mut image).expect("traces of the lie");
    lie.record = record;
}

#[test]
fn a_wrong_syscall_result_is_rejected() {
    // A write returns another byte count in $v0; the syscall row, the register write and the
    // claimed end state agree.
    let mut lie = segment_ending_with(|r, i| {
        op_of(r, i) == zkmips_isa::Op::Syscall
            && r.syscalls.iter().any(|s| s.clk == r.cpu[i].clk && matches!(s.page_before[2], 2 | 4004))
    });
    let ev = lie.last();
    let sys = columns::<SyscallColumns<usize>>();
    let row = lie.record.syscalls.len() - 1;
    let v0 = lie.cell(Table::Syscall, row, sys.v0_out) ^ 1;
    lie.set(Table::Syscall, row, sys.v0_out, v0);
    let (r, mem) = lie.mem_access(reg_addr(2), ts(ev.clk, slot::DST));
    lie.set(Table::Memory, r, mem.after, v0);
    lie.traces.end.regs[2] = v0 as u32;
    lie.assert_rejected("syscall table");
}

#[test]
fn a_changed_committed_digest_is_rejected() {
    // The proof is honest; only its claimed final state names another digest (or exit code).
    let id = program_id(abi_test()).unwrap();
    for (word, flip) in [(reg::DIGEST + 3, 1u32), (reg::EXIT_CODE, 1)] {
        let mut p = proof().clone();
        p.segments.last_mut().unwrap().end.regs[word] ^= flip;
        let err = verify_proof(&p, id).unwrap_err();
        assert!(err.to_string().contains("segment"), "{err}");
    }
    // And a prover that builds its tables for the other digest fails to prove it.
    let (record, start, end, state) = segment(1 << 20);
    assert!(end.halted());
    let mut lying_end = end.clone();
    lying_end.regs[reg::DIGEST + 3] ^= 1;
    let mut image = memory_image(&state);
    let t = build_traces(&record, start, lying_end, &mut image).unwrap();
    let err = check_traces(&t).unwrap_err();
    assert!(err.contains("CTL #2"), "the end state's lookup (MEM_FINAL) catches it: {err}");
    assert!(common::prove_and_verify(&t).is_err());
}

#[test]
fn a_segment_whose_start_does_not_match_the_previous_end_is_rejected() {
    let id = program_id(abi_test()).unwrap();
    let mut proof = proof().clone();
    // Splice in a segment 1 that starts elsewhere: segment 0 of another run (other input).
    let other = prove_program(abi_test(), workload(101), 1 << 12, 1 << 30, &mut ()).unwrap();
    proof.segments[1] = other.segments[1].clone();
    let err = verify_proof(&proof, id).unwrap_err();
    assert!(err.to_string().contains("chain") || err.to_string().contains("segment"), "{err}");
}

// ---- The command line ---------------------------------------------------------------------

/// Runs `zkmips` with `args`.
fn zkmips(args: &[&std::ffi::OsStr]) -> zkmips_e2e::RunResult {
    std::process::Command::new(zkmips_e2e::zkmips_bin()).args(args).output().unwrap().into()
}

fn abi_test_elf() -> PathBuf {
    build_rust_guest(Path::new("tests/guests/abi-test")).expect("build abi-test")
}

/// Input files for the workload with `rounds` rounds.
fn workload_files(dir: &Path, rounds: u32) -> [PathBuf; 2] {
    let [cmd, n] = workload(rounds).try_into().unwrap();
    let (a, b) = (dir.join("cmd"), dir.join(format!("rounds-{rounds}")));
    std::fs::write(&a, cmd).unwrap();
    std::fs::write(&b, n).unwrap();
    [a, b]
}

#[test]
fn cli_proves_and_verifies_and_rejects() {
    let dir = zkmips_e2e::scratch_dir("cli-prove");
    let elf = abi_test_elf();
    let [cmd, rounds] = workload_files(&dir, 40);
    let proof = dir.join("run.proof");
    let _ = std::fs::remove_file(&proof);
    let r = zkmips(&[
        "prove".as_ref(),
        elf.as_os_str(),
        "--input".as_ref(),
        cmd.as_os_str(),
        "--input".as_ref(),
        rounds.as_os_str(),
        "--segment-cycles".as_ref(),
        "2^11".as_ref(),
        "-o".as_ref(),
        proof.as_os_str(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("segment(s)"), "{}", r.stderr_str());

    // Verified: the exit code and the digest of a plain run.
    let r = zkmips(&["verify".as_ref(), proof.as_os_str(), "--elf".as_ref(), elf.as_os_str()]);
    let out = String::from_utf8_lossy(&r.stdout).into_owned();
    assert_eq!(r.code, Some(0), "{out}{}", r.stderr_str());
    let (digest, code, values) = run_plain(workload(40));
    assert!(out.contains(&format!("exit code: {code}\n")), "{out}");
    assert!(out.contains(&format!("digest: {}\n", zkmips_prover::digest_hex(&digest))), "{out}");
    assert!(out.contains(&format!("public values: {}\n", hex::encode(&values))), "{out}");

    // Without --elf the proof is checked against the built-in block program: another program.
    let r = zkmips(&["verify".as_ref(), proof.as_os_str()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("built-in block program"), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("another program"), "{}", r.stderr_str());

    // Another ELF: a different program id.
    let other = dir.join("other.elf");
    let mut bytes = std::fs::read(&elf).unwrap();
    let program = Program::from_elf(&bytes, false).unwrap();
    let at = bytes.windows(4).position(|w| w == program.memory.read_word(program.entry).to_le_bytes()).unwrap();
    bytes[at] ^= 0x01;
    std::fs::write(&other, &bytes).unwrap();
    let r = zkmips(&["verify".as_ref(), proof.as_os_str(), "--elf".as_ref(), other.as_os_str()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("another program"), "{}", r.stderr_str());

    // One changed byte.
    let tampered = dir.join("tampered.proof");
    let mut p = std::fs::read(&proof).unwrap();
    let mid = p.len() / 2;
    p[mid] ^= 0x40;
    std::fs::write(&tampered, &p).unwrap();
    let r = zkmips(&["verify".as_ref(), tampered.as_os_str(), "--elf".as_ref(), elf.as_os_str()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr_str());
    assert!(!r.stderr_str().contains("panicked"), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("invalid"), "{}", r.stderr_str());

    // Not a proof at all.
    let r = zkmips(&["verify".as_ref(), elf.as_os_str(), "--elf".as_ref(), elf.as_os_str()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("magic"), "{}", r.stderr_str());
}

#[test]
fn cli_prove_errors_leave_no_proof_file() {
    let dir = zkmips_e2e::scratch_dir("cli-prove-errors");
    let elf = abi_test_elf();
    let out = dir.join("never.proof");
    let _ = std::fs::remove_file(&out);
    let missing = dir.join("no-such-input");
    let r = zkmips(&[
        "prove".as_ref(),
        elf.as_os_str(),
        "--input".as_ref(),
        missing.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("no-such-input"), "{}", r.stderr_str());
    assert!(!out.exists());

    let r = zkmips(&[
        "prove".as_ref(),
        elf.as_os_str(),
        "--segment-cycles".as_ref(),
        "1000".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(r.code, Some(2), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("power of two"), "{}", r.stderr_str());

    // A program making a call the tables do not prove: named, and no file.
    // ori $v0, $zero, 4263 (clock_gettime); syscall
    let clock = dir.join("clock-gettime.elf");
    std::fs::write(&clock, zkmips_e2e::minimal_elf(&[0x3402_10A7, 0x0000_000C])).unwrap();
    let r = zkmips(&["prove".as_ref(), clock.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("clock_gettime"), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("not proven"), "{}", r.stderr_str());
    assert!(!out.exists());
}

// ---- Real programs ------------------------------------------------------------------------

/// The constraints and lookups of every table hold on `cycles` cycles of `program` from its
/// entry (fewer if it reaches an instruction or call the tables do not prove yet); returns the
/// cycles checked.
fn check_real_run(program: &Program, input: Vec<Vec<u8>>, cycles: u64) -> u64 {
    let state = State::new(program, &[], &[], input).unwrap();
    // How far the run is provable.
    let mut m = Machine::from_state(state.clone()).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let mut provable = 0;
    while provable < cycles && m.state.exit_code.is_none() && record_segment(&mut m, 1).is_ok() {
        provable += 1;
    }
    let mut m = Machine::from_state(state.clone()).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let start = Boundary::of(&m.state);
    let record = record_segment(&mut m, provable).unwrap();
    let end = Boundary::of(&m.state);
    let mut image = memory_image(&state);
    let traces = build_traces(&record, start, end, &mut image).unwrap();
    check_traces(&traces).unwrap();
    record.cpu.len() as u64
}

#[test]
fn real_go_programs_satisfy_every_constraint() {
    // Go's runtime start-up: argument and environment parsing, the scheduler's and the
    // allocator's set-up; 4,096 cycles, or fewer if the run reaches a call the tables do not
    // prove yet first.
    for name in ["compute", "bigmath"] {
        let elf = zkmips_e2e::go::program_elf(name, "mipsle").unwrap_or_else(|e| panic!("building {name}: {e:#}"));
        let program = Program::from_elf(&std::fs::read(elf).unwrap(), false).unwrap();
        let checked = check_real_run(&program, vec![], 4096);
        assert!(checked >= 1000, "{name}: only {checked} provable cycles");
        eprintln!("{name}: {checked} cycles checked");
    }
}

#[test]
fn a_real_rust_program_satisfies_every_constraint() {
    // The test guest's workload from the entry: one segment of 2^12 cycles, which the memory
    // table's budget (4 accesses per cycle) may end a little earlier.
    let checked = check_real_run(abi_test(), workload(500), 4096);
    assert!((3500..=4096).contains(&checked), "{checked} cycles");
}
