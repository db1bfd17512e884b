//! Standard starky tests, realistic traces and lying traces for the memory table.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::Result;
use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
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
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::MemAccess;
use zkmips_stark::layout::{reg, reg_addr, slot, ts, REG_BASE};
use zkmips_stark::lookup::debug_utils::check_ctls;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::lookup::{CrossTableLookup, TableWithColumns};
use zkmips_stark::testing::{check_constraints, trace_columns};
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_memory::{
    accesses as trace_accesses, from_accesses, generate_trace, lookup_final, lookup_init, lookup_mem,
    range_checked_columns, AccessColumns, MemoryStark, ACCESSES_PER_ROW, ACCESS_COLUMNS,
};

type S = MemoryStark<F, D>;

const EDGE: [u32; 5] = [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];

/// A segment: its accesses (in execution order), start and end state.
struct Segment {
    clk_start: u64,
    accesses: Vec<MemAccess>,
    start_regs: Vec<u32>,
    /// Start and end value of every touched address (register page included).
    init: BTreeMap<u64, u32>,
    fin: BTreeMap<u64, u32>,
}

/// A machine whose every access is recorded, as the VM's tracing mode would.
struct Machine {
    clk: u64,
    state: BTreeMap<u64, u32>,
    init: BTreeMap<u64, u32>,
    accesses: Vec<MemAccess>,
}

impl Machine {
    fn access(&mut self, addr: u64, slot: u64, write: Option<u32>) -> u32 {
        // An untouched memory word starts with an arbitrary value.
        let before = self.state.get(&addr).copied().unwrap_or(addr as u32 ^ 0x5a5a);
        self.init.entry(addr).or_insert(before);
        let after = write.unwrap_or(before);
        self.state.insert(addr, after);
        self.accesses.push(MemAccess { addr, ts: ts(self.clk, slot), before, after });
        before
    }
}

fn value(rng: &mut StdRng) -> u32 {
    if rng.gen_bool(0.4) {
        EDGE[rng.gen_range(0..EDGE.len())]
    } else {
        rng.gen()
    }
}

/// `cycles` instructions: fetch, rs/rt reads (sometimes the same register), hi/lo, loads and
/// stores at edge and random addresses, destination writes (sometimes to `rs`), and syscall-like
/// register-page writes.
fn segment(seed: u64, clk_start: u64, cycles: u64) -> Segment {
    let mut rng = StdRng::seed_from_u64(seed);
    let start_regs: Vec<u32> = (0..reg::COUNT).map(|i| if i == 0 { 0 } else { value(&mut rng) }).collect();
    let state: BTreeMap<u64, u32> = start_regs.iter().enumerate().map(|(i, &v)| (reg_addr(i), v)).collect();
    let mut m = Machine { clk: clk_start, state: state.clone(), init: state, accesses: vec![] };
    let data = [0u64, 4, 0x7fff_fffc, 0x8000_0000, 0xffff_fffc, 0x1000_0000, 0x1000_0004];
    for k in 0..cycles {
        m.clk = clk_start + k;
        m.access(0x40_0000 + 4 * (k % 8), slot::FETCH, None);
        let rs = rng.gen_range(0..32);
        let rt = if rng.gen_bool(0.3) { rs } else { rng.gen_range(0..32) };
        let a = m.access(reg_addr(rs), slot::RS, None);
        let b = m.access(reg_addr(rt), slot::RT, None);
        match rng.gen_range(0..5) {
            0 => {
                m.access(reg_addr(reg::HI), slot::HILO_READ, None);
                m.access(reg_addr(reg::LO), slot::HILO_READ, None);
                m.access(reg_addr(reg::HI), slot::HILO_WRITE, Some(a.wrapping_mul(b)));
                m.access(reg_addr(reg::LO), slot::HILO_WRITE, Some(a ^ b));
            }
            1 => {
                let addr = data[rng.gen_range(0..data.len())];
                m.access(addr, slot::MEM, Some(b));
            }
            2 => {
                let addr = data[rng.gen_range(0..data.len())];
                let v = m.access(addr, slot::MEM, None);
                if rt != 0 {
                    m.access(reg_addr(rt), slot::DST, Some(v));
                }
            }
            3 => {
                m.access(reg_addr(reg::BRK), slot::RS, None);
                m.access(reg_addr(reg::BRK), slot::DST, Some(value(&mut rng)));
                m.access(0x1000_0000, slot::MEM, Some(value(&mut rng)));
            }
            _ => {
                let rd = if rng.gen_bool(0.3) { rs } else { rng.gen_range(1..32) };
                if rd != 0 {
                    m.access(reg_addr(rd), slot::DST, Some(a.wrapping_add(b)));
                }
            }
        }
    }
    Segment { clk_start, accesses: m.accesses, start_regs, init: m.init, fin: m.state }
}

/// Column indices of an access, in the rows of [`accesses`].
fn columns() -> AccessColumns<usize> {
    let idx: Vec<usize> = (0..ACCESS_COLUMNS).collect();
    *AccessColumns::view(&idx)
}

fn trace_of(s: &Segment) -> Vec<PolynomialValues<F>> {
    generate_trace(&s.accesses, s.clk_start, &s.start_regs)
}

fn prove_and_verify(trace: Vec<PolynomialValues<F>>) -> Result<StarkProofWithPublicInputs<F, C, D>> {
    let config = stark_config();
    let stark = S::default();
    let proof = prove::<F, C, S, D>(stark, &config, trace, &[], None, &mut TimingTree::default())?;
    verify_stark_proof(stark, proof.clone(), &config, None)?;
    Ok(proof)
}

/// A looking table whose rows are `tuples` (filter 1), padded with filter-0 rows.
fn looking(tuples: &[Vec<F>]) -> (Vec<PolynomialValues<F>>, TableWithColumns<F>) {
    let width = tuples[0].len();
    let rows = tuples.iter().map(|t| t.iter().copied().chain([F::ONE]).collect()).collect();
    let trace = trace_columns(rows, &vec![F::ZERO; width + 1], 1);
    let table =
        TableWithColumns::new(0, Column::singles(0..width).collect(), Filter::new_simple(Column::single(width)));
    (trace, table)
}

/// Checks one lookup between `tuples` (looking) and the memory table's accesses.
fn check_lookup(
    memory: &[PolynomialValues<F>],
    tuples: &[Vec<F>],
    lookup: fn(Vec<TableWithColumns<F>>) -> CrossTableLookup<F>,
) {
    let (trace, table) = looking(tuples);
    let ctl = lookup(vec![table]);
    check_ctls(&[trace, memory.to_vec()], &[ctl], &Default::default());
}

fn pair(m: &BTreeMap<u64, u32>) -> Vec<Vec<F>> {
    m.iter().map(|(&a, &v)| vec![F::from_canonical_u64(a), F::from_canonical_u32(v)]).collect()
}

/// The three lookups hold against what the looking tables, the page table and the verifier
/// would send: every access, every touched address's start value, and its end value.
fn check_all_lookups(s: &Segment, trace: &[PolynomialValues<F>]) {
    // The register-page reads the generator adds at the segment start are the verifier's extra
    // `MEM` values (it knows the start register page).
    let start_reads = s.start_regs.iter().enumerate().map(|(i, &v)| MemAccess {
        addr: reg_addr(i),
        ts: ts(s.clk_start, slot::FETCH),
        before: v,
        after: v,
    });
    let accesses: Vec<Vec<F>> = s
        .accesses
        .iter()
        .copied()
        .chain(start_reads)
        .map(|a| [a.addr, a.ts, a.before as u64, a.after as u64].map(F::from_canonical_u64).to_vec())
        .collect();
    check_lookup(trace, &accesses, lookup_mem);
    check_lookup(trace, &pair(&s.init), lookup_init);
    check_lookup(trace, &pair(&s.fin), lookup_final);
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
    prove_and_verify(trace_of(&segment(1, 1000, 300))).map(|_| ())
}

#[test]
fn recursive_verifier() -> Result<()> {
    let config = stark_config();
    let stark = S::default();
    let proof = prove_and_verify(trace_of(&segment(2, 0, 100)))?;
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
fn realistic_segments_satisfy_constraints_and_lookups() {
    for (seed, clk_start, cycles) in [(3, 0, 1), (4, 7, 50), (5, 1 << 20, 400), (6, 123_456_789, 200)] {
        let s = segment(seed, clk_start, cycles);
        let trace = trace_of(&s);
        check_constraints(&S::default(), &trace, &[]).unwrap();
        check_all_lookups(&s, &trace);
        for c in range_checked_columns() {
            assert!(trace[c].values.iter().all(|v| v.0 < 1 << 16));
        }
    }
}

/// Only the register page: 47 accesses, padded to 64.
#[test]
fn empty_segment() {
    let s = segment(8, 5, 0);
    let trace = trace_of(&s);
    assert_eq!(trace[0].len() * ACCESSES_PER_ROW, 64);
    assert_eq!(trace_accesses(&trace).iter().filter(|a| a[columns().is_real] == F::ONE).count(), reg::COUNT);
    check_constraints(&S::default(), &trace, &[]).unwrap();
    check_all_lookups(&s, &trace);
}

/// 47 + 17 = 64 accesses: no padding row, the last row's `MEM_FINAL` filter wraps to row 0.
#[test]
fn full_table_without_padding() {
    let start_regs: Vec<u32> = (0..reg::COUNT as u32).collect();
    let mut accesses: Vec<MemAccess> =
        (0..16).map(|k| MemAccess { addr: 4 * k, ts: ts(1, slot::MEM), before: 9, after: k as u32 }).collect();
    // The last address of all: the last register-page word, written.
    let last = reg::COUNT - 1;
    accesses.push(MemAccess { addr: reg_addr(last), ts: ts(1, slot::DST), before: last as u32, after: 0xffff_ffff });
    let init: BTreeMap<u64, u32> =
        (0..16).map(|k| (4 * k, 9)).chain((0..reg::COUNT).map(|i| (reg_addr(i), i as u32))).collect();
    let mut fin = init.clone();
    fin.extend((0..16).map(|k| (4 * k, k as u32)));
    fin.insert(reg_addr(last), 0xffff_ffff);
    let s = Segment { clk_start: 1, accesses, start_regs, init, fin };
    let trace = trace_of(&s);
    assert_eq!(trace[0].len(), 64 / ACCESSES_PER_ROW);
    assert!(trace_accesses(&trace).iter().all(|a| a[columns().is_real] == F::ONE));
    check_constraints(&S::default(), &trace, &[]).unwrap();
    check_all_lookups(&s, &trace);
}

/// Extreme gaps: address 0 followed by the register page (address gap 2^32 - 1), timestamps
/// 2^32 apart (timestamp gap 2^32 - 1), edge values.
#[test]
fn extreme_gaps() -> Result<()> {
    let start_regs = vec![0xffff_ffff; reg::COUNT];
    let t0 = ts(3, slot::MEM);
    let accesses = vec![
        MemAccess { addr: 0, ts: t0, before: 0, after: 0x8000_0000 },
        MemAccess { addr: 0, ts: t0 + (1 << 32), before: 0x8000_0000, after: 0x8000_0000 },
        MemAccess { addr: 0, ts: t0 + (1 << 32) + 1, before: 0x8000_0000, after: 0x7fff_ffff },
        MemAccess { addr: REG_BASE, ts: ts(3, slot::DST), before: 0xffff_ffff, after: 1 },
    ];
    let mut init: BTreeMap<u64, u32> = (0..reg::COUNT).map(|i| (reg_addr(i), 0xffff_ffff)).collect();
    init.insert(0, 0);
    let mut fin = init.clone();
    fin.insert(0, 0x7fff_ffff);
    fin.insert(REG_BASE, 1);
    let s = Segment { clk_start: 3, accesses, start_regs, init, fin };
    let trace = trace_of(&s);
    let c = columns();
    let rows = trace_accesses(&trace);
    // Access 3 is the register page's first word: its address gap from 0 is 2^32 - 1.
    assert_eq!((rows[3][c.gap_lo], rows[3][c.gap_hi]), (F::from_canonical_u64(0xffff), F::from_canonical_u64(0xffff)));
    check_constraints(&S::default(), &trace, &[]).unwrap();
    check_all_lookups(&s, &trace);
    prove_and_verify(trace).map(|_| ())
}

#[test]
#[should_panic(expected = "exceeds 2^32 - 1")]
fn timestamp_gap_above_2_32_is_refused() {
    let accesses = vec![
        MemAccess { addr: 8, ts: 16, before: 0, after: 0 },
        MemAccess { addr: 8, ts: 16 + (1 << 32) + 1, before: 0, after: 0 },
    ];
    generate_trace(&accesses, 0, &[0; reg::COUNT]);
}

#[test]
#[should_panic(expected = "two accesses")]
fn equal_timestamps_are_refused() {
    let accesses =
        vec![MemAccess { addr: 8, ts: 20, before: 0, after: 0 }, MemAccess { addr: 8, ts: 20, before: 0, after: 0 }];
    generate_trace(&accesses, 0, &[0; reg::COUNT]);
}

// ---- Lying traces ----

/// An honest trace as accesses, and a lie applied to them; returns the lying trace.
fn lie(f: impl FnOnce(&mut Vec<Vec<F>>, &AccessColumns<usize>)) -> Vec<PolynomialValues<F>> {
    let trace = trace_of(&segment(9, 40, 60));
    let mut rows = trace_accesses(&trace);
    f(&mut rows, &columns());
    from_accesses(&rows)
}

/// A row continuing the address of the row before it (not the first row, real).
fn continuing_row(rows: &[Vec<F>], c: &AccessColumns<usize>) -> usize {
    (1..rows.len()).find(|&i| rows[i][c.is_real] == F::ONE && rows[i][c.is_first] == F::ZERO).unwrap()
}

fn first_row_after_0(rows: &[Vec<F>], c: &AccessColumns<usize>) -> usize {
    (1..rows.len()).find(|&i| rows[i][c.is_first] == F::ONE).unwrap()
}

fn rejected(trace: &[PolynomialValues<F>]) -> bool {
    check_constraints(&S::default(), trace, &[]).is_err()
}

/// A read returning a value never written (its `before` and `after` both changed).
#[test]
fn stale_read_is_rejected() {
    let trace = lie(|rows, c| {
        let i = continuing_row(rows, c);
        rows[i][c.before] += F::ONE;
        rows[i][c.after] = rows[i][c.before];
    });
    assert!(rejected(&trace));
    let proved = catch_unwind(AssertUnwindSafe(|| prove_and_verify(trace)));
    assert!(!matches!(proved, Ok(Ok(_))), "a stale read was proved");
}

/// A stale read at each position of a row: the check between two accesses of one row and the
/// one between a row's last access and the next row's first are both made.
#[test]
fn stale_read_at_every_position_of_a_row_is_rejected() {
    for position in 0..ACCESSES_PER_ROW {
        let trace = lie(|rows, c| {
            let i = (1..rows.len())
                .find(|&i| {
                    i % ACCESSES_PER_ROW == position && rows[i][c.is_real] == F::ONE && rows[i][c.is_first] == F::ZERO
                })
                .unwrap();
            rows[i][c.before] += F::ONE;
            rows[i][c.after] = rows[i][c.before];
        });
        assert!(rejected(&trace), "a stale read at position {position} of a row passed");
    }
}

/// Each position of a row is on the lookups: a write at any position that writes another value
/// than the looking table's, with the rest of its group following it, satisfies the constraints
/// but fails the lookups.
#[test]
fn every_position_of_a_row_is_looked_up() {
    let s = segment(11, 7, 200);
    let trace = trace_of(&s);
    let all = trace_accesses(&trace);
    let c = columns();
    for position in 0..ACCESSES_PER_ROW {
        let k = (0..all.len())
            .find(|&k| {
                k % ACCESSES_PER_ROW == position && all[k][c.is_real] == F::ONE && all[k][c.before] != all[k][c.after]
            })
            .expect("a write at this position");
        let mut rows = all.clone();
        rows[k][c.after] += F::ONE;
        for j in (k + 1..rows.len()).take_while(|&j| all[j][c.is_real] == F::ONE && all[j][c.is_first] == F::ZERO) {
            rows[j][c.before] += F::ONE;
            rows[j][c.after] += F::ONE;
        }
        let lying = from_accesses(&rows);
        check_constraints(&S::default(), &lying, &[]).unwrap();
        let verdict = catch_unwind(AssertUnwindSafe(|| check_all_lookups(&s, &lying)));
        assert!(verdict.is_err(), "a changed write at position {position} of a row passed the lookups");
    }
}

/// Two accesses to one address at the same timestamp. (Limbs for a gap of -1 would need a
/// value outside `0..2^16`, which only the `RANGE16` lookup rejects.)
#[test]
fn equal_timestamps_are_rejected() {
    let trace = lie(|rows, c| {
        let i = continuing_row(rows, c);
        rows[i][c.ts] = rows[i - 1][c.ts];
    });
    assert!(rejected(&trace));
}

/// Accesses to one address out of timestamp order (limbs recomputed for the new gap would wrap).
#[test]
fn decreasing_timestamps_are_rejected() {
    let trace = lie(|rows, c| {
        let i = continuing_row(rows, c);
        rows[i][c.ts] = rows[i - 1][c.ts] - F::ONE;
    });
    assert!(rejected(&trace));
}

/// Unsorted addresses: two neighbouring groups swapped.
#[test]
fn unsorted_addresses_are_rejected() {
    let trace = lie(|rows, c| {
        let i = first_row_after_0(rows, c);
        // The first group (row 0's address) moves above every other address.
        for row in rows.iter_mut().take(i) {
            row[c.addr] = F::from_canonical_u64(1 << 40);
        }
    });
    assert!(rejected(&trace));
}

/// A first access marked as continuing the previous address.
#[test]
fn cleared_is_first_is_rejected() {
    let trace = lie(|rows, c| {
        let i = first_row_after_0(rows, c);
        rows[i][c.is_first] = F::ZERO;
    });
    assert!(rejected(&trace));
}

/// A continuing access marked as first (it would be a second `MEM_INIT`/`MEM_FINAL` for the
/// address).
#[test]
fn set_is_first_is_rejected() {
    let trace = lie(|rows, c| {
        let i = continuing_row(rows, c);
        rows[i][c.is_first] = F::ONE;
    });
    assert!(rejected(&trace));
}

/// Row 0 not marked first (its address would have no `MEM_INIT`).
#[test]
fn row_0_not_first_is_rejected() {
    let trace = lie(|rows, c| rows[0][c.is_first] = F::ZERO);
    assert_eq!(check_constraints(&S::default(), &trace, &[]).unwrap_err().row, 0);
}

/// `is_last` is no column: the `MEM_FINAL` filter is computed from `is_real` and the next row's
/// `is_first`, both pinned above. A padding row marked first (which would add an "init") fails.
#[test]
fn padding_marked_first_is_rejected() {
    let trace = lie(|rows, c| {
        let last = rows.len() - 1;
        assert_eq!(rows[last][c.is_real], F::ZERO);
        rows[last][c.is_first] = F::ONE;
    });
    assert!(rejected(&trace));
}

/// A real row after padding (an access the prefix order would not sort).
#[test]
fn real_after_padding_is_rejected() {
    let trace = lie(|rows, c| {
        let last = rows.len() - 1;
        let mut row = rows[last - 2].clone();
        row[c.is_real] = F::ZERO;
        row[c.is_first] = F::ZERO;
        rows[last - 1] = row.clone();
        rows[last][c.is_real] = F::ONE;
    });
    assert!(rejected(&trace));
}

/// A wrong gap limb.
#[test]
fn wrong_limb_is_rejected() {
    let trace = lie(|rows, c| {
        let i = continuing_row(rows, c);
        rows[i][c.gap_lo] += F::ONE;
    });
    assert!(rejected(&trace));
    let trace = lie(|rows, c| {
        let i = first_row_after_0(rows, c);
        rows[i][c.gap_hi] += F::ONE;
    });
    assert!(rejected(&trace));
}

/// Non-binary flags.
#[test]
fn non_binary_flags_are_rejected() {
    let trace = lie(|rows, c| rows[1][c.is_real] = F::TWO);
    assert!(rejected(&trace));
}

/// Trace generation and proof time of a segment of 2^14 cycles (about 2^16 rows).
#[test]
#[ignore = "benchmark"]
fn bench_prove() -> Result<()> {
    let s = segment(10, 0, 1 << 14);
    let t = std::time::Instant::now();
    let trace = trace_of(&s);
    let gen = t.elapsed();
    let rows = trace[0].len();
    let t = std::time::Instant::now();
    prove_and_verify(trace)?;
    println!("{} accesses, {rows} rows: trace {gen:?}, prove+verify {:?}", s.accesses.len(), t.elapsed());
    Ok(())
}
