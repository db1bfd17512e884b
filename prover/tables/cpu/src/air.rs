//! The CPU table's constraints, written once against [`Cx`] and instantiated for the native
//! (packed) evaluation and for the recursive circuit, so the two cannot disagree.
//!
//! Soundness notes (the non-obvious ones; the others are next to their constraint):
//! - **Decoding.** The word is `opcode * 2^26 + sum(bits[i] * 2^i)`. The bits are boolean, and
//!   every class pins `opcode` to constants below 64 (the CPU-internal classes here, ARITH /
//!   ALU / LSU / MULDIV in their tables through the tuple), so the fields are the word's true
//!   fields.
//! - **Classes.** The flags are boolean and sum to `is_real` (boolean), so at most one is set.
//!   A word that `zkmips_isa::decode` rejects (e.g. BREAK) satisfies no class: the CPU-internal
//!   classes check opcode, funct and the reserved fields the decoder checks; the other tables
//!   find no row for a word they do not implement. In particular the two ALU classes: an
//!   `is_arith` row's tuple must be a row of the arithmetic table, whose kind flags and variant
//!   bits admit only the encodings of its own operations, and an `is_bits` row's tuple a row of
//!   the bitwise table, whose one-hot flags admit only its own; so neither flag can be claimed
//!   for the other table's operations (or anything else), and both answer the same tuple.
//! - **Program counters.** `new_next_pc = nnpc_lo + 2^15 * nnpc_hi` with both limbs in
//!   `0..2^16` bounds it below `B = 2^31 + 2^16`. Every `next_pc` after the first row is such a
//!   value, and every `pc` after the first row is a `next_pc`, or `next_pc + 4` after a
//!   not-taken likely branch whose `new_next_pc = next_pc + 8` is itself bounded. So all pcs
//!   stay far below 2^32: none reaches the register page, `pc + 8` (the link value) is a
//!   canonical u32, and sums such as `next_pc + 4` never wrap. The VM wraps mod 2^32, but a
//!   wrapped or kernel-space (>= 2^31) target can never be executed from a user image, so
//!   rejecting those rows only drops runs that fail at the next fetch anyway. The public start
//!   values must be below 2^31 (the verifier checks them; a previous segment's end satisfies it).
//! - **Not checked here:** a branch or jump in a delay slot (the VM stops with an error; this
//!   table would accept the row, as the delay-slot state is not tracked and the public inputs do
//!   not carry it), and the VM's jump-to-zero error of ELF programs (the mode is not known here).
//!   Compilers emit neither; a proof then attests a run the VM refuses rather than a wrong result.
//! - **Alignment** of a `jr`/`jalr` target is not checked here: the fetch looks up `pc` in the
//!   memory argument, whose initial values exist only for 4-aligned words (page table) and the
//!   register page (excluded by the bound above).

use plonky2::field::extension::FieldExtension;
use plonky2::field::packed::PackedField;
use plonky2::field::types::Field;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::algebra::{Algebra, Circuit, Packed};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::cpu_public;
use zkmips_stark::{D, F};

use crate::columns::{field, CpuColumns, NUM_COLUMNS};

/// The CPU table.
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuStark;

/// Helpers over the shared constraint algebra.
trait Cx: Algebra {
    fn sub_c(&mut self, a: Self::V, c: u64) -> Self::V {
        let c = self.constant(F::from_canonical_u64(c));
        self.sub(a, c)
    }
    fn one_minus(&mut self, a: Self::V) -> Self::V {
        let one = self.constant(F::ONE);
        self.sub(one, a)
    }
    /// `sum(xs[i] * 2^(shift + i))`.
    fn bits_value(&mut self, xs: &[Self::V], shift: usize) -> Self::V {
        let mut acc = self.constant(F::ZERO);
        for (i, &x) in xs.iter().enumerate() {
            let t = self.scale(x, F::from_canonical_u64(1 << (shift + i)));
            acc = self.add(acc, t);
        }
        acc
    }
    fn mul3(&mut self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        let ab = self.mul(a, b);
        self.mul(ab, c)
    }
    fn boolean(&mut self, a: Self::V) {
        let na = self.one_minus(a);
        let e = self.mul(a, na);
        self.constraint(e);
    }
    /// `gate * e = 0` on every row.
    fn gated(&mut self, gate: Self::V, e: Self::V) {
        let g = self.mul(gate, e);
        self.constraint(g);
    }
}

impl<A: Algebra> Cx for A {}

/// Every constraint of the table. `l`/`n`: this row and the next; `pi`: the public inputs.
fn eval<X: Cx>(x: &mut X, l: &CpuColumns<X::V>, n: &CpuColumns<X::V>, pi: &[X::V]) {
    let c = |k: u64| F::from_canonical_u64(k);
    // Fields of the word.
    let funct = x.bits_value(&l.bits[field::FUNCT..field::SHAMT], 0);
    let shamt = x.bits_value(&l.bits[field::SHAMT..field::RD], 0);
    let rd = x.bits_value(&l.bits[field::RD..field::RT], 0);
    let rt = x.bits_value(&l.bits[field::RT..field::RS], 0);
    let rs = x.bits_value(&l.bits[field::RS..26], 0);
    let imm16 = x.bits_value(&l.bits[0..16], 0);
    let index26 = x.bits_value(&l.bits, 0);
    let sign = l.bits[15];
    let b = &l.bits;

    let flags = l.flags();
    let is_real = x.sum(&flags);
    let next_real = {
        let nf = n.flags();
        x.sum(&nf)
    };

    // Booleans. The flags sum to `is_real`, itself boolean: at most one class per row.
    for &bit in l.bits.iter().chain(flags.iter()).chain(l.aux_bits.iter()) {
        x.boolean(bit);
    }
    for v in [is_real, l.wen, l.dst_rd, l.dst_ra, l.halts, l.is_branch, l.is_likely] {
        x.boolean(v);
    }
    let rd_ra = x.mul(l.dst_rd, l.dst_ra);
    x.constraint(rd_ra);

    // Public start: the first row is real and starts where the segment starts.
    let e = x.one_minus(is_real);
    x.constraint_first_row(e);
    for (v, i) in [(l.clk, cpu_public::CLK_START), (l.pc, cpu_public::PC_START), (l.next_pc, cpu_public::NEXT_PC_START)]
    {
        let e = x.sub(v, pi[i]);
        x.constraint_first_row(e);
    }

    // Control flow of this row.
    let nnpc = {
        let hi = x.scale(l.nnpc_hi, c(1 << 15));
        x.add(l.nnpc_lo, hi)
    };
    // A likely branch that is not taken skips its delay slot. `is_likely` is 0 off ALU rows and
    // the ALU table makes `out` the taken bit on branch rows, so `skip` is boolean.
    let not_out = x.one_minus(l.out);
    let skip = x.mul(l.is_likely, not_out);
    let skip4 = x.scale(skip, c(4));
    // `new_pc = next_pc + 4 * skip`.
    let new_pc = x.add(l.next_pc, skip4);

    // Transitions between real rows; once a row is padding, all later rows are.
    let not_real = x.one_minus(is_real);
    let e = x.mul(not_real, next_real);
    x.constraint_transition(e);
    let clk1 = {
        let one = x.constant(F::ONE);
        x.add(l.clk, one)
    };
    for (nv, v) in [(n.clk, clk1), (n.pc, new_pc), (n.next_pc, nnpc)] {
        let d = x.sub(nv, v);
        let e = x.mul(next_real, d);
        x.constraint_transition(e);
    }
    // A halting syscall is the last real row.
    let e = x.mul(l.halts, next_real);
    x.constraint_transition(e);
    let not_syscall = x.one_minus(l.is_syscall);
    let e = x.mul(l.halts, not_syscall);
    x.constraint(e);

    // Public end: the last real row's (clk + 1, new_pc, new_next_pc). `ends` = this row is the
    // last real one (real, next padding); on the trace's last row, `is_real` alone (no padding).
    let not_next_real = x.one_minus(next_real);
    let ends = x.mul(is_real, not_next_real);
    let d_clk = x.sub(clk1, pi[cpu_public::CLK_END]);
    let d_nnpc = x.sub(nnpc, pi[cpu_public::NEXT_PC_END]);
    let d_npc = x.sub(l.next_pc, pi[cpu_public::PC_END]);
    // `is_real * (new_pc - PC_END)` written as `is_real * (next_pc - PC_END) + 4 * skip`
    // (`skip` is 0 off real rows) to stay of degree 3 once multiplied by `1 - next_real`.
    let real_npc = x.mul(is_real, d_npc);
    let pc_end = x.add(real_npc, skip4);
    let e = x.mul(ends, d_clk);
    x.constraint_transition(e);
    let e = x.mul(ends, d_nnpc);
    x.constraint_transition(e);
    let e = x.mul(not_next_real, pc_end);
    x.constraint_transition(e);
    let e = x.mul(is_real, d_clk);
    x.constraint_last_row(e);
    let e = x.mul(is_real, d_nnpc);
    x.constraint_last_row(e);
    x.constraint_last_row(pc_end);

    // Class pinning. SYSCALL: opcode 0, funct 12 (the code field is free).
    x.gated(l.is_syscall, l.opcode);
    let e = x.sub_c(funct, 12);
    x.gated(l.is_syscall, e);
    // J / JAL: opcode 2 or 3; `opcode - 2` is then the link bit.
    let op2 = x.sub_c(l.opcode, 2);
    let op3 = x.sub_c(l.opcode, 3);
    let e = x.mul3(l.is_jimm, op2, op3);
    x.constraint(e);
    // JR / JALR: opcode 0, funct 8 + b0 (with boolean bits only funct = 8 or 9 satisfies it),
    // rt = 0, sa & 0xF = 0 (bit 10 is the hazard-barrier hint), and rd = 0 for JR.
    x.gated(l.is_jreg, l.opcode);
    let e = {
        let f8 = x.sub_c(funct, 8);
        x.sub(f8, b[0])
    };
    x.gated(l.is_jreg, e);
    x.gated(l.is_jreg, rt);
    let sa_low = x.bits_value(&b[field::SHAMT..field::SHAMT + 4], 0);
    x.gated(l.is_jreg, sa_low);
    let not_b0 = x.one_minus(b[0]);
    let e = x.mul3(l.is_jreg, not_b0, rd);
    x.constraint(e);
    // RDHWR: SPECIAL3 funct 0x3B, rs = 0, sa = 0, and only hardware register 29.
    for (v, k) in [(l.opcode, 31), (funct, 0x3B), (rs, 0), (shamt, 0), (rd, 29)] {
        let e = x.sub_c(v, k);
        x.gated(l.is_rdhwr, e);
    }
    // SYNC: SPECIAL funct 0xF with rs = rt = rd = 0 (sa, the stype, is free).
    for (v, k) in [(l.opcode, 0), (funct, 0xF), (rs, 0), (rt, 0), (rd, 0)] {
        let e = x.sub_c(v, k);
        x.gated(l.is_sync, e);
    }
    // NOP: PREF (opcode 51, all fields free) or SYNCI (opcode 1 with rt = 31).
    let op1 = x.sub_c(l.opcode, 1);
    let op51 = x.sub_c(l.opcode, 51);
    let e = x.mul3(l.is_nop, op1, op51);
    x.constraint(e);
    let rt31 = x.sub_c(rt, 31);
    let e = x.mul3(l.is_nop, op51, rt31);
    x.constraint(e);
    // MULDIV: the tuple has no rs/rt/rd/sa, so the reserved fields the decoder checks are
    // checked here: sa = 0 always; rd = 0 unless the op writes (mfhi, mflo, mul); rt = 0 for the
    // hi/lo moves (funct 0x10..0x13: b4 - b3 = 1, and 0 for every other MULDIV funct); rs = 0
    // for mfhi/mflo (the moves with b0 = 0), marked by `aux_bits[0]`.
    x.gated(l.is_muldiv, shamt);
    let not_wen = x.one_minus(l.wen);
    let e = x.mul3(l.is_muldiv, not_wen, rd);
    x.constraint(e);
    let moves = x.sub(b[4], b[3]);
    let e = x.mul3(l.is_muldiv, moves, rt);
    x.constraint(e);
    let mf = x.mul(moves, not_b0);
    let e = x.sub(l.aux_bits[0], mf);
    x.gated(l.is_muldiv, e);
    let e = x.mul3(l.is_muldiv, l.aux_bits[0], rs);
    x.constraint(e);

    // Off ALU rows there is no conditional branch, and the destination flags follow the class:
    // rd for MULDIV and JALR (and JR, which does not write), $ra for JAL, rt otherwise.
    // The two ALU classes (arithmetic and bitwise tables) answer the same tuple.
    let is_alu = x.add(l.is_arith, l.is_bits);
    let not_alu = x.one_minus(is_alu);
    x.gated(not_alu, l.is_branch);
    x.gated(not_alu, l.is_likely);
    let e = {
        let t = x.sub(l.dst_rd, l.is_muldiv);
        x.sub(t, l.is_jreg)
    };
    x.gated(not_alu, e);
    let e = x.sub(l.dst_ra, l.is_jimm);
    x.gated(not_alu, e);
    // Write enable: from the tuple for ALU / LSU / MULDIV; JAL, JALR and RDHWR write; the other
    // classes and padding rows do not.
    let e = {
        let t = x.sub(not_alu, l.is_lsu);
        let others = x.sub(t, l.is_muldiv);
        let own = x.mul(others, l.wen);
        let jal = x.mul(l.is_jimm, op2);
        let jalr = x.mul(l.is_jreg, b[0]);
        let t = x.sub(own, jal);
        let t = x.sub(t, jalr);
        x.sub(t, l.is_rdhwr)
    };
    x.constraint(e);

    // Destination index and the discarded write to $zero: `write = wen * (dst != 0)`.
    let e = {
        let t_rd = x.mul(l.dst_rd, rd);
        let t_ra = x.scale(l.dst_ra, c(31));
        let rest = {
            let t = x.add(l.dst_rd, l.dst_ra);
            x.one_minus(t)
        };
        let t_rt = x.mul(rest, rt);
        let s = x.add(t_rd, t_ra);
        let s = x.add(s, t_rt);
        x.sub(l.dst, s)
    };
    x.constraint(e);
    // If dst != 0 this forces dst_inv = 1/dst; if dst = 0, write = wen * 0 = 0.
    let nz = x.mul(l.dst, l.dst_inv);
    let e = {
        let t = x.one_minus(nz);
        x.mul(l.dst, t)
    };
    x.constraint(e);
    let e = {
        let t = x.mul(l.wen, nz);
        x.sub(l.write, t)
    };
    x.constraint(e);

    // The value written: the tuple's `out` (ALU non-branch, LSU, MULDIV); `pc + 8` (links:
    // branch-and-link, JAL, JALR); the thread pointer (RDHWR). No other row writes.
    let e = {
        let not_br = x.one_minus(l.is_branch);
        let a = x.mul(is_alu, not_br);
        let a = x.add(a, l.is_lsu);
        let a = x.add(a, l.is_muldiv);
        let d = x.sub(l.dst_val, l.out);
        x.mul(a, d)
    };
    x.constraint(e);
    let e = {
        let a = x.mul(is_alu, l.is_branch);
        let a = x.add(a, l.is_jimm);
        let a = x.add(a, l.is_jreg);
        let d = x.sub(l.dst_val, l.pc);
        let d = x.sub_c(d, 8);
        x.mul(a, d)
    };
    x.constraint(e);
    let e = x.sub(l.dst_val, l.rs_val);
    x.gated(l.is_rdhwr, e);

    // new_next_pc, by case. JR / JALR: rs.
    let e = x.sub(nnpc, l.rs_val);
    x.gated(l.is_jreg, e);
    // J / JAL: (next_pc & 0xF0000000) | index26 << 2. `top` (3 bits: next_pc < 2^31 + 2^16, and a
    // top nibble of 8 is simply unprovable) is next_pc's top nibble because
    // `16 * (next_pc - top * 2^28) = aux_lo + 2^16 * aux_hi` is in 0..2^32, so
    // `next_pc - top * 2^28` is in 0..2^28 (a negative value would be a huge field element).
    let top = x.bits_value(&l.aux_bits, 0);
    let e = {
        let t = x.scale(top, c(1 << 28));
        let i = x.scale(index26, c(4));
        let t = x.add(t, i);
        x.sub(nnpc, t)
    };
    x.gated(l.is_jimm, e);
    let e = {
        let np16 = x.scale(l.next_pc, c(16));
        let t = x.scale(top, c(1 << 32));
        let low = x.sub(np16, t);
        let hi = x.scale(l.aux_hi, c(1 << 16));
        let limbs = x.add(l.aux_lo, hi);
        x.sub(low, limbs)
    };
    x.gated(l.is_jimm, e);
    // A taken conditional branch: next_pc + sext(imm16) * 4, i.e. next_pc + 4 * imm16 - 2^18 * sign
    // (no wrap: see the module notes).
    let taken = x.mul(l.is_branch, l.out);
    // The ALU table makes `out` the taken bit of a branch; checked here too since the control
    // flow depends on it.
    let e = x.mul(taken, not_out);
    x.constraint(e);
    let e = {
        let t = x.sub(nnpc, l.next_pc);
        let i = x.scale(imm16, c(4));
        let t = x.sub(t, i);
        let s = x.scale(sign, c(1 << 18));
        let t = x.add(t, s);
        x.mul(taken, t)
    };
    x.constraint(e);
    // Every other real row: next_pc + 4, or next_pc + 8 when the delay slot is skipped (then
    // `taken`, `is_jimm` and `is_jreg` are 0 and the first factor is 1).
    let e = {
        let g = x.sub(is_real, l.is_jreg);
        let g = x.sub(g, l.is_jimm);
        let g = x.sub(g, taken);
        let d = x.sub(nnpc, l.next_pc);
        let d = x.sub_c(d, 4);
        let t = x.mul(g, d);
        x.sub(t, skip4)
    };
    x.constraint(e);
}

/// Number of public inputs.
const PUBLIC_INPUTS: usize = cpu_public::COUNT;

impl Stark<F, D> for CpuStark {
    type EvaluationFrame<FE, P, const D2: usize>
        = StarkFrame<P, P::Scalar, NUM_COLUMNS, PUBLIC_INPUTS>
    where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>;

    type EvaluationFrameTarget = StarkFrame<ExtensionTarget<D>, ExtensionTarget<D>, NUM_COLUMNS, PUBLIC_INPUTS>;

    fn eval_packed_generic<FE, P, const D2: usize>(
        &self,
        vars: &Self::EvaluationFrame<FE, P, D2>,
        yield_constr: &mut ConstraintConsumer<P>,
    ) where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>,
    {
        let l = CpuColumns::view(vars.get_local_values());
        let n = CpuColumns::view(vars.get_next_values());
        let pi: Vec<P> = vars.get_public_inputs().iter().map(|&v| P::from(v)).collect();
        eval(&mut Packed { cc: yield_constr }, l, n, &pi);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let l = CpuColumns::view(vars.get_local_values());
        let n = CpuColumns::view(vars.get_next_values());
        let pi = vars.get_public_inputs();
        eval(&mut Circuit { builder, cc: yield_constr }, l, n, pi);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
