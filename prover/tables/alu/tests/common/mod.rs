//! Helpers shared by the tests of both ALU tables: instruction words, the VM as reference, and
//! events covering every operation.
#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::Rng;
use zkmips_isa::{decode, Op};
use zkmips_stark::events::AluEvent;
use zkmips_table_alu::*;

pub const EDGES: [u32; 6] = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1234_5678];
pub const RS: u32 = 8;
pub const RT: u32 = 9;
pub const RD: u32 = 10;

/// A word of `op` with the given free fields (immediate, shift amount or bit field), or None
/// if the decoder rejects that choice.
pub fn word(op: Op, imm16: u32, sa: u32, rd2: u32) -> Option<u32> {
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
pub fn run_vm(w: u32, a: u32, b: u32) -> (u32, u32, Option<AluOutput>) {
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

/// Events of the semantic test: every op of `ops`, edge and random operands and fields.
#[allow(clippy::explicit_counter_loop)]
pub fn events(ops: &[Op], rng: &mut StdRng, per_op_random: usize) -> Vec<AluEvent> {
    let mut out = Vec::new();
    for &op in ops.iter() {
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
