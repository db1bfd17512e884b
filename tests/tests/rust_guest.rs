//! Rust guests on the VM: `tests/guests/abi-test` (built with `scripts/build-guest` against the
//! `zkmips-guest` runtime) run under `zkmips run`, checking the guest ABI end to end: input items,
//! stdout/stderr, public values and their digest, keccak, panics and exit codes.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use sha3::Keccak256;
use zkmips_e2e::rust_guest::build_rust_guest;
use zkmips_e2e::{run_zkmips, split_summary, summary_field, RunResult};

fn abi_test_elf() -> &'static Path {
    static ELF: OnceLock<PathBuf> = OnceLock::new();
    ELF.get_or_init(|| build_rust_guest(Path::new("tests/guests/abi-test")).expect("build abi-test guest"))
}

/// Runs the abi-test guest with `command` (bincode `u32`: 4 bytes little-endian) as the first input
/// item and `items` after it.
fn run_abi_test(command: u32, items: &[&[u8]]) -> RunResult {
    let command = command.to_le_bytes();
    let mut all: Vec<&[u8]> = vec![&command];
    all.extend_from_slice(items);
    run_guest(abi_test_elf(), &all)
}

fn run_guest(elf: &Path, items: &[&[u8]]) -> RunResult {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths: Vec<PathBuf> = items
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let path = dir.path().join(format!("item{i}"));
            std::fs::write(&path, bytes).expect("write input item");
            path
        })
        .collect();
    let inputs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    run_zkmips(elf, false, &inputs, &[]).expect("run zkmips")
}

fn describe(result: &RunResult) -> String {
    format!("exit {:?}\n--- stdout:\n{}\n--- stderr:\n{}", result.code, result.stdout_str(), result.stderr_str())
}

fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

#[test]
fn elf_is_little_endian_mips32_executable() {
    let elf = std::fs::read(abi_test_elf()).expect("read ELF");
    assert_eq!(&elf[..4], b"\x7fELF");
    assert_eq!(elf[4], 1, "ELFCLASS32");
    assert_eq!(elf[5], 1, "ELFDATA2LSB (little-endian)");
    assert_eq!(u16::from_le_bytes([elf[16], elf[17]]), 2, "ET_EXEC");
    assert_eq!(u16::from_le_bytes([elf[18], elf[19]]), 8, "EM_MIPS");
}

#[test]
fn commits_keccak_and_length_of_input() {
    // Lengths around keccak's 136-byte rate exercise the padding and the multi-block layout.
    for len in [0usize, 1, 135, 136, 137, 1000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 31 + 7) as u8).collect();
        let result = run_abi_test(0, &[&data]);
        let ctx = describe(&result);
        assert_eq!(result.code, Some(0), "len {len}: {ctx}");
        assert_eq!(result.stdout_str(), format!("len={len}\n"), "len {len}: {ctx}");

        let (guest_stderr, summary) = split_summary(&result.stderr);
        assert!(guest_stderr.is_empty(), "len {len}: the guest wrote to stderr: {ctx}");
        assert_eq!(summary_field(&summary, "exit code"), Some("0"), "len {len}: {ctx}");

        let mut public_values = keccak256(&data).to_vec();
        public_values.extend_from_slice(&(len as u32).to_le_bytes());
        assert_eq!(
            summary_field(&summary, "public values"),
            Some(hex::encode(&public_values).as_str()),
            "len {len}: {ctx}"
        );
        let digest = Sha256::digest(&public_values);
        assert_eq!(summary_field(&summary, "digest"), Some(hex::encode(digest).as_str()), "len {len}: {ctx}");
    }
}

#[test]
fn panic_prints_message_and_exits_1() {
    let result = run_abi_test(1, &[]);
    let ctx = describe(&result);
    assert_eq!(result.code, Some(1), "{ctx}");
    let (guest_stderr, summary) = split_summary(&result.stderr);
    let guest_stderr = String::from_utf8_lossy(&guest_stderr);
    assert!(guest_stderr.contains("abi-test: deliberate panic"), "{ctx}");
    assert!(guest_stderr.contains("src/main.rs"), "the message names the panic's location: {ctx}");
    assert_eq!(summary_field(&summary, "exit code"), Some("1"), "{ctx}");
    assert!(result.stdout.is_empty(), "{ctx}");
}

#[test]
fn reading_past_the_last_input_item_fails_clearly() {
    let result = run_abi_test(2, &[]);
    let ctx = describe(&result);
    assert_ne!(result.code, Some(0), "{ctx}");
    assert!(result.code.is_some(), "killed by a signal: {ctx}");
    // HINT_LEN returns 0xFFFFFFFF at the end of the stream and the runtime panics with this.
    assert!(result.stderr_str().contains("no more input items"), "{ctx}");
}

#[test]
fn halt_exits_with_its_code() {
    let result = run_abi_test(3, &[]);
    let ctx = describe(&result);
    assert_eq!(result.code, Some(7), "{ctx}");
    let (guest_stderr, summary) = split_summary(&result.stderr);
    assert!(guest_stderr.is_empty(), "{ctx}");
    assert_eq!(summary_field(&summary, "exit code"), Some("7"), "{ctx}");
    assert_eq!(summary_field(&summary, "public values"), Some(""), "nothing committed: {ctx}");
}

#[test]
fn keccak_example_commits_hash_of_input() {
    let elf = build_rust_guest(Path::new("geth-mips/examples/keccak")).expect("build keccak example");
    let result = run_guest(&elf, &[b"hello"]);
    let ctx = describe(&result);
    assert_eq!(result.code, Some(0), "{ctx}");
    assert_eq!(result.stdout_str(), "hashing 5 bytes\n", "{ctx}");
    let (_, summary) = split_summary(&result.stderr);
    assert_eq!(summary_field(&summary, "public values"), Some(hex::encode(keccak256(b"hello")).as_str()), "{ctx}");
}

/// The VM's cycle profile of a run attributes every instruction to a function of the ELF: the
/// workload loop (inlined into the guest's `main`) is the top function, and a function the guest
/// calls a known number of times shows that count.
#[test]
fn profile_attributes_instructions_to_functions() {
    let elf = std::fs::read(abi_test_elf()).expect("read the guest");
    let program = zkmips_vm::Program::from_elf(&elf, false).expect("load the guest");
    let rounds: u32 = 2000;
    let input = vec![4u32.to_le_bytes().to_vec(), rounds.to_le_bytes().to_vec()];
    let mut machine = zkmips_vm::Machine::new(&program, &[], &[], input)
        .expect("start the guest")
        .with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let mut profile = zkmips_vm::Profile::default();
    assert_eq!(machine.run_to_exit(&mut profile, 10_000_000).expect("run"), 0);
    let cycles = machine.state.clk;
    assert_eq!(profile.counts.values().sum::<u64>(), cycles, "every instruction is counted once");
    let functions = profile.by_function(&program);
    assert_eq!(functions.iter().map(|f| f.instructions).sum::<u64>(), cycles);
    assert!(functions.windows(2).all(|w| w[0].instructions >= w[1].instructions), "sorted, most first");
    let top = &functions[0];
    assert_eq!(top.name, "__zkmips_main", "top function {} ({} of {cycles})", top.name, top.instructions);
    assert!(top.instructions > u64::from(rounds) * 30, "the workload runs in main: {}", top.instructions);
    let unnamed: u64 = functions.iter().filter(|f| f.name == "?").map(|f| f.instructions).sum();
    assert!(unnamed * 100 < cycles, "{unnamed} of {cycles} instructions outside any symbol");
    // The guest commits its result once.
    let commit = functions.iter().find(|f| f.name.contains("zkmips_guest2io6commit")).expect("commit in the profile");
    assert_eq!(commit.calls, 1, "{commit:?}");
}
