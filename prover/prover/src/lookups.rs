//! Every table's cross-table lookup columns, computed column by column on every core.
//!
//! The result equals what `starky::cross_table_lookup::get_ctl_data` computes for the same
//! traces, lookups and challenges ([`to_starky`] gives starky's form; a test compares the two),
//! so starky's verifier checks the proofs made from it. starky evaluates each lookup tuple row by
//! row, on one core; here each tuple element is evaluated over whole columns, and the (lookup,
//! challenge) pairs run in parallel.
//!
//! For a lookup and challenge `(β, γ)`, a side's row term is `filter / (Σ β^i·tuple[i] + γ)`.
//! Each table's looking sides (consecutive sides of one table form a group, as in starky) are
//! summed in helper columns of `degree - 1` sides each, and a running sum `z` adds every helper
//! from the last row up: `z[r] = z[r + 1] + Σ helpers[r]`. A group of one side, and the looked
//! side, have no helper column: `z` sums the term itself.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use rayon::prelude::*;
use starky::cross_table_lookup::{CtlData, CtlZData};
use starky::lookup::{Column as StarkyColumn, Filter as StarkyFilter, GrandProductChallenge};
use zkmips_stark::ctl::NUM_TABLES;
use zkmips_stark::lookup::{Column, CrossTableLookup, Filter};
use zkmips_stark::F;

/// One side of a lookup in starky's form: its tuple and filter.
type StarkySide = (Vec<StarkyColumn<F>>, StarkyFilter<F>);

/// starky's form of each side's columns and filter, which `CtlData` borrows.
pub struct StarkySides {
    /// `looking[lookup][side]`.
    looking: Vec<Vec<StarkySide>>,
    /// `looked[lookup]`.
    looked: Vec<StarkySide>,
}

impl StarkySides {
    pub fn new(ctls: &[CrossTableLookup<F>]) -> Self {
        let side = |columns: &[Column<F>], filter: &Filter<F>| -> StarkySide {
            (columns.iter().map(Column::to_starky).collect(), filter.to_starky())
        };
        StarkySides {
            looking: ctls
                .iter()
                .map(|ctl| ctl.looking_tables.iter().map(|t| side(&t.columns, &t.filter)).collect())
                .collect(),
            looked: ctls.iter().map(|ctl| side(&ctl.looked_table.columns, &ctl.looked_table.filter)).collect(),
        }
    }
}

/// Each side's term on every row: `filter / combine(tuple)`.
fn terms(
    trace: &[PolynomialValues<F>],
    columns: &[Column<F>],
    filter: &Filter<F>,
    challenge: GrandProductChallenge<F>,
) -> Vec<F> {
    // Σ β^i·tuple[i] + γ, by Horner from the last element.
    let mut combined = vec![F::ZERO; trace[0].len()];
    for column in columns.iter().rev() {
        let values = column.eval_all_rows(trace);
        for (c, v) in combined.iter_mut().zip(values) {
            *c = *c * challenge.beta + v;
        }
    }
    for c in &mut combined {
        *c += challenge.gamma;
    }
    let mut inverses = F::batch_multiplicative_inverse(&combined);
    for (i, f) in inverses.iter_mut().zip(filter.eval_all_rows(trace)) {
        *i *= f;
    }
    inverses
}

/// The running sum of `helpers` from the last row up.
fn running_sum(helpers: &[Vec<F>], n: usize) -> Vec<F> {
    let mut z = vec![F::ZERO; n];
    let mut acc = F::ZERO;
    for r in (0..n).rev() {
        acc += helpers.iter().map(|h| h[r]).sum::<F>();
        z[r] = acc;
    }
    z
}

/// One group of sides of one table: its helper columns (none for a single side) and running sum.
fn helpers_and_z(
    trace: &[PolynomialValues<F>],
    columns: &[&[Column<F>]],
    filters: &[&Filter<F>],
    challenge: GrandProductChallenge<F>,
    degree: usize,
) -> (Vec<PolynomialValues<F>>, PolynomialValues<F>) {
    let n = trace[0].len();
    let terms: Vec<Vec<F>> =
        columns.par_iter().zip(filters).map(|(columns, filter)| terms(trace, columns, filter, challenge)).collect();
    let helpers: Vec<Vec<F>> = terms
        .chunks(degree - 1)
        .map(|chunk| {
            let mut sum = chunk[0].clone();
            for t in &chunk[1..] {
                for (s, x) in sum.iter_mut().zip(t) {
                    *s += *x;
                }
            }
            sum
        })
        .collect();
    let z = running_sum(&helpers, n);
    let helpers = if columns.len() > 1 { helpers.into_iter().map(PolynomialValues::new).collect() } else { vec![] };
    (helpers, PolynomialValues::new(z))
}

/// One running sum of one table in one lookup, for one challenge: a looking group of the
/// table's sides (with its helper columns) or the looked side.
pub struct ZData<'a> {
    /// Helper columns, each summing the terms of `degree - 1` sides (none for a single side).
    pub helpers: Vec<PolynomialValues<F>>,
    /// The running sum.
    pub z: PolynomialValues<F>,
    pub challenge: GrandProductChallenge<F>,
    /// Each side's tuple.
    pub columns: Vec<&'a [Column<F>]>,
    /// Each side's filter.
    pub filters: Vec<&'a Filter<F>>,
    /// `(lookup, side)` of the first side, for starky's form; `side` is `None` for the looked side.
    origin: (usize, Option<usize>),
}

/// Every table's running sums in starky's order: by lookup, then challenge, then the looking
/// groups before the looked side (as `starky::cross_table_lookup::get_ctl_data`), with helper
/// columns grouped for `degree`.
pub fn ctl_data<'a>(
    traces: &[Vec<PolynomialValues<F>>; NUM_TABLES],
    ctls: &'a [CrossTableLookup<F>],
    challenges: &[GrandProductChallenge<F>],
    degree: usize,
) -> [Vec<ZData<'a>>; NUM_TABLES] {
    let tasks: Vec<(usize, usize)> = (0..ctls.len()).flat_map(|i| (0..challenges.len()).map(move |k| (i, k))).collect();
    // Per task, (table, data) in starky's order: the looking groups, then the looked side.
    let parts: Vec<Vec<(usize, ZData<'a>)>> = tasks
        .into_par_iter()
        .map(|(i, k)| {
            let ctl = &ctls[i];
            let challenge = challenges[k];
            let mut out = Vec::new();
            let mut start = 0;
            while start < ctl.looking_tables.len() {
                let table = ctl.looking_tables[start].table;
                let end = start + ctl.looking_tables[start..].iter().take_while(|t| t.table == table).count();
                let sides = &ctl.looking_tables[start..end];
                let columns: Vec<&[Column<F>]> = sides.iter().map(|t| &t.columns[..]).collect();
                let filters: Vec<&Filter<F>> = sides.iter().map(|t| &t.filter).collect();
                let (helpers, z) = helpers_and_z(&traces[table], &columns, &filters, challenge, degree);
                out.push((table, ZData { helpers, z, challenge, columns, filters, origin: (i, Some(start)) }));
                start = end;
            }
            let looked = &ctl.looked_table;
            let (columns, filters) = (vec![&looked.columns[..]], vec![&looked.filter]);
            let (_, z) = helpers_and_z(&traces[looked.table], &columns, &filters, challenge, degree);
            out.push((looked.table, ZData { helpers: vec![], z, challenge, columns, filters, origin: (i, None) }));
            out
        })
        .collect();
    let mut data: [Vec<ZData<'a>>; NUM_TABLES] = Default::default();
    for part in parts {
        for (table, z) in part {
            data[table].push(z);
        }
    }
    data
}

/// starky's `CtlData` of each table, borrowing the tuples and filters from `sides` (made from the
/// same lookups as `data`).
pub fn to_starky<'s>(data: &[Vec<ZData<'_>>; NUM_TABLES], sides: &'s StarkySides) -> [CtlData<'s, F>; NUM_TABLES] {
    core::array::from_fn(|table| CtlData {
        zs_columns: data[table]
            .iter()
            .map(|z| {
                let (lookup, side) = z.origin;
                let starky = match side {
                    Some(first) => &sides.looking[lookup][first..first + z.columns.len()],
                    None => core::slice::from_ref(&sides.looked[lookup]),
                };
                CtlZData::new(
                    z.helpers.clone(),
                    z.z.clone(),
                    z.challenge,
                    starky.iter().map(|(c, _)| &c[..]).collect(),
                    starky.iter().map(|(_, f)| f.clone()).collect(),
                )
            })
            .collect(),
    })
}
