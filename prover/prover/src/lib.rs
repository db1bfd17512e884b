//! The zkMIPS prover: a STARK proof that a MIPS program, from its initial image, ran to its
//! committed output.
//!
//! Pipeline position: the VM (`zkmips-vm`) runs the program; [`segment`] replays it in
//! segments of at most `2^k` cycles in tracing mode and sorts the records by table; [`prove`]
//! builds every table's trace (`prover/tables/*`) and proves the tables together, tied by
//! cross-table lookups ([`tables`]); [`verify`] checks a segment proof, and [`verify_proof`]
//! checks a whole proof: each segment, the chain of boundaries and memory roots between
//! them, and that the chain starts at the program's entry state (the *program id*).
//!
//! A segment's boundary is public: clock, pc, next pc, and the register page (registers, hi,
//! lo, heap, brk, the committed digest, exit code, halted flag, thread pointer); memory is
//! public only through its commitment, a Poseidon hash tree over pages (`zkmips-table-page`).

pub mod error;
pub mod lookups;
pub mod prove;
pub mod segment;
pub mod table_prover;
pub mod tables;
pub mod verify;

use plonky2::field::types::{Field, Field64, PrimeField64};
use plonky2::hash::hash_types::HashOut;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::plonk::config::Hasher;
use plonky2::util::timing::TimingTree;
use zkmips_stark::F;
use zkmips_table_page::MemoryImage;
use zkmips_vm::{Machine, Program, State};

pub use error::{ProveError, VerifyError};
pub use prove::SegmentProof;
pub use segment::Boundary;

/// First bytes of a proof file; the last byte is the format version.
pub const PROOF_MAGIC: [u8; 8] = *b"ZKMIPSP\x02";

/// A proof of a whole run: the program id, one proof per segment, in order, and the public values
/// the program wrote (bound to the proof only through the committed digest: see
/// [`Verified::public_values`]).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Proof {
    pub program_id: [u64; 4],
    pub segments: Vec<SegmentProof>,
    pub public_values: Vec<u8>,
}

/// What a valid proof establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub exit_code: u32,
    pub digest: [u32; 8],
    pub cycles: u64,
    pub segments: usize,
    /// The proof's public values, when their SHA-256 is the committed digest (the guest
    /// runtime's convention: the digest words are the hash's bytes, little-endian per word);
    /// `None` when the program committed something else.
    pub public_values: Option<Vec<u8>>,
}

impl Proof {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = PROOF_MAGIC.to_vec();
        out.extend(bincode::serialize(self).expect("a proof serialises"));
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Proof, VerifyError> {
        let body = bytes
            .strip_prefix(&PROOF_MAGIC[..])
            .ok_or_else(|| VerifyError::Format("the file does not start with the zkMIPS proof magic".into()))?;
        bincode::deserialize(body).map_err(|e| VerifyError::Format(format!("undecodable proof: {e}")))
    }
}

/// Commitment to a segment boundary and the memory root: a Poseidon hash of all of it.
pub fn state_commitment(b: &Boundary, root: &[F; 4]) -> [u64; 4] {
    let mut elems = vec![F::from_canonical_u64(b.clk), F::from_canonical_u32(b.pc), F::from_canonical_u32(b.next_pc)];
    elems.extend(b.regs.iter().map(|&r| F::from_canonical_u32(r)));
    elems.extend_from_slice(root);
    let HashOut { elements } = PoseidonHash::hash_no_pad(&elems);
    elements.map(|x| x.to_canonical_u64())
}

/// The memory image of a machine state.
pub fn memory_image(state: &State) -> MemoryImage {
    MemoryImage::from_words(state.memory.pages().flat_map(|(number, page)| {
        let base = number << zkmips_vm::memory::PAGE_BITS;
        page.iter().enumerate().filter(|(_, &w)| w != 0).map(move |(i, &w)| (base + 4 * i as u32, w))
    }))
}

/// The program id of `program`: the commitment to its entry state (no arguments, no
/// environment; the input stream is private and not part of it).
pub fn program_id(program: &Program) -> Result<[u64; 4], String> {
    let state = State::new(program, &[], &[], vec![]).map_err(|e| e.to_string())?;
    let image = memory_image(&state);
    Ok(state_commitment(&Boundary::of(&state), &image.root()))
}

/// What one segment cost.
#[derive(Clone, Debug)]
pub struct SegmentStats {
    pub index: usize,
    pub cycles: u64,
    /// Seconds to record the segment and build its traces, and to prove them.
    pub trace_seconds: f64,
    pub prove_seconds: f64,
    /// Per table: name, rows (a power of two), columns of the trace.
    pub tables: Vec<(&'static str, usize, usize)>,
    /// Where the proving time went.
    pub times: prove::ProveTimes,
}

/// Progress of a proof, segment by segment.
pub trait Progress {
    fn segment_done(&mut self, stats: &SegmentStats);

    /// Prove only this many segments (a benchmark of a run's start): the proof then ends before
    /// the program halts and `verify_proof` reports it as incomplete. `None`: the whole run.
    fn segment_limit(&self) -> Option<usize> {
        None
    }
}

impl Progress for () {
    fn segment_done(&mut self, _: &SegmentStats) {}
}

/// Runs `program` on `input` and proves the run in segments of at most `segment_cycles`
/// instructions.
pub fn prove_program(
    program: &Program,
    input: Vec<Vec<u8>>,
    segment_cycles: u64,
    max_cycles: u64,
    progress: &mut dyn Progress,
) -> Result<Proof, ProveError> {
    let state = State::new(program, &[], &[], input).map_err(|e| ProveError::Vm(e.to_string()))?;
    let mut image = memory_image(&state);
    let program_id = state_commitment(&Boundary::of(&state), &image.root());
    let mut machine = Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let mut segments = Vec::new();
    while machine.state.exit_code.is_none() && progress.segment_limit().is_none_or(|n| segments.len() < n) {
        if machine.state.clk >= max_cycles {
            return Err(ProveError::Vm(format!("the program did not halt within {max_cycles} cycles")));
        }
        let t0 = std::time::Instant::now();
        let start = Boundary::of(&machine.state);
        let record = segment::record_segment(&mut machine, segment_cycles)?;
        let end = Boundary::of(&machine.state);
        let traces = prove::build_traces(&record, start, end, &mut image)?;
        let cycles = record.cpu.len() as u64;
        drop(record);
        let tables = zkmips_stark::ctl::Table::ALL
            .iter()
            .map(|t| {
                let trace = &traces.traces[t.index()];
                (t.name(), trace.first().map_or(0, |c| c.len()), trace.len())
            })
            .collect();
        let trace_seconds = t0.elapsed().as_secs_f64();
        let mut timing = TimingTree::default();
        let mut times = prove::ProveTimes::default();
        let proof = prove::prove_traces_timed(traces, &mut timing, &mut times)?;
        progress.segment_done(&SegmentStats {
            index: segments.len(),
            cycles,
            trace_seconds,
            prove_seconds: t0.elapsed().as_secs_f64() - trace_seconds,
            tables,
            times,
        });
        segments.push(proof);
    }
    Ok(Proof { program_id, segments, public_values: machine.state.public_values.clone() })
}

/// Verifies a whole proof against the program id of the ELF it claims to run.
pub fn verify_proof(proof: &Proof, program_id: [u64; 4]) -> Result<Verified, VerifyError> {
    if proof.program_id != program_id {
        return Err(VerifyError::ProgramId { proof: hex_id(&proof.program_id), elf: hex_id(&program_id) });
    }
    let Some(first) = proof.segments.first() else {
        return Err(VerifyError::Format("the proof has no segments".into()));
    };
    let root = |r: &[u64; 4]| r.map(|x| F::from_canonical_u64(x % F::ORDER));
    if state_commitment(&first.start, &root(&first.root_start)) != program_id {
        return Err(VerifyError::Segment { index: 0, reason: "it does not start at the program's entry state".into() });
    }
    for (index, seg) in proof.segments.iter().enumerate() {
        if seg.start.halted() {
            return Err(VerifyError::Segment { index, reason: "it starts after the program halted".into() });
        }
        let checked = std::panic::catch_unwind(|| verify::verify_segment(seg))
            .unwrap_or_else(|_| Err("the proof is malformed".into()));
        checked.map_err(|reason| VerifyError::Segment { index, reason })?;
        if let Some(next) = proof.segments.get(index + 1) {
            let chain = |reason: &str| VerifyError::Chain { index, next: index + 1, reason: reason.into() };
            if seg.end != next.start {
                return Err(chain("the next segment does not start where this one ends"));
            }
            if seg.root_end != next.root_start {
                return Err(chain("the memory commitments differ"));
            }
        }
    }
    let last = proof.segments.last().expect("non-empty");
    if !last.end.halted() {
        return Err(VerifyError::Incomplete { clk: last.end.clk });
    }
    let digest = last.end.digest();
    let public_values = (public_values_digest(&proof.public_values) == digest).then(|| proof.public_values.clone());
    Ok(Verified {
        exit_code: last.end.exit_code(),
        digest,
        public_values,
        cycles: last.end.clk - first.start.clk,
        segments: proof.segments.len(),
    })
}

/// The digest words a guest commits for `public_values`: SHA-256, each word the little-endian
/// reading of 4 bytes of the hash.
pub fn public_values_digest(public_values: &[u8]) -> [u32; 8] {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(public_values);
    core::array::from_fn(|i| u32::from_le_bytes(hash[4 * i..4 * i + 4].try_into().expect("4 bytes")))
}

/// A program id as hex.
pub fn hex_id(id: &[u64; 4]) -> String {
    id.iter().map(|x| format!("{x:016x}")).collect()
}

/// The committed digest as 64 hex digits (each word little-endian, as the guest hashed it).
pub fn digest_hex(digest: &[u32; 8]) -> String {
    digest.iter().flat_map(|w| w.to_le_bytes()).map(|b| format!("{b:02x}")).collect()
}
