//! The token block of the block-proving figures (`geth-mips/blocks/anvil-token-calls.witness`):
//! anvil mines, with the ERC-20 of `tests/contracts/Token.sol` compiled by solcjs, a block of ten
//! `transfer` calls from several senders ([`token_call_blocks`]); its fetched witness executes
//! natively and in the VM to anvil's post-state root, and is byte for byte the bundled one, which
//! `scripts/make-demo-witness --token-calls 10` made.

use std::process::{Command, Output};

use alloy_primitives::{keccak256, Address, B256};
use zkmips_e2e::anvil::{quantity, token_call_blocks, token_recipient, Anvil, TOKEN_SENDERS};
use zkmips_e2e::{repo_root, scratch_dir, zkmips_bin};

const CALLS: usize = 10;

fn run(args: &[&str]) -> Output {
    Command::new(zkmips_bin()).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn token_block_executes_natively_and_in_the_vm_and_is_the_bundled_witness() {
    let anvil = Anvil::start();
    let blocks = token_call_blocks(&anvil, CALLS);
    let names: Vec<&str> = blocks.iter().map(|b| b.what).collect();
    assert_eq!(names, ["empty block over genesis", "token deployment", "token calls"]);
    let [token] = blocks[1].created[..] else { panic!("one contract created: {:?}", blocks[1].created) };
    let block = &blocks[2];
    assert_eq!(block.txs.len(), CALLS);

    // Ten calls of the token from several senders, each logging one `Transfer` to its recipient.
    let transfer_topic = keccak256("Transfer(address,address,uint256)");
    let mut senders = vec![];
    for (i, tx) in block.txs.iter().enumerate() {
        let receipt = anvil.receipt(tx.hash);
        assert_eq!(quantity(&receipt["status"]).unwrap(), 1, "call {i}");
        let to: Address = serde_json::from_value(receipt["to"].clone()).unwrap();
        assert_eq!(to, token, "call {i} is not to the token");
        let logs = receipt["logs"].as_array().unwrap();
        assert_eq!(logs.len(), 1, "call {i}: {logs:?}");
        let topics: Vec<B256> = serde_json::from_value(logs[0]["topics"].clone()).unwrap();
        assert_eq!(topics[0], transfer_topic, "call {i}");
        assert_eq!(topics[2], B256::left_padding_from(token_recipient(i).as_slice()), "call {i}");
        senders.push(serde_json::from_value::<Address>(receipt["from"].clone()).unwrap());
    }
    senders.sort();
    senders.dedup();
    assert_eq!(senders.len(), TOKEN_SENDERS, "distinct senders");

    let dir = scratch_dir("token-block");
    let witness = dir.join("token-calls.witness");
    let _ = std::fs::remove_file(&witness);
    let number = block.number.to_string();
    let fetch = run(&[
        "fetch",
        "--rpc",
        &anvil.url,
        "--block",
        &number,
        "--fork",
        "prague",
        "--strategy",
        "proofs",
        "-o",
        witness.to_str().unwrap(),
    ]);
    assert!(fetch.status.success(), "{}", text(&fetch));

    for vm in [false, true] {
        let mut args = vec!["execute-block", witness.to_str().unwrap()];
        if vm {
            args.push("--vm");
        }
        let exec = run(&args);
        let out = text(&exec);
        assert!(exec.status.success(), "{out}");
        assert!(out.contains(&format!("post state root: {}", block.state_root)), "{out}");
        if vm {
            assert!(out.contains("vm exit code: 0"), "{out}");
            println!("{}", out.lines().filter(|l| l.starts_with("vm")).collect::<Vec<_>>().join("\n"));
        }
    }

    let bundled = repo_root().join("geth-mips/blocks/anvil-token-calls.witness");
    let fresh = std::fs::read(&witness).unwrap();
    assert!(
        std::fs::read(&bundled).unwrap() == fresh,
        "{} is not the witness anvil makes now ({} bytes): run scripts/make-demo-witness --token-calls {CALLS}",
        bundled.display(),
        fresh.len()
    );
}
