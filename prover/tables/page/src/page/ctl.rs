//! The page table's lookups.
//!
//! `MEM_INIT` / `MEM_FINAL` (`[addr, value]`, looking into the memory table): one looking
//! table per word slot `j` of a chunk, on the rows where `touched[j]` is 1, with
//! `addr = PAGE_BYTES * page + 32 * chunk + 4 * j` and `value = a[j]` (start) or `b[j]` (end).
//! The memory table has exactly one first and one last access per accessed address, so:
//! - a touched word flagged untouched leaves that memory access unmatched;
//! - a word flagged touched that the segment did not access has no memory access to match;
//!
//! either way the lookup fails. Hence the flags are exactly the accessed words, untouched
//! words keep their value, and touched ones start at the memory table's first value and end at
//! its last.
//!
//! The internal Poseidon lookups (page LOOKING, Poseidon LOOKED): `sponge` =
//! `[input[0..12], output[8..12]]` for chunk rows, whose output capacity is the next row's
//! `cap`; `hash` = `[input[0..12], output[0..4]]` for leaf and path rows (`out_s` / `out_e`).
//! The start and the end permutation of a row are two looking tables of each.

use core::mem::offset_of;

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::lookup::{CrossTableLookup, TableWithColumns};

use super::columns::{col, PageColumns};
use crate::native::{PAGE_BYTES, RATE};
use crate::{poseidon, F};

macro_rules! c {
    ($field:ident) => {
        col(offset_of!(PageColumns<u64>, $field))
    };
}

/// `[addr, value]` of word slot `j`, where `value` is column `words + j`.
fn mem_lookup(j: usize, words: usize) -> TableWithColumns<F> {
    let addr = Column::linear_combination_with_constant(
        [(c!(rem), F::from_canonical_u64(PAGE_BYTES)), (c!(step), F::from_canonical_u64(4 * RATE as u64))],
        F::from_canonical_usize(4 * j),
    );
    let filter = Filter::new_simple(Column::single(c!(touched) + j));
    TableWithColumns::new(Table::Page.index(), vec![addr, Column::single(words + j)], filter)
}

/// Looking side of `MEM_INIT`: the start values of the touched words (one table per word slot).
pub fn ctl_init() -> Vec<TableWithColumns<F>> {
    (0..RATE).map(|j| mem_lookup(j, c!(a))).collect()
}

/// Looking side of `MEM_FINAL`: the end values of the touched words (one table per word slot).
pub fn ctl_final() -> Vec<TableWithColumns<F>> {
    (0..RATE).map(|j| mem_lookup(j, c!(b))).collect()
}

/// `[words, cap, out]` with `out` on the next row or not.
fn perm_lookup(words: usize, cap: usize, out: usize, out_next_row: bool, filter: Filter<F>) -> TableWithColumns<F> {
    let mut cols: Vec<Column<F>> = Column::singles(words..words + RATE).chain(Column::singles(cap..cap + 4)).collect();
    if out_next_row {
        cols.extend(Column::singles_next_row(out..out + 4));
    } else {
        cols.extend(Column::singles(out..out + 4));
    }
    TableWithColumns::new(Table::Page.index(), cols, filter)
}

/// The two Poseidon lookups: `sponge` (chunk rows) and `hash` (leaf and path rows).
pub fn ctl_poseidon() -> Vec<CrossTableLookup<F>> {
    let chunk = || Filter::new_simple(Column::single(c!(is_chunk)));
    let hashing = || Filter::new_simple(Column::sum([c!(is_leaf), c!(is_node)]));
    let sponge = CrossTableLookup::new(
        vec![
            perm_lookup(c!(a), c!(cap_s), c!(cap_s), true, chunk()),
            perm_lookup(c!(b), c!(cap_e), c!(cap_e), true, chunk()),
        ],
        poseidon::ctl::ctl_sponge(),
    );
    let hash = CrossTableLookup::new(
        vec![
            perm_lookup(c!(a), c!(cap_s), c!(out_s), false, hashing()),
            perm_lookup(c!(b), c!(cap_e), c!(out_e), false, hashing()),
        ],
        poseidon::ctl::ctl_hash(),
    );
    vec![sponge, hash]
}

/// Columns range-checked through `RANGE16`: none (words are bound by the roots and the memory
/// table, flags are bits, and `rem`/`step` are pinned by the block shape).
pub fn range_checked_columns() -> Vec<usize> {
    Vec::new()
}
