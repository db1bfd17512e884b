//! keccak256 through the VM's KECCAK_SPONGE precompile.
//!
//! The VM absorbs blocks that the guest has already padded and laid out: the message, padded with
//! keccak's pad10*1 (domain byte `0x01`, last byte of the last block `|= 0x80`) to a multiple of
//! the 136-byte rate, as little-endian words; after every 34 data words come 2 zero words, so each
//! block is 36 words (18 lanes, the last one beyond the rate). See `shared/ABI.md`.

use alloc::vec;
use alloc::vec::Vec;

use crate::syscall;

/// keccak's rate for 256-bit output, in bytes.
const RATE_BYTES: usize = 136;
/// The rate in 32-bit words.
const RATE_WORDS: usize = RATE_BYTES / 4;
/// Words per block in the precompile's input: the rate, then 2 zero words.
const BLOCK_WORDS: usize = 36;

/// The keccak256 hash of `data` (Ethereum's, not SHA3-256), computed by the VM.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    let input = sponge_input(data);
    let mut result = [0u32; 17];
    result[16] = input.len() as u32;
    // SAFETY: `sponge_input` returns whole 36-word blocks and `result[16]` holds their length.
    unsafe { syscall::keccak_sponge(&input, &mut result) };
    let mut hash = [0u8; 32];
    for (bytes, word) in hash.chunks_exact_mut(4).zip(&result) {
        bytes.copy_from_slice(&word.to_le_bytes());
    }
    hash
}

/// The precompile's input for `data`: padded, as little-endian words, 2 zero words after every 34.
fn sponge_input(data: &[u8]) -> Vec<u32> {
    // pad10*1 always adds at least one byte, so a message that fills whole blocks gets another.
    let blocks = data.len() / RATE_BYTES + 1;
    let mut words = vec![0u32; blocks * BLOCK_WORDS];
    // Block by block, word by word: no division per word (this loop is most of keccak256's cost).
    for (block, chunk) in words.chunks_exact_mut(BLOCK_WORDS).zip(data.chunks(RATE_BYTES)) {
        let (whole, rest) = chunk.as_chunks::<4>();
        for (word, bytes) in block.iter_mut().zip(whole) {
            *word = u32::from_le_bytes(*bytes);
        }
        if !rest.is_empty() {
            let mut last = [0u8; 4];
            last[..rest.len()].copy_from_slice(rest);
            block[whole.len()] = u32::from_le_bytes(last);
        }
    }
    xor_byte(&mut words, data.len(), 0x01);
    xor_byte(&mut words, blocks * RATE_BYTES - 1, 0x80);
    words
}

/// Where data word `i` of the padded message goes in the 36-word block layout.
fn position(i: usize) -> usize {
    i / RATE_WORDS * BLOCK_WORDS + i % RATE_WORDS
}

fn xor_byte(words: &mut [u32], byte: usize, value: u8) {
    words[position(byte / 4)] ^= u32::from(value) << (8 * (byte % 4));
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiny_keccak::{Hasher, Keccak};

    /// What the VM does with the input (`shared/ABI.md`, KECCAK_SPONGE), in software.
    fn model_sponge(input: &[u32]) -> [u32; 17] {
        assert_eq!(input.len() % BLOCK_WORDS, 0);
        let mut state = [0u64; 25];
        for block in input.chunks_exact(BLOCK_WORDS) {
            for (lane, pair) in state.iter_mut().zip(block.chunks_exact(2)) {
                *lane ^= u64::from(pair[0]) | u64::from(pair[1]) << 32;
            }
            keccak::f1600(&mut state);
        }
        let mut result = [0u32; 17];
        for (k, lane) in state[..8].iter().enumerate() {
            result[2 * k] = *lane as u32;
            result[2 * k + 1] = (*lane >> 32) as u32;
        }
        result
    }

    fn reference(data: &[u8]) -> [u8; 32] {
        let mut hasher = Keccak::v256();
        hasher.update(data);
        let mut out = [0u8; 32];
        hasher.finalize(&mut out);
        out
    }

    #[test]
    fn layout_matches_keccak256() {
        let data: Vec<u8> = (0..700u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in (0..=300).chain([407, 408, 409, 543, 544, 700]) {
            let input = sponge_input(&data[..len]);
            assert_eq!(input.len(), (len / RATE_BYTES + 1) * BLOCK_WORDS, "len {len}");
            for block in input.chunks_exact(BLOCK_WORDS) {
                assert_eq!(&block[RATE_WORDS..], &[0, 0], "len {len}: words 34, 35 of a block are zero");
            }
            let result = model_sponge(&input);
            let mut hash = [0u8; 32];
            for (bytes, word) in hash.chunks_exact_mut(4).zip(&result) {
                bytes.copy_from_slice(&word.to_le_bytes());
            }
            assert_eq!(hash, reference(&data[..len]), "len {len}");
        }
    }

    #[test]
    fn empty_message() {
        // keccak256("") from the Ethereum yellow paper.
        let input = sponge_input(b"");
        assert_eq!(input[0], 0x01);
        assert_eq!(input[33], 0x8000_0000);
        let result = model_sponge(&input);
        assert_eq!(result[0].to_le_bytes(), [0xc5, 0xd2, 0x46, 0x01]);
    }
}
