//! The secp256k1 table's side of its lookups (tuple orders: `zkmips_stark::ctl`).
//!
//! - `SECP256K1` (looked by the syscall table): `[clk, number, a0, a1]` on every call row.
//! - `MEM` (looking into the memory table), 32 lookups `[addr, ts, before, after]`:
//!   - *rewrites* `i = 0..16`: word `i` at `a0 + 4i`, `ts(clk, MEM_WRITE)`, from word `i` of
//!     `(x1, y1)` to word `i` of `(x3, y3)`; ADD and DOUBLE all 16, DECOMPRESS the first 8
//!     (y over the buffer's first half);
//!   - *reads* `i = 0..16`: word `i` of `(x2, y2)` at `q_addr + 4i`, `ts(clk, MEM)`; ADD all 16
//!     (q), DECOMPRESS the first 8 (x at `a0 + 32`).
//!
//!   The reads come first, so where q overlaps p (the VM reads both, then writes p) a read sees
//!   the value before the rewrite, as in the VM.
//! - `RANGE16`: see [`range_checked_columns`].
//!
//! The lookups are described once ([`mem_lookups`]): [`ctl_mem`] turns them into starky
//! columns and [`crate::mem_accesses`] evaluates them on the rows, so the prover hands the
//! memory table exactly the accesses this table looks up.

use plonky2::field::types::Field;
use zkmips_stark::ctl::Table;
use zkmips_stark::layout::{slot, SLOTS};
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use crate::columns::{col_map, Secp256k1Columns};
use crate::event::Secp256k1Op;

/// A linear combination of columns plus a constant.
#[derive(Clone, Debug)]
pub(crate) struct Lin {
    terms: Vec<(usize, F)>,
    constant: F,
}

impl Lin {
    fn new(terms: impl IntoIterator<Item = (usize, u64)>, constant: u64) -> Self {
        let terms = terms.into_iter().map(|(c, k)| (c, F::from_canonical_u64(k))).collect();
        Lin { terms, constant: F::from_canonical_u64(constant) }
    }

    fn column(&self) -> Column<F> {
        Column::linear_combination_with_constant(self.terms.iter().copied(), self.constant)
    }

    pub(crate) fn eval(&self, row: &[F]) -> F {
        self.terms.iter().fold(self.constant, |acc, &(c, k)| acc + row[c] * k)
    }
}

/// One `MEM` lookup: the tuple `[addr, ts, before, after]` and its filter.
#[derive(Clone, Debug)]
pub(crate) struct MemLookup {
    pub tuple: [Lin; 4],
    pub filter: Lin,
}

/// Word `i` of the point held by the limb columns `x`, `y`.
fn word(x: &[usize; 16], y: &[usize; 16], i: usize) -> Lin {
    let [lo, hi] = Secp256k1Columns::word_limbs(x, y, i);
    Lin::new([(lo, 1), (hi, 1 << 16)], 0)
}

/// The 32 `MEM` lookups of the module doc: the 16 rewrites, then the 16 reads.
pub(crate) fn mem_lookups() -> Vec<MemLookup> {
    let c = col_map();
    let rewrites = (0..16).map(|i| {
        let mut filter = vec![(c.is_add, 1), (c.is_double, 1)];
        if i < 8 {
            filter.push((c.is_decompress, 1));
        }
        MemLookup {
            tuple: [
                Lin::new([(c.a0, 1)], 4 * i as u64),
                Lin::new([(c.clk, SLOTS)], slot::MEM_WRITE),
                word(&c.x1, &c.y1, i),
                word(&c.x3, &c.y3, i),
            ],
            filter: Lin::new(filter, 0),
        }
    });
    let reads = (0..16).map(|i| {
        let mut filter = vec![(c.is_add, 1)];
        if i < 8 {
            filter.push((c.is_decompress, 1));
        }
        MemLookup {
            tuple: [
                Lin::new([(c.q_addr, 1)], 4 * i as u64),
                Lin::new([(c.clk, SLOTS)], slot::MEM),
                word(&c.x2, &c.y2, i),
                word(&c.x2, &c.y2, i),
            ],
            filter: Lin::new(filter, 0),
        }
    });
    rewrites.chain(reads).collect()
}

/// Looked by the syscall table through `SECP256K1`: `[clk, number, a0, a1]` on every call row.
pub fn ctl_looked() -> TableWithColumns<F> {
    let c = col_map();
    let flags = [c.is_add, c.is_double, c.is_decompress];
    let number = Column::linear_combination(
        flags.iter().zip(Secp256k1Op::ALL).map(|(&f, op)| (f, F::from_canonical_u32(op.number()))),
    );
    TableWithColumns::new(
        Table::Secp256k1.index(),
        vec![Column::single(c.clk), number, Column::single(c.a0), Column::single(c.a1)],
        Filter::new_simple(Column::sum(flags)),
    )
}

/// Looking into the memory table through `MEM`: the 32 accesses of the module doc.
pub fn ctl_mem() -> Vec<TableWithColumns<F>> {
    mem_lookups()
        .into_iter()
        .map(|l| {
            TableWithColumns::new(
                Table::Secp256k1.index(),
                l.tuple.iter().map(Lin::column).collect(),
                Filter::new_simple(l.filter.column()),
            )
        })
        .collect()
}

/// Columns whose every value must lie in `0..2^16` (`RANGE16`): the value limbs, the
/// identities' `q` and carries, and the comparison slacks.
pub fn range_checked_columns() -> Vec<usize> {
    let c = col_map();
    let mut cols: Vec<usize> = c.values().concat();
    for w in &c.identity {
        cols.extend(w.q);
        cols.extend(w.carry_lo);
        cols.extend(w.carry_hi);
    }
    for w in &c.canonical {
        cols.extend(w.room);
    }
    cols.extend(c.a0_room);
    cols.extend(c.q_room);
    cols
}
