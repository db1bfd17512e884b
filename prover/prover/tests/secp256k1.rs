//! Proving a run that uses the secp256k1 calls end to end: a small raw MIPS program doubles and
//! adds points, decompresses one, commits words of the results and halts. The proof verifies
//! and says what a plain VM run says; an ADD of a point to itself is refused by name; a trace
//! whose secp256k1 row reads another input than memory holds fails the tables' lookups.

use zkmips_isa::abi::sys;
use zkmips_prover::prove::{build_traces, check_traces};
use zkmips_prover::segment::{record_segment, Boundary};
use zkmips_prover::{memory_image, program_id, prove_program, verify_proof, Progress, ProveError, SegmentStats};
use zkmips_stark::ctl::Table;
use zkmips_stark::testing::{trace_columns, trace_rows};
use zkmips_stark::F;
use zkmips_table_secp256k1::native::{self, Affine};
use zkmips_table_secp256k1::{fill_row, RowValues, NUM_COLUMNS};
use zkmips_vm::{Machine, Program, State};

/// The generator, x then y, little-endian words.
const G: [u32; 16] = [
    0x16F8_1798,
    0x59F2_815B,
    0x2DCE_28D9,
    0x029B_FCDB,
    0xCE87_0B07,
    0x55A0_6295,
    0xF9DC_BBAC,
    0x79BE_667E,
    0xFB10_D4B8,
    0x9C47_D08F,
    0xA685_5419,
    0xFD17_B448,
    0x0E11_08A8,
    0x5DA4_FBFC,
    0x26A3_C465,
    0x483A_DA77,
];

const V0: u32 = 2;
const A0: u32 = 4;
const A1: u32 = 5;
const S0: u32 = 16;

/// Where the data lives in the image: p, q, and DECOMPRESS's buffer.
const P: u32 = 0x800;
const Q: u32 = 0x840;
const BUF: u32 = 0x880;

fn li(r: u32, v: u32) -> [u32; 2] {
    [0x3C00_0000 | (r << 16) | (v >> 16), 0x3400_0000 | (r << 21) | (r << 16) | (v & 0xFFFF)]
}

fn lw(rt: u32, base: u32, off: u32) -> u32 {
    0x8C00_0000 | (base << 21) | (rt << 16) | off
}

const SYSCALL: u32 = 0xC;

/// A raw image of `code` followed by the data: p and q both the generator, the buffer holding
/// G's x.
fn image(code: &[u32]) -> Program {
    assert!(4 * code.len() <= P as usize, "code overlaps the data");
    let mut image = vec![0u32; (BUF as usize + 64) / 4];
    image[..code.len()].copy_from_slice(code);
    image[P as usize / 4..][..16].copy_from_slice(&G);
    image[Q as usize / 4..][..16].copy_from_slice(&G);
    image[BUF as usize / 4 + 8..][..8].copy_from_slice(&G[..8]);
    let bytes: Vec<u8> = image.iter().flat_map(|w| w.to_le_bytes()).collect();
    Program::from_raw(&bytes, false).unwrap()
}

/// A raw image: `calls` (number, a0, a1) in order, then COMMIT of words 0..4 of p and 0..4 of
/// the buffer's y, then HALT(0). p and q both start as the generator; the buffer holds G's x.
fn program(calls: &[(u32, u32, u32)]) -> Program {
    let mut code = Vec::new();
    for &(number, a0, a1) in calls {
        code.extend(li(V0, number));
        code.extend(li(A0, a0));
        code.extend(li(A1, a1));
        code.push(SYSCALL);
    }
    for i in 0..8u32 {
        let addr = if i < 4 { P + 4 * i } else { BUF + 4 * (i - 4) };
        code.extend(li(S0, addr));
        code.push(lw(A1, S0, 0));
        code.extend(li(A0, i));
        code.extend(li(V0, sys::COMMIT));
        code.push(SYSCALL);
    }
    code.extend(li(V0, sys::HALT));
    code.extend(li(A0, 0));
    code.push(SYSCALL);
    image(&code)
}

/// 2G + G = 3G, doubled, plus G: 7G; and the odd-y point with G's x, -G.
fn calls() -> Vec<(u32, u32, u32)> {
    vec![
        (sys::SECP256K1_DOUBLE, P, 0),
        (sys::SECP256K1_ADD, P, Q),
        (sys::SECP256K1_DOUBLE, P, 0),
        (sys::SECP256K1_ADD, P, Q),
        (sys::SECP256K1_DECOMPRESS, BUF, 0xFFFF_FFFF),
    ]
}

fn run_plain(program: &Program) -> ([u32; 8], u32) {
    let state = State::new(program, &[], &[], vec![]).unwrap();
    let mut m = Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let code = m.run_to_exit(&mut zkmips_vm::NoTrace, 1 << 20).unwrap();
    (m.state.digest, code)
}

/// `k G` by repeated chord additions on the host.
fn multiple(k: u32) -> Affine {
    let g = Affine::from_words(&G);
    let mut acc = native::double(&g).unwrap().1;
    for _ in 2..k {
        acc = native::add(&acc, &g).unwrap().1;
    }
    acc
}

#[test]
fn a_run_with_secp256k1_calls_proves_and_verifies() {
    let program = program(&calls());
    let (digest, code) = run_plain(&program);
    // What the VM computed is 7G's x and -G's y.
    let seven = multiple(7).to_words();
    let neg_y = native::to_words(&(native::modulus() - native::from_words(&G[8..])));
    assert_eq!(code, 0);
    assert_eq!(digest[..4], seven[..4]);
    assert_eq!(digest[4..], neg_y[..4]);

    let proof = prove_program(&program, vec![], 1 << 10, 1 << 20, &mut ()).expect("prove");
    let verified = verify_proof(&proof, program_id(&program).unwrap()).expect("valid proof");
    assert_eq!((verified.digest, verified.exit_code), (digest, code));
}

#[test]
fn an_add_of_a_point_to_itself_is_refused_by_name() {
    let program = program(&[(sys::SECP256K1_ADD, P, Q)]);
    // The VM doubles (p = q = G)...
    let (digest, _) = run_plain(&program);
    assert_eq!(digest[..4], multiple(2).to_words()[..4]);
    // ...which the table does not prove as an ADD.
    let err = prove_program(&program, vec![], 1 << 10, 1 << 20, &mut ()).unwrap_err();
    assert!(matches!(&err, ProveError::Unprovable { reason, .. } if reason.contains("x1 = x2")), "{err}");
}

#[test]
fn a_secp256k1_row_reading_other_inputs_than_memory_is_rejected() {
    let program = program(&calls());
    let state = State::new(&program, &[], &[], vec![]).unwrap();
    let mut image = memory_image(&state);
    let mut machine = Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let start = Boundary::of(&machine.state);
    let record = record_segment(&mut machine, 1 << 10).unwrap();
    let end = Boundary::of(&machine.state);
    let mut traces = build_traces(&record, start, end, &mut image).unwrap();
    check_traces(&traces).expect("the honest traces are consistent");
    assert_eq!(record.secp256k1.len(), 5);

    // The ADD's q with one word changed, and everything of the row recomputed from it: the row
    // satisfies its own constraints, but its reads and writes are not memory's.
    let add = &record.secp256k1[1];
    let mut v = RowValues::of(add).unwrap();
    v.p2[2] ^= 1;
    let (lambda, r) = native::add(&Affine::from_words(&v.p1), &Affine::from_words(&v.p2)).unwrap();
    v.lambda = native::to_words(&lambda);
    v.p3 = r.to_words();
    let t = &mut traces.traces[Table::Secp256k1.index()];
    let mut rows = trace_rows(t);
    rows[1] = fill_row(&v);
    assert!(zkmips_table_secp256k1::failed_checks(&rows[1]).is_empty());
    let n = rows.len();
    *t = trace_columns(rows, &[F::default(); NUM_COLUMNS], n);
    let err = check_traces(&traces).unwrap_err();
    assert!(err.contains("CTL #0"), "the MEM lookup rejects it: {err}");
}

/// Prints each segment's tables and times.
struct Report;

impl Progress for Report {
    fn segment_done(&mut self, s: &SegmentStats) {
        println!(
            "segment {}: {} cycles, trace {:.2} s, prove {:.2} s",
            s.index, s.cycles, s.trace_seconds, s.prove_seconds
        );
        println!("| table | rows | columns | aux columns | committed cells | prove s |");
        for (i, &(name, rows, cols)) in s.tables.iter().enumerate() {
            let aux = s.times.aux_columns[i];
            println!("| {name} | {rows} | {cols} | {aux} | {} | {:.2} |", rows * (cols + aux), s.times.tables[i]);
        }
        println!("commit {:.2} s, lookups {:.2} s", s.times.commit, s.times.lookups);
    }
}

/// `n` rounds of `p := 2p; p := p + q` (q = G; p starts at G and never comes back to ±G), then
/// COMMIT of p's first words and HALT: `2n` calls.
fn loop_program(n: u32) -> Program {
    const S1: u32 = 17;
    let mut code = Vec::new();
    code.extend(li(S1, n));
    let top = code.len() as u32;
    code.extend(li(V0, sys::SECP256K1_DOUBLE));
    code.extend(li(A0, P));
    code.push(SYSCALL);
    code.extend(li(V0, sys::SECP256K1_ADD));
    code.extend(li(A1, Q));
    code.push(SYSCALL);
    // addiu $s1, $s1, -1; bne $s1, $zero, top; nop
    code.push(0x2400_0000 | (S1 << 21) | (S1 << 16) | 0xFFFF);
    let here = code.len() as u32;
    code.push(0x1400_0000 | (S1 << 21) | ((top.wrapping_sub(here + 1)) & 0xFFFF));
    code.push(0);
    for i in 0..4u32 {
        code.extend(li(S0, P + 4 * i));
        code.push(lw(A1, S0, 0));
        code.extend(li(A0, i));
        code.extend(li(V0, sys::COMMIT));
        code.push(SYSCALL);
    }
    code.extend(li(V0, sys::HALT));
    code.extend(li(A0, 0));
    code.push(SYSCALL);
    image(&code)
}

/// The cost of 1024 calls (512 DOUBLE, 512 ADD) in one segment, every table proven.
#[test]
#[ignore = "benchmark: cargo test --release -p zkmips-prover --test secp256k1 -- --ignored --nocapture"]
fn bench_1024_calls() {
    let program = loop_program(512);
    let (digest, code) = run_plain(&program);
    let t = std::time::Instant::now();
    let proof = prove_program(&program, vec![], 1 << 14, 1 << 20, &mut Report).expect("prove");
    println!("proved in {:.2} s", t.elapsed().as_secs_f64());
    let verified = verify_proof(&proof, program_id(&program).unwrap()).expect("valid proof");
    assert_eq!((verified.digest, verified.exit_code), (digest, code));
}
