//! Standard starky tests, honest traces of every proven call, and lying traces.

use anyhow::Result;
use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use plonky2::iop::witness::PartialWitness;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::CircuitConfig;
use plonky2::util::timing::TimingTree;
use rand::{Rng, SeedableRng};
use starky::proof::StarkProofWithPublicInputs;
use starky::prover::prove;
use starky::recursive_verifier::{
    add_virtual_stark_proof_with_pis, set_stark_proof_with_pis_target, verify_stark_proof_circuit,
};
use starky::stark_testing::{test_stark_circuit_constraints, test_stark_low_degree};
use starky::verifier::verify_stark_proof;
use zkmips_isa::abi::{errno, sys, HEAP_START};
use zkmips_stark::cols::{width, ColumnView};
use zkmips_stark::ctl::{Table, NUM_TABLES};
use zkmips_stark::events::SyscallEvent;
use zkmips_stark::layout::{reg, reg_addr, slot, ts};
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::lookup::{CrossTableLookup, TableWithColumns};
use zkmips_stark::testing::{check_constraints, trace_rows};
use zkmips_stark::{stark_config, C, D, F};
use zkmips_table_syscall::columns::call;
use zkmips_table_syscall::{check_supported, generate_trace, mem_accesses, SyscallColumns, SyscallStark};

type S = SyscallStark<F, D>;

const V0: usize = 2;
const A3: usize = 7;

/// The register page at the start: some register values, heap and break.
fn start_page() -> Vec<u32> {
    let mut p = vec![0u32; reg::COUNT];
    for (i, w) in p.iter_mut().enumerate().take(32).skip(1) {
        *w = 0x1000_0000 + 17 * i as u32;
    }
    p[reg::HEAP] = HEAP_START;
    p[reg::BRK] = 0x0050_0000;
    p
}

/// Builds events against a running register page, applying the VM's semantics by hand.
struct Run {
    page: Vec<u32>,
    clk: u64,
    events: Vec<SyscallEvent>,
}

impl Run {
    fn new() -> Self {
        Run { page: start_page(), clk: 10, events: Vec::new() }
    }

    /// A call `number(a0, a1, a2, a3)` whose effect on the page is `effect`.
    fn call(&mut self, number: u32, args: [u32; 4], effect: impl FnOnce(&mut Vec<u32>)) -> &mut Self {
        self.call_with(number, args, effect, Vec::new())
    }

    fn call_with(
        &mut self,
        number: u32,
        args: [u32; 4],
        effect: impl FnOnce(&mut Vec<u32>),
        mem_writes: Vec<(u32, u32, u32)>,
    ) -> &mut Self {
        self.page[V0] = number;
        self.page[4..8].copy_from_slice(&args);
        let before = self.page.clone();
        effect(&mut self.page);
        self.events.push(SyscallEvent {
            clk: self.clk,
            page_before: before,
            page_after: self.page.clone(),
            mem_writes,
        });
        self.clk += 3;
        self
    }

    fn linux(&mut self, number: u32, args: [u32; 4], v0: u32, a3: u32) -> &mut Self {
        self.call(number, args, |p| {
            p[V0] = v0;
            p[A3] = a3;
        })
    }

    /// HINT_READ of `len` bytes at `buf` (the words' values are advice: random).
    fn hint_read(&mut self, buf: u32, len: u32, rng: &mut impl Rng) -> &mut Self {
        let writes = (0..len.div_ceil(4)).map(|i| (buf + 4 * i, rng.gen(), rng.gen())).collect();
        self.call_with(sys::HINT_READ, [buf, len, 0, 0], |_| {}, writes)
    }
}

/// Every proven call, with edge values.
fn all_calls() -> Vec<SyscallEvent> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let mut r = Run::new();
    let edges = [0u32, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, rng.gen()];
    for fd in [1, 2, 13, 14] {
        for len in [0, 1, 1 << 28, 12345] {
            r.call(sys::WRITE, [fd, 0x1000, len, 0], |p| p[V0] = len);
            r.linux(sys::WRITE_LINUX, [fd, 0x1000, len, 0], len, 0);
        }
    }
    for (i, &w) in edges.iter().enumerate() {
        let index = i as u32 % 8;
        r.call(sys::COMMIT, [index, w, 0, 0], |p| p[reg::DIGEST + index as usize] = w);
        r.call(sys::HINT_LEN, [0; 4], |p| p[V0] = w);
        r.call(sys::SET_THREAD_AREA, [w, 0, 0, 0], |p| {
            p[reg::THREAD_PTR] = w;
            p[V0] = 0;
            p[A3] = 0;
        });
        r.call(sys::BRK, [w, 0, 0, 0], |p| {
            p[reg::BRK] = p[reg::BRK].max(w);
            p[V0] = p[reg::BRK];
            p[A3] = 0;
        });
        r.linux(sys::READ, [w, 0x2000, 10, 0], if w == 0 { 0 } else { errno::EBADF }, (w != 0) as u32);
    }
    r.call(sys::COMMIT, [7, 0xdead_beef, 0, 0], |p| p[reg::DIGEST + 7] = 0xdead_beef);
    for (number, len, flags) in [(sys::MMAP, 1, 0x802), (sys::MMAP2, 4096, 0), (sys::MMAP, 4097, 0xffff_ffef)] {
        r.call(number, [0, len, 3, flags], |p| {
            p[V0] = p[reg::HEAP];
            p[reg::HEAP] += len.div_ceil(4096) * 4096;
            p[A3] = 0;
        });
    }
    for len in [0, 1, 4, 5, 7, 8, 30] {
        r.hint_read(0x0040_0000 + 64 * len, len, &mut rng);
    }
    r.hint_read(0xffff_fff0, 16, &mut rng);
    for spec in &zkmips_table_syscall::CALLS[call::FIRST_CONSTANT..call::FIRST_PRECOMPILE] {
        let (zkmips_table_syscall::columns::Out::Const(v0), zkmips_table_syscall::columns::Out::Const(a3)) =
            (spec.v0, spec.a3)
        else {
            unreachable!()
        };
        r.linux(spec.number, [rng.gen(), 0, 0, 0], v0, a3);
    }
    // The secp256k1 calls keep every register (their table does the rest).
    for number in [sys::SECP256K1_ADD, sys::SECP256K1_DOUBLE, sys::SECP256K1_DECOMPRESS] {
        r.call(number, [0x0010_0000, 0x0010_0040, rng.gen(), rng.gen()], |_| {});
    }
    r.call(sys::HALT, [1, 0, 0, 0], |p| {
        p[reg::EXIT_CODE] = 1;
        p[reg::HALTED] = 1;
    });
    r.events
}

/// A short run: one call of each kind that ends with exit_group.
fn small_run(exit: u32) -> Vec<SyscallEvent> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut r = Run::new();
    r.call(sys::HINT_LEN, [0; 4], |p| p[V0] = 9);
    r.hint_read(0x0040_0100, 9, &mut rng);
    r.call(sys::COMMIT, [3, 0x1234_5678, 0, 0], |p| p[reg::DIGEST + 3] = 0x1234_5678);
    r.linux(sys::WRITE_LINUX, [2, 0x1000, 5, 0], 5, 0);
    r.call(exit, [0, 0, 0, 0], |p| {
        p[reg::EXIT_CODE] = 0;
        p[reg::HALTED] = 1;
        if exit == sys::EXIT_GROUP {
            p[V0] = 0;
            p[A3] = 0;
        }
    });
    r.events
}

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
    prove_and_verify(generate_trace(&all_calls())).map(|_| ())
}

#[test]
fn recursive_verifier() -> Result<()> {
    let config = stark_config();
    let stark = S::default();
    let proof = prove_and_verify(generate_trace(&small_run(sys::EXIT_GROUP)))?;
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
    check_constraints(&stark, &generate_trace(&all_calls()), &[]).unwrap();
    for exit in [sys::HALT, sys::EXIT, sys::EXIT_GROUP] {
        check_constraints(&stark, &generate_trace(&small_run(exit)), &[]).unwrap();
    }
    check_constraints(&stark, &generate_trace(&[]), &[]).unwrap();
}

#[test]
fn memory_accesses_of_a_hint_read() {
    let events = small_run(sys::HALT);
    let acc = mem_accesses(&events[1..2]);
    let clk = events[1].clk;
    // v0, a3, a0, a1 reads and three word writes.
    assert_eq!(acc.len(), 7);
    assert_eq!(acc[3].addr, reg_addr(5));
    assert_eq!(acc[3].ts, ts(clk, slot::RS));
    for (i, a) in acc[4..].iter().enumerate() {
        assert_eq!(a.addr, 0x0040_0100 + 4 * i as u64);
        assert_eq!(a.ts, ts(clk, slot::MEM));
        assert_eq!((a.before, a.after), (events[1].mem_writes[i].1, events[1].mem_writes[i].2));
    }
    let halt = mem_accesses(&events[4..]);
    assert!(halt
        .iter()
        .any(|a| a.addr == reg_addr(reg::HALTED) && a.after == 1 && a.ts == ts(events[4].clk, slot::DST)));
}

#[test]
fn unsupported_calls_are_named() {
    assert_eq!(
        check_supported(sys::CLOCK_GETTIME).unwrap_err(),
        "syscall 0x000010a7 (clock_gettime) is not proven yet"
    );
    assert!(check_supported(sys::SHA_EXTEND).is_ok());
    assert!(check_supported(sys::SHA_COMPRESS).is_ok());
    assert!(check_supported(sys::KECCAK_SPONGE).is_ok());
    assert!(check_supported(sys::FUTEX).unwrap_err().contains("futex"));
    assert!(check_supported(sys::HINT_READ).is_ok());
    assert!(check_supported(sys::SECP256K1_DECOMPRESS).is_ok());
}

/// A secp256k1 call's row hands `[clk, number, a0, a1]` to the secp256k1 table, and only it.
#[test]
fn secp256k1_calls_are_handed_over() {
    let mut r = Run::new();
    r.call(sys::COMMIT, [3, 9, 0, 0], |p| p[reg::DIGEST + 3] = 9);
    r.call(sys::SECP256K1_ADD, [0x0010_0000, 0x0010_0040, 7, 8], |_| {});
    let trace = generate_trace(&r.events);
    check_constraints(&S::default(), &trace, &[]).unwrap();
    // The looked side: a table holding exactly the expected tuple.
    let clk = r.events[1].clk;
    let want = [clk, sys::SECP256K1_ADD as u64, 0x0010_0000, 0x0010_0040, 1];
    let looked: Vec<PolynomialValues<F>> = want
        .iter()
        .map(|&v| PolynomialValues::new([v, 0, 0, 0, 0, 0, 0, 0].map(F::from_canonical_u64).to_vec()))
        .collect();
    let mut traces = vec![Vec::new(); NUM_TABLES];
    traces[Table::Syscall.index()] = trace;
    traces[Table::Secp256k1.index()] = looked;
    let ctl = CrossTableLookup::new(
        vec![zkmips_table_syscall::ctl_secp256k1()],
        TableWithColumns::new(
            Table::Secp256k1.index(),
            (0..4).map(Column::single).collect(),
            Filter::new_simple(Column::single(4)),
        ),
    );
    zkmips_stark::lookup::debug_utils::check_ctls(&traces, &[ctl], &Default::default());
    // A secp256k1 call may not change `$v0`.
    rejected(&r.events, |rows| rows[1][col().v0_out] = F::ZERO);
}

#[test]
#[should_panic(expected = "futex")]
fn unsupported_call_panics() {
    let mut r = Run::new();
    r.call(sys::FUTEX, [0x1000, 0, 0, 0], |_| {});
    generate_trace(&r.events);
}

/// KECCAK_SPONGE gets a call row (its arguments go to the sponge table through
/// `ctl_keccak_sponge`), and its buffer writes no word rows: the sponge table makes them.
#[test]
fn keccak_sponge_is_handed_on() {
    let mut r = Run::new();
    let writes = (0..16).map(|i| (0x2000 + 4 * i, 0, i)).collect();
    r.call_with(sys::KECCAK_SPONGE, [0x1000, 0x2000, 0, 0], |_| {}, writes);
    let trace = generate_trace(&r.events);
    check_constraints(&S::default(), &trace, &[]).unwrap();
    let rows = trace_rows(&trace);
    let row = SyscallColumns::view(&rows[0]);
    assert_eq!(row.call[call::KECCAK_SPONGE], F::ONE);
    assert_eq!([row.a0, row.arg], [F::from_canonical_u64(0x1000), F::from_canonical_u64(0x2000)]);
    assert!(rows[1].iter().all(|v| *v == F::ZERO), "no word rows");
    // The registers it reads and keeps: $v0, $a3, $a0, $a1.
    assert_eq!(mem_accesses(&r.events).len(), 4);
}

/// SHA_EXTEND and SHA_COMPRESS get a call row each, handing `[clk, $a0]` and `[clk, $a0, $a1]`
/// to their tables, and their buffer writes no word rows: those tables make them.
#[test]
fn sha_calls_are_handed_on() {
    let mut r = Run::new();
    let writes = (16..64).map(|i| (0x1000 + 4 * i, 0, i)).collect();
    r.call_with(sys::SHA_EXTEND, [0x1000, 0, 0, 0], |_| {}, writes);
    let writes = (0..8).map(|i| (0x2000 + 4 * i, 0, i)).collect();
    r.call_with(sys::SHA_COMPRESS, [0x1000, 0x2000, 0, 0], |_| {}, writes);
    let trace = generate_trace(&r.events);
    check_constraints(&S::default(), &trace, &[]).unwrap();
    let clk = |i: usize| r.events[i].clk;
    for (ctl, table, want) in [
        (zkmips_table_syscall::ctl_sha_extend(), Table::ShaExtend, vec![clk(0), 0x1000]),
        (zkmips_table_syscall::ctl_sha_compress(), Table::ShaCompress, vec![clk(1), 0x1000, 0x2000]),
    ] {
        let n = want.len();
        let looked: Vec<PolynomialValues<F>> = want
            .iter()
            .chain([&1])
            .map(|&v| PolynomialValues::new([v, 0, 0, 0, 0, 0, 0, 0].map(F::from_canonical_u64).to_vec()))
            .collect();
        let mut traces = vec![Vec::new(); NUM_TABLES];
        traces[Table::Syscall.index()] = trace.clone();
        traces[table.index()] = looked;
        let looked = TableWithColumns::new(
            table.index(),
            (0..n).map(Column::single).collect(),
            Filter::new_simple(Column::single(n)),
        );
        let ctl = CrossTableLookup::new(vec![ctl], looked);
        zkmips_stark::lookup::debug_utils::check_ctls(&traces, &[ctl], &Default::default());
    }
    // No word rows; the registers they read: $v0, $a3, $a0, $a1 each.
    let rows = trace_rows(&trace);
    assert!(rows[2].iter().all(|v| *v == F::ZERO), "no word rows");
    assert_eq!(mem_accesses(&r.events).len(), 8);
}

#[test]
#[should_panic(expected = "mmap(0, len > 0) without MAP_FIXED")]
fn hinted_mmap_panics() {
    let mut r = Run::new();
    r.linux(sys::MMAP, [0x0060_0000, 4096, 3, 0x802], 0x0060_0000, 0);
    generate_trace(&r.events);
}

// ---- lying traces ----

fn rows_of(events: &[SyscallEvent]) -> Vec<Vec<F>> {
    trace_rows(&generate_trace(events))
}

fn columns_of(rows: &[Vec<F>]) -> Vec<PolynomialValues<F>> {
    (0..rows[0].len()).map(|c| PolynomialValues::new(rows.iter().map(|r| r[c]).collect())).collect()
}

/// The index of the first row with call flag `k`.
fn row_of(rows: &[Vec<F>], k: usize) -> usize {
    rows.iter().position(|r| SyscallColumns::view(r).call[k] == F::ONE).expect("row with the call")
}

fn col() -> SyscallColumns<usize> {
    let idx: Vec<usize> = (0..width::<SyscallColumns<u64>>()).collect();
    *SyscallColumns::view(&idx)
}

/// `check_constraints` rejects `rows` after `lie`.
fn rejected(events: &[SyscallEvent], lie: impl FnOnce(&mut Vec<Vec<F>>)) {
    let mut rows = rows_of(events);
    lie(&mut rows);
    assert!(check_constraints(&S::default(), &columns_of(&rows), &[]).is_err(), "the lie was accepted");
}

#[test]
fn wrong_v0_result_is_rejected() {
    let events = small_run(sys::HALT);
    rejected(&events, |rows| {
        let i = row_of(rows, call::WRITE_LINUX);
        rows[i][col().v0_out] += F::ONE;
    });
    // HINT_LEN's advice must match its limbs.
    rejected(&events, |rows| {
        let i = row_of(rows, call::HINT_LEN);
        rows[i][col().v0_out] += F::ONE;
    });
}

#[test]
fn hint_read_word_at_wrong_address_is_rejected() {
    let events = small_run(sys::HALT);
    rejected(&events, |rows| {
        let i = row_of(rows, call::HINT_READ);
        rows[i + 2][col().w_addr] += F::from_canonical_u64(4);
    });
    rejected(&events, |rows| {
        let i = row_of(rows, call::HINT_READ);
        rows[i + 1][col().w_addr] = F::from_canonical_u64(reg_addr(reg::EXIT_CODE));
    });
}

#[test]
fn hint_read_skipped_word_is_rejected() {
    let events = small_run(sys::HALT);
    // Drop the last word row (the next rows move up).
    rejected(&events, |rows| {
        let i = row_of(rows, call::HINT_READ);
        rows.remove(i + 3);
        let pad = rows.last().unwrap().clone();
        rows.push(pad);
    });
    // End the chain early.
    rejected(&events, |rows| {
        let i = row_of(rows, call::HINT_READ);
        rows[i + 2][col().last] = F::ONE;
    });
    // Claim an empty read.
    rejected(&events, |rows| {
        let i = row_of(rows, call::HINT_READ);
        rows[i][col().aux[2]] = F::ZERO;
    });
}

#[test]
fn commit_wrong_digest_word_is_rejected() {
    let events = small_run(sys::HALT);
    rejected(&events, |rows| {
        let i = row_of(rows, call::COMMIT);
        rows[i][col().w_addr] += F::ONE;
    });
    rejected(&events, |rows| {
        let i = row_of(rows, call::COMMIT);
        rows[i][col().w_after] += F::ONE;
    });
    // Index 8 would write EXIT_CODE: 7 - 8 = -1 has no pair of 16-bit limbs (the limbs that
    // satisfy the constraint, p - 1 and 0, are caught by the RANGE16 lookup, not here).
    let mut r = Run::new();
    r.call(sys::COMMIT, [7, 5, 0, 0], |p| p[reg::DIGEST + 7] = 5);
    rejected(&r.events, |rows| {
        let c = col();
        rows[0][c.a0] = F::from_canonical_u64(8);
        rows[0][c.w_addr] = F::from_canonical_u64(reg_addr(reg::DIGEST + 8));
        rows[0][c.limbs[0]] = F::from_canonical_u64(0xffff);
        rows[0][c.limbs[1]] = F::from_canonical_u64(0xffff);
    });
}

#[test]
fn halt_without_halts_is_rejected() {
    // `halts` is the sum of the halting flags: to send halts = 0 the row must drop its flag,
    // and a row without a flag is padding, which may not carry a call's writes.
    let events = small_run(sys::HALT);
    rejected(&events, |rows| {
        let i = row_of(rows, call::HALT);
        rows[i][col().call[call::HALT]] = F::ZERO;
        rows[i][col().call[call::COMMIT]] = F::ONE;
    });
}

#[test]
fn unsupported_number_is_rejected() {
    let events = small_run(sys::HALT);
    rejected(&events, |rows| {
        let i = row_of(rows, call::HALT);
        rows[i][col().number] = F::from_canonical_u64(sys::SHA_COMPRESS as u64);
        rows[i][col().v0_out] = F::from_canonical_u64(sys::SHA_COMPRESS as u64);
    });
}

#[test]
fn wrong_mmap_and_brk_are_rejected() {
    let mut r = Run::new();
    r.call(sys::MMAP, [0, 100, 3, 0x802], |p| {
        p[V0] = p[reg::HEAP];
        p[reg::HEAP] += 4096;
        p[A3] = 0;
    });
    r.call(sys::BRK, [0x10, 0, 0, 0], |p| {
        p[V0] = p[reg::BRK];
        p[A3] = 0;
    });
    // Heap advanced by 100 bytes instead of a page.
    rejected(&r.events, |rows| rows[0][col().w_after] -= F::from_canonical_u64(3996));
    // MAP_FIXED set.
    rejected(&r.events, |rows| rows[0][col().a3_in] += F::from_canonical_u64(0x10));
    // brk lowered.
    rejected(&r.events, |rows| {
        let c = col();
        rows[1][c.w_after] = F::from_canonical_u64(0x10);
        rows[1][c.v0_out] = F::from_canonical_u64(0x10);
    });
}

/// A lying trace also fails a real proof.
#[test]
fn lying_trace_fails_proof() {
    let mut rows = rows_of(&small_run(sys::HALT));
    let i = row_of(&rows, call::HINT_READ);
    rows[i + 2][col().w_addr] += F::from_canonical_u64(4);
    let trace = columns_of(&rows);
    let verdict = std::panic::catch_unwind(|| prove_and_verify(trace));
    assert!(!matches!(verdict, Ok(Ok(_))), "the lying trace was proven");
}
