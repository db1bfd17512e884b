//! Trace generation of the SHA_COMPRESS table, and the memory accesses it looks up.
// The eight working variables, `h` and `out` are indexed together.
#![allow(clippy::needless_range_loop)]

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::{MemAccess, ShaCompressEvent};
use zkmips_stark::layout::{slot, ts};
use zkmips_stark::testing::trace_columns;
use zkmips_stark::F;

use super::columns::{CompressColumns, NUM_COLUMNS, ROUNDS, ROWS};
use super::ctl::H_READ_SLOT;
use crate::bits::{bits, f, split};
use crate::{BIG_SIGMA0, BIG_SIGMA1, K};

/// Fewest rows of a trace.
pub const MIN_ROWS: usize = zkmips_stark::MIN_TRACE_ROWS;

/// Whether the table proves this call: aligned buffers that do not wrap past 2^32 (the VM
/// rejects unaligned ones; it wraps addresses, which the table does not prove).
pub fn check_call(ev: &ShaCompressEvent) -> Result<(), String> {
    for (name, ptr, len) in [("w", ev.w_ptr as u64, 256), ("h", ev.h_ptr as u64, 32)] {
        if !ptr.is_multiple_of(4) {
            return Err(format!("SHA_COMPRESS with an unaligned {name} buffer ({ptr:#x}) is not proven"));
        }
        if ptr + len > 1 << 32 {
            return Err(format!("SHA_COMPRESS's {name} buffer {ptr:#x} wraps past 2^32"));
        }
    }
    Ok(())
}

/// The working variables before each round and after the last (`states[64]`).
fn states(h: &[u32; 8], w: &[u32; 64]) -> [[u32; 8]; ROWS] {
    let mut out = [[0; 8]; ROWS];
    out[0] = *h;
    for j in 0..ROUNDS {
        let [a, b, c, d, e, f, g, hh] = out[j];
        let ch = (e & f) ^ (!e & g);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t1 = hh.wrapping_add(BIG_SIGMA1.apply(e)).wrapping_add(ch).wrapping_add(K[j]).wrapping_add(w[j]);
        let t2 = BIG_SIGMA0.apply(a).wrapping_add(maj);
        out[j + 1] = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
    }
    out
}

/// The hash state after compressing the block whose schedule is `w` into `h`.
pub fn compress(h: &[u32; 8], w: &[u32; 64]) -> [u32; 8] {
    let v = states(h, w)[ROUNDS];
    core::array::from_fn(|k| h[k].wrapping_add(v[k]))
}

/// The rows of one call.
fn call_rows(ev: &ShaCompressEvent, rows: &mut Vec<Vec<F>>) {
    if let Err(e) = check_call(ev) {
        panic!("the call at clk {}: {e}", ev.clk);
    }
    let states = states(&ev.h, &ev.w);
    for (j, s) in states.iter().enumerate() {
        let mut row = vec![F::ZERO; NUM_COLUMNS];
        let r = CompressColumns::view_mut(&mut row);
        let [a, b, c, d, e, g_f, g, hh] = *s;
        r.clk = f(ev.clk);
        r.w_ptr = f(ev.w_ptr as u64);
        r.h_ptr = f(ev.h_ptr as u64);
        r.step[j] = F::ONE;
        r.abc = [a, b, c].map(bits);
        r.efg = [e, g_f, g].map(bits);
        r.d = f(d as u64);
        r.h = f(hh as u64);
        let (s0, s1) = (BIG_SIGMA0.apply(a), BIG_SIGMA1.apply(e));
        let (ch, maj) = ((e & g_f) ^ (!e & g), (a & b) ^ (a & c) ^ (b & c));
        r.sigma0 = f(s0 as u64);
        r.sigma1 = f(s1 as u64);
        r.ch = f(ch as u64);
        r.maj = f(maj as u64);
        r.h_in = ev.h.map(|x| f(x as u64));
        if j < ROUNDS {
            r.w = f(ev.w[j] as u64);
            let t1 = hh as u64 + s1 as u64 + ch as u64 + K[j] as u64 + ev.w[j] as u64;
            let t2 = s0 as u64 + maj as u64;
            r.carry_a = bits(((t1 + t2) >> 32) as u32)[..3].try_into().unwrap();
            r.carry_e = bits(((d as u64 + t1) >> 32) as u32)[..3].try_into().unwrap();
        } else {
            for k in 0..8 {
                let sum = ev.h[k] as u64 + s[k] as u64;
                r.out[k] = f(sum & 0xFFFF_FFFF);
                r.out_carry[k] = f(sum >> 32);
                split(&mut r.out_limbs[2 * k..2 * k + 2], sum & 0xFFFF_FFFF);
            }
        }
        if j == 0 {
            split(&mut r.limbs[0..2], ev.w_ptr as u64 / 4);
            split(&mut r.limbs[2..4], (1 << 32) - 256 - ev.w_ptr as u64);
            split(&mut r.limbs[4..6], ev.h_ptr as u64 / 4);
            split(&mut r.limbs[6..8], (1 << 32) - 32 - ev.h_ptr as u64);
        }
        rows.push(row);
    }
}

/// The trace of a segment's calls, padded with zero rows to a power of two.
///
/// # Panics
/// On a call [`check_call`] rejects.
pub fn generate_trace(events: &[ShaCompressEvent]) -> Vec<PolynomialValues<F>> {
    let mut rows = Vec::with_capacity(ROWS * events.len());
    for ev in events {
        call_rows(ev, &mut rows);
    }
    trace_columns(rows, &[F::ZERO; NUM_COLUMNS], MIN_ROWS)
}

/// The memory accesses the table looks up for a call (the `MEM` tuples of
/// [`super::ctl::ctl_mem`]): the prover hands these to the memory table instead of the VM's own
/// records of the call.
pub fn mem_accesses(ev: &ShaCompressEvent) -> Vec<MemAccess> {
    let out = compress(&ev.h, &ev.w);
    let h_at = |i: usize| ev.h_ptr as u64 + 4 * i as u64;
    let read = |addr: u64, slot: u64, v: u32| MemAccess { addr, ts: ts(ev.clk, slot), before: v, after: v };
    let mut acc: Vec<_> = (0..8).map(|i| read(h_at(i), H_READ_SLOT, ev.h[i])).collect();
    acc.extend((0..ROUNDS).map(|j| read(ev.w_ptr as u64 + 4 * j as u64, slot::MEM, ev.w[j])));
    acc.extend((0..8).map(|i| MemAccess {
        addr: h_at(i),
        ts: ts(ev.clk, slot::MEM_WRITE),
        before: ev.h[i],
        after: out[i],
    }));
    acc
}
