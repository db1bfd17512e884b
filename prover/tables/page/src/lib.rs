//! zkMIPS STARK tables `Page` and `Poseidon`, and the native memory image commitment.
//!
//! Pipeline position: a segment proof must bind the memory image before the segment to the
//! image after it. The image is committed by a fixed-depth sparse Merkle tree of Poseidon
//! hashes over pages ([`native`]: [`MemoryImage`], used by the prover and the verifier).
//! The [`page`] table opens every page the segment touched at the start root and re-hashes it
//! into the end root (public inputs `page_public::ROOT_START` / `ROOT_END`), and ties each
//! accessed word to the memory table's first and last access (`MEM_INIT` / `MEM_FINAL`).
//! Every Poseidon permutation it uses is proven by the [`poseidon`] table, linked by the
//! internal lookups of [`ctl_poseidon`].
//!
//! Cost per touched page (`PAGE_WORDS = 2^w`, depth `30 - w`): `2^w / 8 + 30 - w` page rows
//! and twice as many Poseidon rows (start and end); 54 and 108 for the default `w = 8`.

pub mod native;
pub mod page;
pub mod poseidon;

pub use native::{Digest, MemoryImage, CHUNKS, LOG_PAGE_WORDS, PAGE_WORDS, TREE_DEPTH};
pub use page::ctl::{ctl_final, ctl_init, ctl_poseidon, range_checked_columns};
pub use page::{generate_traces, PageStark};
pub use poseidon::PoseidonStark;
pub use zkmips_stark::{D, F};
