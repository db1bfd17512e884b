//! Tests of the LSU table: semantics against the VM, the standard starky tests, realistic
//! traces, the lookups' tuples, and lying traces.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CircuitConfig;
use plonky2::util::timing::TimingTree;
use rand::{Rng, SeedableRng};
use starky::prover::prove;
use starky::recursive_verifier::{
    add_virtual_stark_proof_with_pis, set_stark_proof_with_pis_target, verify_stark_proof_circuit,
};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use starky::verifier::verify_stark_proof;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::{width, Table};
use zkmips_stark::events::LsuEvent;
use zkmips_stark::layout::{slot, ts};
use zkmips_stark::lookup::{debug_utils::check_ctls, CrossTableLookup, TableWithColumns};
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::testing::check_constraints;
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_lsu::*;
use zkmips_vm::{NoTrace, Program, State};

const RS: u32 = 8;
const RT: u32 = 9;

fn insn(op: LsuOp, imm: u32) -> u32 {
    (op.opcode() << 26) | (RS << 21) | (RT << 16) | (imm & 0xFFFF)
}

/// Edge values for registers and memory words.
const VALUES: [u32; 14] = [
    0,
    1,
    0x7F,
    0x80,
    0xFF,
    0x7FFF,
    0x8000,
    0xFFFF,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFF,
    0x1234_5678,
    0x8081_8283,
    0x7F7E_7D7C,
];

/// `(base, imm16)` pairs whose effective address is at byte offset `o`, covering no carry, a
/// carry out of bit 31, a borrow below 0, negative immediates and the 2^31 boundary.
fn addresses(o: u32) -> [(u32, u32); 7] {
    [
        (0x2000 + o, 0),
        (0x2000, o),
        (0xFFFF_FFF8, 0x10 + o),
        (0x8, 0xFFF0 + o),
        (0x7FFF_FFFC, 4 + o),
        (0x8000_0000, 0x8000 + o),
        (0xFFFF_0000 + o, 0x7FFF - 3),
    ]
}

/// Every op at every offset with every `(base, imm)` pair and value pair; aligned ones only.
fn events() -> Vec<LsuEvent> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut evs = Vec::new();
    for op in LsuOp::ALL {
        for o in 0..4 {
            for (i, (base, imm)) in addresses(o).into_iter().enumerate() {
                for (j, &mem) in VALUES.iter().enumerate() {
                    let rt = if j % 3 == 0 { rng.gen() } else { VALUES[(j + 5 * i + 1) % VALUES.len()] };
                    let mem = if (i + j) % 5 == 4 { rng.gen() } else { mem };
                    let word = insn(op, imm);
                    if evaluate(word, base, rt, mem).is_some() {
                        evs.push(LsuEvent { clk: 3 * evs.len() as u64 + 1, word, base, rt_val: rt, mem_before: mem });
                    }
                }
            }
        }
    }
    evs
}

/// A VM whose code is the one instruction `word` at address 0.
fn vm_for(word: u32) -> zkmips_vm::Machine {
    let program = Program::from_raw(&word.to_le_bytes(), false).unwrap();
    zkmips_vm::Machine::from_state(State::new(&program, &[], &[], vec![]).unwrap())
}

/// Runs the machine's instruction: `(addr, mem_after, rt_after)`, or `None` if it stops.
fn vm_exec(m: &mut zkmips_vm::Machine, word: u32, base: u32, rt_val: u32, mem_before: u32) -> Option<(u32, u32, u32)> {
    m.state.pc = 0;
    m.state.next_pc = 4;
    m.state.regs[RS as usize] = base;
    m.state.regs[RT as usize] = rt_val;
    let addr = base.wrapping_add(word as u16 as i16 as i32 as u32) & !3;
    m.state.memory.write_word(addr, mem_before);
    m.step(&mut NoTrace).ok()?;
    Some((addr, m.state.memory.read_word(addr), m.state.regs[RT as usize]))
}

#[test]
fn evaluate_matches_the_vm() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut values = VALUES.to_vec();
    values.extend((0..4).map(|_| rng.gen::<u32>()));
    let mut checked = 0;
    for op in LsuOp::ALL {
        for o in 0..4 {
            for (base, imm) in addresses(o) {
                let word = insn(op, imm);
                let ea = base.wrapping_add(imm as u16 as i16 as i32 as u32);
                if ea & !3 == 0 {
                    continue; // the instruction itself sits at address 0
                }
                let mut m = vm_for(word);
                for &mem in &values {
                    for &rt in &values {
                        let got = evaluate(word, base, rt, mem);
                        let vm = vm_exec(&mut m, word, base, rt, mem);
                        match (got, vm) {
                            (None, None) => {}
                            (Some(r), Some((addr, after, rt_after))) => {
                                assert_eq!(r.addr, addr);
                                assert_eq!(r.mem_after, after, "{op:?} {base:#x}+{imm:#x} rt={rt:#x} mem={mem:#x}");
                                assert_eq!(if r.wen { r.out } else { rt }, rt_after, "{op:?} {base:#x}+{imm:#x}");
                                assert_eq!(r.wen, op.writes_rt());
                                checked += 1;
                            }
                            _ => panic!("{op:?} at {base:#x}+{imm:#x}: evaluate {got:?}, VM {vm:?}"),
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 20_000, "{checked}");
}

#[test]
fn unaligned_and_other_words_are_refused() {
    for (op, o) in [(LsuOp::Lh, 1), (LsuOp::Lhu, 3), (LsuOp::Sh, 1), (LsuOp::Lw, 2), (LsuOp::Sw, 1), (LsuOp::Ll, 3)] {
        assert_eq!(evaluate(insn(op, o), 0x2000, 0, 0), None, "{op:?} at offset {o}");
        assert_eq!(evaluate(insn(op, o), 0x2000, 0, 0), None);
    }
    assert_eq!(evaluate(insn(LsuOp::Sc, 2), 0x2000, 0, 0), None);
    // addu, PREF, a reserved opcode (0x27): not loads or stores.
    for word in [0x0109_5021, 0xCD00_0000, 0x9D00_0000] {
        assert_eq!(evaluate(word, 0x2000, 0, 0), None);
    }
}

/// The columns RANGE16 checks are in `0..2^16` on every row (what the Range table enforces).
fn range_ok(trace: &[PolynomialValues<F>]) -> bool {
    range_checked_columns().iter().all(|&c| trace[c].values.iter().all(|v| v.to_canonical_u64() < 1 << 16))
}

#[test]
fn realistic_traces_satisfy_the_constraints() {
    let evs = events();
    assert!(evs.len() > 2000, "{}", evs.len());
    for chunk in evs.chunks(2000) {
        let trace = generate_trace(chunk);
        check_constraints(&LsuStark, &trace, &[]).unwrap();
        assert!(range_ok(&trace));
    }
    // The empty trace (padding only).
    let trace = generate_trace(&[]);
    assert_eq!(trace[0].len(), MIN_ROWS);
    check_constraints(&LsuStark, &trace, &[]).unwrap();
    assert!(range_ok(&trace));
}

#[test]
fn layout() {
    assert_eq!(NUM_COLUMNS, 41);
    assert_eq!(range_checked_columns().len(), 17);
    let c = col_map();
    assert_eq!(c.op[LsuOp::Sc.index()], 14);
    assert_eq!(c.after, NUM_COLUMNS - 1);
}

/// A table holding `rows` as columns, all selected.
fn fake_table(idx: usize, rows: &[Vec<u64>]) -> (Vec<PolynomialValues<F>>, TableWithColumns<F>) {
    let w = rows[0].len();
    let n = rows.len().next_power_of_two();
    let mut filter = vec![F::ONE; rows.len()];
    filter.resize(n, F::ZERO);
    let mut cols: Vec<PolynomialValues<F>> = (0..w)
        .map(|c| {
            let mut v: Vec<F> = rows.iter().map(|r| F::from_canonical_u64(r[c])).collect();
            v.resize(n, F::ZERO);
            PolynomialValues::new(v)
        })
        .collect();
    cols.push(PolynomialValues::new(filter));
    let twc = TableWithColumns::new(idx, Column::singles(0..w).collect(), Filter::new_simple(Column::single(w)));
    (cols, twc)
}

/// The tuples the table sends are exactly the events' (`LSU`) and their memory accesses (`MEM`).
#[test]
fn lookup_tuples() {
    let evs: Vec<_> = events().into_iter().step_by(7).take(500).collect();
    let trace = generate_trace(&evs);
    let mut lsu_rows = Vec::new();
    let mut mem_rows = Vec::new();
    for ev in &evs {
        let r = evaluate(ev.word, ev.base, ev.rt_val, ev.mem_before).unwrap();
        lsu_rows.push(vec![
            ev.clk,
            (ev.word >> 26) as u64,
            (ev.word & 0xFFFF) as u64,
            ev.base as u64,
            ev.rt_val as u64,
            r.out as u64,
            r.wen as u64,
        ]);
        mem_rows.push(vec![r.addr as u64, ts(ev.clk, slot::MEM), ev.mem_before as u64, r.mem_after as u64]);
    }
    assert_eq!(lsu_rows[0].len(), width::LSU);
    assert_eq!(mem_rows[0].len(), width::MEM);
    let (cpu, cpu_twc) = fake_table(Table::Cpu.index(), &lsu_rows);
    let (mem, mem_twc) = fake_table(Table::Memory.index(), &mem_rows);
    let mut traces = vec![vec![]; zkmips_stark::ctl::NUM_TABLES];
    traces[Table::Cpu.index()] = cpu;
    traces[Table::Memory.index()] = mem;
    traces[Table::Lsu.index()] = trace;
    let ctls = [CrossTableLookup::new(vec![cpu_twc], ctl_looked()), CrossTableLookup::new(vec![ctl_mem()], mem_twc)];
    check_ctls(&traces, &ctls, &Default::default());
}

#[test]
fn stark_low_degree() -> anyhow::Result<()> {
    test_stark_low_degree(LsuStark)
}

#[test]
fn stark_circuit_constraints() -> anyhow::Result<()> {
    test_stark_circuit_constraints::<F, C, LsuStark, D>(LsuStark)
}

fn small_trace() -> Vec<PolynomialValues<F>> {
    let evs: Vec<_> = events().into_iter().step_by(23).take(200).collect();
    generate_trace(&evs)
}

#[test]
fn prove_and_verify() -> anyhow::Result<()> {
    let config = stark_config();
    let proof = prove::<F, C, LsuStark, D>(LsuStark, &config, small_trace(), &[], None, &mut TimingTree::default())?;
    verify_stark_proof(LsuStark, proof, &config, None)
}

#[test]
fn recursion_round_trip() -> anyhow::Result<()> {
    let config = stark_config();
    let trace = small_trace();
    let proof = prove::<F, C, LsuStark, D>(LsuStark, &config, trace, &[], None, &mut TimingTree::default())?;
    verify_stark_proof(LsuStark, proof.clone(), &config, None)?;
    let degree_bits = proof.proof.recover_degree_bits(&config);
    let mut builder = CircuitBuilder::<F, D>::new(CircuitConfig::standard_recursion_config());
    let mut pw = PartialWitness::new();
    let pt = add_virtual_stark_proof_with_pis(&mut builder, &LsuStark, &config, degree_bits, 0, 0);
    set_stark_proof_with_pis_target(&mut pw, &pt, &proof, degree_bits, builder.zero())?;
    verify_stark_proof_circuit::<F, C, LsuStark, D>(&mut builder, LsuStark, pt, &config, None);
    let data = builder.build::<C>();
    let rproof = data.prove(pw)?;
    data.verify(rproof)
}

// ---- Lying traces ----

/// A trace of `evs` with one row changed by `lie`.
fn lying_trace(evs: &[LsuEvent], i: usize, lie: impl FnOnce(&mut LsuColumns<F>)) -> Vec<PolynomialValues<F>> {
    let mut trace = generate_trace(evs);
    let mut r = row(&evs[i]).unwrap();
    lie(&mut r);
    let mut flat = vec![F::ZERO; NUM_COLUMNS];
    *LsuColumns::view_mut(&mut flat) = r;
    for (col, v) in trace.iter_mut().zip(flat) {
        col.values[i] = v;
    }
    trace
}

fn ev(op: LsuOp, base: u32, imm: u32, rt_val: u32, mem_before: u32) -> LsuEvent {
    LsuEvent { clk: 10, word: insn(op, imm), base, rt_val, mem_before }
}

fn f(x: u64) -> F {
    F::from_canonical_u64(x)
}

/// A few honest rows around the one under test.
fn around(e: LsuEvent) -> (Vec<LsuEvent>, usize) {
    let mut evs: Vec<_> = events().into_iter().step_by(101).take(5).collect();
    evs.push(e);
    let i = evs.len() - 1;
    (evs, i)
}

fn rejected(evs: &[LsuEvent], i: usize, lie: impl FnOnce(&mut LsuColumns<F>)) {
    let trace = lying_trace(evs, i, lie);
    assert_eq!(check_constraints(&LsuStark, &trace, &[]).unwrap_err().row, i);
}

#[test]
fn wrong_loaded_byte_is_rejected() {
    // lbu of byte 2 of 0x44332211 is 0x33; claim 0x22 (byte 1).
    let (evs, i) = around(ev(LsuOp::Lbu, 0x2002, 0, 0, 0x4433_2211));
    rejected(&evs, i, |r| r.out = f(0x22));
    // Claim the byte is 0x22 by moving the offset to 1 as well (the address then disagrees).
    rejected(&evs, i, |r| {
        r.out = f(0x22);
        r.sign_check = f(512 * 0x22);
        r.off = [F::ONE, F::ZERO, F::ZERO];
        r.ea_lo = f(0x2001);
    });
    // A bogus byte split of the word (bytes 0x33 + 256 in byte 2, byte 3 one less) satisfies the
    // arithmetic but its `b2_x256` is out of range: only RANGE16 rejects it.
    let trace = lying_trace(&evs, i, |r| {
        r.mem.b3 = f(0x43);
        r.mem.b2_x256 = f((0x33 + 256) * 256);
        r.out = f(0x33 + 256);
        r.sign_check = f(512 * (0x33 + 256));
    });
    check_constraints(&LsuStark, &trace, &[]).unwrap();
    assert!(!range_ok(&trace));
}

#[test]
fn wrong_sign_extension_is_rejected() {
    let (evs, i) = around(ev(LsuOp::Lb, 0x2000, 1, 0, 0x0000_9000));
    // 0x90 sign-extends to 0xFFFFFF90; claim the zero extension.
    rejected(&evs, i, |r| r.out = f(0x90));
    // Claim a clear sign bit consistently: the sign check leaves 0..2^16, caught by RANGE16.
    let trace = lying_trace(&evs, i, |r| {
        r.out = f(0x90);
        r.neg = F::ZERO;
        r.sign_check = f(512 * 0x90);
    });
    check_constraints(&LsuStark, &trace, &[]).unwrap();
    assert!(!range_ok(&trace));
    // lh of 0x7FFF must not be sign-extended.
    let (evs, i) = around(ev(LsuOp::Lh, 0x2000, 2, 0, 0x7FFF_0000));
    rejected(&evs, i, |r| r.out = f(0xFFFF_7FFF));
    let trace = lying_trace(&evs, i, |r| {
        r.out = f(0xFFFF_7FFF);
        r.neg = F::ONE;
        r.sign_check = F::ZERO - f(2);
    });
    check_constraints(&LsuStark, &trace, &[]).unwrap();
    assert!(!range_ok(&trace));
}

#[test]
fn store_changing_another_byte_is_rejected() {
    let (evs, i) = around(ev(LsuOp::Sb, 0x2001, 0, 0xAB, 0x4433_2211));
    // Correct: 0x4433AB11. Also clobber byte 3.
    rejected(&evs, i, |r| r.after = f(0x0033_AB11));
    let (evs, i) = around(ev(LsuOp::Sh, 0x2002, 0, 0xCCDD, 0x4433_2211));
    rejected(&evs, i, |r| r.after = f(0xCCDD_2200));
    let (evs, i) = around(ev(LsuOp::Swl, 0x2001, 0, 0xA1B2_C3D4, 0x4433_2211));
    rejected(&evs, i, |r| r.after += f(1 << 24));
    // A load must leave memory unchanged.
    let (evs, i) = around(ev(LsuOp::Lw, 0x2000, 0, 0, 0x4433_2211));
    rejected(&evs, i, |r| r.after = f(0x4433_2212));
}

#[test]
fn wrong_effective_address_is_rejected() {
    let (evs, i) = around(ev(LsuOp::Lw, 0x2000, 8, 0, 5));
    // Another word: ea + 4.
    rejected(&evs, i, |r| {
        r.ea_lo += f(4);
        r.ea_q += F::ONE;
    });
    // Ignore the sign of the immediate: 0x2000 + 0xFFF8 instead of 0x2000 - 8.
    let (evs, i) = around(ev(LsuOp::Lw, 0x2000, 0xFFF8, 0, 5));
    rejected(&evs, i, |r| {
        let ea = 0x2000 + 0xFFF8u64;
        r.ea_lo = f(ea & 0xFFFF);
        r.ea_hi = f(ea >> 16);
        r.ea_q = f((ea & 0xFFFF) >> 2);
    });
    // (A wrong `imm_sign` changes the `imm16` the CPU sees: only the LSU lookup rejects it.)
    // The register page: ea + 2^32 with carry -1 is arithmetic-consistent, but `ea_hi` leaves
    // 0..2^16, which RANGE16 rejects.
    let trace = lying_trace(&evs, i, |r| {
        r.ea_hi += f(1 << 16);
        r.carry -= F::ONE;
    });
    check_constraints(&LsuStark, &trace, &[]).unwrap();
    assert!(!range_ok(&trace));
}

#[test]
fn unaligned_word_access_is_rejected() {
    // lbu at offset 1 is honest; relabel it as lw (and make every other column agree).
    let (evs, i) = around(ev(LsuOp::Lbu, 0x2001, 0, 0, 0x4433_2211));
    rejected(&evs, i, |r| {
        r.op = [F::ZERO; NUM_OPS];
        r.op[LsuOp::Lw.index()] = F::ONE;
        r.out = f(0x4433_2211);
        r.neg = F::ZERO;
        r.sign_check = F::ZERO;
    });
    // lh at offset 1.
    rejected(&evs, i, |r| {
        r.op = [F::ZERO; NUM_OPS];
        r.op[LsuOp::Lhu.index()] = F::ONE;
        r.out = f(0x3322);
        r.sign_check = f(2 * 0x3322);
    });
}

#[test]
fn bad_opcode_flags_are_rejected() {
    let (evs, i) = around(ev(LsuOp::Sw, 0x2000, 0, 7, 5));
    // Two flags (the opcode sum would be lw + sw's).
    rejected(&evs, i, |r| r.op[LsuOp::Lw.index()] = F::ONE);
    // A non-bit flag.
    rejected(&evs, i, |r| r.op[LsuOp::Sw.index()] = f(2));
    // sc must write 1.
    let (evs, i) = around(ev(LsuOp::Sc, 0x2000, 0, 7, 5));
    rejected(&evs, i, |r| r.out = F::ZERO);
}

/// A lying trace also fails a real proof.
#[test]
fn lying_trace_fails_to_prove() {
    let (evs, i) = around(ev(LsuOp::Lbu, 0x2002, 0, 0, 0x4433_2211));
    let trace = lying_trace(&evs, i, |r| r.out = f(0x22));
    let config = stark_config();
    let result = std::panic::catch_unwind(|| {
        let proof = prove::<F, C, LsuStark, D>(LsuStark, &config, trace, &[], None, &mut TimingTree::default())?;
        verify_stark_proof(LsuStark, proof, &config, None)
    });
    assert!(matches!(result, Err(_) | Ok(Err(_))), "a lying trace was proven");
}
