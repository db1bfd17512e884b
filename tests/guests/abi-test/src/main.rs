//! A guest that exercises the VM's guest ABI (`shared/ABI.md`) through the `zkmips-guest` runtime;
//! the tests in `tests/tests/rust_guest.rs` run it under `zkmips run`.
//!
//! The first input item is a bincode-encoded `u32` command:
//! - 0: read a second item as raw bytes, print `len=<n>` to stdout, commit the bytes' keccak256
//!   (32 raw bytes) and their length (`u32`, bincode: 4 bytes little-endian), exit 0;
//! - 1: panic with `abi-test: deliberate panic` (exit code 1, message on stderr);
//! - 2: read one more item than the host supplies (the runtime panics: no more input items);
//! - 3: HALT with exit code 7 without committing.

#![no_std]
#![no_main]

use zkmips_guest::{commit, commit_slice, keccak256, println, read, read_vec};

zkmips_guest::entry!(main);

fn main() {
    let command: u32 = read();
    match command {
        0 => {
            let bytes = read_vec();
            println!("len={}", bytes.len());
            commit_slice(&keccak256(&bytes));
            commit(&(bytes.len() as u32));
        }
        1 => panic!("abi-test: deliberate panic"),
        2 => {
            let _ = read_vec();
        }
        3 => zkmips_guest::halt(7),
        other => panic!("abi-test: unknown command {other}"),
    }
}
