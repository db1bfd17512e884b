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

/// Gadgets over [`Algebra`] for constraints on bits and words, for every algebra; the tables
/// with bit-level constraints (keccak, sha256) share them.
pub trait Gadgets: Algebra {
    fn konst(&mut self, v: u64) -> Self::V {
        self.constant(F::from_canonical_u64(v))
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

    /// `k * e`.
    fn times(&mut self, k: u64, e: Self::V) -> Self::V {
        self.scale(e, F::from_canonical_u64(k))
    }

    /// `a ^ b` for bits `a`, `b`: `a + b - 2ab` (degree 2 in degree-1 inputs).
    fn xor(&mut self, a: Self::V, b: Self::V) -> Self::V {
        let ab = self.mul(a, b);
        let s = self.add(a, b);
        let t = self.times(2, ab);
        self.sub(s, t)
    }

    /// `a ^ b ^ c` for bits: `a + b + c - 2(ab + bc + ca) + 4abc` (degree 3).
    fn xor3(&mut self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        let ab = self.mul(a, b);
        let bc = self.mul(b, c);
        let ca = self.mul(c, a);
        let abc = self.mul(ab, c);
        let s = self.sum(&[a, b, c]);
        let pairs = self.sum(&[ab, bc, ca]);
        let pairs = self.times(2, pairs);
        let abc = self.times(4, abc);
        let s = self.sub(s, pairs);
        self.add(s, abc)
    }

    /// `sum 2^k bits[k]`, little-endian.
    fn pack(&mut self, bits: &[Self::V]) -> Self::V {
        let mut acc = self.konst(0);
        for (k, &b) in bits.iter().enumerate() {
            let t = self.times(1 << k, b);
            acc = self.add(acc, t);
        }
        acc
    }

    /// `e = 0` where `flag` is 1: `flag * e = 0`.
    fn when(&mut self, flag: Self::V, e: Self::V) {
        let c = self.mul(flag, e);
        self.constraint(c);
    }

    /// `flag * e = 0` on every row but the last.
    fn when_transition(&mut self, flag: Self::V, e: Self::V) {
        let c = self.mul(flag, e);
        self.constraint_transition(c);
    }

    /// `a = b`.
    fn equal(&mut self, a: Self::V, b: Self::V) {
        let e = self.sub(a, b);
        self.constraint(e);
    }

    /// `a = b` where `flag` is 1.
    fn equal_when(&mut self, flag: Self::V, a: Self::V, b: Self::V) {
        let e = self.sub(a, b);
        let c = self.mul(flag, e);
        self.constraint(c);
    }

    /// `a = b` where `flag` is 1, on every row but the last.
    fn equal_when_transition(&mut self, flag: Self::V, a: Self::V, b: Self::V) {
        let e = self.sub(a, b);
        let c = self.mul(flag, e);
        self.constraint_transition(c);
    }

    /// `b` is 0 or 1.
    fn boolean(&mut self, b: Self::V) {
        let m = self.sub_const(b, 1);
        let c = self.mul(b, m);
        self.constraint(c);
    }
}

impl<A: Algebra> Gadgets for A {}
