//! Tests of the arithmetic table: the standard starky tests, realistic traces of every
//! operation against the shared semantics, and lying traces.

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
use zkmips_table_alu::arith::*;
use zkmips_table_alu::*;

mod common;
use common::*;

#[test]
fn every_arith_op_has_a_selector_and_only_those() {
    for &op in ARITH_OPS.iter() {
        assert!(selector(op).is_some(), "{op:?}");
    }
    for &op in OPS.iter() {
        assert!(selector(op).is_none(), "{op:?}");
    }
    println!("arith columns: {NUM_ARITH_COLUMNS}");
    assert_eq!(NUM_ARITH_COLUMNS, 44);
}

/// No row accepts the word of another operation: for each operation's honest row, every other
/// value of the fields the decoding constraints read (every `opcode`; every `funct` under
/// SPECIAL and every `rt` under REGIMM; other `rs`, `rt`, `shamt`) makes the row fail its
/// constraints unless `decode` reads the new word as the same operation. Together with the
/// one-hot kind, no word decodes on a row to two operations.
#[test]
fn a_row_accepts_only_words_of_its_own_operation() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut fields = Vec::new();
    for opcode in 0..64u32 {
        let (functs, rts): (Vec<u32>, Vec<u32>) = match opcode {
            0 => ((0..64).collect(), vec![RT, 0]),
            1 => (vec![0, 0x21], (0..32).collect()),
            _ => (vec![0, 0x21], vec![RT, 0, 1]),
        };
        for &funct in &functs {
            for &rt in &rts {
                for rs in [RS, 0] {
                    for shamt in [0, 5] {
                        fields.push((opcode, rs, rt, shamt, funct));
                    }
                }
            }
        }
    }
    let mut checked = 0;
    for &op in ARITH_OPS.iter() {
        let ev = events(&[op], &mut rng, 0)[0];
        let rd = ev.word >> 11 & 31;
        for &(opcode, rs, rt, shamt, funct) in &fields {
            let w = (opcode << 26) | (rs << 21) | (rt << 16) | (rd << 11) | (shamt << 6) | funct;
            if zkmips_isa::decode(w).is_ok_and(|i| i.op == op) {
                continue;
            }
            let trace = lie(ev, |r| {
                (r.opcode, r.rs, r.rt, r.shamt, r.funct) =
                    (fe(opcode as u64), fe(rs as u64), fe(rt as u64), fe(shamt as u64), fe(funct as u64));
            });
            assert!(check_constraints(&ArithStark, &trace, &[]).is_err(), "a {op:?} row accepts {w:#010x}");
            checked += 1;
        }
    }
    assert!(checked > 41 * 1500, "{checked} words checked");
}

#[test]
fn realistic_trace_satisfies_the_constraints() {
    let mut rng = StdRng::seed_from_u64(2);
    let evs = events(&ARITH_OPS, &mut rng, 10);
    assert!(evs.len() > 1500);
    let trace = generate_arith_trace(&evs);
    check_constraints(&ArithStark, &trace, &[]).unwrap();
    // Every range-checked combination is in range, and the CTL's values are the event's.
    let rows = generate_arith_rows(&evs);
    for (row, ev) in rows.iter().zip(&evs) {
        for terms in arith_range_checked() {
            let v: F = terms.iter().map(|&(c, k)| row[c] * k).sum();
            assert!(v.to_canonical_u64() < 1 << 16, "{:#x}", ev.word);
        }
        let r = ArithColumns::view(row);
        let val = |lo: F, mid: F, sign: F| {
            lo.to_canonical_u64() + (mid.to_canonical_u64() << 16) + (sign.to_canonical_u64() << 31)
        };
        assert_eq!(val(r.a_lo, r.a_mid, r.a_sign), ev.a as u64);
        assert_eq!(val(r.b_lo, r.b_mid, r.b_sign), ev.b as u64);
        let o = evaluate(ev.word, ev.a, ev.b).unwrap();
        assert_eq!((r.out.to_canonical_u64(), r.wen.is_one()), (o.out as u64, o.wen));
    }
}

#[test]
#[should_panic(expected = "traps")]
fn trapping_event_panics() {
    // teq $8, $9 with equal values.
    generate_arith_trace(&[AluEvent { word: word(Op::Teq, 0, 0, 0).unwrap(), a: 3, b: 3 }]);
}

#[test]
#[should_panic(expected = "overflows")]
fn overflowing_event_panics() {
    generate_arith_trace(&[AluEvent { word: word(Op::Add, 0, 0, 0).unwrap(), a: 0x7FFF_FFFF, b: 1 }]);
}

#[test]
#[should_panic(expected = "bitwise")]
fn bitwise_event_panics() {
    generate_arith_trace(&[AluEvent { word: word(Op::Xor, 0, 0, 0).unwrap(), a: 1, b: 2 }]);
}

fn small_trace() -> Vec<PolynomialValues<F>> {
    let mut rng = StdRng::seed_from_u64(3);
    generate_arith_trace(&events(&ARITH_OPS, &mut rng, 0)[..200])
}

#[test]
fn stark_low_degree() {
    test_stark_low_degree(ArithStark).unwrap();
}

#[test]
fn stark_circuit_constraints() {
    test_stark_circuit_constraints::<F, C, ArithStark, D>(ArithStark).unwrap();
}

#[test]
fn prove_and_verify() {
    let config = stark_config();
    let trace = small_trace();
    check_constraints(&ArithStark, &trace, &[]).unwrap();
    let proof =
        prove::<F, C, ArithStark, D>(ArithStark, &config, trace, &[], None, &mut TimingTree::default()).unwrap();
    verify_stark_proof(ArithStark, proof, &config, None).unwrap();
}

#[test]
fn recursive_verification() {
    // Eight FRI queries instead of 84: the verifier circuit repeats per query, so fewer keep
    // the test fast without leaving any of the table's constraints unchecked in the circuit.
    recursive_round_trip_with_queries(ArithStark, small_trace(), &[], 8).unwrap();
}

// ---- Lying traces.

fn fe(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// The row of one event (mutable through the closure), padded.
fn lie(ev: AluEvent, edit: impl FnOnce(&mut ArithColumns<F>)) -> Vec<PolynomialValues<F>> {
    let mut rows = generate_arith_rows(&[ev]);
    edit(ArithColumns::view_mut(&mut rows[0]));
    trace_columns(rows, &arith_padding_row(), 16)
}

fn ev(op: Op, a: u32, b: u32) -> AluEvent {
    AluEvent { word: word(op, 0x1234, 3, 7).unwrap(), a, b }
}

fn rejected(trace: &[PolynomialValues<F>]) {
    assert!(check_constraints(&ArithStark, trace, &[]).is_err(), "a lying trace satisfies the constraints");
}

/// Whether the row's range-checked combinations are all in `0..2^16` (the `RANGE16` lookup's
/// part of the argument, which lives in the CTL, not in this table's AIR).
fn in_range(trace: &[PolynomialValues<F>]) -> bool {
    arith_range_checked().iter().all(|terms| {
        let v: F = terms.iter().map(|&(c, k)| trace[c].values[0] * k).sum();
        v.to_canonical_u64() < 1 << 16
    })
}

#[test]
fn honest_single_rows_pass() {
    for e in [
        ev(Op::Addu, 5, 7),
        ev(Op::Addi, 0x8000_0000, 0),
        ev(Op::Beq, 1, 1),
        ev(Op::Bgezall, 0x8000_0000, 0),
        ev(Op::Movz, 3, 0),
        ev(Op::Slt, 0xFFFF_FFFF, 1),
        ev(Op::Tne, 3, 3),
        ev(Op::Lui, 0, 0),
    ] {
        let t = lie(e, |_| {});
        assert!(in_range(&t));
        check_constraints(&ArithStark, &t, &[]).unwrap();
    }
}

#[test]
fn wrong_result_is_rejected() {
    rejected(&lie(ev(Op::Addu, 5, 7), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Subu, 5, 7), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Sltiu, 5, 7), |r| r.out = F::ONE - r.out));
    rejected(&lie(ev(Op::Lui, 5, 7), |r| r.out += F::ONE));
    rejected(&lie(ev(Op::Movn, 5, 7), |r| r.out += F::ONE));
    // The adder's word along with the result: the sum no longer holds.
    rejected(&lie(ev(Op::Addu, 5, 7), |r| {
        r.out += F::ONE;
        r.x_lo += F::ONE;
    }));
}

#[test]
fn wrong_branch_decision_is_rejected() {
    rejected(&lie(ev(Op::Beq, 1, 1), |r| r.out = F::ZERO));
    rejected(&lie(ev(Op::Bne, 1, 1), |r| r.out = F::ONE));
    rejected(&lie(ev(Op::Bltz, 1, 0), |r| r.out = F::ONE));
    rejected(&lie(ev(Op::Bgezal, 0x8000_0000, 0), |r| r.out = F::ONE));
    rejected(&lie(ev(Op::Blez, 0, 0), |r| r.out = F::ZERO));
    rejected(&lie(ev(Op::Bgtzl, 5, 0), |r| r.out = F::ZERO));
    // beq of unequal values claimed taken through a forged zero flag.
    rejected(&lie(ev(Op::Beq, 1, 2), |r| {
        r.out = F::ONE;
        r.zero = F::ONE;
        r.inv = F::ZERO;
    }));
}

#[test]
fn wrong_sign_is_rejected() {
    // bltz of 0x80000000 claimed not taken: a_sign = 0 needs a_mid = 0x10000 (a_mid holds 15 bits).
    let t = lie(ev(Op::Bltz, 0x8000_0000, 0), |r| {
        r.out = F::ZERO;
        r.a_sign = F::ZERO;
        r.a_mid = fe(0x8000);
    });
    assert!(!in_range(&t));
    // slt -1 < 1 claimed false: with the signs kept, the adder fails.
    rejected(&lie(ev(Op::Slt, 0xFFFF_FFFF, 1), |r| {
        r.out = F::ZERO;
        r.carry = F::ZERO;
    }));
    // Forging a's sign while keeping a's value satisfies the AIR, but a_mid leaves its range.
    let t = lie(ev(Op::Slt, 0xFFFF_FFFF, 1), |r| {
        r.out = F::ZERO;
        r.carry = F::ZERO;
        r.a_sign = F::ZERO;
        r.a_mid += fe(0x8000);
    });
    assert!(!in_range(&t));
    // slti's immediate sign: imm16 = 0x8000 is negative; claiming it positive needs an
    // out-of-range rd combination.
    let e = AluEvent { word: word(Op::Slti, 0x8000, 0, 0).unwrap(), a: 0, b: 0 };
    let t = lie(e, |r| {
        r.imm_sign = F::ZERO;
        r.c = fe(0x8000);
        r.c_sign = F::ZERO;
        r.out = F::ONE;
        r.carry = F::ONE;
        r.x_lo = fe(0x8000);
        r.x_hi = fe(0xFFFF);
    });
    check_constraints(&ArithStark, &t, &[]).unwrap();
    assert!(!in_range(&t));
}

#[test]
fn wrong_wen_is_rejected() {
    rejected(&lie(ev(Op::Movz, 3, 0), |r| r.wen = F::ZERO));
    rejected(&lie(ev(Op::Movn, 3, 0), |r| r.wen = F::ONE));
    rejected(&lie(ev(Op::Teq, 3, 4), |r| r.wen = F::ONE));
    rejected(&lie(ev(Op::Bltzal, 3, 0), |r| r.wen = F::ZERO));
}

#[test]
fn limb_out_of_range_is_caught_by_the_range_check() {
    // subu 5 - 7 with the word's limbs shifted: the adder holds in the field, the limbs do not.
    let t = lie(ev(Op::Subu, 5, 7), |r| {
        r.x_lo += fe(1 << 16);
        r.x_hi -= F::ONE;
    });
    check_constraints(&ArithStark, &t, &[]).unwrap();
    assert!(!in_range(&t));
    rejected(&lie(ev(Op::Subu, 9, 7), |r| r.x_hi += F::ONE));
}

#[test]
fn another_op_with_the_same_fields_is_rejected() {
    type Edit = Box<dyn Fn(&mut ArithColumns<F>)>;
    let cases: [(Op, Edit); 6] = [
        // bltz claims bgez (rt).
        (
            Op::Bltz,
            Box::new(|r| {
                r.kind[kind::BLTZ] = F::ZERO;
                r.kind[kind::BGEZ] = F::ONE;
                r.out = F::ZERO;
            }),
        ),
        // slt claims sltu (funct).
        (Op::Slt, Box::new(|r| r.unsigned = F::ONE)),
        // beq claims beql (opcode).
        (Op::Beq, Box::new(|r| r.likely = F::ONE)),
        // bltz claims bltzal (rt).
        (
            Op::Bltz,
            Box::new(|r| {
                r.link = F::ONE;
                r.wen = F::ONE;
            }),
        ),
        // addu claims addiu (opcode).
        (Op::Addu, Box::new(|r| r.imm = F::ONE)),
        // teq claims tne.
        (
            Op::Teq,
            Box::new(|r| {
                r.kind[kind::TEQ] = F::ZERO;
                r.kind[kind::TNE] = F::ONE;
            }),
        ),
    ];
    for (op, edit) in cases {
        rejected(&lie(ev(op, 0x8000_0001, 0x8000_0002), |r| edit(r)));
    }
}

#[test]
fn a_bitwise_op_is_rejected_here() {
    // An addu row whose fields say `and` (funct 0x24) or `xor` (0x26), or the opcode `andi`.
    rejected(&lie(ev(Op::Addu, 5, 7), |r| r.funct = fe(0x24)));
    rejected(&lie(ev(Op::Addu, 5, 7), |r| r.funct = fe(0x26)));
    rejected(&lie(ev(Op::Addiu, 5, 7), |r| r.opcode = fe(12)));
    // A variant bit on a kind without that variant.
    rejected(&lie(ev(Op::Lui, 5, 7), |r| r.unsigned = F::ONE));
}

#[test]
fn a_trap_that_traps_is_rejected() {
    // teq with a == b: the adder's difference is 0, so zero = 1, which teq forbids.
    rejected(&lie(ev(Op::Teq, 5, 6), |r| {
        r.b_lo = fe(5);
        r.c = fe(5);
        r.x_lo = F::ZERO;
        r.x_hi = F::ZERO;
        r.zero = F::ONE;
        r.inv = F::ZERO;
    }));
    // tge with a > b: borrow 0, which tge forbids.
    rejected(&lie(ev(Op::Tge, 5, 6), |r| {
        r.b_lo = fe(4);
        r.c = fe(4);
        r.x_lo = fe(1);
        r.x_hi = F::ZERO;
        r.carry = F::ZERO;
    }));
}

#[test]
fn an_overflowing_add_needs_an_out_of_range_limb() {
    // 0x7fffffff + 1 as `add`: start from the honest `addu` row and relabel it.
    let mk = |ovf: u64| {
        lie(ev(Op::Addu, 0x7FFF_FFFF, 1), |r| {
            r.unsigned = F::ZERO;
            r.funct = fe(0x20);
            r.ovf = fe(ovf);
        })
    };
    for ovf in [0, 1, 0x8000, 0xFFFF] {
        rejected(&mk(ovf));
    }
    let t = mk(1 << 16);
    check_constraints(&ArithStark, &t, &[]).unwrap();
    assert!(!in_range(&t));
}

#[test]
fn lying_trace_fails_prove_and_verify() {
    let mut rows = generate_arith_rows(&[ev(Op::Addu, 5, 7), ev(Op::Beq, 1, 2)]);
    ArithColumns::view_mut(&mut rows[1]).out = F::ONE;
    let trace = trace_columns(rows, &arith_padding_row(), 16);
    let config = stark_config();
    let result = std::panic::catch_unwind(|| {
        let proof = prove::<F, C, ArithStark, D>(ArithStark, &config, trace, &[], None, &mut TimingTree::default())?;
        verify_stark_proof(ArithStark, proof, &config, None)
    });
    assert!(!matches!(result, Ok(Ok(()))), "a lying trace was proven");
}

#[test]
fn random_operands_agree_with_evaluate() {
    let mut rng = StdRng::seed_from_u64(9);
    for &op in ARITH_OPS.iter() {
        for _ in 0..50 {
            let Some(w) = word(op, rng.gen::<u32>() & 0xFFFF, rng.gen_range(0..32), 0) else { continue };
            let (a, b) = (rng.gen(), if rng.gen() { rng.gen() } else { 0 });
            if evaluate(w, a, b).is_some() {
                check_constraints(&ArithStark, &generate_arith_trace(&[AluEvent { word: w, a, b }]), &[]).unwrap();
            }
        }
    }
}
