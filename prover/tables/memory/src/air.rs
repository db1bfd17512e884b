//! Constraints of the memory table.
//!
//! Rows: real rows first (`is_real` = 1), then padding (`is_real` = 0). For a real row `n`
//! after a row `l`, with `same = n.is_real - n.is_first` (1 iff `n` is real and not a first
//! access; `is_first <= is_real` is constrained):
//!
//! - `is_first = 1`: `n.addr - l.addr - 1 = gap` (a new, larger address);
//! - `is_first = 0`: `n.addr = l.addr`, `n.ts - l.ts - 1 = gap` and `n.before = l.after`;
//!
//! where `gap = gap_lo + 2^16 * gap_hi` with both limbs range checked to `0..2^16` through
//! `RANGE16`, so `gap` is an integer in `0..2^32`. Row 0 is a first access iff it is real.
//!
//! **`is_first` is exactly determined**: on a real row after row 0 it is 1 iff the address
//! differs from the previous row's (if it is 1, `n.addr = l.addr + 1 + gap != l.addr` as
//! `1 + gap < p`; if it is 0, the addresses are equal); on row 0 it equals `is_real`; on padding it
//! is 0. `is_last`, the `MEM_FINAL` filter, is not a column but the degree-2 expression
//! `is_real * (1 - next.is_real + next.is_first)` (see [`crate::ctl::ctl_final`]), so it cannot be
//! set wrongly either.
//!
//! **No wraparound**: the real rows form maximal runs ("groups") that start at an `is_first` row
//! and share the address. Along the rows, the address grows from group to group by `1 + gap`,
//! between 1 and 2^32, so two groups `j < k` differ by a sum of fewer than `n` such steps, in
//! `1..n * 2^32`, which is nonzero in the field for `n < 2^32` rows. Hence each address has one
//! group, with one first and one last row. Likewise, within a group the timestamps grow by steps
//! of `1..=2^32`, so no two accesses to one address share a timestamp, and as the looking tables
//! send canonical timestamps far below `p - n * 2^32` (`clk * 8 + slot` with a bounded `clk`), the
//! rows of a group are in increasing integer order of `ts`. With `before = previous after` in
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

use crate::columns::{MemoryColumns, NUM_COLUMNS};

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
        let l = MemoryColumns::view(vars.get_local_values());
        let n = MemoryColumns::view(vars.get_next_values());
        let one = P::ONES;
        let two_16 = FE::from_canonical_u64(1 << 16);

        // Flags: binary, padding is never a first access, row 0 is first iff real, and once
        // padding always padding (so the real rows are a prefix).
        yield_constr.constraint(l.is_real * (l.is_real - one));
        yield_constr.constraint(l.is_first * (l.is_first - one));
        yield_constr.constraint(l.is_first * (one - l.is_real));
        yield_constr.constraint_first_row(l.is_first - l.is_real);
        yield_constr.constraint_transition(n.is_real * (one - l.is_real));

        // `same` is 1 iff the next row is real and continues this row's address.
        let same = n.is_real - n.is_first;
        yield_constr.constraint_transition(same * (n.addr - l.addr));
        // A read returns the last value written (a write's `before` is the old value too).
        yield_constr.constraint_transition(same * (n.before - l.after));
        // The gap to the next row: of addresses at a first access, of timestamps otherwise.
        let gap = n.gap_lo + n.gap_hi * two_16;
        yield_constr
            .constraint_transition(n.is_first * (n.addr - l.addr - one) + same * (n.ts - l.ts - one) - n.is_real * gap);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let l = MemoryColumns::view(vars.get_local_values());
        let n = MemoryColumns::view(vars.get_next_values());
        let one = builder.one_extension();
        let two_16 = F::from_canonical_u64(1 << 16);

        let c = builder.mul_sub_extension(l.is_real, l.is_real, l.is_real);
        yield_constr.constraint(builder, c);
        let c = builder.mul_sub_extension(l.is_first, l.is_first, l.is_first);
        yield_constr.constraint(builder, c);
        let not_real = builder.sub_extension(one, l.is_real);
        let c = builder.mul_extension(l.is_first, not_real);
        yield_constr.constraint(builder, c);
        let c = builder.sub_extension(l.is_first, l.is_real);
        yield_constr.constraint_first_row(builder, c);
        let c = builder.mul_extension(n.is_real, not_real);
        yield_constr.constraint_transition(builder, c);

        let same = builder.sub_extension(n.is_real, n.is_first);
        let d_addr = builder.sub_extension(n.addr, l.addr);
        let c = builder.mul_extension(same, d_addr);
        yield_constr.constraint_transition(builder, c);
        let d_val = builder.sub_extension(n.before, l.after);
        let c = builder.mul_extension(same, d_val);
        yield_constr.constraint_transition(builder, c);

        let gap = builder.mul_const_add_extension(two_16, n.gap_hi, n.gap_lo);
        let d_addr_1 = builder.sub_extension(d_addr, one);
        let d_ts = builder.sub_extension(n.ts, l.ts);
        let d_ts_1 = builder.sub_extension(d_ts, one);
        let c = builder.mul_extension(n.is_first, d_addr_1);
        let c = builder.mul_add_extension(same, d_ts_1, c);
        let real_gap = builder.mul_extension(n.is_real, gap);
        let c = builder.sub_extension(c, real_gap);
        yield_constr.constraint_transition(builder, c);
    }

    fn constraint_degree(&self) -> usize {
        // Every constraint above has degree 2, and so do the lookup checks on this looked side
        // (`combine(tuple) * (z - z_next) - filter` with the degree-2 `MEM_FINAL` filter). But the
        // table also *looks* into RANGE16 twice (its two limbs), and the multi-table prover
        // groups such lookups in pairs for degree 3: the helper column's check has degree 3.
        3
    }
}
