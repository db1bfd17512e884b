//! The page table: honest segments, the standard starky tests, the lookups, and lying traces.

use zkmips_stark::testing as common;

use hashbrown::HashMap;
use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use rand::{Rng, SeedableRng};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::ctl::{Table, NUM_TABLES};
use zkmips_stark::lookup::debug_utils::check_ctls;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::lookup::{CrossTableLookup, TableWithColumns};
use zkmips_stark::testing::{check_constraints, trace_columns, trace_rows};
use zkmips_stark::{C, D, F};
use zkmips_table_page::native::PAGE_BYTES;
use zkmips_table_page::page::{generate_rows, page_trace, PageColumns, NUM_COLUMNS};
use zkmips_table_page::poseidon::generate_trace as poseidon_trace;
use zkmips_table_page::{
    ctl_final, ctl_init, ctl_poseidon, generate_traces, MemoryImage, PageStark, PoseidonStark, CHUNKS, TREE_DEPTH,
};

const BLOCK: usize = CHUNKS + TREE_DEPTH;

struct Segment {
    start: MemoryImage,
    touched: Vec<(u32, u32, u32)>,
}

/// Three touched pages (first, middle, last of the address space) plus a stored page never
/// touched, edge values, read-only accesses and writes.
fn segment() -> Segment {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let last_page = 0u32.wrapping_sub(PAGE_BYTES as u32);
    let start = MemoryImage::from_words(
        (0..64u32)
            .map(|i| (4 * i, i * 0x0101_0101))
            .chain((0..40u32).map(|i| (0x8000_0000 + 8 * i, rng.gen())))
            .chain([(last_page + 12, 0xffff_ffff), (0x1234_5678 & !3, 42)]),
    );
    let edges = [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];
    let mut touched = Vec::new();
    for (k, base) in [0u32, 0x8000_0000, last_page].into_iter().enumerate() {
        for i in 0..12u32 {
            let addr = base + 4 * (i * 7 % (PAGE_BYTES as u32 / 4));
            let before = start.word(addr);
            let after = match i % 4 {
                0 => before,
                1 => edges[(i as usize + k) % 5],
                _ => rng.gen(),
            };
            touched.push((addr, before, after));
        }
    }
    if touched.iter().all(|t| t.0 != last_page + 12) {
        touched.push((last_page + 12, 0xffff_ffff, 0));
    }
    touched.reverse();
    Segment { start, touched }
}

fn end_image(seg: &Segment) -> MemoryImage {
    let mut end = seg.start.clone();
    for &(addr, _, after) in &seg.touched {
        end.update(addr, after);
    }
    end
}

fn pis(start: [F; 4], end: [F; 4]) -> Vec<F> {
    start.into_iter().chain(end).collect()
}

/// A stand-in for the memory table: `[addr, first value, last value, 1]` per accessed word.
fn memory_trace(touched: &[(u32, u32, u32)]) -> Vec<PolynomialValues<F>> {
    let rows = touched
        .iter()
        .map(|&(a, s, e)| vec![F::from_canonical_u32(a), F::from_canonical_u32(s), F::from_canonical_u32(e), F::ONE])
        .collect();
    trace_columns(rows, &[F::ZERO; 4], 4)
}

fn all_ctls() -> Vec<CrossTableLookup<F>> {
    let memory = |value: usize| {
        let cols = vec![Column::single(0), Column::single(value)];
        TableWithColumns::new(Table::Memory.index(), cols, Filter::new_simple(Column::single(3)))
    };
    let mut ctls = ctl_poseidon();
    ctls.push(CrossTableLookup::new(ctl_init(), memory(1)));
    ctls.push(CrossTableLookup::new(ctl_final(), memory(2)));
    ctls
}

/// Panics unless the page, Poseidon and stand-in memory traces satisfy every lookup.
fn check_lookups(page: &[PolynomialValues<F>], poseidon: &[PolynomialValues<F>], memory: &[PolynomialValues<F>]) {
    let mut traces = vec![Vec::new(); NUM_TABLES];
    traces[Table::Page.index()] = page.to_vec();
    traces[Table::Poseidon.index()] = poseidon.to_vec();
    traces[Table::Memory.index()] = memory.to_vec();
    check_ctls(&traces, &all_ctls(), &HashMap::new());
}

fn lookups_fail(
    page: &[PolynomialValues<F>],
    poseidon: &[PolynomialValues<F>],
    memory: &[PolynomialValues<F>],
) -> bool {
    std::panic::catch_unwind(|| check_lookups(page, poseidon, memory)).is_err()
}

#[test]
fn honest_segment() {
    let seg = segment();
    let (page, poseidon, root_start, root_end) = generate_traces(&seg.start, &seg.touched);
    assert_eq!(root_start, seg.start.root());
    assert_eq!(root_end, end_image(&seg).root());
    assert_eq!(page[0].len(), (3 * BLOCK + 1).next_power_of_two());
    check_constraints(&PageStark, &page, &pis(root_start, root_end)).unwrap();
    check_constraints(&PoseidonStark, &poseidon, &[]).unwrap();
    check_lookups(&page, &poseidon, &memory_trace(&seg.touched));
}

#[test]
fn no_touched_page() {
    let seg = segment();
    let (page, poseidon, root_start, root_end) = generate_traces(&seg.start, &[]);
    assert_eq!(root_start, root_end);
    check_constraints(&PageStark, &page, &pis(root_start, root_end)).unwrap();
    check_lookups(&page, &poseidon, &memory_trace(&[]));
    // The roots cannot change without a page.
    let other = MemoryImage::new().root();
    assert!(check_constraints(&PageStark, &page, &pis(root_start, other)).is_err());
}

#[test]
fn dirty_start_image() {
    let seg = segment();
    let mut start = seg.start.clone();
    start.update(0x4000_0000, 9);
    let touched = [(0x4000_0000, 9, 10), (0x4000_0004, 0, 0)];
    let (page, _, root_start, root_end) = generate_traces(&start, &touched);
    assert_eq!(root_start, start.root());
    start.update(0x4000_0000, 10);
    assert_eq!(root_end, start.root());
    check_constraints(&PageStark, &page, &pis(root_start, root_end)).unwrap();
}

#[test]
fn stark_degree() -> anyhow::Result<()> {
    test_stark_low_degree(PageStark)
}

#[test]
fn stark_circuit() -> anyhow::Result<()> {
    test_stark_circuit_constraints::<F, C, PageStark, D>(PageStark)
}

#[test]
fn prove_and_verify_both_tables() -> anyhow::Result<()> {
    let seg = segment();
    let (page, poseidon, root_start, root_end) = generate_traces(&seg.start, &seg.touched);
    common::prove_and_verify(PageStark, page, &pis(root_start, root_end))?;
    common::prove_and_verify(PoseidonStark, poseidon, &[])
}

#[test]
fn recursion_round_trip() -> anyhow::Result<()> {
    let seg = segment();
    let (page, _, root_start, root_end) = generate_traces(&seg.start, &seg.touched[..3]);
    common::recursive_round_trip(PageStark, page, &pis(root_start, root_end))
}

/// The honest page rows of the segment with `edit` applied, as a trace, checked to fail.
fn lying_rows(edit: impl Fn(&mut Vec<[F; NUM_COLUMNS]>)) -> (Vec<PolynomialValues<F>>, Vec<F>) {
    let seg = segment();
    let (mut rows, _, root_start, root_end) = generate_rows(&seg.start, &seg.touched);
    edit(&mut rows);
    let trace = page_trace(rows, root_end);
    let pis = pis(root_start, root_end);
    assert!(check_constraints(&PageStark, &trace, &pis).is_err(), "the lie satisfies the constraints");
    (trace, pis)
}

/// An untouched word slot `(row, j)` of the first block.
fn untouched_slot() -> (usize, usize) {
    let seg = segment();
    let (rows, ..) = generate_rows(&seg.start, &seg.touched);
    (0..CHUNKS).flat_map(|r| (0..8).map(move |j| (r, j))).find(|&(r, j)| rows[r][col_touched() + j] == F::ZERO).unwrap()
}

fn cols(row: &mut [F; NUM_COLUMNS]) -> &mut PageColumns<F> {
    PageColumns::<F>::view_mut(row)
}

#[test]
fn changed_start_word_is_rejected() {
    // Open page 0 of an image whose untouched word 40 differs: hashes are honest, so the block's
    // path reaches another root than the real one.
    let seg = segment();
    let mut fake = seg.start.clone();
    fake.update(4 * 40, 0xdead_beef);
    let (mut rows, _, fake_start, root_end) = generate_rows(&fake, &seg.touched);
    assert_ne!(fake_start, seg.start.root());
    let real_pis = pis(seg.start.root(), root_end);
    // As generated: the first row's root is not ROOT_START.
    let trace = page_trace(rows.clone(), root_end);
    assert_eq!(check_constraints(&PageStark, &trace, &real_pis).unwrap_err().row, 0);
    common::assert_proof_rejected(PageStark, trace, &real_pis);
    // With the real root in the block: the top's start output differs from it.
    for row in rows.iter_mut().take(BLOCK) {
        cols(row).root = seg.start.root();
    }
    let trace = page_trace(rows, root_end);
    assert_eq!(check_constraints(&PageStark, &trace, &real_pis).unwrap_err().row, BLOCK - 1);
}

#[test]
fn changed_word_without_rehash_breaks_the_poseidon_lookup() {
    let seg = segment();
    let (mut rows, events, root_start, root_end) = generate_rows(&seg.start, &seg.touched);
    let (r, j) = untouched_slot();
    let cv = cols(&mut rows[r]);
    cv.a[j] += F::ONE;
    cv.b[j] += F::ONE;
    let page = page_trace(rows, root_end);
    check_constraints(&PageStark, &page, &pis(root_start, root_end)).unwrap();
    assert!(lookups_fail(&page, &poseidon_trace(&events, 0), &memory_trace(&seg.touched)));
}

#[test]
fn wrong_sibling_is_rejected() {
    // The end path uses another sibling than the start path.
    lying_rows(|rows| {
        let cv = cols(&mut rows[CHUNKS + 5]);
        let sib = if cv.bit == F::ONE { 0 } else { 4 };
        cv.b[sib] += F::ONE;
    });
    // A consistent but wrong sibling: hashes of an image where the sibling page differs.
    let seg = segment();
    let mut fake = seg.start.clone();
    fake.update(PAGE_BYTES as u32 + 8, 3); // page 1, the sibling of page 0
    let (mut rows, _, _, root_end) = generate_rows(&fake, &seg.touched);
    for row in rows.iter_mut().take(BLOCK) {
        cols(row).root = seg.start.root();
    }
    let trace = page_trace(rows, root_end);
    assert!(check_constraints(&PageStark, &trace, &pis(seg.start.root(), root_end)).is_err());
}

#[test]
fn untouched_word_that_changes_is_rejected() {
    let (r, j) = untouched_slot();
    lying_rows(|rows| cols(&mut rows[r]).b[j] += F::ONE);
}

#[test]
fn wrong_touched_flags_break_the_memory_lookups() {
    let seg = segment();
    let (rows, events, root_start, root_end) = generate_rows(&seg.start, &seg.touched);
    let poseidon = poseidon_trace(&events, 0);
    let memory = memory_trace(&seg.touched);
    let pis = pis(root_start, root_end);
    // Find a touched word whose value does not change, and an untouched word.
    let (r, j) = (0..CHUNKS)
        .flat_map(|r| (0..8).map(move |j| (r, j)))
        .find(|&(r, j)| rows[r][col_touched() + j] == F::ONE && rows[r][col_a() + j] == rows[r][col_b() + j])
        .unwrap();
    for flip in [(r, j), untouched_slot()] {
        let mut lying = rows.clone();
        let cv = cols(&mut lying[flip.0]);
        cv.touched[flip.1] = F::ONE - cv.touched[flip.1];
        let page = page_trace(lying, root_end);
        // The page table alone accepts it (the value is unchanged); the memory lookup does not.
        check_constraints(&PageStark, &page, &pis).unwrap();
        assert!(lookups_fail(&page, &poseidon, &memory));
    }
    // A touched word's start value that differs from the memory table's first value.
    let mut lying = rows.clone();
    cols(&mut lying[r]).a[j] += F::ONE;
    cols(&mut lying[r]).b[j] += F::ONE;
    assert!(lookups_fail(&page_trace(lying, root_end), &poseidon, &memory));
}

fn col_touched() -> usize {
    core::mem::offset_of!(PageColumns<u64>, touched) / 8
}
fn col_a() -> usize {
    core::mem::offset_of!(PageColumns<u64>, a) / 8
}
fn col_b() -> usize {
    core::mem::offset_of!(PageColumns<u64>, b) / 8
}

#[test]
fn skipped_page_is_rejected() {
    // The middle page's block is dropped: the next block's root is not the previous top's output.
    lying_rows(|rows| drop(rows.drain(BLOCK..2 * BLOCK)));
    // The last page is dropped: the root never reaches ROOT_END.
    lying_rows(|rows| rows.truncate(2 * BLOCK));
}

#[test]
fn malformed_blocks_are_rejected() {
    // A missing path row.
    lying_rows(|rows| {
        rows.remove(CHUNKS + 3);
    });
    // A missing chunk row.
    lying_rows(|rows| {
        rows.remove(4);
    });
    // A top flag below the top.
    lying_rows(|rows| cols(&mut rows[BLOCK - 2]).is_top = F::ONE);
    // No top flag at the top.
    lying_rows(|rows| cols(&mut rows[BLOCK - 1]).is_top = F::ZERO);
    // A flipped path bit (another page index than the addresses').
    lying_rows(|rows| {
        let cv = cols(&mut rows[CHUNKS + 2]);
        cv.bit = F::ONE - cv.bit;
    });
    // A page index changed on the absorbing rows.
    lying_rows(|rows| {
        for row in rows.iter_mut().take(CHUNKS) {
            cols(row).rem += F::ONE;
        }
    });
    // A non-zero capacity at the start of a block.
    lying_rows(|rows| cols(&mut rows[BLOCK]).cap_s[0] = F::ONE);
    // A leaf row whose node link is broken.
    lying_rows(|rows| cols(&mut rows[CHUNKS - 1]).out_e[2] += F::ONE);
    // A touched flag on a path row.
    lying_rows(|rows| cols(&mut rows[CHUNKS + 1]).touched[0] = F::ONE);
}

#[test]
fn lying_page_trace_fails_prove_and_verify() {
    let (r, j) = untouched_slot();
    let (trace, pis) = lying_rows(|rows| cols(&mut rows[r]).b[j] += F::ONE);
    common::assert_proof_rejected(PageStark, trace, &pis);
}

#[test]
fn rows_without_lies_pass() {
    let seg = segment();
    let (rows, _, root_start, root_end) = generate_rows(&seg.start, &seg.touched);
    let trace = page_trace(rows, root_end);
    assert!(trace_rows(&trace).iter().all(|r| r.len() == NUM_COLUMNS));
    check_constraints(&PageStark, &trace, &pis(root_start, root_end)).unwrap();
}

#[test]
#[ignore = "timing: trace generation for 256 touched pages"]
fn generation_timing() {
    let touched: Vec<(u32, u32, u32)> = (0..256u32).map(|p| (p * 4 * PAGE_BYTES as u32, 0, p)).collect();
    let t = std::time::Instant::now();
    let (page, poseidon, ..) = generate_traces(&MemoryImage::new(), &touched);
    eprintln!("{} page rows, {} poseidon rows in {:?}", page[0].len(), poseidon[0].len(), t.elapsed());
}
