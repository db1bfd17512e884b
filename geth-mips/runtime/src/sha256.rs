//! SHA-256 through the VM's SHA_EXTEND and SHA_COMPRESS precompiles.
//!
//! The hasher pads and splits the message like any SHA-256; each 64-byte block becomes 16
//! big-endian words that SHA_EXTEND extends to the 64-word message schedule and SHA_COMPRESS
//! compresses into the state. Off MIPS (host-side tests) the block function is `sha2`'s.

/// The initial hash value.
const IV: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// A running SHA-256 (the same digests as `sha2::Sha256`).
#[derive(Clone, Debug)]
pub struct Sha256 {
    state: [u32; 8],
    /// Bytes of the block being filled.
    block: [u8; 64],
    /// How many of them are filled.
    filled: usize,
    /// Message length so far, in bytes.
    len: u64,
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256 {
    /// An empty hash.
    pub const fn new() -> Self {
        Sha256 { state: IV, block: [0; 64], filled: 0, len: 0 }
    }

    /// Appends `data` to the message.
    pub fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u64;
        if self.filled > 0 {
            let take = data.len().min(64 - self.filled);
            self.block[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled < 64 {
                return;
            }
            compress(&mut self.state, &self.block);
            self.filled = 0;
        }
        let (blocks, rest) = data.as_chunks::<64>();
        for block in blocks {
            compress(&mut self.state, block);
        }
        self.block[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    /// The digest of the message.
    pub fn finalize(mut self) -> [u8; 32] {
        let bits = self.len.wrapping_mul(8);
        self.block[self.filled] = 0x80;
        self.block[self.filled + 1..].fill(0);
        if self.filled + 1 > 56 {
            compress(&mut self.state, &self.block);
            self.block = [0; 64];
        }
        self.block[56..].copy_from_slice(&bits.to_be_bytes());
        compress(&mut self.state, &self.block);
        let mut out = [0u8; 32];
        for (bytes, word) in out.chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

/// The SHA-256 hash of `data`, computed by the VM's precompiles.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(data);
    h.finalize()
}

/// Compresses one block into `state`.
#[cfg(target_arch = "mips")]
fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = [0u32; 64];
    for (word, bytes) in w.iter_mut().zip(block.as_chunks::<4>().0) {
        *word = u32::from_be_bytes(*bytes);
    }
    crate::syscall::sha_extend(&mut w);
    crate::syscall::sha_compress(&w, state);
}

/// Compresses one block into `state` (in software, off the VM).
#[cfg(not(target_arch = "mips"))]
fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    sha2::compress256(state, &[(*block).into()]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    #[test]
    fn digests_are_sha256() {
        let data: alloc::vec::Vec<u8> = (0..300u32).map(|i| (i * 37 + 5) as u8).collect();
        for len in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300] {
            let expected: [u8; 32] = sha2::Sha256::digest(&data[..len]).into();
            assert_eq!(sha256(&data[..len]), expected, "length {len}");
            // The same message in uneven pieces.
            let mut h = Sha256::new();
            for piece in data[..len].chunks(7) {
                h.update(piece);
            }
            assert_eq!(h.finalize(), expected, "length {len} in pieces");
        }
    }
}
