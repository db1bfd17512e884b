//! Bad input to `zkmips run` ends with a clear error naming the problem and a non-zero exit,
//! never a panic.

use std::path::Path;
use std::process::Command;

use zkmips_e2e::{minimal_elf as elf, run_zkmips, scratch_dir, zkmips_bin};

fn write(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = scratch_dir("cli-errors").join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn expect_error(path: &Path, inputs: &[&Path], want: &str) {
    let r = run_zkmips(path, false, inputs, &[]).unwrap();
    let err = r.stderr_str();
    assert!(matches!(r.code, Some(c) if c != 0 && c != 101), "exit {:?} for {want}:\n{err}", r.code);
    assert!(err.contains(want), "expected {want:?} in stderr:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
}

const SYSCALL: u32 = 0xC;
const fn li_v0(n: u16) -> u32 {
    0x2402_0000 | n as u32 // addiu $v0, $zero, n
}

#[test]
fn bad_elves_are_rejected_by_name() {
    let good = elf(&[li_v0(0), SYSCALL]);
    expect_error(&write("truncated.elf", &good[..60]), &[], "truncated");
    expect_error(&write("text.elf", b"#!/bin/sh\necho hi\n"), &[], "not an ELF file");
    let mut x86 = good.clone();
    x86[18] = 62;
    expect_error(&write("x86.elf", &x86), &[], "machine 62");
    let mut shared = good;
    shared[16] = 3;
    expect_error(&write("dyn.elf", &shared), &[], "not ET_EXEC");
    expect_error(Path::new("/nonexistent/zkmips.elf"), &[], "cannot read ELF");
}

#[test]
fn runtime_faults_name_pc_and_cause() {
    // unknown syscall 999
    expect_error(&write("unknown-syscall.elf", &elf(&[li_v0(999), SYSCALL])), &[], "unknown syscall 999");
    // lw $t0, 2($zero) + 0x10000: lui $t1,1 ; lw $t0, 2($t1)
    expect_error(&write("unaligned.elf", &elf(&[0x3C09_0001, 0x8D28_0002])), &[], "unaligned 4-byte access");
    // jr $zero ; nop
    expect_error(&write("jump0.elf", &elf(&[0x0000_0008, 0])), &[], "jump to address 0");
    // HINT_READ with no input: li $v0, 0xF1 ; syscall
    expect_error(&write("no-input.elf", &elf(&[li_v0(0xF1), SYSCALL])), &[], "no item is left");
    // an FPU instruction (lwc1)
    expect_error(&write("fpu.elf", &elf(&[0xC400_0000])), &[], "floating-point");
    // an endless loop hits the cycle limit: b . ; nop
    let r = Command::new(zkmips_bin())
        .args(["run", "--max-cycles", "1000"])
        .arg(write("loop.elf", &elf(&[0x1000_FFFF, 0])))
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(70));
    assert!(String::from_utf8_lossy(&r.stderr).contains("cycle limit of 1000"));
    // a missing input file
    let ok = write("halt.elf", &elf(&[li_v0(0), SYSCALL]));
    expect_error(&ok, &[Path::new("/nonexistent/input.bin")], "cannot read input");
}

#[test]
fn a_halting_program_reports_its_exit_code() {
    // li $a0, 5 ; li $v0, 0 (HALT) ; syscall
    let r = run_zkmips(&write("halt5.elf", &elf(&[0x2404_0005, li_v0(0), SYSCALL])), false, &[], &[]).unwrap();
    assert_eq!(r.code, Some(5));
    let (_, summary) = zkmips_e2e::split_summary(&r.stderr);
    assert_eq!(zkmips_e2e::summary_field(&summary, "cycles"), Some("3"));
    assert_eq!(zkmips_e2e::summary_field(&summary, "exit code"), Some("5"));
}

/// Runs `zkmips ARGS` and checks for a clean failure whose stderr names `want`.
fn expect_cli_error(args: &[&str], want: &str) {
    let out = Command::new(zkmips_bin()).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(c) if c != 0 && c != 101), "{args:?}: {:?}\n{err}", out.status);
    assert!(err.contains(want), "{args:?}: expected {want:?} in stderr:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_block_inputs_and_fixtures_are_rejected_by_name() {
    let missing = scratch_dir("cli-errors").join("no-such-input.bin");
    expect_cli_error(&["execute-block", missing.to_str().unwrap()], "cannot read");
    let garbage = write("garbage-input.bin", b"not a block input at all");
    expect_cli_error(&["execute-block", garbage.to_str().unwrap()], "is not a block input");
    let bad_json = write("bad-recording.json", b"{ this is not json");
    expect_cli_error(&["execute-block", bad_json.to_str().unwrap()], "cannot load recording");
    expect_cli_error(&["execute-block", garbage.to_str().unwrap(), "--block", "5"], "--block applies to recordings");
    let empty = scratch_dir("cli-errors").join("empty-fixtures");
    std::fs::create_dir_all(&empty).unwrap();
    expect_cli_error(&["blockchain-test", empty.to_str().unwrap()], "no .json fixtures");
    let broken = write("broken-fixture.json", b"{\"case\": ");
    expect_cli_error(&["blockchain-test", broken.to_str().unwrap()], "broken-fixture.json");
}
