//! Shared helpers of the MulDiv tests: instruction words, events over edge values, and the VM
//! as the reference.
#![allow(dead_code)]

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zkmips_isa::Op;
use zkmips_stark::events::MulDivEvent;
use zkmips_stark::F;
use zkmips_table_muldiv::ops::OPS;
use zkmips_vm::{Machine, NoTrace, Program, State};

/// Registers holding `a` and `b`, and the destination of `mul`/`mfhi`/`mflo`.
pub const RS: u32 = 8;
pub const RT: u32 = 9;
pub const RD: u32 = 10;

/// Edge values of a 32-bit operand.
pub const EDGES: [u32; 14] = [
    0,
    1,
    2,
    3,
    7,
    0xFFFF,
    0x1_0000,
    0x7FFF_FFFF,
    0x8000_0000,
    0x8000_0001,
    0xFFFF_FFF9,
    0xFFFF_FFFE,
    0xFFFF_FFFF,
    0x1234_5678,
];

pub fn all_ops() -> Vec<Op> {
    OPS.iter().map(|&(op, _, _)| op).collect()
}

/// The instruction word of `op` with the register fields its encoding allows (the others 0).
pub fn word(op: Op) -> u32 {
    let &(_, opcode, funct) = OPS.iter().find(|(o, _, _)| *o == op).unwrap();
    let (rs, rt, rd) = match op {
        Op::Mfhi | Op::Mflo => (0, 0, RD),
        Op::Mthi | Op::Mtlo => (RS, 0, 0),
        Op::Mul => (RS, RT, RD),
        _ => (RS, RT, 0),
    };
    opcode << 26 | rs << 21 | rt << 16 | rd << 11 | funct
}

/// The event of `op` with registers `RS = a`, `RT = b`: `a`/`b` are what the CPU reads (0 for a
/// field that is 0 in the word).
pub fn event(clk: u64, op: Op, a: u32, b: u32, hi: u32, lo: u32) -> MulDivEvent {
    let w = word(op);
    let reg = |field: u32| match field {
        RS => a,
        RT => b,
        _ => 0,
    };
    MulDivEvent { clk, word: w, a: reg((w >> 21) & 31), b: reg((w >> 16) & 31), hi, lo }
}

/// Runs the event's instruction in the VM: `(hi, lo, value of rd)` after it.
pub fn vm_run(ev: &MulDivEvent) -> (u32, u32, u32) {
    let program = Program::from_raw(&ev.word.to_le_bytes(), false).unwrap();
    let mut state = State::new(&program, &[], &[], vec![]).unwrap();
    state.regs[((ev.word >> 21) & 31) as usize] = ev.a;
    state.regs[((ev.word >> 16) & 31) as usize] = ev.b;
    state.regs[0] = 0;
    state.hi = ev.hi;
    state.lo = ev.lo;
    let mut m = Machine::from_state(state);
    m.step(&mut NoTrace).unwrap();
    (m.state.hi, m.state.lo, m.state.regs[RD as usize])
}

/// Every operation on edge-value pairs (hi/lo varying), plus random operands: < 2^12 events.
pub fn edge_and_random_events(seed: u64, random: usize) -> Vec<MulDivEvent> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut evs = Vec::new();
    let mut clk = 100u64;
    for op in all_ops() {
        for (i, &a) in EDGES.iter().enumerate() {
            for (j, &b) in EDGES.iter().enumerate() {
                let two_operands = !matches!(op, Op::Mfhi | Op::Mflo | Op::Mthi | Op::Mtlo);
                if j > 0 && !two_operands {
                    break;
                }
                let hi = EDGES[(i + 3 * j) % EDGES.len()];
                let lo = EDGES[(5 * i + j + 1) % EDGES.len()];
                evs.push(event(clk, op, a, b, hi, lo));
                clk += 1;
            }
        }
        // Moves: hi/lo edge values too.
        if matches!(op, Op::Mfhi | Op::Mflo) {
            for &v in &EDGES {
                evs.push(event(clk, op, 0, 0, v, !v));
                clk += 1;
            }
        }
    }
    let ops = all_ops();
    for _ in 0..random {
        let op = ops[rng.gen_range(0..ops.len())];
        // Small divisors and operands near the edges now and then.
        let pick = |rng: &mut StdRng| match rng.gen_range(0..4) {
            0 => rng.gen_range(0..16),
            1 => EDGES[rng.gen_range(0..EDGES.len())].wrapping_add(rng.gen_range(0..3)),
            _ => rng.gen(),
        };
        let (a, b, hi, lo) = (pick(&mut rng), pick(&mut rng), rng.gen(), rng.gen());
        evs.push(event(clk, op, a, b, hi, lo));
        clk += rng.gen_range(1..5);
    }
    evs
}

pub fn get(trace: &[PolynomialValues<F>], row: usize, col: usize) -> u64 {
    trace[col].values[row].to_canonical_u64()
}

pub fn set(trace: &mut [PolynomialValues<F>], row: usize, col: usize, v: u64) {
    trace[col].values[row] = F::from_canonical_u64(v);
}

/// Writes a 32-bit value into two limb columns.
pub fn set_word(trace: &mut [PolynomialValues<F>], row: usize, limbs: [usize; 2], v: u32) {
    set(trace, row, limbs[0], v as u64 & 0xFFFF);
    set(trace, row, limbs[1], v as u64 >> 16);
}
