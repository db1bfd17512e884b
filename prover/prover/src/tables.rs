//! The set of tables and the cross-table lookups between them.

use plonky2::field::extension::FieldExtension;
use plonky2::field::packed::PackedField;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::lookup::Lookup;
use starky::stark::Stark;
use zkmips_stark::ctl::{Table, NUM_TABLES};
use zkmips_stark::lookup::{Column, Filter};
use zkmips_stark::lookup::{CrossTableLookup, TableWithColumns};
use zkmips_stark::{D, F};

use plonky2::field::types::Field;

/// Positions of the lookups in [`all_ctls`] (the verifier adds values for some of them).
pub mod ctl_index {
    pub const MEM: usize = 0;
    pub const MEM_INIT: usize = 1;
    pub const MEM_FINAL: usize = 2;
    pub const RANGE16: usize = 3;
    pub const ALU: usize = 4;
    pub const LSU: usize = 5;
    pub const MULDIV: usize = 6;
    pub const SYSCALL: usize = 7;
    pub const POSEIDON_SPONGE: usize = 8;
    pub const POSEIDON_HASH: usize = 9;
    pub const SECP256K1: usize = 10;
    pub const KECCAK_SPONGE: usize = 11;
    pub const KECCAK_IN: usize = 12;
    pub const KECCAK_OUT: usize = 13;
    pub const ARITH: usize = 14;
    pub const SHA_EXTEND: usize = 15;
    pub const SHA_COMPRESS: usize = 16;
}

/// A linear combination of a row's values, as `(column, coefficient)` terms.
pub type Combination = Vec<(usize, F)>;

/// What the Range table checks, by table: combinations of a row's values, each of which must
/// lie in `0..2^16` on every row.
pub fn range_checked() -> [(Table, Vec<Combination>); NUM_TABLES] {
    let single = |cols: Vec<usize>| cols.into_iter().map(|c| vec![(c, F::ONE)]).collect::<Vec<_>>();
    [
        (Table::Cpu, single(zkmips_table_cpu::range_checked_columns())),
        (Table::Memory, single(zkmips_table_memory::range_checked_columns())),
        (Table::Range, vec![]),
        (Table::Alu, single(zkmips_table_alu::range_checked_columns())),
        (Table::MulDiv, single(zkmips_table_muldiv::range_checked_columns())),
        (Table::Lsu, single(zkmips_table_lsu::range_checked_columns())),
        (Table::Syscall, single(zkmips_table_syscall::range_checked_columns())),
        (Table::Page, single(zkmips_table_page::range_checked_columns())),
        (Table::Poseidon, single(zkmips_table_page::poseidon::ctl::range_checked_columns())),
        (Table::Secp256k1, single(zkmips_table_secp256k1::range_checked_columns())),
        (Table::KeccakSponge, single(zkmips_table_keccak::sponge::range_checked_columns())),
        (Table::Keccak, vec![]),
        (Table::Arith, zkmips_table_alu::arith::arith_range_checked()),
        (Table::ShaExtend, single(zkmips_table_sha256::extend::range_checked_columns())),
        (Table::ShaCompress, single(zkmips_table_sha256::compress::range_checked_columns())),
    ]
}

/// Every cross-table lookup, in the order of [`ctl_index`].
pub fn all_ctls() -> Vec<CrossTableLookup<F>> {
    let mut mem_looking = zkmips_table_cpu::ctl_mem();
    mem_looking.push(zkmips_table_lsu::ctl_mem());
    mem_looking.extend(zkmips_table_muldiv::ctl_mem());
    mem_looking.extend(zkmips_table_syscall::ctl_mem());
    mem_looking.extend(zkmips_table_secp256k1::ctl_mem());
    mem_looking.extend(zkmips_table_keccak::sponge::ctl_mem());
    mem_looking.extend(zkmips_table_sha256::extend::ctl_mem());
    mem_looking.extend(zkmips_table_sha256::compress::ctl_mem());

    let all_rows = || Filter::new(vec![], vec![Column::constant(F::ONE)]);
    let range_looking = range_checked()
        .into_iter()
        .flat_map(|(table, cols)| {
            cols.into_iter().map(move |terms| {
                TableWithColumns::new(table.index(), vec![Column::linear_combination(terms)], all_rows())
            })
        })
        .collect();

    let mut ctls = vec![
        zkmips_table_memory::lookup_mem(mem_looking),
        zkmips_table_memory::lookup_init(zkmips_table_page::ctl_init()),
        zkmips_table_memory::lookup_final(zkmips_table_page::ctl_final()),
        CrossTableLookup::new(range_looking, zkmips_table_range::ctl_looked()),
        CrossTableLookup::new(vec![zkmips_table_cpu::ctl_alu()], zkmips_table_alu::ctl_looked()),
        CrossTableLookup::new(vec![zkmips_table_cpu::ctl_lsu()], zkmips_table_lsu::ctl_looked()),
        CrossTableLookup::new(vec![zkmips_table_cpu::ctl_muldiv()], zkmips_table_muldiv::ctl_looked()),
        CrossTableLookup::new(vec![zkmips_table_cpu::ctl_syscall()], zkmips_table_syscall::ctl_looked()),
    ];
    ctls.extend(zkmips_table_page::ctl_poseidon());
    ctls.push(CrossTableLookup::new(vec![zkmips_table_syscall::ctl_secp256k1()], zkmips_table_secp256k1::ctl_looked()));
    ctls.extend([
        CrossTableLookup::new(
            vec![zkmips_table_syscall::ctl_keccak_sponge()],
            zkmips_table_keccak::sponge::ctl_looked(),
        ),
        CrossTableLookup::new(vec![zkmips_table_keccak::sponge::ctl_perm_in()], zkmips_table_keccak::perm::ctl_in()),
        CrossTableLookup::new(vec![zkmips_table_keccak::sponge::ctl_perm_out()], zkmips_table_keccak::perm::ctl_out()),
        CrossTableLookup::new(vec![zkmips_table_cpu::ctl_arith()], zkmips_table_alu::arith::arith_ctl_looked()),
    ]);
    ctls.extend([
        CrossTableLookup::new(vec![zkmips_table_syscall::ctl_sha_extend()], zkmips_table_sha256::extend::ctl_looked()),
        CrossTableLookup::new(
            vec![zkmips_table_syscall::ctl_sha_compress()],
            zkmips_table_sha256::compress::ctl_looked(),
        ),
    ]);
    ctls
}

/// A table's Stark as a member of the multi-table proof: the same constraints, but starky also
/// commits, opens and checks the table's cross-table lookup polynomials (`requires_ctls`). The
/// tables themselves stay single-table Starks, so their own tests prove them alone.
#[derive(Clone, Copy, Debug, Default)]
pub struct Linked<S>(pub S);

impl<S: Stark<F, D>> Stark<F, D> for Linked<S> {
    type EvaluationFrame<FE, P, const D2: usize>
        = S::EvaluationFrame<FE, P, D2>
    where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>;
    type EvaluationFrameTarget = S::EvaluationFrameTarget;

    fn eval_packed_generic<FE, P, const D2: usize>(
        &self,
        vars: &Self::EvaluationFrame<FE, P, D2>,
        yield_constr: &mut ConstraintConsumer<P>,
    ) where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>,
    {
        self.0.eval_packed_generic(vars, yield_constr)
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        yield_constr: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        self.0.eval_ext_circuit(builder, vars, yield_constr)
    }

    /// At least the lookups' degree: the CTL helper constraints (grouped for
    /// [`crate::prove::CTL_DEGREE`]) share the table's quotient.
    fn constraint_degree(&self) -> usize {
        self.0.constraint_degree().max(crate::prove::CTL_DEGREE)
    }

    fn lookups(&self) -> Vec<Lookup<F>> {
        self.0.lookups()
    }

    fn requires_ctls(&self) -> bool {
        true
    }
}

/// Runs `$body` with `$stark` bound to the (linked) Stark of table `$table`.
macro_rules! with_stark {
    ($table:expr, |$stark:ident| $body:expr) => {
        match $table {
            zkmips_stark::ctl::Table::Cpu => {
                let $stark = $crate::tables::Linked(zkmips_table_cpu::CpuStark::default());
                $body
            }
            zkmips_stark::ctl::Table::Memory => {
                let $stark = $crate::tables::Linked(zkmips_table_memory::MemoryStark::default());
                $body
            }
            zkmips_stark::ctl::Table::Range => {
                let $stark = $crate::tables::Linked(zkmips_table_range::RangeStark::default());
                $body
            }
            zkmips_stark::ctl::Table::Alu => {
                let $stark = $crate::tables::Linked(zkmips_table_alu::AluStark::default());
                $body
            }
            zkmips_stark::ctl::Table::MulDiv => {
                let $stark = $crate::tables::Linked(zkmips_table_muldiv::MulDivStark::default());
                $body
            }
            zkmips_stark::ctl::Table::Lsu => {
                let $stark = $crate::tables::Linked(zkmips_table_lsu::LsuStark::default());
                $body
            }
            zkmips_stark::ctl::Table::Syscall => {
                let $stark = $crate::tables::Linked(zkmips_table_syscall::SyscallStark::default());
                $body
            }
            zkmips_stark::ctl::Table::Page => {
                let $stark = $crate::tables::Linked(zkmips_table_page::PageStark::default());
                $body
            }
            zkmips_stark::ctl::Table::Poseidon => {
                let $stark = $crate::tables::Linked(zkmips_table_page::PoseidonStark::default());
                $body
            }
            zkmips_stark::ctl::Table::Secp256k1 => {
                let $stark = $crate::tables::Linked(zkmips_table_secp256k1::Secp256k1Stark::default());
                $body
            }
            zkmips_stark::ctl::Table::KeccakSponge => {
                let $stark = $crate::tables::Linked(zkmips_table_keccak::SpongeStark::default());
                $body
            }
            zkmips_stark::ctl::Table::Keccak => {
                let $stark = $crate::tables::Linked(zkmips_table_keccak::KeccakStark::default());
                $body
            }
            zkmips_stark::ctl::Table::Arith => {
                let $stark = $crate::tables::Linked(zkmips_table_alu::ArithStark::default());
                $body
            }
            zkmips_stark::ctl::Table::ShaExtend => {
                let $stark = $crate::tables::Linked(zkmips_table_sha256::ShaExtendStark::default());
                $body
            }
            zkmips_stark::ctl::Table::ShaCompress => {
                let $stark = $crate::tables::Linked(zkmips_table_sha256::ShaCompressStark::default());
                $body
            }
        }
    };
}
pub(crate) use with_stark;
