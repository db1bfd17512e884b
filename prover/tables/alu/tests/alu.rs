//! Tests of the ALU table: the standard starky tests, the semantics against the VM, realistic
//! traces, and lying traces.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CircuitConfig;
use plonky2::util::timing::TimingTree;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use starky::prover::prove;
use starky::recursive_verifier::{
    add_virtual_stark_proof_with_pis, set_stark_proof_with_pis_target, verify_stark_proof_circuit,
};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use starky::verifier::verify_stark_proof;
use zkmips_isa::{decode, Op};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::AluEvent;
use zkmips_stark::testing::{check_constraints, trace_columns};
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_alu::*;

const EDGES: [u32; 6] = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1234_5678];
const RS: u32 = 8;
const RT: u32 = 9;
const RD: u32 = 10;

/// A word of `op` with the given free fields (immediate, shift amount or bit field), or None
/// if the decoder rejects that choice.
fn word(op: Op, imm16: u32, sa: u32, rd2: u32) -> Option<u32> {
    let p = pattern(op);
    let rs = p.rs.unwrap_or(RS);
    let rt = p.rt.unwrap_or(RT);
    let w = match p.funct {
        Some(funct) => {
            let shamt = p.shamt.unwrap_or(sa);
            let rd = if matches!(op, Op::Ext | Op::Ins) { rd2 } else { RD };
            (p.opcode << 26) | (rs << 21) | (rt << 16) | (rd << 11) | (shamt << 6) | funct
        }
        None => (p.opcode << 26) | (rs << 21) | (rt << 16) | (imm16 & 0xFFFF),
    };
    decode(w).ok().filter(|i| i.op == op).map(|_| w)
}

/// Runs `word` in the VM with `rs = a`, `rt = b`; returns the operands it actually read and
/// the outcome as the ALU table would report it (None if the VM stopped).
fn run_vm(w: u32, a: u32, b: u32) -> (u32, u32, Option<AluOutput>) {
    let mut image = w.to_le_bytes().to_vec();
    image.extend([0u8; 12]);
    let program = zkmips_vm::Program::from_raw(&image, false).unwrap();
    let mut state = zkmips_vm::State::new(&program, &[], &[], Vec::new()).unwrap();
    let (rs, rt, rd) = ((w >> 21 & 31) as usize, (w >> 16 & 31) as usize, (w >> 11 & 31) as usize);
    const SENTINEL: u32 = 0x5EA7_1E55;
    state.regs[rd] = SENTINEL;
    state.regs[31] = SENTINEL;
    state.regs[rt] = b;
    state.regs[rs] = a;
    state.regs[0] = 0;
    let (a, b) = (state.regs[rs], state.regs[rt]);
    let before = state.regs;
    let mut m = zkmips_vm::Machine::from_state(state);
    if m.step(&mut zkmips_vm::NoTrace).is_err() {
        return (a, b, None);
    }
    let s = &m.state;
    let op = decode(w).unwrap().op;
    let simm = (w as u16 as i16 as i32 as u32) << 2;
    let branch = (Op::Bltz as u8..=Op::Bgtzl as u8).contains(&(op as u8)) && !matches!(op, Op::J | Op::Jal);
    let mut o = AluOutput::default();
    if branch {
        o.is_branch = true;
        o.out = (s.pc == 4 && s.next_pc == 4u32.wrapping_add(simm)) as u32;
        o.is_likely = matches!(
            op,
            Op::Bltzl | Op::Bgezl | Op::Bltzall | Op::Bgezall | Op::Beql | Op::Bnel | Op::Blezl | Op::Bgtzl
        );
        if s.regs[31] != before[31] {
            assert_eq!(s.regs[31], 8);
            o.wen = true;
            o.dst_ra = true;
        }
        return (a, b, Some(o));
    }
    // Which register changed (all are set so that a write is visible, except writes of the
    // same value, which we resolve by the expected destination).
    let changed: Vec<usize> = (1..32).filter(|&r| s.regs[r] != before[r]).collect();
    assert!(changed.len() <= 1, "{w:#x}: several registers changed");
    if let Some(&r) = changed.first() {
        o.wen = true;
        o.dst_rd = r == rd && r != rt;
        o.out = s.regs[r];
    }
    (a, b, Some(o))
}

/// All the events of the semantic test: every op, edge and random operands and fields.
#[allow(clippy::explicit_counter_loop)]
fn events(rng: &mut StdRng, per_op_random: usize) -> Vec<AluEvent> {
    let mut out = Vec::new();
    for &op in OPS.iter() {
        let mut n = 0;
        let mut tries = 0;
        let mut values: Vec<(u32, u32)> = EDGES.iter().flat_map(|&a| EDGES.iter().map(move |&b| (a, b))).collect();
        values.extend((0..per_op_random).map(|_| (rng.gen(), rng.gen())));
        for (a, b) in values {
            // Free fields: random, plus edges on the first few.
            let imm16 = if n < 6 { [0, 1, 0x7FFF, 0x8000, 0xFFFF, 0x1234][n] } else { rng.gen::<u32>() & 0xFFFF };
            let sa = if n < 4 { [0, 1, 31, 16][n] } else { rng.gen_range(0..32) };
            let mut w = None;
            while w.is_none() && tries < 1000 {
                tries += 1;
                let rd2 = rng.gen_range(0..32);
                w = word(op, imm16, if w.is_none() && tries > 1 { rng.gen_range(0..32) } else { sa }, rd2);
            }
            let w = w.expect("a valid word");
            if evaluate(w, a, b).is_some() {
                out.push(AluEvent { word: w, a, b });
            }
            n += 1;
        }
    }
    out
}

#[test]
fn evaluate_matches_the_vm() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut checked = 0;
    for &op in OPS.iter() {
        for i in 0..60 {
            let (a, b) = if i < 36 { (EDGES[i % 6], EDGES[i / 6]) } else { (rng.gen(), rng.gen()) };
            let (imm16, sa, rd2) = (rng.gen::<u32>() & 0xFFFF, rng.gen_range(0..32), rng.gen_range(0..32));
            // Branch offsets 1 and 2 would make taken and not-taken look alike here.
            let imm16 = if matches!(imm16, 1 | 2) { 3 } else { imm16 };
            let Some(w) = word(op, imm16, sa, rd2) else { continue };
            let (a, b, vm) = run_vm(w, a, b);
            let ours = evaluate(w, a, b);
            match (vm, ours) {
                (None, None) => {}
                (Some(v), Some(o)) => {
                    assert_eq!(o.is_branch, v.is_branch, "{op:?} {w:#x}");
                    if o.is_branch {
                        assert_eq!(
                            (o.out, o.wen, o.dst_ra, o.is_likely),
                            (v.out, v.wen, v.dst_ra, v.is_likely),
                            "{op:?}"
                        );
                    } else if o.wen {
                        // The VM shows a write only if the value changed.
                        if v.wen {
                            assert_eq!(o.out, v.out, "{op:?} {w:#x} a={a:#x} b={b:#x}");
                        }
                        let dst = if o.dst_rd { w >> 11 & 31 } else { w >> 16 & 31 };
                        assert_ne!(dst, 0);
                    } else {
                        assert!(!v.wen, "{op:?} {w:#x} wrote");
                    }
                }
                (v, o) => panic!("{op:?} {w:#x} a={a:#x} b={b:#x}: vm {v:?}, ours {o:?}"),
            }
            checked += 1;
        }
    }
    assert!(checked > 3_000);
}

#[test]
fn non_alu_words_are_rejected() {
    // lw, jr, mult, syscall, an invalid word.
    for w in [0x8C43_0000u32, 0x03E0_0008, 0x0043_0018, 0x0000_000C, 0xEC00_0000] {
        assert_eq!(evaluate(w, 1, 2), None);
    }
}

#[test]
#[should_panic(expected = "traps")]
fn trapping_event_panics() {
    // teq $8, $9 with equal values.
    generate_trace(&[AluEvent { word: word(Op::Teq, 0, 0, 0).unwrap(), a: 3, b: 3 }]);
}

#[test]
#[should_panic(expected = "overflows")]
fn overflowing_event_panics() {
    generate_trace(&[AluEvent { word: word(Op::Add, 0, 0, 0).unwrap(), a: 0x7FFF_FFFF, b: 1 }]);
}

#[test]
fn realistic_trace_satisfies_the_constraints() {
    let mut rng = StdRng::seed_from_u64(2);
    let evs = events(&mut rng, 6);
    let trace = generate_trace(&evs);
    assert!(trace[0].len() <= 1 << 12);
    check_constraints(&AluStark, &trace, &[]).unwrap();
}

fn small_trace() -> Vec<PolynomialValues<F>> {
    let mut rng = StdRng::seed_from_u64(3);
    let mut evs = Vec::new();
    for &op in OPS.iter() {
        'found: loop {
            let (a, b): (u32, u32) = (rng.gen(), rng.gen());
            let Some(w) = word(op, rng.gen::<u32>() & 0xFFFF, rng.gen_range(0..32), rng.gen_range(0..32)) else {
                continue;
            };
            // `tne`/`tnei` only pass on equal operands.
            for (a, b) in [(a, b), (a, a), (w as u16 as i16 as i32 as u32, b)] {
                if evaluate(w, a, b).is_some() {
                    evs.push(AluEvent { word: w, a, b });
                    break 'found;
                }
            }
        }
    }
    generate_trace(&evs)
}

#[test]
fn stark_low_degree() {
    test_stark_low_degree(AluStark).unwrap();
}

#[test]
fn stark_circuit_constraints() {
    test_stark_circuit_constraints::<F, C, AluStark, D>(AluStark).unwrap();
}

#[test]
fn prove_and_verify() {
    let config = stark_config();
    let t0 = std::time::Instant::now();
    let trace = small_trace();
    check_constraints(&AluStark, &trace, &[]).unwrap();
    let t1 = t0.elapsed();
    let proof = prove::<F, C, AluStark, D>(AluStark, &config, trace, &[], None, &mut TimingTree::default()).unwrap();
    let t2 = t0.elapsed();
    verify_stark_proof(AluStark, proof, &config, None).unwrap();
    eprintln!("trace+check {t1:?}, prove {t2:?}, verify {:?}", t0.elapsed());
}

#[test]
#[ignore = "slow: builds a recursion circuit"]
fn recursive_verification() {
    let config = stark_config();
    let proof =
        prove::<F, C, AluStark, D>(AluStark, &config, small_trace(), &[], None, &mut TimingTree::default()).unwrap();
    verify_stark_proof(AluStark, proof.clone(), &config, None).unwrap();
    let degree_bits = proof.proof.recover_degree_bits(&config);
    let mut builder = CircuitBuilder::<F, D>::new(CircuitConfig::standard_recursion_config());
    let mut pw = PartialWitness::new();
    let pt = add_virtual_stark_proof_with_pis(&mut builder, &AluStark, &config, degree_bits, 0, 0);
    set_stark_proof_with_pis_target(&mut pw, &pt, &proof, degree_bits, builder.zero()).unwrap();
    verify_stark_proof_circuit::<F, C, AluStark, D>(&mut builder, AluStark, pt, &config, None);
    let data = builder.build::<C>();
    let p = data.prove(pw).unwrap();
    data.verify(p).unwrap();
}

// ---- Lying traces.

fn fe(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// The rows of one event (first row mutable through the closure), padded, checked.
fn lie(ev: AluEvent, edit: impl FnOnce(&mut AluColumns<F>)) -> Vec<PolynomialValues<F>> {
    let mut rows = generate_rows(&[ev]);
    edit(AluColumns::view_mut(&mut rows[0]));
    let mut pad = vec![F::ZERO; NUM_COLUMNS];
    let p = AluColumns::view_mut(&mut pad);
    p.p_lo = F::ONE;
    p.pw = F::ONE;
    trace_columns(rows, &pad, 16)
}

fn ev(op: Op, a: u32, b: u32) -> AluEvent {
    AluEvent { word: word(op, 0x1234, 3, 7).unwrap(), a, b }
}

fn rejected(trace: &[PolynomialValues<F>]) {
    assert!(check_constraints(&AluStark, trace, &[]).is_err(), "a lying trace satisfies the constraints");
}

fn flag(op: Op) -> usize {
    op_index(op).unwrap()
}

#[test]
fn honest_single_rows_pass() {
    for e in
        [ev(Op::Addu, 5, 7), ev(Op::Beq, 1, 1), ev(Op::Movz, 3, 0), ev(Op::Srl, 0, 0x80), ev(Op::Ins, 0xAB, 0xFFFF)]
    {
        check_constraints(&AluStark, &lie(e, |_| {}), &[]).unwrap();
    }
}

#[test]
fn wrong_result_is_rejected() {
    rejected(&lie(ev(Op::Addu, 5, 7), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Xor, 5, 7), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Sra, 0, 0x8000_0000), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Clz, 0x10, 0), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Ext, 0xFFFF_FFFF, 0), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Ins, 0xAB, 0xFFFF), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Seb, 0, 0x80), |r| r.out += F::ONE));
}

#[test]
fn wrong_taken_bit_is_rejected() {
    rejected(&lie(ev(Op::Beq, 1, 1), |r| r.out = F::ZERO));
    rejected(&lie(ev(Op::Bltz, 1, 0), |r| r.out = F::ONE));
    rejected(&lie(ev(Op::Blez, 0, 0), |r| r.out = F::ZERO));
}

#[test]
fn wrong_wen_is_rejected() {
    rejected(&lie(ev(Op::Movz, 3, 0), |r| r.wen = F::ZERO));
    rejected(&lie(ev(Op::Movn, 3, 0), |r| r.wen = F::ONE));
    rejected(&lie(ev(Op::Teq, 3, 4), |r| r.wen = F::ONE));
}

#[test]
fn wrong_limb_is_rejected() {
    rejected(&lie(ev(Op::Sll, 0, 0x1234_5678), |r| r.x[0] += F::ONE));
    rejected(&lie(ev(Op::Subu, 9, 7), |r| r.x[1] += F::ONE));
}

#[test]
fn another_op_with_the_same_fields_is_rejected() {
    // srl claims rotr (rs distinguishes), srlv claims rotrv (shamt), bltz claims bgez (rt),
    // seb claims seh (shamt), slt claims sltu (funct).
    for (from, to) in
        [(Op::Srl, Op::Rotr), (Op::Srlv, Op::Rotrv), (Op::Bltz, Op::Bgez), (Op::Seb, Op::Seh), (Op::Slt, Op::Sltu)]
    {
        rejected(&lie(ev(from, 0x8000_0001, 0x8000_0001), |r| {
            r.op[flag(from)] = F::ZERO;
            r.op[flag(to)] = F::ONE;
        }));
    }
}

#[test]
fn a_trap_that_traps_is_rejected() {
    // teq with a == b: the adder's difference is 0, so zero = 1, which teq forbids.
    let t = lie(ev(Op::Teq, 5, 6), |r| {
        r.b = fe(5);
        r.c_bits = core::array::from_fn(|i| fe((5 >> i) & 1));
        r.x = [F::ZERO; 2];
        r.zero = F::ONE;
        r.inv = F::ZERO;
    });
    rejected(&t);
    // tge with a > b: borrow 0, which tge forbids.
    let t = lie(ev(Op::Tge, 5, 6), |r| {
        r.b = fe(4);
        r.c_bits = core::array::from_fn(|i| fe((4 >> i) & 1));
        r.x = [fe(1), F::ZERO];
        r.carry = F::ZERO;
    });
    rejected(&t);
}

#[test]
fn an_overflowing_add_needs_an_out_of_range_limb() {
    // 0x7fffffff + 1 as `add`: start from the honest `addu` row and relabel it.
    let mk = |y_lo: u64| {
        lie(ev(Op::Addu, 0x7FFF_FFFF, 1), |r| {
            r.op[flag(Op::Addu)] = F::ZERO;
            r.op[flag(Op::Add)] = F::ONE;
            r.funct = fe(0x20);
            r.y[0] = fe(y_lo);
        })
    };
    // Every in-range y_lo fails; the only satisfying one is 2·0x8000 = 2^16, which the RANGE16
    // lookup rejects (that part of the argument lives in the CTL, not in this table's AIR).
    for y_lo in [0, 1, 0x8000, 0xFFFF] {
        rejected(&mk(y_lo));
    }
    check_constraints(&AluStark, &mk(1 << 16), &[]).unwrap();
}

#[test]
fn shifter_wraparound_is_rejected() {
    // sll of 0 by 0 claimed as 1 through x = 1, y = 2^32 - 1: b·pw = x + y·2^32 holds in the
    // field (it is p), but y_hi = 0xffff has no inverse witness.
    let t = lie(ev(Op::Sll, 0, 0), |r| {
        r.out = F::ONE;
        r.x = [F::ONE, F::ZERO];
        r.y = [fe(0xFFFF), fe(0xFFFF)];
    });
    rejected(&t);
}

#[test]
fn lying_trace_fails_prove_and_verify() {
    let mut rows = generate_rows(&[ev(Op::Addu, 5, 7), ev(Op::Beq, 1, 2)]);
    AluColumns::view_mut(&mut rows[0]).out += F::ONE;
    let mut pad = vec![F::ZERO; NUM_COLUMNS];
    let p = AluColumns::view_mut(&mut pad);
    p.p_lo = F::ONE;
    p.pw = F::ONE;
    let trace = trace_columns(rows, &pad, 16);
    let config = stark_config();
    let result = std::panic::catch_unwind(|| {
        let proof = prove::<F, C, AluStark, D>(AluStark, &config, trace, &[], None, &mut TimingTree::default())?;
        verify_stark_proof(AluStark, proof, &config, None)
    });
    assert!(!matches!(result, Ok(Ok(()))), "a lying trace was proven");
}

#[test]
fn ctl_and_range_columns_have_the_documented_shape() {
    assert_eq!(range_checked_columns().len(), 4);
    let _ = ctl_looked();
    // The CTL's `a` and `imm16` are combinations; check them on a row.
    let rows = generate_rows(&[ev(Op::Addiu, 0xDEAD_BEEF, 0)]);
    let r = AluColumns::view(&rows[0]);
    let a: u64 = r.a_bits.iter().enumerate().map(|(i, b)| b.to_canonical_u64() << i).sum();
    assert_eq!(a, 0xDEAD_BEEF);
    println!("ALU columns: {NUM_COLUMNS}");
}
