//! CPU table tests: the standard starky tests, traces of real VM runs, and lying traces.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CircuitConfig;
use plonky2::util::timing::TimingTree;
use starky::proof::StarkProofWithPublicInputs;
use starky::prover::prove;
use starky::recursive_verifier::{
    add_virtual_stark_proof_with_pis, set_stark_proof_with_pis_target, verify_stark_proof_circuit,
};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use starky::verifier::verify_stark_proof;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::cpu_public;
use zkmips_stark::events::CpuEvent;
use zkmips_stark::testing::{check_constraints, trace_rows};
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_cpu::{generate_trace, public_inputs, CpuColumns, CpuStark, NUM_COLUMNS};
use zkmips_vm::{Machine, Program, Recorder};

// ---- a tiny little-endian assembler -------------------------------------------------------

const ZERO: u32 = 0;
const V0: u32 = 2;
const V1: u32 = 3;
const A0: u32 = 4;
const T0: u32 = 8;
const T1: u32 = 9;
const T2: u32 = 10;
const T3: u32 = 11;
const T4: u32 = 12;
const T5: u32 = 13;
const T6: u32 = 14;
const T7: u32 = 15;
const S0: u32 = 16;
const S1: u32 = 17;
const T8: u32 = 24;
const T9: u32 = 25;
const RA: u32 = 31;

fn r(op: u32, rs: u32, rt: u32, rd: u32, sa: u32, funct: u32) -> u32 {
    (op << 26) | (rs << 21) | (rt << 16) | (rd << 11) | (sa << 6) | funct
}
fn i(op: u32, rs: u32, rt: u32, imm: u16) -> u32 {
    (op << 26) | (rs << 21) | (rt << 16) | imm as u32
}

/// Instructions with forward/backward branch labels.
#[derive(Default)]
struct Asm {
    words: Vec<u32>,
    /// (index, label, kind): 0 = branch offset, 1 = j/jal target, 2 = `ori` with the address.
    fixups: Vec<(usize, &'static str, u8)>,
    labels: Vec<(&'static str, usize)>,
}

impl Asm {
    fn w(&mut self, word: u32) -> &mut Self {
        self.words.push(word);
        self
    }
    fn label(&mut self, l: &'static str) -> &mut Self {
        self.labels.push((l, self.words.len()));
        self
    }
    fn br(&mut self, word: u32, l: &'static str) -> &mut Self {
        self.fixups.push((self.words.len(), l, 0));
        self.w(word)
    }
    fn jmp(&mut self, op: u32, l: &'static str) -> &mut Self {
        self.fixups.push((self.words.len(), l, 1));
        self.w(op << 26)
    }
    fn la(&mut self, rt: u32, l: &'static str) -> &mut Self {
        self.fixups.push((self.words.len(), l, 2));
        self.w(i(13, ZERO, rt, 0))
    }
    fn finish(&mut self) -> Vec<u8> {
        for &(at, l, kind) in &self.fixups {
            let target = self.labels.iter().find(|(n, _)| *n == l).unwrap().1 as u32;
            match kind {
                0 => self.words[at] |= (target.wrapping_sub(at as u32 + 1)) & 0xFFFF,
                1 => self.words[at] |= target,
                _ => self.words[at] |= target * 4,
            }
        }
        self.words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }
}

const NOP: u32 = 0;
fn addiu(rt: u32, rs: u32, imm: i16) -> u32 {
    i(9, rs, rt, imm as u16)
}
fn ori(rt: u32, rs: u32, imm: u16) -> u32 {
    i(13, rs, rt, imm)
}
fn lui(rt: u32, imm: u16) -> u32 {
    i(15, 0, rt, imm)
}
fn addu(rd: u32, rs: u32, rt: u32) -> u32 {
    r(0, rs, rt, rd, 0, 0x21)
}

/// A program touching every CPU class and the edge values 0, 1, 0x7fffffff, 0x80000000,
/// 0xffffffff; it halts with exit code 0.
fn program() -> Vec<u8> {
    let mut a = Asm::default();
    a.w(lui(T0, 0x8000)) // 0x80000000
        .w(ori(T1, ZERO, 0xFFFF))
        .w(addiu(T3, ZERO, -1)) // 0xffffffff
        .w(lui(T4, 0x7FFF))
        .w(ori(T4, T4, 0xFFFF)) // 0x7fffffff
        .w(addiu(T5, ZERO, 1))
        .w(addu(T2, T0, T1))
        .w(addu(T6, T3, T5)) // wraps to 0
        .w(addu(ZERO, T0, T1)) // write to $zero, discarded
        .w(r(0, T0, T0, S1, 0, 0x0A)) // movz: no move
        .w(r(0, T0, T6, S1, 0, 0x0A)) // movz: moves
        // beq taken, delay slot executes, one instruction jumped over.
        .br(i(4, T0, T0, 0), "b1")
        .w(addiu(S0, S0, 1))
        .w(addiu(S0, S0, 100))
        .label("b1")
        // bne not taken.
        .br(i(5, T0, T0, 0), "b1")
        .w(NOP)
        // beql not taken: the delay slot is skipped.
        .br(i(20, T0, T1, 0), "b1")
        .w(addiu(S0, S0, 1000))
        // bnel taken.
        .br(i(21, T0, T1, 0), "b2")
        .w(addiu(S0, S0, 2))
        .label("b2")
        // bgezal taken (link), bltzal not taken (link anyway).
        .br(i(1, ZERO, 0x11, 0), "b3")
        .w(NOP)
        .label("b3")
        .br(i(1, T5, 0x10, 0), "b3")
        .w(NOP)
        // backward branch: a loop of 2 iterations.
        .w(addiu(T7, ZERO, 2))
        .label("loop")
        .w(addiu(T7, T7, -1))
        .br(i(5, T7, ZERO, 0), "loop")
        .w(NOP)
        // jal / jr, jalr.
        .jmp(3, "sub")
        .w(NOP)
        .la(T9, "sub")
        .w(r(0, T9, 0, RA, 0, 9)) // jalr $ra, $t9
        .w(NOP)
        .la(T9, "sub2")
        .w(r(0, T9, 0, T8, 0, 9)) // jalr $t8, $t9
        .w(NOP)
        .jmp(2, "over")
        .w(NOP)
        .w(addiu(S0, S0, 7)) // jumped over
        .label("over")
        .w(r(31, 0, V1, 29, 0, 0x3B)) // rdhwr $v1, $29
        .w(r(31, 0, ZERO, 29, 0, 0x3B)) // rdhwr $zero, $29 (discarded)
        .w(r(0, 0, 0, 0, 3, 0x0F)) // sync 3
        .w(i(51, T0, 5, 0x10)) // pref
        .w(i(1, T0, 0x1F, 0x20)) // synci
        .w(lui(S1, 0x0001)) // 0x10000
        .w(i(43, S1, T0, 0)) // sw $t0, 0($s1)
        .w(i(35, S1, T6, 0)) // lw $t6, 0($s1)
        .w(r(0, T0, T1, 0, 0, 0x18)) // mult
        .w(r(0, 0, 0, T7, 0, 0x12)) // mflo
        .w(r(0, 0, 0, T8, 0, 0x10)) // mfhi
        .w(r(28, T0, T4, T9, 0, 2)) // mul
        .w(addiu(V0, ZERO, 0)) // HALT
        .w(addiu(A0, ZERO, 0))
        .w(r(0, 0, 0, 0, 0, 0x0C)) // syscall
        .label("sub")
        .w(r(0, RA, 0, 0, 0, 8)) // jr $ra
        .w(NOP)
        .label("sub2")
        .w(r(0, T8, 0, 0, 0, 0x408)) // jr.hb $t8
        .w(NOP);
    a.finish()
}

/// Runs a raw little-endian image to its exit and returns the CPU events.
fn run(image: &[u8]) -> Vec<CpuEvent> {
    let program = Program::from_raw(image, false).unwrap();
    let mut m = Machine::new(&program, &[], &[], vec![]).unwrap();
    let mut events = Vec::new();
    while m.state.exit_code.is_none() {
        assert!(events.len() < 10_000, "the program does not halt");
        let (pc, next_pc, regs, tp) = (m.state.pc, m.state.next_pc, m.state.regs, m.state.thread_ptr);
        let mut rec = Recorder::default();
        m.step(&mut rec).unwrap();
        let s = rec.steps[0];
        let op = zkmips_isa::decode(s.word).unwrap().op;
        let syscall = op == zkmips_isa::Op::Syscall;
        let dst = if syscall { 0 } else { s.dst };
        events.push(CpuEvent {
            clk: s.clk,
            pc,
            next_pc,
            new_pc: m.state.pc,
            new_next_pc: m.state.next_pc,
            word: s.word,
            rs_val: if syscall {
                0
            } else if op == zkmips_isa::Op::Rdhwr {
                tp
            } else {
                s.rs_val
            },
            rt_val: if syscall { 0 } else { s.rt_val },
            dst,
            dst_old: regs[dst as usize],
            dst_val: if dst == 0 { 0 } else { s.dst_val },
            halts: m.state.exit_code.is_some(),
        });
    }
    events
}

fn view(trace: &[PolynomialValues<F>], row: usize) -> CpuColumns<F> {
    let rows = trace_rows(trace);
    *CpuColumns::view(&rows[row])
}

fn set(trace: &mut [PolynomialValues<F>], row: usize, edit: impl FnOnce(&mut CpuColumns<F>)) {
    let mut r: Vec<F> = trace.iter().map(|c| c.values[row]).collect();
    edit(CpuColumns::view_mut(&mut r));
    for (c, v) in trace.iter_mut().zip(r) {
        c.values[row] = v;
    }
}

fn check(events: &[CpuEvent]) -> Result<(), zkmips_stark::testing::ConstraintFailure> {
    check_constraints(&CpuStark, &generate_trace(events), &public_inputs(events))
}

fn prove_and_verify(trace: Vec<PolynomialValues<F>>, pi: &[F]) -> anyhow::Result<StarkProofWithPublicInputs<F, C, D>> {
    let config = stark_config();
    let proof = prove::<F, C, CpuStark, D>(CpuStark, &config, trace, pi, None, &mut TimingTree::default())?;
    verify_stark_proof(CpuStark, proof.clone(), &config, None)?;
    Ok(proof)
}

fn row_of(events: &[CpuEvent], word: u32) -> usize {
    events.iter().position(|e| e.word == word).unwrap()
}

// ---- standard tests -----------------------------------------------------------------------

#[test]
fn low_degree() -> anyhow::Result<()> {
    test_stark_low_degree(CpuStark)
}

#[test]
fn circuit_matches_native() -> anyhow::Result<()> {
    test_stark_circuit_constraints::<F, C, CpuStark, D>(CpuStark)
}

#[test]
fn real_run_proves() -> anyhow::Result<()> {
    let events = run(&program());
    assert!(events.len() > 50);
    let trace = generate_trace(&events);
    let pi = public_inputs(&events);
    check_constraints(&CpuStark, &trace, &pi).unwrap();
    prove_and_verify(trace, &pi)?;
    Ok(())
}

#[test]
fn recursion_round_trip() -> anyhow::Result<()> {
    let events = run(&program());
    let config = stark_config();
    let pi = public_inputs(&events);
    let proof = prove_and_verify(generate_trace(&events), &pi)?;
    let degree_bits = proof.proof.recover_degree_bits(&config);
    let mut builder = CircuitBuilder::<F, D>::new(CircuitConfig::standard_recursion_config());
    let mut pw = PartialWitness::new();
    let pt = add_virtual_stark_proof_with_pis(&mut builder, &CpuStark, &config, degree_bits, 0, 0);
    set_stark_proof_with_pis_target(&mut pw, &pt, &proof, degree_bits, builder.zero())?;
    verify_stark_proof_circuit::<F, C, CpuStark, D>(&mut builder, CpuStark, pt, &config, None);
    let data = builder.build::<C>();
    let p = data.prove(pw)?;
    data.verify(p)
}

/// A trace with no padding (a power-of-two number of rows): the end is checked on the last row.
#[test]
fn full_trace_without_padding() {
    let events = run(&program());
    let n = events.len().next_power_of_two() / 2;
    let seg = &events[..n];
    let trace = generate_trace(seg);
    assert_eq!(trace[0].len(), n);
    check(seg).unwrap();
    let mut pi = public_inputs(seg);
    pi[cpu_public::NEXT_PC_END] += F::from_canonical_u32(4);
    assert!(check_constraints(&CpuStark, &trace, &pi).is_err());
    // Segments of any length from any start prove.
    for (a, b) in [(0, 3), (5, 17), (11, 40), (20, events.len())] {
        check(&events[a..b]).unwrap();
    }
}

/// `j` / `jal` keep the top nibble of `next_pc`; synthetic events above 0x10000000.
#[test]
fn jump_keeps_top_nibble() {
    let base = 0x3000_0000u32;
    let j = (3 << 26) | 0x0012_3456; // jal
    let target = base | (0x0012_3456 << 2);
    let events = vec![
        CpuEvent {
            clk: 10,
            pc: base + 0x100,
            next_pc: base + 0x104,
            new_pc: base + 0x104,
            new_next_pc: target,
            word: j,
            dst: 31,
            dst_val: base + 0x108,
            ..Default::default()
        },
        CpuEvent {
            clk: 11,
            pc: base + 0x104,
            next_pc: target,
            new_pc: target,
            new_next_pc: target + 4,
            word: NOP,
            ..Default::default()
        },
    ];
    check(&events).unwrap();
    // Claiming another top nibble for the target fails.
    let mut lie = events.clone();
    lie[0].new_next_pc = target - 0x1000_0000;
    lie[1].next_pc = lie[0].new_next_pc;
    lie[1].new_pc = lie[0].new_next_pc;
    lie[1].new_next_pc = lie[0].new_next_pc + 4;
    assert!(check(&lie).is_err());
}

// ---- lying traces ---------------------------------------------------------------------------

#[test]
fn lie_wrong_branch_target() {
    let events = run(&program());
    let k = row_of(&events, i(21, T0, T1, 1)); // bnel, taken
    let mut trace = generate_trace(&events);
    let pi = public_inputs(&events);
    // A target 4 bytes further, consistently in this row's limbs and the next row.
    set(&mut trace, k, |r| r.nnpc_lo += F::from_canonical_u32(4));
    set(&mut trace, k + 1, |r| r.next_pc += F::from_canonical_u32(4));
    assert!(check_constraints(&CpuStark, &trace, &pi).is_err());
}

fn renumber(events: &mut [CpuEvent]) {
    let c0 = events[0].clk;
    for (n, e) in events.iter_mut().enumerate() {
        e.clk = c0 + n as u64;
    }
}

#[test]
fn lie_skipped_instruction() {
    let mut events = run(&program());
    events.remove(3);
    renumber(&mut events);
    assert!(check(&events).is_err());
}

#[test]
fn lie_repeated_instruction() {
    let mut events = run(&program());
    let e = events[3];
    events.insert(3, e);
    renumber(&mut events);
    assert!(check(&events).is_err());
}

#[test]
fn lie_wrong_next_pc_after_jump() {
    let events = run(&program());
    let k = events.iter().position(|e| e.word >> 26 == 2).unwrap(); // j over
    let mut lie = events.clone();
    lie[k].new_next_pc += 4;
    lie[k + 1].next_pc += 4;
    lie[k + 1].new_pc += 4;
    assert!(check(&lie).is_err());
    // Same for jr: a target other than rs.
    let k = events.iter().position(|e| e.word == r(0, RA, 0, 0, 0, 8)).unwrap();
    let mut lie = events.clone();
    lie[k].new_next_pc += 8;
    lie[k + 1].next_pc += 8;
    lie[k + 1].new_pc += 8;
    assert!(check(&lie).is_err());
}

#[test]
fn lie_write_to_zero_not_discarded() -> anyhow::Result<()> {
    let events = run(&program());
    let k = row_of(&events, addu(ZERO, T0, T1));
    let mut trace = generate_trace(&events);
    let pi = public_inputs(&events);
    assert_eq!(view(&trace, k).write, F::ZERO);
    set(&mut trace, k, |r| r.write = F::ONE);
    assert!(check_constraints(&CpuStark, &trace, &pi).is_err());
    // Also rejected by a real proof.
    let res = std::panic::catch_unwind(|| prove_and_verify(trace, &pi).is_ok());
    assert!(!matches!(res, Ok(true)), "a lying trace proved");
    Ok(())
}

#[test]
fn lie_row_after_halt() {
    let mut events = run(&program());
    let last = *events.last().unwrap();
    assert!(last.halts);
    events.push(CpuEvent {
        clk: last.clk + 1,
        pc: last.new_pc,
        next_pc: last.new_next_pc,
        new_pc: last.new_next_pc,
        new_next_pc: last.new_next_pc + 4,
        word: NOP,
        ..Default::default()
    });
    assert!(check(&events).is_err());
    // Without the halt flag the same rows are fine.
    let n = events.len();
    events[n - 2].halts = false;
    check(&events).unwrap();
}

#[test]
fn lie_public_start_and_end() {
    let events = run(&program());
    let trace = generate_trace(&events);
    let pi = public_inputs(&events);
    for idx in 0..cpu_public::COUNT {
        let mut bad = pi;
        bad[idx] += F::from_canonical_u32(4);
        assert!(check_constraints(&CpuStark, &trace, &bad).is_err(), "public input {idx}");
    }
}

#[test]
fn lie_class_for_break() {
    let events = run(&program());
    let k = row_of(&events, r(0, 0, 0, 0, 3, 0x0F)); // sync
    let brk = r(0, 0, 0, 0, 0, 0x0D);
    let base = generate_trace(&events);
    let pi = public_inputs(&events);
    // Every CPU-internal class and SYSCALL refuse the BREAK word (ALU / LSU / MULDIV refuse it by
    // having no matching row, which only the lookups check).
    for flag in 3..9 {
        let mut trace = base.clone();
        set(&mut trace, k, |r| {
            for (i, b) in r.bits.iter_mut().enumerate() {
                *b = F::from_canonical_u32((brk >> i) & 1);
            }
            r.opcode = F::ZERO;
            r.is_sync = F::ZERO;
            match flag {
                3 => r.is_syscall = F::ONE,
                4 => r.is_jimm = F::ONE,
                5 => r.is_jreg = F::ONE,
                6 => r.is_rdhwr = F::ONE,
                7 => r.is_sync = F::ONE,
                _ => r.is_nop = F::ONE,
            }
        });
        assert!(check_constraints(&CpuStark, &trace, &pi).is_err(), "flag {flag}");
    }
}

#[test]
fn lie_link_value_and_dst() {
    let events = run(&program());
    let k = events.iter().position(|e| e.word >> 26 == 3).unwrap(); // jal
    let mut trace = generate_trace(&events);
    let pi = public_inputs(&events);
    set(&mut trace, k, |r| r.dst_val += F::from_canonical_u32(4));
    assert!(check_constraints(&CpuStark, &trace, &pi).is_err());
    let mut trace = generate_trace(&events);
    set(&mut trace, k, |r| r.dst = F::from_canonical_u32(30));
    assert!(check_constraints(&CpuStark, &trace, &pi).is_err());
}

/// MULDIV's tuple has no rs/rt/rd/sa fields: the CPU checks the reserved ones.
#[test]
fn lie_muldiv_reserved_fields() {
    let events = run(&program());
    let k = row_of(&events, r(0, 0, 0, T8, 0, 0x10)); // mfhi $t8
    let base = generate_trace(&events);
    let pi = public_inputs(&events);
    for (field, bit) in [("rs", 21), ("rt", 16), ("sa", 6)] {
        let mut trace = base.clone();
        set(&mut trace, k, |r| r.bits[bit] = F::ONE);
        assert!(check_constraints(&CpuStark, &trace, &pi).is_err(), "{field}");
    }
    // mult with rd != 0.
    let k = row_of(&events, r(0, T0, T1, 0, 0, 0x18));
    let mut trace = base.clone();
    set(&mut trace, k, |r| r.bits[11] = F::ONE);
    assert!(check_constraints(&CpuStark, &trace, &pi).is_err());
}

#[test]
fn width() {
    // Ten class flags: the ALU class is split into `is_arith` and `is_bits`.
    assert_eq!(NUM_COLUMNS, 61);
}
