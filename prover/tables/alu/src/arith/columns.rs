//! The columns of the arithmetic table: one row per instruction.

/// The kinds of operation, in the order of [`ArithColumns::kind`]. A kind and the variant bits
/// (`imm`, `timm`, `unsigned`, `likely`, `link`) select one operation of
/// [`crate::ARITH_OPS`].
pub mod kind {
    /// add, addu, addi, addiu.
    pub const ADD: usize = 0;
    /// sub, subu.
    pub const SUB: usize = 1;
    /// slt, sltu, slti, sltiu.
    pub const SLT: usize = 2;
    /// tge, tgeu, tgei, tgeiu.
    pub const TGE: usize = 3;
    /// tlt, tltu, tlti, tltiu.
    pub const TLT: usize = 4;
    /// teq, teqi.
    pub const TEQ: usize = 5;
    /// tne, tnei.
    pub const TNE: usize = 6;
    /// beq, beql.
    pub const BEQ: usize = 7;
    /// bne, bnel.
    pub const BNE: usize = 8;
    /// blez, blezl.
    pub const BLEZ: usize = 9;
    /// bgtz, bgtzl.
    pub const BGTZ: usize = 10;
    /// bltz, bltzl, bltzal, bltzall.
    pub const BLTZ: usize = 11;
    /// bgez, bgezl, bgezal, bgezall.
    pub const BGEZ: usize = 12;
    pub const MOVZ: usize = 13;
    pub const MOVN: usize = 14;
    pub const LUI: usize = 15;
    /// Number of kinds.
    pub const COUNT: usize = 16;
}

/// One row of the arithmetic table.
///
/// `a = a_lo + 2^16·a_mid + 2^31·a_sign` and likewise `b`, with `a_lo`, `2·a_mid` range-checked
/// (so `a_mid < 2^15` and `a_sign` is the sign bit). `c` is the second operand: `b`, the
/// sign-extended immediate, or 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ArithColumns<T> {
    /// One-hot kind flags (see [`kind`]); all zero on padding rows.
    pub kind: [T; kind::COUNT],
    /// `add`/`slt` kinds: the immediate form (`addi`, `addiu`, `slti`, `sltiu`).
    pub imm: T,
    /// Trap kinds: the immediate form (REGIMM `tgei` ...).
    pub timm: T,
    /// `add`, `sub`, `slt`, `tge`, `tlt` kinds: the unsigned form.
    pub unsigned: T,
    /// Branch kinds: the likely form.
    pub likely: T,
    /// `bltz`/`bgez` kinds: the linking form.
    pub link: T,
    /// Instruction field `opcode` (`word >> 26`).
    pub opcode: T,
    /// Instruction field `rs`.
    pub rs: T,
    /// Instruction field `rt`.
    pub rt: T,
    /// Instruction field `rd`.
    pub rd: T,
    /// Instruction field `shamt`.
    pub shamt: T,
    /// Instruction field `funct`.
    pub funct: T,
    /// Low 16 bits of `a`; range-checked.
    pub a_lo: T,
    /// Bits 16..31 of `a`; `2·a_mid` is range-checked.
    pub a_mid: T,
    /// Bit 31 of `a`.
    pub a_sign: T,
    /// Low 16 bits of `b`; range-checked.
    pub b_lo: T,
    /// Bits 16..31 of `b`; `2·b_mid` is range-checked.
    pub b_mid: T,
    /// Bit 31 of `b`.
    pub b_sign: T,
    /// Bit 15 of `imm16` (the top bit of `rd`); `2^12·(rd - 16·imm_sign)` is range-checked.
    pub imm_sign: T,
    /// The second operand.
    pub c: T,
    /// Bit 31 of `c`.
    pub c_sign: T,
    /// Low limb of the adder's word `x`; range-checked.
    pub x_lo: T,
    /// High limb of `x`; range-checked.
    pub x_hi: T,
    /// `add`/`addi`/`sub`: `2·x_hi - 2^16·e` (e the expected sign of `x`); range-checked.
    pub ovf: T,
    /// Carry of `a + c`, or borrow of `a - c`.
    pub carry: T,
    /// 1 if `x` is zero (on rows that test it).
    pub zero: T,
    /// Inverse of `x` when non-zero (on rows that test it).
    pub inv: T,
    /// The result (written value, or taken bit of a branch).
    pub out: T,
    /// 1 if the instruction writes a register.
    pub wen: T,
}

zkmips_stark::impl_columns!(ArithColumns);

/// Number of columns of the arithmetic table.
pub const NUM_ARITH_COLUMNS: usize = zkmips_stark::cols::width::<ArithColumns<u64>>();

/// The column index of every field.
pub fn arith_col_map() -> ArithColumns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: [usize; NUM_ARITH_COLUMNS] = core::array::from_fn(|i| i);
    *ArithColumns::<usize>::view(&idx)
}
