//! A real Ethereum node for the tests: starts Foundry's `anvil` (installed by `scripts/setup`), talks
//! JSON-RPC to it over blocking HTTP, signs transactions with anvil's dev keys and mines blocks that
//! exercise the state transition (transfers, deployments, storage writes and deletions,
//! SELFDESTRUCT), so the fetcher and the block executor can be tested on blocks a real node made.
//!
//! # Using it
//! ```no_run
//! use zkmips_e2e::anvil::{scenario_blocks, Anvil};
//!
//! let anvil = Anvil::start(); // a fresh chain on 127.0.0.1, a free port; killed on drop
//! let blocks = scenario_blocks(&anvil); // mines the blocks, checks every receipt
//! for block in &blocks {
//!     // `anvil.url` is the JSON-RPC endpoint to fetch block `block.number` from. An executor that
//!     // follows Ethereum's rules must arrive at `block.expected_state_root`, which is anvil's header
//!     // root only where `block.anvil_root_is_canonical()` (see "anvil's state roots" below).
//!     println!("{} {}: {} txs, accounts {:?}", block.number, block.what, block.txs.len(), block.accounts());
//! }
//! ```
//! [`scenario_blocks`] returns, per block ([`ScenarioBlock`]): its number, what it exercises, its
//! transactions with the expected receipt status, the accounts and storage slots it touches (what a
//! witness must cover: [`ScenarioBlock::accounts`] adds the [`SYSTEM_ACCOUNTS`] to the touched ones,
//! [`ScenarioBlock::slots`] lists an account's slots), the contracts it creates or destroys, anvil's
//! state root and Ethereum's. [`Anvil`] also has small typed helpers (`block`, `header`, `receipt`,
//! `code`, `proof`) and [`Anvil::rpc`] for anything else. [`transfer_blocks`] (ether transfers) and
//! [`token_call_blocks`] (calls of an ERC-20 compiled by solcjs) mine small blocks for proving.
//!
//! # The chain
//! anvil runs with `--hardfork prague --chain-id 31337 --no-mining --order fifo --timestamp T`:
//! blocks are mined only by [`Anvil::mine`] (`evm_mine`, [`BLOCK_TIME`] seconds after the parent), and
//! a block holds the pending transactions in the order they were sent. The chain, hashes included, is
//! the same on every run. Facts about anvil 1.7.1 that a consumer should know:
//! - Its default hardfork is not Prague but the latest (`Bpo1`, after Osaka); hence `--hardfork`.
//! - The genesis header's `stateRoot` is the empty-trie root although the dev accounts hold ether, so
//!   block 1 cannot be checked against its parent; [`scenario_blocks`] mines an empty block 1 first.
//! - Left to itself it stamps blocks with the wall clock, so a block can have its parent's timestamp.
//! - The coinbase is the zero address; `parentBeaconBlockRoot` and `mixHash` are zero; there are no
//!   withdrawals; `requestsHash` is `sha256("")` (no requests).
//! - The EIP-2935 history contract is in genesis and its system call runs every block; the EIP-4788
//!   beacon-roots contract and the EIP-7002/7251 request contracts have no code.
//! - It serves `eth_getProof` and `anvil_dumpState`, not `debug_executionWitness`.
//!
//! # anvil's state roots
//! anvil's header state root is the trie of every account and slot it holds, and it holds more than
//! Ethereum's state: a slot once written keeps a leaf when set to zero (value `0x80`), and so does a
//! zero written to a slot never set; an account emptied or never filled stays as an empty account
//! (a zero-value transfer to a fresh address, a contract self-destructed in its creating transaction)
//! where EIP-161 and EIP-6780 delete it. Its `eth_getProof` answers prove those leaves, consistently
//! with its roots. So wherever a block clears a slot or leaves an empty account, anvil's root is not
//! Ethereum's, and a correct executor disagrees with the header: the scenario recomputes both roots
//! from `anvil_dumpState` after each block, checks that anvil's is explained, and hands Ethereum's
//! over as [`ScenarioBlock::expected_state_root`].

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use alloy_consensus::{SignableTransaction, Signed, TxEip1559, TxEip2930, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_eips::eip2930::{AccessList, AccessListItem};
use alloy_primitives::{address, keccak256, Address, Bytes, Signature, TxKind, B256, KECCAK256_EMPTY, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_trie::{HashBuilder, Nibbles, TrieAccount};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};

use crate::{repo_root, scratch_dir};

/// The chain id anvil is started with.
pub const CHAIN_ID: u64 = 31337;

/// The genesis timestamp anvil is started with (2025-06-15, after Prague's activation on mainnet), so
/// that with [`BLOCK_TIME`] the chain, hashes included, is the same on every run.
pub const GENESIS_TIMESTAMP: u64 = 1_750_000_000;

/// Seconds between blocks that [`Anvil::mine`] mines.
pub const BLOCK_TIME: u64 = 12;

/// Where `scripts/setup` installs anvil (npm `@foundry-rs/anvil-linux-amd64`), from the repository root.
pub const SETUP_ANVIL_PATH: &str = "target/tools/npm/node_modules/.bin/anvil";

/// The private keys of anvil's ten dev accounts (mnemonic `test test ... junk`), each funded with
/// 10000 ether at genesis.
pub const DEV_KEYS: [&str; 10] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];

/// The signer of dev account `index` (0..10).
pub fn dev_signer(index: usize) -> PrivateKeySigner {
    DEV_KEYS[index].parse().expect("valid dev key")
}

/// System contracts that Prague's block-level system calls address, besides what transactions touch:
/// EIP-4788 beacon roots, EIP-2935 block-hash history, EIP-7002 withdrawal requests and EIP-7251
/// consolidation requests. Under anvil only the EIP-2935 one has code.
pub const SYSTEM_ACCOUNTS: [Address; 4] = [
    address!("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02"),
    address!("0x0000F90827F1C53a10cb7A02335B175320002935"),
    address!("0x00000961Ef480Eb55e80D19ad83579A64c007002"),
    address!("0x0000BBdDc7CE488642fb579F8B00f3a590007251"),
];

/// The EIP-2935 block-hash history contract (one of the [`SYSTEM_ACCOUNTS`]).
pub const HISTORY_CONTRACT: Address = SYSTEM_ACCOUNTS[1];

/// EIP-2935's ring buffer size: block N's system call writes the parent hash to slot (N - 1) mod this.
pub const HISTORY_SERVE_WINDOW: u64 = 8191;

/// The anvil binary: `$ZKMIPS_ANVIL`, else where `scripts/setup` installs it. Panics when missing.
pub fn anvil_bin() -> PathBuf {
    let bin = match std::env::var_os("ZKMIPS_ANVIL") {
        Some(path) => PathBuf::from(path),
        None => repo_root().join(SETUP_ANVIL_PATH),
    };
    assert!(bin.is_file(), "anvil not found at {}: run scripts/setup (or set ZKMIPS_ANVIL)", bin.display());
    bin
}

/// A running anvil node on 127.0.0.1; killed when dropped.
pub struct Anvil {
    /// The JSON-RPC endpoint, `http://127.0.0.1:PORT`.
    pub url: String,
    /// anvil's stdout and stderr (every request and mined block is logged there).
    pub log: PathBuf,
    child: Child,
    client: reqwest::blocking::Client,
    next_id: AtomicU32,
}

impl Anvil {
    /// Starts anvil (Prague, chain id 31337, mining only on `evm_mine`, fifo order) on a free port and
    /// waits until it answers `eth_chainId`. Panics, with anvil's log, if it does not come up.
    pub fn start() -> Anvil {
        Self::try_start().unwrap_or_else(|e| panic!("starting anvil: {e:#}"))
    }

    fn try_start() -> Result<Anvil> {
        static STARTED: AtomicU32 = AtomicU32::new(0);
        let bin = anvil_bin();
        let n = STARTED.fetch_add(1, Ordering::Relaxed);
        let log = scratch_dir("anvil").join(format!("anvil-{}-{n}.log", std::process::id()));
        let out = File::create(&log).with_context(|| format!("create {}", log.display()))?;
        let err = out.try_clone()?;
        // Port 0: anvil binds a free port and prints it, so no two tests race for one port.
        let mut child = Command::new(&bin)
            .args(["--host", "127.0.0.1", "--port", "0", "--hardfork", "prague", "--chain-id"])
            .arg(CHAIN_ID.to_string())
            .args(["--no-mining", "--order", "fifo", "--timestamp"])
            .arg(GENESIS_TIMESTAMP.to_string())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .with_context(|| format!("spawn {}", bin.display()))?;
        let client = reqwest::blocking::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build()?;
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(port) = listening_port(&text) {
                break port;
            }
            if let Some(status) = child.try_wait()? {
                bail!("anvil exited ({status}) before listening; log {}:\n{text}", log.display());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                bail!("anvil did not print its port in 30 s; log {}:\n{text}", log.display());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let anvil = Anvil { url: format!("http://127.0.0.1:{port}"), log, child, client, next_id: AtomicU32::new(1) };
        loop {
            match anvil.rpc("eth_chainId", json!([])) {
                Ok(id) => {
                    let id = quantity(&id)?;
                    if id != CHAIN_ID {
                        bail!("anvil answered chain id {id}, expected {CHAIN_ID}");
                    }
                    return Ok(anvil);
                }
                Err(e) if Instant::now() > deadline => return Err(e.context("anvil does not answer eth_chainId")),
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    /// One JSON-RPC call; an error response becomes an `Err` naming the method.
    pub fn rpc(&self, method: &str, params: Value) -> Result<Value> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        let response: Value = self
            .client
            .post(&self.url)
            .json(&body)
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .with_context(|| format!("{method} to {}", self.url))?;
        if let Some(error) = response.get("error") {
            bail!("{method} {params}: {error}");
        }
        response.get("result").cloned().ok_or_else(|| anyhow!("{method}: response without result: {response}"))
    }

    /// [`Anvil::rpc`] for calls that must succeed: panics with the error.
    pub fn call(&self, method: &str, params: Value) -> Value {
        self.rpc(method, params).unwrap_or_else(|e| panic!("{e:#}"))
    }

    /// The latest block number.
    pub fn block_number(&self) -> u64 {
        quantity(&self.call("eth_blockNumber", json!([]))).expect("block number")
    }

    /// Block `number` as JSON (`eth_getBlockByNumber`), with full transactions if `full`.
    pub fn block(&self, number: u64, full: bool) -> Value {
        let block = self.call("eth_getBlockByNumber", json!([hex_u64(number), full]));
        assert!(!block.is_null(), "block {number} does not exist");
        block
    }

    /// The header of block `number`, checked to hash to the block's `hash`.
    pub fn header(&self, number: u64) -> alloy_consensus::Header {
        let block = self.block(number, false);
        let header: alloy_consensus::Header =
            serde_json::from_value(block.clone()).unwrap_or_else(|e| panic!("header of block {number}: {e}"));
        let hash: B256 = serde_json::from_value(block["hash"].clone()).expect("block hash");
        assert_eq!(header.hash_slow(), hash, "block {number}: header does not hash to the block hash");
        header
    }

    /// The receipt of a transaction (`eth_getTransactionReceipt`); panics if there is none.
    pub fn receipt(&self, tx: B256) -> Value {
        let receipt = self.call("eth_getTransactionReceipt", json!([tx]));
        assert!(!receipt.is_null(), "no receipt for {tx}");
        receipt
    }

    /// The code of `account` at block `number`.
    pub fn code(&self, account: Address, number: u64) -> Bytes {
        serde_json::from_value(self.call("eth_getCode", json!([account, hex_u64(number)]))).expect("code")
    }

    /// `eth_getProof` for `account` and `slots` at block `number`.
    pub fn proof(&self, account: Address, slots: &[B256], number: u64) -> Value {
        self.call("eth_getProof", json!([account, slots, hex_u64(number)]))
    }

    /// The next nonce of `account`, counting pending transactions.
    pub fn pending_nonce(&self, account: Address) -> u64 {
        quantity(&self.call("eth_getTransactionCount", json!([account, "pending"]))).expect("nonce")
    }

    /// Sends a signed, EIP-2718-encoded transaction; checks anvil took it under the expected hash.
    pub fn send_raw(&self, tx: &TxEnvelope) -> B256 {
        let hash = *tx.tx_hash();
        let raw = Bytes::from(tx.encoded_2718());
        let got: B256 = serde_json::from_value(self.call("eth_sendRawTransaction", json!([raw]))).expect("tx hash");
        assert_eq!(got, hash, "anvil hashed the transaction differently");
        hash
    }

    /// Mines one block with the pending transactions (`evm_mine`) and returns its number. Its timestamp
    /// is its parent's plus [`BLOCK_TIME`] (anvil would use the wall clock, which can repeat the
    /// parent's timestamp and makes hashes differ between runs).
    pub fn mine(&self) -> u64 {
        let before = self.block_number();
        let parent_time = quantity(&self.block(before, false)["timestamp"]).expect("timestamp");
        self.call("evm_setNextBlockTimestamp", json!([parent_time + BLOCK_TIME]));
        self.call("evm_mine", json!([]));
        let after = self.block_number();
        assert_eq!(after, before + 1, "evm_mine did not mine exactly one block");
        after
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port in anvil's `Listening on 127.0.0.1:PORT` line.
fn listening_port(log: &str) -> Option<u16> {
    log.lines().find_map(|l| l.trim().strip_prefix("Listening on 127.0.0.1:")?.trim().parse().ok())
}

/// Parses a JSON-RPC quantity (`"0x1a"`).
pub fn quantity(v: &Value) -> Result<u64> {
    let s = v.as_str().ok_or_else(|| anyhow!("quantity is not a string: {v}"))?;
    let digits = s.strip_prefix("0x").ok_or_else(|| anyhow!("quantity without 0x: {s}"))?;
    u64::from_str_radix(digits, 16).with_context(|| format!("bad quantity {s}"))
}

fn hex_u64(n: u64) -> String {
    format!("{n:#x}")
}

// ---------------------------------------------------------------------------------------------------
// Contracts, hand-assembled. Offsets on the left, stack after each instruction on the right (top first).

/// `Store`'s runtime: calldata is a list of 64-byte (slot, value) pairs; each pair is SSTOREd in order,
/// then LOG1 with topic = calldata size. A trailing half pair (length = 32 mod 64) is stored as
/// (slot, 0) and then the call REVERTs, which undoes every write: the intended-revert case.
/// Empty calldata (a plain ether transfer) just logs.
pub const STORE_RUNTIME: &[u8] = &[
    0x60, 0x00, // 00 PUSH1 0         [i=0]
    0x5b, //       02 JUMPDEST loop   [i]
    0x36, //       03 CALLDATASIZE    [n, i]
    0x81, //       04 DUP2            [i, n, i]
    0x10, //       05 LT              [i<n, i]
    0x60, 0x13, // 06 PUSH1 body      [body, i<n, i]
    0x57, //       08 JUMPI           [i]
    0x36, //       09 CALLDATASIZE    [n, i]
    0x10, //       0a LT              [n<i]        (overshot: a half pair)
    0x60, 0x22, // 0b PUSH1 revert    [revert, n<i]
    0x57, //       0d JUMPI           []
    0x36, //       0e CALLDATASIZE    [n]
    0x5f, //       0f PUSH0           [0, n]
    0x80, //       10 DUP1            [0, 0, n]
    0xa1, //       11 LOG1            []           LOG1(offset 0, size 0, topic n)
    0x00, //       12 STOP
    0x5b, //       13 JUMPDEST body   [i]
    0x80, //       14 DUP1            [i, i]
    0x60, 0x20, // 15 PUSH1 32        [32, i, i]
    0x01, //       17 ADD             [i+32, i]
    0x35, //       18 CALLDATALOAD    [value, i]
    0x81, //       19 DUP2            [i, value, i]
    0x35, //       1a CALLDATALOAD    [slot, value, i]
    0x55, //       1b SSTORE          [i]          storage[slot] = value
    0x60, 0x40, // 1c PUSH1 64        [64, i]
    0x01, //       1e ADD             [i+64]
    0x60, 0x02, // 1f PUSH1 loop      [loop, i+64]
    0x56, //       21 JUMP
    0x5b, //       22 JUMPDEST revert
    0x5f, //       23 PUSH0           [0]
    0x80, //       24 DUP1            [0, 0]
    0xfd, //       25 REVERT                       REVERT(0, 0)
];

/// `Store`'s constructor: slot 0 = 42, slot 1 = the deployer (runs before the code is returned).
pub const STORE_CONSTRUCTOR: &[u8] = &[
    0x60, 0x2a, // PUSH1 42     [42]
    0x5f, //       PUSH0        [0, 42]
    0x55, //       SSTORE       []       storage[0] = 42
    0x33, //       CALLER       [caller]
    0x60, 0x01, // PUSH1 1      [1, caller]
    0x55, //       SSTORE       []       storage[1] = caller
];

/// `Bomb`'s runtime: any call SELFDESTRUCTs to the caller. Deployed in an earlier transaction, so under
/// EIP-6780 (Cancun+) this only moves the balance: the account and its code stay.
pub const BOMB_RUNTIME: &[u8] = &[
    0x33, // CALLER          [caller]
    0xff, // SELFDESTRUCT             send the balance to the caller
];

/// Init code that runs `constructor`, then returns `runtime` as the contract's code:
/// `constructor ++ PUSH1 len; DUP1; PUSH1 off; PUSH0; CODECOPY; PUSH0; RETURN ++ runtime`, where `off`
/// is where `runtime` starts in the init code.
pub fn init_code(constructor: &[u8], runtime: &[u8]) -> Bytes {
    const TAIL: usize = 9; // the bytes between the constructor and the runtime
    let off = constructor.len() + TAIL;
    let len = u8::try_from(runtime.len()).expect("runtime under 256 bytes");
    let off = u8::try_from(off).expect("constructor under 247 bytes");
    let mut code = constructor.to_vec();
    code.extend_from_slice(&[
        0x60, len,  // PUSH1 len    [len]
        0x80, //      DUP1         [len, len]
        0x60, off,  // PUSH1 off    [off, len, len]
        0x5f, //      PUSH0        [0, off, len, len]
        0x39, //      CODECOPY     [len]          memory[0..len] = code[off..off+len]
        0x5f, //      PUSH0        [0, len]
        0xf3, //      RETURN                      return memory[0..len]
    ]);
    debug_assert_eq!(code.len(), off as usize);
    code.extend_from_slice(runtime);
    code.into()
}

/// Init code that writes storage and then SELFDESTRUCTs to `beneficiary` (to itself when `None`, which
/// burns the balance). Under EIP-6780 an account created in the same transaction is deleted with its
/// storage, so no contract remains.
pub fn self_destructing_init_code(beneficiary: Option<Address>) -> Bytes {
    let mut code = vec![
        0x60, 0x01, // PUSH1 1     [1]
        0x5f, //       PUSH0       [0, 1]
        0x55, //       SSTORE      []         storage[0] = 1 (dies with the account)
    ];
    match beneficiary {
        Some(to) => {
            code.push(0x73); // PUSH20 beneficiary  [beneficiary]
            code.extend_from_slice(to.as_slice());
        }
        None => code.push(0x30), // ADDRESS   [self]
    }
    code.push(0xff); // SELFDESTRUCT
    code.into()
}

/// `Store` calldata: each (slot, value) pair as two 32-byte words.
pub fn store_calldata(pairs: &[(u64, u64)]) -> Bytes {
    pairs
        .iter()
        .flat_map(|&(slot, value)| [U256::from(slot), U256::from(value)])
        .flat_map(|w| w.to_be_bytes::<32>())
        .collect()
}

/// `Store` calldata that writes `pairs`, then clears `last_slot` and reverts (see [`STORE_RUNTIME`]).
pub fn store_calldata_reverting(pairs: &[(u64, u64)], last_slot: u64) -> Bytes {
    let mut data = store_calldata(pairs).to_vec();
    data.extend_from_slice(&U256::from(last_slot).to_be_bytes::<32>());
    data.into()
}

/// A storage slot key as `eth_getProof` takes it.
pub fn slot(n: u64) -> B256 {
    B256::from(U256::from(n))
}

// ---------------------------------------------------------------------------------------------------
// State roots recomputed from anvil's state dump.

/// One account of anvil's state as `anvil_dumpState` gives it.
#[derive(Debug, Clone)]
struct DumpedAccount {
    nonce: u64,
    balance: U256,
    code_hash: B256,
    /// Every slot anvil holds, zero-valued ones included.
    storage: BTreeMap<B256, U256>,
}

/// anvil's whole latest state.
type DumpedState = BTreeMap<Address, DumpedAccount>;

impl Anvil {
    /// anvil's latest state (`anvil_dumpState`: hex of gzipped JSON).
    fn dump_state(&self) -> DumpedState {
        let hex_text = self.call("anvil_dumpState", json!([]));
        let gz: Bytes = hex_text.as_str().and_then(|s| s.parse().ok()).expect("anvil_dumpState answers hex");
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz.as_ref()).read_to_string(&mut text).expect("gunzip anvil state dump");
        let dump: Value = serde_json::from_str(&text).expect("anvil state dump is JSON");
        let accounts = dump["accounts"].as_object().expect("dump has accounts");
        accounts
            .iter()
            .map(|(address, account)| {
                let parse_u256 = |v: &Value| -> U256 { v.as_str().and_then(|s| s.parse().ok()).expect("hex number") };
                let code: Bytes = account["code"].as_str().and_then(|s| s.parse().ok()).expect("code");
                let storage = account["storage"]
                    .as_object()
                    .map(|slots| {
                        slots
                            .iter()
                            .map(|(k, v)| (B256::from(k.parse::<U256>().expect("slot")), parse_u256(v)))
                            .collect()
                    })
                    .unwrap_or_default();
                let account = DumpedAccount {
                    nonce: account["nonce"].as_u64().expect("nonce"),
                    balance: parse_u256(&account["balance"]),
                    code_hash: keccak256(&code),
                    storage,
                };
                (address.parse().expect("address"), account)
            })
            .collect()
    }
}

impl DumpedAccount {
    /// EIP-161's empty: no nonce, no balance, no code.
    fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code_hash == KECCAK256_EMPTY
    }
}

/// The state root of `state`, with only the accounts `keep_account` and the slots `keep_slot` accept.
fn dump_root(
    state: &DumpedState,
    keep_account: impl Fn(Address, &DumpedAccount) -> bool,
    keep_slot: impl Fn(Address, B256, U256) -> bool,
) -> B256 {
    let mut leaves: Vec<(Nibbles, Vec<u8>)> = state
        .iter()
        .filter(|&(&address, account)| keep_account(address, account))
        .map(|(&address, account)| {
            let slots = account.storage.iter().filter(|&(&k, &v)| keep_slot(address, k, v));
            let storage_root = trie_root(slots.map(|(k, v)| (keccak256(k), alloy_rlp::encode(v))).collect());
            let trie_account = TrieAccount::new(account.nonce, account.balance, storage_root, account.code_hash);
            (keccak256(address), alloy_rlp::encode(trie_account))
        })
        .map(|(key, value)| (Nibbles::unpack(key), value))
        .collect();
    leaves.sort();
    root_of_sorted(&leaves)
}

fn trie_root(leaves: Vec<(B256, Vec<u8>)>) -> B256 {
    let mut leaves: Vec<(Nibbles, Vec<u8>)> = leaves.into_iter().map(|(k, v)| (Nibbles::unpack(k), v)).collect();
    leaves.sort();
    root_of_sorted(&leaves)
}

fn root_of_sorted(leaves: &[(Nibbles, Vec<u8>)]) -> B256 {
    let mut builder = HashBuilder::default();
    for (key, value) in leaves {
        builder.add_leaf(*key, value);
    }
    builder.root()
}

// ---------------------------------------------------------------------------------------------------
// The scenario.

/// A transaction of a scenario block.
#[derive(Debug, Clone)]
pub struct ScenarioTx {
    pub hash: B256,
    /// The expected (and checked) receipt status.
    pub succeeds: bool,
    /// What it does.
    pub what: &'static str,
}

/// A block [`scenario_blocks`] mined, with what a witness for it must cover.
#[derive(Debug, Clone)]
pub struct ScenarioBlock {
    pub number: u64,
    /// What the block exercises.
    pub what: &'static str,
    /// Its transactions, in block order.
    pub txs: Vec<ScenarioTx>,
    /// Accounts the transactions touch: senders, recipients (existing or not), created contracts,
    /// SELFDESTRUCT beneficiaries, and the block's coinbase. Sorted, without duplicates.
    pub touched: Vec<Address>,
    /// Storage slots the transactions read or write (including reverted writes), per contract, and
    /// the slot of the EIP-2935 history contract that the block's system call writes.
    pub storage: Vec<(Address, Vec<B256>)>,
    /// Contracts created in this block that still have code after it.
    pub created: Vec<Address>,
    /// Contracts created and self-destructed within one transaction of this block: no account after.
    pub destroyed: Vec<Address>,
    /// The header's state root, anvil's.
    pub state_root: B256,
    /// The post-state root Ethereum's rules give when this block is applied to its parent's state as
    /// anvil committed it (anvil's parent root), which is what a correct executor computes. It differs
    /// from [`ScenarioBlock::state_root`] when the block writes zero to a storage slot: anvil 1.7.1
    /// keeps every slot ever written in its storage tries, zero-valued ones as leaves with value
    /// `0x80`, where Ethereum deletes the slot (or never adds it).
    pub expected_state_root: B256,
}

impl ScenarioBlock {
    /// [`ScenarioBlock::touched`], plus [`SYSTEM_ACCOUNTS`]: every account whose proof a witness needs.
    pub fn accounts(&self) -> Vec<Address> {
        let mut all = self.touched.clone();
        all.extend(SYSTEM_ACCOUNTS);
        all.sort();
        all.dedup();
        all
    }

    /// The slots of `account` in [`ScenarioBlock::storage`] (empty if none).
    pub fn slots(&self, account: Address) -> &[B256] {
        self.storage.iter().find(|(a, _)| *a == account).map(|(_, s)| s.as_slice()).unwrap_or(&[])
    }

    /// Whether anvil's header state root is the one Ethereum's rules give (see
    /// [`ScenarioBlock::expected_state_root`]).
    pub fn anvil_root_is_canonical(&self) -> bool {
        self.state_root == self.expected_state_root
    }
}

/// Small blocks for proving: over a fresh chain, an empty block over genesis (anvil's genesis
/// proofs do not match its genesis root, so no witness can start there), then one block per entry
/// of `transfers`, each holding that many EIP-1559 transfers of 1 ether from dev account 0 to dev
/// account 1 (accounts that exist, so anvil's state roots are Ethereum's). Returns the blocks,
/// checked like [`scenario_blocks`]'.
pub fn transfer_blocks(anvil: &Anvil, transfers: &[usize]) -> Vec<ScenarioBlock> {
    let mut state = anvil.dump_state();
    let mut blocks = vec![];
    if anvil.block_number() == 0 {
        blocks.push(BlockBuilder::new(anvil, "empty block over genesis").mine(&mut state));
    }
    let account1 = dev_signer(1).address();
    for &count in transfers {
        let mut b = BlockBuilder::new(anvil, "transfers");
        for _ in 0..count {
            b.transfer("0 -> account 1: 1 ether", 0, Kind::DynamicFee, account1, ETHER);
        }
        blocks.push(b.mine(&mut state));
    }
    blocks
}

/// How many dev accounts (0, 1, ...) send the calls of [`token_call_blocks`]' token block.
pub const TOKEN_SENDERS: usize = 5;

/// The supply `tests/contracts/Token.sol` is deployed with, all of it to dev account 0.
pub const TOKEN_SUPPLY: u128 = 1_000_000 * ETHER;

/// What dev account 0 gives each of the other [`TOKEN_SENDERS`] in the deployment block.
pub const TOKEN_FUNDING: u128 = 1_000 * ETHER;

/// The `i`th recipient of [`token_call_blocks`]' calls: `0x7e7e..7e` followed by `i` as two bytes,
/// an address with no account and no token balance before.
pub fn token_recipient(i: usize) -> Address {
    let mut bytes = [0x7e; 20];
    bytes[18..].copy_from_slice(&u16::try_from(i).expect("under 65536 recipients").to_be_bytes());
    Address::from(bytes)
}

/// The token amount [`token_call_blocks`]' call `i` moves (a thousandth of a token, times `i + 1`).
pub fn token_amount(i: usize) -> U256 {
    U256::from(i as u128 + 1) * U256::from(ETHER / 1000)
}

/// The storage slot of `Token.balanceOf[holder]` (the mapping is the contract's slot 1).
pub fn token_balance_slot(holder: Address) -> B256 {
    let mut key = [0u8; 64];
    key[12..32].copy_from_slice(holder.as_slice());
    key[63] = 1;
    keccak256(key)
}

/// Calldata of `Token.transfer(to, value)`.
pub fn token_transfer_calldata(to: Address, value: U256) -> Bytes {
    let mut data = keccak256("transfer(address,uint256)")[..4].to_vec();
    data.extend_from_slice(B256::left_padding_from(to.as_slice()).as_slice());
    data.extend_from_slice(&value.to_be_bytes::<32>());
    data.into()
}

/// A block of ordinary contract calls, for the block-proving figures: over a fresh chain, an empty
/// block over genesis (as in [`transfer_blocks`]), then
/// 1. **token deployment**: dev account 0 deploys the ERC-20 of `tests/contracts/Token.sol`
///    (compiled by solcjs, [`crate::solc`]) with [`TOKEN_SUPPLY`], and sends [`TOKEN_FUNDING`] to
///    each of dev accounts 1 .. [`TOKEN_SENDERS`];
/// 2. **token calls**: exactly `calls` EIP-1559 calls of `transfer`, call `i` from dev account
///    `i % TOKEN_SENDERS` moving [`token_amount`]`(i)` to [`token_recipient`]`(i)`, each a new
///    storage slot and a `Transfer` log.
///
/// Returns the blocks (the token is the deployment block's only [`ScenarioBlock::created`]),
/// checked like [`scenario_blocks`]', and checks every receipt succeeded, the token's code is the
/// compiled runtime and the recipients' balances. Nothing is set to zero and no empty account is
/// left, so anvil's state roots are Ethereum's.
///
/// # Panics
/// When solcjs is missing (run `scripts/setup`) or the token does not compile.
pub fn token_call_blocks(anvil: &Anvil, calls: usize) -> Vec<ScenarioBlock> {
    let token_code = crate::solc::compile(&crate::solc::token_source(), "Token").unwrap_or_else(|e| panic!("{e:#}"));
    let mut state = anvil.dump_state();
    let mut blocks = vec![];
    if anvil.block_number() == 0 {
        blocks.push(BlockBuilder::new(anvil, "empty block over genesis").mine(&mut state));
    }

    let deployer = dev_signer(0).address();
    let mut init = token_code.creation.to_vec();
    init.extend_from_slice(&U256::from(TOKEN_SUPPLY).to_be_bytes::<32>());
    let mut b = BlockBuilder::new(anvil, "token deployment");
    let supply_slot = slot(0);
    let token = b.deploy("0: deploy Token", 0, Kind::DynamicFee, init.into(), 0, &[supply_slot], true);
    b.add_slots(token, &[token_balance_slot(deployer)]);
    for sender in 1..TOKEN_SENDERS {
        let to = dev_signer(sender).address();
        let data = token_transfer_calldata(to, U256::from(TOKEN_FUNDING));
        b.call("0: fund a sender with tokens", 0, Kind::DynamicFee, token, data, &[token_balance_slot(to)]);
    }
    blocks.push(b.mine(&mut state));
    let deployed = blocks.last().unwrap().number;
    assert_eq!(anvil.code(token, deployed), token_code.runtime, "Token at {token} has unexpected code");

    let mut b = BlockBuilder::new(anvil, "token calls");
    for i in 0..calls {
        let from = i % TOKEN_SENDERS;
        let to = token_recipient(i);
        let slots = [token_balance_slot(dev_signer(from).address()), token_balance_slot(to)];
        let data = token_transfer_calldata(to, token_amount(i));
        b.call("token transfer to a new holder", from, Kind::DynamicFee, token, data, &slots);
    }
    let block = b.mine(&mut state);
    for i in 0..calls {
        let balance_of =
            [&keccak256("balanceOf(address)")[..4], B256::left_padding_from(token_recipient(i).as_slice()).as_slice()]
                .concat();
        let answer =
            anvil.call("eth_call", json!([{ "to": token, "data": Bytes::from(balance_of) }, hex_u64(block.number)]));
        let balance: U256 = answer.as_str().and_then(|s| s.parse().ok()).expect("balanceOf answers a word");
        assert_eq!(balance, token_amount(i), "token balance of recipient {i}");
    }
    assert!(block.anvil_root_is_canonical(), "block {}: anvil's root is not Ethereum's", block.number);
    blocks.push(block);
    blocks
}

/// The transaction envelope a scenario transaction is sent in.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// EIP-155 legacy.
    Legacy,
    /// EIP-2930, with the callee's slots named so far in this block in the access list.
    AccessList,
    /// EIP-1559.
    DynamicFee,
}

const GWEI: u128 = 1_000_000_000;
const ETHER: u128 = 1_000_000_000_000_000_000;

/// Queues the transactions of one block, then mines it and checks it.
struct BlockBuilder<'a> {
    anvil: &'a Anvil,
    what: &'static str,
    txs: Vec<ScenarioTx>,
    touched: Vec<Address>,
    storage: Vec<(Address, Vec<B256>)>,
    created: Vec<Address>,
    destroyed: Vec<Address>,
}

impl<'a> BlockBuilder<'a> {
    fn new(anvil: &'a Anvil, what: &'static str) -> Self {
        BlockBuilder { anvil, what, txs: vec![], touched: vec![], storage: vec![], created: vec![], destroyed: vec![] }
    }

    /// Signs and sends one transaction from dev account `from`; returns the callee, or the created
    /// address for a deployment.
    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        what: &'static str,
        from: usize,
        kind: Kind,
        to: TxKind,
        value: u128,
        input: Bytes,
        gas_limit: u64,
        succeeds: bool,
    ) -> Address {
        let signer = dev_signer(from);
        let sender = signer.address();
        let nonce = self.anvil.pending_nonce(sender);
        let value = U256::from(value);
        let tx: TxEnvelope = match kind {
            Kind::Legacy => {
                let tx =
                    TxLegacy { chain_id: Some(CHAIN_ID), nonce, gas_price: 20 * GWEI, gas_limit, to, value, input };
                sign(&signer, tx).into()
            }
            Kind::AccessList => {
                let access_list = match to {
                    TxKind::Call(callee) => {
                        let storage_keys = self.slots(callee).to_vec();
                        AccessList(vec![AccessListItem { address: callee, storage_keys }])
                    }
                    TxKind::Create => AccessList::default(),
                };
                let tx = TxEip2930 {
                    chain_id: CHAIN_ID,
                    nonce,
                    gas_price: 20 * GWEI,
                    gas_limit,
                    to,
                    value,
                    access_list,
                    input,
                };
                sign(&signer, tx).into()
            }
            Kind::DynamicFee => {
                let tx = TxEip1559 {
                    chain_id: CHAIN_ID,
                    nonce,
                    gas_limit,
                    max_fee_per_gas: 20 * GWEI,
                    max_priority_fee_per_gas: GWEI,
                    to,
                    value,
                    access_list: AccessList::default(),
                    input,
                };
                sign(&signer, tx).into()
            }
        };
        let hash = self.anvil.send_raw(&tx);
        self.txs.push(ScenarioTx { hash, succeeds, what });
        self.touched.push(sender);
        let target = match to {
            TxKind::Call(to) => to,
            TxKind::Create => sender.create(nonce),
        };
        self.touched.push(target);
        target
    }

    fn transfer(&mut self, what: &'static str, from: usize, kind: Kind, to: Address, value: u128) {
        self.send(what, from, kind, TxKind::Call(to), value, Bytes::new(), 21_000, true);
    }

    /// Calls a contract with no calldata.
    fn poke(&mut self, what: &'static str, from: usize, kind: Kind, to: Address, value: u128) {
        self.send(what, from, kind, TxKind::Call(to), value, Bytes::new(), 100_000, true);
    }

    /// Deploys `init`, whose constructor writes `slots`; `has_code` says whether a contract remains
    /// (false for a self-destruct).
    #[allow(clippy::too_many_arguments)]
    fn deploy(
        &mut self,
        what: &'static str,
        from: usize,
        kind: Kind,
        init: Bytes,
        value: u128,
        slots: &[B256],
        has_code: bool,
    ) -> Address {
        let created = self.send(what, from, kind, TxKind::Create, value, init, 500_000, true);
        self.add_slots(created, slots);
        if has_code {
            self.created.push(created);
        } else {
            self.destroyed.push(created);
        }
        created
    }

    /// Calls `contract` with `data` and no value, recording the storage `slots` it touches.
    fn call(&mut self, what: &'static str, from: usize, kind: Kind, contract: Address, data: Bytes, slots: &[B256]) {
        self.add_slots(contract, slots);
        self.send(what, from, kind, TxKind::Call(contract), 0, data, 200_000, true);
    }

    /// Calls a `Store` contract with `data`, recording the slots it names.
    fn store(&mut self, what: &'static str, from: usize, kind: Kind, store: Address, data: Bytes, succeeds: bool) {
        let slots: Vec<B256> = data.chunks(64).map(|pair| B256::from_slice(&pair[..32])).collect();
        self.add_slots(store, &slots);
        self.send(what, from, kind, TxKind::Call(store), 0, data, 2_000_000, succeeds);
    }

    fn slots(&self, account: Address) -> &[B256] {
        self.storage.iter().find(|(a, _)| *a == account).map(|(_, s)| s.as_slice()).unwrap_or(&[])
    }

    fn add_slots(&mut self, account: Address, slots: &[B256]) {
        if slots.is_empty() {
            return;
        }
        let at = match self.storage.iter().position(|(a, _)| *a == account) {
            Some(at) => at,
            None => {
                self.storage.push((account, vec![]));
                self.storage.len() - 1
            }
        };
        let list = &mut self.storage[at].1;
        list.extend_from_slice(slots);
        list.sort();
        list.dedup();
    }

    /// Mines the block and checks it holds exactly the queued transactions, in order, with the
    /// expected receipt statuses; `parent` is anvil's state before the block, and becomes the state
    /// after it.
    fn mine(mut self, parent: &mut DumpedState) -> ScenarioBlock {
        let number = self.anvil.mine();
        let block = self.anvil.block(number, false);
        let in_block: Vec<B256> = serde_json::from_value(block["transactions"].clone()).expect("tx hashes");
        let queued: Vec<B256> = self.txs.iter().map(|t| t.hash).collect();
        assert_eq!(in_block, queued, "block {number} ({}) does not hold the queued transactions in order", self.what);
        for tx in &self.txs {
            let receipt = self.anvil.receipt(tx.hash);
            let status = quantity(&receipt["status"]).expect("receipt status");
            assert_eq!(status == 1, tx.succeeds, "block {number}: tx {} ({}) has status {status}", tx.hash, tx.what);
            assert_eq!(quantity(&receipt["blockNumber"]).expect("receipt block"), number);
        }
        let coinbase: Address = serde_json::from_value(block["miner"].clone()).expect("miner");
        self.touched.push(coinbase);
        self.add_slots(HISTORY_CONTRACT, &[slot((number - 1) % HISTORY_SERVE_WINDOW)]);
        self.touched.sort();
        self.touched.dedup();

        // anvil's root is the trie of every account and slot it holds. Ethereum's drops zero-valued
        // slots and empty accounts (EIP-161), except those anvil's parent trie already held: the
        // scenario's blocks do not touch those, so an executor leaves them as they are.
        let state_root: B256 = serde_json::from_value(block["stateRoot"].clone()).expect("state root");
        let state = self.anvil.dump_state();
        let whole_dump = dump_root(&state, |_, _| true, |_, _, _| true);
        let expected_state_root = dump_root(
            &state,
            |address, account| !account.is_empty() || parent.get(&address).is_some_and(DumpedAccount::is_empty),
            |address, key, value| {
                !value.is_zero() || parent.get(&address).is_some_and(|a| a.storage.get(&key) == Some(&U256::ZERO))
            },
        );
        assert!(
            state_root == whole_dump || state_root == expected_state_root,
            "block {number}: anvil's state root {state_root} is neither the root of its state dump ({whole_dump}) \
             nor Ethereum's ({expected_state_root})"
        );
        *parent = state;
        ScenarioBlock {
            number,
            what: self.what,
            txs: self.txs,
            touched: self.touched,
            storage: self.storage,
            created: self.created,
            destroyed: self.destroyed,
            state_root,
            expected_state_root,
        }
    }
}

fn sign<T: SignableTransaction<Signature>>(signer: &PrivateKeySigner, tx: T) -> Signed<T> {
    let signature = signer.sign_hash_sync(&tx.signature_hash()).expect("sign");
    tx.into_signed(signature)
}

/// A fresh address (no account at genesis), recognisable in logs: the byte repeated.
pub fn fresh(byte: u8) -> Address {
    Address::repeat_byte(byte)
}

/// Mines the scenario on a fresh `anvil` and returns its blocks, in order:
///
/// 1. an empty block 1, if the chain is at genesis (genesis' state root is not real; see module doc);
/// 2. **(a) transfers**: four ether transfers from three senders, to existing and fresh accounts, and
///    a zero-value transfer to a fresh account (EIP-161: no account is created);
/// 3. **(b) deploy**: `Store` A, B and C (constructors write slots 0 and 1) and `Bomb` (holding 1 ether);
/// 4. **(c) write storage**: 32 new slots in A, a change of A's slot 0, new slots in B and C, and a
///    call that writes and then REVERTs (status 0, no writes remain);
/// 5. **(e) self-destruct**: contracts that SELFDESTRUCT in their creating transaction (to a fresh
///    beneficiary, and to themselves, burning the value), and a call to the older `Bomb`, which only
///    moves its balance (EIP-6780);
/// 6. **(f) mixed**: ten transactions from seven senders, legacy, EIP-2930 and EIP-1559: a transfer, new
///    and changed slots in A, slots of C cleared (one written and cleared by two transactions of the
///    block), `Store` D deployed and written, a create-and-SELFDESTRUCT, a REVERT, `Bomb` again, ether
///    to A;
/// 7. **(d) clear storage**: 28 of A's 36 slots set to zero (trie branches collapse), every slot of B
///    cleared (its storage trie becomes empty), a slot set and cleared in one transaction, zero written
///    to a slot never set.
///
/// Storage deletions come last and only (f) clears C, so that each block's parent has no zero-valued
/// slots in the tries the block changes, which makes [`ScenarioBlock::expected_state_root`] what any
/// correct executor computes (anvil's own root differs for (f) and (d)).
///
/// Every transaction's receipt status is checked, and each block is checked to hold exactly the
/// transactions sent for it.
///
/// # Assumptions
/// A fresh chain from [`Anvil::start`]: nonces are read from the node, but the contract addresses, and
/// so the checks, assume nothing was sent before.
pub fn scenario_blocks(anvil: &Anvil) -> Vec<ScenarioBlock> {
    let mut state = anvil.dump_state();
    let mut blocks = vec![];
    if anvil.block_number() == 0 {
        blocks.push(BlockBuilder::new(anvil, "empty block over genesis").mine(&mut state));
    }
    let store = || init_code(STORE_CONSTRUCTOR, STORE_RUNTIME);
    let account1 = dev_signer(1).address();

    // (a) Plain ether transfers.
    let mut b = BlockBuilder::new(anvil, "(a) ether transfers");
    b.transfer("0 -> fresh 0xf1..: 1 ether", 0, Kind::DynamicFee, fresh(0xf1), ETHER);
    b.transfer("0 -> account 1: 2 ether", 0, Kind::DynamicFee, account1, 2 * ETHER);
    b.transfer("1 -> fresh 0xf2..: 0.5 ether", 1, Kind::DynamicFee, fresh(0xf2), ETHER / 2);
    b.transfer("2 -> 0xf1.. (created this block): 1 wei (legacy)", 2, Kind::Legacy, fresh(0xf1), 1);
    b.transfer("0 -> fresh 0xf3..: 0 wei (stays absent)", 0, Kind::DynamicFee, fresh(0xf3), 0);
    blocks.push(b.mine(&mut state));

    // (b) Deployments with constructors that write storage.
    let mut b = BlockBuilder::new(anvil, "(b) contract deployments");
    let constructed = [slot(0), slot(1)];
    let store_a = b.deploy("deploy Store A", 0, Kind::DynamicFee, store(), 0, &constructed, true);
    let store_b = b.deploy("deploy Store B", 1, Kind::DynamicFee, store(), 0, &constructed, true);
    let store_c = b.deploy("deploy Store C", 1, Kind::DynamicFee, store(), 0, &constructed, true);
    let bomb =
        b.deploy("deploy Bomb with 1 ether", 2, Kind::DynamicFee, init_code(&[], BOMB_RUNTIME), ETHER, &[], true);
    blocks.push(b.mine(&mut state));
    for contract in [store_a, store_b, store_c] {
        let code = anvil.code(contract, blocks.last().unwrap().number);
        assert_eq!(code.as_ref(), STORE_RUNTIME, "Store at {contract} has unexpected code");
    }

    // (c) Storage writes: many new slots (so that clearing them later collapses branches), changes,
    // and a reverted write.
    let mut b = BlockBuilder::new(anvil, "(c) storage writes");
    let many: Vec<(u64, u64)> = (2..34).map(|s| (s, 0x100 + s)).collect();
    b.store("A: 32 new slots 2..34", 0, Kind::DynamicFee, store_a, store_calldata(&many), true);
    b.store("A: slot 0 42 -> 7", 1, Kind::DynamicFee, store_a, store_calldata(&[(0, 7)]), true);
    let b_slots: Vec<(u64, u64)> = (2..7).map(|s| (s, s)).collect();
    b.store("B: 5 new slots 2..7", 1, Kind::DynamicFee, store_b, store_calldata(&b_slots), true);
    b.store(
        "C: 4 new slots 2..6",
        3,
        Kind::DynamicFee,
        store_c,
        store_calldata(&[(2, 2), (3, 3), (4, 4), (5, 5)]),
        true,
    );
    let reverting = store_calldata_reverting(&[(100, 1), (2, 0)], 3);
    b.store("A: write 100, clear 2 and 3, REVERT", 2, Kind::DynamicFee, store_a, reverting, false);
    blocks.push(b.mine(&mut state));

    // (e) SELFDESTRUCT.
    let mut b = BlockBuilder::new(anvil, "(e) self-destruct");
    let init = self_destructing_init_code(Some(fresh(0xb1)));
    b.deploy("create with 1 ether, SELFDESTRUCT to fresh 0xb1..", 3, Kind::DynamicFee, init, ETHER, &[slot(0)], false);
    b.touched.push(fresh(0xb1));
    let burner = self_destructing_init_code(None);
    b.deploy("create with 1 gwei, SELFDESTRUCT to itself", 3, Kind::DynamicFee, burner, GWEI, &[slot(0)], false);
    b.poke("call Bomb: SELFDESTRUCT to caller", 4, Kind::DynamicFee, bomb, 0);
    blocks.push(b.mine(&mut state));

    // (f) Everything at once, several senders and transaction types; only C's slots are cleared.
    let mut b = BlockBuilder::new(anvil, "(f) mixed");
    b.transfer("3 -> fresh 0xf4..: 3 ether (legacy)", 3, Kind::Legacy, fresh(0xf4), 3 * ETHER);
    let a_writes = store_calldata(&[(50, 9), (51, 1), (2, 3)]);
    b.store("A: new 50, 51, change 2 (2930)", 4, Kind::AccessList, store_a, a_writes, true);
    b.store("C: new 60, clear 2 (2930)", 4, Kind::AccessList, store_c, store_calldata(&[(60, 6), (2, 0)]), true);
    b.store(
        "C: clear 60 (written this block) and 3",
        5,
        Kind::DynamicFee,
        store_c,
        store_calldata(&[(60, 0), (3, 0)]),
        true,
    );
    let store_d = b.deploy("deploy Store D (legacy)", 0, Kind::Legacy, store(), 0, &constructed, true);
    let init = self_destructing_init_code(Some(account1));
    b.deploy("create, SELFDESTRUCT to account 1", 1, Kind::DynamicFee, init, ETHER / 4, &[slot(0)], false);
    b.store("A: REVERT", 2, Kind::AccessList, store_a, store_calldata_reverting(&[(4, 4)], 5), false);
    b.poke("call Bomb again (no balance left; legacy)", 6, Kind::Legacy, bomb, 0);
    b.transfer("3 -> account 1: 1 ether (second tx of sender 3)", 3, Kind::DynamicFee, account1, ETHER);
    b.poke("4 -> Store A: 1 ether, logs", 4, Kind::DynamicFee, store_a, ETHER);
    b.store("D: new slot 2", 7, Kind::DynamicFee, store_d, store_calldata(&[(2, 2)]), true);
    blocks.push(b.mine(&mut state));

    // (d) Storage deletions.
    let mut b = BlockBuilder::new(anvil, "(d) storage deletions");
    let cleared: Vec<(u64, u64)> = (6..34).map(|s| (s, 0)).collect();
    b.store("A: clear slots 6..34", 0, Kind::DynamicFee, store_a, store_calldata(&cleared), true);
    let all_b: Vec<(u64, u64)> = (0..7).map(|s| (s, 0)).collect();
    b.store("B: clear every slot", 1, Kind::DynamicFee, store_b, store_calldata(&all_b), true);
    let set_and_clear = store_calldata(&[(200, 5), (200, 0), (201, 0)]);
    b.store("A: set and clear 200, zero to unset 201", 2, Kind::DynamicFee, store_a, set_and_clear, true);
    blocks.push(b.mine(&mut state));

    // Ethereum's tries after the deletions: A keeps its 8 slots 0..6, 50 and 51; B's storage is empty.
    let b_after = &state[&store_b];
    assert!(b_after.storage.values().all(|v| v.is_zero()), "Store B has non-zero slots left: {b_after:?}");
    let a_left = state[&store_a].storage.iter().filter(|(_, v)| !v.is_zero()).count();
    assert_eq!(a_left, 8, "Store A's non-zero slots after the deletions");
    blocks
}
