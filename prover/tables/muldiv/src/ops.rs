//! The operations of the table, their encodings, and their semantics (as `zkmips-vm`'s
//! `Machine::step` defines them; the tests compare the two on every operation).

use zkmips_isa::{decode, Op};
use zkmips_stark::events::{MemAccess, MulDivEvent};
use zkmips_stark::layout::{reg, reg_addr, slot, ts};

use crate::columns::NUM_OPS;

/// Major opcode of SPECIAL2 (`madd`, `mul`, ...); the others are SPECIAL (opcode 0).
pub const SPECIAL2: u32 = 0x1C;

/// `(op, opcode, funct)` in the order of the flags of [`crate::columns::OpFlags`].
pub const OPS: [(Op, u32, u32); NUM_OPS] = [
    (Op::Mfhi, 0, 0x10),
    (Op::Mthi, 0, 0x11),
    (Op::Mflo, 0, 0x12),
    (Op::Mtlo, 0, 0x13),
    (Op::Mult, 0, 0x18),
    (Op::Multu, 0, 0x19),
    (Op::Div, 0, 0x1A),
    (Op::Divu, 0, 0x1B),
    (Op::Madd, SPECIAL2, 0x00),
    (Op::Maddu, SPECIAL2, 0x01),
    (Op::Msub, SPECIAL2, 0x04),
    (Op::Msubu, SPECIAL2, 0x05),
    (Op::Mul, SPECIAL2, 0x02),
];

/// Position of `op` in [`OPS`] (its flag), or `None` if this table does not prove it.
pub fn op_index(op: Op) -> Option<usize> {
    OPS.iter().position(|&(o, _, _)| o == op)
}

/// Signed operations: their operands (and `div`'s remainder) are two's complement.
pub fn is_signed(op: Op) -> bool {
    matches!(op, Op::Mult | Op::Mul | Op::Madd | Op::Msub | Op::Div)
}

/// What an instruction of this table does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MulDivOutput {
    /// Value written to rd when `wen` (0 otherwise).
    pub out: u32,
    /// Writes rd (`mfhi`, `mflo`, `mul`).
    pub wen: bool,
    /// hi and lo after the instruction.
    pub hi: u32,
    pub lo: u32,
}

/// Runs one instruction of this table on `a` (rs), `b` (rt) and the old hi/lo. `None` if the
/// word does not decode to a multiply, divide or hi/lo move.
pub fn evaluate(word: u32, a: u32, b: u32, hi: u32, lo: u32) -> Option<MulDivOutput> {
    let op = decode(word).ok()?.op;
    op_index(op)?;
    Some(evaluate_op(op, a, b, hi, lo))
}

/// [`evaluate`] for an operation of [`OPS`].
pub(crate) fn evaluate_op(op: Op, a: u32, b: u32, hi: u32, lo: u32) -> MulDivOutput {
    let hilo = ((hi as u64) << 32) | lo as u64;
    let sprod = (a as i32 as i64).wrapping_mul(b as i32 as i64) as u64;
    let uprod = a as u64 * b as u64;
    let set = |v: u64| MulDivOutput { out: 0, wen: false, hi: (v >> 32) as u32, lo: v as u32 };
    let keep = MulDivOutput { out: 0, wen: false, hi, lo };
    match op {
        Op::Mfhi => MulDivOutput { out: hi, wen: true, ..keep },
        Op::Mflo => MulDivOutput { out: lo, wen: true, ..keep },
        Op::Mthi => MulDivOutput { hi: a, ..keep },
        Op::Mtlo => MulDivOutput { lo: a, ..keep },
        Op::Mult => set(sprod),
        Op::Multu => set(uprod),
        // Division by zero: lo = -1 (rs >= 0) or 1 (rs < 0), hi = rs, as the VM defines it.
        Op::Div if b == 0 => MulDivOutput { hi: a, lo: if (a as i32) < 0 { 1 } else { u32::MAX }, ..keep },
        Op::Div => MulDivOutput {
            hi: (a as i32).wrapping_rem(b as i32) as u32,
            lo: (a as i32).wrapping_div(b as i32) as u32,
            ..keep
        },
        Op::Divu if b == 0 => MulDivOutput { hi: a, lo: u32::MAX, ..keep },
        Op::Divu => MulDivOutput { hi: a % b, lo: a / b, ..keep },
        Op::Madd => set(hilo.wrapping_add(sprod)),
        Op::Maddu => set(hilo.wrapping_add(uprod)),
        Op::Msub => set(hilo.wrapping_sub(sprod)),
        Op::Msubu => set(hilo.wrapping_sub(uprod)),
        Op::Mul => MulDivOutput { out: sprod as u32, wen: true, ..keep },
        _ => unreachable!("{op:?} is not a MulDiv operation"),
    }
}

/// Writes hi (`mthi`, products other than `mul`, divisions).
pub fn writes_hi(op: Op) -> bool {
    !matches!(op, Op::Mfhi | Op::Mflo | Op::Mtlo | Op::Mul)
}

/// Writes lo (`mtlo`, products other than `mul`, divisions).
pub fn writes_lo(op: Op) -> bool {
    !matches!(op, Op::Mfhi | Op::Mflo | Op::Mthi | Op::Mul)
}

/// The memory accesses this table looks up for `ev` (through `MEM`), in slot order: the
/// prover must put exactly these, and no other hi/lo accesses of multiply/divide instructions,
/// in the memory table. `madd`/`msub` do not read hi/lo separately: their writes carry the old
/// values as `before`, which the memory argument proves.
///
/// # Panics
/// If `ev.word` is not an instruction of this table.
pub fn mem_accesses(ev: &MulDivEvent) -> Vec<MemAccess> {
    let op = decode(ev.word).ok().filter(|i| op_index(i.op).is_some()).expect("a MulDiv instruction").op;
    let res = evaluate_op(op, ev.a, ev.b, ev.hi, ev.lo);
    let mut acc = Vec::with_capacity(2);
    let read = ts(ev.clk, slot::HILO_READ);
    let write = ts(ev.clk, slot::HILO_WRITE);
    match op {
        Op::Mfhi => acc.push(MemAccess { addr: reg_addr(reg::HI), ts: read, before: ev.hi, after: ev.hi }),
        Op::Mflo => acc.push(MemAccess { addr: reg_addr(reg::LO), ts: read, before: ev.lo, after: ev.lo }),
        _ => {}
    }
    if writes_hi(op) {
        acc.push(MemAccess { addr: reg_addr(reg::HI), ts: write, before: ev.hi, after: res.hi });
    }
    if writes_lo(op) {
        acc.push(MemAccess { addr: reg_addr(reg::LO), ts: write, before: ev.lo, after: res.lo });
    }
    acc
}
