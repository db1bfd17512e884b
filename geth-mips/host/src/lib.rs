//! Host side of geth-mips: the consensus-test runner ([`fixtures`]) and running the block program
//! in the zkMIPS VM ([`vm`]). The `zkmips` command's `blockchain-test` and `execute-block`
//! subcommands are thin wrappers over this crate.

pub mod fixtures;
pub mod vm;

use std::path::Path;

/// Errors of the host tools.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("fixture: {0}")]
    Fixture(String),
    #[error("VM: {0}")]
    Vm(String),
}

impl HostError {
    pub(crate) fn io(path: &Path, error: std::io::Error) -> HostError {
        HostError::Io { path: path.display().to_string(), error }
    }
}
