//! The state a block executes against: the parent's state trie, opened lazily from witness nodes.
//!
//! [`WitnessDb`] implements revm's `Database` (reads) and `DatabaseCommit` (the changes of each
//! transaction and system call). Reads resolve trie paths from the [`NodeStore`], so an account,
//! slot or code the witness lacks is an error, never a silent default. Changes are kept in an
//! overlay until [`WitnessDb::state_root`] writes them into the tries and hashes them.

use alloc::{
    collections::{BTreeMap, BTreeSet},
    string::ToString,
    vec::Vec,
};

use alloy_primitives::{keccak256, map::B256Map, Address, Bytes, B256, KECCAK256_EMPTY, U256};
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};
use alloy_trie::EMPTY_ROOT_HASH;
use revm::{
    state::{Account, AccountInfo, Bytecode},
    Database, DatabaseCommit,
};

use crate::{
    error::WitnessError,
    mpt::{NodeStore, Trie},
};

/// An account as the state trie stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct TrieAccount {
    pub nonce: u64,
    pub balance: U256,
    pub storage_root: B256,
    pub code_hash: B256,
}

/// One account as the block sees it: what the parent state held, and what the block did to it.
#[derive(Debug)]
struct CachedAccount {
    /// Current info (None: does not exist).
    info: Option<AccountInfo>,
    /// Storage root in the parent state (empty root for a new account).
    storage_root: B256,
    /// The account's storage trie, opened on first storage access.
    storage_trie: Option<Trie>,
    /// Slots read or written in this block, with their current values.
    storage: BTreeMap<U256, U256>,
    /// Slots changed in this block (subset of `storage`'s keys).
    dirty_slots: BTreeSet<U256>,
    /// The storage was wiped in this block (self-destruct or creation): unknown slots are zero and
    /// the trie starts from empty.
    wiped: bool,
    /// The block changed the account.
    touched: bool,
}

/// revm database over a witness. See the module documentation.
#[derive(Debug)]
pub struct WitnessDb {
    store: NodeStore,
    state: Trie,
    codes: B256Map<Bytecode>,
    block_hashes: BTreeMap<u64, B256>,
    accounts: BTreeMap<Address, CachedAccount>,
}

impl WitnessDb {
    /// A database over the state with root `state_root`.
    ///
    /// # Assumptions
    /// `state_root` is the parent header's state root and `block_hashes` come from ancestor headers
    /// whose hash chain was checked; nodes and codes need no checking here (they are found by hash).
    pub fn new(state_root: B256, nodes: &[Bytes], codes: &[Bytes], block_hashes: BTreeMap<u64, B256>) -> WitnessDb {
        let codes = codes.iter().map(|code| (keccak256(code), Bytecode::new_raw(code.clone()))).collect();
        WitnessDb {
            store: NodeStore::new(nodes),
            state: Trie::from_root(state_root),
            codes,
            block_hashes,
            accounts: BTreeMap::new(),
        }
    }

    fn load(&mut self, address: Address) -> Result<&mut CachedAccount, WitnessError> {
        if !self.accounts.contains_key(&address) {
            let leaf = self.state.get(&self.store, keccak256(address).as_slice())?;
            let account = match leaf {
                None => CachedAccount::absent(),
                Some(rlp) => {
                    let account = TrieAccount::decode(&mut &rlp[..])
                        .map_err(|e| WitnessError::InvalidAccount { address, reason: e.to_string() })?;
                    CachedAccount {
                        // No code: revm asks `code_by_hash` when it needs it.
                        info: Some(AccountInfo {
                            balance: account.balance,
                            nonce: account.nonce,
                            code_hash: account.code_hash,
                            code: None,
                            ..AccountInfo::default()
                        }),
                        storage_root: account.storage_root,
                        ..CachedAccount::absent()
                    }
                }
            };
            self.accounts.insert(address, account);
        }
        Ok(self.accounts.get_mut(&address).expect("inserted above"))
    }

    /// Writes every change into the tries and returns the new state root.
    pub fn state_root(&mut self) -> Result<B256, WitnessError> {
        for (address, account) in self.accounts.iter_mut().filter(|(_, a)| a.touched) {
            let key = keccak256(address);
            let info = match &account.info {
                // EIP-161: a touched account that ends up empty is removed.
                Some(info) if !info.is_empty() => info,
                _ => {
                    self.state.remove(&self.store, key.as_slice())?;
                    continue;
                }
            };
            let storage_root = if account.wiped || !account.dirty_slots.is_empty() {
                let trie = account.storage_trie.get_or_insert_with(|| Trie::from_root(account.storage_root));
                if account.wiped {
                    *trie = Trie::empty();
                }
                for slot in &account.dirty_slots {
                    let value = account.storage[slot];
                    let slot_key = keccak256(slot.to_be_bytes::<32>());
                    if value.is_zero() {
                        trie.remove(&self.store, slot_key.as_slice())
                    } else {
                        trie.insert(&self.store, slot_key.as_slice(), alloy_rlp::encode(value))
                    }
                    .map_err(|e| WitnessError::storage(*address, e))?;
                }
                trie.root()
            } else {
                account.storage_root
            };
            let leaf =
                TrieAccount { nonce: info.nonce, balance: info.balance, storage_root, code_hash: info.code_hash };
            let mut rlp = Vec::with_capacity(leaf.length());
            leaf.encode(&mut rlp);
            self.state.insert(&self.store, key.as_slice(), rlp)?;
        }
        Ok(self.state.root())
    }

    /// The state after the block as a witness for the next block: every trie node and code the
    /// tries now hold. Only complete when the input witness held the whole state (consensus
    /// tests); call after [`WitnessDb::state_root`].
    pub fn export_witness(&mut self) -> (Vec<Bytes>, Vec<Bytes>) {
        let mut nodes = Vec::new();
        self.state.collect_nodes(&mut nodes);
        for account in self.accounts.values_mut() {
            if let Some(trie) = &mut account.storage_trie {
                trie.collect_nodes(&mut nodes);
            }
        }
        let mut codes: Vec<Bytes> = self.codes.values().map(|code| code.original_bytes()).collect();
        codes.sort();
        codes.dedup();
        nodes.sort();
        nodes.dedup();
        (nodes, codes)
    }
}

impl CachedAccount {
    fn absent() -> CachedAccount {
        CachedAccount {
            info: None,
            storage_root: EMPTY_ROOT_HASH,
            storage_trie: None,
            storage: BTreeMap::new(),
            dirty_slots: BTreeSet::new(),
            wiped: false,
            touched: false,
        }
    }
}

impl Database for WitnessDb {
    type Error = WitnessError;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, WitnessError> {
        Ok(self.load(address)?.info.clone())
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, WitnessError> {
        if code_hash == KECCAK256_EMPTY {
            return Ok(Bytecode::new());
        }
        self.codes.get(&code_hash).cloned().ok_or(WitnessError::MissingCode(code_hash))
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256, WitnessError> {
        self.load(address)?;
        let (store, account) = (&self.store, self.accounts.get_mut(&address).expect("loaded"));
        if let Some(value) = account.storage.get(&index) {
            return Ok(*value);
        }
        let value = if account.wiped || account.storage_root == EMPTY_ROOT_HASH {
            U256::ZERO
        } else {
            let trie = account.storage_trie.get_or_insert_with(|| Trie::from_root(account.storage_root));
            let key = keccak256(index.to_be_bytes::<32>());
            match trie.get(store, key.as_slice()).map_err(|e| WitnessError::storage(address, e))? {
                None => U256::ZERO,
                Some(rlp) => U256::decode(&mut &rlp[..])
                    .map_err(|e| WitnessError::InvalidAccount { address, reason: e.to_string() })?,
            }
        };
        account.storage.insert(index, value);
        Ok(value)
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, WitnessError> {
        self.block_hashes.get(&number).copied().ok_or(WitnessError::MissingAncestor(number))
    }
}

impl DatabaseCommit for WitnessDb {
    fn commit(&mut self, changes: alloy_primitives::map::AddressMap<Account>) {
        // Deterministic order (the map is a hash map).
        let mut changes: Vec<(Address, Account)> = changes.into_iter().collect();
        changes.sort_unstable_by_key(|(address, _)| *address);
        for (address, account) in changes {
            self.commit_account(address, account);
        }
    }
}

impl WitnessDb {
    fn commit_account(&mut self, address: Address, mut account: Account) {
        if !account.is_touched() {
            return;
        }
        if let Some(code) = account.info.code.take() {
            if account.info.code_hash != KECCAK256_EMPTY {
                self.codes.entry(account.info.code_hash).or_insert(code);
            }
        }
        // The account was loaded (revm reads before it writes), so this entry exists unless the
        // change comes from a balance increment of an account nobody read: then it is absent.
        let cached = self.accounts.entry(address).or_insert_with(CachedAccount::absent);
        cached.touched = true;
        if account.is_selfdestructed() {
            cached.info = None;
            cached.storage.clear();
            cached.dirty_slots.clear();
            cached.wiped = true;
            return;
        }
        if account.is_created() {
            cached.storage.clear();
            cached.dirty_slots.clear();
            cached.wiped = true;
        }
        cached.info = Some(account.info);
        for (slot, value) in account.storage {
            if value.is_changed() || cached.wiped {
                cached.dirty_slots.insert(slot);
            }
            cached.storage.insert(slot, value.present_value());
        }
    }
}
