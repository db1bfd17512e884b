//! Poseidon over Goldilocks, width 12: the same function as plonky2's
//! `<GoldilocksField as Poseidon>::poseidon`, vectorized.
//!
//! Proving spends most of its time in this permutation (Merkle trees of the commitments, FRI,
//! the challenger), and plonky2 1.1 has only a scalar one. With AVX-512 (F, VL and IFMA, known
//! at compile time) [`permute`] and [`permute_x8`] use `core::arch::x86_64` intrinsics; on other
//! targets they call plonky2's permutation.
//!
//! - [`permute`]: one state; [`permute_x8`]: eight independent states at once, for batches.
//! - [`FastPoseidonHash`]: a plonky2 [`Hasher`] and [`AlgebraicHasher`] computing the same
//!   hashes as `PoseidonHash`; in circuits it is `PoseidonHash` (same gates), so recursive
//!   verification is unchanged.
//! - [`ZkmipsConfig`]: the proof configuration with that hasher, the crate's [`crate::C`].
//! - [`merkle`]: Merkle trees (and trace commitments) hashing eight leaves at once.
//!
//! Outputs are canonical field elements. plonky2's permutation may return a non-canonical
//! representative (`x + P < 2^64`); the values, and so every hash and proof check, agree.

#[cfg(all(
    target_arch = "x86_64",
    target_feature = "avx512f",
    target_feature = "avx512vl",
    target_feature = "avx512ifma"
))]
mod consts;
pub mod merkle;

#[cfg(all(
    target_arch = "x86_64",
    target_feature = "avx512f",
    target_feature = "avx512vl",
    target_feature = "avx512ifma"
))]
#[path = "avx512.rs"]
mod imp;

#[cfg(not(all(
    target_arch = "x86_64",
    target_feature = "avx512f",
    target_feature = "avx512vl",
    target_feature = "avx512ifma"
)))]
#[path = "portable.rs"]
mod imp;

use plonky2::field::extension::quadratic::QuadraticExtension;
use plonky2::field::extension::Extendable;
use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::hash::hash_types::{HashOut, RichField, NUM_HASH_OUT_ELTS};
use plonky2::hash::hashing::{compress, PlonkyPermutation};
use plonky2::hash::poseidon::{PoseidonHash, PoseidonPermutation, SPONGE_RATE, SPONGE_WIDTH};
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::config::{AlgebraicHasher, GenericConfig, Hasher};

use crate::F;

/// Elements in a state.
pub const WIDTH: usize = SPONGE_WIDTH;
/// Elements absorbed per permutation.
pub const RATE: usize = SPONGE_RATE;

/// Whether [`permute`] and [`permute_x8`] use vector instructions in this build.
pub const VECTORIZED: bool = imp::VECTORIZED;

/// The Poseidon permutation of one state.
#[inline]
pub fn permute(state: &mut [F; WIDTH]) {
    let mut s = state.map(|x| x.0);
    imp::permute(&mut s);
    *state = s.map(GoldilocksField);
}

/// The Poseidon permutation of eight independent states.
#[inline]
pub fn permute_x8(states: &mut [[F; WIDTH]; 8]) {
    let mut s = states.map(|st| st.map(|x| x.0));
    imp::permute_x8(&mut s);
    *states = s.map(|st| st.map(GoldilocksField));
}

/// plonky2's sponge state with [`permute`] as its permutation.
#[derive(Copy, Clone, Default, Debug, PartialEq, Eq)]
pub struct FastPoseidonPermutation {
    state: [F; WIDTH],
}

impl AsRef<[F]> for FastPoseidonPermutation {
    fn as_ref(&self) -> &[F] {
        &self.state
    }
}

impl PlonkyPermutation<F> for FastPoseidonPermutation {
    const RATE: usize = RATE;
    const WIDTH: usize = WIDTH;

    fn new<I: IntoIterator<Item = F>>(elts: I) -> Self {
        let mut perm = Self::default();
        perm.set_from_iter(elts, 0);
        perm
    }

    fn set_elt(&mut self, elt: F, idx: usize) {
        self.state[idx] = elt;
    }

    fn set_from_slice(&mut self, elts: &[F], start_idx: usize) {
        self.state[start_idx..start_idx + elts.len()].copy_from_slice(elts);
    }

    fn set_from_iter<I: IntoIterator<Item = F>>(&mut self, elts: I, start_idx: usize) {
        for (s, e) in self.state[start_idx..].iter_mut().zip(elts) {
            *s = e;
        }
    }

    fn permute(&mut self) {
        permute(&mut self.state);
    }

    fn squeeze(&self) -> &[F] {
        &self.state[..RATE]
    }
}

/// Poseidon hashing with [`permute`]: the same hashes as plonky2's `PoseidonHash`, and the same
/// circuits.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FastPoseidonHash;

impl Hasher<F> for FastPoseidonHash {
    const HASH_SIZE: usize = <PoseidonHash as Hasher<F>>::HASH_SIZE;
    type Hash = HashOut<F>;
    type Permutation = FastPoseidonPermutation;

    // plonky2's generic sponge collects the output in a `Vec`: one allocation per hashed leaf.
    fn hash_no_pad(input: &[F]) -> Self::Hash {
        let mut state = [F::ZERO; WIDTH];
        for chunk in input.chunks(RATE) {
            state[..chunk.len()].copy_from_slice(chunk);
            permute(&mut state);
        }
        HashOut { elements: [state[0], state[1], state[2], state[3]] }
    }

    // The default builds the short input's bytes in a `Vec`.
    fn hash_or_noop(input: &[F]) -> Self::Hash {
        if input.len() <= NUM_HASH_OUT_ELTS {
            let mut elements = [F::ZERO; NUM_HASH_OUT_ELTS];
            for (e, x) in elements.iter_mut().zip(input) {
                *e = F::from_canonical_u64(x.to_canonical_u64());
            }
            HashOut { elements }
        } else {
            Self::hash_no_pad(input)
        }
    }

    fn two_to_one(left: Self::Hash, right: Self::Hash) -> Self::Hash {
        compress::<F, Self::Permutation>(left, right)
    }
}

impl AlgebraicHasher<F> for FastPoseidonHash {
    type AlgebraicPermutation = PoseidonPermutation<Target>;

    fn permute_swapped<const D: usize>(
        inputs: Self::AlgebraicPermutation,
        swap: BoolTarget,
        builder: &mut CircuitBuilder<F, D>,
    ) -> Self::AlgebraicPermutation
    where
        F: RichField + Extendable<D>,
    {
        <PoseidonHash as AlgebraicHasher<F>>::permute_swapped(inputs, swap, builder)
    }
}

/// Goldilocks, its quadratic extension, and [`FastPoseidonHash`] for Merkle trees and the
/// challenger: `PoseidonGoldilocksConfig` with a faster permutation.
#[derive(Debug, Copy, Clone, Default, Eq, PartialEq)]
pub struct ZkmipsConfig;

impl GenericConfig<2> for ZkmipsConfig {
    type F = F;
    type FE = QuadraticExtension<F>;
    type Hasher = FastPoseidonHash;
    type InnerHasher = FastPoseidonHash;
}
