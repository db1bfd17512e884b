//! Word and bit gadgets over the shared constraint algebra, used by both tables, and the
//! matching witness helpers.

use plonky2::field::types::Field;
use zkmips_stark::algebra::{Algebra, Gadgets};
use zkmips_stark::F;

use crate::Sigma;

/// The shared gadgets ([`Gadgets`]) and the SHA-256 sigma functions.
pub(crate) trait Bits: Gadgets {
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
