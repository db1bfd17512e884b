//! The cross-table lookup description, with its terms readable.
//!
//! starky's `Column`, `Filter`, `TableWithColumns` and `CrossTableLookup` keep their terms
//! private, so only starky can evaluate them. The tables describe their lookups with these types
//! instead: the same constructors and meaning, public fields, evaluation on a trace, and
//! [`CrossTableLookup::to_starky`] for starky's verifier. The prover computes the lookup columns
//! from them column by column (`zkmips-prover`), and starky checks the proofs.

use core::borrow::Borrow;
use core::iter::repeat;

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::Field;
use starky::cross_table_lookup as sk;
use starky::lookup as skl;

/// An affine combination of a row's columns and the next row's: `Σ c·v[i] + Σ c·next[i] + k`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column<F: Field> {
    /// `(column, coefficient)` terms on the row.
    pub linear_combination: Vec<(usize, F)>,
    /// `(column, coefficient)` terms on the next row (the last row's next row is row 0).
    pub next_row_linear_combination: Vec<(usize, F)>,
    /// The constant term.
    pub constant: F,
}

impl<F: Field> Column<F> {
    /// Column `c` of the row.
    pub fn single(c: usize) -> Self {
        Self { linear_combination: vec![(c, F::ONE)], next_row_linear_combination: vec![], constant: F::ZERO }
    }

    /// Columns `cs` of the row, each on its own.
    pub fn singles<I: IntoIterator<Item = impl Borrow<usize>>>(cs: I) -> impl Iterator<Item = Self> {
        cs.into_iter().map(|c| Self::single(*c.borrow()))
    }

    /// Column `c` of the next row.
    pub fn single_next_row(c: usize) -> Self {
        Self { linear_combination: vec![], next_row_linear_combination: vec![(c, F::ONE)], constant: F::ZERO }
    }

    /// Columns `cs` of the next row, each on its own.
    pub fn singles_next_row<I: IntoIterator<Item = impl Borrow<usize>>>(cs: I) -> impl Iterator<Item = Self> {
        cs.into_iter().map(|c| Self::single_next_row(*c.borrow()))
    }

    /// The constant `constant`.
    pub fn constant(constant: F) -> Self {
        Self { linear_combination: vec![], next_row_linear_combination: vec![], constant }
    }

    /// The constant 0.
    pub fn zero() -> Self {
        Self::constant(F::ZERO)
    }

    /// The constant 1.
    pub fn one() -> Self {
        Self::constant(F::ONE)
    }

    /// `Σ c·v[i] + constant` over the row.
    ///
    /// # Panics
    /// If there are no terms (use [`Column::constant`]).
    pub fn linear_combination_with_constant<I: IntoIterator<Item = (usize, F)>>(iter: I, constant: F) -> Self {
        let v: Vec<_> = iter.into_iter().collect();
        assert!(!v.is_empty(), "a linear combination needs a term");
        Self { linear_combination: v, next_row_linear_combination: vec![], constant }
    }

    /// `Σ c·v[i] + Σ c·next[i] + constant`.
    ///
    /// # Panics
    /// If there are no terms on either row.
    pub fn linear_combination_and_next_row_with_constant<I: IntoIterator<Item = (usize, F)>>(
        iter: I,
        next_row_iter: I,
        constant: F,
    ) -> Self {
        let v: Vec<_> = iter.into_iter().collect();
        let next: Vec<_> = next_row_iter.into_iter().collect();
        assert!(!v.is_empty() || !next.is_empty(), "a linear combination needs a term");
        Self { linear_combination: v, next_row_linear_combination: next, constant }
    }

    /// `Σ c·v[i]` over the row.
    pub fn linear_combination<I: IntoIterator<Item = (usize, F)>>(iter: I) -> Self {
        Self::linear_combination_with_constant(iter, F::ZERO)
    }

    /// `Σ 2^i·v[cs[i]]`: bits, least significant first.
    pub fn le_bits<I: IntoIterator<Item = impl Borrow<usize>>>(cs: I) -> Self {
        Self::linear_combination(cs.into_iter().map(|c| *c.borrow()).zip(F::TWO.powers()))
    }

    /// `Σ 2^i·v[cs[i]] + constant`.
    pub fn le_bits_with_constant<I: IntoIterator<Item = impl Borrow<usize>>>(cs: I, constant: F) -> Self {
        Self::linear_combination_with_constant(cs.into_iter().map(|c| *c.borrow()).zip(F::TWO.powers()), constant)
    }

    /// `Σ 256^i·v[cs[i]]`: bytes, least significant first.
    pub fn le_bytes<I: IntoIterator<Item = impl Borrow<usize>>>(cs: I) -> Self {
        Self::linear_combination(cs.into_iter().map(|c| *c.borrow()).zip(F::from_canonical_u16(256).powers()))
    }

    /// `Σ v[cs[i]]`.
    pub fn sum<I: IntoIterator<Item = impl Borrow<usize>>>(cs: I) -> Self {
        Self::linear_combination(cs.into_iter().map(|c| *c.borrow()).zip(repeat(F::ONE)))
    }

    /// The value on row `row` of a column-major trace.
    pub fn eval_table(&self, table: &[PolynomialValues<F>], row: usize) -> F {
        let next = (row + 1) % table[0].len();
        self.linear_combination.iter().map(|&(c, f)| table[c].values[row] * f).sum::<F>()
            + self.next_row_linear_combination.iter().map(|&(c, f)| table[c].values[next] * f).sum::<F>()
            + self.constant
    }

    /// The value on every row of a column-major trace, computed column by column.
    pub fn eval_all_rows(&self, table: &[PolynomialValues<F>]) -> Vec<F> {
        let n = table[0].len();
        let mut out = vec![self.constant; n];
        for &(c, f) in &self.linear_combination {
            for (o, &v) in out.iter_mut().zip(&table[c].values) {
                *o += v * f;
            }
        }
        for &(c, f) in &self.next_row_linear_combination {
            let values = &table[c].values;
            for (o, &v) in out.iter_mut().zip(values[1..].iter().chain(&values[..1])) {
                *o += v * f;
            }
        }
        out
    }

    /// starky's form of the same combination.
    pub fn to_starky(&self) -> skl::Column<F> {
        match (self.linear_combination.is_empty(), self.next_row_linear_combination.is_empty()) {
            (true, true) => skl::Column::constant(self.constant),
            (false, true) => {
                skl::Column::linear_combination_with_constant(self.linear_combination.clone(), self.constant)
            }
            _ => skl::Column::linear_combination_and_next_row_with_constant(
                self.linear_combination.clone(),
                self.next_row_linear_combination.clone(),
                self.constant,
            ),
        }
    }
}

/// Which rows a lookup takes, and how often: `Σ a·b` over `products` plus `Σ c` over
/// `constants` (degree at most 2). Usually 0 or 1; any value is a multiplicity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter<F: Field> {
    /// Degree-2 terms.
    pub products: Vec<(Column<F>, Column<F>)>,
    /// Degree-1 terms.
    pub constants: Vec<Column<F>>,
}

/// Every row, once.
impl<F: Field> Default for Filter<F> {
    fn default() -> Self {
        Self { products: vec![], constants: vec![Column::constant(F::ONE)] }
    }
}

impl<F: Field> Filter<F> {
    /// `Σ a·b + Σ c`.
    pub fn new(products: Vec<(Column<F>, Column<F>)>, constants: Vec<Column<F>>) -> Self {
        Self { products, constants }
    }

    /// One column.
    pub fn new_simple(col: Column<F>) -> Self {
        Self { products: vec![], constants: vec![col] }
    }

    /// The value on every row of a column-major trace.
    pub fn eval_all_rows(&self, table: &[PolynomialValues<F>]) -> Vec<F> {
        let n = table[0].len();
        let mut out = vec![F::ZERO; n];
        for (a, b) in &self.products {
            for ((o, x), y) in out.iter_mut().zip(a.eval_all_rows(table)).zip(b.eval_all_rows(table)) {
                *o += x * y;
            }
        }
        for c in &self.constants {
            for (o, x) in out.iter_mut().zip(c.eval_all_rows(table)) {
                *o += x;
            }
        }
        out
    }

    /// starky's form of the same filter.
    pub fn to_starky(&self) -> skl::Filter<F> {
        skl::Filter::new(
            self.products.iter().map(|(a, b)| (a.to_starky(), b.to_starky())).collect(),
            self.constants.iter().map(Column::to_starky).collect(),
        )
    }
}

/// One side of a lookup in one table: the tuple's columns and the filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableWithColumns<F: Field> {
    /// The table's index.
    pub table: usize,
    /// The tuple, one combination per element.
    pub columns: Vec<Column<F>>,
    /// Which rows take part, and how often.
    pub filter: Filter<F>,
}

impl<F: Field> TableWithColumns<F> {
    pub fn new(table: usize, columns: Vec<Column<F>>, filter: Filter<F>) -> Self {
        Self { table, columns, filter }
    }

    /// starky's form.
    pub fn to_starky(&self) -> sk::TableWithColumns<F> {
        sk::TableWithColumns::new(
            self.table,
            self.columns.iter().map(Column::to_starky).collect(),
            self.filter.to_starky(),
        )
    }
}

/// A lookup: the looking tuples, summed over every looking side, equal the looked ones as
/// multisets (with multiplicities).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossTableLookup<F: Field> {
    pub looking_tables: Vec<TableWithColumns<F>>,
    pub looked_table: TableWithColumns<F>,
}

impl<F: Field> CrossTableLookup<F> {
    /// # Panics
    /// If a looking tuple's length differs from the looked one's.
    pub fn new(looking_tables: Vec<TableWithColumns<F>>, looked_table: TableWithColumns<F>) -> Self {
        assert!(
            looking_tables.iter().all(|t| t.columns.len() == looked_table.columns.len()),
            "every side of a lookup has the same tuple length"
        );
        Self { looking_tables, looked_table }
    }

    /// starky's form.
    pub fn to_starky(&self) -> sk::CrossTableLookup<F> {
        sk::CrossTableLookup::new(
            self.looking_tables.iter().map(TableWithColumns::to_starky).collect(),
            self.looked_table.to_starky(),
        )
    }

    /// starky's form of each lookup.
    pub fn all_to_starky(ctls: &[Self]) -> Vec<sk::CrossTableLookup<F>> {
        ctls.iter().map(Self::to_starky).collect()
    }

    /// starky's `num_ctl_helpers_zs_all`: table `table`'s helper columns over all lookups, its
    /// running sums, and its helper columns per lookup, with lookups grouped for
    /// `constraint_degree`.
    pub fn num_ctl_helpers_zs_all(
        ctls: &[Self],
        table: usize,
        num_challenges: usize,
        constraint_degree: usize,
    ) -> (usize, usize, Vec<usize>) {
        sk::CrossTableLookup::num_ctl_helpers_zs_all(
            &Self::all_to_starky(ctls),
            table,
            num_challenges,
            constraint_degree,
        )
    }
}

/// A debugging check of lookups on traces, like `starky::cross_table_lookup::debug_utils`, with
/// filters counted as multiplicities (any field element, not only 0 and 1).
pub mod debug_utils {
    use hashbrown::HashMap;
    use plonky2::field::polynomial::PolynomialValues;
    use plonky2::field::types::PrimeField64;

    use super::{CrossTableLookup, TableWithColumns};

    /// A tuple's count on the looking side, on the looked side, and the `(table, row)`s that
    /// hold it.
    type Tally<F> = (F, F, Vec<(usize, usize)>);

    /// Panics, naming the lookup and tuple, unless every lookup balances on `traces`: each tuple
    /// is counted as often on the looking side (with `extra_looking_values` added to the looking
    /// side of the lookups they name) as on the looked side, a row counting as many times as its
    /// filter's value.
    pub fn check_ctls<F: PrimeField64>(
        traces: &[Vec<PolynomialValues<F>>],
        ctls: &[CrossTableLookup<F>],
        extra_looking_values: &HashMap<usize, Vec<Vec<F>>>,
    ) {
        for (i, ctl) in ctls.iter().enumerate() {
            let mut counts: HashMap<Vec<F>, Tally<F>> = HashMap::new();
            let mut add = |table: &TableWithColumns<F>, looking: bool| {
                let trace = &traces[table.table];
                let filters = table.filter.eval_all_rows(trace);
                for (row, f) in filters.into_iter().enumerate().filter(|(_, f)| !f.is_zero()) {
                    let tuple = table.columns.iter().map(|c| c.eval_table(trace, row)).collect();
                    let entry = counts.entry(tuple).or_insert((F::ZERO, F::ZERO, Vec::new()));
                    if looking {
                        entry.0 += f;
                    } else {
                        entry.1 += f;
                    }
                    entry.2.push((table.table, row));
                }
            };
            for table in &ctl.looking_tables {
                add(table, true);
            }
            add(&ctl.looked_table, false);
            for tuple in extra_looking_values.get(&i).into_iter().flatten() {
                counts.entry(tuple.clone()).or_insert((F::ZERO, F::ZERO, Vec::new())).0 += F::ONE;
            }
            for (tuple, (looking, looked, rows)) in counts {
                if looking != looked {
                    panic!(
                        "CTL #{i}:\nRow {tuple:?} is present {} times in the looking tables, but {} times in the \
                         looked table.\nLocations (Table, Row index): {rows:?}.",
                        signed(looking),
                        signed(looked),
                    );
                }
            }
        }
    }

    /// A count as a signed integer (counts near `p` are small negative numbers).
    fn signed<F: PrimeField64>(x: F) -> i128 {
        let v = x.to_canonical_u64() as i128;
        if v > (F::ORDER / 2) as i128 {
            v - F::ORDER as i128
        } else {
            v
        }
    }
}
