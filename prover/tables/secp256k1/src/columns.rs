//! Columns of the secp256k1 table: one row per call, all zero on padding rows.
//!
//! A 256-bit value is 16 little-endian limbs of 16 bits (memory word `i` of it is
//! `limb[2i] + 2^16 * limb[2i + 1]`). What the value columns hold depends on the call:
//!
//! | columns | ADD | DOUBLE | DECOMPRESS |
//! |---|---|---|---|
//! | `x1`, `y1` | p before (read and overwritten) | p before | `x1`: the 8 words of `buf[0..32]` before y overwrites them |
//! | `x2`, `y2` | q (read) | unused | `x2`: x (`buf[32..64]`, read); `y2`: the parity witnesses |
//! | `lambda` | `λ = (y2 - y1) / (x2 - x1)` | `κ = 2λ = 3x² / y` | `t = x²` |
//! | `x3`, `y3` | p + q (written) | 2p (written) | `x3`: y (written) |

use crate::native::LIMBS;

/// Carries of one limb identity (coefficients `0..16` of the quotient polynomial; the last
/// one, 16, is an expression of `q`).
pub const CARRIES: usize = 16;

/// Limbs of the multiple of `p` in one identity.
pub const Q_LIMBS: usize = 3;

/// Number of limb identities per row.
pub const IDENTITIES: usize = 3;

/// The witness of one limb identity `F(X) - q(X) p(X) = (X - 2^16) c(X)` (see `air.rs`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IdentityColumns<T> {
    /// `q = q[0] + 2^16 q[1] + 2^32 (q[2] - 2^15)`, the signed multiple of p (range-checked).
    pub q: [T; Q_LIMBS],
    /// `c[k] + OFFSET = carry_lo[k] + 2^16 carry_hi[k]` (both range-checked).
    pub carry_lo: [T; CARRIES],
    pub carry_hi: [T; CARRIES],
}

/// The proof that a result coordinate `v` is below p (see `air.rs`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CanonicalColumns<T> {
    /// 1 if one of limbs `4..16` is below `0xFFFF`; `inv` then inverts their distance sum.
    pub top: T,
    /// 1 if limbs `4..16` are all `0xFFFF`, word 1 is `0xFFFFFFFE` and word 0 is at most
    /// `0xFFFFFC2E`. (If neither flag is set, the row proves word 1 at most `0xFFFFFFFD`.)
    pub low: T,
    pub inv: T,
    /// The slack of the word comparison, `room[0] + 2^16 room[1]` (range-checked).
    pub room: [T; 2],
}

/// One row of the secp256k1 table.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Secp256k1Columns<T> {
    /// Cycle of the `syscall`.
    pub clk: T,
    /// One-hot call flags (all 0 on padding rows).
    pub is_add: T,
    pub is_double: T,
    pub is_decompress: T,
    /// `$a0`: the address of p (ADD, DOUBLE) or of the buffer (DECOMPRESS).
    pub a0: T,
    /// `$a1`: the address of q (ADD) or the odd flag (DECOMPRESS); unused by DOUBLE.
    pub a1: T,
    /// Address of the words read besides p: q (`a1`, ADD) or x (`a0 + 32`, DECOMPRESS).
    pub q_addr: T,
    /// Value limbs (range-checked); see the module doc for their meaning per call.
    pub x1: [T; LIMBS],
    pub y1: [T; LIMBS],
    pub x2: [T; LIMBS],
    pub y2: [T; LIMBS],
    pub lambda: [T; LIMBS],
    pub x3: [T; LIMBS],
    pub y3: [T; LIMBS],
    /// The three limb identities.
    pub identity: [IdentityColumns<T>; IDENTITIES],
    /// `x3 < p` and `y3 < p`.
    pub canonical: [CanonicalColumns<T>; 2],
    /// `2^32 - 64 - a0` (range-checked): the 16 words from `a0` stay below 2^32.
    pub a0_room: [T; 2],
    /// ADD: `2^32 - 64 - q_addr` (range-checked).
    pub q_room: [T; 2],
    /// ADD: per-word coefficients `s` with `sum s[j] (x2[j] - x1[j]) = 1` over the words of x,
    /// which proves `x1 != x2`.
    pub distinct: [T; 8],
}

zkmips_stark::impl_columns!(IdentityColumns);
zkmips_stark::impl_columns!(CanonicalColumns);
zkmips_stark::impl_columns!(Secp256k1Columns);

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<Secp256k1Columns<u64>>();

/// The index of every column, as a column view.
pub fn col_map() -> Secp256k1Columns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: Vec<usize> = (0..NUM_COLUMNS).collect();
    *Secp256k1Columns::view(&idx)
}

impl<T: Copy> Secp256k1Columns<T> {
    /// The seven value columns in the order `x1, y1, x2, y2, lambda, x3, y3`.
    pub fn values(&self) -> [[T; LIMBS]; 7] {
        [self.x1, self.y1, self.x2, self.y2, self.lambda, self.x3, self.y3]
    }

    /// Limbs of memory word `i` (`0..16`) of the point `(x, y)`.
    pub fn word_limbs(x: &[T; LIMBS], y: &[T; LIMBS], i: usize) -> [T; 2] {
        let v = if i < 8 { x } else { y };
        let j = 2 * (i % 8);
        [v[j], v[j + 1]]
    }
}
