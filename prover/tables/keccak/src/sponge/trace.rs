//! Trace generation of the sponge table, the memory accesses it looks up, and the
//! permutations it hands to the permutation table.
// A call's rows are indexed by block, with one row (and no block) for a call without input.
#![allow(clippy::needless_range_loop)]

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::{KeccakSpongeEvent, MemAccess};
use zkmips_stark::layout::{slot, ts};
use zkmips_stark::testing::trace_columns;
use zkmips_stark::F;

use super::columns::{SpongeColumns, BLOCK_WORDS, NUM_COLUMNS, RATE_WORDS, RESULT_WORDS};
use crate::perm::columns::LANES;
use crate::perm::PermEvent;

/// Slot of the length read (`result[16]`): after the syscall table's register reads, before
/// the input reads (`slot::MEM`) and the result writes (`slot::DST`).
pub const LENGTH_SLOT: u64 = slot::RT;

/// Fewest rows of a trace.
pub const MIN_ROWS: usize = zkmips_stark::MIN_TRACE_ROWS;

/// Whether the table proves this call: 4-byte aligned buffers that do not wrap past 2^32 (the
/// VM rejects unaligned ones; it wraps addresses, which the table does not prove).
pub fn check_call(ev: &KeccakSpongeEvent) -> Result<(), String> {
    let (input, result) = (ev.input as u64, ev.result as u64);
    if !input.is_multiple_of(4) || !result.is_multiple_of(4) {
        return Err(format!("KECCAK_SPONGE with unaligned buffers ({input:#x}, {result:#x}) is not proven"));
    }
    if result + 4 * (RESULT_WORDS as u64 + 1) > 1 << 32 {
        return Err(format!("KECCAK_SPONGE's result buffer {result:#x} wraps past 2^32"));
    }
    let blocks = ev.blocks.len() as u64;
    if blocks > 0 && input + 4 * BLOCK_WORDS as u64 * (blocks - 1) + 4 * RATE_WORDS as u64 > 1 << 32 {
        return Err(format!("KECCAK_SPONGE's input {input:#x} of {blocks} blocks wraps past 2^32"));
    }
    Ok(())
}

/// The rate words of a state, low half of each lane first.
fn words(state: &[u64; LANES], n: usize) -> impl Iterator<Item = u32> + '_ {
    (0..n).map(|w| (state[w / 2] >> (32 * (w % 2))) as u32)
}

/// The permutation inputs of a call's blocks, and the state after the last one.
pub fn absorb(ev: &KeccakSpongeEvent) -> (Vec<[u64; LANES]>, [u64; LANES]) {
    let mut state = [0u64; LANES];
    let mut inputs = Vec::with_capacity(ev.blocks.len());
    for block in &ev.blocks {
        for (w, &word) in block.iter().enumerate() {
            state[w / 2] ^= (word as u64) << (32 * (w % 2));
        }
        inputs.push(state);
        keccak::f1600(&mut state);
    }
    (inputs, state)
}

/// The 16 words the call writes to `result[0..16]`.
pub fn result_words(ev: &KeccakSpongeEvent) -> [u32; RESULT_WORDS] {
    let (_, state) = absorb(ev);
    let mut out = [0; RESULT_WORDS];
    for (o, w) in out.iter_mut().zip(words(&state, RESULT_WORDS)) {
        *o = w;
    }
    out
}

fn f(v: u64) -> F {
    F::from_canonical_u64(v)
}

fn bits(word: u32) -> [F; 32] {
    core::array::from_fn(|z| F::from_bool((word >> z) & 1 == 1))
}

fn limbs(out: &mut [F], state: &[u64; LANES]) {
    for (o, w) in out.iter_mut().zip(words(state, 2 * LANES)) {
        *o = f(w as u64);
    }
}

/// Writes `v` (below 2^32) into two 16-bit cells.
fn split(cells: &mut [F], v: u64) {
    assert!(v < 1 << 32, "a limb pair holds {v:#x}");
    cells[0] = f(v & 0xFFFF);
    cells[1] = f(v >> 16);
}

/// The rows of one call, and its permutations.
fn call_rows(ev: &KeccakSpongeEvent, rows: &mut Vec<Vec<F>>, perms: &mut Vec<PermEvent>) {
    if let Err(e) = check_call(ev) {
        panic!("the call at clk {}: {e}", ev.clk);
    }
    let n = ev.blocks.len();
    let (inputs, _) = absorb(ev);
    let mut state = [0u64; LANES];
    for k in 0..n.max(1) {
        let mut row = vec![F::ZERO; NUM_COLUMNS];
        let r = SpongeColumns::view_mut(&mut row);
        let (first, last) = (k == 0, k + 1 >= n);
        r.clk = f(ev.clk);
        r.input = f(ev.input as u64 + 4 * (BLOCK_WORDS * k) as u64);
        r.result = f(ev.result as u64);
        r.left = f((n - k.min(n)) as u64);
        r.is_first = F::from_bool(first);
        r.is_last = F::from_bool(last);
        if first {
            split(&mut r.limbs[0..2], ev.input as u64 / 4);
            split(&mut r.limbs[2..4], ev.result as u64 / 4);
            split(&mut r.limbs[4..6], (1 << 32) - 4 * (RESULT_WORDS as u64 + 1) - ev.result as u64);
        }
        if last {
            r.result_before = ev.result_before.map(|w| f(w as u64));
        }
        if n == 0 {
            r.is_empty = F::ONE;
        } else {
            r.is_absorb = F::ONE;
            for (w, word) in words(&state, RATE_WORDS).enumerate() {
                r.state[w] = bits(word);
            }
            for (c, w) in r.capacity.iter_mut().zip(words(&state, 2 * LANES).skip(RATE_WORDS)) {
                *c = f(w as u64);
            }
            for (w, &word) in ev.blocks[k].iter().enumerate() {
                r.data[w] = bits(word);
            }
            let input = inputs[k];
            for (x, w) in r.xored.iter_mut().zip(words(&input, RATE_WORDS)) {
                *x = f(w as u64);
            }
            state = input;
            keccak::f1600(&mut state);
            limbs(&mut r.out, &state);
            if last {
                split(
                    &mut r.limbs[6..8],
                    (1 << 32) - 4 * RATE_WORDS as u64 - (ev.input as u64 + 4 * (BLOCK_WORDS * k) as u64),
                );
            }
            perms.push(PermEvent { clk: ev.clk, block: (n - k) as u64, input });
        }
        rows.push(row);
    }
}

/// The sponge trace of a segment's calls (padded with zero rows to a power of two), and the
/// permutations the permutation table must prove for it.
///
/// # Panics
/// On a call [`check_call`] rejects.
pub fn generate_trace(events: &[KeccakSpongeEvent]) -> (Vec<PolynomialValues<F>>, Vec<PermEvent>) {
    let mut rows = Vec::with_capacity(events.iter().map(|e| e.blocks.len().max(1)).sum());
    let mut perms = Vec::new();
    for ev in events {
        call_rows(ev, &mut rows, &mut perms);
    }
    (trace_columns(rows, &[F::ZERO; NUM_COLUMNS], MIN_ROWS), perms)
}

/// The memory accesses the table looks up for a call (the `MEM` tuples of
/// [`super::ctl::ctl_mem`]): the length read, the input words and the result writes. The prover
/// hands these to the memory table instead of the VM's own records of the call (which also
/// read the two ignored words of each block).
pub fn mem_accesses(ev: &KeccakSpongeEvent) -> Vec<MemAccess> {
    let len = (BLOCK_WORDS * ev.blocks.len()) as u32;
    let mut out = Vec::with_capacity(1 + RATE_WORDS * ev.blocks.len() + RESULT_WORDS);
    let read = |addr: u64, slot: u64, v: u32| MemAccess { addr, ts: ts(ev.clk, slot), before: v, after: v };
    out.push(read(ev.result as u64 + 4 * RESULT_WORDS as u64, LENGTH_SLOT, len));
    for (k, block) in ev.blocks.iter().enumerate() {
        let base = ev.input as u64 + 4 * (BLOCK_WORDS * k) as u64;
        out.extend(block.iter().enumerate().map(|(w, &v)| read(base + 4 * w as u64, slot::MEM, v)));
    }
    for (w, (&before, after)) in ev.result_before.iter().zip(result_words(ev)).enumerate() {
        out.push(MemAccess { addr: ev.result as u64 + 4 * w as u64, ts: ts(ev.clk, slot::DST), before, after });
    }
    out
}
