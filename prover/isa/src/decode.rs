//! Decoding of MIPS32r2 instruction words into [`Insn`].
//!
//! Every user-mode integer instruction of MIPS32 release 2 decodes; reserved fields that the
//! architecture requires to be zero are checked, so a word that a real CPU would reject as a
//! Reserved Instruction never runs here either. Floating-point, coprocessor and privileged
//! encodings are rejected: the VM has no FPU (guests are soft-float) and runs in user mode.

/// What an instruction does. Operand fields are in [`Insn`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Op {
    // Shifts and rotations.
    Sll,
    Srl,
    Sra,
    Rotr,
    Sllv,
    Srlv,
    Srav,
    Rotrv,
    // Jumps through registers.
    Jr,
    Jalr,
    // Conditional moves.
    Movz,
    Movn,
    // System.
    Syscall,
    Break,
    Sync,
    // hi/lo.
    Mfhi,
    Mthi,
    Mflo,
    Mtlo,
    Mult,
    Multu,
    Div,
    Divu,
    Madd,
    Maddu,
    Msub,
    Msubu,
    Mul,
    // Register arithmetic and logic.
    Add,
    Addu,
    Sub,
    Subu,
    And,
    Or,
    Xor,
    Nor,
    Slt,
    Sltu,
    Clz,
    Clo,
    // Traps on register comparison.
    Tge,
    Tgeu,
    Tlt,
    Tltu,
    Teq,
    Tne,
    // Traps on immediate comparison.
    Tgei,
    Tgeiu,
    Tlti,
    Tltiu,
    Teqi,
    Tnei,
    // Branches; the `L` forms are "likely" (the delay slot is skipped when not taken), `Al` link.
    Bltz,
    Bgez,
    Bltzl,
    Bgezl,
    Bltzal,
    Bgezal,
    Bltzall,
    Bgezall,
    Beq,
    Bne,
    Blez,
    Bgtz,
    Beql,
    Bnel,
    Blezl,
    Bgtzl,
    J,
    Jal,
    // Immediate arithmetic and logic.
    Addi,
    Addiu,
    Slti,
    Sltiu,
    Andi,
    Ori,
    Xori,
    Lui,
    // Bit fields and byte shuffles.
    Ext,
    Ins,
    Wsbh,
    Seb,
    Seh,
    Rdhwr,
    // Loads and stores.
    Lb,
    Lh,
    Lwl,
    Lw,
    Lbu,
    Lhu,
    Lwr,
    Sb,
    Sh,
    Swl,
    Sw,
    Swr,
    Ll,
    Sc,
    /// Cache hints with no architectural effect here (PREF, SYNCI).
    Nop,
    /// Never returned by [`decode`]: marks a word that failed to decode in a pre-decoded cache,
    /// so that its error surfaces only if it is executed.
    Invalid,
}

/// A decoded instruction.
///
/// `imm` is pre-processed for the op: sign-extended for arithmetic, loads, stores and traps;
/// zero-extended for `andi`/`ori`/`xori`; shifted left 16 for `lui`; the byte offset
/// (sign-extended, times 4) for branches; the 26-bit target times 4 for `j`/`jal`. For `ext` and
/// `ins`, `sa` is the lowest bit and `rd` the size (`ext`) or the highest bit (`ins`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Insn {
    pub op: Op,
    pub rs: u8,
    pub rt: u8,
    pub rd: u8,
    pub sa: u8,
    pub imm: u32,
}

/// A word that is not a valid user-mode MIPS32r2 integer instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub word: u32,
    pub reason: &'static str,
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "invalid instruction {:#010x}: {}", self.word, self.reason)
    }
}

impl core::error::Error for DecodeError {}

#[inline]
fn fields(word: u32) -> (u8, u8, u8, u8, u8) {
    (
        ((word >> 21) & 31) as u8,
        ((word >> 16) & 31) as u8,
        ((word >> 11) & 31) as u8,
        ((word >> 6) & 31) as u8,
        (word & 63) as u8,
    )
}

/// Decodes one instruction word.
pub fn decode(word: u32) -> Result<Insn, DecodeError> {
    let err = |reason| Err(DecodeError { word, reason });
    let (rs, rt, rd, sa, funct) = fields(word);
    let opcode = word >> 26;
    let simm = word as u16 as i16 as i32 as u32;
    let zimm = word & 0xFFFF;
    let mk = |op, imm| Ok(Insn { op, rs, rt, rd, sa, imm });
    // Reserved-field checks: `zero` lists which of (rs, rt, rd, sa) must be zero.
    let need = |op: Op, zero: [bool; 4]| {
        let vals = [rs, rt, rd, sa];
        if zero.iter().zip(vals).any(|(&z, v)| z && v != 0) {
            Err(DecodeError { word, reason: "reserved field is not zero" })
        } else {
            Ok(Insn { op, rs, rt, rd, sa, imm: 0 })
        }
    };
    const RS: [bool; 4] = [true, false, false, false];
    const SA: [bool; 4] = [false, false, false, true];
    const RD_SA: [bool; 4] = [false, false, true, true];
    const RT_RD_SA: [bool; 4] = [false, true, true, true];
    const RS_RT_SA: [bool; 4] = [true, true, false, true];
    const NONE: [bool; 4] = [false; 4];
    match opcode {
        0 => match funct {
            0x00 => need(Op::Sll, RS),
            0x02 => match rs {
                0 => need(Op::Srl, NONE),
                1 => need(Op::Rotr, NONE),
                _ => err("reserved field is not zero"),
            },
            0x03 => need(Op::Sra, RS),
            0x04 => need(Op::Sllv, SA),
            0x06 => match sa {
                0 => need(Op::Srlv, NONE),
                1 => need(Op::Rotrv, NONE),
                _ => err("reserved field is not zero"),
            },
            0x07 => need(Op::Srav, SA),
            // Bit 10 (sa bit 4) is the hazard-barrier hint of jr.hb/jalr.hb.
            0x08 if sa & 0xF == 0 => need(Op::Jr, [false, true, true, false]),
            0x09 if sa & 0xF == 0 => need(Op::Jalr, [false, true, false, false]),
            0x08 | 0x09 => err("reserved field is not zero"),
            0x0A => need(Op::Movz, SA),
            0x0B => need(Op::Movn, SA),
            0x0C => mk(Op::Syscall, 0),
            0x0D => mk(Op::Break, 0),
            0x0F => need(Op::Sync, [true, true, true, false]),
            0x10 => need(Op::Mfhi, RS_RT_SA),
            0x11 => need(Op::Mthi, RT_RD_SA),
            0x12 => need(Op::Mflo, RS_RT_SA),
            0x13 => need(Op::Mtlo, RT_RD_SA),
            0x18 => need(Op::Mult, RD_SA),
            0x19 => need(Op::Multu, RD_SA),
            0x1A => need(Op::Div, RD_SA),
            0x1B => need(Op::Divu, RD_SA),
            0x20 => need(Op::Add, SA),
            0x21 => need(Op::Addu, SA),
            0x22 => need(Op::Sub, SA),
            0x23 => need(Op::Subu, SA),
            0x24 => need(Op::And, SA),
            0x25 => need(Op::Or, SA),
            0x26 => need(Op::Xor, SA),
            0x27 => need(Op::Nor, SA),
            0x2A => need(Op::Slt, SA),
            0x2B => need(Op::Sltu, SA),
            0x30 => mk(Op::Tge, 0),
            0x31 => mk(Op::Tgeu, 0),
            0x32 => mk(Op::Tlt, 0),
            0x33 => mk(Op::Tltu, 0),
            0x34 => mk(Op::Teq, 0),
            0x36 => mk(Op::Tne, 0),
            0x01 => err("MOVF/MOVT need the floating-point unit"),
            _ => err("reserved SPECIAL function"),
        },
        1 => {
            let branch = simm << 2;
            match rt {
                0x00 => mk(Op::Bltz, branch),
                0x01 => mk(Op::Bgez, branch),
                0x02 => mk(Op::Bltzl, branch),
                0x03 => mk(Op::Bgezl, branch),
                0x08 => mk(Op::Tgei, simm),
                0x09 => mk(Op::Tgeiu, simm),
                0x0A => mk(Op::Tlti, simm),
                0x0B => mk(Op::Tltiu, simm),
                0x0C => mk(Op::Teqi, simm),
                0x0E => mk(Op::Tnei, simm),
                0x10 => mk(Op::Bltzal, branch),
                0x11 => mk(Op::Bgezal, branch),
                0x12 => mk(Op::Bltzall, branch),
                0x13 => mk(Op::Bgezall, branch),
                0x1F => mk(Op::Nop, 0), // SYNCI: no instruction cache to synchronise.
                _ => err("reserved REGIMM function"),
            }
        }
        2 => mk(Op::J, (word & 0x03FF_FFFF) << 2),
        3 => mk(Op::Jal, (word & 0x03FF_FFFF) << 2),
        4 => mk(Op::Beq, simm << 2),
        5 => mk(Op::Bne, simm << 2),
        6 if rt == 0 => mk(Op::Blez, simm << 2),
        7 if rt == 0 => mk(Op::Bgtz, simm << 2),
        8 => mk(Op::Addi, simm),
        9 => mk(Op::Addiu, simm),
        10 => mk(Op::Slti, simm),
        11 => mk(Op::Sltiu, simm),
        12 => mk(Op::Andi, zimm),
        13 => mk(Op::Ori, zimm),
        14 => mk(Op::Xori, zimm),
        15 if rs == 0 => mk(Op::Lui, zimm << 16),
        20 => mk(Op::Beql, simm << 2),
        21 => mk(Op::Bnel, simm << 2),
        22 if rt == 0 => mk(Op::Blezl, simm << 2),
        23 if rt == 0 => mk(Op::Bgtzl, simm << 2),
        6 | 7 | 15 | 22 | 23 => err("reserved field is not zero"),
        28 => match funct {
            0x00 => need(Op::Madd, RD_SA),
            0x01 => need(Op::Maddu, RD_SA),
            0x02 => need(Op::Mul, SA),
            0x04 => need(Op::Msub, RD_SA),
            0x05 => need(Op::Msubu, RD_SA),
            0x20 => need(Op::Clz, SA),
            0x21 => need(Op::Clo, SA),
            0x3F => err("SDBBP is a debug trap"),
            _ => err("reserved SPECIAL2 function"),
        },
        31 => match funct {
            // EXT: rd holds msbd (size - 1), sa holds lsb; lsb + size must not exceed 32.
            0x00 => {
                let size = rd as u32 + 1;
                if sa as u32 + size > 32 {
                    return err("EXT field extends past bit 31");
                }
                Ok(Insn { op: Op::Ext, rs, rt, rd: size as u8, sa, imm: 0 })
            }
            // INS: rd holds msb, sa holds lsb; msb must not be below lsb.
            0x04 => {
                if rd < sa {
                    return err("INS msb is below lsb");
                }
                mk(Op::Ins, 0)
            }
            0x20 => match sa {
                0x02 => need(Op::Wsbh, RS),
                0x10 => need(Op::Seb, RS),
                0x18 => need(Op::Seh, RS),
                _ => err("reserved BSHFL function"),
            },
            0x3B => need(Op::Rdhwr, [true, false, false, true]),
            _ => err("reserved SPECIAL3 function"),
        },
        32 => mk(Op::Lb, simm),
        33 => mk(Op::Lh, simm),
        34 => mk(Op::Lwl, simm),
        35 => mk(Op::Lw, simm),
        36 => mk(Op::Lbu, simm),
        37 => mk(Op::Lhu, simm),
        38 => mk(Op::Lwr, simm),
        40 => mk(Op::Sb, simm),
        41 => mk(Op::Sh, simm),
        42 => mk(Op::Swl, simm),
        43 => mk(Op::Sw, simm),
        46 => mk(Op::Swr, simm),
        48 => mk(Op::Ll, simm),
        51 => mk(Op::Nop, 0), // PREF: a hint.
        56 => mk(Op::Sc, simm),
        16 | 47 => err("privileged instruction (coprocessor 0 or CACHE)"),
        17 | 19 | 49 | 53 | 57 | 61 => err("floating-point instruction (the VM has no FPU)"),
        18 | 50 | 54 | 58 | 62 => err("coprocessor 2 instruction"),
        _ => err("reserved opcode"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_common_words() {
        // addiu $sp, $sp, -32
        let i = decode(0x27BD_FFE0).unwrap();
        assert_eq!((i.op, i.rs, i.rt, i.imm), (Op::Addiu, 29, 29, (-32i32) as u32));
        // jr $ra
        assert_eq!(decode(0x03E0_0008).unwrap().op, Op::Jr);
        // jr.hb $ra
        assert_eq!(decode(0x03E0_0408).unwrap().op, Op::Jr);
        // nop, ssnop, ehb are all sll $0,$0,n
        assert_eq!(decode(0).unwrap().op, Op::Sll);
        assert_eq!(decode(0xC0).unwrap().op, Op::Sll);
        // rotr $2,$3,4 ; srl with rs=1
        assert_eq!(decode(0x0023_1102).unwrap().op, Op::Rotr);
        // ext $2,$3,4,8: msbd=7 in rd, lsb=4 in sa
        let e = decode(0x7C62_3900).unwrap();
        assert_eq!((e.op, e.rd, e.sa), (Op::Ext, 8, 4));
        // rdhwr $3,$29
        assert_eq!(decode(0x7C03_E83B).unwrap().op, Op::Rdhwr);
        // lui $1, 0x1234
        assert_eq!(decode(0x3C01_1234).unwrap().imm, 0x1234_0000);
    }

    #[test]
    fn rejects_reserved_and_fpu() {
        // addu with sa != 0
        assert!(decode(0x0043_0861).is_err());
        // lwc1
        assert!(decode(0xC400_0000).is_err());
        // mfc0
        assert!(decode(0x4000_0000).is_err());
        // ext with lsb + size > 32: lsb=20, msbd=15
        assert!(decode(0x7C62_7D00).is_err());
        // ins with msb < lsb: msb=3 lsb=4
        assert!(decode(0x7C62_1904).is_err());
        // reserved opcode 0x3b
        assert!(decode(0xEC00_0000).is_err());
        // lui with rs != 0
        assert!(decode(0x3C21_0001).is_err());
    }
}
