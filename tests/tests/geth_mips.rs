//! The stateless block executor on recorded mainnet blocks (`mainnet-rpc` test data), natively and
//! as the block program in the VM.
//!
//! - Each recorded block must reproduce its header's state root from the recorded witness, and the
//!   VM must accept it and commit the same statement (parent hash, block hash, both state roots).
//! - A witness, ancestor header or block that lies must be rejected, naming what was wrong: a trie
//!   node with changed bytes, a missing node, a changed contract code, a changed parent header, a
//!   changed transaction, a header claiming another state root or gas used. The VM must reject each
//!   too (exit code 2, not a panic) with the same reason.
//!
//! The recordings are shared test data (`../shared/testdata`, or `$ZKMIPS_TESTDATA`); the tests skip
//! when it is absent. Run with `cargo test --release -p zkmips-e2e --test geth_mips -- --nocapture`
//! to see the cycle counts.

use std::time::Instant;

use alloy_consensus::{Block, Header, Signed, Transaction, TxEnvelope};
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_rlp::Decodable;
use zkmips_executor::{execute_block, mpt::TrieError, BlockInput, ExecError, PublicStatement, WitnessError};
use zkmips_fetcher::{block_input_from_recorded, Recorded};
use zkmips_geth::vm;

/// Recorded mainnet blocks, `mainnet-rpc/1-<number>.json.gz`: each holds the block, its parent, and
/// the proofs and codes of everything the block touches.
const RECORDED_BLOCKS: [u64; 2] = [18_884_864, 19_426_587];

/// The block the lying-witness tests change.
const TAMPERED: u64 = 18_884_864;

/// The recording of `number`, or `None` (after printing why) when the test data is absent.
fn recording(test: &str, number: u64) -> Option<Recorded> {
    let path = zkmips_e2e::testdata_dir(test)?.join("mainnet-rpc").join(format!("1-{number}.json.gz"));
    if !path.exists() {
        eprintln!("SKIP {test}: {} not found", path.display());
        return None;
    }
    Some(Recorded::load(&path).unwrap_or_else(|e| panic!("loading {}: {e}", path.display())))
}

/// The recording of [`TAMPERED`] and the honest input built from it.
fn tampered_block(test: &str) -> Option<(Recorded, BlockInput)> {
    let rec = recording(test, TAMPERED)?;
    let input = block_input_from_recorded(&rec, TAMPERED).expect("build the block's input");
    Some((rec, input))
}

fn decode_block(input: &BlockInput) -> Block<TxEnvelope> {
    Block::decode(&mut &input.block[..]).expect("the recorded block decodes")
}

fn decode_parent(input: &BlockInput) -> Header {
    Header::decode(&mut &input.ancestors[0][..]).expect("the recorded parent decodes")
}

/// Executes natively, expecting a rejection.
fn rejected(input: &BlockInput) -> ExecError {
    match execute_block(input) {
        Ok(executed) => panic!("the lying input was accepted: {:?}", executed.statement),
        Err(e) => e,
    }
}

/// Runs the block program on `input`; it must reject the block (exit code 2) with the reason native
/// execution gave.
fn assert_vm_rejects(lie: &str, input: &BlockInput, native: &ExecError) {
    let program = vm::program().expect("load the block program");
    let run = vm::run_block(&program, input).expect("run the block program");
    assert_eq!(run.exit_code, 2, "{lie}: the VM must reject (exit 2), not accept or panic: {}", run.message);
    assert_eq!(run.statement, None);
    assert_eq!(run.message, format!("block rejected: {native}"), "{lie}: the VM rejects for another reason");
    eprintln!("{lie}: the VM rejects it too, after {} cycles", run.cycles);
}

/// Re-encodes `block` as the input's block.
fn with_block(input: &BlockInput, block: &Block<TxEnvelope>) -> BlockInput {
    BlockInput { block: alloy_rlp::encode(block).into(), ..input.clone() }
}

#[test]
fn mainnet_blocks_reproduce_their_state_roots() {
    let test = "mainnet_blocks_reproduce_their_state_roots";
    let program = vm::program().expect("load the block program");
    let mut failures = Vec::new();
    for number in RECORDED_BLOCKS {
        let Some(rec) = recording(test, number) else { return };
        let input = block_input_from_recorded(&rec, number).expect("build the block's input");
        let (block, parent) = (rec.block(number).unwrap(), rec.block(number - 1).unwrap());
        let start = Instant::now();
        let executed = match execute_block(&input) {
            Ok(executed) => executed,
            Err(e) => {
                eprintln!("block {number}: rejected natively: {e}");
                failures.push(format!("block {number}: rejected natively: {e}"));
                continue;
            }
        };
        let native = start.elapsed();
        let expected = PublicStatement {
            chain_id: 1,
            parent_hash: parent.header.hash,
            block_hash: block.header.hash,
            parent_state_root: parent.header.state_root,
            post_state_root: block.header.state_root,
        };
        assert_eq!(executed.statement, expected, "block {number}: statement");
        assert_eq!(executed.header.hash_slow(), block.header.hash, "block {number}: header");
        eprintln!(
            "block {number}: {} transactions, {} gas, natively {native:.2?}, state root {}",
            decode_block(&input).body.transactions.len(),
            block.header.gas_used,
            executed.statement.post_state_root
        );

        let start = Instant::now();
        let run = vm::run_block(&program, &input).expect("run the block program");
        let secs = start.elapsed().as_secs_f64();
        let mut report =
            format!("block {number} in the VM: exit {}, {} cycles in {secs:.1} s", run.exit_code, run.cycles);
        for (phase, cycles) in &run.phases {
            report.push_str(&format!("\n  {phase:<11} {cycles:>13}"));
        }
        eprintln!("{report}");
        if run.exit_code != 0 || run.statement != Some(expected) {
            failures.push(format!(
                "block {number}: the VM exits {} with {:?} ({})",
                run.exit_code, run.statement, run.message
            ));
            continue;
        }
        let phases: Vec<&str> = run.phases.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(phases, ["input", "decode", "witness", "senders", "execution", "state-root"], "block {number}");
        assert!(run.phases.iter().map(|(_, c)| c).sum::<u64>() <= run.cycles, "block {number}: phases exceed total");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// (a) The parent's state root node with one byte changed: the root is then missing.
#[test]
fn changed_trie_node_is_rejected() {
    let Some((_, mut input)) = tampered_block("changed_trie_node_is_rejected") else { return };
    let root = decode_parent(&input).state_root;
    let node = input.nodes.iter_mut().find(|n| keccak256(n) == root).expect("the witness holds the root node");
    let mut bytes = node.to_vec();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    *node = Bytes::from(bytes);
    let error = rejected(&input);
    assert_eq!(error, ExecError::Witness(WitnessError::StateTrie(TrieError::MissingNode(root))));
    eprintln!("changed root node: {error}");
    assert_vm_rejects("changed root node", &input, &error);
}

/// (b) The beneficiary's account leaf removed from the witness.
#[test]
fn missing_trie_node_is_rejected() {
    let Some((rec, mut input)) = tampered_block("missing_trie_node_is_rejected") else { return };
    let coinbase = decode_block(&input).header.beneficiary;
    let proof = rec.proof(TAMPERED - 1, coinbase).expect("the beneficiary's proof at the parent");
    let leaf = proof.account_proof.last().expect("a non-empty proof").clone();
    let leaf_hash = keccak256(&leaf);
    let before = input.nodes.len();
    input.nodes.retain(|n| *n != leaf);
    assert_eq!(input.nodes.len(), before - 1, "the leaf was in the witness once");
    let error = rejected(&input);
    assert_eq!(error, ExecError::Witness(WitnessError::StateTrie(TrieError::MissingNode(leaf_hash))));
    eprintln!("missing leaf of {coinbase}: {error}");
    assert_vm_rejects("missing leaf", &input, &error);
}

/// (c) The code of a called contract replaced with a changed copy.
#[test]
fn changed_code_is_rejected() {
    let Some((rec, mut input)) = tampered_block("changed_code_is_rejected") else { return };
    let callee_code = |to: Address| rec.code(TAMPERED - 1, to).ok().filter(|code| !code.is_empty());
    let block = decode_block(&input);
    let (to, code) = block
        .body
        .transactions
        .iter()
        .find_map(|tx| tx.to().and_then(|to| Some((to, callee_code(to)?))))
        .expect("a transaction calls a contract");
    let hash = keccak256(&code);
    let entry = input.codes.iter_mut().find(|c| **c == code).expect("the witness holds the callee's code");
    let mut changed = code.to_vec();
    changed[0] ^= 0x01;
    *entry = Bytes::from(changed);
    let error = rejected(&input);
    assert_eq!(error, ExecError::Witness(WitnessError::MissingCode(hash)));
    eprintln!("changed code of {to}: {error}");
    assert_vm_rejects("changed code", &input, &error);
}

/// (d) The parent header with another gas used: it no longer hashes to the block's parent hash.
#[test]
fn changed_parent_header_is_rejected() {
    let Some((_, mut input)) = tampered_block("changed_parent_header_is_rejected") else { return };
    let parent_hash = decode_block(&input).header.parent_hash;
    let mut parent = decode_parent(&input);
    parent.gas_used += 1;
    let changed: Bytes = alloy_rlp::encode(&parent).into();
    input.ancestors[0] = changed.clone();
    let error = rejected(&input);
    assert_eq!(
        error,
        ExecError::AncestorChain { index: 0, number: TAMPERED - 1, expected: parent_hash, got: keccak256(&changed) }
    );
    eprintln!("changed parent: {error}");
    assert_vm_rejects("changed parent", &input, &error);
}

/// (e) One transaction's value changed, its signature kept: the transactions root no longer matches;
/// with the root fixed up too, the recovered sender is another account.
#[test]
fn changed_transaction_is_rejected() {
    let Some((_, input)) = tampered_block("changed_transaction_is_rejected") else { return };
    let mut block = decode_block(&input);
    let claimed_root = block.header.transactions_root;
    let (index, tx) = block
        .body
        .transactions
        .iter_mut()
        .enumerate()
        .find(|(_, tx)| matches!(tx, TxEnvelope::Legacy(_) | TxEnvelope::Eip2930(_) | TxEnvelope::Eip1559(_)))
        .expect("a legacy, EIP-2930 or EIP-1559 transaction");
    let original_sender = alloy_consensus::transaction::SignerRecoverable::recover_signer(&*tx).unwrap();
    let flip = U256::from(1) << 64;
    *tx = match tx {
        TxEnvelope::Legacy(s) => {
            let mut t = s.tx().clone();
            t.value ^= flip;
            Signed::new_unhashed(t, *s.signature()).into()
        }
        TxEnvelope::Eip2930(s) => {
            let mut t = s.tx().clone();
            t.value ^= flip;
            Signed::new_unhashed(t, *s.signature()).into()
        }
        TxEnvelope::Eip1559(s) => {
            let mut t = s.tx().clone();
            t.value ^= flip;
            Signed::new_unhashed(t, *s.signature()).into()
        }
        _ => unreachable!("matched above"),
    };
    let computed_root = alloy_consensus::proofs::calculate_transaction_root(&block.body.transactions);
    let changed = with_block(&input, &block);
    let error = rejected(&changed);
    assert_eq!(
        error,
        ExecError::Mismatch {
            field: "transactionsRoot",
            expected: format!("{claimed_root:?}"),
            computed: format!("{computed_root:?}"),
        }
    );
    eprintln!("changed value of transaction {index}: {error}");
    assert_vm_rejects("changed transaction", &changed, &error);

    // A block producer could commit to the changed transaction: then its signature recovers another
    // sender, whose account the witness does not hold.
    let sender = alloy_consensus::transaction::SignerRecoverable::recover_signer(&block.body.transactions[index])
        .expect("the signature still recovers some key");
    assert_ne!(sender, original_sender);
    block.header.transactions_root = computed_root;
    let changed = with_block(&input, &block);
    let error = rejected(&changed);
    eprintln!("  with the transactions root fixed up (sender {sender}): {error}");
    match &error {
        ExecError::InvalidTransaction { index: i, .. } => assert_eq!(*i, index),
        ExecError::Witness(WitnessError::StateTrie(TrieError::MissingNode(_))) => {}
        other => panic!("expected the changed transaction or the witness to be blamed, got {other:?}"),
    }
}

/// (f) A header claiming another post-state root (its hash changes with it).
#[test]
fn wrong_state_root_is_rejected() {
    let Some((_, input)) = tampered_block("wrong_state_root_is_rejected") else { return };
    let mut block = decode_block(&input);
    let real = block.header.state_root;
    let claimed = B256::repeat_byte(0x5a);
    block.header.state_root = claimed;
    let changed = with_block(&input, &block);
    let error = rejected(&changed);
    assert_eq!(
        error,
        ExecError::Mismatch { field: "stateRoot", expected: format!("{claimed:?}"), computed: format!("{real:?}") }
    );
    eprintln!("claimed state root: {error}");
    assert_vm_rejects("claimed state root", &changed, &error);
}

/// (g) A header claiming one more unit of gas used than the transactions used.
#[test]
fn wrong_gas_used_is_rejected() {
    let Some((_, input)) = tampered_block("wrong_gas_used_is_rejected") else { return };
    let mut block = decode_block(&input);
    let real = block.header.gas_used;
    block.header.gas_used = real + 1;
    let changed = with_block(&input, &block);
    let error = rejected(&changed);
    assert_eq!(
        error,
        ExecError::Mismatch { field: "gasUsed", expected: format!("{:?}", real + 1), computed: format!("{real:?}") }
    );
    eprintln!("claimed gas used: {error}");
    assert_vm_rejects("claimed gas used", &changed, &error);

    // More than the gas limit: caught by the header check before execution.
    block.header.gas_used = block.header.gas_limit + 1;
    let error = rejected(&with_block(&input, &block));
    assert!(matches!(error, ExecError::Header { field: "gasUsed", .. }), "got {error:?}");
}
