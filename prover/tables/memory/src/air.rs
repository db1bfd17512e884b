//! Constraints of the memory table.
//!
//! The accesses are read in order, [`ACCESSES_PER_ROW`](crate::columns::ACCESSES_PER_ROW) per
//! row (an access's predecessor is the one before it in its row, or the last one of the previous
//! row). Real accesses come first (`is_real` = 1), then padding (`is_real` = 0). For a real
//! access `n` after an access `l`, with `same = n.is_real - n.is_first` (1 iff `n` is real and
//! not a first access; `is_first <= is_real` is constrained):
//!
//! - `is_first = 1`: `n.addr - l.addr - 1 = gap` (a new, larger address);
//! - `is_first = 0`: `n.addr = l.addr`, `n.ts - l.ts - 1 = gap` and `n.before = l.after`;
//!
//! where `gap = gap_lo + 2^16 * gap_hi` with both limbs range checked to `0..2^16` through
//! `RANGE16`, so `gap` is an integer in `0..2^32`. The first access of row 0 is a first access
//! iff it is real.
//!
//! **`is_first` is exactly determined**: on a real access after the first it is 1 iff the
//! address differs from the previous access's (if it is 1, `n.addr = l.addr + 1 + gap != l.addr` as
//! `1 + gap < p`; if it is 0, the addresses are equal); on the first access it equals `is_real`; on
//! padding it is 0. `is_last`, the `MEM_FINAL` filter, is not a column but the degree-2
//! expression `is_real * (1 - next.is_real + next.is_first)` of an access and its successor (see
//! [`crate::ctl`]), so it cannot be set wrongly either.
//!
//! **No wraparound**: the real accesses form maximal runs ("groups") that start at an `is_first` row
//! and share the address. Along the rows, the address grows from group to group by `1 + gap`,
//! between 1 and 2^32, so two groups `j < k` differ by a sum of fewer than `n` such steps, in
//! `1..n * 2^32`, which is nonzero in the field for `n < 2^32` accesses. Hence each address has one
//! group, with one first and one last row. Likewise, within a group the timestamps grow by steps
//! of `1..=2^32`, so no two accesses to one address share a timestamp, and as the looking tables
//! send canonical timestamps far below `p - n * 2^32` (`clk * 8 + slot` with a bounded `clk`), the
//! accesses of a group are in increasing integer order of `ts`. With `before = previous after` in
//! each group, every read returns the last value written, starting from the `MEM_INIT` value
//! and ending at the `MEM_FINAL` value.
//!
//! All constraints have degree 2.

use core::marker::PhantomData;

use plonky2::field::extension::{Extendable, FieldExtension};
use plonky2::field::packed::PackedField;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::cols::ColumnView;

use crate::columns::{AccessColumns, MemoryColumns, ACCESSES_PER_ROW, NUM_COLUMNS};

/// The memory table's STARK.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemoryStark<F, const D: usize> {
    _phantom: PhantomData<F>,
}

impl<F, const D: usize> MemoryStark<F, D> {
    pub const fn new() -> Self {
        Self { _phantom: PhantomData }
    }
}

/// Each access `n` with its predecessor `l` and whether the pair spans two rows (its
/// constraints then hold on transitions only): the accesses of the local row, then the next
/// row's first.
fn pairs<'a, T>(
    local: &'a MemoryColumns<T>,
    next: &'a MemoryColumns<T>,
) -> impl Iterator<Item = (bool, &'a AccessColumns<T>, &'a AccessColumns<T>)> {
    let last = &local.access[ACCESSES_PER_ROW - 1];
    local.access.windows(2).map(|w| (false, &w[0], &w[1])).chain([(true, last, &next.access[0])])
}

impl<F: RichField + Extendable<D>, const D: usize> Stark<F, D> for MemoryStark<F, D> {
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
        let local = MemoryColumns::view(vars.get_local_values());
        let next = MemoryColumns::view(vars.get_next_values());
        let one = P::ONES;
        let two_16 = FE::from_canonical_u64(1 << 16);

        // Flags: binary, padding is never a first access, the first access is first iff real.
        for a in &local.access {
            yield_constr.constraint(a.is_real * (a.is_real - one));
            yield_constr.constraint(a.is_first * (a.is_first - one));
            yield_constr.constraint(a.is_first * (one - a.is_real));
        }
        yield_constr.constraint_first_row(local.access[0].is_first - local.access[0].is_real);

        for (across_rows, l, n) in pairs(local, next) {
            let mut constraint = |c: P| {
                if across_rows {
                    yield_constr.constraint_transition(c)
                } else {
                    yield_constr.constraint(c)
                }
            };
            // Once padding always padding (so the real accesses are a prefix).
            constraint(n.is_real * (one - l.is_real));
            // `same` is 1 iff `n` is real and continues `l`'s address.
            let same = n.is_real - n.is_first;
            constraint(same * (n.addr - l.addr));
            // A read returns the last value written (a write's `before` is the old value too).
            constraint(same * (n.before - l.after));
            // The gap from `l`: of addresses at a first access, of timestamps otherwise.
            let gap = n.gap_lo + n.gap_hi * two_16;
            constraint(n.is_first * (n.addr - l.addr - one) + same * (n.ts - l.ts - one) - n.is_real * gap);
        }
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let local = MemoryColumns::view(vars.get_local_values());
        let next = MemoryColumns::view(vars.get_next_values());
        let one = builder.one_extension();
        let two_16 = F::from_canonical_u64(1 << 16);

        for a in &local.access {
            let c = builder.mul_sub_extension(a.is_real, a.is_real, a.is_real);
            yield_constr.constraint(builder, c);
            let c = builder.mul_sub_extension(a.is_first, a.is_first, a.is_first);
            yield_constr.constraint(builder, c);
            let not_real = builder.sub_extension(one, a.is_real);
            let c = builder.mul_extension(a.is_first, not_real);
            yield_constr.constraint(builder, c);
        }
        let c = builder.sub_extension(local.access[0].is_first, local.access[0].is_real);
        yield_constr.constraint_first_row(builder, c);

        for (across_rows, l, n) in pairs(local, next) {
            let mut constraint = |builder: &mut CircuitBuilder<F, D>, c| {
                if across_rows {
                    yield_constr.constraint_transition(builder, c)
                } else {
                    yield_constr.constraint(builder, c)
                }
            };
            let not_real = builder.sub_extension(one, l.is_real);
            let c = builder.mul_extension(n.is_real, not_real);
            constraint(builder, c);

            let same = builder.sub_extension(n.is_real, n.is_first);
            let d_addr = builder.sub_extension(n.addr, l.addr);
            let c = builder.mul_extension(same, d_addr);
            constraint(builder, c);
            let d_val = builder.sub_extension(n.before, l.after);
            let c = builder.mul_extension(same, d_val);
            constraint(builder, c);

            let gap = builder.mul_const_add_extension(two_16, n.gap_hi, n.gap_lo);
            let d_addr_1 = builder.sub_extension(d_addr, one);
            let d_ts = builder.sub_extension(n.ts, l.ts);
            let d_ts_1 = builder.sub_extension(d_ts, one);
            let c = builder.mul_extension(n.is_first, d_addr_1);
            let c = builder.mul_add_extension(same, d_ts_1, c);
            let real_gap = builder.mul_extension(n.is_real, gap);
            let c = builder.sub_extension(c, real_gap);
            constraint(builder, c);
        }
    }

    fn constraint_degree(&self) -> usize {
        // Every constraint above has degree 2, and so do the lookup checks on this table's
        // sides of `MEM`, `MEM_INIT` and `MEM_FINAL` with one tuple each (`combine(tuple) * (z -
        // z_next) - filter` with the degree-2 `MEM_FINAL` filter). But the table also has
        // several tuples on one side of a lookup (its accesses after the first in a row, and its
        // gap limbs in RANGE16), and the multi-table prover groups such tuples in pairs for
        // degree 3: a helper column's check has degree 3.
        3
    }
}
