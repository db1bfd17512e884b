//! A guest that exercises the VM's guest ABI (`shared/ABI.md`) through the `zkmips-guest` runtime;
//! the tests in `tests/tests/rust_guest.rs` run it under `zkmips run`.
//!
//! The first input item is a bincode-encoded `u32` command:
//! - 0: read a second item as raw bytes, print `len=<n>` to stdout, commit the bytes' keccak256
//!   (32 raw bytes) and their length (`u32`, bincode: 4 bytes little-endian), exit 0;
//! - 1: panic with `abi-test: deliberate panic` (exit code 1, message on stderr);
//! - 2: read one more item than the host supplies (the runtime panics: no more input items);
//! - 3: HALT with exit code 7 without committing.
//! - 4: read a `u32` n and run n rounds of a workload that uses only the proven instructions and
//!   calls (no precompile): a xorshift generator filling a table, multiplies, divisions,
//!   sub-word stores and loads; commit the checksum (`u32`). The prover's tests and
//!   `scripts/bench-prove` size their runs with n.

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
        4 => {
            let rounds: u32 = read();
            commit(&workload(rounds));
        }
        other => panic!("abi-test: unknown command {other}"),
    }
}

/// Mixed integer work: about 60 instructions per round.
fn workload(rounds: u32) -> u32 {
    let mut table = [0u8; 256];
    let mut x: u32 = 0x2545_F491;
    let mut acc: u32 = 0;
    for i in 0..rounds {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let slot = (x & 0xFF) as usize;
        table[slot] = table[slot].wrapping_add(x as u8);
        let wide = (x as u64).wrapping_mul(0x9E37_79B9) >> 7;
        let q = (wide as u32) / ((i | 1) & 0xFFFF).max(1);
        acc = acc.rotate_left(3) ^ q ^ u32::from(table[(acc & 0xFF) as usize]) ^ (x as i32 >> 3) as u32;
        core::hint::black_box(&mut table);
    }
    acc
}
