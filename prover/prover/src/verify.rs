//! Verifying a segment proof: every table's starky proof against the shared lookup challenges,
//! the lookups between tables (with the register page supplied from the public boundaries), and
//! the public inputs against the claimed boundaries and memory roots.

use plonky2::field::types::{Field, Field64};
use plonky2::iop::challenger::Challenger;
use plonky2::plonk::config::GenericConfig;
use starky::cross_table_lookup::{verify_cross_table_lookups, CtlCheckVars};
use starky::lookup::get_grand_product_challenge_set;
use starky::stark::Stark;
use starky::verifier::verify_stark_proof_with_challenges;
use zkmips_stark::ctl::{Table, NUM_TABLES};
use zkmips_stark::layout::reg;
use zkmips_stark::lookup::CrossTableLookup;
use zkmips_stark::{stark_config, C, D, F};

use crate::prove::{
    extra_sums, observe_statement, public_inputs, register_reads, register_rows, SegmentProof, CTL_DEGREE,
};
use crate::tables::{all_ctls, ctl_index, with_stark};

/// Checks one segment proof on its own (not its place in a chain).
pub fn verify_segment(proof: &SegmentProof) -> Result<(), String> {
    // Shape first.
    if proof.tables.len() != NUM_TABLES {
        return Err(format!("{} table proofs, expected {NUM_TABLES}", proof.tables.len()));
    }
    for b in [&proof.start, &proof.end] {
        if b.regs.len() != reg::COUNT {
            return Err(format!("a boundary has {} register-page words, expected {}", b.regs.len(), reg::COUNT));
        }
    }
    let canonical = |r: [u64; 4]| -> Result<[F; 4], String> {
        if r.iter().any(|&x| x >= F::ORDER) {
            return Err("a memory root is not canonical".into());
        }
        Ok(r.map(F::from_canonical_u64))
    };
    let roots = [canonical(proof.root_start)?, canonical(proof.root_end)?];
    // The CPU table proves every new pc below 2^31 + 2^16 given a start below 2^31.
    if proof.start.pc >= 1 << 31 || proof.start.next_pc >= 1 << 31 {
        return Err("the segment starts at a pc outside the proven range (at or above 2^31)".into());
    }
    if proof.end.clk <= proof.start.clk {
        return Err("the segment executes no instruction".into());
    }

    let config = stark_config();
    let lookups = all_ctls();
    let ctls = CrossTableLookup::all_to_starky(&lookups);
    for table in Table::ALL {
        let expected = public_inputs(table, &proof.start, &proof.end, &roots);
        if proof.tables[table.index()].public_inputs != expected {
            return Err(format!("the {} table's public inputs do not match the segment's boundaries", table.name()));
        }
    }

    let mut challenger = Challenger::<F, <C as GenericConfig<D>>::Hasher>::new();
    observe_statement(&mut challenger, &proof.start, &proof.end, &roots);
    for p in &proof.tables {
        challenger.observe_cap(&p.proof.trace_cap);
    }
    let ctl_challenges = get_grand_product_challenge_set(&mut challenger, config.num_challenges);

    for table in Table::ALL {
        let i = table.index();
        let p = &proof.tables[i];
        with_stark!(table, |stark| {
            let num_lookup_columns = stark.num_lookup_helper_columns(&config);
            let (total_helpers, _, helpers_by_ctl) =
                CrossTableLookup::num_ctl_helpers_zs_all(&lookups, i, config.num_challenges, CTL_DEGREE);
            if p.proof.openings.auxiliary_polys.is_none() || p.proof.openings.auxiliary_polys_next.is_none() {
                return Err(format!("the {} table's proof has no lookup openings", table.name()));
            }
            let ctl_vars = CtlCheckVars::from_proof(
                i,
                &p.proof,
                &ctls,
                &ctl_challenges,
                num_lookup_columns,
                total_helpers,
                &helpers_by_ctl,
            );
            let challenges = p.get_challenges(
                &stark,
                &mut challenger.clone(),
                Some(&ctl_challenges),
                Some(&ctl_vars),
                true,
                &config,
                None,
            );
            verify_stark_proof_with_challenges(
                &stark,
                &p.proof,
                &challenges,
                Some(&ctl_vars),
                &p.public_inputs,
                &config,
            )
            .map_err(|e| format!("the {} table's proof is invalid: {e}", table.name()))
        })?;
    }

    let zs_first: [Vec<F>; NUM_TABLES] =
        core::array::from_fn(|i| proof.tables[i].proof.openings.ctl_zs_first.clone().unwrap_or_default());
    let mut extra = hashbrown::HashMap::new();
    extra.insert(ctl_index::MEM, extra_sums(&register_reads(&proof.start), &ctl_challenges));
    extra.insert(ctl_index::MEM_INIT, extra_sums(&register_rows(&proof.start), &ctl_challenges));
    extra.insert(ctl_index::MEM_FINAL, extra_sums(&register_rows(&proof.end), &ctl_challenges));
    verify_cross_table_lookups::<F, D, NUM_TABLES>(&ctls, zs_first, &extra, &config)
        .map_err(|e| format!("the tables do not agree: {e}"))
}
