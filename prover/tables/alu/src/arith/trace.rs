//! Trace generation of the arithmetic table: one row per [`AluEvent`], padded to a power of
//! two with all-zero rows (no kind flag, so every CTL filters them out).

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::AluEvent;
use zkmips_stark::testing::trace_columns;
use zkmips_stark::F;

use super::air::{C_IS_B, SUBLIKE, TESTS_ZERO};
use super::columns::{kind::*, ArithColumns, NUM_ARITH_COLUMNS};
use super::selector;
use crate::ops::{execute, Reject};

/// Smallest trace height.
const MIN_ROWS: usize = 16;

fn fe(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// A padding row: all zero.
pub fn arith_padding_row() -> Vec<F> {
    vec![F::ZERO; NUM_ARITH_COLUMNS]
}

/// The row of one event.
fn event_row(ev: &AluEvent) -> Vec<F> {
    let (word, a, b) = (ev.word, ev.a, ev.b);
    let (op, o) = match execute(word, a, b) {
        Ok(r) => r,
        Err(Reject::NotAlu) => panic!("arith event {word:#010x} is not an ALU instruction"),
        Err(Reject::Traps) => panic!("arith event {word:#010x} (a = {a:#x}, b = {b:#x}) traps; the VM stops there"),
        Err(Reject::Overflows) => {
            panic!("arith event {word:#010x} (a = {a:#x}, b = {b:#x}) overflows; the VM stops there")
        }
    };
    let s = selector(op).unwrap_or_else(|| panic!("arith event {word:#010x} ({op:?}) belongs to the bitwise table"));
    let mut row = arith_padding_row();
    let r = ArithColumns::view_mut(&mut row);
    r.kind[s.kind] = F::ONE;
    r.imm = fe(s.imm as u64);
    r.timm = fe(s.timm as u64);
    r.unsigned = fe(s.unsigned as u64);
    r.likely = fe(s.likely as u64);
    r.link = fe(s.link as u64);
    r.opcode = fe((word >> 26) as u64);
    r.rs = fe(((word >> 21) & 31) as u64);
    r.rt = fe(((word >> 16) & 31) as u64);
    r.rd = fe(((word >> 11) & 31) as u64);
    r.shamt = fe(((word >> 6) & 31) as u64);
    r.funct = fe((word & 63) as u64);
    r.a_lo = fe((a & 0xFFFF) as u64);
    r.a_mid = fe(((a >> 16) & 0x7FFF) as u64);
    r.a_sign = fe((a >> 31) as u64);
    r.b_lo = fe((b & 0xFFFF) as u64);
    r.b_mid = fe(((b >> 16) & 0x7FFF) as u64);
    r.b_sign = fe((b >> 31) as u64);
    r.imm_sign = fe(((word >> 15) & 1) as u64);
    r.out = fe(o.out as u64);
    r.wen = fe(o.wen as u64);

    let c: u32 = if s.imm || s.timm {
        word as u16 as i16 as i32 as u32
    } else if C_IS_B.contains(&s.kind) {
        b
    } else {
        0
    };
    r.c = fe(c as u64);
    r.c_sign = fe((c >> 31) as u64);

    let adder = if s.kind == ADD {
        let sum = a as u64 + c as u64;
        Some((sum & 0xFFFF_FFFF, sum >> 32))
    } else if SUBLIKE.contains(&s.kind) {
        let signed = matches!(s.kind, SLT | TGE | TLT) && !s.unsigned;
        let (a2, c2) = if signed { (a ^ (1 << 31), c ^ (1 << 31)) } else { (a, c) };
        Some((a2.wrapping_sub(c2) as u64, (a2 < c2) as u64))
    } else if matches!(s.kind, MOVZ | MOVN) {
        Some((b as u64, 0))
    } else {
        None
    };
    if let Some((x, carry)) = adder {
        r.x_lo = fe(x & 0xFFFF);
        r.x_hi = fe(x >> 16);
        r.carry = fe(carry);
        let (a31, c31) = ((a >> 31) as u64, (c >> 31) as u64);
        let e = match s.kind {
            ADD if !s.unsigned => Some(a31 + c31 - carry),
            SUB if !s.unsigned => Some(carry + a31 - c31),
            _ => None,
        };
        if let Some(e) = e {
            r.ovf = fe(2 * (x >> 16) - (e << 16));
        }
        if TESTS_ZERO.contains(&s.kind) {
            r.zero = fe((x == 0) as u64);
            r.inv = fe(x).try_inverse().unwrap_or(F::ZERO);
        }
    }
    row
}

/// The arithmetic table's trace of `events`, in order.
///
/// # Panics
/// On an event whose word is not an arithmetic-table instruction (see [`crate::is_arith`]),
/// or that traps or overflows (the VM stops on those, so they never reach the prover).
pub fn generate_arith_trace(events: &[AluEvent]) -> Vec<PolynomialValues<F>> {
    trace_columns(generate_arith_rows(events), &arith_padding_row(), MIN_ROWS)
}

/// The rows of the trace before padding (for tests that edit them).
pub fn generate_arith_rows(events: &[AluEvent]) -> Vec<Vec<F>> {
    events.iter().map(event_row).collect()
}
