//! The Ethereum consensus tests in BlockchainTests format (ethereum/tests and
//! execution-spec-tests fixtures), run through the stateless executor.
//!
//! For each case: the pre-state becomes a state trie whose every node is the witness; each block
//! is executed against the witness of its parent's post-state (the parent's nodes plus the nodes
//! execution created), so side chains work; blocks the fixture marks invalid (`expectException`)
//! must be rejected, the others accepted. At the end the last accepted block must be the
//! fixture's `lastblockhash`, and its state the fixture's `postState` (or `postStateHash`).
//! With the VM option every block also runs inside the block program, which must reach the same
//! verdict and commit the same statement.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    path::{Path, PathBuf},
    sync::Arc,
};

use alloy_consensus::Header;
use alloy_primitives::{hex, keccak256, Address, Bytes, B256, KECCAK256_EMPTY, U256};
use alloy_rlp::Decodable;
use serde_json::Value;
use zkmips_executor::{
    db::TrieAccount,
    input::BlobConfig,
    mpt::{NodeStore, Trie},
    BlockInput, ChainConfig, Fork,
};
use zkmips_vm::Program;

use crate::{vm, HostError};

/// How one case ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed {
        /// Blocks run (valid and invalid).
        blocks: usize,
        /// VM cycles of each block run in the VM (with the VM option).
        vm_cycles: Vec<u64>,
    },
    Failed(String),
    Skipped(String),
}

/// One case of a fixture file.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// `file::case`.
    pub name: String,
    pub outcome: Outcome,
}

/// Every `.json` file under `paths` (files are taken as they are), sorted.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, HostError> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), HostError> {
        let entries = std::fs::read_dir(dir).map_err(|e| HostError::io(dir, e))?;
        for entry in entries {
            let path = entry.map_err(|e| HostError::io(dir, e))?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files)?;
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(HostError::io(path, std::io::Error::from(std::io::ErrorKind::NotFound)));
        }
    }
    files.sort();
    Ok(files)
}

/// Runs every case of one fixture file. `vm`: also run each block in the block program.
pub fn run_file(path: &Path, vm: Option<&Program>) -> Result<Vec<CaseResult>, HostError> {
    let text = std::fs::read_to_string(path).map_err(|e| HostError::io(path, e))?;
    let display = path.display().to_string();
    if text.starts_with("version https://git-lfs") {
        return Ok(vec![CaseResult {
            name: display,
            outcome: Outcome::Skipped("git-lfs pointer: the fixture's content is not in this checkout".into()),
        }]);
    }
    let cases: BTreeMap<String, Value> =
        serde_json::from_str(&text).map_err(|e| HostError::Fixture(format!("{display}: {e}")))?;
    Ok(cases
        .iter()
        .map(|(name, case)| {
            let outcome = match run_case(case, vm) {
                Ok(outcome) => outcome,
                Err(e) => Outcome::Failed(e),
            };
            CaseResult { name: format!("{display}::{name}"), outcome }
        })
        .collect())
}

/// The state after a block, enough to execute its children.
struct ChainState {
    header: Header,
    header_rlp: Bytes,
    nodes: Arc<Vec<Bytes>>,
    codes: Arc<Vec<Bytes>>,
}

fn run_case(case: &Value, vm: Option<&Program>) -> Result<Outcome, String> {
    let network = case["network"].as_str().ok_or("no network")?;
    let chain = match chain_config(network, &case["config"])? {
        Ok(chain) => chain,
        Err(skip) => return Ok(Outcome::Skipped(skip)),
    };

    // Genesis: the pre-state as a complete witness.
    let genesis_rlp = bytes(&case["genesisRLP"])?;
    let genesis = first_list_item::<Header>(&genesis_rlp).map_err(|e| format!("genesisRLP: {e}"))?;
    let (pre_root, nodes, codes) = state_from_alloc(&case["pre"])?;
    if pre_root != genesis.state_root {
        return Err(format!("pre-state root {pre_root} is not the genesis header's {}", genesis.state_root));
    }
    let genesis_hash = genesis.hash_slow();
    let mut states: HashMap<B256, ChainState> = HashMap::new();
    states.insert(
        genesis_hash,
        ChainState {
            header_rlp: alloy_rlp::encode(&genesis).into(),
            header: genesis,
            nodes: Arc::new(nodes),
            codes: Arc::new(codes),
        },
    );
    let mut head = genesis_hash;

    let blocks = case["blocks"].as_array().ok_or("no blocks")?;
    let mut vm_cycles = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        let expect_invalid = block.get("expectException").is_some();
        let rlp = bytes(&block["rlp"]).map_err(|e| format!("block {index}: {e}"))?;
        let verdict = run_block(&chain, &states, &rlp, vm);
        let (result, cycles) = match verdict {
            Ok(pair) => pair,
            Err(e) => return Err(format!("block {index}: {e}")),
        };
        vm_cycles.extend(cycles);
        match (result, expect_invalid) {
            (Ok((hash, state)), false) => {
                states.insert(hash, state);
                head = hash;
            }
            (Ok(_), true) => {
                return Err(format!(
                    "block {index} was accepted, but the fixture expects {}",
                    block["expectException"].as_str().unwrap_or("an exception")
                ))
            }
            (Err(reason), false) => return Err(format!("block {index} was rejected: {reason}")),
            (Err(_), true) => {}
        }
    }

    let last = b256(&case["lastblockhash"])?;
    if head != last {
        return Err(format!("head is {head}, the fixture's lastblockhash is {last}"));
    }
    let head_root = states[&head].header.state_root;
    if let Some(post) = case.get("postState") {
        let (root, _, _) = state_from_alloc(post)?;
        if root != head_root {
            return Err(format!("post state root {root} (from postState) differs from the head's {head_root}"));
        }
    } else if let Some(hash) = case.get("postStateHash") {
        let root = b256(hash)?;
        if root != head_root {
            return Err(format!("postStateHash {root} differs from the head's state root {head_root}"));
        }
    }
    Ok(Outcome::Passed { blocks: blocks.len(), vm_cycles })
}

type BlockVerdict = Result<(B256, ChainState), String>;

/// Executes one block natively (and in the VM); `Err` only for a disagreement between the two.
fn run_block(
    chain: &ChainConfig,
    states: &HashMap<B256, ChainState>,
    rlp: &Bytes,
    vm: Option<&Program>,
) -> Result<(BlockVerdict, Option<u64>), String> {
    let header = match first_list_item::<Header>(rlp) {
        Ok(header) => header,
        Err(e) => return Ok((Err(format!("block RLP: {e}")), None)),
    };
    let Some(parent) = states.get(&header.parent_hash) else {
        return Ok((Err(format!("unknown parent {}", header.parent_hash)), None));
    };
    let mut ancestors = vec![parent.header_rlp.clone()];
    let mut cursor = &parent.header;
    while ancestors.len() < 256 {
        match states.get(&cursor.parent_hash) {
            Some(state) => {
                ancestors.push(state.header_rlp.clone());
                cursor = &state.header;
            }
            None => break,
        }
    }
    let input = BlockInput {
        chain: chain.clone(),
        block: rlp.clone(),
        ancestors,
        nodes: parent.nodes.to_vec(),
        codes: parent.codes.to_vec(),
    };
    let native = zkmips_executor::execute_block(&input);
    let mut cycles = None;
    if let Some(program) = vm {
        let run = vm::run_block(program, &input).map_err(|e| e.to_string())?;
        cycles = Some(run.cycles);
        match (&native, run.exit_code, run.statement) {
            (Ok(executed), 0, Some(statement)) if statement == executed.statement => {}
            (Err(_), 2, _) => {}
            (native, code, statement) => {
                return Err(format!(
                    "the VM disagrees: natively {}, in the VM exit code {code} with {statement:?} {}",
                    match native {
                        Ok(e) => format!("accepted with {:?}", e.statement),
                        Err(e) => format!("rejected ({e})"),
                    },
                    run.message
                ))
            }
        }
    }
    let verdict = match native {
        Ok(mut executed) => {
            let (new_nodes, new_codes) = executed.db.export_witness();
            let nodes: BTreeSet<Bytes> = parent.nodes.iter().cloned().chain(new_nodes).collect();
            let codes: BTreeSet<Bytes> = parent.codes.iter().cloned().chain(new_codes).collect();
            let hash = executed.statement.block_hash;
            Ok((
                hash,
                ChainState {
                    header_rlp: alloy_rlp::encode(&executed.header).into(),
                    header: executed.header,
                    nodes: Arc::new(nodes.into_iter().collect()),
                    codes: Arc::new(codes.into_iter().collect()),
                },
            ))
        }
        Err(e) => Err(e.to_string()),
    };
    Ok((verdict, cycles))
}

/// The fork schedule a fixture's `network` names. `Ok(Err(reason))`: a network we skip.
fn chain_config(network: &str, config: &Value) -> Result<Result<ChainConfig, String>, String> {
    let chain_id = match config.get("chainid") {
        Some(id) => u64_hex(id)?,
        None => 1,
    };
    // "Cancun", or a transition such as "PragueToOsakaAtTime15k".
    let (from, to) = match network.split_once("To") {
        Some((from, rest)) => {
            let (to, at) = rest.split_once("AtTime").ok_or_else(|| format!("unknown network {network}"))?;
            let at = match at.strip_suffix('k') {
                Some(thousands) => thousands.parse::<u64>().map(|t| t * 1000),
                None => at.parse::<u64>(),
            }
            .map_err(|_| format!("unknown network {network}"))?;
            (from, Some((to, at)))
        }
        None => (network, None),
    };
    let Some(base) = Fork::from_name(from) else {
        return Ok(Err(format!("network {network} is not supported")));
    };
    if base < Fork::Paris {
        return Ok(Err(format!("fork before Paris ({network})")));
    }
    let mut chain = ChainConfig::all_active_from_genesis(chain_id, base);
    if let Some((to, at)) = to {
        let fork = Fork::from_name(to).ok_or_else(|| format!("unknown fork {to} in {network}"))?;
        chain.forks.push((fork, at));
    }
    // Blob parameters: the fixture's schedule over the defaults of each fork.
    if let Some(schedule) = config.get("blobSchedule").and_then(Value::as_object) {
        for (name, params) in schedule {
            let Some(fork) = Fork::from_name(name) else { continue };
            let defaults = chain
                .blob_schedule
                .iter()
                .find(|(f, _)| *f == fork)
                .map(|(_, c)| *c)
                .unwrap_or_else(|| default_blob_config(fork));
            let config = BlobConfig {
                target: u64_hex(&params["target"])?,
                max: u64_hex(&params["max"])?,
                update_fraction: u64_hex(&params["baseFeeUpdateFraction"])?,
                ..defaults
            };
            chain.blob_schedule.retain(|(f, _)| *f != fork);
            chain.blob_schedule.push((fork, config));
        }
        chain.blob_schedule.sort_by_key(|(f, _)| *f);
    }
    Ok(Ok(chain))
}

/// Per-transaction limit and base cost of forks without mainnet defaults (the BPO forks after
/// BPO2 keep Osaka's).
fn default_blob_config(fork: Fork) -> BlobConfig {
    let osaka = alloy_eips::eip7840::BlobParams::osaka();
    let mut config = BlobConfig::from_params(osaka);
    if fork < Fork::Osaka {
        config.base_cost = 0;
        config.max_per_tx = config.max;
    }
    config
}

/// Builds the state trie of an `alloc`-style map; returns its root, every node, and the codes.
pub fn state_from_alloc(alloc: &Value) -> Result<(B256, Vec<Bytes>, Vec<Bytes>), String> {
    let accounts = alloc.as_object().ok_or("state is not an object")?;
    let store = NodeStore::new(&[]);
    let mut state = Trie::empty();
    let mut nodes = Vec::new();
    let mut codes = BTreeSet::new();
    for (address, account) in accounts {
        let address: Address = address.parse().map_err(|e| format!("address {address}: {e}"))?;
        let mut storage = Trie::empty();
        if let Some(slots) = account.get("storage").and_then(Value::as_object) {
            for (slot, value) in slots {
                let (slot, value) = (u256(&Value::String(slot.clone()))?, u256(value)?);
                if !value.is_zero() {
                    storage
                        .insert(&store, keccak256(slot.to_be_bytes::<32>()).as_slice(), alloy_rlp::encode(value))
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        let code = bytes(&account["code"])?;
        let code_hash = if code.is_empty() { KECCAK256_EMPTY } else { keccak256(&code) };
        if !code.is_empty() {
            codes.insert(code);
        }
        let leaf = TrieAccount {
            nonce: u256(&account["nonce"])?.to::<u64>(),
            balance: u256(&account["balance"])?,
            storage_root: storage.root(),
            code_hash,
        };
        storage.collect_nodes(&mut nodes);
        state.insert(&store, keccak256(address).as_slice(), alloy_rlp::encode(leaf)).map_err(|e| e.to_string())?;
    }
    let root = state.root();
    state.collect_nodes(&mut nodes);
    nodes.sort();
    nodes.dedup();
    Ok((root, nodes, codes.into_iter().collect()))
}

/// Decodes the first item of an RLP list (the header of a block).
fn first_list_item<T: Decodable>(rlp: &[u8]) -> Result<T, String> {
    let mut buf = rlp;
    let list = alloy_rlp::Header::decode(&mut buf).map_err(|e| e.to_string())?;
    if !list.list {
        return Err("not an RLP list".into());
    }
    T::decode(&mut buf).map_err(|e| e.to_string())
}

fn bytes(value: &Value) -> Result<Bytes, String> {
    let s = value.as_str().ok_or_else(|| format!("expected a hex string, got {value}"))?;
    hex::decode(s).map(Bytes::from).map_err(|e| format!("{s:.40}: {e}"))
}

fn b256(value: &Value) -> Result<B256, String> {
    let b = bytes(value)?;
    (b.len() == 32).then(|| B256::from_slice(&b)).ok_or_else(|| format!("{value} is not 32 bytes"))
}

fn u256(value: &Value) -> Result<U256, String> {
    let s = value.as_str().ok_or_else(|| format!("expected a hex number, got {value}"))?;
    let digits = s.strip_prefix("0x").unwrap_or(s);
    if digits.is_empty() {
        return Ok(U256::ZERO);
    }
    U256::from_str_radix(digits, 16).map_err(|e| format!("{s}: {e}"))
}

fn u64_hex(value: &Value) -> Result<u64, String> {
    let v = u256(value)?;
    u64::try_from(v).map_err(|_| format!("{value} does not fit 64 bits"))
}
