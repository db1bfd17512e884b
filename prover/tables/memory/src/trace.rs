//! Trace generation of the memory table.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::MemAccess;
use zkmips_stark::layout::{reg, reg_addr, slot, ts};
use zkmips_stark::F;

use crate::columns::{MemoryColumns, NUM_COLUMNS};

/// Largest gap the two 16-bit limbs hold.
const MAX_GAP: u64 = (1 << 32) - 1;

/// The trace of a segment's accesses.
///
/// Adds a read of every register-page word `i` at `ts(clk_start, slot::FETCH)` returning
/// `start_registers[i]` (so every register-page word has a first and a last row, and its first
/// value is the segment's start value), sorts all accesses by `(addr, ts)` and pads with zero rows
/// to a power of two.
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

    let height = all.len().next_power_of_two();
    let mut columns = vec![vec![F::ZERO; height]; NUM_COLUMNS];
    let c = MemoryColumns::view_mut(&mut columns);
    let mut prev: Option<&MemAccess> = None;
    for (i, a) in all.iter().enumerate() {
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
        c.addr[i] = F::from_canonical_u64(a.addr);
        c.ts[i] = F::from_canonical_u64(a.ts);
        c.before[i] = F::from_canonical_u32(a.before);
        c.after[i] = F::from_canonical_u32(a.after);
        c.is_real[i] = F::ONE;
        c.is_first[i] = F::from_bool(is_first);
        c.gap_lo[i] = F::from_canonical_u64(gap & 0xffff);
        c.gap_hi[i] = F::from_canonical_u64(gap >> 16);
        prev = Some(a);
    }
    // Padding rows stay zero: not real, not first, limbs 0 (in range).
    columns.into_iter().map(PolynomialValues::new).collect()
}
