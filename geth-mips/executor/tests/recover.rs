//! The executor's sender recovery against alloy's (k256 with its verification step): the same
//! address for valid signatures, and a rejection for every malformed one.

use alloy_primitives::{Signature, B256, U256};
use k256::ecdsa::SigningKey;
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use zkmips_executor::crypto::{
    ecrecover, recover_signer, recover_signer_with, Coordinate, CurveOps, Point, PrecompilesWith, Software,
};

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

/// k256's point operations, checking what the VM's prover needs of the calls: additions only of
/// points with different x coordinates. Counts the calls.
#[derive(Debug, Default)]
struct Checked {
    adds: AtomicU32,
    doubles: AtomicU32,
}

impl CurveOps for Checked {
    fn add(&self, p: &mut Point, q: &Point) {
        assert_ne!(p[..8], q[..8], "an addition of points with equal x");
        self.adds.fetch_add(1, Relaxed);
        Software.add(p, q);
    }

    fn double(&self, p: &mut Point) {
        self.doubles.fetch_add(1, Relaxed);
        Software.double(p);
    }

    fn decompress(&self, x: &Coordinate, odd: bool) -> Option<Coordinate> {
        Software.decompress(x, odd)
    }
}

#[test]
fn recovery_on_point_operations_matches_software() {
    let mut rng = StdRng::seed_from_u64(10);
    let n = U256::from_str_radix("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16).unwrap();
    let gx = U256::from_str_radix("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", 16).unwrap();
    let ops = Checked::default();
    let mut recoveries = 0;
    for round in 0..60 {
        let key = SigningKey::from_slice(&rng.gen::<[u8; 32]>()).unwrap();
        // Edge messages: z = 0 (u1 = 0), z = n (reduces to 0), z = n - 1.
        let hash = match round {
            0 => B256::ZERO,
            1 => B256::from(n.to_be_bytes::<32>()),
            2 => B256::from((n - U256::from(1)).to_be_bytes::<32>()),
            _ => B256::from(rng.gen::<[u8; 32]>()),
        };
        let (sig, recid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
        let signature = Signature::from_signature_and_parity(sig, recid.is_y_odd());
        let flipped = Signature::new(signature.r(), signature.s(), !signature.v());
        // r = x(G): R = ±G, so G + R is 2G or the point at infinity.
        let at_g = Signature::new(gx, signature.s(), signature.v());
        let at_minus_g = Signature::new(gx, signature.s(), !signature.v());
        for sig in [signature, flipped, at_g, at_minus_g] {
            let expected = recover_signer(&sig, hash);
            assert_eq!(recover_signer_with(&ops, &sig, hash), expected, "round {round}: {sig:?}");
            recoveries += 1;
        }
    }
    let (adds, doubles) = (ops.adds.load(Relaxed) / recoveries, ops.doubles.load(Relaxed) / recoveries);
    eprintln!("per recovery: {adds} additions, {doubles} doublings");
    assert!(doubles <= 255 && adds <= 257, "{adds} additions, {doubles} doublings per recovery");
}

#[test]
fn malformed_signatures_are_rejected_on_point_operations() {
    let n = U256::from_str_radix("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16).unwrap();
    let hash = B256::repeat_byte(7);
    let mut rng = StdRng::seed_from_u64(11);
    let key = SigningKey::from_slice(&rng.gen::<[u8; 32]>()).unwrap();
    let (sig, recid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
    let good = Signature::from_signature_and_parity(sig, recid.is_y_odd());
    let ops = Checked::default();
    for (what, signature) in [
        ("high s (EIP-2)", Signature::new(good.r(), n - good.s(), !good.v())),
        ("zero r", Signature::new(U256::ZERO, good.s(), good.v())),
        ("zero s", Signature::new(good.r(), U256::ZERO, good.v())),
        ("r = n", Signature::new(n, good.s(), good.v())),
    ] {
        let err = recover_signer_with(&ops, &signature, hash).expect_err(what);
        assert_eq!(Err(err), recover_signer(&signature, hash), "{what}");
    }
    assert_eq!(ops.adds.load(Relaxed) + ops.doubles.load(Relaxed), 0, "rejected before any point operation");
}

#[test]
fn ecrecover_on_point_operations_matches_software() {
    let mut rng = StdRng::seed_from_u64(12);
    let provider = PrecompilesWith(Checked::default());
    for round in 0..40 {
        let key = SigningKey::from_slice(&rng.gen::<[u8; 32]>()).unwrap();
        let hash: [u8; 32] = rng.gen();
        let (sig, recid) = key.sign_prehash_recoverable(&hash).unwrap();
        let mut sig64: [u8; 64] = sig.to_bytes().into();
        if round % 4 == 3 {
            // Garbage r (usually not a coordinate) and s.
            sig64 = core::array::from_fn(|_| rng.gen());
        }
        for recid in [recid.to_byte(), recid.to_byte() ^ 1, 2] {
            let ours = revm::precompile::Crypto::secp256k1_ecrecover(&provider, &sig64, recid, &hash).ok();
            assert_eq!(ours, ecrecover(&sig64, recid, &hash), "round {round}, recid {recid}");
        }
    }
}
