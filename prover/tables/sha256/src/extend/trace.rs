//! Trace generation of the SHA_EXTEND table, and the memory accesses it looks up.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::{MemAccess, ShaExtendEvent};
use zkmips_stark::layout::{slot, ts};
use zkmips_stark::testing::trace_columns;
use zkmips_stark::F;

use super::columns::{ExtendColumns, NUM_COLUMNS, ROWS, WINDOW};
use crate::bits::{bits, f, split};
use crate::{SMALL_SIGMA0, SMALL_SIGMA1};

/// Fewest rows of a trace.
pub const MIN_ROWS: usize = zkmips_stark::MIN_TRACE_ROWS;

/// Whether the table proves this call: an aligned buffer that does not wrap past 2^32 (the VM
/// rejects unaligned ones; it wraps addresses, which the table does not prove).
pub fn check_call(ev: &ShaExtendEvent) -> Result<(), String> {
    let w = ev.w_ptr as u64;
    if !w.is_multiple_of(4) {
        return Err(format!("SHA_EXTEND with an unaligned buffer ({w:#x}) is not proven"));
    }
    if w + 256 > 1 << 32 {
        return Err(format!("SHA_EXTEND's buffer {w:#x} wraps past 2^32"));
    }
    Ok(())
}

/// The message schedule `w[0..64]` of `w[0..16]`.
pub fn extend(w16: &[u32; WINDOW]) -> [u32; 64] {
    let mut w = [0u32; 64];
    w[..WINDOW].copy_from_slice(w16);
    for i in WINDOW..64 {
        w[i] = w[i - 16]
            .wrapping_add(SMALL_SIGMA0.apply(w[i - 15]))
            .wrapping_add(w[i - 7])
            .wrapping_add(SMALL_SIGMA1.apply(w[i - 2]));
    }
    w
}

/// The rows of one call.
fn call_rows(ev: &ShaExtendEvent, rows: &mut Vec<Vec<F>>) {
    if let Err(e) = check_call(ev) {
        panic!("the call at clk {}: {e}", ev.clk);
    }
    let w = extend(&ev.w);
    for j in 0..ROWS {
        let i = WINDOW + j;
        let mut row = vec![F::ZERO; NUM_COLUMNS];
        let r = ExtendColumns::view_mut(&mut row);
        r.clk = f(ev.clk);
        r.w_ptr = f(ev.w_ptr as u64);
        r.step[j] = F::ONE;
        for k in 0..WINDOW {
            r.window[k] = f(w[i - WINDOW + k] as u64);
        }
        r.x15 = bits(w[i - 15]);
        r.x2 = bits(w[i - 2]);
        let (s0, s1) = (SMALL_SIGMA0.apply(w[i - 15]), SMALL_SIGMA1.apply(w[i - 2]));
        r.s0 = f(s0 as u64);
        r.s1 = f(s1 as u64);
        let sum = w[i - 16] as u64 + s0 as u64 + w[i - 7] as u64 + s1 as u64;
        debug_assert_eq!(sum as u32, w[i]);
        r.new = f(w[i] as u64);
        split(&mut r.new_limbs, w[i] as u64);
        r.carry = bits((sum >> 32) as u32)[..2].try_into().unwrap();
        r.before = f(ev.before[j] as u64);
        if j == 0 {
            split(&mut r.limbs[0..2], ev.w_ptr as u64 / 4);
            split(&mut r.limbs[2..4], (1 << 32) - 256 - ev.w_ptr as u64);
        }
        rows.push(row);
    }
}

/// The trace of a segment's calls, padded with zero rows to a power of two.
///
/// # Panics
/// On a call [`check_call`] rejects.
pub fn generate_trace(events: &[ShaExtendEvent]) -> Vec<PolynomialValues<F>> {
    let mut rows = Vec::with_capacity(ROWS * events.len());
    for ev in events {
        call_rows(ev, &mut rows);
    }
    trace_columns(rows, &[F::ZERO; NUM_COLUMNS], MIN_ROWS)
}

/// The memory accesses the table looks up for a call (the `MEM` tuples of
/// [`super::ctl::ctl_mem`]): the prover hands these to the memory table instead of the VM's own
/// records of the call.
pub fn mem_accesses(ev: &ShaExtendEvent) -> Vec<MemAccess> {
    let w = extend(&ev.w);
    let at = |i: usize| ev.w_ptr as u64 + 4 * i as u64;
    let reads = (0..WINDOW).map(|i| MemAccess { addr: at(i), ts: ts(ev.clk, slot::MEM), before: w[i], after: w[i] });
    let writes = (0..ROWS).map(|j| MemAccess {
        addr: at(WINDOW + j),
        ts: ts(ev.clk, slot::MEM_WRITE),
        before: ev.before[j],
        after: w[WINDOW + j],
    });
    reads.chain(writes).collect()
}
