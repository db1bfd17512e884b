//! Bit gadgets over the shared constraint algebra, used by both tables.

use plonky2::field::types::Field;
use zkmips_stark::algebra::Algebra;
use zkmips_stark::F;

/// Helpers over [`Algebra`] for constraints on bits.
pub(crate) trait Bits: Algebra {
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

    /// `b` is 0 or 1.
    fn boolean(&mut self, b: Self::V) {
        let m = self.sub_const(b, 1);
        let c = self.mul(b, m);
        self.constraint(c);
    }
}

impl<A: Algebra> Bits for A {}
