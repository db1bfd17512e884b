//! Helpers shared by the table tests: proving, recursion, lookups against fake tables.
#![allow(dead_code)]

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use zkmips_stark::ctl::{width, Table, NUM_TABLES};
use zkmips_stark::events::MemAccess;
use zkmips_stark::lookup::debug_utils::check_ctls;
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::lookup::{CrossTableLookup, TableWithColumns};
use zkmips_stark::F;

/// A table holding `rows` (all selected) as its columns, the looked side of a lookup.
fn fake_table(table: Table, rows: &[Vec<u64>], width: usize) -> (Vec<PolynomialValues<F>>, TableWithColumns<F>) {
    let n = rows.len().max(1).next_power_of_two();
    let mut cols: Vec<PolynomialValues<F>> = (0..width)
        .map(|c| {
            let mut v: Vec<F> = rows.iter().map(|r| F::from_canonical_u64(r[c])).collect();
            v.resize(n, F::ZERO);
            PolynomialValues::new(v)
        })
        .collect();
    let mut filter = vec![F::ONE; rows.len()];
    filter.resize(n, F::ZERO);
    cols.push(PolynomialValues::new(filter));
    let twc = TableWithColumns::new(
        table.index(),
        Column::singles(0..width).collect(),
        Filter::new_simple(Column::single(width)),
    );
    (cols, twc)
}

/// Position of the call lookup in [`check_lookups`]; the memory lookup is next.
pub const CALL: usize = 0;
pub const MEM: usize = 1;

/// Checks `trace` of `table` against a syscall side making `calls` (the lookup's tuples) and
/// a memory holding `memory`; `Err` is the first mismatching lookup's message.
pub fn check_lookups(
    table: Table,
    trace: Vec<PolynomialValues<F>>,
    looked: TableWithColumns<F>,
    mem_looking: Vec<TableWithColumns<F>>,
    calls: &[Vec<u64>],
    memory: &[MemAccess],
) -> Result<(), String> {
    let mem_rows: Vec<Vec<u64>> = memory.iter().map(|m| vec![m.addr, m.ts, m.before as u64, m.after as u64]).collect();
    let call_width = if table == Table::ShaExtend { width::SHA_EXTEND } else { width::SHA_COMPRESS };
    let (syscall, syscall_twc) = fake_table(Table::Syscall, calls, call_width);
    let (mem, mem_twc) = fake_table(Table::Memory, &mem_rows, width::MEM);
    let mut traces = vec![vec![]; NUM_TABLES];
    traces[Table::Syscall.index()] = syscall;
    traces[Table::Memory.index()] = mem;
    traces[table.index()] = trace;
    let ctls = [CrossTableLookup::new(vec![syscall_twc], looked), CrossTableLookup::new(mem_looking, mem_twc)];
    std::panic::catch_unwind(|| check_ctls(&traces, &ctls, &hashbrown::HashMap::new()))
        .map_err(|e| e.downcast_ref::<String>().cloned().unwrap_or_default())
}

/// The lookup that rejects a lie, by its message.
pub fn caught_by(result: Result<(), String>, lookup: usize) {
    let why = result.expect_err("the lie passed the lookups");
    assert!(why.starts_with(&format!("CTL #{lookup}:")), "expected lookup {lookup} to object, got: {why}");
}
