//! Example guest for the README: reads one input item, prints its length, and commits its
//! keccak256 hash as the public values.
//!
//! ```sh
//! elf=$(scripts/build-guest geth-mips/examples/keccak | tail -n1)
//! printf 'hello' > /tmp/msg
//! zkmips run "$elf" --input /tmp/msg
//! ```

#![no_std]
#![no_main]

zkmips_guest::entry!(main);

fn main() {
    let data = zkmips_guest::read_vec();
    zkmips_guest::println!("hashing {} bytes", data.len());
    zkmips_guest::commit_slice(&zkmips_guest::keccak256(&data));
}
