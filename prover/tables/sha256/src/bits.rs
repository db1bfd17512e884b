//! Word and bit gadgets over the shared constraint algebra, used by both tables, and the
//! matching witness helpers.

use plonky2::field::types::Field;
use zkmips_stark::algebra::Algebra;
use zkmips_stark::F;

use crate::Sigma;

/// Helpers over [`Algebra`] for constraints on bits and words.
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

    /// `a ^ b` for bits: `a + b - 2ab`.
    fn xor(&mut self, a: Self::V, b: Self::V) -> Self::V {
        let ab = self.mul(a, b);
        let s = self.add(a, b);
        let t = self.times(2, ab);
        self.sub(s, t)
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

    /// The word `s(x)` of the bits `x` (degree 3 in them).
    fn sigma(&mut self, s: Sigma, x: &[Self::V; 32]) -> Self::V {
        let bits: Vec<_> = (0..32)
            .map(|z| {
                let ([i, j], k) = s.taps(z);
                let t = self.xor(x[i], x[j]);
                match k {
                    Some(k) => self.xor(t, x[k]),
                    None => t,
                }
            })
            .collect();
        self.pack(&bits)
    }
}

impl<A: Algebra> Bits for A {}

pub(crate) fn f(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// The little-endian bits of `word`.
pub(crate) fn bits(word: u32) -> [F; 32] {
    core::array::from_fn(|z| F::from_bool((word >> z) & 1 == 1))
}

/// Writes `v` (below 2^32) into two 16-bit cells.
pub(crate) fn split(cells: &mut [F], v: u64) {
    assert!(v < 1 << 32, "a limb pair holds {v:#x}");
    cells[0] = f(v & 0xFFFF);
    cells[1] = f(v >> 16);
}

/// `limbs[0] + 2^16 limbs[1]`.
pub(crate) fn limb_pair<C: Bits>(cs: &mut C, limbs: &[C::V]) -> C::V {
    let hi = cs.times(1 << 16, limbs[1]);
    cs.add(limbs[0], hi)
}
