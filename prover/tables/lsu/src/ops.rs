//! The operations of the table and their semantics (little-endian, as `zkmips_vm`'s `Machine::step`).

use zkmips_isa::Op;

/// Number of operations.
pub const NUM_OPS: usize = 14;

/// A load or store, in the order of the table's flag columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LsuOp {
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
}

impl LsuOp {
    /// Every operation, in flag order.
    pub const ALL: [LsuOp; NUM_OPS] = [
        LsuOp::Lb,
        LsuOp::Lh,
        LsuOp::Lwl,
        LsuOp::Lw,
        LsuOp::Lbu,
        LsuOp::Lhu,
        LsuOp::Lwr,
        LsuOp::Sb,
        LsuOp::Sh,
        LsuOp::Swl,
        LsuOp::Sw,
        LsuOp::Swr,
        LsuOp::Ll,
        LsuOp::Sc,
    ];

    /// Index of the op's flag column.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The primary opcode (`word >> 26`).
    pub const fn opcode(self) -> u32 {
        match self {
            LsuOp::Lb => 0x20,
            LsuOp::Lh => 0x21,
            LsuOp::Lwl => 0x22,
            LsuOp::Lw => 0x23,
            LsuOp::Lbu => 0x24,
            LsuOp::Lhu => 0x25,
            LsuOp::Lwr => 0x26,
            LsuOp::Sb => 0x28,
            LsuOp::Sh => 0x29,
            LsuOp::Swl => 0x2A,
            LsuOp::Sw => 0x2B,
            LsuOp::Swr => 0x2E,
            LsuOp::Ll => 0x30,
            LsuOp::Sc => 0x38,
        }
    }

    /// The operation of a decoded instruction, if it is a load or store.
    pub const fn from_op(op: Op) -> Option<LsuOp> {
        Some(match op {
            Op::Lb => LsuOp::Lb,
            Op::Lh => LsuOp::Lh,
            Op::Lwl => LsuOp::Lwl,
            Op::Lw => LsuOp::Lw,
            Op::Lbu => LsuOp::Lbu,
            Op::Lhu => LsuOp::Lhu,
            Op::Lwr => LsuOp::Lwr,
            Op::Sb => LsuOp::Sb,
            Op::Sh => LsuOp::Sh,
            Op::Swl => LsuOp::Swl,
            Op::Sw => LsuOp::Sw,
            Op::Swr => LsuOp::Swr,
            Op::Ll => LsuOp::Ll,
            Op::Sc => LsuOp::Sc,
            _ => return None,
        })
    }

    /// The operation of an instruction word, if it decodes to a load or store.
    pub fn from_word(word: u32) -> Option<LsuOp> {
        LsuOp::from_op(zkmips_isa::decode(word).ok()?.op)
    }

    /// Whether the op writes `rt` (loads, and `sc` which writes 1).
    pub const fn writes_rt(self) -> bool {
        self.is_load() || matches!(self, LsuOp::Sc)
    }

    /// Whether the op leaves memory unchanged.
    pub const fn is_load(self) -> bool {
        matches!(
            self,
            LsuOp::Lb | LsuOp::Lh | LsuOp::Lwl | LsuOp::Lw | LsuOp::Lbu | LsuOp::Lhu | LsuOp::Lwr | LsuOp::Ll
        )
    }

    /// Alignment of the effective address that the VM requires.
    pub const fn align(self) -> u32 {
        match self {
            LsuOp::Lh | LsuOp::Lhu | LsuOp::Sh => 2,
            LsuOp::Lw | LsuOp::Sw | LsuOp::Ll | LsuOp::Sc => 4,
            _ => 1,
        }
    }
}

/// Result of a load or store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LsuOutput {
    /// The aligned word address `ea & !3`.
    pub addr: u32,
    /// The memory word after the access (`mem_before` for loads).
    pub mem_after: u32,
    /// The value for `rt` (0 for stores other than `sc`).
    pub out: u32,
    /// Whether `out` is written to `rt`.
    pub wen: bool,
}

/// Sign-extended immediate of a load or store word.
pub(crate) const fn simm(word: u32) -> u32 {
    word as u16 as i16 as i32 as u32
}

/// Executes the load or store `word` on little-endian memory: `None` if `word` is not a load or
/// store or its effective address is not aligned as the VM requires (the VM stops there).
///
/// The VM's null-page check is not made here (see the crate documentation).
pub fn evaluate(word: u32, base: u32, rt_val: u32, mem_before: u32) -> Option<LsuOutput> {
    let op = LsuOp::from_word(word)?;
    let ea = base.wrapping_add(simm(word));
    if !ea.is_multiple_of(op.align()) {
        return None;
    }
    let (w, b) = (mem_before, rt_val);
    let o = ea & 3;
    // Bit position of the addressed byte (and halfword, which is 2-aligned) in the word.
    let s = 8 * o;
    // lwl/swl: bytes of the word before `ea` in big-endian numbering.
    let sl = 8 * (3 - o);
    let (out, mem_after) = match op {
        LsuOp::Lb => ((w >> s) as u8 as i8 as i32 as u32, w),
        LsuOp::Lbu => ((w >> s) as u8 as u32, w),
        LsuOp::Lh => ((w >> s) as u16 as i16 as i32 as u32, w),
        LsuOp::Lhu => ((w >> s) as u16 as u32, w),
        LsuOp::Lw | LsuOp::Ll => (w, w),
        LsuOp::Lwl => ((w << sl) | (b & ((1u32 << sl) - 1)), w),
        LsuOp::Lwr => ((w >> s) | (b & !(u32::MAX >> s)), w),
        LsuOp::Sb => (0, (w & !(0xFF << s)) | ((b & 0xFF) << s)),
        LsuOp::Sh => (0, (w & !(0xFFFF << s)) | ((b & 0xFFFF) << s)),
        LsuOp::Sw => (0, b),
        LsuOp::Sc => (1, b),
        LsuOp::Swl => (0, (w & !(u32::MAX >> sl)) | (b >> sl)),
        LsuOp::Swr => (0, (b << s) | (w & ((1u32 << s) - 1))),
    };
    Some(LsuOutput { addr: ea & !3, mem_after, out, wen: op.writes_rt() })
}

/// Where a byte of a merged word comes from: byte `j` of the memory word, or of `rt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Src {
    Mem(usize),
    Rt(usize),
}

/// The bytes (byte 0 first) of the word that `lwl`/`lwr` return, or that a sub-word or partial
/// store (`sb`, `sh`, `swl`, `swr`) leaves in memory, at byte offset `o`; `None` for other ops
/// and for offsets the op cannot have. This is the table's second definition of these ops,
/// written byte by byte; the tests check it against [`evaluate`].
pub(crate) fn merged_bytes(op: LsuOp, o: usize) -> Option<[Src; 4]> {
    use Src::{Mem, Rt};
    let k = 3 - o;
    let pick = |j: usize| -> Src {
        match op {
            LsuOp::Lwl if j < k => Rt(j),
            LsuOp::Lwl => Mem(j - k),
            LsuOp::Lwr if j + o < 4 => Mem(j + o),
            LsuOp::Lwr => Rt(j),
            LsuOp::Swl if j <= o => Rt(j + k),
            LsuOp::Swl => Mem(j),
            LsuOp::Swr if j < o => Mem(j),
            LsuOp::Swr => Rt(j - o),
            LsuOp::Sb if j == o => Rt(0),
            LsuOp::Sh if j == o || j == o + 1 => Rt(j - o),
            _ => Mem(j),
        }
    };
    match op {
        LsuOp::Lwl | LsuOp::Lwr | LsuOp::Swl | LsuOp::Swr | LsuOp::Sb => Some(core::array::from_fn(pick)),
        LsuOp::Sh if o.is_multiple_of(2) => Some(core::array::from_fn(pick)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(v: u32) -> [u32; 4] {
        v.to_le_bytes().map(u32::from)
    }

    /// The byte tables agree with `evaluate` at every offset.
    #[test]
    fn merged_bytes_match_evaluate() {
        let (w, b) = (0x8899_AABB_u32, 0x1122_3344_u32);
        for op in LsuOp::ALL {
            for o in 0..4u32 {
                let Some(src) = merged_bytes(op, o as usize) else { continue };
                let word = (op.opcode() << 26) | o;
                let r = evaluate(word, 0x1000, b, w).expect("aligned");
                let got = src.iter().enumerate().fold(0u32, |acc, (j, s)| {
                    let v = match *s {
                        Src::Mem(i) => bytes(w)[i],
                        Src::Rt(i) => bytes(b)[i],
                    };
                    acc | (v << (8 * j))
                });
                let want = if op.is_load() { r.out } else { r.mem_after };
                assert_eq!(got, want, "{op:?} at offset {o}");
            }
        }
    }
}
