//! Behaviour of the machine on small hand-assembled programs: checkpoints, tracing mode,
//! syscalls, precompiles, and the errors that stop a program.

mod asm;

use asm::*;
use sha2::Digest;
use zkmips_isa::abi::sys;
use zkmips_vm::{Machine, NoTrace, Program, Recorder, State, Status, VmError};

const V0: u32 = 2;
const A0: u32 = 4;
const A1: u32 = 5;
const A2: u32 = 6;
const T0: u32 = 8;
const T1: u32 = 9;
const T2: u32 = 10;
const S0: u32 = 16;

fn machine(words: &[u32], input: Vec<Vec<u8>>) -> Machine {
    let program = Program::from_raw(&image(words), false).unwrap();
    let state = State::new(&program, &[], &[], input).unwrap();
    Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()))
}

fn run(words: &[u32], input: Vec<Vec<u8>>) -> (Machine, Result<u32, VmError>) {
    let mut m = machine(words, input);
    let r = m.run_to_exit(&mut NoTrace, 1_000_000);
    (m, r)
}

/// A program with loops, loads, stores, input and output: reads one input item into memory at
/// 0x10000, sums its words into a running hash over 2000 iterations with stores to a table, writes
/// the table to the public values, halts with the low byte of the hash.
fn busy_program() -> Vec<u32> {
    let mut p = vec![];
    p.extend(li(V0, sys::HINT_LEN));
    p.push(syscall()); // v0 = len
    p.push(addu(A1, V0, 0));
    p.extend(li(A0, 0x10000));
    p.extend(li(V0, sys::HINT_READ));
    p.push(syscall());
    p.extend(li(T0, 2000)); // counter
    p.extend(li(S0, 0x811C_9DC5)); // hash
    p.extend(li(T2, 0x20000)); // table
                               // loop:
    let top = p.len();
    p.push(lw(T1, 0, 0x10000u32 as i32 & 0x7FFF)); // lw t1, 0($0)+... (0x10000 doesn't fit: use a0)
    p.pop();
    p.push(lw(T1, A0, 0));
    p.push(addu(S0, S0, T1));
    p.push(r(0x00, 0, S0, T1, 5)); // sll t1, s0, 5
    p.push(r(0x26, S0, T1, S0, 0)); // xor s0, s0, t1
    p.push(sw(S0, T2, 0));
    p.push(addiu(T2, T2, 4));
    p.push(addiu(T0, T0, -1));
    let back = top as i32 - (p.len() as i32 + 1);
    p.push(bne(T0, 0, back));
    p.push(NOP);
    // write(13, 0x20000, 64)
    p.extend(li(V0, sys::WRITE));
    p.extend(li(A0, 13));
    p.extend(li(A1, 0x20000));
    p.extend(li(A2, 64));
    p.push(syscall());
    p.push(r(0x24, S0, 0, A0, 0)); // and a0, s0, $0 -> 0 ... replaced below
    p.pop();
    p.push(i(12, S0, A0, 0xFF)); // andi a0, s0, 0xff
    p.extend(li(V0, sys::HALT));
    p.push(syscall());
    p
}

#[test]
fn checkpoints_resume_to_the_same_final_state() {
    let input = vec![b"checkpoint me!!!".to_vec()];
    let (straight, code) = run(&busy_program(), input.clone());
    let code = code.unwrap();
    assert_eq!(code, straight.state.memory.read_word(0x20000 + 4 * 1999) & 0xFF);
    assert_eq!(straight.state.public_values.len(), 64);

    for every in [97u64, 1000, 5000] {
        let mut m = machine(&busy_program(), input.clone());
        let mut checkpoints = 0;
        loop {
            let target = m.state.clk + every;
            match m.run(&mut NoTrace, target).unwrap() {
                Status::Exited(_) => break,
                Status::Paused => {
                    // Through bytes, as a checkpoint file would be.
                    let bytes = m.state.to_bytes();
                    let state = State::from_bytes(&bytes).unwrap();
                    assert_eq!(state, m.state);
                    m = Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
                    checkpoints += 1;
                }
            }
        }
        assert!(checkpoints > 0);
        assert_eq!(m.state, straight.state, "resumed every {every} cycles");
    }
}

#[test]
fn tracing_mode_matches_execute_mode() {
    let input = vec![b"trace".to_vec()];
    let (fast, _) = run(&busy_program(), input.clone());
    let mut m = machine(&busy_program(), input);
    let mut rec = Recorder::default();
    m.run_to_exit(&mut rec, 1_000_000).unwrap();
    assert_eq!(m.state, fast.state);
    assert_eq!(rec.steps.len() as u64, m.state.clk);
    // Consecutive steps chain: each step's next pc is the next step's pc.
    for w in rec.steps.windows(2) {
        assert_eq!(w[0].next_pc, w[1].pc);
        assert_eq!(w[0].clk + 1, w[1].clk);
    }
    // 2000 loop loads and stores, the input words written, 16 words read for the output.
    let writes = rec.mem.iter().filter(|e| e.write).count();
    assert_eq!(writes, 2000 + 2);
    assert_eq!(rec.syscalls.len(), 4);
    // Every read returns the last value written to its address.
    let mut last = std::collections::HashMap::new();
    for e in &rec.mem {
        if let Some(&v) = last.get(&e.addr) {
            assert_eq!(e.before, v, "read of {:#x}", e.addr);
        }
        last.insert(e.addr, e.after);
    }
}

#[test]
fn hint_read_pads_and_input_exhaustion_is_an_error() {
    let mut p = vec![];
    p.extend(li(A0, 0x10000));
    p.extend(li(A1, 5));
    p.extend(li(V0, sys::HINT_READ));
    p.push(syscall());
    p.extend(li(V0, sys::HINT_LEN));
    p.push(syscall());
    p.push(addu(S0, V0, 0));
    p.extend(li(V0, sys::HINT_READ));
    p.push(syscall());
    let mut m = machine(&p, vec![b"abcde".to_vec()]);
    m.state.memory.write_word(0x10004, 0xFFFF_FFFF);
    let err = m.run_to_exit(&mut NoTrace, 1000).unwrap_err();
    assert!(matches!(err, VmError::InputExhausted { consumed: 1, .. }), "{err}");
    assert_eq!(m.state.memory.read_word(0x10000), u32::from_le_bytes(*b"abcd"));
    assert_eq!(m.state.memory.read_word(0x10004), b'e' as u32, "padding bytes are zeroed");
    assert_eq!(m.state.regs[S0 as usize], u32::MAX, "HINT_LEN at the end of the stream");

    let (_, err) = run(&p, vec![b"abc".to_vec()]);
    assert!(err.unwrap_err().to_string().contains("does not match input item 0 of 3 bytes"));
}

#[test]
fn errors_name_the_problem() {
    let cases: Vec<(Vec<u32>, &str)> = vec![
        (vec![addiu(V0, 0, 1234), syscall()], "unknown syscall 1234"),
        ([li(T0, 0x10002).to_vec(), vec![lw(T1, T0, 0)]].concat(), "unaligned 4-byte access at 0x00010002"),
        (vec![jr(0), NOP], "jump to address 0"),
        (vec![lw(T1, 0, 8)], "null pointer access at 0x00000008"),
        (vec![0xC400_0000], "floating-point"),
        (vec![addiu(T0, 0, 3), teq(T0, T0)], "TEQ"),
        ([li(T0, 0x7FFF_FFFF).to_vec(), vec![addi(T0, T0, 1)]].concat(), "integer overflow"),
        (vec![beq(0, 0, 4), beq(0, 0, 4), NOP], "in a delay slot"),
        (vec![NOP, beq(0, 0, -1), NOP], "cycle limit"),
        ([li(T0, 0x0100_0000).to_vec(), vec![jr(T0), NOP]].concat(), "outside the program's executable segments"),
    ];
    for (prog, want) in cases {
        // As for an ELF program: page 0 is guarded (the code at 0 still runs).
        let mut m = machine(&prog, vec![]);
        m.state.null_guard = 0x1000;
        let r = m.run_to_exit(&mut NoTrace, 1_000_000);
        let err = r.expect_err(want).to_string();
        assert!(err.contains(want), "expected {want:?} in {err:?}");
        assert!(err.contains("0x"), "error names an address: {err}");
    }
}

/// Lays out a message for KECCAK_SPONGE per ABI.md: pad10*1 to 136 bytes, then every 34 data
/// words followed by 2 zero words.
fn sponge_layout(msg: &[u8]) -> Vec<u32> {
    let mut m = msg.to_vec();
    m.push(0x01);
    while !m.len().is_multiple_of(136) {
        m.push(0);
    }
    *m.last_mut().unwrap() |= 0x80;
    let mut words = vec![];
    for block in m.chunks(136) {
        words.extend(block.chunks(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())));
        words.extend([0, 0]);
    }
    words
}

#[test]
fn keccak_sponge_computes_keccak256() {
    use sha3::Digest as _;
    for len in [0usize, 1, 135, 136, 300] {
        let msg: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let words = sponge_layout(&msg);
        let mut p = vec![];
        p.extend(li(A0, 0x10000));
        p.extend(li(A1, 0x20000));
        p.extend(li(V0, sys::KECCAK_SPONGE));
        p.push(syscall());
        p.extend(li(V0, sys::HALT));
        p.push(syscall());
        let mut m = machine(&p, vec![]);
        for (k, w) in words.iter().enumerate() {
            m.state.memory.write_word(0x10000 + 4 * k as u32, *w);
        }
        m.state.memory.write_word(0x20000 + 64, words.len() as u32);
        m.run_to_exit(&mut NoTrace, 100).unwrap();
        let out = m.state.memory.read_bytes(0x20000, 32, false);
        assert_eq!(out, sha3::Keccak256::digest(&msg).to_vec(), "len {len}");
    }
}

#[test]
fn sha_extend_and_compress_compute_sha256() {
    // One block of "abc", padded.
    let mut block = [0u8; 64];
    block[..3].copy_from_slice(b"abc");
    block[3] = 0x80;
    block[63] = 24;
    let mut p = vec![];
    p.extend(li(A0, 0x10000));
    p.extend(li(A1, 0));
    p.extend(li(V0, sys::SHA_EXTEND));
    p.push(syscall());
    p.extend(li(A0, 0x10000));
    p.extend(li(A1, 0x20000));
    p.extend(li(V0, sys::SHA_COMPRESS));
    p.push(syscall());
    p.extend(li(V0, sys::HALT));
    p.push(syscall());
    let mut m = machine(&p, vec![]);
    for k in 0..16 {
        let w = u32::from_be_bytes(block[4 * k..4 * k + 4].try_into().unwrap());
        m.state.memory.write_word(0x10000 + 4 * k as u32, w);
    }
    let h0 = [0x6a09e667u32, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    for (k, w) in h0.iter().enumerate() {
        m.state.memory.write_word(0x20000 + 4 * k as u32, *w);
    }
    m.run_to_exit(&mut NoTrace, 100).unwrap();
    let got: Vec<u8> = (0..8).flat_map(|k| m.state.memory.read_word(0x20000 + 4 * k).to_be_bytes()).collect();
    assert_eq!(got, sha2::Sha256::digest(b"abc").to_vec());
}

#[test]
fn secp256k1_double_and_add_agree() {
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    let g = k256::AffinePoint::GENERATOR.to_encoded_point(false);
    let to_words = |be: &[u8]| -> Vec<u32> {
        (0..8).map(|k| u32::from_be_bytes(be[28 - 4 * k..32 - 4 * k].try_into().unwrap())).collect()
    };
    let gw: Vec<u32> = [to_words(g.x().unwrap()), to_words(g.y().unwrap())].concat();
    // p = 2G by DOUBLE; q = G + G would be a doubling too, so compute 3G = 2G + G by ADD.
    let mut p = vec![];
    p.extend(li(A0, 0x10000));
    p.extend(li(V0, sys::SECP256K1_DOUBLE));
    p.push(syscall());
    p.extend(li(A0, 0x10000));
    p.extend(li(A1, 0x20000));
    p.extend(li(V0, sys::SECP256K1_ADD));
    p.push(syscall());
    p.extend(li(V0, sys::HALT));
    p.push(syscall());
    let mut m = machine(&p, vec![]);
    for (k, w) in gw.iter().enumerate() {
        m.state.memory.write_word(0x10000 + 4 * k as u32, *w);
        m.state.memory.write_word(0x20000 + 4 * k as u32, *w);
    }
    m.run_to_exit(&mut NoTrace, 100).unwrap();
    let three_g = (k256::ProjectivePoint::GENERATOR * k256::Scalar::from(3u32)).to_affine().to_encoded_point(false);
    let want: Vec<u32> = [to_words(three_g.x().unwrap()), to_words(three_g.y().unwrap())].concat();
    let got: Vec<u32> = (0..16).map(|k| m.state.memory.read_word(0x10000 + 4 * k)).collect();
    assert_eq!(got, want);
    let _ = sha2::Sha256::new();
}
