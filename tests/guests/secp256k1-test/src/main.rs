//! A guest that uses the secp256k1 calls of `shared/ABI.md`; `tests/tests/prove_secp256k1.rs`
//! proves it.
//!
//! Input: a bincode `u32` n. Starting from p = G (the generator), it runs n rounds of
//! `p := 2p; p := p + G` (SECP256K1_DOUBLE, SECP256K1_ADD: p is never ±G, so the ADD is a true
//! chord), then decompresses G's x with an odd y (SECP256K1_DECOMPRESS: that is -G), and commits
//! p (16 words, x then y) and the decompressed y (8 words).

#![no_std]
#![no_main]
#![feature(asm_experimental_arch)]

use zkmips_guest::commit;

zkmips_guest::entry!(main);

const SECP256K1_ADD: u32 = 0x0101_000A;
const SECP256K1_DOUBLE: u32 = 0x0001_000B;
const SECP256K1_DECOMPRESS: u32 = 0x0001_000C;

/// The generator, x then y, little-endian words.
const G: [u32; 16] = [
    0x16F8_1798,
    0x59F2_815B,
    0x2DCE_28D9,
    0x029B_FCDB,
    0xCE87_0B07,
    0x55A0_6295,
    0xF9DC_BBAC,
    0x79BE_667E,
    0xFB10_D4B8,
    0x9C47_D08F,
    0xA685_5419,
    0xFD17_B448,
    0x0E11_08A8,
    0x5DA4_FBFC,
    0x26A3_C465,
    0x483A_DA77,
];

/// A secp256k1 call: number, `$a0`, `$a1`. The calls keep every register.
///
/// # Safety
/// `a0` (and `a1` for ADD) must point to 16 words the call may read and write.
unsafe fn call(number: u32, a0: *mut u32, a1: u32) {
    // SAFETY: the call reads and writes only the buffers the caller vouches for.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("$2") number => _,
            in("$4") a0,
            in("$5") a1,
            options(nostack),
        );
    }
}

fn main() {
    let rounds: u32 = zkmips_guest::read();
    let mut p = G;
    let q = G;
    for _ in 0..rounds {
        // SAFETY: p and q are 16-word arrays on the stack.
        unsafe {
            call(SECP256K1_DOUBLE, p.as_mut_ptr(), 0);
            call(SECP256K1_ADD, p.as_mut_ptr(), q.as_ptr() as u32);
        }
    }
    let mut buf = [0u32; 16];
    buf[8..].copy_from_slice(&G[..8]);
    // SAFETY: buf is 16 words: y goes to the first 8, x is read from the last 8.
    unsafe { call(SECP256K1_DECOMPRESS, buf.as_mut_ptr(), 1) };
    commit(&p);
    commit(&buf[..8]);
}
