//! `evaluate` against the VM, and the encodings of the operations.

mod common;

use common::*;
use zkmips_isa::{decode, Op};
use zkmips_stark::layout::{reg, reg_addr, slot, ts};
use zkmips_table_muldiv::{evaluate, mem_accesses};

#[test]
fn evaluate_matches_vm_on_edges_and_random_values() {
    let evs = edge_and_random_events(1, 1500);
    for ev in &evs {
        let res = evaluate(ev.word, ev.a, ev.b, ev.hi, ev.lo).expect("a MulDiv word");
        let (hi, lo, rd) = vm_run(ev);
        assert_eq!((res.hi, res.lo), (hi, lo), "{ev:?}");
        let op = decode(ev.word).unwrap().op;
        assert_eq!(res.wen, matches!(op, Op::Mfhi | Op::Mflo | Op::Mul), "{ev:?}");
        if res.wen {
            assert_eq!(res.out, rd, "{ev:?}");
        } else {
            assert_eq!(res.out, 0, "{ev:?}");
        }
    }
}

#[test]
fn division_edge_cases() {
    let div = |op, a: u32, b: u32| evaluate(word(op), a, b, 0x1111, 0x2222).unwrap();
    // Division by zero: hi = rs, lo = -1 (or 1 for a negative dividend of div).
    assert_eq!((div(Op::Div, 5, 0).hi, div(Op::Div, 5, 0).lo), (5, u32::MAX));
    assert_eq!((div(Op::Div, (-5i32) as u32, 0).hi, div(Op::Div, (-5i32) as u32, 0).lo), ((-5i32) as u32, 1));
    assert_eq!((div(Op::Divu, 0x8000_0000, 0).hi, div(Op::Divu, 0x8000_0000, 0).lo), (0x8000_0000, u32::MAX));
    // i32::MIN / -1 wraps.
    let r = div(Op::Div, 0x8000_0000, u32::MAX);
    assert_eq!((r.hi, r.lo), (0, 0x8000_0000));
    // Truncation toward zero; the remainder has the dividend's sign.
    let r = div(Op::Div, (-7i32) as u32, 2);
    assert_eq!((r.hi as i32, r.lo as i32), (-1, -3));
    for ev in [event(0, Op::Div, 5, 0, 1, 2), event(0, Op::Div, 0x8000_0000, u32::MAX, 1, 2)] {
        let res = evaluate(ev.word, ev.a, ev.b, ev.hi, ev.lo).unwrap();
        let (hi, lo, _) = vm_run(&ev);
        assert_eq!((res.hi, res.lo), (hi, lo));
    }
}

#[test]
fn mul_keeps_hi_and_lo() {
    let r = evaluate(word(Op::Mul), 0x8000_0000, 3, 7, 9).unwrap();
    assert_eq!((r.out, r.wen, r.hi, r.lo), (0x8000_0000, true, 7, 9));
}

#[test]
fn other_words_are_not_muldiv() {
    let add = 8 << 21 | 9 << 16 | 10 << 11 | 0x21; // addu
    let clz = 0x1C << 26 | 8 << 21 | 10 << 16 | 10 << 11 | 0x20;
    let mfhi_bad_rs = word(Op::Mfhi) | 1 << 21; // reserved rs != 0
    let mult_bad_rd = word(Op::Mult) | 1 << 11; // reserved rd != 0
    for w in [add, clz, mfhi_bad_rs, mult_bad_rd, 0xFFFF_FFFF] {
        assert_eq!(evaluate(w, 1, 2, 3, 4), None, "{w:#x}");
    }
}

#[test]
fn op_table_matches_decoder() {
    for op in all_ops() {
        assert_eq!(decode(word(op)).unwrap().op, op);
    }
}

#[test]
fn memory_accesses_per_operation() {
    let (hi_addr, lo_addr) = (reg_addr(reg::HI), reg_addr(reg::LO));
    let (read, write) = (ts(7, slot::HILO_READ), ts(7, slot::HILO_WRITE));
    let acc = |op| mem_accesses(&event(7, op, 3, 5, 10, 20));
    let tuples = |op| acc(op).iter().map(|m| (m.addr, m.ts, m.before, m.after)).collect::<Vec<_>>();
    assert_eq!(tuples(Op::Mfhi), [(hi_addr, read, 10, 10)]);
    assert_eq!(tuples(Op::Mflo), [(lo_addr, read, 20, 20)]);
    assert_eq!(tuples(Op::Mthi), [(hi_addr, write, 10, 3)]);
    assert_eq!(tuples(Op::Mtlo), [(lo_addr, write, 20, 3)]);
    assert_eq!(tuples(Op::Mult), [(hi_addr, write, 10, 0), (lo_addr, write, 20, 15)]);
    assert_eq!(tuples(Op::Madd), [(hi_addr, write, 10, 10), (lo_addr, write, 20, 35)]);
    assert_eq!(tuples(Op::Divu), [(hi_addr, write, 10, 3), (lo_addr, write, 20, 0)]);
    assert!(tuples(Op::Mul).is_empty());
}
