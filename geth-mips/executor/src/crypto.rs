//! secp256k1 public-key recovery for transaction senders: in software, or on a zkVM's point
//! operations ([`CurveOps`], the VM's SECP256K1 calls).
//!
//! The same arithmetic as k256's `VerifyingKey::recover_from_prehash`, without its final
//! `verify_prehash`: the key recovered as `Q = r⁻¹(s·R − z·G)` satisfies the verification equation
//! by construction (`z·s⁻¹·G + r·s⁻¹·Q = R`, whose x is `r`), so verifying again only doubles
//! the cost. In the VM that check is two scalar multiplications per sender, about 45% of sender
//! recovery. The rules are Ethereum's: `r` and `s` in `[1, n)`, `s ≤ n/2` (EIP-2), the y parity
//! from the signature, no x-overflow recovery ids.
//!
//! [`recover_signer_with`] computes the same key from [`CurveOps`]: affine additions and doublings
//! (Shamir's trick, about 256 doublings and 192 additions) that a zkVM proves as precompiles, with
//! only the scalar arithmetic modulo the group order left to the program.

use alloc::string::String;

use alloy_primitives::{keccak256, U256};
pub use alloy_primitives::{Address, Signature, B256};
use k256::{
    elliptic_curve::{
        ops::{Invert, LinearCombination, Reduce},
        point::DecompressPoint,
        sec1::{FromEncodedPoint, ToEncodedPoint},
        subtle::Choice,
        PrimeField,
    },
    AffinePoint, ProjectivePoint, Scalar,
};
/// revm's cryptography provider interface, for platforms that install their own (the block
/// program routes ECRECOVER and SHA256 to the VM's calls).
pub use revm::precompile::{Crypto, PrecompileHalt};
use zkmips_isa::abi::secp256k1::{coordinate_from_be, coordinate_to_be, split};

/// Half the order of secp256k1's group: the largest `s` EIP-2 allows.
const HALF_ORDER: U256 = U256::from_be_slice(&[
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e,
    0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

/// The address whose key signed `hash` with `signature` (a transaction's sender: EIP-2's low `s`
/// is required).
pub fn recover_signer(signature: &Signature, hash: B256) -> Result<Address, String> {
    if signature.s() > HALF_ORDER {
        return Err("s is above half the group order (EIP-2)".into());
    }
    recover_any_s(signature, hash)
}

/// `value` as a scalar in `[1, n)`, or an error naming it.
fn nonzero_scalar(value: U256, name: &str) -> Result<Scalar, String> {
    let scalar: Option<Scalar> = Scalar::from_repr(value.to_be_bytes::<32>().into()).into();
    match scalar {
        Some(s) if !bool::from(s.is_zero()) => Ok(s),
        _ => Err(alloc::format!("{name} is zero or not below the group order")),
    }
}

/// Recovery without the low-`s` rule, as the ECRECOVER precompile does it.
fn recover_any_s(signature: &Signature, hash: B256) -> Result<Address, String> {
    let r = nonzero_scalar(signature.r(), "r")?;
    let s = nonzero_scalar(signature.s(), "s")?;
    let x = r.to_repr();
    let big_r: Option<AffinePoint> = AffinePoint::decompress(&x, Choice::from(signature.v() as u8)).into();
    let big_r = big_r.ok_or_else(|| String::from("r is not the x coordinate of a curve point"))?;
    let z = <Scalar as Reduce<k256::U256>>::reduce_bytes(&hash.0.into());
    let r_inv: Scalar = Option::from(r.invert()).expect("r is not zero");
    let u1 = -(r_inv * z);
    let u2 = r_inv * s;
    let q = ProjectivePoint::lincomb(&ProjectivePoint::GENERATOR, &u1, &ProjectivePoint::from(big_r), &u2);
    if q == ProjectivePoint::IDENTITY {
        return Err("the recovered key is the point at infinity".into());
    }
    let encoded = q.to_affine().to_encoded_point(false);
    let (x, y) = (encoded.x().expect("not the point at infinity"), encoded.y().expect("affine"));
    Ok(address_of(&(*x).into(), &(*y).into()))
}

/// revm's cryptography provider with the ECRECOVER precompile on [`recover_signer`]'s arithmetic
/// (the precompile accepts any `s`); everything else keeps revm's defaults. Installed once per
/// process by the executor.
#[derive(Debug)]
pub struct Precompiles;

impl revm::precompile::Crypto for Precompiles {
    fn secp256k1_ecrecover(
        &self,
        sig: &[u8; 64],
        recid: u8,
        msg: &[u8; 32],
    ) -> Result<[u8; 32], revm::precompile::PrecompileHalt> {
        let signature =
            Signature::new(U256::from_be_slice(&sig[..32]), U256::from_be_slice(&sig[32..]), recid & 1 == 1);
        if recid > 1 {
            return Err(revm::precompile::PrecompileHalt::Secp256k1RecoverFailed);
        }
        let address = recover_any_s(&signature, B256::from(*msg))
            .map_err(|_| revm::precompile::PrecompileHalt::Secp256k1RecoverFailed)?;
        let mut out = [0u8; 32];
        out[12..].copy_from_slice(address.as_slice());
        Ok(out)
    }
}

/// ECRECOVER as the precompile computes it: the 32-byte left-padded address, if any.
pub fn ecrecover(sig: &[u8; 64], recid: u8, msg: &[u8; 32]) -> Option<[u8; 32]> {
    revm::precompile::Crypto::secp256k1_ecrecover(&Precompiles, sig, recid, msg).ok()
}

/// An affine secp256k1 point in the layout of the VM's SECP256K1 calls (`shared/ABI.md`): 16 words,
/// x then y, each coordinate little-endian.
pub type Point = [u32; 16];

/// A secp256k1 coordinate as 8 little-endian words.
pub type Coordinate = [u32; 8];

/// The secp256k1 point operations a zkVM accelerates (the VM's SECP256K1 calls).
pub trait CurveOps {
    /// `p := p + q`; callers guarantee `x(p) != x(q)`.
    fn add(&self, p: &mut Point, q: &Point);
    /// `p := 2p`.
    fn double(&self, p: &mut Point);
    /// The y coordinate of the point with x coordinate `x` and y parity `odd`, if there is one.
    /// (The VM's call stops the program instead of answering `None`: ask [`is_x_coordinate`]
    /// first.)
    fn decompress(&self, x: &Coordinate, odd: bool) -> Option<Coordinate>;
}

/// [`CurveOps`] computed by k256, as the VM computes its calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct Software;

fn to_affine(p: &Point) -> AffinePoint {
    let (x, y) = split(p);
    let (x, y) = (coordinate_to_be(x), coordinate_to_be(y));
    let encoded = k256::EncodedPoint::from_affine_coordinates(&x.into(), &y.into(), false);
    Option::from(<AffinePoint as FromEncodedPoint<k256::Secp256k1>>::from_encoded_point(&encoded))
        .expect("a point on secp256k1")
}

fn from_projective(p: ProjectivePoint) -> Point {
    let encoded = p.to_affine().to_encoded_point(false);
    let (x, y) = (encoded.x().expect("not the point at infinity"), encoded.y().expect("affine"));
    point(&coordinate_from_be(&(*x).into()), &coordinate_from_be(&(*y).into()))
}

fn point(x: &Coordinate, y: &Coordinate) -> Point {
    let mut out = [0u32; 16];
    out[..8].copy_from_slice(x);
    out[8..].copy_from_slice(y);
    out
}

/// The address of the public key `(x, y)` (big-endian coordinates): the last 20 bytes of the
/// keccak-256 of their 64 bytes.
fn address_of(x: &[u8; 32], y: &[u8; 32]) -> Address {
    let mut encoded = [0u8; 64];
    encoded[..32].copy_from_slice(x);
    encoded[32..].copy_from_slice(y);
    Address::from_slice(&keccak256(encoded)[12..])
}

impl CurveOps for Software {
    fn add(&self, p: &mut Point, q: &Point) {
        *p = from_projective(ProjectivePoint::from(to_affine(p)) + ProjectivePoint::from(to_affine(q)));
    }

    fn double(&self, p: &mut Point) {
        *p = from_projective(ProjectivePoint::from(to_affine(p)).double());
    }

    fn decompress(&self, x: &Coordinate, odd: bool) -> Option<Coordinate> {
        let point: Option<AffinePoint> =
            AffinePoint::decompress(&coordinate_to_be(x).into(), Choice::from(odd as u8)).into();
        let encoded = point?.to_encoded_point(false);
        Some(coordinate_from_be(&(*encoded.y().expect("affine")).into()))
    }
}

/// secp256k1's generator in the calls' layout (SEC 2's G; a test compares it with k256's). A
/// constant, because converting k256's projective generator costs a field inversion, about
/// 330,000 instructions in the VM.
pub const GENERATOR: Point = [
    0x16F8_1798,
    0x59F2_815B,
    0x2DCE_28D9,
    0x029B_FCDB,
    0xCE87_0B07,
    0x55A0_6295,
    0xF9DC_BBAC,
    0x79BE_667E, // x
    0xFB10_D4B8,
    0x9C47_D08F,
    0xA685_5419,
    0xFD17_B448,
    0x0E11_08A8,
    0x5DA4_FBFC,
    0x26A3_C465,
    0x483A_DA77, // y
];

/// secp256k1's field prime `p = 2^256 - 2^32 - 977`.
const FIELD_PRIME: U256 = U256::from_limbs([0xFFFF_FFFE_FFFF_FC2F, u64::MAX, u64::MAX, u64::MAX]);

/// Whether some curve point has x coordinate `x`, that is whether `x < p` and `x³ + 7` is a square
/// modulo p: the Jacobi symbol by the binary algorithm, about 10 times cheaper in the VM than the
/// square root (a 253-squaring exponentiation) it lets a program skip or hand to the VM's call.
pub fn is_x_coordinate(x: &Coordinate) -> bool {
    let x = U256::from_be_bytes(coordinate_to_be(x));
    if x >= FIELD_PRIME {
        return false;
    }
    let mut a = x.mul_mod(x, FIELD_PRIME).mul_mod(x, FIELD_PRIME).add_mod(U256::from(7u8), FIELD_PRIME);
    let mut n = FIELD_PRIME;
    let mut symbol = 1i8;
    // Invariant: n is odd; the answer is symbol · (a / n).
    loop {
        if a.is_zero() {
            // (0 / n) is 0 unless n = 1; x³ + 7 = 0 has no root on secp256k1 anyway.
            return n == U256::from(1u8) && symbol == 1;
        }
        let zeros = a.trailing_zeros();
        a >>= zeros;
        // (2 / n) = -1 exactly when n ≡ 3 or 5 (mod 8).
        let n_mod_8 = n.as_limbs()[0] & 7;
        if zeros & 1 == 1 && (n_mod_8 == 3 || n_mod_8 == 5) {
            symbol = -symbol;
        }
        if a < n {
            // Quadratic reciprocity for odd a and n: a sign change when both are 3 (mod 4).
            core::mem::swap(&mut a, &mut n);
            if a.as_limbs()[0] & 3 == 3 && n.as_limbs()[0] & 3 == 3 {
                symbol = -symbol;
            }
        }
        a -= n;
    }
}

/// `acc + q` where `acc` may be the point at infinity (`None`), through `curve`'s calls: equal x
/// coordinates are a doubling or give infinity, never an addition.
fn add_any(curve: &impl CurveOps, acc: Option<Point>, q: &Point) -> Option<Point> {
    let mut p = acc?;
    if p[..8] != q[..8] {
        curve.add(&mut p, q);
    } else if p[8..] == q[8..] {
        curve.double(&mut p);
    } else {
        return None;
    }
    Some(p)
}

/// `u1·g + u2·r` (scalars as big-endian bytes) by Shamir's trick: one doubling per bit from the
/// highest set one, one addition per bit set in either scalar. `None` is the point at infinity.
fn lincomb(curve: &impl CurveOps, u1: &[u8; 32], g: &Point, u2: &[u8; 32], r: &Point) -> Option<Point> {
    let g_plus_r = add_any(curve, Some(*g), r);
    let mut acc: Option<Point> = None;
    for i in (0..256).rev() {
        if let Some(p) = acc.as_mut() {
            curve.double(p);
        }
        let bit = |u: &[u8; 32]| u[31 - i / 8] >> (i % 8) & 1 == 1;
        let addend = match (bit(u1), bit(u2)) {
            (false, false) => continue,
            (true, false) => g,
            (false, true) => r,
            (true, true) => match &g_plus_r {
                Some(p) => p,
                None => continue,
            },
        };
        acc = match acc {
            None => Some(*addend),
            some => add_any(curve, some, addend),
        };
    }
    acc
}

/// [`recover_signer`] on `curve`'s point operations.
pub fn recover_signer_with(curve: &impl CurveOps, signature: &Signature, hash: B256) -> Result<Address, String> {
    if signature.s() > HALF_ORDER {
        return Err("s is above half the group order (EIP-2)".into());
    }
    recover_any_s_with(curve, signature, hash)
}

/// Recovery without the low-`s` rule, on `curve`.
fn recover_any_s_with(curve: &impl CurveOps, signature: &Signature, hash: B256) -> Result<Address, String> {
    let r = nonzero_scalar(signature.r(), "r")?;
    let s = nonzero_scalar(signature.s(), "s")?;
    let x = coordinate_from_be(&r.to_repr().into());
    let y = curve
        .decompress(&x, signature.v())
        .ok_or_else(|| String::from("r is not the x coordinate of a curve point"))?;
    let big_r = point(&x, &y);
    let z = <Scalar as Reduce<k256::U256>>::reduce_bytes(&hash.0.into());
    // Signatures are public: no need for a constant-time inversion.
    let r_inv: Scalar = Option::from(r.invert_vartime()).expect("r is not zero");
    let u1 = -(r_inv * z);
    let u2 = r_inv * s;
    let q = lincomb(curve, &u1.to_repr().into(), &GENERATOR, &u2.to_repr().into(), &big_r)
        .ok_or_else(|| String::from("the recovered key is the point at infinity"))?;
    let (x, y) = split(&q);
    Ok(address_of(&coordinate_to_be(x), &coordinate_to_be(y)))
}

/// Installs `provider` as revm's cryptography provider; only the first installation in a process
/// takes effect.
pub fn install_precompiles(provider: impl revm::precompile::Crypto + 'static) {
    revm::precompile::install_crypto(provider);
}

/// revm's cryptography provider with ECRECOVER on `O`'s point operations (the precompile accepts
/// any `s`).
#[derive(Debug, Default)]
pub struct PrecompilesWith<O>(pub O);

impl<O: CurveOps + Send + Sync + core::fmt::Debug> revm::precompile::Crypto for PrecompilesWith<O> {
    fn secp256k1_ecrecover(
        &self,
        sig: &[u8; 64],
        recid: u8,
        msg: &[u8; 32],
    ) -> Result<[u8; 32], revm::precompile::PrecompileHalt> {
        let signature =
            Signature::new(U256::from_be_slice(&sig[..32]), U256::from_be_slice(&sig[32..]), recid & 1 == 1);
        if recid > 1 {
            return Err(revm::precompile::PrecompileHalt::Secp256k1RecoverFailed);
        }
        let address = recover_any_s_with(&self.0, &signature, B256::from(*msg))
            .map_err(|_| revm::precompile::PrecompileHalt::Secp256k1RecoverFailed)?;
        let mut out = [0u8; 32];
        out[12..].copy_from_slice(address.as_slice());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_coordinates_are_those_k256_decompresses() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u32
        };
        let p = FIELD_PRIME.as_limbs();
        let p_words: Coordinate = core::array::from_fn(|i| (p[i / 2] >> (32 * (i % 2))) as u32);
        let mut edges: alloc::vec::Vec<Coordinate> =
            alloc::vec![[0; 8], [1, 0, 0, 0, 0, 0, 0, 0], p_words, [u32::MAX; 8]];
        let mut below_p = p_words;
        below_p[0] -= 1;
        edges.push(below_p);
        edges.push(GENERATOR[..8].try_into().unwrap());
        let (mut yes, mut no) = (0, 0);
        for x in edges.into_iter().chain((0..600).map(|_| core::array::from_fn(|_| next()))) {
            let expected = Software.decompress(&x, false).is_some();
            assert_eq!(is_x_coordinate(&x), expected, "{x:08x?}");
            if expected {
                yes += 1
            } else {
                no += 1
            }
        }
        assert!(yes > 200 && no > 200, "{yes} coordinates, {no} not");
    }

    #[test]
    fn generator_is_k256s() {
        assert_eq!(GENERATOR, from_projective(ProjectivePoint::GENERATOR));
    }
}
