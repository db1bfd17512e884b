//! Constraints of the permutation table.
//!
//! Each row is one round. Only the bits that the degree-3 limit forces are committed: the
//! state after theta (`A'`, 1600 bits) and the column parities before and after theta (`C`,
//! `C'`, 320 bits each); the state before and after the round are 32-bit limbs.
//!
//! **Theta.** With `C` and `C'` boolean and `C'[x][z] = C[x][z] ^ C[x-1][z] ^ C[x+1][z-1]`:
//! - parity: `sum_y A'[x, y][z] - C'[x][z]` is 0, 2 or 4, so `C'` is the column parity of `A'`;
//! - limbs: `A[i][z] = A'[i][z] ^ C[x][z] ^ C'[x][z]` packed into the limbs `a`.
//!
//! Then with `D = C ^ C'` (= `C[x-1] ^ rot(C[x+1], 1)`), `A' = A ^ D` bit by bit (the limbs of
//! `a` are sums of 32 bits below `p`, so they pin the bits of `A`), and the parity of column `x`
//! of `A'` is `parity(A[x]) ^ D[x]` (five copies of `D`) `= C'[x] = C[x] ^ D[x]`: so `C` is the
//! true column parity of `A`, `D` is theta's, and `A'` is theta's output.
//!
//! **Rho, pi, chi, iota.** Rho and pi move bits ([`super::round::b_bit`]); chi of three bits
//! of `A'` is a degree-3 polynomial, packed into `out`. Lane 0's bits at the round constant's
//! positions are committed before iota (`iota_bits`, pinned to chi), so that xoring the round
//! constant, selected by the one-hot round flags (degree 1), stays degree 2.
//!
//! **Rounds.** The flags start at round 0 on row 0 and rotate by one each row, so row
//! `24k + r` is round `r`. Within a permutation (not after round 23) the next row's `a` is this
//! row's `out` and the tag (`is_real`, `clk`, `block`) is unchanged. The lookups take the input
//! (`a`) at round 0 and the output (`out`) at round 23 of the same tag.
// Bits are addressed by lane, column and position in several arrays at once.
#![allow(clippy::needless_range_loop)]

use core::marker::PhantomData;

use plonky2::field::extension::{Extendable, FieldExtension};
use plonky2::field::packed::PackedField;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;
use zkmips_stark::algebra::{Circuit, Packed};
use zkmips_stark::cols::ColumnView;

use super::columns::{KeccakColumns, LANES, NUM_COLUMNS, RC_POSITIONS, ROUNDS};
use super::round::{b_bit, RC};
use zkmips_stark::algebra::Gadgets;

/// The permutation table's STARK.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeccakStark<F, const D: usize> {
    _phantom: PhantomData<F>,
}

impl<F, const D: usize> KeccakStark<F, D> {
    pub const fn new() -> Self {
        Self { _phantom: PhantomData }
    }
}

/// Every constraint of the table, on the rows `l` (local) and `n` (next).
pub(crate) fn eval<C: Gadgets>(cs: &mut C, l: &KeccakColumns<C::V>, n: &KeccakColumns<C::V>) {
    // Round flags: one-hot, round 0 on the first row, advancing by one per row.
    for &f in &l.round {
        cs.boolean(f);
    }
    let total = cs.sum(&l.round);
    let e = cs.sub_const(total, 1);
    cs.constraint(e);
    let e = cs.sub_const(l.round[0], 1);
    cs.constraint_first_row(e);
    for r in 0..ROUNDS {
        let e = cs.sub(n.round[(r + 1) % ROUNDS], l.round[r]);
        cs.constraint_transition(e);
    }
    let within = cs.const_sub(1, l.round[ROUNDS - 1]);
    cs.boolean(l.is_real);
    for (next, local) in [(n.is_real, l.is_real), (n.clk, l.clk), (n.block, l.block)] {
        let e = cs.sub(next, local);
        cs.when_transition(within, e);
    }

    // Theta.
    for x in 0..5 {
        for z in 0..64 {
            cs.boolean(l.c[x][z]);
            cs.boolean(l.c_prime[x][z]);
        }
    }
    for lane in &l.a_prime {
        for &b in lane {
            cs.boolean(b);
        }
    }
    let mut d = [[l.c[0][0]; 64]; 5];
    for x in 0..5 {
        for z in 0..64 {
            let e = cs.xor3(l.c[x][z], l.c[(x + 4) % 5][z], l.c[(x + 1) % 5][(z + 63) % 64]);
            let e = cs.sub(l.c_prime[x][z], e);
            cs.constraint(e);
            // The column of A' has the parity C': its bit sum minus C' is 0, 2 or 4.
            let column: Vec<_> = (0..5).map(|y| l.a_prime[x + 5 * y][z]).collect();
            let s = cs.sum(&column);
            let s = cs.sub(s, l.c_prime[x][z]);
            let s2 = cs.sub_const(s, 2);
            let s4 = cs.sub_const(s, 4);
            let e = cs.mul(s, s2);
            let e = cs.mul(e, s4);
            cs.constraint(e);
            d[x][z] = cs.xor(l.c[x][z], l.c_prime[x][z]);
        }
    }
    for i in 0..LANES {
        for h in 0..2 {
            let bits: Vec<_> = (32 * h..32 * h + 32).map(|z| cs.xor(l.a_prime[i][z], d[i % 5][z])).collect();
            let packed = cs.pack(&bits);
            let e = cs.sub(l.a[2 * i + h], packed);
            cs.constraint(e);
        }
    }

    // Rho and pi (bit moves), chi, iota.
    let rc: [C::V; 7] = core::array::from_fn(|j| {
        let flags: Vec<_> = (0..ROUNDS).filter(|&r| (RC[r] >> RC_POSITIONS[j]) & 1 == 1).map(|r| l.round[r]).collect();
        cs.sum(&flags)
    });
    let b = |lane: usize, z: usize| {
        let (src, bit) = b_bit(lane, z);
        l.a_prime[src][bit]
    };
    for i in 0..LANES {
        let (x, y) = (i % 5, i / 5);
        let (i1, i2) = ((x + 1) % 5 + 5 * y, (x + 2) % 5 + 5 * y);
        let mut bits = Vec::with_capacity(64);
        for z in 0..64 {
            // chi: b0 ^ (!b1 & b2).
            let (b0, b1, b2) = (b(i, z), b(i1, z), b(i2, z));
            let b12 = cs.mul(b1, b2);
            let t = cs.sub(b2, b12);
            let mut bit = cs.xor(b0, t);
            if i == 0 {
                if let Some(j) = RC_POSITIONS.iter().position(|&p| p == z) {
                    let e = cs.sub(l.iota_bits[j], bit);
                    cs.constraint(e);
                    bit = cs.xor(l.iota_bits[j], rc[j]);
                }
            }
            bits.push(bit);
        }
        for h in 0..2 {
            let packed = cs.pack(&bits[32 * h..32 * h + 32]);
            let e = cs.sub(l.out[2 * i + h], packed);
            cs.constraint(e);
        }
    }

    // The next round starts from this round's output.
    for k in 0..l.out.len() {
        let e = cs.sub(n.a[k], l.out[k]);
        cs.when_transition(within, e);
    }
}

impl<F: RichField + Extendable<D>, const D: usize> Stark<F, D> for KeccakStark<F, D> {
    type EvaluationFrame<FE, P, const D2: usize>
        = StarkFrame<P, P::Scalar, NUM_COLUMNS, 0>
    where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>;

    type EvaluationFrameTarget = StarkFrame<ExtensionTarget<D>, ExtensionTarget<D>, NUM_COLUMNS, 0>;

    fn eval_packed_generic<FE, P, const D2: usize>(
        &self,
        vars: &Self::EvaluationFrame<FE, P, D2>,
        yield_constr: &mut ConstraintConsumer<P>,
    ) where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>,
    {
        let local = KeccakColumns::view(vars.get_local_values());
        let next = KeccakColumns::view(vars.get_next_values());
        eval(&mut Packed { cc: yield_constr }, local, next);
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let local = KeccakColumns::view(vars.get_local_values());
        let next = KeccakColumns::view(vars.get_next_values());
        eval(&mut Circuit { builder, cc: yield_constr }, local, next);
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}
