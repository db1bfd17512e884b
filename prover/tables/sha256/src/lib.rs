//! zkMIPS STARK tables for the SHA-256 precompile calls: [`extend`] (SHA_EXTEND, the message
//! schedule) and [`compress`] (SHA_COMPRESS, 64 rounds and the final additions).
//!
//! Pipeline position: a `syscall` with `$v0 = SHA_EXTEND` or `SHA_COMPRESS` (`shared/ABI.md`)
//! is accepted by the syscall table, which hands `[clk, $a0]` (`SHA_EXTEND` lookup) or
//! `[clk, $a0, $a1]` (`SHA_COMPRESS`) to the table here. The table makes the call's memory
//! accesses itself (`MEM`), each word at most once per access slot, so the memory table sees
//! strictly increasing timestamps per address.
//!
//! **Cost.** SHA_EXTEND is 48 rows of [`extend::NUM_COLUMNS`] (142) columns and 64 memory
//! accesses; SHA_COMPRESS is 65 rows of [`compress::NUM_COLUMNS`] (321) columns and 80
//! accesses: about 28 k committed cells per 64-byte block. The same block in software (`sha2`
//! in a Rust guest) runs about 2,300 VM cycles, some 0.8 M cells at ~330 cells per cycle; through
//! the calls the guest spends about 100 cycles per block on the word layout.

mod bits;
pub mod compress;
pub mod extend;

pub use compress::ShaCompressStark;
pub use extend::ShaExtendStark;

/// The SHA-256 round constants.
pub const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];

/// The message schedule's small sigmas and the rounds' big sigmas: three rotations (or two
/// and a shift) xored, as rotation amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sigma {
    pub rot: [u32; 2],
    /// The third term: a right rotation (`Sigma0`, `Sigma1`) or a right shift (`sigma0`,
    /// `sigma1`) by this amount.
    pub third: u32,
    pub shift: bool,
}

pub(crate) const SMALL_SIGMA0: Sigma = Sigma { rot: [7, 18], third: 3, shift: true };
pub(crate) const SMALL_SIGMA1: Sigma = Sigma { rot: [17, 19], third: 10, shift: true };
pub(crate) const BIG_SIGMA0: Sigma = Sigma { rot: [2, 13], third: 22, shift: false };
pub(crate) const BIG_SIGMA1: Sigma = Sigma { rot: [6, 11], third: 25, shift: false };

impl Sigma {
    pub fn apply(self, x: u32) -> u32 {
        let third = if self.shift { x >> self.third } else { x.rotate_right(self.third) };
        x.rotate_right(self.rot[0]) ^ x.rotate_right(self.rot[1]) ^ third
    }

    /// The input bits xored into output bit `z`: two or three indices.
    pub fn taps(self, z: u32) -> ([usize; 2], Option<usize>) {
        let r = |k: u32| ((z + k) % 32) as usize;
        let third = if !self.shift {
            Some(r(self.third))
        } else if z + self.third < 32 {
            Some((z + self.third) as usize)
        } else {
            None
        };
        ([r(self.rot[0]), r(self.rot[1])], third)
    }
}
