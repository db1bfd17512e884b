//! The precompile calls of ABI.md, executed natively (their proofs come with the prover's tables).
//! Every word they read or write goes through the machine's traced loads and stores.

use k256::elliptic_curve::point::DecompressPoint;
use k256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use k256::{AffinePoint, EncodedPoint, ProjectivePoint};
use zkmips_isa::abi::secp256k1::{coordinate_from_be, coordinate_to_be, split};
use zkmips_isa::abi::sys;

use crate::error::VmError;
use crate::machine::Machine;
use crate::trace::Tracer;

/// Words per sponge block in KECCAK_SPONGE's input: 34 data words (the 136-byte rate) and 2 zeros.
pub const KECCAK_BLOCK_WORDS: u32 = 36;

fn check_aligned(m: &Machine, pc: u32, number: u32, what: &str, addr: u32) -> Result<(), VmError> {
    if addr & 3 != 0 {
        return Err(m.bad_syscall(pc, number, format!("{what} {addr:#010x} is not 4-byte aligned")));
    }
    Ok(())
}

fn load_words<T: Tracer, const N: usize>(m: &mut Machine, t: &mut T, addr: u32) -> [u32; N] {
    std::array::from_fn(|i| m.load(t, addr.wrapping_add(4 * i as u32)))
}

fn store_words<T: Tracer>(m: &mut Machine, t: &mut T, addr: u32, words: &[u32]) {
    for (i, &w) in words.iter().enumerate() {
        m.store(t, addr.wrapping_add(4 * i as u32), w);
    }
}

/// KECCAK_SPONGE: absorbs `result[16]` words at `input` (blocks of 36 words) and writes the first
/// 8 lanes of the state to `result[0..16]`.
pub(crate) fn keccak_sponge<T: Tracer>(
    m: &mut Machine,
    t: &mut T,
    pc: u32,
    input: u32,
    result: u32,
) -> Result<(), VmError> {
    let n = sys::KECCAK_SPONGE;
    check_aligned(m, pc, n, "input", input)?;
    check_aligned(m, pc, n, "result buffer", result)?;
    let len = m.load(t, result.wrapping_add(64));
    if !len.is_multiple_of(KECCAK_BLOCK_WORDS) {
        return Err(m.bad_syscall(pc, n, format!("input length {len} words is not a multiple of 36")));
    }
    let mut state = [0u64; 25];
    for block in 0..len / KECCAK_BLOCK_WORDS {
        let at = input.wrapping_add(block * KECCAK_BLOCK_WORDS * 4);
        let words: [u32; 36] = load_words(m, t, at);
        for lane in 0..17 {
            state[lane] ^= words[2 * lane] as u64 | ((words[2 * lane + 1] as u64) << 32);
        }
        keccak::f1600(&mut state);
    }
    let out: Vec<u32> = state[..8].iter().flat_map(|&l| [l as u32, (l >> 32) as u32]).collect();
    store_words(m, t, result, &out);
    Ok(())
}

/// SHA_EXTEND: fills `w[16..64]` from `w[0..16]`.
pub(crate) fn sha_extend<T: Tracer>(m: &mut Machine, t: &mut T, pc: u32, w_ptr: u32) -> Result<(), VmError> {
    check_aligned(m, pc, sys::SHA_EXTEND, "w", w_ptr)?;
    let mut w: [u32; 64] = load_words(m, t, w_ptr);
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
    }
    store_words(m, t, w_ptr.wrapping_add(64), &w[16..]);
    Ok(())
}

const SHA256_K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];

/// SHA_COMPRESS: 64 rounds over the extended `w[64]`, then `h[i] += result[i]`.
pub(crate) fn sha_compress<T: Tracer>(
    m: &mut Machine,
    t: &mut T,
    pc: u32,
    w_ptr: u32,
    h_ptr: u32,
) -> Result<(), VmError> {
    check_aligned(m, pc, sys::SHA_COMPRESS, "w", w_ptr)?;
    check_aligned(m, pc, sys::SHA_COMPRESS, "h", h_ptr)?;
    let w: [u32; 64] = load_words(m, t, w_ptr);
    let h: [u32; 8] = load_words(m, t, h_ptr);
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
    for i in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(SHA256_K[i]).wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        (hh, g, f, e, d, c, b, a) = (g, f, e, d.wrapping_add(t1), c, b, a, t1.wrapping_add(t2));
    }
    let out: Vec<u32> = [a, b, c, d, e, f, g, hh].iter().zip(h).map(|(x, y)| x.wrapping_add(y)).collect();
    store_words(m, t, h_ptr, &out);
    Ok(())
}

/// 8 little-endian words to a big-endian 32-byte field element.
fn load_point<T: Tracer>(m: &mut Machine, t: &mut T, pc: u32, number: u32, addr: u32) -> Result<AffinePoint, VmError> {
    check_aligned(m, pc, number, "point", addr)?;
    let w: [u32; 16] = load_words(m, t, addr);
    let (x, y) = split(&w);
    let (x, y) = (coordinate_to_be(x), coordinate_to_be(y));
    let ep = EncodedPoint::from_affine_coordinates(&x.into(), &y.into(), false);
    Option::from(AffinePoint::from_encoded_point(&ep))
        .ok_or_else(|| m.bad_syscall(pc, number, format!("point at {addr:#010x} is not on secp256k1")))
}

fn store_point<T: Tracer>(
    m: &mut Machine,
    t: &mut T,
    pc: u32,
    number: u32,
    addr: u32,
    p: ProjectivePoint,
) -> Result<(), VmError> {
    let enc = p.to_affine().to_encoded_point(false);
    let (Some(x), Some(y)) = (enc.x(), enc.y()) else {
        return Err(m.bad_syscall(pc, number, "the result is the point at infinity".into()));
    };
    let mut words = coordinate_from_be(&(*x).into()).to_vec();
    words.extend(coordinate_from_be(&(*y).into()));
    store_words(m, t, addr, &words);
    Ok(())
}

/// SECP256K1_ADD: `p := p + q`.
pub(crate) fn secp256k1_add<T: Tracer>(m: &mut Machine, t: &mut T, pc: u32, p: u32, q: u32) -> Result<(), VmError> {
    let n = sys::SECP256K1_ADD;
    let a = load_point(m, t, pc, n, p)?;
    let b = load_point(m, t, pc, n, q)?;
    store_point(m, t, pc, n, p, ProjectivePoint::from(a) + ProjectivePoint::from(b))
}

/// SECP256K1_DOUBLE: `p := 2p`.
pub(crate) fn secp256k1_double<T: Tracer>(m: &mut Machine, t: &mut T, pc: u32, p: u32) -> Result<(), VmError> {
    let n = sys::SECP256K1_DOUBLE;
    let a = load_point(m, t, pc, n, p)?;
    store_point(m, t, pc, n, p, ProjectivePoint::from(a).double())
}

/// SECP256K1_DECOMPRESS: `buf[32..64]` holds x (little-endian); writes y to `buf[0..32]`.
pub(crate) fn secp256k1_decompress<T: Tracer>(
    m: &mut Machine,
    t: &mut T,
    pc: u32,
    buf: u32,
    odd: u32,
) -> Result<(), VmError> {
    let n = sys::SECP256K1_DECOMPRESS;
    check_aligned(m, pc, n, "buffer", buf)?;
    let xw: [u32; 8] = load_words(m, t, buf.wrapping_add(32));
    let x = coordinate_to_be(&xw);
    let point: Option<AffinePoint> = AffinePoint::decompress(&x.into(), ((odd & 1) as u8).into()).into();
    let point = point.ok_or_else(|| m.bad_syscall(pc, n, "x is not the coordinate of a curve point".into()))?;
    let enc = point.to_encoded_point(false);
    let y = coordinate_from_be(&(*enc.y().expect("affine point has y")).into());
    store_words(m, t, buf, &y);
    Ok(())
}
