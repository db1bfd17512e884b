//! Standard starky tests, results against k256 on random and edge points, and lying traces
//! (each asserting which group of constraints, or which lookup, rejects it).

use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::Result;
use k256::elliptic_curve::point::DecompressPoint;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::{AffinePoint, ProjectivePoint, Scalar};
use num::bigint::BigUint;
use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CircuitConfig;
use plonky2::util::timing::TimingTree;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use starky::proof::StarkProofWithPublicInputs;
use starky::prover::prove;
use starky::recursive_verifier::{
    add_virtual_stark_proof_with_pis, set_stark_proof_with_pis_target, verify_stark_proof_circuit,
};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use starky::verifier::verify_stark_proof;
use zkmips_stark::ctl::{Table, NUM_TABLES};
use zkmips_stark::layout::{reg, reg_addr, slot, ts};
use zkmips_stark::lookup::debug_utils::check_ctls;
use zkmips_stark::testing::{check_constraints, trace_columns, trace_rows};
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_secp256k1::native::{self, modulus, Affine};
use zkmips_table_secp256k1::{
    failed_checks, fill_row, generate_trace, mem_accesses, range_checked_columns, Check, RowValues, Secp256k1Event,
    Secp256k1Op, Secp256k1Stark, MIN_ROWS, NUM_COLUMNS,
};

type S = Secp256k1Stark<F, D>;

// ---- points ----------------------------------------------------------------------------------

/// 32 big-endian bytes as 8 little-endian words (the guest's layout).
fn be_words(b: &[u8]) -> [u32; 8] {
    core::array::from_fn(|i| u32::from_be_bytes(b[28 - 4 * i..32 - 4 * i].try_into().unwrap()))
}

fn words_be(w: &[u32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, x) in w.iter().enumerate() {
        out[28 - 4 * i..32 - 4 * i].copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// A curve point in the guest's 16 words.
fn words(p: &AffinePoint) -> [u32; 16] {
    let e = p.to_encoded_point(false);
    let mut out = [0u32; 16];
    out[..8].copy_from_slice(&be_words(e.x().unwrap()));
    out[8..].copy_from_slice(&be_words(e.y().unwrap()));
    out
}

fn random_point(rng: &mut impl Rng) -> AffinePoint {
    (ProjectivePoint::GENERATOR * (Scalar::from(rng.gen::<u64>()) * Scalar::from(rng.gen::<u64>()))).to_affine()
}

/// The curve points with x = `x`, if any (even y, then odd y).
fn points_at(x: &BigUint) -> Option<[AffinePoint; 2]> {
    let w = native::to_words(x);
    let xb = words_be(&w);
    let even: Option<AffinePoint> = AffinePoint::decompress(&xb.into(), 0u8.into()).into();
    let odd: Option<AffinePoint> = AffinePoint::decompress(&xb.into(), 1u8.into()).into();
    Some([even?, odd?])
}

/// Points with x near p and with small x (and their negations, y near p for the ones with a
/// small y among them).
fn edge_points() -> Vec<AffinePoint> {
    let p = modulus();
    let near_p = (1u32..).map(|k| &p - k).filter_map(|x| points_at(&x)).take(3);
    let small = (0u32..).map(BigUint::from).filter_map(|x| points_at(&x)).take(3);
    near_p.chain(small).flatten().collect()
}

// ---- events ----------------------------------------------------------------------------------

const P_ADDR: u32 = 0x0010_0000;
const Q_ADDR: u32 = 0x0010_0040;

fn add_event(clk: u64, a: &AffinePoint, b: &AffinePoint) -> Secp256k1Event {
    let r = (ProjectivePoint::from(*a) + ProjectivePoint::from(*b)).to_affine();
    Secp256k1Event { clk, op: Secp256k1Op::Add, a0: P_ADDR, a1: Q_ADDR, p: words(a), q: words(b), result: words(&r) }
}

fn double_event(clk: u64, a: &AffinePoint) -> Secp256k1Event {
    let r = ProjectivePoint::from(*a).double().to_affine();
    Secp256k1Event {
        clk,
        op: Secp256k1Op::Double,
        a0: P_ADDR,
        a1: 0xdead_beef,
        p: words(a),
        q: [0; 16],
        result: words(&r),
    }
}

/// DECOMPRESS of `a`'s x with `a`'s parity (`a1` carries other bits too), over `old` words.
fn decompress_event(clk: u64, a: &AffinePoint, odd_bits: u32, old: [u32; 8]) -> Secp256k1Event {
    let w = words(a);
    let mut p = [0u32; 16];
    p[..8].copy_from_slice(&old);
    p[8..].copy_from_slice(&w[..8]);
    let mut result = [0u32; 16];
    result[..8].copy_from_slice(&w[8..]);
    result[8..].copy_from_slice(&w[..8]);
    let odd = w[8] & 1;
    Secp256k1Event { clk, op: Secp256k1Op::Decompress, a0: P_ADDR, a1: (odd_bits & !1) | odd, p, q: [0; 16], result }
}

/// A mix of every call on random points.
fn mixed_events(n: usize, seed: u64) -> Vec<Secp256k1Event> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let clk = 10 + 7 * i as u64;
            let a = random_point(&mut rng);
            match i % 3 {
                0 => add_event(clk, &a, &random_point(&mut rng)),
                1 => double_event(clk, &a),
                _ => decompress_event(clk, &a, rng.gen(), rng.gen()),
            }
        })
        .collect()
}

/// The table proves `ev` with k256's result (`RowValues::of` compares it with the proven one),
/// and the row satisfies every constraint.
fn assert_proven(ev: &Secp256k1Event) {
    let v = RowValues::of(ev).unwrap_or_else(|e| panic!("{e}"));
    let row = fill_row(&v);
    assert_eq!(failed_checks(&row), vec![], "{ev:x?}");
    assert_in_range(&[row]);
}

/// Every range-checked cell is below 2^16 (what the `RANGE16` lookup proves).
fn assert_in_range(rows: &[Vec<F>]) {
    assert!(out_of_range(rows).is_empty(), "range-checked columns out of range: {:?}", out_of_range(rows));
}

fn out_of_range(rows: &[Vec<F>]) -> Vec<usize> {
    let mut bad: Vec<usize> = range_checked_columns()
        .into_iter()
        .filter(|&c| rows.iter().any(|r| r[c].to_canonical_u64() >= 1 << 16))
        .collect();
    bad.dedup();
    bad
}

// ---- standard tests --------------------------------------------------------------------------

fn prove_and_verify(trace: Vec<PolynomialValues<F>>) -> Result<StarkProofWithPublicInputs<F, C, D>> {
    let config = stark_config();
    let stark = S::default();
    let proof = prove::<F, C, S, D>(stark, &config, trace, &[], None, &mut TimingTree::default())?;
    verify_stark_proof(stark, proof.clone(), &config, None)?;
    Ok(proof)
}

#[test]
fn low_degree() -> Result<()> {
    test_stark_low_degree(S::default())
}

#[test]
fn circuit_constraints_agree() -> Result<()> {
    test_stark_circuit_constraints::<F, C, S, D>(S::default())
}

#[test]
fn prove_verify() -> Result<()> {
    prove_and_verify(generate_trace(&mixed_events(20, 1))).map(|_| ())
}

#[test]
fn recursive_verifier() -> Result<()> {
    let config = stark_config();
    let stark = S::default();
    let proof = prove_and_verify(generate_trace(&mixed_events(6, 2)))?;
    let degree_bits = proof.proof.recover_degree_bits(&config);
    let mut builder = CircuitBuilder::<F, D>::new(CircuitConfig::standard_recursion_config());
    let mut pw = PartialWitness::new();
    let pt = add_virtual_stark_proof_with_pis(&mut builder, &stark, &config, degree_bits, 0, 0);
    set_stark_proof_with_pis_target(&mut pw, &pt, &proof, degree_bits, builder.zero())?;
    verify_stark_proof_circuit::<F, C, S, D>(&mut builder, stark, pt, &config, None);
    let data = builder.build::<C>();
    data.verify(data.prove(pw)?)
}

#[test]
fn honest_traces_satisfy_constraints() {
    let stark = S::default();
    let events = mixed_events(30, 3);
    let trace = generate_trace(&events);
    check_constraints(&stark, &trace, &[]).unwrap();
    assert_in_range(&trace_rows(&trace));
    let empty = generate_trace(&[]);
    assert_eq!(empty[0].len(), MIN_ROWS);
    check_constraints(&stark, &empty, &[]).unwrap();
}

// ---- results against k256 --------------------------------------------------------------------

#[test]
fn results_equal_k256_on_random_points() {
    let mut rng = StdRng::seed_from_u64(4);
    for i in 0..40 {
        let (a, b) = (random_point(&mut rng), random_point(&mut rng));
        assert_proven(&add_event(i, &a, &b));
        assert_proven(&double_event(i, &a));
        assert_proven(&decompress_event(i, &a, rng.gen(), rng.gen()));
        // The other parity.
        let neg = (-ProjectivePoint::from(a)).to_affine();
        assert_proven(&decompress_event(i, &neg, rng.gen(), [0; 8]));
    }
}

#[test]
fn results_equal_k256_on_edge_points() {
    let edges = edge_points();
    assert_eq!(edges.len(), 12);
    let p = modulus();
    // The first three x coordinates really are near p, the others small.
    assert!(edges[..6].iter().all(|e| &p - native::from_words(&words(e)[..8]) < BigUint::from(1000u32)));
    assert!(edges[6..].iter().all(|e| native::from_words(&words(e)[..8]) < BigUint::from(1000u32)));
    let mut rng = StdRng::seed_from_u64(5);
    for a in &edges {
        assert_proven(&double_event(1, a));
        assert_proven(&decompress_event(1, a, u32::MAX, [u32::MAX; 8]));
        assert_proven(&add_event(1, a, &random_point(&mut rng)));
        for b in &edges {
            if words(a)[..8] != words(b)[..8] {
                assert_proven(&add_event(1, a, b));
            }
        }
    }
}

/// Inputs off the curve (which the VM rejects, but which the formulas accept) with limbs at
/// their extremes: the carries still fit.
#[test]
fn extreme_limbs_fit() {
    let p = modulus();
    let near = |k: u32| &p - k;
    let w = |x: &BigUint, y: &BigUint| Affine { x: x.clone(), y: y.clone() }.to_words();
    let big = [near(1), near(2), (BigUint::from(1u32) << 255u32) - 1u32, BigUint::from(1u32), BigUint::from(0u32)];
    for x in &big {
        for y in &big {
            if y != &BigUint::from(0u32) {
                let a = Affine::from_words(&w(x, y));
                let (_, r) = native::double(&a).unwrap();
                let ev = Secp256k1Event {
                    clk: 1,
                    op: Secp256k1Op::Double,
                    a0: 0,
                    a1: 0,
                    p: a.to_words(),
                    q: [0; 16],
                    result: r.to_words(),
                };
                assert_proven(&ev);
            }
            for x2 in &big {
                if x2 != x {
                    let (a, b) = (Affine::from_words(&w(x, y)), Affine::from_words(&w(x2, &near(3))));
                    let (_, r) = native::add(&a, &b).unwrap();
                    let ev = Secp256k1Event {
                        clk: 1,
                        op: Secp256k1Op::Add,
                        a0: 0,
                        a1: Q_ADDR,
                        p: a.to_words(),
                        q: b.to_words(),
                        result: r.to_words(),
                    };
                    assert_proven(&ev);
                }
            }
        }
    }
}

// ---- calls the table does not prove ----------------------------------------------------------

fn unproven_message(ev: &Secp256k1Event) -> String {
    let e = RowValues::of(ev).unwrap_err();
    let panic = catch_unwind(|| generate_trace(&[*ev])).unwrap_err();
    assert_eq!(panic.downcast_ref::<String>(), Some(&e));
    e
}

#[test]
fn unproven_calls_are_rejected_by_name() {
    let mut rng = StdRng::seed_from_u64(6);
    let a = random_point(&mut rng);
    let mut same = add_event(3, &a, &a);
    same.result = [0; 16];
    let e = unproven_message(&same);
    assert!(e.starts_with("SECP256K1_ADD at clk 3") && e.contains("x1 = x2"), "{e}");
    let neg = (-ProjectivePoint::from(a)).to_affine();
    let infinity = Secp256k1Event { q: words(&neg), ..same };
    assert!(unproven_message(&infinity).contains("point at infinity"));
    // x = 5 is not on the curve (5^3 + 7 = 132 is not a square mod p).
    let mut dec = decompress_event(4, &a, 0, [0; 8]);
    dec.p[8..].copy_from_slice(&[5, 0, 0, 0, 0, 0, 0, 0]);
    assert!(points_at(&BigUint::from(5u32)).is_none());
    assert!(unproven_message(&dec).contains("SECP256K1_DECOMPRESS at clk 4"));
    assert!(unproven_message(&dec).contains("not the coordinate of a curve point"));
    // A VM result that differs from the proven one.
    let mut wrong = double_event(5, &a);
    wrong.result[3] ^= 1;
    assert!(unproven_message(&wrong).contains("the VM wrote"));
    // p wrapping past 2^32.
    let mut wrap = double_event(6, &a);
    wrap.a0 = 0xFFFF_FFC4;
    assert!(unproven_message(&wrap).contains("wraps"));
}

// ---- memory accesses -------------------------------------------------------------------------

#[test]
fn memory_accesses_of_each_call() {
    let mut rng = StdRng::seed_from_u64(7);
    let (a, b) = (random_point(&mut rng), random_point(&mut rng));
    let ev = add_event(100, &a, &b);
    let acc = mem_accesses(&[ev]);
    assert_eq!(acc.len(), 32);
    for (i, m) in acc[..16].iter().enumerate() {
        assert_eq!((m.addr, m.ts), (P_ADDR as u64 + 4 * i as u64, ts(100, slot::MEM_WRITE)));
        assert_eq!((m.before, m.after), (ev.p[i], ev.result[i]));
    }
    for (i, m) in acc[16..].iter().enumerate() {
        assert_eq!((m.addr, m.ts), (Q_ADDR as u64 + 4 * i as u64, ts(100, slot::MEM)));
        assert_eq!((m.before, m.after), (ev.q[i], ev.q[i]));
    }
    let ev = double_event(101, &a);
    assert_eq!(mem_accesses(&[ev]).len(), 16);
    let ev = decompress_event(102, &a, 0, rng.gen());
    let acc = mem_accesses(&[ev]);
    assert_eq!(acc.len(), 16);
    for (i, m) in acc[..8].iter().enumerate() {
        assert_eq!((m.addr, m.before, m.after), (P_ADDR as u64 + 4 * i as u64, ev.p[i], ev.result[i]));
    }
    for (i, m) in acc[8..].iter().enumerate() {
        assert_eq!((m.addr, m.ts), (P_ADDR as u64 + 32 + 4 * i as u64, ts(102, slot::MEM)));
        assert_eq!((m.before, m.after), (ev.p[8 + i], ev.p[8 + i]));
    }
}

// ---- lying traces ----------------------------------------------------------------------------

fn big(w: &[u32]) -> BigUint {
    native::from_words(w)
}

fn w8(v: &BigUint) -> [u32; 8] {
    native::to_words(v)
}

/// `v` with its result replaced by the chord through `(x1, y1)` with slope `lambda` and other
/// x `x2` (a liar's consistent choice of everything after `λ`).
fn with_lambda(mut v: RowValues, lambda: &BigUint, x2: &BigUint) -> RowValues {
    let a = Affine::from_words(&v.p1);
    v.lambda = w8(lambda);
    v.p3 = native::chord_result(lambda, &a, x2).to_words();
    v
}

fn honest_add(seed: u64) -> RowValues {
    let mut rng = StdRng::seed_from_u64(seed);
    RowValues::of(&add_event(9, &random_point(&mut rng), &random_point(&mut rng))).unwrap()
}

#[test]
fn wrong_x3_or_y3_is_rejected_by_its_identity() {
    let v = honest_add(10);
    let p = modulus();
    let (x3, y3) = (big(&v.p3[..8]), big(&v.p3[8..]));
    let lambda = big(&v.lambda);
    let (x1, y1) = (big(&v.p1[..8]), big(&v.p1[8..]));
    // x3 + 1, with y3 recomputed from it: only identity 1 breaks.
    let mut lie = v;
    let x3l = (&x3 + 1u32) % &p;
    let y3l = (&lambda * ((&x1 + &p - &x3l) % &p) + &p - &y1) % &p;
    lie.p3[..8].copy_from_slice(&w8(&x3l));
    lie.p3[8..].copy_from_slice(&w8(&y3l));
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Identity(1)]);
    // y3 + 1: only identity 2 breaks.
    let mut lie = v;
    lie.p3[8..].copy_from_slice(&w8(&((&y3 + 1u32) % &p)));
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Identity(2)]);
    // The same for DOUBLE.
    let mut rng = StdRng::seed_from_u64(11);
    let d = RowValues::of(&double_event(9, &random_point(&mut rng))).unwrap();
    let mut lie = d;
    lie.p3[8] ^= 4;
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Identity(2)]);
    let mut lie = d;
    lie.p3[0] ^= 4;
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Identity(1), Check::Identity(2)]);
}

#[test]
fn wrong_lambda_is_rejected() {
    let v = honest_add(12);
    let p = modulus();
    let lambda = (big(&v.lambda) + 1u32) % &p;
    let lie = with_lambda(v, &lambda, &big(&v.p2[..8]));
    assert_ne!(lie.p3, v.p3);
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Identity(0)]);
    // A different representative of the same λ (λ + p, when it fits) is the same slope: not a lie.
}

/// An ADD whose inputs are chosen (off the curve) so that the result is `(x3, y3)`.
fn add_with_result(x3: u32, y3: u32) -> RowValues {
    let p = modulus();
    let mut rng = StdRng::seed_from_u64(13);
    let r = |rng: &mut StdRng| big(&rng.gen::<[u32; 8]>()) % &p;
    let (lambda, x1) = (r(&mut rng), r(&mut rng));
    let (x3, y3) = (BigUint::from(x3), BigUint::from(y3));
    let x2 = (&lambda * &lambda + 2u32 * &p - &x1 - &x3) % &p;
    let y1 = (&lambda * ((&x1 + &p - &x3) % &p) + &p - &y3) % &p;
    let y2 = (&y1 + &lambda * ((&x2 + &p - &x1) % &p)) % &p;
    let a = Affine { x: x1, y: y1 };
    let b = Affine { x: x2, y: y2 };
    let (_, sum) = native::add(&a, &b).unwrap();
    assert_eq!(sum, Affine { x: x3, y: y3 });
    let ev = Secp256k1Event {
        clk: 9,
        op: Secp256k1Op::Add,
        a0: P_ADDR,
        a1: Q_ADDR,
        p: a.to_words(),
        q: b.to_words(),
        result: sum.to_words(),
    };
    let v = RowValues::of(&ev).unwrap();
    assert_eq!(failed_checks(&fill_row(&v)), vec![]);
    v
}

#[test]
fn non_canonical_result_is_rejected() {
    let p = modulus();
    // x3 + p and y3 + p satisfy every congruence, but are not below p. Below 977, the value + p
    // has word 1 = 0xFFFFFFFE and word 0 above p's; from 977 on, word 1 = 0xFFFFFFFF and word 0
    // small (the `low` branch's test of word 1 rejects it).
    for (x3, y3) in [(5, 7), (1000, 0xFFFF_FFFF)] {
        let v = add_with_result(x3, y3);
        let mut lie = v;
        lie.p3[..8].copy_from_slice(&w8(&(big(&v.p3[..8]) + &p)));
        let row = fill_row(&lie);
        assert_eq!(failed_checks(&row), vec![Check::Canonical(0)]);
        assert_in_range(&[row]);
        let mut lie = v;
        lie.p3[8..].copy_from_slice(&w8(&(big(&v.p3[8..]) + &p)));
        let row = fill_row(&lie);
        assert_eq!(failed_checks(&row), vec![Check::Canonical(1)]);
        assert_in_range(&[row]);
    }
}

#[test]
fn add_with_equal_x_and_a_fabricated_lambda_is_rejected() {
    let mut rng = StdRng::seed_from_u64(14);
    let a = random_point(&mut rng);
    let neg = (-ProjectivePoint::from(a)).to_affine();
    let fabricated = big(&rng.gen::<[u32; 8]>()) % modulus();
    // p + p: identity 0 reads 0 = 0 for any λ; only `distinct` rejects it.
    let base = RowValues {
        clk: 9,
        op: Secp256k1Op::Add,
        a0: P_ADDR,
        a1: Q_ADDR,
        p1: words(&a),
        p2: words(&a),
        lambda: [0; 8],
        p3: [0; 16],
    };
    let lie = with_lambda(base, &fabricated, &big(&words(&a)[..8]));
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Distinct]);
    // Even with the true tangent slope (the doubling's result), ADD does not prove p + p.
    let (kappa, _) = native::double(&Affine::from_words(&words(&a))).unwrap();
    let lambda = &kappa * native::inverse(&BigUint::from(2u32)) % modulus();
    let lie = with_lambda(base, &lambda, &big(&words(&a)[..8]));
    assert_eq!(lie.p3, words(&ProjectivePoint::from(a).double().to_affine()));
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Distinct]);
    // p + (-p): identity 0 fails too.
    let lie = with_lambda(RowValues { p2: words(&neg), ..base }, &fabricated, &big(&words(&a)[..8]));
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Identity(0), Check::Distinct]);
}

#[test]
fn decompressed_y_with_wrong_parity_or_not_a_root_is_rejected() {
    let mut rng = StdRng::seed_from_u64(15);
    let a = random_point(&mut rng);
    let v = RowValues::of(&decompress_event(9, &a, rng.gen(), rng.gen())).unwrap();
    let p = modulus();
    let y = big(&v.p3[..8]);
    // The other root.
    let mut lie = v;
    lie.p3[..8].copy_from_slice(&w8(&(&p - &y)));
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Parity]);
    // Not a root (same parity).
    let mut lie = v;
    lie.p3[..8].copy_from_slice(&w8(&((&y + 2u32) % &p)));
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Identity(1)]);
    // A wrong helper t = x² + 1 (with y honest).
    let mut lie = v;
    lie.lambda = w8(&((big(&v.lambda) + 1u32) % &p));
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Identity(0), Check::Identity(1)]);
    // A wrong odd flag.
    let mut lie = v;
    lie.a1 ^= 1;
    assert_eq!(failed_checks(&fill_row(&lie)), vec![Check::Parity]);
}

#[test]
fn wrapping_or_wrong_addresses_are_rejected() {
    let v = honest_add(16);
    let mut lie = v;
    lie.a0 = 0xFFFF_FFC4;
    let row = fill_row(&lie);
    assert_eq!(failed_checks(&row), vec![]);
    assert!(!out_of_range(&[row]).is_empty(), "the room of a0 is caught by RANGE16");
    let mut row = fill_row(&v);
    let c = zkmips_table_secp256k1::col_map();
    row[c.q_addr] += F::from_canonical_u64(4);
    assert_eq!(failed_checks(&row), vec![Check::Addresses]);
}

/// The memory table and this table's `MEM` lookups (with the register reads the memory table
/// adds, which the verifier supplies).
fn check_mem(secp: Vec<PolynomialValues<F>>, memory: Vec<PolynomialValues<F>>) {
    let mut traces: Vec<Vec<PolynomialValues<F>>> = vec![Vec::new(); NUM_TABLES];
    traces[Table::Secp256k1.index()] = secp;
    traces[Table::Memory.index()] = memory;
    let ctl = zkmips_table_memory::lookup_mem(zkmips_table_secp256k1::ctl_mem());
    let reads = (0..reg::COUNT)
        .map(|i| vec![F::from_canonical_u64(reg_addr(i)), F::from_canonical_u64(ts(0, slot::FETCH)), F::ZERO, F::ZERO])
        .collect();
    let extra = [(0, reads)].into_iter().collect();
    check_ctls(&traces, &[ctl], &extra);
}

#[test]
fn input_word_differing_from_memory_is_rejected() {
    let mut rng = StdRng::seed_from_u64(17);
    let events = vec![add_event(9, &random_point(&mut rng), &random_point(&mut rng))];
    let memory = zkmips_table_memory::generate_trace(&mem_accesses(&events), 0, &[0; reg::COUNT]);
    check_mem(generate_trace(&events), memory.clone());
    for (which, word) in [(0, 3), (1, 12)] {
        // A liar changes one input word (of p, or of q) and recomputes everything from it: every
        // constraint of the row holds, but the word is not what memory holds.
        let mut v = RowValues::of(&events[0]).unwrap();
        let input = if which == 0 { &mut v.p1 } else { &mut v.p2 };
        input[word] ^= 0x100;
        let (lambda, r) = native::add(&Affine::from_words(&v.p1), &Affine::from_words(&v.p2)).unwrap();
        v.lambda = w8(&lambda);
        v.p3 = r.to_words();
        let row = fill_row(&v);
        assert_eq!(failed_checks(&row), vec![]);
        let lie = trace_columns(vec![row], &[F::ZERO; NUM_COLUMNS], MIN_ROWS);
        let m = memory.clone();
        let verdict = catch_unwind(AssertUnwindSafe(|| check_mem(lie, m)));
        let msg = verdict.unwrap_err().downcast_ref::<String>().cloned().unwrap();
        assert!(msg.contains("CTL #0"), "{msg}");
    }
}

/// A lying trace also fails a real proof.
#[test]
fn lying_trace_fails_proof() {
    let v = honest_add(18);
    let mut lie = v;
    lie.p3[8] ^= 1;
    let trace = trace_columns(vec![fill_row(&v), fill_row(&lie)], &[F::ZERO; NUM_COLUMNS], MIN_ROWS);
    let verdict = catch_unwind(|| prove_and_verify(trace));
    assert!(!matches!(verdict, Ok(Ok(_))), "the lying trace was proven");
}

/// The table alone (no lookups) for 1024 calls of every kind (or `SECP_BENCH_CALLS`): trace
/// generation, proof and verification times.
#[test]
#[ignore = "benchmark: cargo test --release -p zkmips-table-secp256k1 --test secp256k1 bench -- --ignored --nocapture"]
fn bench_prove_1024_calls() -> Result<()> {
    let n = std::env::var("SECP_BENCH_CALLS").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let events = mixed_events(n, 19);
    let t = std::time::Instant::now();
    let trace = generate_trace(&events);
    let generate = t.elapsed().as_secs_f64();
    let config = stark_config();
    let stark = S::default();
    let t = std::time::Instant::now();
    let proof = prove::<F, C, S, D>(stark, &config, trace, &[], None, &mut TimingTree::default())?;
    let proving = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    verify_stark_proof(stark, proof, &config, None)?;
    let verifying = t.elapsed().as_secs_f64();
    println!("{n} calls, {NUM_COLUMNS} columns: trace {generate:.2} s, prove {proving:.2} s, verify {verifying:.3} s");
    Ok(())
}
