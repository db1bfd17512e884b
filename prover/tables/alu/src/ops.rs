//! The operations of the ALU table: their encodings and their semantics, read from
//! `prover/vm/src/machine.rs` (the source of truth; the tests run both on the same inputs).

use zkmips_isa::{decode, Op};

/// Number of operations of the bitwise table (one flag column each).
pub const NUM_OPS: usize = 22;

/// The operations of the bitwise table (`AluStark`), in the order of its flag columns: those
/// whose constraints need the bits of their operands.
pub const OPS: [Op; NUM_OPS] = [
    Op::Sll,
    Op::Srl,
    Op::Sra,
    Op::Rotr,
    Op::Sllv,
    Op::Srlv,
    Op::Srav,
    Op::Rotrv,
    Op::And,
    Op::Or,
    Op::Xor,
    Op::Nor,
    Op::Clz,
    Op::Clo,
    Op::Andi,
    Op::Ori,
    Op::Xori,
    Op::Ext,
    Op::Ins,
    Op::Wsbh,
    Op::Seb,
    Op::Seh,
];

/// Number of operations of the arithmetic table.
pub const NUM_ARITH_OPS: usize = 41;

/// The operations of the arithmetic table (`ArithStark`): those that need no bit decomposition.
pub const ARITH_OPS: [Op; NUM_ARITH_OPS] = [
    Op::Movz,
    Op::Movn,
    Op::Add,
    Op::Addu,
    Op::Sub,
    Op::Subu,
    Op::Slt,
    Op::Sltu,
    Op::Tge,
    Op::Tgeu,
    Op::Tlt,
    Op::Tltu,
    Op::Teq,
    Op::Tne,
    Op::Tgei,
    Op::Tgeiu,
    Op::Tlti,
    Op::Tltiu,
    Op::Teqi,
    Op::Tnei,
    Op::Bltz,
    Op::Bgez,
    Op::Bltzl,
    Op::Bgezl,
    Op::Bltzal,
    Op::Bgezal,
    Op::Bltzall,
    Op::Bgezall,
    Op::Beq,
    Op::Bne,
    Op::Blez,
    Op::Bgtz,
    Op::Beql,
    Op::Bnel,
    Op::Blezl,
    Op::Bgtzl,
    Op::Addi,
    Op::Addiu,
    Op::Slti,
    Op::Sltiu,
    Op::Lui,
];

/// Whether the arithmetic table (rather than the bitwise table) proves `op`.
pub fn is_arith(op: Op) -> bool {
    ARITH_OPS.contains(&op)
}

/// Position of `op`'s flag column, if the bitwise table proves `op`.
pub fn op_index(op: Op) -> Option<usize> {
    OPS.iter().position(|&o| o == op)
}

/// The fields that select an operation (and the reserved fields the decoder checks for it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pattern {
    pub opcode: u32,
    pub funct: Option<u32>,
    pub rs: Option<u32>,
    pub rt: Option<u32>,
    pub shamt: Option<u32>,
}

/// The encoding of `op` (an element of [`OPS`] or [`ARITH_OPS`]), as `zkmips_isa::decode` accepts it.
pub fn pattern(op: Op) -> Pattern {
    let special =
        |funct, rs: Option<u32>, shamt: Option<u32>| Pattern { opcode: 0, funct: Some(funct), rs, rt: None, shamt };
    let regimm = |rt| Pattern { opcode: 1, rt: Some(rt), ..Pattern::default() };
    let opc = |opcode| Pattern { opcode, ..Pattern::default() };
    let opc_rt0 = |opcode| Pattern { opcode, rt: Some(0), ..Pattern::default() };
    let special3 = |funct, rs, shamt| Pattern { opcode: 31, funct: Some(funct), rs, rt: None, shamt };
    match op {
        Op::Sll => special(0x00, Some(0), None),
        Op::Srl => special(0x02, Some(0), None),
        Op::Sra => special(0x03, Some(0), None),
        Op::Rotr => special(0x02, Some(1), None),
        Op::Sllv => special(0x04, None, Some(0)),
        Op::Srlv => special(0x06, None, Some(0)),
        Op::Srav => special(0x07, None, Some(0)),
        Op::Rotrv => special(0x06, None, Some(1)),
        Op::Movz => special(0x0A, None, Some(0)),
        Op::Movn => special(0x0B, None, Some(0)),
        Op::Add => special(0x20, None, Some(0)),
        Op::Addu => special(0x21, None, Some(0)),
        Op::Sub => special(0x22, None, Some(0)),
        Op::Subu => special(0x23, None, Some(0)),
        Op::And => special(0x24, None, Some(0)),
        Op::Or => special(0x25, None, Some(0)),
        Op::Xor => special(0x26, None, Some(0)),
        Op::Nor => special(0x27, None, Some(0)),
        Op::Slt => special(0x2A, None, Some(0)),
        Op::Sltu => special(0x2B, None, Some(0)),
        Op::Tge => special(0x30, None, None),
        Op::Tgeu => special(0x31, None, None),
        Op::Tlt => special(0x32, None, None),
        Op::Tltu => special(0x33, None, None),
        Op::Teq => special(0x34, None, None),
        Op::Tne => special(0x36, None, None),
        Op::Clz => Pattern { opcode: 28, funct: Some(0x20), shamt: Some(0), ..Pattern::default() },
        Op::Clo => Pattern { opcode: 28, funct: Some(0x21), shamt: Some(0), ..Pattern::default() },
        Op::Bltz => regimm(0x00),
        Op::Bgez => regimm(0x01),
        Op::Bltzl => regimm(0x02),
        Op::Bgezl => regimm(0x03),
        Op::Tgei => regimm(0x08),
        Op::Tgeiu => regimm(0x09),
        Op::Tlti => regimm(0x0A),
        Op::Tltiu => regimm(0x0B),
        Op::Teqi => regimm(0x0C),
        Op::Tnei => regimm(0x0E),
        Op::Bltzal => regimm(0x10),
        Op::Bgezal => regimm(0x11),
        Op::Bltzall => regimm(0x12),
        Op::Bgezall => regimm(0x13),
        Op::Beq => opc(4),
        Op::Bne => opc(5),
        Op::Blez => opc_rt0(6),
        Op::Bgtz => opc_rt0(7),
        Op::Beql => opc(20),
        Op::Bnel => opc(21),
        Op::Blezl => opc_rt0(22),
        Op::Bgtzl => opc_rt0(23),
        Op::Addi => opc(8),
        Op::Addiu => opc(9),
        Op::Slti => opc(10),
        Op::Sltiu => opc(11),
        Op::Andi => opc(12),
        Op::Ori => opc(13),
        Op::Xori => opc(14),
        Op::Lui => Pattern { opcode: 15, rs: Some(0), ..Pattern::default() },
        Op::Ext => special3(0x00, None, None),
        Op::Ins => special3(0x04, None, None),
        Op::Wsbh => special3(0x20, Some(0), Some(0x02)),
        Op::Seb => special3(0x20, Some(0), Some(0x10)),
        Op::Seh => special3(0x20, Some(0), Some(0x18)),
        _ => panic!("{op:?} is not an ALU-table operation"),
    }
}

/// What the ALU table says about one instruction (the CTL's result columns).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AluOutput {
    /// The value written, or for a conditional branch 1 if taken and 0 if not.
    pub out: u32,
    /// The instruction writes a register.
    pub wen: bool,
    /// The destination is `rd` (else `rt`, or `$ra` when `dst_ra`).
    pub dst_rd: bool,
    /// The destination is `$ra` (branch-and-link; the CPU writes `pc + 8`).
    pub dst_ra: bool,
    /// A conditional branch.
    pub is_branch: bool,
    /// A "likely" conditional branch.
    pub is_likely: bool,
}

/// Why an event cannot be proven by the ALU table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reject {
    /// The word does not decode to an ALU-table operation.
    NotAlu,
    /// The trap condition holds (the VM stops).
    Traps,
    /// `add`/`addi`/`sub` overflows (the VM stops).
    Overflows,
}

/// The outcome of the instruction `word` with `a = rs` and `b = rt` (values before it runs).
///
/// `None` if `word` is not an operation of either ALU table, and also if the instruction traps or
/// overflows: the VM stops there, so no proven trace contains such an event.
pub fn evaluate(word: u32, a: u32, b: u32) -> Option<AluOutput> {
    execute(word, a, b).ok().map(|(_, o)| o)
}

pub(crate) fn execute(word: u32, a: u32, b: u32) -> Result<(Op, AluOutput), Reject> {
    let insn = decode(word).map_err(|_| Reject::NotAlu)?;
    let op = insn.op;
    if op_index(op).is_none() && !is_arith(op) {
        return Err(Reject::NotAlu);
    }
    let imm = insn.imm;
    let sa = insn.sa as u32;
    let (sa_, sb) = (a as i32, b as i32);
    let write = |out: u32| AluOutput { out, wen: true, ..AluOutput::default() };
    let rd = |out: u32| AluOutput { dst_rd: true, ..write(out) };
    let check = |trapped: bool| if trapped { Err(Reject::Traps) } else { Ok(AluOutput::default()) };
    let branch = |taken: bool, likely: bool, link: bool| AluOutput {
        out: taken as u32,
        wen: link,
        dst_rd: false,
        dst_ra: link,
        is_branch: true,
        is_likely: likely,
    };
    let o = match op {
        Op::Sll => rd(b << sa),
        Op::Srl => rd(b >> sa),
        Op::Sra => rd((sb >> sa) as u32),
        Op::Rotr => rd(b.rotate_right(sa)),
        Op::Sllv => rd(b << (a & 31)),
        Op::Srlv => rd(b >> (a & 31)),
        Op::Srav => rd((sb >> (a & 31)) as u32),
        Op::Rotrv => rd(b.rotate_right(a & 31)),
        Op::Movz => AluOutput { wen: b == 0, ..rd(a) },
        Op::Movn => AluOutput { wen: b != 0, ..rd(a) },
        Op::Add => rd(sa_.checked_add(sb).ok_or(Reject::Overflows)? as u32),
        Op::Addu => rd(a.wrapping_add(b)),
        Op::Sub => rd(sa_.checked_sub(sb).ok_or(Reject::Overflows)? as u32),
        Op::Subu => rd(a.wrapping_sub(b)),
        Op::And => rd(a & b),
        Op::Or => rd(a | b),
        Op::Xor => rd(a ^ b),
        Op::Nor => rd(!(a | b)),
        Op::Slt => rd((sa_ < sb) as u32),
        Op::Sltu => rd((a < b) as u32),
        Op::Clz => rd(a.leading_zeros()),
        Op::Clo => rd(a.leading_ones()),
        Op::Tge => check(sa_ >= sb)?,
        Op::Tgeu => check(a >= b)?,
        Op::Tlt => check(sa_ < sb)?,
        Op::Tltu => check(a < b)?,
        Op::Teq => check(a == b)?,
        Op::Tne => check(a != b)?,
        Op::Tgei => check(sa_ >= imm as i32)?,
        Op::Tgeiu => check(a >= imm)?,
        Op::Tlti => check(sa_ < imm as i32)?,
        Op::Tltiu => check(a < imm)?,
        Op::Teqi => check(a == imm)?,
        Op::Tnei => check(a != imm)?,
        Op::Bltz => branch(sa_ < 0, false, false),
        Op::Bgez => branch(sa_ >= 0, false, false),
        Op::Bltzl => branch(sa_ < 0, true, false),
        Op::Bgezl => branch(sa_ >= 0, true, false),
        Op::Bltzal => branch(sa_ < 0, false, true),
        Op::Bgezal => branch(sa_ >= 0, false, true),
        Op::Bltzall => branch(sa_ < 0, true, true),
        Op::Bgezall => branch(sa_ >= 0, true, true),
        Op::Beq => branch(a == b, false, false),
        Op::Bne => branch(a != b, false, false),
        Op::Blez => branch(sa_ <= 0, false, false),
        Op::Bgtz => branch(sa_ > 0, false, false),
        Op::Beql => branch(a == b, true, false),
        Op::Bnel => branch(a != b, true, false),
        Op::Blezl => branch(sa_ <= 0, true, false),
        Op::Bgtzl => branch(sa_ > 0, true, false),
        Op::Addi => write(sa_.checked_add(imm as i32).ok_or(Reject::Overflows)? as u32),
        Op::Addiu => write(a.wrapping_add(imm)),
        Op::Slti => write((sa_ < imm as i32) as u32),
        Op::Sltiu => write((a < imm) as u32),
        Op::Andi => write(a & imm),
        Op::Ori => write(a | imm),
        Op::Xori => write(a ^ imm),
        Op::Lui => write(imm),
        Op::Ext => {
            // `insn.rd` is the size (1..=32) here; the word's field holds size - 1.
            let mask = ((1u64 << insn.rd) - 1) as u32;
            write((a >> sa) & mask)
        }
        Op::Ins => {
            let size = insn.rd as u32 - sa + 1;
            let mask = (((1u64 << size) - 1) as u32) << sa;
            write((b & !mask) | ((a << sa) & mask))
        }
        Op::Wsbh => rd(((b & 0x00FF_00FF) << 8) | ((b >> 8) & 0x00FF_00FF)),
        Op::Seb => rd(b as i8 as i32 as u32),
        Op::Seh => rd(b as i16 as i32 as u32),
        _ => unreachable!("{op:?} is an ALU operation"),
    };
    Ok((op, o))
}
