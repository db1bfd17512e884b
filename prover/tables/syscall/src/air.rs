//! Constraints of the syscall table.
//!
//! The constraints are written once, in [`eval`], against a small expression interface
//! ([`Cs`]) that both the native form (`eval_packed_generic`) and the recursive form
//! (`eval_ext_circuit`) implement, so the two cannot disagree.
//!
//! **Selecting the call.** The `call` flags are boolean and at most one is set per row
//! (`sum(call) + is_word` is boolean). Each flag pins `number` (the `$v0` the memory argument
//! returns) to its syscall number: `number * sum(call) = sum(call[k] * NUMBER[k])`. A number
//! without a flag therefore has no call row, and the CPU's `SYSCALL` lookup (one per `syscall`
//! instruction) cannot be matched: unsupported calls are rejected.
//!
//! **Register values.** Values the table writes are canonical (below 2^32): they are register
//! values read through the memory argument, constants, or values decomposed into 16-bit cells.
//! Values read through the memory argument are canonical because every writer range-checks.
//!
//! **Per call** (the `limbs` cells are 16-bit; `L(i, j)` is `limbs[i] + 2^16 * limbs[j]`, so
//! `0 <= L(i, j) < 2^32`; a check `X = L(i, j)` with `|X| < 2^33` thus proves `X >= 0`):
//! - HALT, exit, exit_group: `EXIT_CODE := a0`; HALTED goes from 0 to 1 (second access).
//! - WRITE, write: `a0 = 1 + aux0 + 12 * aux1` (fd 1, 2, 13 or 14); `2^28 - a2 = L(0, 1)`
//!   (the VM's length limit); `$v0 := a2`.
//! - COMMIT: `7 - a0 = L(0, 1)`; `DIGEST[a0] := a1`.
//! - HINT_LEN: `$v0 := L(0, 1)` (private advice, made canonical).
//! - HINT_READ: `a0 = 4 * L(0, 1)` (aligned); `4 * left = a1 + aux0 + 2 * aux1` with
//!   `left = L(2, 3)`, so `left = ceil(a1 / 4)`; `2^30 - a0 / 4 - left = L(4, 5)` (the buffer does
//!   not wrap past 2^32, so no write can reach the register page); `aux2 = 1` iff `left != 0`.
//!   Word rows follow (below).
//! - brk: `aux0 = (a0 >= brk)`, proven by `aux0 ? a0 - brk : brk - a0 - 1 = L(0, 1)`;
//!   `BRK := max(a0, brk)`, `$v0 := BRK`.
//! - mmap, mmap2 (`a0 = 0` only): `4096 * (a3 - 32 * L(0, 1)) = limbs[2]`, so
//!   `a3 mod 32 < 16`: MAP_FIXED (0x10) is clear. `16 * a1 = 65536 * m - limbs[3]` with
//!   `m = 1 + L(4, 5)`: `4096 * m` is `a1` rounded up to a page and `a1 != 0`.
//!   `$v0 := HEAP`, `HEAP := HEAP + 4096 * m`, and `MMAP_LIMIT - HEAP' = L(6, 7)`.
//! - set_thread_area: `THREAD_PTR := a0`.
//! - read: fd 0 (`a0 = 0`) returns 0; any other fd (`a0 * aux2 = 1`) EBADF.
//! - KECCAK_SPONGE keeps `$v0` and `$a3`; its `a0` and `arg` (`$a1`) go to the sponge table
//!   (`KECCAK_SPONGE` lookup), which makes its memory accesses. Likewise SHA_EXTEND (`a0`,
//!   `SHA_EXTEND` lookup) and SHA_COMPRESS (`a0`, `arg`, `SHA_COMPRESS` lookup).
//! - the rest return the constants of [`CALLS`].
//!
//! **Word rows.** `next.is_word = hint_read * aux2 + is_word * (1 - last)`: word rows come only
//! right after a non-empty HINT_READ or a non-last word row. The first word row takes
//! `w_addr = a0`, `left = ceil(a1 / 4)`; each next one `w_addr + 4`, `left - 1`, the same
//! `clk`; `last` needs `left = 1`. So a chain starting at `left = n` has exactly `n` rows (a
//! chain started at `left = 0` would need `p - 1` rows to reach 1). The first row is not a word
//! row and the last row is padding, so every chain starts and ends inside the trace.

use core::marker::PhantomData;

use plonky2::field::extension::{Extendable, FieldExtension};
use plonky2::field::packed::PackedField;
use plonky2::field::types::Field;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::algebra::{Algebra, Circuit, Packed};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::layout::{reg, reg_addr};
use zkmips_stark::F as ZkF;

use crate::columns::{call, Out, SyscallColumns, CALLS, HALTING, NUM_COLUMNS};

/// Anonymous mappings end at or below this address (`zkmips_vm::machine::MMAP_LIMIT`).
pub const MMAP_LIMIT: u32 = 0x3F00_0000;
/// Largest WRITE length the VM accepts (`MAX_WRITE` in `prover/vm/src/syscall.rs`).
pub const MAX_WRITE: u32 = 1 << 28;
/// `MAP_FIXED` in MIPS Linux's `mmap` flags.
pub const MAP_FIXED: u32 = 0x10;

/// The syscall table's STARK.
#[derive(Clone, Copy, Debug, Default)]
pub struct SyscallStark<F, const D: usize> {
    _phantom: PhantomData<F>,
}

impl<F, const D: usize> SyscallStark<F, D> {
    pub const fn new() -> Self {
        Self { _phantom: PhantomData }
    }
}

/// Helpers over the shared constraint algebra.
pub(crate) trait Cs: Algebra {
    fn konst(&mut self, v: u64) -> Self::V {
        self.constant(ZkF::from_canonical_u64(v))
    }
    /// `k * e`.
    fn times(&mut self, k: u64, e: Self::V) -> Self::V {
        self.scale(e, ZkF::from_canonical_u64(k))
    }
    /// `e - k`.
    fn sub_const(&mut self, e: Self::V, k: u64) -> Self::V {
        let k = self.konst(k);
        self.sub(e, k)
    }
    /// `k - e`.
    fn const_sub(&mut self, k: u64, e: Self::V) -> Self::V {
        let k = self.konst(k);
        self.sub(k, e)
    }
    /// `a + 2^16 * b`.
    fn limbs(&mut self, a: Self::V, b: Self::V) -> Self::V {
        let hi = self.times(1 << 16, b);
        self.add(a, hi)
    }
    /// `flag * e = 0` on every row.
    fn when(&mut self, flag: Self::V, e: Self::V) {
        let c = self.mul(flag, e);
        self.constraint(c);
    }
    /// `e * (e - 1) = 0`, under `flag`.
    fn bool_when(&mut self, flag: Self::V, e: Self::V) {
        let m = self.sub_const(e, 1);
        let b = self.mul(e, m);
        self.when(flag, b);
    }
}

impl<A: Algebra> Cs for A {}

/// The value a call leaves in a register, given what it keeps.
fn out<C: Cs>(cs: &mut C, l: &SyscallColumns<C::V>, o: Out, keep: C::V) -> C::V {
    match o {
        Out::Keep => keep,
        Out::Const(c) => cs.konst(c as u64),
        Out::Arg => l.arg,
        Out::Limbs => cs.limbs(l.limbs[0], l.limbs[1]),
        Out::WBefore => l.w_before,
        Out::WAfter => l.w_after,
    }
}

/// Every constraint of the table, on the rows `l` (local) and `n` (next).
pub(crate) fn eval<C: Cs>(cs: &mut C, l: &SyscallColumns<C::V>, n: &SyscallColumns<C::V>) {
    let f = l.call;
    let one = cs.konst(1);

    // Flags: boolean, at most one per row.
    for &x in f.iter().chain([&l.is_word, &l.last]) {
        cs.bool_when(one, x);
    }
    let is_call = cs.sum(&f);
    let is_real = cs.add(is_call, l.is_word);
    cs.bool_when(one, is_real);
    let not_word = cs.const_sub(1, l.is_word);
    cs.when(l.last, not_word);

    // The flag pins the number; `$v0` and `$a3` get the call's results (one-hot, so the sums
    // select the set flag's term; on rows without a flag they are empty).
    let mut pin = cs.mul(l.number, is_call);
    let mut v0 = cs.mul(l.v0_out, is_call);
    let mut a3 = cs.mul(l.a3_out, is_call);
    for (k, spec) in CALLS.iter().enumerate() {
        let t = cs.times(spec.number as u64, f[k]);
        pin = cs.sub(pin, t);
        let r = out(cs, l, spec.v0, l.number);
        let t = cs.mul(f[k], r);
        v0 = cs.sub(v0, t);
        let r = out(cs, l, spec.a3, l.a3_in);
        let t = cs.mul(f[k], r);
        a3 = cs.sub(a3, t);
    }
    cs.constraint(pin);
    cs.constraint(v0);
    cs.constraint(a3);

    let l01 = cs.limbs(l.limbs[0], l.limbs[1]);
    let l23 = cs.limbs(l.limbs[2], l.limbs[3]);
    let l45 = cs.limbs(l.limbs[4], l.limbs[5]);
    let l67 = cs.limbs(l.limbs[6], l.limbs[7]);
    let [aux0, aux1, aux2] = l.aux;

    // HALT, exit, exit_group: EXIT_CODE := a0; the second access moves HALTED from 0 to 1.
    let halts = cs.sum(&HALTING.map(|k| f[k]));
    let e = cs.sub_const(l.w_addr, reg_addr(reg::EXIT_CODE));
    cs.when(halts, e);
    let e = cs.sub(l.w_after, l.a0);
    cs.when(halts, e);
    cs.when(halts, l.arg);

    // WRITE, write: fd in {1, 2, 13, 14}; length at most MAX_WRITE.
    let write = cs.add(f[call::WRITE], f[call::WRITE_LINUX]);
    cs.bool_when(write, aux0);
    cs.bool_when(write, aux1);
    let t = cs.times(12, aux1);
    let fd = cs.add(aux0, t);
    let fd = cs.sub(l.a0, fd);
    let e = cs.sub_const(fd, 1);
    cs.when(write, e);
    let e = cs.const_sub(MAX_WRITE as u64, l.arg);
    let e = cs.sub(e, l01);
    cs.when(write, e);

    // COMMIT: a0 <= 7; DIGEST[a0] := a1.
    let fc = f[call::COMMIT];
    let e = cs.const_sub(7, l.a0);
    let e = cs.sub(e, l01);
    cs.when(fc, e);
    let e = cs.sub(l.w_addr, l.a0);
    let e = cs.sub_const(e, reg_addr(reg::DIGEST));
    cs.when(fc, e);
    let e = cs.sub(l.w_after, l.arg);
    cs.when(fc, e);

    // HINT_READ: aligned buffer, word count ceil(a1 / 4), no wrap-around.
    let fh = f[call::HINT_READ];
    let e = cs.times(4, l01);
    let e = cs.sub(l.a0, e);
    cs.when(fh, e);
    for b in [aux0, aux1, aux2] {
        cs.bool_when(fh, b);
    }
    let e = cs.times(4, l.left);
    let e = cs.sub(e, l.arg);
    let e = cs.sub(e, aux0);
    let t = cs.times(2, aux1);
    let e = cs.sub(e, t);
    cs.when(fh, e);
    let e = cs.sub(l.left, l23);
    cs.when(fh, e);
    let e = cs.const_sub(1 << 30, l01);
    let e = cs.sub(e, l.left);
    let e = cs.sub(e, l45);
    cs.when(fh, e);
    // aux2 = 0 forces left = 0; aux2 = 1 with left = 0 starts a chain that cannot end.
    let no_words = cs.const_sub(1, aux2);
    let e = cs.mul(no_words, l.left);
    cs.when(fh, e);
    let start = cs.mul(fh, aux2);
    let e = cs.sub(n.w_addr, l.a0);
    let e = cs.mul(start, e);
    cs.constraint_transition(e);
    let e = cs.sub(n.left, l.left);
    let e = cs.mul(start, e);
    cs.constraint_transition(e);
    let e = cs.sub(n.clk, l.clk);
    let e = cs.mul(start, e);
    cs.constraint_transition(e);

    // Word rows: the written word is canonical; the chain advances by one word.
    let e = cs.sub(l.w_after, l01);
    cs.when(l.is_word, e);
    let not_last = cs.const_sub(1, l.last);
    let cont = cs.mul(l.is_word, not_last);
    let e = cs.sub(n.w_addr, l.w_addr);
    let e = cs.sub_const(e, 4);
    let e = cs.mul(cont, e);
    cs.constraint_transition(e);
    let e = cs.sub(n.left, l.left);
    let e = cs.add(e, one);
    let e = cs.mul(cont, e);
    cs.constraint_transition(e);
    let e = cs.sub(n.clk, l.clk);
    let e = cs.mul(cont, e);
    cs.constraint_transition(e);
    let e = cs.sub_const(l.left, 1);
    cs.when(l.last, e);
    let e = cs.sub(n.is_word, start);
    let e = cs.sub(e, cont);
    cs.constraint_transition(e);
    cs.constraint_first_row(l.is_word);
    cs.constraint_last_row(is_real);

    // brk: BRK := max(a0, BRK), by the sign of a0 - BRK.
    let fb = f[call::BRK];
    let e = cs.sub_const(l.w_addr, reg_addr(reg::BRK));
    cs.when(fb, e);
    cs.bool_when(fb, aux0);
    let up = cs.sub(l.a0, l.w_before);
    let down = cs.sub(l.w_before, l.a0);
    let down = cs.sub_const(down, 1);
    let diff = cs.sub(up, down);
    let diff = cs.mul(aux0, diff);
    let diff = cs.add(down, diff);
    let e = cs.sub(diff, l01);
    cs.when(fb, e);
    let keep = cs.sub(l.a0, l.w_before);
    let keep = cs.mul(aux0, keep);
    let new = cs.add(l.w_before, keep);
    let e = cs.sub(l.w_after, new);
    cs.when(fb, e);

    // mmap, mmap2 with a0 = 0 and MAP_FIXED clear: from the heap pointer.
    let fm = cs.add(f[call::MMAP], f[call::MMAP2]);
    cs.when(fm, l.a0);
    let e = cs.sub_const(l.w_addr, reg_addr(reg::HEAP));
    cs.when(fm, e);
    // 4096 * (a3 - 32 h) in 0..2^16 with 0 <= h < 2^32 (all terms far below p): the low five
    // bits of a3 are below 16.
    let t = cs.times(32, l01);
    let low = cs.sub(l.a3_in, t);
    let low = cs.times(4096, low);
    let e = cs.sub(low, l.limbs[2]);
    cs.when(fm, e);
    // 65536 * m - 16 * a1 in 0..2^16 (all terms far below p): 4096 * m - a1 is in 0..4096.
    let m = cs.add(l45, one);
    let t = cs.times(65536, m);
    let e = cs.times(16, l.arg);
    let e = cs.sub(e, t);
    let e = cs.add(e, l.limbs[3]);
    cs.when(fm, e);
    let t = cs.times(4096, m);
    let e = cs.sub(l.w_after, l.w_before);
    let e = cs.sub(e, t);
    cs.when(fm, e);
    let e = cs.const_sub(MMAP_LIMIT as u64, l.w_after);
    let e = cs.sub(e, l67);
    cs.when(fm, e);

    // set_thread_area: THREAD_PTR := a0.
    let fs = f[call::SET_THREAD_AREA];
    let e = cs.sub_const(l.w_addr, reg_addr(reg::THREAD_PTR));
    cs.when(fs, e);
    let e = cs.sub(l.w_after, l.a0);
    cs.when(fs, e);

    // read: fd 0 reads end of file, any other fd is EBADF (aux2 = 1 / a0).
    cs.when(f[call::READ_STDIN], l.a0);
    let e = cs.mul(l.a0, aux2);
    let e = cs.sub_const(e, 1);
    cs.when(f[call::READ_BADF], e);
}

impl<F: RichField + Extendable<D>, const D: usize> Stark<F, D> for SyscallStark<F, D> {
    type EvaluationFrame<FE, P, const D2: usize>
        = StarkFrame<P, P::Scalar, NUM_COLUMNS, 0>
    where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>;

    type EvaluationFrameTarget = StarkFrame<ExtensionTarget<D>, ExtensionTarget<D>, NUM_COLUMNS, 0>;

    fn eval_packed_generic<FE, P, const D2: usize>(
        &self,
        vars: &Self::EvaluationFrame<FE, P, D2>,
        yield_constr: &mut ConstraintConsumer<P>,
    ) where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>,
    {
        let local = SyscallColumns::view(vars.get_local_values());
        let next = SyscallColumns::view(vars.get_next_values());
        eval(&mut Packed { cc: yield_constr }, local, next);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let local = SyscallColumns::view(vars.get_local_values());
        let next = SyscallColumns::view(vars.get_next_values());
        eval(&mut Circuit { builder, cc: yield_constr }, local, next);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
