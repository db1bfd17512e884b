//! Proving one segment: every table's trace, one commitment each, shared lookup challenges,
//! then one starky proof per table.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use plonky2::fri::oracle::PolynomialBatch;
use plonky2::iop::challenger::Challenger;
use plonky2::plonk::config::{GenericConfig, Hasher};
use plonky2::util::timing::TimingTree;
use starky::lookup::{get_grand_product_challenge_set, GrandProductChallengeSet};
use starky::proof::StarkProofWithPublicInputs;
use starky::prover::prove_with_commitment;
use zkmips_stark::ctl::{cpu_public, page_public, Table, NUM_TABLES};
use zkmips_stark::events::MemAccess;
use zkmips_stark::layout::{reg, reg_addr, slot, ts, REG_BASE};
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_page::MemoryImage;

use crate::error::ProveError;
use crate::lookups::{ctl_data, to_starky, StarkySides};
use crate::segment::{Boundary, SegmentRecord};
use crate::table_prover::prove_table;
use crate::tables::{all_ctls, ctl_index, range_checked, with_stark};

/// Lookup constraints are grouped for this degree in every table.
pub const CTL_DEGREE: usize = 3;

/// The proof of one segment: its boundaries, the memory roots, and one proof per table.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SegmentProof {
    pub start: Boundary,
    pub end: Boundary,
    pub root_start: [u64; 4],
    pub root_end: [u64; 4],
    pub tables: Vec<StarkProofWithPublicInputs<F, C, D>>,
}

/// Traces of one segment, before proving.
#[derive(Clone)]
pub struct SegmentTraces {
    pub start: Boundary,
    pub end: Boundary,
    pub root_start: [F; 4],
    pub root_end: [F; 4],
    pub traces: [Vec<PolynomialValues<F>>; NUM_TABLES],
}

/// Builds every table's trace. `image` is the memory at the segment's start; it is advanced to
/// the end.
pub fn build_traces(
    record: &SegmentRecord,
    start: Boundary,
    end: Boundary,
    image: &mut MemoryImage,
) -> Result<SegmentTraces, ProveError> {
    // Memory words the segment touched: first value and last value, by address.
    let mut touched: std::collections::BTreeMap<u32, (u32, u32)> = Default::default();
    for &MemAccess { addr, before, after, .. } in &record.mem {
        if addr < REG_BASE {
            touched.entry(addr as u32).and_modify(|e| e.1 = after).or_insert((before, after));
        }
    }
    let touched: Vec<(u32, u32, u32)> = touched.into_iter().map(|(a, (b, e))| (a, b, e)).collect();

    // The tables' traces are independent: build them on every core (the memory table, the
    // page hashing and the CPU are the long ones).
    let mut traces: [Vec<PolynomialValues<F>>; NUM_TABLES] = Default::default();
    let mut roots = ([F::ZERO; 4], [F::ZERO; 4]);
    {
        let [cpu, memory, _range, alu, muldiv, lsu, syscall, page, poseidon, secp256k1, keccak_sponge, keccak, arith, sha_extend, sha_compress] =
            &mut traces;
        let touched = &touched;
        let image = &*image;
        let roots = &mut roots;
        rayon::scope(|s| {
            s.spawn(|_| *memory = zkmips_table_memory::generate_trace(&record.mem, start.clk, &start.regs));
            s.spawn(|_| {
                let (p, h, root_start, root_end) = zkmips_table_page::generate_traces(image, touched);
                (*page, *poseidon, *roots) = (p, h, (root_start, root_end));
            });
            s.spawn(|_| *cpu = zkmips_table_cpu::generate_trace(&record.cpu));
            s.spawn(|_| *arith = zkmips_table_alu::arith::generate_arith_trace(&record.arith));
            s.spawn(|_| *alu = zkmips_table_alu::generate_trace(&record.alu));
            s.spawn(|_| *lsu = zkmips_table_lsu::generate_trace(&record.lsu));
            s.spawn(|_| *muldiv = zkmips_table_muldiv::generate_trace(&record.muldiv));
            s.spawn(|_| *syscall = zkmips_table_syscall::generate_trace(&record.syscalls));
            s.spawn(|_| *secp256k1 = zkmips_table_secp256k1::generate_trace(&record.secp256k1));
            s.spawn(|_| {
                let (sponge, permutations) = zkmips_table_keccak::sponge::generate_trace(&record.keccak);
                *keccak_sponge = sponge;
                *keccak = zkmips_table_keccak::perm::generate_trace(&permutations, 0);
            });
            s.spawn(|_| *sha_extend = zkmips_table_sha256::extend::generate_trace(&record.sha_extend));
            s.spawn(|_| *sha_compress = zkmips_table_sha256::compress::generate_trace(&record.sha_compress));
        });
    }
    let (root_start, root_end) = roots;
    for &(addr, _, value) in &touched {
        image.update(addr, value);
    }

    traces[Table::Range.index()] = range_trace(&traces)?;
    Ok(SegmentTraces { start, end, root_start, root_end, traces })
}

/// The range table for the other tables' range-checked columns: how often each value of
/// `0..2^16` occurs in them.
pub fn range_trace(traces: &[Vec<PolynomialValues<F>>; NUM_TABLES]) -> Result<Vec<PolynomialValues<F>>, ProveError> {
    let mut multiplicities = vec![0u64; 1 << 16];
    for (table, checks) in range_checked() {
        let trace = &traces[table.index()];
        for terms in checks {
            for row in 0..trace.first().map_or(0, |c| c.len()) {
                let v: F = terms.iter().map(|&(c, k)| trace[c].values[row] * k).sum();
                let v = v.to_canonical_u64();
                if v >= 1 << 16 {
                    let cols: Vec<usize> = terms.iter().map(|t| t.0).collect();
                    return Err(ProveError::Trace(format!(
                        "{} columns {cols:?} (row {row}) combine to {v}, outside 0..2^16",
                        table.name()
                    )));
                }
                multiplicities[v as usize] += 1;
            }
        }
    }
    Ok(zkmips_table_range::generate_trace(&multiplicities))
}

/// Public inputs of table `table` for a segment.
pub(crate) fn public_inputs(table: Table, start: &Boundary, end: &Boundary, roots: &[[F; 4]; 2]) -> Vec<F> {
    match table {
        Table::Cpu => {
            let mut pis = vec![F::ZERO; cpu_public::COUNT];
            pis[cpu_public::CLK_START] = F::from_canonical_u64(start.clk);
            pis[cpu_public::PC_START] = F::from_canonical_u32(start.pc);
            pis[cpu_public::NEXT_PC_START] = F::from_canonical_u32(start.next_pc);
            pis[cpu_public::CLK_END] = F::from_canonical_u64(end.clk);
            pis[cpu_public::PC_END] = F::from_canonical_u32(end.pc);
            pis[cpu_public::NEXT_PC_END] = F::from_canonical_u32(end.next_pc);
            pis
        }
        Table::Page => {
            let mut pis = vec![F::ZERO; page_public::COUNT];
            pis[page_public::ROOT_START..page_public::ROOT_START + 4].copy_from_slice(&roots[0]);
            pis[page_public::ROOT_END..page_public::ROOT_END + 4].copy_from_slice(&roots[1]);
            pis
        }
        _ => vec![],
    }
}

/// Everything the lookup challenges depend on besides the trace caps: the boundaries and roots.
pub(crate) fn observe_statement<H: Hasher<F>>(
    challenger: &mut Challenger<F, H>,
    start: &Boundary,
    end: &Boundary,
    roots: &[[F; 4]; 2],
) {
    for b in [start, end] {
        challenger.observe_element(F::from_canonical_u64(b.clk));
        challenger.observe_element(F::from_canonical_u32(b.pc));
        challenger.observe_element(F::from_canonical_u32(b.next_pc));
        challenger.observe_elements(&b.regs.iter().map(|&r| F::from_canonical_u32(r)).collect::<Vec<_>>());
    }
    challenger.observe_elements(&roots[0]);
    challenger.observe_elements(&roots[1]);
}

/// Register-page rows the verifier adds to `MEM_INIT` (start) or `MEM_FINAL` (end).
pub(crate) fn register_rows(b: &Boundary) -> Vec<Vec<F>> {
    (0..reg::COUNT).map(|i| vec![F::from_canonical_u64(reg_addr(i)), F::from_canonical_u32(b.regs[i])]).collect()
}

/// The reads of every register-page word at the segment's start that the memory table adds
/// (so that each word has a first row); the verifier supplies their `MEM` side.
pub(crate) fn register_reads(b: &Boundary) -> Vec<Vec<F>> {
    (0..reg::COUNT)
        .map(|i| {
            let v = F::from_canonical_u32(b.regs[i]);
            vec![F::from_canonical_u64(reg_addr(i)), F::from_canonical_u64(ts(b.clk, slot::FETCH)), v, v]
        })
        .collect()
}

/// `sum 1 / combine(row)` for each challenge: what `rows` add to the looking side of a lookup.
pub(crate) fn extra_sums(rows: &[Vec<F>], challenges: &GrandProductChallengeSet<F>) -> Vec<F> {
    challenges
        .challenges
        .iter()
        .map(|c| rows.iter().map(|r| c.combine::<F, F, _, 1>(r.iter()).inverse()).sum())
        .collect()
}

/// Where the time of [`prove_traces`] went, in seconds.
#[derive(Clone, Debug, Default)]
pub struct ProveTimes {
    /// Low-degree extension and Merkle commitment of every trace.
    pub commit: f64,
    /// The lookup challenges and every table's lookup helper columns.
    pub lookups: f64,
    /// Each table's starky proof (quotient, openings, FRI), by table index.
    pub tables: [f64; NUM_TABLES],
    /// Each table's auxiliary columns (lookup helpers and running sums), by table index.
    pub aux_columns: [usize; NUM_TABLES],
}

/// Proves one segment from its traces.
pub fn prove_traces(t: &SegmentTraces, timing: &mut TimingTree) -> Result<SegmentProof, ProveError> {
    prove_traces_timed(t.clone(), timing, &mut ProveTimes::default())
}

/// [`prove_traces`] through starky's own table prover (`prove_with_commitment`) instead of
/// [`crate::table_prover`]: the same proof, slower. A reference for tests.
pub fn prove_traces_with_starky(t: &SegmentTraces) -> Result<SegmentProof, ProveError> {
    prove(t.clone(), &mut TimingTree::default(), &mut ProveTimes::default(), true)
}

/// [`prove_traces`], consuming the traces (each is freed as soon as it is no longer needed) and
/// recording where the time went.
pub fn prove_traces_timed(
    t: SegmentTraces,
    timing: &mut TimingTree,
    times: &mut ProveTimes,
) -> Result<SegmentProof, ProveError> {
    prove(t, timing, times, false)
}

fn prove(
    t: SegmentTraces,
    timing: &mut TimingTree,
    times: &mut ProveTimes,
    with_starky: bool,
) -> Result<SegmentProof, ProveError> {
    let clock = std::time::Instant::now();
    for table in Table::ALL {
        let rows = t.traces[table.index()].first().map_or(0, |c| c.len());
        if rows < zkmips_stark::MIN_TRACE_ROWS || !rows.is_power_of_two() {
            return Err(ProveError::Trace(format!("the {} table has {rows} rows", table.name())));
        }
    }
    let config = stark_config();
    let ctls = all_ctls();
    let roots = [t.root_start, t.root_end];
    let rate_bits = config.fri_config.rate_bits;
    let cap_height = config.fri_config.cap_height;

    let mut commitments: Vec<Option<PolynomialBatch<F, C, D>>> = t
        .traces
        .iter()
        .map(|trace| {
            Some(zkmips_stark::poseidon::merkle::commit_values(trace.clone(), rate_bits, cap_height, timing, None))
        })
        .collect();

    times.commit = clock.elapsed().as_secs_f64();
    let mut challenger = Challenger::<F, <C as GenericConfig<D>>::Hasher>::new();
    observe_statement(&mut challenger, &t.start, &t.end, &roots);
    for c in commitments.iter().flatten() {
        challenger.observe_cap(&c.merkle_tree.cap);
    }
    let ctl_challenges = get_grand_product_challenge_set(&mut challenger, config.num_challenges);
    let ctl_data = ctl_data(&t.traces, &ctls, &ctl_challenges.challenges, CTL_DEGREE);
    let sides = with_starky.then(|| StarkySides::new(&ctls));
    let starky_ctl_data = sides.as_ref().map(|sides| to_starky(&ctl_data, sides));
    // From here on starky reads a trace's values only for its length (none of the tables has
    // lookups of its own): keep one column of each. The commitments hold the polynomials.
    let mut traces = t.traces;
    for trace in &mut traces {
        trace.truncate(1);
        trace.shrink_to_fit();
    }

    times.lookups = clock.elapsed().as_secs_f64() - times.commit;
    let mut tables = Vec::with_capacity(NUM_TABLES);
    for table in Table::ALL {
        let i = table.index();
        let table_clock = std::time::Instant::now();
        let pis = public_inputs(table, &t.start, &t.end, &roots);
        let mut c = challenger.clone();
        c.observe_elements(&pis);
        config.observe(&mut c);
        let commitment = commitments[i].as_ref().expect("each table is proven once");
        let proof = match &starky_ctl_data {
            None => {
                with_stark!(table, |stark| prove_table(&stark, &config, commitment, &ctl_data[i], &mut c, &pis, timing))
            }
            Some(starky_data) => with_stark!(table, |stark| prove_with_commitment(
                &stark,
                &config,
                &traces[i],
                commitment,
                Some(&starky_data[i]),
                Some(&ctl_challenges),
                &mut c,
                &pis,
                None,
                None,
                timing,
            )),
        }
        .map_err(|e| ProveError::Stark { table: table.name(), reason: e.to_string() })?;
        times.tables[i] = table_clock.elapsed().as_secs_f64();
        times.aux_columns[i] = proof.proof.openings.auxiliary_polys.as_ref().map_or(0, |a| a.len());
        tables.push(proof);
        // Freeing a large commitment (its leaves are millions of small vectors) takes seconds:
        // let it overlap with the next table's proof.
        let done = commitments[i].take();
        std::thread::spawn(move || drop(done));
    }
    let to_u64 = |r: [F; 4]| r.map(|x| x.to_canonical_u64());
    Ok(SegmentProof {
        start: t.start,
        end: t.end,
        root_start: to_u64(t.root_start),
        root_end: to_u64(t.root_end),
        tables,
    })
}

/// Checks a segment's traces natively, without proving: every table's constraints on every
/// row, then every lookup but `RANGE16` (whose values `build_traces` already bounds). A
/// debugging aid; the error names the first failing table and row, or lookup and tuple.
pub fn check_traces(t: &SegmentTraces) -> Result<(), String> {
    let roots = [t.root_start, t.root_end];
    for table in Table::ALL {
        let pis = public_inputs(table, &t.start, &t.end, &roots);
        with_stark!(table, |stark| zkmips_stark::testing::check_constraints(&stark, &t.traces[table.index()], &pis))
            .map_err(|e| format!("the {} table: {e}", table.name()))?;
    }
    let ctls: Vec<_> =
        all_ctls().into_iter().enumerate().filter(|(i, _)| *i != ctl_index::RANGE16).map(|(_, c)| c).collect();
    let mut extra = hashbrown::HashMap::new();
    extra.insert(ctl_index::MEM, register_reads(&t.start));
    extra.insert(ctl_index::MEM_INIT, register_rows(&t.start));
    extra.insert(ctl_index::MEM_FINAL, register_rows(&t.end));
    std::panic::catch_unwind(|| zkmips_stark::lookup::debug_utils::check_ctls(&t.traces, &ctls, &extra))
        .map_err(|e| e.downcast_ref::<String>().cloned().unwrap_or_else(|| "a lookup does not match".into()))
}
