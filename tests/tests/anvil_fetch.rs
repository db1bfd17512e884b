//! `zkmips fetch --strategy proofs` and `zkmips execute-block` on blocks a real node (anvil 1.7.1)
//! made: transfers, deployments, storage writes and clears, SELFDESTRUCT in the creating
//! transaction, and a mix.
//!
//! anvil 1.7.1 does not compute Ethereum's state roots where a block clears a storage slot or leaves
//! an empty account (it keeps zero-valued leaves and empty accounts; see `tests/src/anvil.rs`), and
//! its genesis header claims the empty root. So:
//! - where anvil's root is Ethereum's, the fetched witness executes to anvil's header root, natively
//!   and in the VM;
//! - where it is not, the fetcher refuses to write a witness, and the root our executor computed
//!   (named in the error) is Ethereum's, as recomputed independently from `anvil_dumpState`;
//! - block 1 sits on the broken genesis: its parent's proofs do not match the parent's root.

use std::path::Path;
use std::process::{Command, Output};

use zkmips_e2e::anvil::{scenario_blocks, Anvil, CHAIN_ID};
use zkmips_e2e::{scratch_dir, zkmips_bin};

fn run(args: &[&str]) -> Output {
    Command::new(zkmips_bin()).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}

#[test]
fn anvil_blocks_fetch_and_execute() {
    let anvil = Anvil::start();
    let blocks = scenario_blocks(&anvil);
    assert_eq!(anvil.call("eth_chainId", serde_json::json!([])), format!("{CHAIN_ID:#x}"));
    let mut checked_in_vm = false;
    let (mut reproduced, mut canonical_elsewhere) = (0, 0);
    for block in &blocks {
        let dir = scratch_dir("anvil-fetch").join(block.number.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let witness = dir.join("block.witness");
        let fetch = run(&[
            "fetch",
            "--rpc",
            &anvil.url,
            "--block",
            &block.number.to_string(),
            "--fork",
            "prague",
            "--strategy",
            "proofs",
            "-o",
            witness.to_str().unwrap(),
        ]);
        let out = text(&fetch);
        println!("block {} ({}): {}", block.number, block.what, out.trim());
        if block.number == 1 {
            // The genesis header claims the empty root; the proofs at block 0 do not start there.
            assert!(!fetch.status.success(), "{out}");
            assert!(out.contains("first node hashes to"), "{out}");
            assert!(is_empty_dir(&dir), "a failed fetch left files");
            continue;
        }
        if block.anvil_root_is_canonical() {
            assert!(fetch.status.success(), "block {}: {out}", block.number);
            let mut args = vec!["execute-block", witness.to_str().unwrap()];
            // One block (the deployments) also runs in the VM.
            let in_vm = !checked_in_vm && block.what.starts_with("(b)");
            if in_vm {
                args.push("--vm");
                checked_in_vm = true;
            }
            let exec = run(&args);
            let exec_out = text(&exec);
            assert!(exec.status.success(), "block {}: {exec_out}", block.number);
            assert!(exec_out.contains(&format!("post state root: {}", block.state_root)), "{exec_out}");
            if in_vm {
                assert!(exec_out.contains("vm exit code: 0"), "{exec_out}");
                println!("{}", exec_out.lines().filter(|l| l.starts_with("vm")).collect::<Vec<_>>().join("\n"));
            }
            reproduced += 1;
        } else {
            // anvil's header root is not Ethereum's: no witness is written, and the root our
            // executor computed is Ethereum's.
            assert!(!fetch.status.success(), "block {}: {out}", block.number);
            assert!(is_empty_dir(&dir), "a failed fetch left files");
            if block.what.starts_with("(d)") {
                // anvil's proofs after the block still hold the cleared leaves, so the siblings that
                // the clears collapse cannot be rebuilt from them.
                assert!(out.contains("is missing from the witness"), "{out}");
            } else {
                let want =
                    format!("stateRoot mismatch: header {}, computed {}", block.state_root, block.expected_state_root);
                assert!(out.contains(&want), "block {}: expected {want:?} in\n{out}", block.number);
                canonical_elsewhere += 1;
            }
        }
    }
    // A block the node does not have.
    let dir = scratch_dir("anvil-fetch").join("future");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let future = (blocks.last().unwrap().number + 100).to_string();
    let witness = dir.join("block.witness");
    let fetch =
        run(&["fetch", "--rpc", &anvil.url, "--block", &future, "--fork", "prague", "-o", witness.to_str().unwrap()]);
    let out = text(&fetch);
    assert!(!fetch.status.success(), "{out}");
    assert!(out.contains(&format!("block {future} does not exist")), "{out}");
    assert!(is_empty_dir(&dir), "a failed fetch left files");

    assert!(checked_in_vm, "no block ran in the VM");
    assert!(reproduced >= 2, "only {reproduced} blocks reproduced anvil's root");
    assert!(canonical_elsewhere >= 2, "only {canonical_elsewhere} blocks checked against Ethereum's root");
}
