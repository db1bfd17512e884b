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
