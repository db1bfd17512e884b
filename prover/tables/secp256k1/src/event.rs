//! The calls this table proves and what the prover records for each.

use zkmips_isa::abi::sys;

/// A secp256k1 precompile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Secp256k1Op {
    /// `p := p + q` (`$a0` = p, `$a1` = q).
    Add,
    /// `p := 2p` (`$a0` = p).
    Double,
    /// `buf[0..32] := y` with `y² = x³ + 7` and `y & 1 = $a1 & 1`, `x = buf[32..64]`
    /// (`$a0` = buf).
    Decompress,
}

impl Secp256k1Op {
    pub const ALL: [Secp256k1Op; 3] = [Secp256k1Op::Add, Secp256k1Op::Double, Secp256k1Op::Decompress];

    /// The syscall number (`$v0`).
    pub const fn number(self) -> u32 {
        match self {
            Secp256k1Op::Add => sys::SECP256K1_ADD,
            Secp256k1Op::Double => sys::SECP256K1_DOUBLE,
            Secp256k1Op::Decompress => sys::SECP256K1_DECOMPRESS,
        }
    }

    pub fn from_number(number: u32) -> Option<Secp256k1Op> {
        Secp256k1Op::ALL.into_iter().find(|op| op.number() == number)
    }

    pub const fn name(self) -> &'static str {
        match self {
            Secp256k1Op::Add => "SECP256K1_ADD",
            Secp256k1Op::Double => "SECP256K1_DOUBLE",
            Secp256k1Op::Decompress => "SECP256K1_DECOMPRESS",
        }
    }
}

/// One call, as the VM executed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Secp256k1Event {
    /// Cycle of the `syscall` instruction.
    pub clk: u64,
    pub op: Secp256k1Op,
    /// `$a0` and `$a1` at the call.
    pub a0: u32,
    pub a1: u32,
    /// The 16 words at `$a0` before the call: the point p (ADD, DOUBLE), or the buffer
    /// (DECOMPRESS: 8 words that y overwrites, then x).
    pub p: [u32; 16],
    /// ADD: the 16 words of q at `$a1`. Unused (zero) for the others.
    pub q: [u32; 16],
    /// The 16 words at `$a0` after the call, as the VM left them.
    pub result: [u32; 16],
}
