//! Constraints written once: a table states its constraints against [`Algebra`], and the same
//! code then runs natively ([`Packed`], for proving and verifying) and in a recursive circuit
//! ([`Circuit`]), so the two forms cannot drift apart.

use plonky2::field::extension::Extendable;
use plonky2::field::packed::PackedField;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};

use crate::F;

/// Field arithmetic on constraint values and the constraint sinks of starky.
pub trait Algebra {
    type V: Copy;
    fn add(&mut self, a: Self::V, b: Self::V) -> Self::V;
    fn sub(&mut self, a: Self::V, b: Self::V) -> Self::V;
    fn mul(&mut self, a: Self::V, b: Self::V) -> Self::V;
    /// `c * a`.
    fn scale(&mut self, a: Self::V, c: F) -> Self::V;
    fn constant(&mut self, c: F) -> Self::V;
    /// `v = 0` on every row.
    fn constraint(&mut self, v: Self::V);
    /// `v = 0` on every row but the last (it may read the next row).
    fn constraint_transition(&mut self, v: Self::V);
    /// `v = 0` on the first row.
    fn constraint_first_row(&mut self, v: Self::V);
    /// `v = 0` on the last row.
    fn constraint_last_row(&mut self, v: Self::V);

    fn sum(&mut self, vs: &[Self::V]) -> Self::V {
        let mut acc = self.constant(F::ZERO);
        for &v in vs {
            acc = self.add(acc, v);
        }
        acc
    }
}

/// Native evaluation on packed field values.
pub struct Packed<'a, P: PackedField> {
    pub cc: &'a mut ConstraintConsumer<P>,
}

impl<P: PackedField> Algebra for Packed<'_, P> {
    type V = P;
    fn add(&mut self, a: P, b: P) -> P {
        a + b
    }
    fn sub(&mut self, a: P, b: P) -> P {
        a - b
    }
    fn mul(&mut self, a: P, b: P) -> P {
        a * b
    }
    fn scale(&mut self, a: P, c: F) -> P {
        a * P::Scalar::from_canonical_u64(c.to_canonical_u64())
    }
    fn constant(&mut self, c: F) -> P {
        P::from(P::Scalar::from_canonical_u64(c.to_canonical_u64()))
    }
    fn constraint(&mut self, v: P) {
        self.cc.constraint(v);
    }
    fn constraint_transition(&mut self, v: P) {
        self.cc.constraint_transition(v);
    }
    fn constraint_first_row(&mut self, v: P) {
        self.cc.constraint_first_row(v);
    }
    fn constraint_last_row(&mut self, v: P) {
        self.cc.constraint_last_row(v);
    }
}

/// Recursive evaluation on extension targets. Constants are Goldilocks values, carried over by
/// their canonical representative.
pub struct Circuit<'a, G: RichField + Extendable<E>, const E: usize> {
    pub builder: &'a mut CircuitBuilder<G, E>,
    pub cc: &'a mut RecursiveConstraintConsumer<G, E>,
}

impl<G: RichField + Extendable<E>, const E: usize> Algebra for Circuit<'_, G, E> {
    type V = ExtensionTarget<E>;
    fn add(&mut self, a: Self::V, b: Self::V) -> Self::V {
        self.builder.add_extension(a, b)
    }
    fn sub(&mut self, a: Self::V, b: Self::V) -> Self::V {
        self.builder.sub_extension(a, b)
    }
    fn mul(&mut self, a: Self::V, b: Self::V) -> Self::V {
        self.builder.mul_extension(a, b)
    }
    fn scale(&mut self, a: Self::V, c: F) -> Self::V {
        self.builder.mul_const_extension(G::from_canonical_u64(c.to_canonical_u64()), a)
    }
    fn constant(&mut self, c: F) -> Self::V {
        self.builder.constant_extension(G::Extension::from_canonical_u64(c.to_canonical_u64()))
    }
    fn constraint(&mut self, v: Self::V) {
        self.cc.constraint(self.builder, v);
    }
    fn constraint_transition(&mut self, v: Self::V) {
        self.cc.constraint_transition(self.builder, v);
    }
    fn constraint_first_row(&mut self, v: Self::V) {
        self.cc.constraint_first_row(self.builder, v);
    }
    fn constraint_last_row(&mut self, v: Self::V) {
        self.cc.constraint_last_row(self.builder, v);
    }
}
