//! `zkmips prove-block` and block-mode `zkmips verify` on the bundled anvil witness
//! (`geth-mips/blocks/anvil-transfer.witness`, made by `scripts/make-demo-witness`).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use alloy_consensus::{Block, TxEnvelope};
use alloy_primitives::B256;
use alloy_rlp::Decodable;
use zkmips_e2e::{repo_root, scratch_dir, zkmips_bin, RunResult};
use zkmips_fetcher::witness::WitnessFile;

fn zkmips(args: &[&OsStr]) -> RunResult {
    std::process::Command::new(zkmips_bin()).args(args).output().unwrap().into()
}

fn bundled_witness() -> PathBuf {
    repo_root().join("geth-mips/blocks/anvil-transfer.witness")
}

/// The bundled witness with its header claiming `root` as the post-state root.
fn witness_claiming_root(root: B256, path: &Path) {
    let mut file = WitnessFile::read(&bundled_witness()).expect("read the bundled witness");
    let mut block = Block::<TxEnvelope>::decode(&mut &file.input.block[..]).expect("the block decodes");
    block.header.state_root = root;
    file.input.block = alloy_rlp::encode(&block).into();
    file.write(path).expect("write the lying witness");
}

#[test]
fn a_witness_claiming_another_post_state_root_is_refused_before_proving() {
    let dir = scratch_dir("prove-block-lie");
    let lying = dir.join("lying.witness");
    let claimed = B256::repeat_byte(0x5a);
    witness_claiming_root(claimed, &lying);
    let out = dir.join("never.proof");
    let _ = std::fs::remove_file(&out);
    let r = zkmips(&["prove-block".as_ref(), "--witness".as_ref(), lying.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    let err = r.stderr_str();
    assert_eq!(r.code, Some(1), "{err}");
    assert!(err.contains("the block is rejected") && err.contains("stateRoot mismatch"), "{err}");
    assert!(err.contains(&format!("{claimed:?}")), "the error names the claimed root: {err}");
    assert!(!out.exists(), "a refused block leaves no proof file");
}

#[test]
fn prove_block_argument_errors_are_clear() {
    let dir = scratch_dir("prove-block-args");
    let out = dir.join("never.proof");
    let _ = std::fs::remove_file(&out);
    let missing = dir.join("no-such.witness");
    let r =
        zkmips(&["prove-block".as_ref(), "--witness".as_ref(), missing.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("no-such.witness"), "{}", r.stderr_str());
    assert!(!out.exists());
    // Neither a witness nor a node; a node without a block number.
    let r = zkmips(&["prove-block".as_ref(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(r.code, Some(2), "{}", r.stderr_str());
    let r = zkmips(&[
        "prove-block".as_ref(),
        "--rpc".as_ref(),
        "http://127.0.0.1:1".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(r.code, Some(2), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("--block"), "{}", r.stderr_str());
    // A node that is not there: the fetch fails after its retries, naming the node.
    let r = zkmips(&[
        "prove-block".as_ref(),
        "--rpc".as_ref(),
        "http://127.0.0.1:1".as_ref(),
        "--block".as_ref(),
        "2".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("http://127.0.0.1:1"), "{}", r.stderr_str());
    assert!(!out.exists());
}

/// The statement lines `zkmips execute-block` prints for `witness` (natively).
fn native_statement(witness: &Path) -> Vec<String> {
    let r = zkmips(&["execute-block".as_ref(), witness.as_os_str()]);
    assert_eq!(r.code, Some(0), "{}", r.stderr_str());
    let lines: Vec<String> = r
        .stdout_str()
        .lines()
        .filter(|l| {
            ["chain id:", "parent hash:", "block hash:", "parent state root:", "post state root:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 5, "{}", r.stdout_str());
    lines
}

#[test]
fn a_proven_block_verifies_and_a_changed_statement_does_not() {
    let dir = scratch_dir("prove-block");
    let proof = dir.join("block.proof");
    let _ = std::fs::remove_file(&proof);
    let witness = bundled_witness();
    let r = zkmips(&[
        "prove-block".as_ref(),
        "--witness".as_ref(),
        witness.as_os_str(),
        "--segment-cycles".as_ref(),
        "2^18".as_ref(),
        "-o".as_ref(),
        proof.as_os_str(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr_str());
    let statement = native_statement(&witness);
    for line in &statement {
        assert!(r.stdout_str().contains(line.as_str()), "prove-block prints {line}: {}", r.stdout_str());
    }

    // Block mode (no --elf): the proof verifies and states the block.
    let v = zkmips(&["verify".as_ref(), proof.as_os_str()]);
    assert_eq!(v.code, Some(0), "{}", v.stderr_str());
    for line in &statement {
        assert!(v.stdout_str().contains(line.as_str()), "verify prints {line}: {}", v.stdout_str());
    }
    assert!(v.stdout_str().contains("exit code: 0"), "{}", v.stdout_str());

    // The statement's last bytes are the post-state root: claim another one.
    let mut p = zkmips_prover::Proof::from_bytes(&std::fs::read(&proof).unwrap()).unwrap();
    let n = p.public_values.len();
    p.public_values[n - 1] ^= 1;
    let tampered = dir.join("other-root.proof");
    std::fs::write(&tampered, p.to_bytes()).unwrap();
    let v = zkmips(&["verify".as_ref(), tampered.as_os_str()]);
    assert_eq!(v.code, Some(1), "{}", v.stdout_str());
    assert!(v.stderr_str().contains("not the committed digest's preimage"), "{}", v.stderr_str());
    assert!(!v.stdout_str().contains("post state root"), "no statement is printed: {}", v.stdout_str());
}

/// `--first-segments N` (a benchmark for blocks too long to prove whole) proves and verifies the
/// run's first segments, says how far it got, and writes no proof; it cannot be combined with -o.
#[test]
fn first_segments_proves_the_start_of_a_run_and_writes_nothing() {
    let dir = scratch_dir("prove-block-first");
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let witness = bundled_witness();
    // Run in an empty folder, to see that nothing is written there either.
    let r: RunResult = std::process::Command::new(zkmips_bin())
        .current_dir(&dir)
        .arg("prove-block")
        .arg("--witness")
        .arg(&witness)
        .args(["--segment-cycles", "2^12", "--first-segments", "2"])
        .output()
        .unwrap()
        .into();
    let err = r.stderr_str();
    assert_eq!(r.code, Some(0), "{err}");
    assert!(err.contains("proved and verified the first 2 segment(s): "), "{err}");
    assert!(err.contains("segment 1: ") && !err.contains("segment 2:"), "{err}");
    assert!(std::fs::read_dir(&dir).unwrap().next().is_none(), "nothing is written");
    let out = dir.join("never.proof");
    let r = zkmips(&[
        "prove-block".as_ref(),
        "--witness".as_ref(),
        witness.as_os_str(),
        "--first-segments".as_ref(),
        "1".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(r.code, Some(2), "{}", r.stderr_str());
    assert!(r.stderr_str().contains("--first-segments"), "{}", r.stderr_str());
    let r = zkmips(&[
        "prove-block".as_ref(),
        "--witness".as_ref(),
        witness.as_os_str(),
        "--first-segments".as_ref(),
        "0".as_ref(),
    ]);
    assert_eq!(r.code, Some(2), "{}", r.stderr_str());
    assert!(!out.exists());
}
