//! Columns of the permutation table: one row per round, 24 rows per permutation.
//!
//! Lanes are numbered as the `keccak` crate's state, `i = x + 5 * y`; lane `i` is the 32-bit
//! limbs `2 * i` (bits 0..32) and `2 * i + 1` (bits 32..64). Bit `z` of a lane is its bit of
//! weight `2^z`.

/// Rounds of keccak-f[1600].
pub const ROUNDS: usize = 24;
/// Lanes of the state.
pub const LANES: usize = 25;
/// 32-bit limbs of the state.
pub const LIMBS: usize = 2 * LANES;
/// The bits of lane 0 that a round constant can flip (every round constant is zero elsewhere).
pub const RC_POSITIONS: [usize; 7] = [0, 1, 3, 7, 15, 31, 63];

/// One round of one permutation.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeccakColumns<T> {
    /// One-hot round number: row `24 * k + r` of the trace has `round[r] = 1`.
    pub round: [T; ROUNDS],
    /// 1 on the rows of a permutation that the sponge looks up; 0 on padding permutations.
    pub is_real: T,
    /// The permutation's tag (the call's `clk` and the block's number), the same on its rows.
    pub clk: T,
    pub block: T,
    /// The state at the start of the round, as limbs (round 0: the permutation's input).
    pub a: [T; LIMBS],
    /// `C[x][z]`: the parity of column `x` of the state, bit `z`.
    pub c: [[T; 64]; 5],
    /// `C'[x][z] = C[x][z] ^ C[x - 1][z] ^ C[x + 1][z - 1]`: the parity of column `x` after theta.
    pub c_prime: [[T; 64]; 5],
    /// The state after theta, bit by bit: `A'[i][z] = A[i][z] ^ D[x][z]`, `D = C ^ C'`.
    pub a_prime: [[T; 64]; LANES],
    /// Lane 0 after chi, before iota, at the bits of [`RC_POSITIONS`].
    pub iota_bits: [T; 7],
    /// The state at the end of the round, as limbs (round 23: the permutation's output).
    pub out: [T; LIMBS],
}

zkmips_stark::impl_columns!(KeccakColumns);

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<KeccakColumns<u64>>();

/// Column indices of the permutation table.
pub fn col_map() -> KeccakColumns<usize> {
    use zkmips_stark::cols::ColumnView;
    let idx: Vec<usize> = (0..NUM_COLUMNS).collect();
    *KeccakColumns::view(&idx)
}
