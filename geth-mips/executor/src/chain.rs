//! Fork schedules: the built-in mainnet schedule, and the bridge from [`ChainConfig`] to the
//! hard-fork traits of alloy-evm.

use alloc::vec::Vec;

use alloy_eips::{eip6110::MAINNET_DEPOSIT_CONTRACT_ADDRESS, eip7840::BlobParams};
use alloy_evm::eth::spec::EthExecutorSpec;
use alloy_hardforks::{
    ethereum::mainnet::*, EthereumChainHardforks, EthereumHardfork, EthereumHardforks, ForkCondition,
};
use alloy_primitives::Address;

use crate::input::{BlobConfig, ChainConfig, Fork};

impl ChainConfig {
    /// Ethereum mainnet, chain id 1, through BPO2.
    pub fn mainnet() -> ChainConfig {
        let forks = Vec::from([
            (Fork::Frontier, MAINNET_FRONTIER_BLOCK),
            (Fork::Homestead, MAINNET_HOMESTEAD_BLOCK),
            (Fork::Tangerine, MAINNET_TANGERINE_BLOCK),
            (Fork::SpuriousDragon, MAINNET_SPURIOUS_DRAGON_BLOCK),
            (Fork::Byzantium, MAINNET_BYZANTIUM_BLOCK),
            (Fork::Constantinople, MAINNET_CONSTANTINOPLE_BLOCK),
            (Fork::Petersburg, MAINNET_PETERSBURG_BLOCK),
            (Fork::Istanbul, MAINNET_ISTANBUL_BLOCK),
            (Fork::Berlin, MAINNET_BERLIN_BLOCK),
            (Fork::London, MAINNET_LONDON_BLOCK),
            (Fork::Paris, MAINNET_PARIS_BLOCK),
            (Fork::Shanghai, MAINNET_SHANGHAI_TIMESTAMP),
            (Fork::Cancun, MAINNET_CANCUN_TIMESTAMP),
            (Fork::Prague, MAINNET_PRAGUE_TIMESTAMP),
            (Fork::Osaka, MAINNET_OSAKA_TIMESTAMP),
            (Fork::Bpo1, MAINNET_BPO1_TIMESTAMP),
            (Fork::Bpo2, MAINNET_BPO2_TIMESTAMP),
        ]);
        ChainConfig {
            chain_id: 1,
            forks,
            blob_schedule: Vec::from([
                (Fork::Cancun, BlobConfig::from_params(BlobParams::cancun())),
                (Fork::Prague, BlobConfig::from_params(BlobParams::prague())),
                (Fork::Osaka, BlobConfig::from_params(BlobParams::osaka())),
                (Fork::Bpo1, BlobConfig::from_params(BlobParams::bpo1())),
                (Fork::Bpo2, BlobConfig::from_params(BlobParams::bpo2())),
            ]),
            deposit_contract: Some(MAINNET_DEPOSIT_CONTRACT_ADDRESS),
        }
    }

    /// A chain with every fork up to and including `fork` active from genesis (the consensus
    /// tests' single-fork networks), using the mainnet blob parameters.
    pub fn all_active_from_genesis(chain_id: u64, fork: Fork) -> ChainConfig {
        let mainnet = ChainConfig::mainnet();
        ChainConfig {
            chain_id,
            forks: Fork::ALL.iter().filter(|f| **f <= fork).map(|f| (*f, 0)).collect(),
            blob_schedule: mainnet.blob_schedule.into_iter().filter(|(f, _)| *f <= fork).collect(),
            deposit_contract: Some(MAINNET_DEPOSIT_CONTRACT_ADDRESS),
        }
    }

    /// The fork active at a block.
    pub fn fork_at(&self, number: u64, timestamp: u64) -> Option<Fork> {
        self.forks
            .iter()
            .filter(|(fork, at)| if fork.activates_by_timestamp() { timestamp >= *at } else { number >= *at })
            .map(|(fork, _)| *fork)
            .max()
    }

    /// Whether `fork` is active at a block.
    pub fn is_active(&self, fork: Fork, number: u64, timestamp: u64) -> bool {
        self.fork_at(number, timestamp).is_some_and(|active| active >= fork)
            && self.forks.iter().any(|(f, _)| *f == fork)
    }

    /// Blob parameters in force at a timestamp (None before Cancun).
    pub fn blob_params_at(&self, number: u64, timestamp: u64) -> Option<BlobParams> {
        let fork = self.fork_at(number, timestamp)?;
        self.blob_schedule.iter().filter(|(f, _)| *f <= fork).max_by_key(|(f, _)| *f).map(|(_, p)| p.params())
    }

    /// The schedule in alloy's form, for alloy-evm.
    pub fn spec(&self) -> ChainSpec {
        let hardforks = EthereumChainHardforks::new(self.forks.iter().flat_map(|(fork, at)| {
            let condition =
                if fork.activates_by_timestamp() { ForkCondition::Timestamp(*at) } else { ForkCondition::Block(*at) };
            alloy_forks(*fork).iter().map(move |f| (*f, condition))
        }));
        ChainSpec { hardforks, deposit_contract: self.deposit_contract }
    }
}

/// alloy's names for one of our forks (glacier forks ride along with the fork before them: they
/// only move the difficulty bomb, which post-merge blocks do not have).
fn alloy_forks(fork: Fork) -> &'static [EthereumHardfork] {
    use EthereumHardfork as E;
    match fork {
        Fork::Frontier => &[E::Frontier],
        Fork::Homestead => &[E::Homestead],
        Fork::Tangerine => &[E::Tangerine],
        Fork::SpuriousDragon => &[E::SpuriousDragon],
        Fork::Byzantium => &[E::Byzantium],
        Fork::Constantinople => &[E::Constantinople],
        Fork::Petersburg => &[E::Petersburg],
        Fork::Istanbul => &[E::Istanbul, E::MuirGlacier],
        Fork::Berlin => &[E::Berlin],
        Fork::London => &[E::London, E::ArrowGlacier, E::GrayGlacier],
        Fork::Paris => &[E::Paris],
        Fork::Shanghai => &[E::Shanghai],
        Fork::Cancun => &[E::Cancun],
        Fork::Prague => &[E::Prague],
        Fork::Osaka => &[E::Osaka],
        Fork::Bpo1 => &[E::Bpo1],
        Fork::Bpo2 => &[E::Bpo2],
        Fork::Bpo3 => &[E::Bpo3],
        Fork::Bpo4 => &[E::Bpo4],
        Fork::Bpo5 => &[E::Bpo5],
    }
}

/// A [`ChainConfig`] as alloy-evm's executor wants it.
#[derive(Clone, Debug)]
pub struct ChainSpec {
    hardforks: EthereumChainHardforks,
    deposit_contract: Option<Address>,
}

impl EthereumHardforks for ChainSpec {
    fn ethereum_fork_activation(&self, fork: EthereumHardfork) -> ForkCondition {
        self.hardforks.ethereum_fork_activation(fork)
    }
}

impl EthExecutorSpec for ChainSpec {
    fn deposit_contract_address(&self) -> Option<Address> {
        self.deposit_contract
    }
}
