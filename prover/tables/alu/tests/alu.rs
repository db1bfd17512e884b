//! Tests of the bitwise ALU table: the standard starky tests, the semantics against the VM, realistic
//! traces, and lying traces.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::util::timing::TimingTree;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use starky::prover::prove;
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use starky::verifier::verify_stark_proof;
use zkmips_isa::Op;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::AluEvent;
use zkmips_stark::testing::{check_constraints, recursive_round_trip_with_queries, trace_columns};
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_alu::*;

mod common;
use common::*;

#[test]
fn evaluate_matches_the_vm() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut checked = 0;
    for &op in OPS.iter().chain(ARITH_OPS.iter()) {
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
fn realistic_trace_satisfies_the_constraints() {
    let mut rng = StdRng::seed_from_u64(2);
    let evs = events(&OPS, &mut rng, 6);
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
fn recursive_verification() {
    // Eight FRI queries instead of 84: the verifier circuit repeats per query, so fewer keep
    // the test fast without leaving any of the table's constraints unchecked in the circuit.
    recursive_round_trip_with_queries(AluStark, small_trace(), &[], 8).unwrap();
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
    for e in [ev(Op::Xor, 5, 7), ev(Op::Andi, 0xFFFF_FFFF, 3), ev(Op::Srl, 0, 0x80), ev(Op::Ins, 0xAB, 0xFFFF)] {
        check_constraints(&AluStark, &lie(e, |_| {}), &[]).unwrap();
    }
}

#[test]
fn wrong_result_is_rejected() {
    rejected(&lie(ev(Op::Xor, 5, 7), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Sra, 0, 0x8000_0000), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Clz, 0x10, 0), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Ext, 0xFFFF_FFFF, 0), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Ins, 0xAB, 0xFFFF), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Seb, 0, 0x80), |r| r.out += F::ONE));
}

#[test]
fn wrong_limb_is_rejected() {
    rejected(&lie(ev(Op::Sll, 0, 0x1234_5678), |r| r.x[0] += F::ONE));
    rejected(&lie(ev(Op::Sllv, 3, 0x1234_5678), |r| r.y[0] += F::ONE));
}

#[test]
fn another_op_with_the_same_fields_is_rejected() {
    // srl claims rotr (rs distinguishes), srlv claims rotrv (shamt), seb claims seh (shamt),
    // and claims or (funct).
    for (from, to) in [(Op::Srl, Op::Rotr), (Op::Srlv, Op::Rotrv), (Op::Seb, Op::Seh), (Op::And, Op::Or)] {
        rejected(&lie(ev(from, 0x8000_0001, 0x8000_0001), |r| {
            r.op[flag(from)] = F::ZERO;
            r.op[flag(to)] = F::ONE;
        }));
    }
}

#[test]
fn an_arithmetic_op_is_rejected_here() {
    // The bitwise table holds no encoding of the arithmetic table's operations: an `xor` row
    // whose fields say `addu` (funct 0x21) or `sub` (0x22) fails, whatever flag it keeps.
    for funct in [0x21, 0x22] {
        rejected(&lie(ev(Op::Xor, 5, 7), |r| r.funct = fe(funct)));
    }
    assert!(std::panic::catch_unwind(|| generate_trace(&[ev(Op::Addu, 5, 7)])).is_err());
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
    let mut rows = generate_rows(&[ev(Op::Xor, 5, 7), ev(Op::Sll, 1, 2)]);
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
    let rows = generate_rows(&[ev(Op::Andi, 0xDEAD_BEEF, 0)]);
    let r = AluColumns::view(&rows[0]);
    let a: u64 = r.a_bits.iter().enumerate().map(|(i, b)| b.to_canonical_u64() << i).sum();
    assert_eq!(a, 0xDEAD_BEEF);
    println!("bitwise ALU columns: {NUM_COLUMNS}");
}
