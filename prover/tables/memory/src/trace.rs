//! Trace generation of the memory table.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::MemAccess;
use zkmips_stark::layout::{reg, reg_addr, slot, ts};
use zkmips_stark::F;

use crate::columns::{AccessColumns, ACCESSES_PER_ROW, ACCESS_COLUMNS, NUM_COLUMNS};

/// Largest gap the two 16-bit limbs hold.
const MAX_GAP: u64 = (1 << 32) - 1;

/// The trace of a segment's accesses.
///
/// Adds a read of every register-page word `i` at `ts(clk_start, slot::FETCH)` returning
/// `start_registers[i]` (so every register-page word has a first and a last access, and its first
/// value is the segment's start value), sorts all accesses by `(addr, ts)`, lays them out
/// [`ACCESSES_PER_ROW`] per row and pads with zero accesses to a power of two of rows (at least
/// [`zkmips_stark::MIN_TRACE_ROWS`]).
///
/// # Panics
/// If `start_registers.len() != reg::COUNT`, or the accesses are not a valid history: two
/// accesses to one address with the same timestamp, a read or write whose `before` is not the
/// previous access's `after` (the register reads added here count), or a gap above 2^32 between
/// consecutive timestamps of one address or between consecutive addresses (addresses are below
/// `REG_BASE + 2^32`).
pub fn generate_trace(accesses: &[MemAccess], clk_start: u64, start_registers: &[u32]) -> Vec<PolynomialValues<F>> {
    assert_eq!(start_registers.len(), reg::COUNT, "one start value per register-page word");
    let start_ts = ts(clk_start, slot::FETCH);
    let mut all = Vec::with_capacity(accesses.len() + reg::COUNT);
    all.extend(start_registers.iter().enumerate().map(|(i, &v)| MemAccess {
        addr: reg_addr(i),
        ts: start_ts,
        before: v,
        after: v,
    }));
    all.extend_from_slice(accesses);
    all.sort_unstable_by_key(|a| (a.addr, a.ts));

    let mut rows: Vec<[F; ACCESS_COLUMNS]> = Vec::with_capacity(all.len());
    let mut prev: Option<&MemAccess> = None;
    for a in &all {
        let is_first = prev.is_none_or(|p| p.addr != a.addr);
        let gap = match prev {
            None => 0,
            Some(p) if is_first => a.addr - p.addr - 1,
            Some(p) => {
                assert!(a.ts > p.ts, "two accesses to {:#x} at timestamp {}", a.addr, a.ts);
                assert_eq!(a.before, p.after, "access to {:#x} at {} reads a stale value", a.addr, a.ts);
                a.ts - p.ts - 1
            }
        };
        assert!(gap <= MAX_GAP, "gap {gap} before the access to {:#x} at {} exceeds 2^32 - 1", a.addr, a.ts);
        let mut row = [F::ZERO; ACCESS_COLUMNS];
        *AccessColumns::view_mut(&mut row) = AccessColumns {
            addr: F::from_canonical_u64(a.addr),
            ts: F::from_canonical_u64(a.ts),
            before: F::from_canonical_u32(a.before),
            after: F::from_canonical_u32(a.after),
            is_real: F::ONE,
            is_first: F::from_bool(is_first),
            gap_lo: F::from_canonical_u64(gap & 0xffff),
            gap_hi: F::from_canonical_u64(gap >> 16),
        };
        rows.push(row);
        prev = Some(a);
    }
    from_accesses(&rows)
}

/// The accesses of a trace, in order (padding included), as rows of an [`AccessColumns`] each.
pub fn accesses(trace: &[PolynomialValues<F>]) -> Vec<Vec<F>> {
    assert_eq!(trace.len(), NUM_COLUMNS, "a memory-table trace");
    let rows = trace[0].len();
    (0..rows * ACCESSES_PER_ROW)
        .map(|k| {
            let base = (k % ACCESSES_PER_ROW) * ACCESS_COLUMNS;
            (base..base + ACCESS_COLUMNS).map(|c| trace[c].values[k / ACCESSES_PER_ROW]).collect()
        })
        .collect()
}

/// The trace of `accesses` in order, [`ACCESSES_PER_ROW`] per row, padded with zero accesses
/// (not real, not first, limbs 0: in range) to a power of two of rows, at least
/// [`zkmips_stark::MIN_TRACE_ROWS`]. The inverse of [`accesses`] on a trace.
pub fn from_accesses<A: AsRef<[F]>>(accesses: &[A]) -> Vec<PolynomialValues<F>> {
    let rows = accesses.len().div_ceil(ACCESSES_PER_ROW).max(zkmips_stark::MIN_TRACE_ROWS).next_power_of_two();
    let mut columns = vec![vec![F::ZERO; rows]; NUM_COLUMNS];
    for (k, a) in accesses.iter().enumerate() {
        let a = a.as_ref();
        assert_eq!(a.len(), ACCESS_COLUMNS, "an access's columns");
        let base = (k % ACCESSES_PER_ROW) * ACCESS_COLUMNS;
        for (c, v) in a.iter().enumerate() {
            columns[base + c][k / ACCESSES_PER_ROW] = *v;
        }
    }
    columns.into_iter().map(PolynomialValues::new).collect()
}
