//! The Ethereum consensus tests in BlockchainTests format through `zkmips blockchain-test`: every
//! fixture of ethereum/tests (`BlockchainTests/{ValidBlocks,InvalidBlocks}`) and of
//! execution-spec-tests (`blockchain_tests/osaka`) natively, and a sample in the VM, where every
//! block runs both natively and in the block program and the two must agree (same statement for a
//! valid block, exit code 2 for an invalid one).
//!
//! The fixtures are shared test data (`../shared/testdata`, or `$ZKMIPS_TESTDATA`); the tests skip
//! when it is absent. Run with
//! `cargo test --release -p zkmips-e2e --test blockchain_tests -- --nocapture` to see the summaries.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Fewest cases the full native run must pass (1158 when written; fewer means fixtures went
/// missing or started to be skipped).
const MIN_NATIVE_PASSED: usize = 1150;

/// Why the runner may skip a case: it only executes post-merge blocks, and a fixture file may be a
/// git-lfs pointer in a checkout without git-lfs.
const EXPECTED_SKIPS: [&str; 2] = ["fork before Paris (", "git-lfs pointer"];

/// Fixtures run in the VM, relative to the test data folder. 43 cases, 68 blocks, about 17 s.
const VM_SAMPLE: &[&str] = &[
    // Contract creation transactions (`to` empty), Shanghai-style block with withdrawals.
    "ethereum-tests/BlockchainTests/ValidBlocks/bcExample/shanghaiExample.json",
    // SELFDESTRUCT of an existing contract (EIP-6780 keeps it), then a creation transaction.
    "ethereum-tests/BlockchainTests/ValidBlocks/bcStateTests/suicideStorageCheck.json",
    // SELFDESTRUCT sending the balance to itself and others; storage slots set to zero.
    "ethereum-tests/BlockchainTests/ValidBlocks/bcStateTests/selfdestructBalance.json",
    // A contract deployed by CREATE2 runs SELFDESTRUCT in a later transaction; EXTCODEHASH,
    // EXTCODESIZE and EXTCODECOPY of it before and after.
    "ethereum-tests/BlockchainTests/ValidBlocks/bcStateTests/extCodeHashOfDeletedAccountDynamic.json",
    // A contract created in one block, killed by SELFDESTRUCT in the next (Cancun semantics).
    "ethereum-tests/BlockchainTests/ValidBlocks/bcValidBlockTest/RecallSuicidedContractInOneBlock.json",
    // Storage slot cleared back to zero, SSTORE refunds, seven blocks in a chain.
    "ethereum-tests/BlockchainTests/ValidBlocks/bcStateTests/refundReset.json",
    // EIP-1153 transient storage across transactions and blocks; persistent slots cleared.
    "ethereum-tests/BlockchainTests/ValidBlocks/bcEIP1153-transientStorage/transStorageBlockchain.json",
    // Legacy, EIP-2930, EIP-1559 and blob (type 3) transactions in one Cancun block.
    "ethereum-tests/BlockchainTests/ValidBlocks/bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json",
    // EIP-7702 set-code transaction (type 4) with an authorization; CLZ in the delegated code.
    "eest/blockchain_tests/osaka/eip7939_count_leading_zeros/test_clz_from_set_code.json",
    // Blob transactions with 1 to 6 blobs (Osaka, EIP-7594 per-transaction limit).
    "eest/blockchain_tests/osaka/eip7594_peerdas/test_valid_max_blobs_per_tx.json",
    // Invalid: blob transactions with 7 to 10 blobs (over the per-transaction and block limits).
    "eest/blockchain_tests/osaka/eip7594_peerdas/test_invalid_max_blobs_per_tx.json",
    // Prague to Osaka transition: 7 blobs in a transaction are valid before it, invalid after.
    "eest/blockchain_tests/osaka/eip7594_peerdas/test_max_blobs_per_tx_fork_transition.json",
    // EIP-7825 transaction gas cap for transaction types 0 to 4 (set-code too), Prague and Osaka;
    // five invalid.
    "eest/blockchain_tests/osaka/eip7825_transaction_gas_limit_cap/test_transaction_gas_limit_cap.json",
    // Invalid: a transaction whose gas limit exceeds the block's remaining gas.
    "eest/blockchain_tests/osaka/eip7825_transaction_gas_limit_cap/test_tx_gas_larger_than_block_gas_limit.json",
    // Invalid: the header's state root is not the computed one.
    "ethereum-tests/BlockchainTests/InvalidBlocks/bcInvalidHeaderTest/wrongStateRoot.json",
    // Invalid: the header's gasUsed is not the computed one.
    "ethereum-tests/BlockchainTests/InvalidBlocks/bcInvalidHeaderTest/wrongGasUsed.json",
    // Invalid: the header's receipts root is not the computed one.
    "ethereum-tests/BlockchainTests/InvalidBlocks/bcInvalidHeaderTest/wrongReceiptTrie.json",
    // Invalid: the header's withdrawals root does not match the withdrawals.
    "ethereum-tests/BlockchainTests/InvalidBlocks/bc4895-withdrawals/incorrectWithdrawalsRoot.json",
    // Invalid: EIP-1559 header checks (base fee, gas limit) on a chain of valid and invalid blocks.
    "ethereum-tests/BlockchainTests/InvalidBlocks/bcEIP1559/badBlocks.json",
];

/// What `zkmips blockchain-test` printed.
#[derive(Debug, Default)]
struct Summary {
    passed: usize,
    failed: usize,
    skipped: usize,
    /// `skipped N: reason` lines.
    skips: Vec<(usize, String)>,
    /// `FAIL ...` lines.
    failures: Vec<String>,
    /// The `VM: ...` line, with the VM option.
    vm: Option<String>,
    /// The last line, `N passed, M failed, K skipped (T s)`.
    last_line: String,
}

impl Summary {
    fn parse(stdout: &str) -> Summary {
        let mut summary = Summary::default();
        for line in stdout.lines() {
            if let Some(rest) = line.strip_prefix("skipped ") {
                let (count, why) = rest.split_once(": ").unwrap_or_else(|| panic!("bad skip line {line:?}"));
                summary.skips.push((count.parse().unwrap_or_else(|_| panic!("bad skip line {line:?}")), why.into()));
            } else if line.starts_with("FAIL ") {
                summary.failures.push(line.into());
            } else if line.starts_with("VM: ") {
                summary.vm = Some(line.into());
            }
        }
        summary.last_line = stdout.lines().last().unwrap_or_default().to_string();
        let words: Vec<&str> = summary.last_line.split_whitespace().collect();
        match words.as_slice() {
            [passed, "passed,", failed, "failed,", skipped, "skipped", ..] => {
                let number = |w: &str| w.parse().unwrap_or_else(|_| panic!("bad summary {:?}", summary.last_line));
                summary.passed = number(passed);
                summary.failed = number(failed);
                summary.skipped = number(skipped);
            }
            _ => panic!("the last line is not a summary: {:?}\nstdout:\n{stdout}", summary.last_line),
        }
        summary
    }

    /// Blocks run in the VM, from the `VM: N blocks, ...` line.
    fn vm_blocks(&self) -> Option<usize> {
        self.vm.as_deref()?.strip_prefix("VM: ")?.split_whitespace().next()?.parse().ok()
    }
}

/// Runs `zkmips blockchain-test` on `paths`; asserts it exits 0 and reports no failure.
fn blockchain_test(paths: &[PathBuf], in_vm: bool) -> Summary {
    let mut cmd = Command::new(zkmips_e2e::zkmips_bin());
    cmd.arg("blockchain-test");
    if in_vm {
        cmd.arg("--vm");
    }
    let start = Instant::now();
    let output = cmd.args(paths).output().expect("run zkmips blockchain-test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary = Summary::parse(&stdout);
    println!("{} (wall {:.1} s)", summary.last_line, start.elapsed().as_secs_f64());
    for (count, why) in &summary.skips {
        println!("  skipped {count}: {why}");
    }
    if let Some(vm) = &summary.vm {
        println!("  {vm}");
    }
    assert!(
        summary.failures.is_empty() && summary.failed == 0,
        "{} failed:\n{}",
        summary.failed,
        summary.failures.join("\n")
    );
    assert!(output.status.success(), "exit status {}\nstdout:\n{stdout}\nstderr:\n{stderr}", output.status);
    assert_eq!(summary.skips.iter().map(|(n, _)| n).sum::<usize>(), summary.skipped, "skip lines vs summary");
    summary
}

fn existing(root: &Path, relative: &[&str]) -> Vec<PathBuf> {
    relative
        .iter()
        .map(|r| {
            let path = root.join(r);
            assert!(path.exists(), "{} is missing from the test data", path.display());
            path
        })
        .collect()
}

#[test]
fn consensus_tests_pass_natively() {
    let Some(data) = zkmips_e2e::testdata_dir("consensus_tests_pass_natively") else { return };
    let paths = existing(&data, &["ethereum-tests/BlockchainTests", "eest/blockchain_tests"]);
    let summary = blockchain_test(&paths, false);
    assert!(
        summary.passed >= MIN_NATIVE_PASSED,
        "only {} cases passed, expected at least {MIN_NATIVE_PASSED}",
        summary.passed
    );
    for (count, why) in &summary.skips {
        assert!(
            EXPECTED_SKIPS.iter().any(|expected| why.starts_with(expected)),
            "{count} cases skipped for an unexpected reason: {why}"
        );
    }
    assert!(summary.vm.is_none(), "no VM line without --vm");
}

#[test]
fn consensus_sample_passes_in_the_vm() {
    let Some(data) = zkmips_e2e::testdata_dir("consensus_sample_passes_in_the_vm") else { return };
    let paths = existing(&data, VM_SAMPLE);
    let summary = blockchain_test(&paths, true);
    assert!(summary.passed >= 20, "only {} cases passed in the VM sample", summary.passed);
    assert_eq!(summary.skipped, 0, "every sample case is post-merge: {:?}", summary.skips);
    let vm_blocks = summary.vm_blocks().unwrap_or_else(|| panic!("no `VM: N blocks` line: {:?}", summary.vm));
    // Each case has at least one block, and every block that decodes runs in the VM.
    assert!(vm_blocks >= summary.passed, "{vm_blocks} blocks ran in the VM for {} cases", summary.passed);
}

/// Every consensus case in the VM as well: the block program must reach the same verdict and
/// commit the same statement as native execution for all of them. About ten minutes on two cores
/// (a few blocks recover hundreds of EIP-7702 authorities in software), so not in the default run:
/// `cargo test --release -p zkmips-e2e --test blockchain_tests -- --ignored`.
#[test]
#[ignore = "about ten minutes: every consensus case in the VM"]
fn all_consensus_tests_pass_in_the_vm() {
    let Some(data) = zkmips_e2e::testdata_dir("all_consensus_tests_pass_in_the_vm") else { return };
    let paths = existing(&data, &["ethereum-tests/BlockchainTests", "eest/blockchain_tests"]);
    let summary = blockchain_test(&paths, true);
    assert!(summary.passed >= MIN_NATIVE_PASSED, "only {} cases passed in the VM", summary.passed);
    assert!(summary.vm_blocks().is_some_and(|blocks| blocks >= summary.passed), "{:?}", summary.vm);
}
