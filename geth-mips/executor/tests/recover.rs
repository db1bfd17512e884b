//! The executor's sender recovery against alloy's (k256 with its verification step): the same
//! address for valid signatures, and a rejection for every malformed one.

use alloy_primitives::{Signature, B256, U256};
use k256::ecdsa::SigningKey;
use rand::{rngs::StdRng, Rng, SeedableRng};
use zkmips_executor::crypto::recover_signer;

fn reference(signature: &Signature, hash: B256) -> Option<alloy_primitives::Address> {
    alloy_consensus::crypto::secp256k1::recover_signer(signature, hash).ok()
}

#[test]
fn recovers_the_same_address_as_alloy() {
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..300 {
        let key = SigningKey::from_slice(&rng.gen::<[u8; 32]>()).unwrap();
        let hash = B256::from(rng.gen::<[u8; 32]>());
        let (sig, recid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
        let signature = Signature::from_signature_and_parity(sig, recid.is_y_odd());
        let expected = reference(&signature, hash).expect("alloy recovers a fresh signature");
        assert_eq!(recover_signer(&signature, hash).unwrap(), expected);
        // The other parity is another key (or none), never the signer.
        let flipped = Signature::new(signature.r(), signature.s(), !signature.v());
        assert_eq!(recover_signer(&flipped, hash).ok(), reference(&flipped, hash));
        assert_ne!(recover_signer(&flipped, hash).ok(), Some(expected));
        // Another message: another key.
        let other = B256::from(rng.gen::<[u8; 32]>());
        assert_eq!(recover_signer(&signature, other).ok(), reference(&signature, other));
    }
}

#[test]
fn malformed_signatures_are_rejected() {
    let n = U256::from_str_radix("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16).unwrap();
    let hash = B256::repeat_byte(7);
    let mut rng = StdRng::seed_from_u64(8);
    let key = SigningKey::from_slice(&rng.gen::<[u8; 32]>()).unwrap();
    let (sig, recid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
    let good = Signature::from_signature_and_parity(sig, recid.is_y_odd());
    let cases = [
        ("high s (EIP-2)", Signature::new(good.r(), n - good.s(), !good.v())),
        ("zero r", Signature::new(U256::ZERO, good.s(), good.v())),
        ("zero s", Signature::new(good.r(), U256::ZERO, good.v())),
        ("r = n", Signature::new(n, good.s(), good.v())),
        ("r above n", Signature::new(U256::MAX, good.s(), good.v())),
    ];
    for (what, signature) in cases {
        assert!(recover_signer(&signature, hash).is_err(), "{what} was accepted");
        assert!(reference(&signature, hash).is_none(), "alloy accepts {what}");
    }
    // An r that is no curve point's x: try r values until decompression fails for both parities.
    let mut r = U256::from(1u64);
    loop {
        let a = Signature::new(r, good.s(), false);
        let b = Signature::new(r, good.s(), true);
        if recover_signer(&a, hash).is_err() && recover_signer(&b, hash).is_err() {
            assert!(reference(&a, hash).is_none() && reference(&b, hash).is_none());
            break;
        }
        r += U256::from(1u64);
    }
}

#[test]
fn ecrecover_precompile_accepts_high_s_like_revm() {
    let mut rng = StdRng::seed_from_u64(9);
    let n = U256::from_str_radix("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16).unwrap();
    for _ in 0..100 {
        let key = SigningKey::from_slice(&rng.gen::<[u8; 32]>()).unwrap();
        let hash = B256::from(rng.gen::<[u8; 32]>());
        let (sig, recid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
        let low = Signature::from_signature_and_parity(sig, recid.is_y_odd());
        let signer = reference(&low, hash).unwrap();
        // The same signature with s -> n - s and the parity flipped recovers the same key: the
        // precompile takes it (transactions do not).
        let high = Signature::new(low.r(), n - low.s(), !low.v());
        for signature in [low, high] {
            let mut sig64 = [0u8; 64];
            sig64[..32].copy_from_slice(&signature.r().to_be_bytes::<32>());
            sig64[32..].copy_from_slice(&signature.s().to_be_bytes::<32>());
            let out = zkmips_executor::crypto::ecrecover(&sig64, signature.v() as u8, &hash.0).unwrap();
            assert_eq!(&out[12..], signer.as_slice());
            assert_eq!(out[..12], [0u8; 12]);
            let unchecked = alloy_consensus::crypto::secp256k1::recover_signer_unchecked(&signature, hash).unwrap();
            assert_eq!(unchecked, signer);
        }
        assert!(recover_signer(&high, hash).is_err(), "a transaction must not take a high s");
    }
}
