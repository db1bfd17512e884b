//! Trace generation of the bitwise table: one row per [`AluEvent`] (two for `ins`), padded to a power of two with
//! rows that have no operation flag (so every CTL filters them out).

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_isa::Op;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::AluEvent;
use zkmips_stark::testing::trace_columns;
use zkmips_stark::F;

use crate::air::{C_IS_B, C_ZEXT, LEFT_SHIFTS, RIGHT_SHIFTS, SHIFTS};
use crate::columns::{AluColumns, NUM_COLUMNS};
use crate::ops::{execute, op_index, Reject};

/// Smallest trace height.
const MIN_ROWS: usize = 16;

fn fe(v: u64) -> F {
    F::from_canonical_u64(v)
}

fn set_bits(dst: &mut [F], v: u64) {
    for (i, d) in dst.iter_mut().enumerate() {
        *d = fe((v >> i) & 1);
    }
}

fn set_limbs(dst: &mut [F; 2], v: u64) {
    dst[0] = fe(v & 0xFFFF);
    dst[1] = fe(v >> 16);
}

/// A padding row: no operation, `pw = 2^0`.
fn padding_row() -> Vec<F> {
    let mut row = vec![F::ZERO; NUM_COLUMNS];
    let r = AluColumns::view_mut(&mut row);
    r.p_lo = F::ONE;
    r.pw = F::ONE;
    row
}

/// Sets the multiplier `pw = 2^k`.
fn set_power(r: &mut AluColumns<F>, k: u32) {
    set_bits(&mut r.k_bits, k as u64);
    r.p_lo = fe(1 << (k & 7));
    r.pw = fe(1 << k);
}

/// `v·2^k` into the shifter's `x`, `y` and the inverse witnessing `y_hi != 0xffff`.
fn set_product(r: &mut AluColumns<F>, v: u32, k: u32) {
    let prod = (v as u64) << k;
    set_limbs(&mut r.x, prod & 0xFFFF_FFFF);
    set_limbs(&mut r.y, prod >> 32);
    r.inv = (fe(prod >> 48) - fe(0xFFFF)).inverse();
}

/// Mask of the bits `[lsb, lsb + size)`.
fn run(lsb: u32, size: u32) -> u64 {
    ((1u64 << size) - 1) << lsb
}

/// The rows of one event.
fn event_rows(ev: &AluEvent) -> Vec<Vec<F>> {
    let (word, a, b) = (ev.word, ev.a, ev.b);
    let (op, o) = match execute(word, a, b) {
        Ok((op, _)) if op_index(op).is_none() => {
            panic!("ALU event {word:#010x} ({op:?}) belongs to the arithmetic table")
        }
        Ok(r) => r,
        Err(Reject::NotAlu) => panic!("ALU event {word:#010x} is not an ALU-table instruction"),
        Err(Reject::Traps) => panic!("ALU event {word:#010x} (a = {a:#x}, b = {b:#x}) traps; the VM stops there"),
        Err(Reject::Overflows) => {
            panic!("ALU event {word:#010x} (a = {a:#x}, b = {b:#x}) overflows; the VM stops there")
        }
    };
    let mut row = padding_row();
    let mut aux = None;
    let r = AluColumns::view_mut(&mut row);
    r.op[op_index(op).expect("a bitwise op")] = F::ONE;
    let (rs, rt, rd, shamt, funct) =
        ((word >> 21) & 31, (word >> 16) & 31, (word >> 11) & 31, (word >> 6) & 31, word & 63);
    r.rs = fe(rs as u64);
    r.rt = fe(rt as u64);
    r.rd = fe(rd as u64);
    r.shamt = fe(shamt as u64);
    r.funct = fe(funct as u64);
    r.b = fe(b as u64);
    set_bits(&mut r.a_bits, a as u64);
    r.out = fe(o.out as u64);

    let imm16 = word & 0xFFFF;
    let c: u32 = if C_IS_B.contains(&op) {
        b
    } else if C_ZEXT.contains(&op) {
        imm16
    } else {
        match op {
            // Thermometer: the top `out` bits.
            Op::Clz | Op::Clo => (((1u64 << o.out) - 1) << (32 - o.out)) as u32,
            Op::Ext => run(shamt, rd + 1) as u32,
            _ => unreachable!("every operation has a second operand"),
        }
    };
    set_bits(&mut r.c_bits, c as u64);

    // Shifter.
    if SHIFTS.contains(&op) {
        let s = if matches!(op, Op::Sll | Op::Srl | Op::Sra | Op::Rotr) { shamt } else { a & 31 };
        let k = if LEFT_SHIFTS.contains(&op) { s } else { (32 - s) % 32 };
        if RIGHT_SHIFTS.contains(&op) {
            r.nz = fe((s != 0) as u64);
        }
        set_power(r, k);
        set_product(r, b, k);
    }
    if op == Op::Ext {
        set_power(r, shamt);
    }
    if op == Op::Ins {
        let mut next = padding_row();
        let n = AluColumns::view_mut(&mut next);
        n.ins_aux = F::ONE;
        set_power(n, shamt);
        set_product(n, a, shamt);
        n.x = [F::ZERO; 2];
        set_bits(&mut n.a_bits, ((a as u64) << shamt) & 0xFFFF_FFFF);
        set_bits(&mut n.c_bits, run(shamt, rd - shamt + 1));
        aux = Some(next);
    }
    let mut rows = vec![row];
    rows.extend(aux);
    rows
}

/// The bitwise table's trace of `events`, in order.
///
/// # Panics
/// On an event whose word is not a bitwise-table instruction (see [`crate::is_arith`]).
pub fn generate_trace(events: &[AluEvent]) -> Vec<PolynomialValues<F>> {
    trace_columns(generate_rows(events), &padding_row(), MIN_ROWS)
}

/// The rows of the trace before padding (for tests that edit them).
pub fn generate_rows(events: &[AluEvent]) -> Vec<Vec<F>> {
    events.iter().flat_map(event_rows).collect()
}
