//! The permutation with AVX-512 (F, VL, IFMA) intrinsics, and scalar multiplications for one
//! state's chain of partial-round S-boxes.
//!
//! Values live in 64-bit lanes and may be any `u64` (a value `x >= P` stands for `x - P`); the
//! results are made canonical at the end. Field products come from the four 32x32-bit partial
//! products of `vpmuludq`, reduced with `2^64 = 2^32 - 1` and `2^96 = -1 (mod P)`. MDS layers
//! split elements into 32-bit halves, sum `coefficient * half` exactly with `vpmadd52luq` (the
//! coefficients are small), and reduce once per output.
//!
//! - Eight states ([`permute_x8`]): twelve `zmm` registers, element `i` of state `j` in lane `j`
//!   of register `i`; every operation is lane-wise. This is bound by the number of instructions
//!   (on Zen 4 about 1.75 `zmm` instructions a cycle; the multiplier is half busy), so the MDS
//!   layer uses the block form with half the products, and a multiplication by `2^32 - 1` stays
//!   one instruction.
//! - One state ([`permute`]): three `ymm` registers, elements `4k..4k+4` in register `k`. This is
//!   bound by latency: the full rounds rotate the state with `valignq` for the circulant MDS
//!   layer; the partial rounds keep element 0 in a general-purpose register (scalar products
//!   have a third of the vector latency) and move the other elements two rounds at a time.
//!
//! Measured on Zen 4 (3.8 GHz): one state in about 800 ns, eight in about 480 ns each; plonky2's
//! scalar permutation takes about 1,300 ns.

use core::arch::x86_64::*;

use super::consts::{
    DIFF_OFFSET, EPSILON, FULL_RC, HALF, LOOKAHEAD2, LOOKAHEAD_U, LOOKAHEAD_X, MDS_CIRC, MDS_COL0, MDS_DIAG, MDS_DIFF,
    MDS_DIFF_OFFSET, MDS_ROW0, MDS_SUM, MDS_TWICE, N_FULL, N_PARTIAL, P, PARTIAL_RC,
};
use super::WIDTH;

pub(super) const VECTORIZED: bool = true;

/// Calls register-only intrinsics.
// SAFETY: the intrinsics need AVX-512 F, VL and IFMA (and the AVX2 they imply), and this module
// is compiled only when the target has them (`cfg(target_feature)` on its declaration), so the
// instructions exist on every CPU this code runs on. Only register operands go through this
// macro; memory accesses have their own `unsafe` blocks.
macro_rules! simd {
    ($e:expr) => {
        unsafe { $e }
    };
}

/// Repeats `$body` with `$i` bound to each listed constant, so that array indices computed from
/// it are known at compile time and the arrays stay in registers.
macro_rules! unroll {
    ($i:ident in [$($n:literal),*] $body:block) => {
        $({
            const $i: usize = $n;
            $body
        })*
    };
}

/// The 64-bit-lane operations the field arithmetic needs, for `ymm` and `zmm` registers.
trait Lanes: Copy {
    fn splat(x: u64) -> Self;
    fn add(self, b: Self) -> Self;
    fn sub(self, b: Self) -> Self;
    /// Low 32 bits of each lane times low 32 bits of each lane, 64-bit products.
    fn mul32(self, b: Self) -> Self;
    /// `self + lo52(a) * lo52(b)`, keeping the low 52 bits of the product.
    fn madd52(self, a: Self, b: Self) -> Self;
    fn shr32(self) -> Self;
    fn shl32(self) -> Self;
    fn and(self, b: Self) -> Self;
    /// Low 32 bits of each lane from `lo`, high 32 bits from `hi`.
    fn blend_hi(lo: Self, hi: Self) -> Self;
    /// `self + 2^32 - 1` in the lanes where `x < y` (unsigned), `self` elsewhere.
    fn add_eps_if_lt(self, x: Self, y: Self) -> Self;
    /// `self - (2^32 - 1)` in the lanes where `x < y` (unsigned), `self` elsewhere.
    fn sub_eps_if_lt(self, x: Self, y: Self) -> Self;
    /// `min(self, b)`, unsigned.
    fn min(self, b: Self) -> Self;
    /// Low 32 bits of each lane times `2^32 - 1`.
    fn mul_eps(self) -> Self;
}

impl Lanes for __m256i {
    #[inline(always)]
    fn splat(x: u64) -> Self {
        simd!(_mm256_set1_epi64x(x as i64))
    }
    #[inline(always)]
    fn add(self, b: Self) -> Self {
        simd!(_mm256_add_epi64(self, b))
    }
    #[inline(always)]
    fn sub(self, b: Self) -> Self {
        simd!(_mm256_sub_epi64(self, b))
    }
    #[inline(always)]
    fn mul32(self, b: Self) -> Self {
        simd!(_mm256_mul_epu32(self, b))
    }
    #[inline(always)]
    fn madd52(self, a: Self, b: Self) -> Self {
        simd!(_mm256_madd52lo_epu64(self, a, b))
    }
    #[inline(always)]
    fn shr32(self) -> Self {
        simd!(_mm256_srli_epi64::<32>(self))
    }
    #[inline(always)]
    fn shl32(self) -> Self {
        simd!(_mm256_slli_epi64::<32>(self))
    }
    #[inline(always)]
    fn and(self, b: Self) -> Self {
        simd!(_mm256_and_si256(self, b))
    }
    #[inline(always)]
    fn blend_hi(lo: Self, hi: Self) -> Self {
        simd!(_mm256_blend_epi32::<0b1010_1010>(lo, hi))
    }
    // A compare into a mask register and a masked add: two instructions. (An AVX2 compare into
    // a vector mask has less latency but needs three more instructions; measured slower.)
    #[inline(always)]
    fn add_eps_if_lt(self, x: Self, y: Self) -> Self {
        simd!(_mm256_mask_add_epi64(self, _mm256_cmplt_epu64_mask(x, y), self, Self::splat(EPSILON)))
    }
    #[inline(always)]
    fn sub_eps_if_lt(self, x: Self, y: Self) -> Self {
        simd!(_mm256_mask_sub_epi64(self, _mm256_cmplt_epu64_mask(x, y), self, Self::splat(EPSILON)))
    }
    #[inline(always)]
    fn min(self, b: Self) -> Self {
        simd!(_mm256_min_epu64(self, b))
    }
    // The compiler's shift, mask and subtraction have less latency than the multiplication.
    #[inline(always)]
    fn mul_eps(self) -> Self {
        self.mul32(Self::splat(EPSILON))
    }
}

impl Lanes for __m512i {
    #[inline(always)]
    fn splat(x: u64) -> Self {
        simd!(_mm512_set1_epi64(x as i64))
    }
    #[inline(always)]
    fn add(self, b: Self) -> Self {
        simd!(_mm512_add_epi64(self, b))
    }
    #[inline(always)]
    fn sub(self, b: Self) -> Self {
        simd!(_mm512_sub_epi64(self, b))
    }
    #[inline(always)]
    fn mul32(self, b: Self) -> Self {
        simd!(_mm512_mul_epu32(self, b))
    }
    #[inline(always)]
    fn madd52(self, a: Self, b: Self) -> Self {
        simd!(_mm512_madd52lo_epu64(self, a, b))
    }
    #[inline(always)]
    fn shr32(self) -> Self {
        simd!(_mm512_srli_epi64::<32>(self))
    }
    #[inline(always)]
    fn shl32(self) -> Self {
        simd!(_mm512_slli_epi64::<32>(self))
    }
    #[inline(always)]
    fn and(self, b: Self) -> Self {
        simd!(_mm512_and_si512(self, b))
    }
    #[inline(always)]
    fn blend_hi(lo: Self, hi: Self) -> Self {
        simd!(_mm512_mask_blend_epi32(0xAAAA, lo, hi))
    }
    #[inline(always)]
    fn add_eps_if_lt(self, x: Self, y: Self) -> Self {
        simd!(_mm512_mask_add_epi64(self, _mm512_cmplt_epu64_mask(x, y), self, Self::splat(EPSILON)))
    }
    #[inline(always)]
    fn sub_eps_if_lt(self, x: Self, y: Self) -> Self {
        simd!(_mm512_mask_sub_epi64(self, _mm512_cmplt_epu64_mask(x, y), self, Self::splat(EPSILON)))
    }
    #[inline(always)]
    fn min(self, b: Self) -> Self {
        simd!(_mm512_min_epu64(self, b))
    }
    // One multiplication instead of the compiler's shift, mask and subtraction: eight states
    // are bound by the number of instructions, and the multiplier has room.
    #[inline(always)]
    fn mul_eps(self) -> Self {
        let mut eps = Self::splat(EPSILON);
        // SAFETY: an empty assembly statement that only hides the constant from the optimizer;
        // it reads and writes nothing else.
        unsafe { core::arch::asm!("/* {0} */", inout(zmm_reg) eps, options(pure, nomem, nostack, preserves_flags)) };
        self.mul32(eps)
    }
}

// The field operations work on arrays of registers, one step for all of them before the
// next: each product is a chain of about twenty dependent instructions, and the out-of-order
// core overlaps independent chains only if they are close in program order.

#[inline(always)]
fn zip<V: Copy, const N: usize>(a: [V; N], b: [V; N], f: impl Fn(V, V) -> V) -> [V; N] {
    core::array::from_fn(|i| f(a[i], b[i]))
}

/// `a + c` for any `a` and `c <= P - 1`: on overflow, `a + c - 2^64 <= 2^64 - 2^32 - 1`, so
/// adding `2^64 mod P` cannot overflow again.
#[inline(always)]
fn add_small<V: Lanes, const N: usize>(a: [V; N], c: [V; N]) -> [V; N] {
    let s = zip(a, c, V::add);
    core::array::from_fn(|i| s[i].add_eps_if_lt(s[i], c[i]))
}

/// `hi * 2^64 + lo mod P`, not necessarily canonical.
#[inline(always)]
fn reduce128<V: Lanes, const N: usize>(lo: [V; N], hi: [V; N]) -> [V; N] {
    // hi = hi_hi * 2^32 + hi_lo: hi * 2^64 = hi_lo * (2^32 - 1) - hi_hi.
    let hi_hi = hi.map(V::shr32);
    let t0 = zip(lo, hi_hi, V::sub);
    // On borrow, t0 = lo - hi_hi + 2^64 >= 2^64 - 2^32 + 1: subtracting 2^32 - 1 cannot wrap.
    let t0: [V; N] = core::array::from_fn(|i| t0[i].sub_eps_if_lt(lo[i], hi_hi[i]));
    let t1 = hi.map(V::mul_eps);
    let r = zip(t0, t1, V::add);
    // t1 <= (2^32 - 1)^2, so the wrapped sum is below 2^64 - 2^33 + 1 and adding 2^32 - 1 fits.
    core::array::from_fn(|i| r[i].add_eps_if_lt(r[i], t1[i]))
}

/// `a * b` from the partial products of the 32-bit halves (`a_hi = a >> 32`, ...).
#[inline(always)]
fn mul_halves<V: Lanes, const N: usize>(a: [V; N], a_hi: [V; N], b: [V; N], b_hi: [V; N]) -> [V; N] {
    let ll = zip(a, b, V::mul32);
    let lh = zip(a, b_hi, V::mul32);
    let hl = zip(a_hi, b, V::mul32);
    let hh = zip(a_hi, b_hi, V::mul32);
    // a * b = ll + (lh + hl) * 2^32 + hh * 2^64; no sum below can exceed 2^64 - 1.
    let t = zip(lh, ll, |lh, ll| lh.add(ll.shr32()));
    let u = zip(hl, t, |hl, t| hl.add(t.and(V::splat(EPSILON))));
    let lo = zip(ll, u, |ll, u| V::blend_hi(ll, u.shl32()));
    let hi: [V; N] = core::array::from_fn(|i| hh[i].add(t[i].shr32()).add(u[i].shr32()));
    reduce128(lo, hi)
}

#[inline(always)]
fn mul<V: Lanes, const N: usize>(a: [V; N], b: [V; N]) -> [V; N] {
    mul_halves(a, a.map(V::shr32), b, b.map(V::shr32))
}

#[inline(always)]
fn square<V: Lanes, const N: usize>(a: [V; N]) -> [V; N] {
    let a_hi = a.map(V::shr32);
    let ll = zip(a, a, V::mul32);
    let lh = zip(a, a_hi, V::mul32);
    let hh = zip(a_hi, a_hi, V::mul32);
    let t = zip(lh, ll, |lh, ll| lh.add(ll.shr32()));
    let u = zip(lh, t, |lh, t| lh.add(t.and(V::splat(EPSILON))));
    let lo = zip(ll, u, |ll, u| V::blend_hi(ll, u.shl32()));
    let hi: [V; N] = core::array::from_fn(|i| hh[i].add(t[i].shr32()).add(u[i].shr32()));
    reduce128(lo, hi)
}

/// `x^7`.
#[inline(always)]
fn sbox<V: Lanes, const N: usize>(x: [V; N]) -> [V; N] {
    let x2 = square(x);
    let x3 = mul(x, x2);
    let x4 = square(x2);
    mul(x3, x4)
}

/// `hi * 2^32 + lo mod P` for `hi + (lo >> 32) < 2^64`.
#[inline(always)]
fn reduce_mds<V: Lanes>(lo: V, hi: V) -> V {
    let s = hi.add(lo.shr32());
    // lo + hi * 2^32 = (s >> 32) * 2^64 + (s mod 2^32) * 2^32 + (lo mod 2^32).
    let low = V::blend_hi(lo, s.shl32());
    let t = s.shr32().mul_eps();
    let r = low.add(t);
    // t <= (2^32 - 1)^2: after a wrap the sum is below that, and adding 2^32 - 1 fits.
    r.add_eps_if_lt(r, t)
}

/// `x mod P`: `x - P` wraps above `x` exactly when `x < P`.
#[inline(always)]
fn canonical<V: Lanes>(x: V) -> V {
    x.min(x.sub(V::splat(P)))
}

// ------------------------------------------------------------------------------------------
// Eight states, lane-wise.

type Wide = [__m512i; WIDTH];

/// `C x` for the circulant part `C` of the MDS matrix and `x` below `2^32` in every lane,
/// exactly (below `2^44`), by blocks: with `C = [[A, B], [B, A]]`, `u = (A + B)/2 (x_a + x_b)`
/// and `v = (A - B)/2 (x_a - x_b)` give `(C x)_a = u + v` and `(C x)_b = u - v`, half the
/// products of the plain matrix-vector product. `x_a - x_b` is offset to stay non-negative for
/// the unsigned IFMA; `A - B` has entries of either sign, summed apart.
#[inline(always)]
fn circulant_wide(x: &Wide) -> Wide {
    let zero = __m512i::splat(0);
    let offset = __m512i::splat(DIFF_OFFSET);
    let mut sum = [zero; HALF];
    let mut diff = [zero; HALF];
    unroll!(K in [0, 1, 2, 3, 4, 5] {
        sum[K] = x[K].add(x[K + HALF]);
        diff[K] = x[K].add(offset.sub(x[K + HALF]));
    });
    // Rows advance together, one column at a time: eighteen independent sums in flight.
    let mut u = [zero; HALF];
    let mut pos = [zero; HALF];
    // Starting the negative sums at the offset's contribution makes `pos - neg` exact.
    let mut neg = MDS_DIFF_OFFSET.map(__m512i::splat);
    unroll!(K in [0, 1, 2, 3, 4, 5] {
        unroll!(R in [0, 1, 2, 3, 4, 5] {
            u[R] = u[R].madd52(__m512i::splat(MDS_SUM[R][K]), sum[K]);
            if MDS_DIFF[R][K] > 0 {
                pos[R] = pos[R].madd52(__m512i::splat(MDS_DIFF[R][K] as u64), diff[K]);
            } else if MDS_DIFF[R][K] < 0 {
                neg[R] = neg[R].madd52(__m512i::splat(MDS_DIFF[R][K].unsigned_abs()), diff[K]);
            }
        });
    });
    let mut out = [zero; WIDTH];
    unroll!(R in [0, 1, 2, 3, 4, 5] {
        let v = pos[R].sub(neg[R]);
        out[R] = u[R].add(v);
        out[R + HALF] = u[R].sub(v);
    });
    out
}

#[inline(always)]
fn mds_wide(s: &Wide) -> Wide {
    let mask = __m512i::splat(EPSILON);
    let lo = s.map(|x| x.and(mask));
    let hi = s.map(|x| x.shr32());
    let mut l = circulant_wide(&lo);
    let mut h = circulant_wide(&hi);
    unroll!(R in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] {
        if MDS_DIAG[R] != 0 {
            l[R] = l[R].madd52(__m512i::splat(MDS_DIAG[R]), lo[R]);
            h[R] = h[R].madd52(__m512i::splat(MDS_DIAG[R]), hi[R]);
        }
    });
    let mut out = [__m512i::splat(0); WIDTH];
    unroll!(R in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] {
        out[R] = reduce_mds(l[R], h[R]);
    });
    out
}

#[inline(always)]
fn full_round_wide(s: &mut Wide, rc: &[u64; WIDTH]) {
    // S-boxes in groups of GROUP registers: enough independent chains, few spills.
    const GROUP: usize = 6;
    let mut t = *s;
    for (g, c) in t.chunks_exact_mut(GROUP).zip(rc.chunks_exact(GROUP)) {
        let x: [__m512i; GROUP] = core::array::from_fn(|i| g[i]);
        let c: [__m512i; GROUP] = core::array::from_fn(|i| __m512i::splat(c[i]));
        g.copy_from_slice(&sbox(add_small(x, c)));
    }
    *s = mds_wide(&t);
}

fn permute_wide(s: &mut Wide) {
    for rc in &FULL_RC[..N_FULL / 2] {
        full_round_wide(s, rc);
    }
    for &rc in &PARTIAL_RC {
        [s[0]] = sbox(add_small([s[0]], [__m512i::splat(rc)]));
        *s = mds_wide(s);
    }
    for rc in &FULL_RC[N_FULL / 2..] {
        full_round_wide(s, rc);
    }
    for x in s.iter_mut() {
        *x = canonical(*x);
    }
}

/// Permutes eight states at once. The outputs are canonical.
pub(super) fn permute_x8(states: &mut [[u64; WIDTH]; 8]) {
    let mut cols = [[0u64; 8]; WIDTH];
    for (j, state) in states.iter().enumerate() {
        for (i, &x) in state.iter().enumerate() {
            cols[i][j] = x;
        }
    }
    // SAFETY: each `[u64; 8]` is 64 readable bytes; `loadu` has no alignment requirement.
    let mut s: Wide = cols.map(|c| unsafe { _mm512_loadu_si512(c.as_ptr().cast()) });
    permute_wide(&mut s);
    for (c, x) in cols.iter_mut().zip(s) {
        // SAFETY: each `[u64; 8]` is 64 writable bytes; `storeu` has no alignment requirement.
        unsafe { _mm512_storeu_si512(c.as_mut_ptr().cast(), x) };
    }
    for (j, state) in states.iter_mut().enumerate() {
        for (i, x) in state.iter_mut().enumerate() {
            *x = cols[i][j];
        }
    }
}

// ------------------------------------------------------------------------------------------
// Scalar arithmetic (`mulx`): lower latency than the vector form, for the chain of S-boxes of
// the partial rounds.

/// `x mod P` for any 128-bit `x`, not necessarily canonical: `x = lo + hi * 2^64` and
/// `hi * 2^64 = (hi mod 2^32) * (2^32 - 1) - (hi >> 32) mod P`, as in [`reduce128`].
///
/// In assembly: written in Rust, the compiler packs two independent reductions into one vector
/// register (moving values to and from it and comparing into mask registers), which more than
/// doubles the latency of the S-box chain.
#[inline(always)]
fn reduce128_scalar(x: u128) -> u64 {
    let (mut lo, hi) = (x as u64, (x >> 64) as u64);
    // SAFETY: arithmetic on the listed registers only; no memory, no stack.
    unsafe {
        core::arch::asm!(
            "mov {t:e}, {hi:e}",
            "shr {hi}, 32",
            "mov {u}, {t}",
            "shl {u}, 32",
            "sub {u}, {t}",
            // lo - (hi >> 32); on borrow, subtract 2^32 - 1 (cannot wrap again).
            "sub {lo}, {hi}",
            "sbb {hi:e}, {hi:e}",
            "sub {lo}, {hi}",
            // + (hi mod 2^32) * (2^32 - 1); on carry, add 2^32 - 1 (cannot carry again).
            "add {lo}, {u}",
            "sbb {hi:e}, {hi:e}",
            "add {lo}, {hi}",
            lo = inout(reg) lo,
            hi = inout(reg) hi => _,
            t = out(reg) _,
            u = out(reg) _,
            options(pure, nomem, nostack),
        );
    }
    lo
}

#[inline(always)]
fn mul_scalar(a: u64, b: u64) -> u64 {
    reduce128_scalar(a as u128 * b as u128)
}

/// `a + c` for `c <= P - 1` (see [`add_small`]).
#[inline(always)]
fn add_small_scalar(a: u64, c: u64) -> u64 {
    let (s, carry) = a.overflowing_add(c);
    s.wrapping_add(EPSILON * carry as u64)
}

// ------------------------------------------------------------------------------------------
// One state in three ymm registers.

type Narrow = [__m256i; 3];

/// `v` rotated left by `T` elements (`T` in 1..4) within the 12-element state.
#[inline(always)]
fn rotate<const T: i32>(v: &Narrow) -> Narrow {
    [
        simd!(_mm256_alignr_epi64::<T>(v[1], v[0])),
        simd!(_mm256_alignr_epi64::<T>(v[2], v[1])),
        simd!(_mm256_alignr_epi64::<T>(v[0], v[2])),
    ]
}

#[inline(always)]
fn load4(x: &[u64]) -> __m256i {
    assert!(x.len() >= 4);
    // SAFETY: `x` has at least 4 elements (checked above, at compile time for constants), 32
    // readable bytes; `loadu` has no alignment requirement.
    unsafe { _mm256_loadu_si256(x.as_ptr().cast()) }
}

#[inline(always)]
fn lane0(v: __m256i) -> u64 {
    simd!(_mm_cvtsi128_si64(_mm256_castsi256_si128(v))) as u64
}

/// `v` with lane 0 replaced by `x`.
#[inline(always)]
fn with_lane0(v: __m256i, x: u64) -> __m256i {
    simd!(_mm256_blend_epi32::<0b11>(v, _mm256_castsi128_si256(_mm_cvtsi64_si128(x as i64))))
}

/// Lane sums of `lo` and `hi`: `(sum(lo), sum(hi))`.
#[inline(always)]
fn horizontal_sums(lo: __m256i, hi: __m256i) -> (u64, u64) {
    let pairs = simd!(_mm256_add_epi64(_mm256_unpacklo_epi64(lo, hi), _mm256_unpackhi_epi64(lo, hi)));
    let sums = simd!(_mm_add_epi64(_mm256_castsi256_si128(pairs), _mm256_extracti128_si256::<1>(pairs)));
    (simd!(_mm_cvtsi128_si64(sums)) as u64, simd!(_mm_extract_epi64::<1>(sums)) as u64)
}

/// The MDS layer over the integers, before reduction: for 32-bit halves `lo` and `hi` of the
/// state, `(MDS lo, MDS hi)`, each sum below `2^44`.
#[inline(always)]
fn mds_sums_narrow(lo: &Narrow, hi: &Narrow) -> (Narrow, Narrow) {
    // rot[t][k]: register k of the state rotated by t; rotating by 4q + t selects register
    // (k + q) mod 3 of rot[t].
    let rot_lo = [*lo, rotate::<1>(lo), rotate::<2>(lo), rotate::<3>(lo)];
    let rot_hi = [*hi, rotate::<1>(hi), rotate::<2>(hi), rotate::<3>(hi)];
    let c = MDS_CIRC.map(__m256i::splat);
    let zero = __m256i::splat(0);
    // Three partial sums per register and half keep the dependency chains short; all eighteen
    // advance together.
    let mut acc_lo = [[zero; 3]; 3];
    let mut acc_hi = [[zero; 3]; 3];
    unroll!(K in [0, 1, 2] {
        // The diagonal part joins the rotation by 0.
        let first = c[0].add(load4(&MDS_DIAG[4 * K..]));
        acc_lo[K][0] = first.mul32(lo[K]);
        acc_hi[K][0] = first.mul32(hi[K]);
    });
    unroll!(I in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] {
        unroll!(K in [0, 1, 2] {
            let reg = (K + I / 4) % 3;
            acc_lo[K][I % 3] = acc_lo[K][I % 3].madd52(c[I], rot_lo[I % 4][reg]);
            acc_hi[K][I % 3] = acc_hi[K][I % 3].madd52(c[I], rot_hi[I % 4][reg]);
        });
    });
    let sum_lo = acc_lo.map(|a| a[0].add(a[1]).add(a[2]));
    let sum_hi = acc_hi.map(|a| a[0].add(a[1]).add(a[2]));
    (sum_lo, sum_hi)
}

#[inline(always)]
fn mds_narrow(s: &Narrow) -> Narrow {
    let mask = __m256i::splat(EPSILON);
    let (l, h) = mds_sums_narrow(&s.map(|x| x.and(mask)), &s.map(|x| x.shr32()));
    [reduce_mds(l[0], h[0]), reduce_mds(l[1], h[1]), reduce_mds(l[2], h[2])]
}

#[inline(always)]
fn full_round_narrow(s: &mut Narrow, rc: &[u64; WIDTH]) {
    let rc = [load4(rc), load4(&rc[4..]), load4(&rc[8..])];
    *s = mds_narrow(&sbox(add_small(*s, rc)));
}

/// `sum(coefficients * u)` over the lanes of halves `u` of three registers, with 52-bit
/// products (`madd52`) or exact 64-bit ones (`mul32`), as `(sum of lo products, sum of hi
/// products)`.
#[inline(always)]
fn dot_narrow(c: &Narrow, lo: &Narrow, hi: &Narrow, wide: bool) -> (u64, u64) {
    let zero = __m256i::splat(0);
    let (l, h) = if wide {
        (
            c[0].mul32(lo[0]).add(c[1].mul32(lo[1])).add(c[2].mul32(lo[2])),
            c[0].mul32(hi[0]).add(c[1].mul32(hi[1])).add(c[2].mul32(hi[2])),
        )
    } else {
        (
            zero.madd52(c[0], lo[0]).madd52(c[1], lo[1]).madd52(c[2], lo[2]),
            zero.madd52(c[0], hi[0]).madd52(c[1], hi[1]).madd52(c[2], hi[2]),
        )
    };
    horizontal_sums(l, h)
}

/// `(lo, hi)` as a 128-bit integer `hi * 2^32 + lo`.
#[inline(always)]
fn join(lo: u64, hi: u64) -> u128 {
    ((hi as u128) << 32) + lo as u128
}

/// The partial rounds, two at a time. Element 0 (the only one through an S-box) is kept in a
/// general-purpose register and its chain of S-boxes runs on scalar multiplications, which have
/// a third of the latency of vector ones; elements 1..12 stay in vector registers.
///
/// - The scalar chain: a round's S-box input is `MDS[0][0] x + p + c` for the previous round's
///   S-box output `x`, its constant `c`, and `p` = row 0 of the MDS matrix times elements 1..12
///   of the previous round's input; `MDS[0][0]` joins alongside the first squaring and `p` the
///   last product before its reduction, so a round costs three multiplications' latency.
/// - `p` is known early: for the first round of a pair from the previous pair's input
///   (`LOOKAHEAD2`), for the second from the pair's input (`LOOKAHEAD_U`).
/// - The vector side applies two rounds' linear layers at once (`MDS_TWICE`), by columns.
#[inline(always)]
fn partial_rounds_narrow(s: &mut Narrow) {
    let mask = __m256i::splat(EPSILON);
    // Halves of elements 1..12; lane 0 (element 0) cleared (a shift by 64 clears a lane).
    let mask0 = simd!(_mm256_set_epi64x(EPSILON as i64, EPSILON as i64, EPSILON as i64, 0));
    let shift0 = simd!(_mm256_set_epi64x(32, 32, 32, 64));
    let split = |u: &Narrow| -> (Narrow, Narrow) {
        (
            [u[0].and(mask0), u[1].and(mask), u[2].and(mask)],
            [simd!(_mm256_srlv_epi64(u[0], shift0)), u[1].shr32(), u[2].shr32()],
        )
    };
    let load3 = |c: &[u64; WIDTH]| -> Narrow { [load4(c), load4(&c[4..]), load4(&c[8..])] };
    let (col0, row0, ahead, ahead2) = (load3(&MDS_COL0), load3(&MDS_ROW0), load3(&LOOKAHEAD_U), load3(&LOOKAHEAD2));
    let (m00, beta, ahead2_x) = (MDS_COL0[0] as u128, LOOKAHEAD_X as u128, LOOKAHEAD2[0] as u128);
    let rc = |r: usize| if r < N_PARTIAL { PARTIAL_RC[r] as u128 } else { 0 };
    // One round of the scalar chain: `(x, next S-box input)` from an S-box input and `p + c`.
    let chain = |input: u64, p: u64| -> (u64, u64) {
        let x2 = mul_scalar(input, input);
        let scaled = reduce128_scalar(m00 * input as u128);
        let x4 = mul_scalar(x2, x2);
        let x = mul_scalar(mul_scalar(input, x2), x4);
        (x, reduce128_scalar(mul_scalar(scaled, x2) as u128 * x4 as u128 + p as u128))
    };

    let mut next = add_small_scalar(lane0(s[0]), PARTIAL_RC[0]);
    let (mut lo, mut hi) = split(s);
    let (l, h) = dot_narrow(&row0, &lo, &hi, false);
    let mut p = reduce128_scalar(join(l, h) + rc(1));
    for r in (0..N_PARTIAL).step_by(2) {
        // The scalar chain first in program order, so that the vector work waiting on it does
        // not hold it back.
        let (x, following) = chain(next, p);
        let (l, h) = dot_narrow(&ahead, &lo, &hi, false);
        let (x_next, following) = chain(following, reduce128_scalar(beta * x as u128 + join(l, h) + rc(r + 2)));
        next = following;
        // Elements 1..12 two rounds on: MDS_TWICE times (x, elements 1..12), plus x_next times
        // column 0; two partial sums per register and half keep the chains short.
        let zero = __m256i::splat(0);
        let mut acc_lo = [[zero; 2]; 3];
        let mut acc_hi = [[zero; 2]; 3];
        unroll!(J in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] {
            let l = simd!(_mm256_permute4x64_epi64::<{ (J % 4) as i32 * 0x55 }>(lo[J / 4]));
            let h = simd!(_mm256_permute4x64_epi64::<{ (J % 4) as i32 * 0x55 }>(hi[J / 4]));
            unroll!(K in [0, 1, 2] {
                let c = load4(&MDS_TWICE[J][4 * K..]);
                acc_lo[K][J % 2] = acc_lo[K][J % 2].madd52(c, l);
                acc_hi[K][J % 2] = acc_hi[K][J % 2].madd52(c, h);
            });
        });
        let (xv, xv_next) = (__m256i::splat(x), __m256i::splat(x_next));
        let (x_lo, x_hi, xn_lo, xn_hi) = (xv.and(mask), xv.shr32(), xv_next.and(mask), xv_next.shr32());
        let u: Narrow = core::array::from_fn(|k| {
            let c = load4(&MDS_TWICE[0][4 * k..]);
            let l = acc_lo[k][0].add(acc_lo[k][1]).madd52(c, x_lo).madd52(col0[k], xn_lo);
            let h = acc_hi[k][0].add(acc_hi[k][1]).madd52(c, x_hi).madd52(col0[k], xn_hi);
            reduce_mds(l, h)
        });
        if r + 2 >= N_PARTIAL {
            *s = [with_lane0(u[0], next), u[1], u[2]];
            break;
        }
        // The next pair's first `p`, from this pair's input.
        let (l, h) = dot_narrow(&ahead2, &lo, &hi, true);
        p = reduce128_scalar(beta * x_next as u128 + ahead2_x * x as u128 + join(l, h) + rc(r + 3));
        (lo, hi) = split(&u);
    }
}

fn permute_narrow(s: &mut Narrow) {
    for rc in &FULL_RC[..N_FULL / 2] {
        full_round_narrow(s, rc);
    }
    partial_rounds_narrow(s);
    for rc in &FULL_RC[N_FULL / 2..] {
        full_round_narrow(s, rc);
    }
    for x in s.iter_mut() {
        *x = canonical(*x);
    }
}

/// Permutes one state. The output is canonical.
pub(super) fn permute(state: &mut [u64; WIDTH]) {
    let mut s: Narrow = [load4(state), load4(&state[4..]), load4(&state[8..])];
    permute_narrow(&mut s);
    for (k, x) in s.into_iter().enumerate() {
        // SAFETY: `state[4k..4k + 4]` is 32 writable bytes; `storeu` has no alignment requirement.
        unsafe { _mm256_storeu_si256(state[4 * k..].as_mut_ptr().cast(), x) };
    }
}
