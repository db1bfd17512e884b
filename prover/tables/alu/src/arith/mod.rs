//! The arithmetic table: the ALU operations that need no bit decomposition of their operands
//! (add/sub, compares, traps, conditional branches, `lui`, `movz`/`movn`) — most ALU
//! instructions of real programs. The bitwise table (`crate::AluStark`) proves the rest.
//!
//! Pipeline position: the CPU looks up its `is_arith` rows here through the `ARITH` lookup,
//! whose tuple is that of `ALU` (see `zkmips_stark::ctl`). Operands are 16-bit limbs (and a
//! sign bit) range-checked through `RANGE16`, not 32 bit columns, so a row has
//! [`NUM_ARITH_COLUMNS`] columns instead of the bitwise table's.
//!
//! Soundness of the class split: the CPU's `is_arith` and `is_bits` flags are not checked
//! against the word by the CPU; a row flagged `is_arith` must find its tuple here, and this
//! table's rows only exist with one kind flag and variant bits whose encoding constraints pin
//! `opcode`, `funct`, `rs`, `rt`, `shamt` to one operation of [`crate::ARITH_OPS`] (as
//! `zkmips_isa::decode` accepts it). So a word of another class cannot be claimed
//! `is_arith`, and likewise for `is_bits` and the bitwise table.

mod air;
mod columns;
mod ctl;
mod trace;

pub use air::ArithStark;
pub use columns::{arith_col_map, kind, ArithColumns, NUM_ARITH_COLUMNS};
pub use ctl::{arith_ctl_looked, arith_range_checked};
pub use trace::{arith_padding_row, generate_arith_rows, generate_arith_trace};

use zkmips_isa::Op;

/// How an operation is selected on a row: its kind and variant bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub kind: usize,
    pub imm: bool,
    pub timm: bool,
    pub unsigned: bool,
    pub likely: bool,
    pub link: bool,
}

/// The kind and variant bits of `op`, if the arithmetic table proves it.
pub fn selector(op: Op) -> Option<Selector> {
    use kind::*;
    let s = |kind| Selector { kind, ..Selector::default() };
    let imm = |kind, unsigned| Selector { kind, imm: true, unsigned, ..Selector::default() };
    let u = |kind| Selector { kind, unsigned: true, ..Selector::default() };
    let t = |kind, unsigned| Selector { kind, timm: true, unsigned, ..Selector::default() };
    let l = |kind| Selector { kind, likely: true, ..Selector::default() };
    let al = |kind, likely| Selector { kind, link: true, likely, ..Selector::default() };
    Some(match op {
        Op::Add => s(ADD),
        Op::Addu => u(ADD),
        Op::Addi => imm(ADD, false),
        Op::Addiu => imm(ADD, true),
        Op::Sub => s(SUB),
        Op::Subu => u(SUB),
        Op::Slt => s(SLT),
        Op::Sltu => u(SLT),
        Op::Slti => imm(SLT, false),
        Op::Sltiu => imm(SLT, true),
        Op::Tge => s(TGE),
        Op::Tgeu => u(TGE),
        Op::Tgei => t(TGE, false),
        Op::Tgeiu => t(TGE, true),
        Op::Tlt => s(TLT),
        Op::Tltu => u(TLT),
        Op::Tlti => t(TLT, false),
        Op::Tltiu => t(TLT, true),
        Op::Teq => s(TEQ),
        Op::Teqi => t(TEQ, false),
        Op::Tne => s(TNE),
        Op::Tnei => t(TNE, false),
        Op::Beq => s(BEQ),
        Op::Beql => l(BEQ),
        Op::Bne => s(BNE),
        Op::Bnel => l(BNE),
        Op::Blez => s(BLEZ),
        Op::Blezl => l(BLEZ),
        Op::Bgtz => s(BGTZ),
        Op::Bgtzl => l(BGTZ),
        Op::Bltz => s(BLTZ),
        Op::Bltzl => l(BLTZ),
        Op::Bltzal => al(BLTZ, false),
        Op::Bltzall => al(BLTZ, true),
        Op::Bgez => s(BGEZ),
        Op::Bgezl => l(BGEZ),
        Op::Bgezal => al(BGEZ, false),
        Op::Bgezall => al(BGEZ, true),
        Op::Movz => s(MOVZ),
        Op::Movn => s(MOVN),
        Op::Lui => s(LUI),
        _ => return None,
    })
}
