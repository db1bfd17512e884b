//! The syscall table's side of its lookups.
//!
//! - `SYSCALL` (looked by the CPU): `[clk, halts]` on every call row.
//! - `KECCAK_SPONGE` (looking into the sponge table): `[clk, a0, a1]` on KECCAK_SPONGE rows.
//! - `MEM` (looking into the memory table), five lookups, each `[addr, ts, before, after]`:
//!   `$v0` and `$a3` at `ts(clk, DST)` on every call row (before = after when the call keeps
//!   the register); `$a0` read at `ts(clk, RS)` on every call row; the second access ($a1 or
//!   $a2 read at `RS`, or HALTED written at `DST` by the halting calls); and the register-page
//!   write of the call (`DST`) or, on a word row, the HINT_READ buffer word (`ts(clk, MEM)`).
//! - `SHA_EXTEND` / `SHA_COMPRESS` (looking into the SHA-256 tables): `[clk, a0]` / `[clk, a0,
//!   a1]` on the rows of those calls; those tables make their memory accesses.
//! - `SECP256K1` (looking into the secp256k1 table): `[clk, number, a0, a1]` on the rows of the
//!   secp256k1 calls; that table makes their memory accesses.
//! - `RANGE16`: the `limbs` cells.
//!
//! The lookups are described once ([`mem_lookups`]): [`ctl_mem`] turns them into starky
//! columns and [`crate::mem_accesses`] evaluates them on the rows, so the prover can hand the
//! memory table exactly the accesses this table looks up.

use plonky2::field::types::{Field, Field64};
use zkmips_stark::cols::{width, ColumnView};
use zkmips_stark::ctl::Table;
use zkmips_stark::layout::{reg, reg_addr, slot, SLOTS};
use zkmips_stark::lookup::TableWithColumns;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::F;

use crate::columns::{SyscallColumns, HALTING, READS_A2, SECP256K1, WRITES_PAGE};

/// Column indices of the syscall table.
pub(crate) fn col() -> SyscallColumns<usize> {
    let idx: Vec<usize> = (0..width::<SyscallColumns<u64>>()).collect();
    *SyscallColumns::view(&idx)
}

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

    fn single(c: usize) -> Self {
        Lin::new([(c, 1)], 0)
    }

    fn column(&self) -> Column<F> {
        if self.terms.is_empty() {
            // starky's linear combinations need at least one term.
            return Column::constant(self.constant);
        }
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

/// `SLOTS * clk + slot`, plus `extra` (column, coefficient) terms.
fn ts(clk: usize, slot: u64, extra: impl IntoIterator<Item = (usize, u64)>) -> Lin {
    Lin::new([(clk, SLOTS)].into_iter().chain(extra), slot)
}

/// The five `MEM` lookups (see the module doc).
pub(crate) fn mem_lookups() -> Vec<MemLookup> {
    let c = col();
    let on_calls = || Lin::new(c.call.map(|f| (f, 1)), 0);
    let minus = |k: u64| F::ORDER - k;
    let reg_rw = |r: usize, before: usize, after: usize| MemLookup {
        tuple: [Lin::new([], reg_addr(r)), ts(c.clk, slot::DST, []), Lin::single(before), Lin::single(after)],
        filter: on_calls(),
    };
    let halting = |k: u64| HALTING.map(|f| (c.call[f], k));
    let second_addr = Lin::new(
        READS_A2.map(|f| (c.call[f], 1)).into_iter().chain(halting((reg::HALTED - reg::GPR - 5) as u64)),
        reg_addr(reg::GPR + 5),
    );
    vec![
        reg_rw(reg::GPR + 2, c.number, c.v0_out),
        reg_rw(reg::GPR + 7, c.a3_in, c.a3_out),
        MemLookup {
            tuple: [
                Lin::new([], reg_addr(reg::GPR + 4)),
                ts(c.clk, slot::RS, []),
                Lin::single(c.a0),
                Lin::single(c.a0),
            ],
            filter: on_calls(),
        },
        MemLookup {
            tuple: [
                second_addr,
                ts(c.clk, slot::RS, halting(slot::DST - slot::RS)),
                Lin::single(c.arg),
                Lin::new([(c.arg, 1)].into_iter().chain(halting(1)), 0),
            ],
            filter: on_calls(),
        },
        MemLookup {
            tuple: [
                Lin::single(c.w_addr),
                ts(c.clk, slot::DST, [(c.is_word, minus(slot::DST - slot::MEM))]),
                Lin::single(c.w_before),
                Lin::single(c.w_after),
            ],
            filter: Lin::new(WRITES_PAGE.map(|f| (c.call[f], 1)).into_iter().chain([(c.is_word, 1)]), 0),
        },
    ]
}

/// Looked side of `SYSCALL`: `[clk, halts]` on every call row.
pub fn ctl_looked() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Syscall.index(),
        vec![Column::single(c.clk), Column::sum(HALTING.map(|f| c.call[f]))],
        Filter::new_simple(Column::sum(c.call)),
    )
}

/// Looking into the secp256k1 table through `SECP256K1`: `[clk, number, a0, a1]` on the rows
/// of the secp256k1 calls (`arg` is `$a1` for them).
pub fn ctl_secp256k1() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Syscall.index(),
        vec![Column::single(c.clk), Column::single(c.number), Column::single(c.a0), Column::single(c.arg)],
        Filter::new_simple(Column::sum(SECP256K1.map(|f| c.call[f]))),
    )
}

/// Looking side of `KECCAK_SPONGE`: `[clk, $a0, $a1]` on KECCAK_SPONGE rows (the sponge table
/// reads and writes the buffers).
pub fn ctl_keccak_sponge() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Syscall.index(),
        vec![Column::single(c.clk), Column::single(c.a0), Column::single(c.arg)],
        Filter::new_simple(Column::single(c.call[crate::columns::call::KECCAK_SPONGE])),
    )
}

/// Looking side of `SHA_EXTEND`: `[clk, $a0]` on SHA_EXTEND rows (the extend table reads and
/// writes the buffer).
pub fn ctl_sha_extend() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Syscall.index(),
        vec![Column::single(c.clk), Column::single(c.a0)],
        Filter::new_simple(Column::single(c.call[crate::columns::call::SHA_EXTEND])),
    )
}

/// Looking side of `SHA_COMPRESS`: `[clk, $a0, $a1]` on SHA_COMPRESS rows (the compress table
/// reads and writes the buffers).
pub fn ctl_sha_compress() -> TableWithColumns<F> {
    let c = col();
    TableWithColumns::new(
        Table::Syscall.index(),
        vec![Column::single(c.clk), Column::single(c.a0), Column::single(c.arg)],
        Filter::new_simple(Column::single(c.call[crate::columns::call::SHA_COMPRESS])),
    )
}

/// Looking sides of `MEM`: the five accesses of the module doc.
pub fn ctl_mem() -> Vec<TableWithColumns<F>> {
    mem_lookups()
        .into_iter()
        .map(|l| {
            TableWithColumns::new(
                Table::Syscall.index(),
                l.tuple.iter().map(Lin::column).collect(),
                Filter::new_simple(l.filter.column()),
            )
        })
        .collect()
}

/// Columns whose every value must lie in `0..2^16` (the `RANGE16` lookup).
pub fn range_checked_columns() -> Vec<usize> {
    col().limbs.to_vec()
}
