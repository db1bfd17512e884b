//! The keccak-f[1600] round, step by step, as the table's columns split it.
//!
//! The constants are checked against the `keccak` crate by the tests (a permutation computed
//! here equals `keccak::f1600`).

use super::columns::{LANES, ROUNDS};

/// Round constants (iota).
pub const RC: [u64; ROUNDS] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808A,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808B,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008A,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000A,
    0x0000_0000_8000_808B,
    0x8000_0000_0000_008B,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800A,
    0x8000_0000_8000_000A,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// Rotation of lane `x + 5 * y` (rho).
pub const ROTATIONS: [u32; LANES] = [
    0, 1, 62, 28, 27, //
    36, 44, 6, 55, 20, //
    3, 10, 43, 25, 39, //
    41, 45, 15, 21, 8, //
    18, 2, 61, 56, 14,
];

/// Where lane `X + 5 * Y` of `B = pi(rho(A'))` comes from: `B[X, Y] = rot(A'[x, y], r[x, y])`
/// with `(X, Y) = (y, 2x + 3y)`, so `y = X` and `x = X + 3Y` (mod 5). Returns the source lane.
pub const fn pi_source(lane: usize) -> usize {
    let (bx, by) = (lane % 5, lane / 5);
    let (x, y) = ((bx + 3 * by) % 5, bx);
    x + 5 * y
}

/// Bit `z` of lane `lane` of `B`, as `(lane of A', bit of it)`.
pub const fn b_bit(lane: usize, z: usize) -> (usize, usize) {
    let src = pi_source(lane);
    (src, (z + 64 - ROTATIONS[src] as usize) % 64)
}

/// One round's intermediate values, as the table's columns hold them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoundValues {
    /// Column parities.
    pub c: [u64; 5],
    /// Column parities after theta.
    pub c_prime: [u64; 5],
    /// The state after theta.
    pub a_prime: [u64; LANES],
    /// Lane 0 after chi, before iota.
    pub chi0: u64,
    /// The state after the round.
    pub out: [u64; LANES],
}

/// Round `r` of keccak-f[1600] on `a`.
pub fn round(a: &[u64; LANES], r: usize) -> RoundValues {
    let c: [u64; 5] = core::array::from_fn(|x| (0..5).fold(0, |acc, y| acc ^ a[x + 5 * y]));
    let d: [u64; 5] = core::array::from_fn(|x| c[(x + 4) % 5] ^ c[(x + 1) % 5].rotate_left(1));
    let c_prime = core::array::from_fn(|x| c[x] ^ d[x]);
    let a_prime: [u64; LANES] = core::array::from_fn(|i| a[i] ^ d[i % 5]);
    let b: [u64; LANES] = core::array::from_fn(|i| {
        let src = pi_source(i);
        a_prime[src].rotate_left(ROTATIONS[src])
    });
    let mut out: [u64; LANES] = core::array::from_fn(|i| {
        let (x, y) = (i % 5, i / 5);
        b[i] ^ (!b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y])
    });
    let chi0 = out[0];
    out[0] ^= RC[r];
    RoundValues { c, c_prime, a_prime, chi0, out }
}

/// keccak-f[1600], round by round.
pub fn permute(a: &[u64; LANES]) -> [u64; LANES] {
    (0..ROUNDS).fold(*a, |s, r| round(&s, r).out)
}
