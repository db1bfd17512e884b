//! One table's proof in a segment: starky's `prove_with_commitment`, step for step and with the
//! same transcript, so starky's verifier checks it unchanged, but with
//! - the auxiliary (lookup) and quotient polynomials committed by the eight-lane Merkle trees of
//!   [`zkmips_stark::poseidon::merkle`] (starky hashes them one leaf at a time), and
//! - the quotient evaluated without allocating per point (starky gathers every auxiliary column
//!   again for each lookup at each point).
//!
//! Steps (as in starky): commit the lookup columns (helpers, then running sums); draw `alphas'`;
//! evaluate the constraints at simulated openings and observe them (binding the constraints
//! before `alphas` is drawn); draw `alphas`; the quotient `Σ alpha^i C_i / Z_H` on the coset of
//! `2^quotient_degree_bits · n` points, split into degree-`n` chunks and committed; draw `zeta`;
//! open every polynomial at `zeta` and `g·zeta`; prove the openings with FRI.
//!
//! The constraints of a table are its own (`Stark::eval_packed_generic`), then each lookup's
//! checks in the order of its running sums, as `starky::cross_table_lookup::eval_cross_table_lookup_checks`
//! emits them. Only tables without lookups of their own (`Stark::lookups`) are supported.

use core::iter::successors;

use anyhow::{ensure, Result};
use plonky2::field::extension::{Extendable, FieldExtension};
use plonky2::field::packable::Packable;
use plonky2::field::packed::PackedField;
use plonky2::field::polynomial::{PolynomialCoeffs, PolynomialValues};
use plonky2::field::types::Field;
use plonky2::field::zero_poly_coset::ZeroPolyOnCoset;
use plonky2::fri::oracle::PolynomialBatch;
use plonky2::fri::proof::FriProof;
use plonky2::fri::prover::fri_proof;
use plonky2::fri::structure::{FriInstanceInfo, FriOpeningBatch, FriOpenings};
use plonky2::fri::FriParams;
use plonky2::iop::challenger::Challenger;
use plonky2::plonk::config::GenericConfig;
use plonky2::util::timing::TimingTree;
use plonky2::util::{log2_ceil, log2_strict};
use rayon::prelude::*;
use starky::config::StarkConfig;
use starky::constraint_consumer::ConstraintConsumer;
use starky::evaluation_frame::StarkEvaluationFrame;
use starky::lookup::GrandProductChallenge;
use starky::proof::{StarkOpeningSet, StarkProof, StarkProofWithPublicInputs};
use starky::stark::Stark;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::poseidon::merkle::{commit_coeffs, commit_values};
use zkmips_stark::{C, D, F};

use crate::lookups::ZData;

type FE = <F as Extendable<D>>::Extension;
type P = <F as Packable>::Packing;

/// Proves one table whose trace is committed in `trace_commitment` (the challenger has observed
/// everything before: the statement, every trace cap, the public inputs and the config).
pub fn prove_table<S: Stark<F, D>>(
    stark: &S,
    config: &StarkConfig,
    trace_commitment: &PolynomialBatch<F, C, D>,
    lookups: &[ZData<'_>],
    challenger: &mut Challenger<F, <C as GenericConfig<D>>::Hasher>,
    public_inputs: &[F],
    timing: &mut TimingTree,
) -> Result<StarkProofWithPublicInputs<F, C, D>> {
    ensure!(!stark.uses_lookups(), "tables with lookups of their own are not supported");
    ensure!(stark.requires_ctls() && !lookups.is_empty(), "a table of the segment takes part in lookups");
    let degree = trace_commitment.polynomials[0].len();
    let degree_bits = log2_strict(degree);
    let fri_params = config.fri_params(degree_bits);
    let rate_bits = config.fri_config.rate_bits;
    let cap_height = config.fri_config.cap_height;
    ensure!(
        fri_params.total_arities() <= degree_bits + rate_bits - cap_height,
        "FRI total reduction arity is too large"
    );
    let constraint_degree = stark.constraint_degree();
    ensure!(constraint_degree <= (1 << rate_bits) + 1, "constraint degree above the blowup factor + 1");

    // Lookup columns: every helper, then every running sum.
    let num_ctl_polys: Vec<usize> = lookups.iter().map(|z| z.helpers.len()).collect();
    let mut aux: Vec<PolynomialValues<F>> = lookups.iter().flat_map(|z| z.helpers.iter().cloned()).collect();
    aux.extend(lookups.iter().map(|z| z.z.clone()));
    let num_aux = aux.len();
    let aux_commitment = commit_values(aux, rate_bits, cap_height, timing, None);
    challenger.observe_cap(&aux_commitment.merkle_tree.cap);
    let alphas_prime = challenger.get_n_challenges(config.num_challenges);

    // Bind the constraints: evaluate them at simulated openings (powers of drawn points) and a
    // drawn point, and observe the result.
    let total_dummies = S::COLUMNS * 2 + num_aux * 2;
    let pow_degree = core::cmp::max(2, constraint_degree + 1);
    let num_extension_powers = core::cmp::max(1, 50 / log2_ceil(pow_degree) - 1);
    let zetas = challenger.get_n_extension_challenges::<D>(total_dummies.div_ceil(num_extension_powers));
    let per_zeta = core::cmp::min(num_extension_powers + 1, total_dummies);
    let dummies: Vec<FE> = zetas
        .iter()
        .flat_map(|&zeta| successors(Some(zeta), move |prev: &FE| Some(prev.exp_u64(pow_degree as u64))).take(per_zeta))
        .collect();
    let (local, rest) = dummies.split_at(S::COLUMNS);
    let (next, rest) = rest.split_at(S::COLUMNS);
    let (aux_local, aux_next) = rest.split_at(num_aux);
    let zeta_prime = challenger.get_extension_challenge::<D>();
    let (l_0, l_last) = lagrange_first_last(degree_bits, zeta_prime);
    let last = F::primitive_root_of_unity(degree_bits).inverse();
    let mut consumer = ConstraintConsumer::<FE>::new(
        alphas_prime.iter().map(|&a| ext(a)).collect(),
        zeta_prime - ext(last),
        l_0,
        l_last,
    );
    let pis: Vec<FE> = public_inputs.iter().map(|&x| ext(x)).collect();
    stark.eval_packed_generic::<FE, FE, D>(&S::EvaluationFrame::from_values(local, next, &pis), &mut consumer);
    eval_lookup_checks::<FE, FE, D>(local, next, aux_local, aux_next, lookups, constraint_degree, &mut consumer);
    challenger.observe_extension_elements::<D>(&consumer.accumulators());
    let alphas = challenger.get_n_challenges(config.num_challenges);

    let quotient_polys =
        quotient_polys(stark, trace_commitment, &aux_commitment, lookups, public_inputs, &alphas, config);
    let mut chunks = Vec::with_capacity(quotient_polys.len() * stark.quotient_degree_factor());
    for mut q in quotient_polys {
        q.trim_to_len(degree * stark.quotient_degree_factor())
            .map_err(|_| anyhow::anyhow!("the quotient is not a polynomial: the constraints do not hold"))?;
        chunks.extend(q.chunks(degree));
    }
    let quotient_commitment = commit_coeffs(chunks, rate_bits, cap_height, timing, None);
    challenger.observe_cap(&quotient_commitment.merkle_tree.cap);

    let zeta = challenger.get_extension_challenge::<D>();
    ensure!(zeta.exp_power_of_2(degree_bits) != FE::ONE, "Opening point is in the subgroup.");
    let g = F::primitive_root_of_unity(degree_bits);
    let zeta_next = <FE as FieldExtension<D>>::scalar_mul(&zeta, g);
    let [local_values, next_values] = eval_at(trace_commitment, [zeta, zeta_next]);
    let [aux_local, aux_next] = eval_at(&aux_commitment, [zeta, zeta_next]);
    let [quotient_values, _] = eval_at(&quotient_commitment, [zeta, zeta]);
    let total_helpers: usize = num_ctl_polys.iter().sum();
    // The running sums at 1: the sums of their coefficients.
    let ctl_zs_first =
        aux_commitment.polynomials[total_helpers..].iter().map(|p| p.coeffs.iter().copied().sum::<F>()).collect();
    // As starky's `StarkOpeningSet::new`.
    let openings = StarkOpeningSet {
        local_values,
        next_values,
        auxiliary_polys: Some(aux_local),
        auxiliary_polys_next: Some(aux_next),
        ctl_zs_first: Some(ctl_zs_first),
        quotient_polys: Some(quotient_values),
    };
    challenger.observe_openings(&fri_openings(&openings));
    let opening_proof = prove_openings(
        &stark.fri_instance(zeta, g, num_ctl_polys.iter().sum(), num_ctl_polys, config),
        &[trace_commitment, &aux_commitment, &quotient_commitment],
        challenger,
        &fri_params,
        timing,
    );
    Ok(StarkProofWithPublicInputs {
        proof: StarkProof {
            trace_cap: trace_commitment.merkle_tree.cap.clone(),
            auxiliary_polys_cap: Some(aux_commitment.merkle_tree.cap.clone()),
            quotient_polys_cap: Some(quotient_commitment.merkle_tree.cap.clone()),
            openings,
            opening_proof,
        },
        public_inputs: public_inputs.to_vec(),
    })
}

/// The openings as FRI takes them (starky's `StarkOpeningSet::to_fri_openings`): at `zeta` the
/// trace, lookup and quotient polynomials; at `g·zeta` the trace and lookup polynomials; then the
/// lookups' running sums at 1.
fn fri_openings(o: &StarkOpeningSet<F, D>) -> FriOpenings<F, D> {
    let at_zeta =
        o.local_values.iter().chain(o.auxiliary_polys.iter().flatten()).chain(o.quotient_polys.iter().flatten());
    let at_next = o.next_values.iter().chain(o.auxiliary_polys_next.iter().flatten());
    let mut batches = vec![
        FriOpeningBatch { values: at_zeta.copied().collect() },
        FriOpeningBatch { values: at_next.copied().collect() },
    ];
    if let Some(first) = &o.ctl_zs_first {
        batches.push(FriOpeningBatch { values: first.iter().map(|&x| ext(x)).collect() });
    }
    FriOpenings { batches }
}

fn ext(x: F) -> FE {
    <FE as FieldExtension<D>>::from_basefield(x)
}

/// `n.reverse_bits()` on its low `bits` bits.
fn reverse_bits(n: usize, bits: usize) -> usize {
    n.reverse_bits() >> (usize::BITS as usize - bits)
}

/// Coefficients per task when evaluating polynomials.
const EVAL_CHUNK: usize = 1 << 14;

/// Every polynomial of a commitment at two points, by Horner's rule over chunks of coefficients
/// on every core: `p(z) = Σ_k chunk_k(z) · z^(k · EVAL_CHUNK)`.
fn eval_at(commitment: &PolynomialBatch<F, C, D>, points: [FE; 2]) -> [Vec<FE>; 2] {
    let polys = &commitment.polynomials;
    let n = polys[0].len();
    let chunks = n.div_ceil(EVAL_CHUNK);
    let strides = points.map(|z| z.exp_u64(EVAL_CHUNK.min(n) as u64));
    let parts: Vec<[FE; 2]> = (0..polys.len() * chunks)
        .into_par_iter()
        .map(|task| {
            let (p, k) = (task / chunks, task % chunks);
            let coeffs = &polys[p].coeffs[k * EVAL_CHUNK..((k + 1) * EVAL_CHUNK).min(n)];
            core::array::from_fn(|j| {
                let horner = coeffs.iter().rev().fold(FE::ZERO, |acc, &c| acc * points[j] + ext(c));
                horner * strides[j].exp_u64(k as u64)
            })
        })
        .collect();
    core::array::from_fn(|j| {
        (0..polys.len()).map(|p| parts[p * chunks..(p + 1) * chunks].iter().map(|v| v[j]).sum()).collect()
    })
}

/// Coefficients per task when reducing a batch of polynomials.
const REDUCE_CHUNK: usize = 1 << 12;

/// plonky2's `PolynomialBatch::prove_openings`: the same FRI proof and transcript, with each
/// batch of polynomials reduced in one pass over all of them on every core (plonky2 builds a new
/// extension-field polynomial per polynomial, on one core), and the final low-degree extension
/// transformed as its two base-field components (the transform is base-field linear).
///
/// For each batch (an opening point `z` and its polynomials `f_j`), with `alpha` drawn first:
/// `F = Σ alpha^j f_j` and `final = final · alpha^(number of f_j) + (F - F(z)) / (X - z)`.
fn prove_openings(
    instance: &FriInstanceInfo<F, D>,
    oracles: &[&PolynomialBatch<F, C, D>],
    challenger: &mut Challenger<F, <C as GenericConfig<D>>::Hasher>,
    fri_params: &FriParams,
    timing: &mut TimingTree,
) -> FriProof<F, <C as GenericConfig<D>>::Hasher, D> {
    let alpha = challenger.get_extension_challenge::<D>();
    let n = oracles[0].polynomials[0].len();
    let mut final_poly = vec![FE::ZERO; n];
    for batch in &instance.batches {
        let polys: Vec<&[F]> = batch
            .polynomials
            .iter()
            .map(|p| &oracles[p.oracle_index].polynomials[p.polynomial_index].coeffs[..])
            .collect();
        assert!(polys.iter().all(|p| p.len() == n), "every opened polynomial has {n} coefficients");
        let powers: Vec<FE> = alpha.powers().take(polys.len()).collect();
        let mut composition = vec![FE::ZERO; n];
        composition.par_chunks_mut(REDUCE_CHUNK).enumerate().for_each(|(c, out)| {
            let start = c * REDUCE_CHUNK;
            let end = start + out.len();
            for (poly, power) in polys.iter().zip(&powers) {
                for (o, &x) in out.iter_mut().zip(&poly[start..end]) {
                    *o += <FE as FieldExtension<D>>::scalar_mul(power, x);
                }
            }
        });
        // (F - F(z)) / (X - z) has n - 1 coefficients; the last one of `final` only shifts.
        let quotient = PolynomialCoeffs::new(composition).divide_by_linear(batch.point).coeffs;
        let shift = alpha.exp_u64(polys.len() as u64);
        final_poly.par_iter_mut().enumerate().for_each(|(i, f)| {
            *f = *f * shift + quotient.get(i).copied().unwrap_or(FE::ZERO);
        });
    }
    let lde_coeffs = PolynomialCoeffs::new(final_poly).lde(fri_params.config.rate_bits);
    let component = |k: usize| {
        PolynomialCoeffs::new(
            lde_coeffs.coeffs.iter().map(|e| <FE as FieldExtension<D>>::to_basefield_array(e)[k]).collect::<Vec<F>>(),
        )
        .coset_fft(F::coset_shift())
        .values
    };
    let (re, im) = rayon::join(|| component(0), || component(1));
    let lde_values: Vec<FE> =
        re.into_iter().zip(im).map(|(a, b)| <FE as FieldExtension<D>>::from_basefield_array([a, b])).collect();
    let trees: Vec<_> = oracles.iter().map(|o| &o.merkle_tree).collect();
    fri_proof::<F, C, D>(
        &trees,
        lde_coeffs,
        PolynomialValues::new(lde_values),
        challenger,
        fri_params,
        None,
        None,
        timing,
    )
}

/// `L_0(x)` and `L_{n-1}(x)` on the subgroup of order `2^log_n`.
fn lagrange_first_last(log_n: usize, x: FE) -> (FE, FE) {
    let n = FE::from_canonical_usize(1 << log_n);
    let g = ext(F::primitive_root_of_unity(log_n));
    let z_x = x.exp_power_of_2(log_n) - FE::ONE;
    let invs = FE::batch_multiplicative_inverse(&[n * (x - FE::ONE), n * (g * x - FE::ONE)]);
    (z_x * invs[0], z_x * invs[1])
}

/// A tuple element's value from a row's and the next row's values.
fn eval_column<Fe: FieldExtension<E, BaseField = F>, Pk: PackedField<Scalar = Fe>, const E: usize>(
    c: &Column<F>,
    local: &[Pk],
    next: &[Pk],
) -> Pk {
    let mut acc = Pk::from(Fe::from_basefield(c.constant));
    for &(i, f) in &c.linear_combination {
        acc += local[i] * Fe::from_basefield(f);
    }
    for &(i, f) in &c.next_row_linear_combination {
        acc += next[i] * Fe::from_basefield(f);
    }
    acc
}

fn eval_filter<Fe: FieldExtension<E, BaseField = F>, Pk: PackedField<Scalar = Fe>, const E: usize>(
    filter: &Filter<F>,
    local: &[Pk],
    next: &[Pk],
) -> Pk {
    let mut acc = Pk::ZEROS;
    for (a, b) in &filter.products {
        acc += eval_column(a, local, next) * eval_column(b, local, next);
    }
    for c in &filter.constants {
        acc += eval_column(c, local, next);
    }
    acc
}

/// `Σ β^i·tuple[i] + γ`.
fn combine<Fe: FieldExtension<E, BaseField = F>, Pk: PackedField<Scalar = Fe>, const E: usize>(
    columns: &[Column<F>],
    local: &[Pk],
    next: &[Pk],
    challenge: GrandProductChallenge<F>,
) -> Pk {
    let beta = Fe::from_basefield(challenge.beta);
    let mut acc = Pk::ZEROS;
    for c in columns.iter().rev() {
        acc = acc * beta + eval_column(c, local, next);
    }
    acc + Fe::from_basefield(challenge.gamma)
}

/// The lookup checks of a table, in starky's order: for each running sum, its helper columns'
/// checks, then the running sum's last-row and transition checks.
fn eval_lookup_checks<Fe: FieldExtension<E, BaseField = F>, Pk: PackedField<Scalar = Fe>, const E: usize>(
    local: &[Pk],
    next: &[Pk],
    aux_local: &[Pk],
    aux_next: &[Pk],
    lookups: &[ZData<'_>],
    constraint_degree: usize,
    consumer: &mut ConstraintConsumer<Pk>,
) {
    let total_helpers: usize = lookups.iter().map(|z| z.helpers.len()).sum();
    let mut start = 0;
    for (i, z) in lookups.iter().enumerate() {
        let helpers = &aux_local[start..start + z.helpers.len()];
        start += z.helpers.len();
        let (local_z, next_z) = (aux_local[total_helpers + i], aux_next[total_helpers + i]);
        let term = |k: usize| (combine(z.columns[k], local, next, z.challenge), eval_filter(z.filters[k], local, next));
        if !helpers.is_empty() {
            let chunk = constraint_degree - 1;
            for (j, &h) in helpers.iter().enumerate() {
                let sides = j * chunk..((j + 1) * chunk).min(z.columns.len());
                match sides.len() {
                    2 => {
                        let (c0, f0) = term(sides.start);
                        let (c1, f1) = term(sides.start + 1);
                        consumer.constraint(c1 * c0 * h - f0 * c1 - f1 * c0);
                    }
                    1 => {
                        let (c0, f0) = term(sides.start);
                        consumer.constraint(c0 * h - f0);
                    }
                    n => unreachable!("helper columns of {n} lookups"),
                }
            }
            let h_sum = helpers.iter().fold(Pk::ZEROS, |acc, &h| acc + h);
            consumer.constraint_last_row(local_z - h_sum);
            consumer.constraint_transition(local_z - next_z - h_sum);
        } else if z.columns.len() > 1 {
            let (c0, f0) = term(0);
            let (c1, f1) = term(1);
            consumer.constraint_last_row(c0 * c1 * local_z - f0 * c1 - f1 * c0);
            consumer.constraint_transition(c0 * c1 * (local_z - next_z) - f0 * c1 - f1 * c0);
        } else {
            let (c0, f0) = term(0);
            consumer.constraint_last_row(c0 * local_z - f0);
            consumer.constraint_transition(c0 * (local_z - next_z) - f0);
        }
    }
}

/// The committed values of the `P::WIDTH` coset points from `start` (every `step`-th point of
/// the commitment's LDE), column by column into `out`.
fn gather(commitment: &PolynomialBatch<F, C, D>, start: usize, step: usize, out: &mut [P]) {
    let bits = commitment.degree_log + commitment.rate_bits;
    let size = 1 << bits;
    for lane in 0..P::WIDTH {
        let row = &commitment.merkle_tree.leaves[reverse_bits(((start + lane) * step) % size, bits)];
        for (o, &v) in out.iter_mut().zip(row) {
            o.as_slice_mut()[lane] = v;
        }
    }
}

/// The quotient polynomials `Σ alpha^i C_i / Z_H`, one per alpha, evaluated on the coset of
/// `n · 2^quotient_degree_bits` points and interpolated (as starky's `compute_quotient_polys`).
fn quotient_polys<S: Stark<F, D>>(
    stark: &S,
    trace: &PolynomialBatch<F, C, D>,
    aux: &PolynomialBatch<F, C, D>,
    lookups: &[ZData<'_>],
    public_inputs: &[F],
    alphas: &[F],
    config: &StarkConfig,
) -> Vec<PolynomialCoeffs<F>> {
    let degree_bits = trace.degree_log;
    let degree = 1 << degree_bits;
    let rate_bits = config.fri_config.rate_bits;
    let quotient_degree_bits = log2_ceil(stark.quotient_degree_factor());
    assert!(quotient_degree_bits <= rate_bits, "constraints of degree above the rate are not supported");
    let step = 1 << (rate_bits - quotient_degree_bits);
    let next_step = 1 << quotient_degree_bits;
    let lagrange_first = PolynomialValues::selector(degree, 0).lde_onto_coset(quotient_degree_bits);
    let lagrange_last = PolynomialValues::selector(degree, degree - 1).lde_onto_coset(quotient_degree_bits);
    let z_h_on_coset = ZeroPolyOnCoset::<F>::new(degree_bits, quotient_degree_bits);
    let last = F::primitive_root_of_unity(degree_bits).inverse();
    let size = degree << quotient_degree_bits;
    let coset = F::cyclic_subgroup_coset_known_order(
        F::primitive_root_of_unity(degree_bits + quotient_degree_bits),
        F::coset_shift(),
        size,
    );
    let num_challenges = alphas.len();
    let num_aux = aux.polynomials.len();
    let constraint_degree = stark.constraint_degree();

    // values[point * num_challenges + j]: the quotient of alpha j at the point.
    let mut values = vec![F::ZERO; size * num_challenges];
    values.par_chunks_mut(P::WIDTH * num_challenges).enumerate().for_each_init(
        || (vec![P::ZEROS; S::COLUMNS], vec![P::ZEROS; S::COLUMNS], vec![P::ZEROS; num_aux], vec![P::ZEROS; num_aux]),
        |(local, next, aux_local, aux_next), (batch, out)| {
            let start = batch * P::WIDTH;
            let next_start = (start + next_step) % size;
            gather(trace, start, step, local);
            gather(trace, next_start, step, next);
            gather(aux, start, step, aux_local);
            gather(aux, next_start, step, aux_next);
            let x = *P::from_slice(&coset[start..start + P::WIDTH]);
            let mut consumer = ConstraintConsumer::new(
                alphas.to_vec(),
                x - last,
                *P::from_slice(&lagrange_first.values[start..start + P::WIDTH]),
                *P::from_slice(&lagrange_last.values[start..start + P::WIDTH]),
            );
            stark.eval_packed_generic::<F, P, 1>(
                &S::EvaluationFrame::from_values(local, next, public_inputs),
                &mut consumer,
            );
            eval_lookup_checks::<F, P, 1>(local, next, aux_local, aux_next, lookups, constraint_degree, &mut consumer);
            let denominator_inv: P = z_h_on_coset.eval_inverse_packed(start);
            for (j, eval) in consumer.accumulators().into_iter().enumerate() {
                let eval = eval * denominator_inv;
                for (lane, &v) in eval.as_slice().iter().enumerate() {
                    out[lane * num_challenges + j] = v;
                }
            }
        },
    );
    (0..num_challenges)
        .into_par_iter()
        .map(|j| {
            let column: Vec<F> = (0..size).map(|i| values[i * num_challenges + j]).collect();
            PolynomialValues::new(column).coset_ifft(F::coset_shift())
        })
        .collect()
}
