//! The witness file: everything the block program needs to execute one block, self-contained.
//!
//! Layout: the 8-byte magic `ZKMIPSW\0`, a little-endian u32 format version, then a zstd frame
//! holding the bincode (1.x) encoding of [`WitnessFile`]. Files are written through a temporary
//! file in the same folder and a rename, so a failed write never leaves a partial file behind.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use alloy_primitives::B256;
use serde::{Deserialize, Serialize};
use zkmips_executor::BlockInput;

use crate::FetchError;

/// First bytes of every witness file.
pub const MAGIC: &[u8; 8] = b"ZKMIPSW\0";
/// The format version this build writes and reads.
pub const VERSION: u32 = 1;
/// zstd level: witnesses are written once and read many times; level 19 is slow to write but
/// decompresses as fast as the default level.
const ZSTD_LEVEL: i32 = 19;

/// A block's witness and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessFile {
    /// Block number.
    pub number: u64,
    /// Block hash (also derivable from the input; kept for `inspect` and sanity checks).
    pub hash: B256,
    /// How it was fetched: `proofs`, `witness` (debug_executionWitness) or `recorded`.
    pub strategy: String,
    /// What the block program reads.
    pub input: BlockInput,
}

impl WitnessFile {
    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let body = bincode::serialize(self).expect("a witness always serializes");
        let compressed = zstd::encode_all(&body[..], ZSTD_LEVEL).expect("zstd compresses in memory");
        let mut out = Vec::with_capacity(12 + compressed.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&compressed);
        out
    }

    /// Parses a witness file's bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<WitnessFile, FetchError> {
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(FetchError::WitnessFormat("not a zkmips witness file (no ZKMIPSW magic)".into()));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != VERSION {
            return Err(FetchError::WitnessFormat(format!(
                "witness format version {version}; this build reads version {VERSION}"
            )));
        }
        let body = zstd::decode_all(&bytes[12..])
            .map_err(|e| FetchError::WitnessFormat(format!("compressed body does not decode: {e}")))?;
        bincode::deserialize(&body).map_err(|e| FetchError::WitnessFormat(format!("body does not decode: {e}")))
    }

    /// Whether `bytes` start like a witness file.
    pub fn is_witness_file(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }

    /// Reads a witness file.
    pub fn read(path: &Path) -> Result<WitnessFile, FetchError> {
        let bytes = std::fs::read(path).map_err(|e| FetchError::Io { path: path.to_path_buf(), cause: e })?;
        WitnessFile::from_bytes(&bytes)
    }

    /// Writes the file atomically: a temporary file beside `path`, synced, then renamed over it.
    pub fn write(&self, path: &Path) -> Result<(), FetchError> {
        write_atomically(path, &self.to_bytes())
    }

    /// Size of the uncompressed (bincode) body.
    pub fn uncompressed_len(&self) -> usize {
        bincode::serialized_size(self).expect("a witness always serializes") as usize
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FetchError> {
    let io = |e| FetchError::Io { path: path.to_path_buf(), cause: e };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| io(std::io::Error::other("no file name")))?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(())
}
