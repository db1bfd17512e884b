//! Host-side arithmetic over secp256k1's base field `p = 2^256 - 2^32 - 977`: the results the
//! table proves, computed for trace generation (the VM computes the same with k256; the trace
//! generator checks that the two agree).

use num::bigint::{BigInt, BigUint};
use num::{One, Zero};

/// Limbs of a 256-bit number: 16 limbs of 16 bits, little-endian.
pub const LIMBS: usize = 16;

/// `p` in 16-bit limbs, little-endian: `0xFFFF...FFFF_FFFE_FFFF_FC2F`.
pub const P_LIMBS: [u64; LIMBS] = {
    let mut l = [0xFFFF; LIMBS];
    l[0] = 0xFC2F;
    l[2] = 0xFFFE;
    l
};

/// `2^256 mod p = 2^32 + 977`: the folding constant, as `X^16 = X^2 + 977` at `X = 2^16`.
pub const FOLD: u64 = 977;

/// The modulus `p`.
pub fn modulus() -> BigUint {
    (BigUint::one() << 256u32) - (BigUint::one() << 32u32) - BigUint::from(FOLD)
}

/// The number held by little-endian 32-bit words.
pub fn from_words(words: &[u32]) -> BigUint {
    BigUint::from_slice(words)
}

/// `v` as 8 little-endian 32-bit words.
///
/// # Panics
/// If `v >= 2^256`.
pub fn to_words(v: &BigUint) -> [u32; 8] {
    let digits = v.to_u32_digits();
    assert!(digits.len() <= 8, "{v:#x} does not fit in 256 bits");
    let mut out = [0u32; 8];
    out[..digits.len()].copy_from_slice(&digits);
    out
}

/// The 16-bit limbs of 8 words.
pub fn limbs(words: &[u32]) -> [u64; LIMBS] {
    assert_eq!(words.len(), 8, "a 256-bit number is 8 words");
    core::array::from_fn(|i| (words[i / 2] >> (16 * (i % 2)) & 0xFFFF) as u64)
}

/// A point's affine coordinates, each below `p`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Affine {
    pub x: BigUint,
    pub y: BigUint,
}

impl Affine {
    /// The point in 16 words, x then y (the guest's layout).
    pub fn from_words(w: &[u32; 16]) -> Affine {
        Affine { x: from_words(&w[..8]), y: from_words(&w[8..]) }
    }

    pub fn to_words(&self) -> [u32; 16] {
        let mut out = [0u32; 16];
        out[..8].copy_from_slice(&to_words(&self.x));
        out[8..].copy_from_slice(&to_words(&self.y));
        out
    }
}

fn reduce(v: BigInt) -> BigUint {
    let p = BigInt::from(modulus());
    let r = ((v % &p) + &p) % &p;
    r.to_biguint().expect("reduced value is nonnegative")
}

fn int(v: &BigUint) -> BigInt {
    BigInt::from(v.clone())
}

/// `a^-1 mod p` (Fermat), for `a != 0 mod p`.
pub fn inverse(a: &BigUint) -> BigUint {
    let p = modulus();
    assert!(!(a % &p).is_zero(), "0 has no inverse");
    a.modpow(&(&p - 2u32), &p)
}

/// A square root of `a` mod p, if `a` is a square (`p = 3 mod 4`: `a^((p+1)/4)`).
pub fn sqrt(a: &BigUint) -> Option<BigUint> {
    let p = modulus();
    let r = a.modpow(&((&p + 1u32) >> 2u32), &p);
    (&r * &r % &p == a % &p).then_some(r)
}

/// Why a call has no proof. The VM handles or rejects these cases; the table proves none of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unproven {
    /// ADD with `x1 = x2`: a doubling (`p = q`) or the point at infinity (`p = -q`).
    EqualX,
    /// DOUBLE of a point with `y = 0` (not on secp256k1, which has no point of order 2).
    ZeroY,
    /// DECOMPRESS of an `x` with no point on the curve.
    NotOnCurve,
    /// An input coordinate at or above `p` (the VM rejects it).
    NotCanonical,
}

impl core::fmt::Display for Unproven {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Unproven::EqualX => {
                "x1 = x2 (p = q is a doubling and p = -q the point at infinity): the chord formula is not \
                 proven for it, use DOUBLE or avoid the case"
            }
            Unproven::ZeroY => "y = 0 (no such point on secp256k1)",
            Unproven::NotOnCurve => "x is not the coordinate of a curve point",
            Unproven::NotCanonical => "a coordinate is not below p",
        })
    }
}

fn canonical(vs: &[&BigUint]) -> Result<(), Unproven> {
    let p = modulus();
    if vs.iter().all(|v| *v < &p) {
        Ok(())
    } else {
        Err(Unproven::NotCanonical)
    }
}

/// ADD `a + b` by the chord: the slope `λ = (y2 - y1) / (x2 - x1)` and the sum.
pub fn add(a: &Affine, b: &Affine) -> Result<(BigUint, Affine), Unproven> {
    canonical(&[&a.x, &a.y, &b.x, &b.y])?;
    if a.x == b.x {
        return Err(Unproven::EqualX);
    }
    let lambda = reduce(int(&b.y) - int(&a.y)) * inverse(&reduce(int(&b.x) - int(&a.x))) % modulus();
    Ok((lambda.clone(), chord_result(&lambda, a, &b.x)))
}

/// The point the line of slope `λ` through `a` meets the curve at, reflected, given the other
/// x: `x3 = λ² - x1 - x2`, `y3 = λ (x1 - x3) - y1`.
pub fn chord_result(lambda: &BigUint, a: &Affine, x2: &BigUint) -> Affine {
    let l = int(lambda);
    let x3 = reduce(&l * &l - int(&a.x) - int(x2));
    let y3 = reduce(&l * (int(&a.x) - int(&x3)) - int(&a.y));
    Affine { x: x3, y: y3 }
}

/// DOUBLE `2a` by the tangent. Returns `κ = 2λ = 3x² / y` (what the table stores) and the point.
pub fn double(a: &Affine) -> Result<(BigUint, Affine), Unproven> {
    canonical(&[&a.x, &a.y])?;
    if a.y.is_zero() {
        return Err(Unproven::ZeroY);
    }
    let p = modulus();
    let kappa = BigUint::from(3u32) * &a.x * &a.x % &p * inverse(&a.y) % &p;
    let lambda = &kappa * inverse(&BigUint::from(2u32)) % &p;
    Ok((kappa, chord_result(&lambda, a, &a.x)))
}

/// DECOMPRESS: `x² mod p` (what the table stores as a helper) and the `y` with `y² = x³ + 7`
/// whose parity is `odd`.
pub fn decompress(x: &BigUint, odd: bool) -> Result<(BigUint, BigUint), Unproven> {
    canonical(&[x])?;
    let p = modulus();
    let t = x * x % &p;
    let y = sqrt(&((&t * x + 7u32) % &p)).ok_or(Unproven::NotOnCurve)?;
    let y = if y.bit(0) == odd { y } else { (&p - &y) % &p };
    Ok((t, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_limbs_are_p() {
        let from_limbs = P_LIMBS.iter().rev().fold(BigUint::zero(), |acc, &l| (acc << 16u32) + l);
        assert_eq!(from_limbs, modulus());
        assert_eq!(limbs(&to_words(&modulus())), P_LIMBS);
        assert_eq!((BigUint::one() << 256u32) % modulus(), (BigUint::one() << 32u32) + FOLD);
    }
}
