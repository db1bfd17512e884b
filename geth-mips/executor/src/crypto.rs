//! secp256k1 public-key recovery for transaction senders, in software.
//!
//! The same arithmetic as k256's `VerifyingKey::recover_from_prehash`, without its final
//! `verify_prehash`: the key recovered as `Q = r⁻¹(s·R − z·G)` satisfies the verification equation
//! by construction (`z·s⁻¹·G + r·s⁻¹·Q = R`, whose x is `r`), so verifying again only doubles
//! the cost. In the VM that check is two scalar multiplications per sender, about 45% of sender
//! recovery. The rules are Ethereum's: `r` and `s` in `[1, n)`, `s ≤ n/2` (EIP-2), the y parity
//! from the signature, no x-overflow recovery ids.

use alloc::string::String;

use alloy_primitives::{keccak256, Address, Signature, B256, U256};
use k256::{
    elliptic_curve::{
        ops::{LinearCombination, Reduce},
        point::DecompressPoint,
        sec1::ToEncodedPoint,
        subtle::Choice,
        PrimeField,
    },
    AffinePoint, ProjectivePoint, Scalar,
};

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

/// Recovery without the low-`s` rule, as the ECRECOVER precompile does it.
fn recover_any_s(signature: &Signature, hash: B256) -> Result<Address, String> {
    let scalar = |value: U256, name: &str| -> Result<Scalar, String> {
        let scalar: Option<Scalar> = Scalar::from_repr(value.to_be_bytes::<32>().into()).into();
        match scalar {
            Some(s) if !bool::from(s.is_zero()) => Ok(s),
            _ => Err(alloc::format!("{name} is zero or not below the group order")),
        }
    };
    let r = scalar(signature.r(), "r")?;
    let s = scalar(signature.s(), "s")?;
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
    Ok(Address::from_slice(&keccak256(&encoded.as_bytes()[1..])[12..]))
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
