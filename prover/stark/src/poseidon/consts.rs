//! The permutation's constants, taken from plonky2's public API and rearranged at compile time
//! for the vectorized rounds.
//!
//! The partial rounds are run in their textbook form (constants, S-box on element 0, MDS) but
//! with the constants of elements 1..12 carried forward through the linear layers instead of
//! being added every round: if the true state is `s = t + k` for a known constant vector `k`,
//! a partial round with constants `c` maps it to `MDS(t') + MDS(v)`, where `v = k + c` with
//! `v[0] = 0` and `t'` is `t` with `t[0]` replaced by `sbox(t[0] + k[0] + c[0])`. So each partial
//! round adds one constant (to element 0) and the carried vector after the last partial round
//! joins the constants of the next full round.

use plonky2::field::goldilocks_field::GoldilocksField;
use plonky2::field::types::Field64;
use plonky2::hash::poseidon::{Poseidon, ALL_ROUND_CONSTANTS, HALF_N_FULL_ROUNDS, N_PARTIAL_ROUNDS, N_ROUNDS};

use super::WIDTH;

/// The Goldilocks prime `2^64 - 2^32 + 1`.
pub(crate) const P: u64 = GoldilocksField::ORDER;
/// `2^64 mod P = 2^32 - 1`.
pub(crate) const EPSILON: u64 = 0xFFFF_FFFF;

/// First row of the circulant part of the MDS matrix.
pub(crate) const MDS_CIRC: [u64; WIDTH] = <GoldilocksField as Poseidon>::MDS_MATRIX_CIRC;
/// Diagonal part of the MDS matrix.
pub(crate) const MDS_DIAG: [u64; WIDTH] = <GoldilocksField as Poseidon>::MDS_MATRIX_DIAG;

/// Half the width: the circulant MDS matrix is `[[A, B], [B, A]]` in blocks of this size.
pub(crate) const HALF: usize = WIDTH / 2;

/// `(A + B) / 2`: `(C x)_a + (C x)_b = (A + B)(x_a + x_b)`, where `C` is the circulant part of
/// the MDS matrix, `C[r][s] = MDS_CIRC[(s - r) mod 12]`, and `_a`, `_b` are the halves of a
/// vector. Halved (every entry of `A + B` and `A - B` is even for plonky2's matrix, asserted
/// below), `(C x)_a = (A + B)/2 (x_a + x_b) + (A - B)/2 (x_a - x_b)` needs no division.
pub(crate) const MDS_SUM: [[u64; HALF]; HALF] = {
    let mut m = [[0; HALF]; HALF];
    let mut r = 0;
    while r < HALF {
        let mut k = 0;
        while k < HALF {
            let sum = MDS_CIRC[(k + WIDTH - r) % WIDTH] + MDS_CIRC[(k + HALF + WIDTH - r) % WIDTH];
            assert!(sum.is_multiple_of(2), "the MDS blocks are expected to have an even sum");
            m[r][k] = sum / 2;
            k += 1;
        }
        r += 1;
    }
    m
};

/// `(A - B) / 2`: `(C x)_a - (C x)_b = (A - B)(x_a - x_b)`.
pub(crate) const MDS_DIFF: [[i64; HALF]; HALF] = {
    let mut m = [[0; HALF]; HALF];
    let mut r = 0;
    while r < HALF {
        let mut k = 0;
        while k < HALF {
            let diff = MDS_CIRC[(k + WIDTH - r) % WIDTH] as i64 - MDS_CIRC[(k + HALF + WIDTH - r) % WIDTH] as i64;
            assert!(diff % 2 == 0, "the MDS blocks are expected to have an even difference");
            m[r][k] = diff / 2;
            k += 1;
        }
        r += 1;
    }
    m
};

/// Offset making `x_a - x_b` non-negative for 32-bit halves.
pub(crate) const DIFF_OFFSET: u64 = 1 << 33;

/// `DIFF_OFFSET * sum(MDS_DIFF[r])`, modulo `2^64`: what the offset adds to row `r` of
/// `(A - B)(x_a - x_b + DIFF_OFFSET)`.
pub(crate) const MDS_DIFF_OFFSET: [u64; HALF] = {
    let mut o = [0; HALF];
    let mut r = 0;
    while r < HALF {
        let mut sum = 0i64;
        let mut k = 0;
        while k < HALF {
            sum += MDS_DIFF[r][k];
            k += 1;
        }
        o[r] = (sum as u64).wrapping_mul(DIFF_OFFSET);
        r += 1;
    }
    o
};

/// Entry `[r][j]` of the MDS matrix, `MDS_CIRC[(j - r) mod 12] + MDS_DIAG[r] [r = j]`.
const fn mds_entry(r: usize, j: usize) -> u64 {
    MDS_CIRC[(j + WIDTH - r) % WIDTH] + if r == j { MDS_DIAG[r] } else { 0 }
}

/// Column 0 of the MDS matrix: how element 0 enters every output.
pub(crate) const MDS_COL0: [u64; WIDTH] = {
    let mut c = [0; WIDTH];
    let mut r = 0;
    while r < WIDTH {
        c[r] = mds_entry(r, 0);
        r += 1;
    }
    c
};

/// Row 0 of the MDS matrix with its first entry cleared: how elements 1..12 enter output 0.
pub(crate) const MDS_ROW0: [u64; WIDTH] = {
    let mut c = [0; WIDTH];
    let mut j = 1;
    while j < WIDTH {
        c[j] = mds_entry(0, j);
        j += 1;
    }
    c
};

/// Two partial rounds ahead: if `u` holds elements 1..12 of a partial round's input and `x` is
/// its S-box output, output 0 of the next round's linear layer is
/// `MDS[0][0] x' + LOOKAHEAD_X x + LOOKAHEAD_U . u` (with `x'` the next S-box output), since
/// the linear layer is exact over the integers here (small coefficients).
pub(crate) const LOOKAHEAD_X: u64 = {
    let mut sum = 0;
    let mut i = 1;
    while i < WIDTH {
        sum += MDS_ROW0[i] * MDS_COL0[i];
        i += 1;
    }
    sum
};

/// See [`LOOKAHEAD_X`]; entry 0 is zero.
pub(crate) const LOOKAHEAD_U: [u64; WIDTH] = {
    let mut c = [0; WIDTH];
    let mut j = 1;
    while j < WIDTH {
        let mut i = 1;
        while i < WIDTH {
            c[j] += MDS_ROW0[i] * mds_entry(i, j);
            i += 1;
        }
        j += 1;
    }
    c
};

/// Two partial rounds' linear layers at once, by columns: `MDS_TWICE[j][r] = T[r][j]` for
/// `T = MDS Z MDS`, where `Z` clears element 0. If `v` is a partial round's input with element 0
/// replaced by its S-box output, and `x'` is the next round's S-box output, the state after both
/// rounds is `T v + x' MDS_COL0`, exactly over the integers.
pub(crate) const MDS_TWICE: [[u64; WIDTH]; WIDTH] = {
    let mut t = [[0; WIDTH]; WIDTH];
    let mut r = 0;
    while r < WIDTH {
        let mut j = 0;
        while j < WIDTH {
            let mut m = 1;
            while m < WIDTH {
                t[j][r] += mds_entry(r, m) * mds_entry(m, j);
                m += 1;
            }
            j += 1;
        }
        r += 1;
    }
    t
};

/// Look-ahead over two rounds: with `v` and `x'` as in [`MDS_TWICE`], and `u` elements 1..12 of
/// the state after both rounds, `MDS_ROW0 . u = LOOKAHEAD_X x' + LOOKAHEAD2 . v`: the part of
/// the next round's output 0 not depending on its S-box output, known two rounds early.
pub(crate) const LOOKAHEAD2: [u64; WIDTH] = {
    let mut c = [0; WIDTH];
    let mut j = 0;
    while j < WIDTH {
        let mut i = 1;
        while i < WIDTH {
            c[j] += MDS_ROW0[i] * MDS_TWICE[j][i];
            i += 1;
        }
        j += 1;
    }
    c
};

/// Full rounds, all in all.
pub(crate) const N_FULL: usize = 2 * HALF_N_FULL_ROUNDS;
/// Partial rounds.
pub(crate) const N_PARTIAL: usize = N_PARTIAL_ROUNDS;

const fn add_mod(a: u64, b: u64) -> u64 {
    ((a as u128 + b as u128) % P as u128) as u64
}

const fn mul_mod(a: u64, b: u64) -> u64 {
    ((a as u128 * b as u128) % P as u128) as u64
}

/// The MDS layer on canonical values.
const fn mds(v: [u64; WIDTH]) -> [u64; WIDTH] {
    let mut out = [0; WIDTH];
    let mut r = 0;
    while r < WIDTH {
        let mut acc = mul_mod(MDS_DIAG[r], v[r]);
        let mut i = 0;
        while i < WIDTH {
            acc = add_mod(acc, mul_mod(MDS_CIRC[i], v[(i + r) % WIDTH]));
            i += 1;
        }
        out[r] = acc;
        r += 1;
    }
    out
}

const fn round_constants(round: usize) -> [u64; WIDTH] {
    let mut c = [0; WIDTH];
    let mut i = 0;
    while i < WIDTH {
        c[i] = ALL_ROUND_CONSTANTS[WIDTH * round + i];
        i += 1;
    }
    c
}

/// `(constants added to element 0 in each partial round, vector carried out of the last one)`.
const PARTIAL: ([u64; N_PARTIAL], [u64; WIDTH]) = {
    let mut carried = [0; WIDTH];
    let mut first = [0; N_PARTIAL];
    let mut r = 0;
    while r < N_PARTIAL {
        let c = round_constants(HALF_N_FULL_ROUNDS + r);
        let mut v = [0; WIDTH];
        let mut i = 0;
        while i < WIDTH {
            v[i] = add_mod(carried[i], c[i]);
            i += 1;
        }
        first[r] = v[0];
        v[0] = 0;
        carried = mds(v);
        r += 1;
    }
    (first, carried)
};

/// Constants of the full rounds, in order (the first half, then the second half), canonical.
/// The first round of the second half also adds the vector carried out of the partial rounds.
pub(crate) const FULL_RC: [[u64; WIDTH]; N_FULL] = {
    let mut rc = [[0; WIDTH]; N_FULL];
    let mut r = 0;
    while r < N_FULL {
        let round = if r < HALF_N_FULL_ROUNDS { r } else { r + N_PARTIAL };
        rc[r] = round_constants(round);
        if r == HALF_N_FULL_ROUNDS {
            let mut i = 0;
            while i < WIDTH {
                rc[r][i] = add_mod(rc[r][i], PARTIAL.1[i]);
                i += 1;
            }
        }
        r += 1;
    }
    rc
};

/// Constant added to element 0 before the S-box in each partial round, canonical.
pub(crate) const PARTIAL_RC: [u64; N_PARTIAL] = PARTIAL.0;

const _: () = assert!(N_FULL + N_PARTIAL == N_ROUNDS);
const _: () = {
    // The vectorized MDS accumulates `sum(coefficients) * 2^32` in 64 bits (and in 52 bits for
    // IFMA), and `mds_row_shf` assumes small coefficients too.
    let mut sum = 0;
    let mut i = 0;
    while i < WIDTH {
        assert!(MDS_CIRC[i] < 1 << 8 && MDS_DIAG[i] < 1 << 8);
        sum += MDS_CIRC[i] + MDS_DIAG[i];
        i += 1;
    }
    assert!(sum < 1 << 12);
    // The block products multiply sums of two 32-bit halves (below 2^34 with the offset) by
    // these coefficients with 52-bit IFMA products, and sum six of them per row.
    let mut r = 0;
    while r < HALF {
        let mut k = 0;
        while k < HALF {
            assert!(MDS_SUM[r][k] < 1 << 8);
            assert!(MDS_DIFF[r][k] < 1 << 8 && MDS_DIFF[r][k] > -(1 << 8));
            k += 1;
        }
        r += 1;
    }
    assert!(DIFF_OFFSET > 1 << 32);
    // The look-ahead sums 32-bit halves times these with 52-bit IFMA products, eleven per
    // output (below 2^52), and the scalar side adds `LOOKAHEAD_X * x` in 128 bits.
    let mut j = 0;
    while j < WIDTH {
        assert!(LOOKAHEAD_U[j] < 1 << 16);
        j += 1;
    }
    assert!(LOOKAHEAD_X < 1 << 16);
    // Two rounds at once: IFMA products of 32-bit halves and `MDS_TWICE` entries (below 2^52),
    // twelve per output; the second look-ahead multiplies halves by its entries exactly in 64
    // bits (`vpmuludq`), eleven per output, and the scalar side adds its entry 0 times `x`.
    let mut r = 0;
    while r < WIDTH {
        let mut j = 0;
        while j < WIDTH {
            assert!(MDS_TWICE[r][j] < 1 << 16);
            j += 1;
        }
        assert!(LOOKAHEAD2[r] < 1 << 26);
        r += 1;
    }
};
