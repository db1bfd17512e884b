//! A guest that uses the SHA-256 calls of `shared/ABI.md`; `tests/tests/prove_sha256.rs` proves
//! it.
//!
//! Input: a bincode `Vec<Vec<u8>>` of messages. For each it commits `zkmips_guest::sha256` of
//! the message (SHA_EXTEND and SHA_COMPRESS per 64-byte block). Then it extends the block
//! `w[i] = 0x01010101 * i` with the raw call, compresses it into the state `w[40..48]` (not the
//! IV) and commits the resulting 8 words.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

use zkmips_guest::syscall::{sha_compress, sha_extend};
use zkmips_guest::{commit, sha256};

zkmips_guest::entry!(main);

fn main() {
    let messages: Vec<Vec<u8>> = zkmips_guest::read();
    for msg in &messages {
        commit(&sha256(msg));
    }
    let mut w = [0u32; 64];
    for (i, word) in w[..16].iter_mut().enumerate() {
        *word = 0x0101_0101 * i as u32;
    }
    sha_extend(&mut w);
    let mut h: [u32; 8] = w[40..48].try_into().expect("8 words");
    sha_compress(&w, &mut h);
    commit(&h);
}
