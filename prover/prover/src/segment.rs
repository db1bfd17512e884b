//! Runs one segment in tracing mode and splits what happened into per-table events.
//!
//! The VM executes each instruction exactly once (its semantics are the single definition);
//! this module only sorts the records: which table proves the instruction, and which accesses
//! of the proven address space (`zkmips_stark::layout`) each table makes.

use starky::stark::Stark;
use zkmips_isa::{decode, Op};
use zkmips_stark::ctl::{Table, NUM_TABLES};
use zkmips_stark::events::{
    AluEvent, CpuEvent, KeccakSpongeEvent, LsuEvent, MemAccess, MulDivEvent, ShaCompressEvent, ShaExtendEvent,
    SyscallEvent,
};
use zkmips_stark::layout::{reg, reg_addr, slot, ts};
use zkmips_stark::lookup::CrossTableLookup;
use zkmips_stark::{D, F};
use zkmips_table_cpu::{class_of, Class};
use zkmips_table_secp256k1::{RowValues, Secp256k1Event, Secp256k1Op};
use zkmips_vm::{Machine, Recorder, State};

use crate::error::ProveError;

/// The machine position at a segment boundary that the proof exposes: clock, pc, next pc and
/// the register page (`layout::reg`). Memory is committed separately (its root).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Boundary {
    pub clk: u64,
    pub pc: u32,
    pub next_pc: u32,
    pub regs: Vec<u32>,
}

impl Boundary {
    pub fn of(state: &State) -> Boundary {
        Boundary { clk: state.clk, pc: state.pc, next_pc: state.next_pc, regs: register_page(state) }
    }

    pub fn halted(&self) -> bool {
        self.regs[reg::HALTED] == 1
    }

    pub fn exit_code(&self) -> u32 {
        self.regs[reg::EXIT_CODE]
    }

    pub fn digest(&self) -> [u32; 8] {
        core::array::from_fn(|i| self.regs[reg::DIGEST + i])
    }
}

/// The register page of a machine state.
pub fn register_page(state: &State) -> Vec<u32> {
    let mut page = vec![0u32; reg::COUNT];
    page[..32].copy_from_slice(&state.regs);
    page[reg::HI] = state.hi;
    page[reg::LO] = state.lo;
    page[reg::HEAP] = state.heap;
    page[reg::BRK] = state.brk;
    page[reg::DIGEST..reg::DIGEST + 8].copy_from_slice(&state.digest);
    page[reg::EXIT_CODE] = state.exit_code.unwrap_or(0);
    page[reg::HALTED] = state.exit_code.is_some() as u32;
    page[reg::THREAD_PTR] = state.thread_ptr;
    page
}

/// Everything one segment did, sorted by table.
#[derive(Clone, Debug, Default)]
pub struct SegmentRecord {
    pub cpu: Vec<CpuEvent>,
    /// Events of the bitwise ALU table.
    pub alu: Vec<AluEvent>,
    /// Events of the arithmetic table.
    pub arith: Vec<AluEvent>,
    pub lsu: Vec<LsuEvent>,
    pub muldiv: Vec<MulDivEvent>,
    pub syscalls: Vec<SyscallEvent>,
    pub secp256k1: Vec<Secp256k1Event>,
    /// KECCAK_SPONGE calls (also in `syscalls`).
    pub keccak: Vec<KeccakSpongeEvent>,
    /// SHA_EXTEND and SHA_COMPRESS calls (also in `syscalls`).
    pub sha_extend: Vec<ShaExtendEvent>,
    pub sha_compress: Vec<ShaCompressEvent>,
    /// Every access to the proven address space, in execution order.
    pub mem: Vec<MemAccess>,
}

/// Memory accesses a segment of `max_cycles` cycles may make: 4 per cycle, less the register
/// page's start reads. Instructions average about 4 accesses (fetch, two register reads, a
/// write, sometimes a load or store), so without this bound a full segment's memory table
/// would often just pass a power of two and double.
pub fn access_budget(max_cycles: u64) -> usize {
    (ACCESSES_PER_CYCLE * max_cycles.next_power_of_two() as usize).saturating_sub(reg::COUNT)
}

/// Memory accesses a segment budgets per cycle (see [`access_budget`]).
const ACCESSES_PER_CYCLE: usize = 4;

/// Most accesses one instruction makes, except system calls that copy buffers (one per word).
const MAX_STEP_ACCESSES: usize = 8;

/// Runs `machine` for at most `max_cycles` instructions (fewer if it halts, when the memory
/// table reaches [`access_budget`], or in the segment's last eighth when [`would_double`]),
/// recording a segment. The machine is left at the segment's end.
pub fn record_segment(machine: &mut Machine, max_cycles: u64) -> Result<SegmentRecord, ProveError> {
    let mut rec = SegmentRecord::default();
    let end_clk = machine.state.clk + max_cycles;
    let tail_clk = end_clk - max_cycles / 8;
    let budget = access_budget(max_cycles);
    // The first instruction always runs, so that a call larger than the budget still makes
    // progress (in a segment of its own).
    while machine.state.exit_code.is_none()
        && machine.state.clk < end_clk
        && (rec.cpu.is_empty() || rec.mem.len() + MAX_STEP_ACCESSES + precompile_accesses(machine) <= budget)
        && (machine.state.clk < tail_clk || !would_double(machine, &rec, end_clk, budget))
    {
        record_step(machine, &mut rec)?;
    }
    Ok(rec)
}

/// Fewest rows of a table worth ending a segment early for (see [`would_double`]).
const MIN_DOUBLING_ROWS: usize = 1 << 12;

/// Whether the next instruction would take the table of its class (one row per instruction:
/// arithmetic, bitwise, load/store, multiply/divide) past a power of two of at least
/// [`MIN_DOUBLING_ROWS`] rows, and doubling that table would cost more than the cycles the
/// segment could still run.
///
/// Cost is counted in committed cells. Doubling a table adds its rows times its columns. The
/// cycles left (up to the segment's length or its memory budget, whichever comes first) would
/// fill a CPU row and four memory accesses each, which are padded to the segment's full length
/// anyway: ending the segment leaves those cells empty. A real block's arithmetic table, for
/// one, otherwise often passes 2^19 rows by a few hundred near a segment's end.
fn would_double(machine: &Machine, rec: &SegmentRecord, end_clk: u64, budget: usize) -> bool {
    let word = machine.state.memory.read_word(machine.state.pc);
    let (rows, table) = match decode(word).ok().and_then(|insn| class_of(insn.op)) {
        Some(Class::Arith) => (rec.arith.len(), Table::Arith),
        Some(Class::Bits) => (rec.alu.len(), Table::Alu),
        Some(Class::Lsu) => (rec.lsu.len(), Table::Lsu),
        Some(Class::MulDiv) => (rec.muldiv.len(), Table::MulDiv),
        _ => return false,
    };
    if rows < MIN_DOUBLING_ROWS || !rows.is_power_of_two() {
        return false;
    }
    let cycles_left =
        ((end_clk - machine.state.clk) as usize).min(budget.saturating_sub(rec.mem.len()) / ACCESSES_PER_CYCLE);
    let columns = committed_columns();
    let cycle_cells = columns[Table::Cpu.index()]
        + ACCESSES_PER_CYCLE * columns[Table::Memory.index()] / zkmips_table_memory::ACCESSES_PER_ROW;
    rows * columns[table.index()] > cycles_left * cycle_cells
}

fn columns_of<S: Stark<F, D>>(_: &S) -> usize {
    S::COLUMNS
}

/// Columns each table commits per row: its own and its lookup helper columns.
fn committed_columns() -> &'static [usize; NUM_TABLES] {
    static COLUMNS: std::sync::OnceLock<[usize; NUM_TABLES]> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(|| {
        let ctls = crate::tables::all_ctls();
        let challenges = zkmips_stark::stark_config().num_challenges;
        core::array::from_fn(|i| {
            let table = Table::ALL[i];
            let (helpers, zs, _) =
                CrossTableLookup::num_ctl_helpers_zs_all(&ctls, i, challenges, crate::prove::CTL_DEGREE);
            crate::tables::with_stark!(table, |stark| columns_of(&stark)) + helpers + zs
        })
    })
}

fn record_step(machine: &mut Machine, rec: &mut SegmentRecord) -> Result<(), ProveError> {
    let before = &machine.state;
    let (clk, pc, next_pc) = (before.clk, before.pc, before.next_pc);
    let page_before = register_page(before);
    let tid = before.tid;
    let word = before.memory.read_word(pc);
    let insn = decode(word).map_err(|e| ProveError::Unprovable { clk, pc, reason: e.to_string() })?;
    let class = class_of(insn.op).ok_or_else(|| ProveError::Unprovable {
        clk,
        pc,
        reason: format!("{:?} is not provable", insn.op),
    })?;
    if class == Class::Syscall {
        let number = page_before[2];
        zkmips_table_syscall::check_supported(number).map_err(|reason| ProveError::Unprovable { clk, pc, reason })?;
    }
    let is_keccak = class == Class::Syscall && page_before[2] == zkmips_isa::abi::sys::KECCAK_SPONGE;
    let keccak = if is_keccak { keccak_event(&before.memory, clk, page_before[4], page_before[5]) } else { None };
    let sha = if class == Class::Syscall { sha_event(&before.memory, clk, &page_before) } else { None };

    let mut trace = Recorder::default();
    machine.step(&mut trace).map_err(|e| ProveError::Vm(e.to_string()))?;
    let after = &machine.state;
    if after.tid != tid {
        return Err(ProveError::Unprovable { clk, pc, reason: "a thread switch is not proven".into() });
    }
    let step = *trace.steps.first().ok_or_else(|| ProveError::Vm("the VM recorded no step".into()))?;
    let page_after = register_page(after);

    let rs = ((word >> 21) & 31) as usize;
    let rt = ((word >> 16) & 31) as usize;
    let is_rdhwr = insn.op == Op::Rdhwr;
    let rs_val = match class {
        Class::Syscall => 0,
        _ if is_rdhwr => page_before[reg::THREAD_PTR],
        _ => page_before[rs],
    };
    let rt_val = if class == Class::Syscall { 0 } else { page_before[rt] };
    let (dst, dst_old, dst_val) = if class == Class::Syscall || step.dst == 0 {
        (0u8, 0, 0)
    } else {
        (step.dst, page_before[step.dst as usize], step.dst_val)
    };
    let halts = class == Class::Syscall && after.exit_code.is_some();
    rec.cpu.push(CpuEvent {
        clk,
        pc,
        next_pc,
        new_pc: after.pc,
        new_next_pc: after.next_pc,
        word,
        rs_val,
        rt_val,
        dst,
        dst_old,
        dst_val,
        halts,
    });

    // The CPU's own accesses.
    rec.mem.push(MemAccess { addr: pc as u64, ts: ts(clk, slot::FETCH), before: word, after: word });
    if class != Class::Syscall {
        let rs_addr = if is_rdhwr { reg_addr(reg::THREAD_PTR) } else { reg_addr(rs) };
        rec.mem.push(MemAccess { addr: rs_addr, ts: ts(clk, slot::RS), before: rs_val, after: rs_val });
        rec.mem.push(MemAccess { addr: reg_addr(rt), ts: ts(clk, slot::RT), before: rt_val, after: rt_val });
    }
    if dst != 0 {
        rec.mem.push(MemAccess {
            addr: reg_addr(dst as usize),
            ts: ts(clk, slot::DST),
            before: dst_old,
            after: dst_val,
        });
    }

    match class {
        Class::Bits => rec.alu.push(AluEvent { word, a: rs_val, b: rt_val }),
        Class::Arith => rec.arith.push(AluEvent { word, a: rs_val, b: rt_val }),
        Class::Lsu => {
            let [m] = trace.mem[..] else {
                return Err(ProveError::Vm(format!("a load/store at {pc:#x} made {} accesses", trace.mem.len())));
            };
            rec.lsu.push(LsuEvent { clk, word, base: rs_val, rt_val, mem_before: m.before });
            rec.mem.push(MemAccess { addr: m.addr as u64, ts: ts(clk, slot::MEM), before: m.before, after: m.after });
        }
        Class::MulDiv => {
            let event =
                MulDivEvent { clk, word, a: rs_val, b: rt_val, hi: page_before[reg::HI], lo: page_before[reg::LO] };
            rec.mem.extend(zkmips_table_muldiv::mem_accesses(&event));
            rec.muldiv.push(event);
        }
        Class::Syscall => {
            let number = page_before[2];
            let secp = Secp256k1Op::from_number(number).map(|op| {
                let (a0, a1) = (page_before[4], page_before[5]);
                secp256k1_event(clk, op, a0, a1, &trace.mem)
            });
            // The syscall trace drops the writes of calls whose own tables make their accesses.
            let mut mem_writes: Vec<(u32, u32, u32)> =
                trace.mem.iter().filter(|m| m.write).map(|m| (m.addr, m.before, m.after)).collect();
            mem_writes.sort_unstable_by_key(|w| w.0);
            let event = SyscallEvent { clk, page_before, page_after, mem_writes };
            rec.mem.extend(zkmips_table_syscall::mem_accesses(std::slice::from_ref(&event)));
            rec.syscalls.push(event);
            if let Some(secp) = secp {
                let values = RowValues::of(&secp).map_err(|reason| ProveError::Unprovable { clk, pc, reason })?;
                rec.mem.extend(zkmips_table_secp256k1::accesses(&values));
                rec.secp256k1.push(secp);
            }
            if is_keccak {
                let k =
                    keccak.ok_or_else(|| ProveError::Vm("KECCAK_SPONGE ran with arguments the VM rejects".into()))?;
                zkmips_table_keccak::sponge::check_call(&k).map_err(|reason| ProveError::Unprovable {
                    clk,
                    pc,
                    reason,
                })?;
                rec.mem.extend(zkmips_table_keccak::sponge::mem_accesses(&k));
                rec.keccak.push(k);
            }
            match sha {
                Some(Sha::Extend(e)) => {
                    zkmips_table_sha256::extend::check_call(&e).map_err(|reason| ProveError::Unprovable {
                        clk,
                        pc,
                        reason,
                    })?;
                    rec.mem.extend(zkmips_table_sha256::extend::mem_accesses(&e));
                    rec.sha_extend.push(e);
                }
                Some(Sha::Compress(e)) => {
                    zkmips_table_sha256::compress::check_call(&e).map_err(|reason| ProveError::Unprovable {
                        clk,
                        pc,
                        reason,
                    })?;
                    rec.mem.extend(zkmips_table_sha256::compress::mem_accesses(&e));
                    rec.sha_compress.push(e);
                }
                None => {}
            }
        }
        Class::JumpImm | Class::JumpReg | Class::Rdhwr | Class::Sync | Class::Nop => {}
    }
    Ok(())
}

/// A secp256k1 call's event from the VM's record of its accesses: each word's value before the
/// call (its first access) and after (its last), at the addresses the call uses.
fn secp256k1_event(
    clk: u64,
    op: Secp256k1Op,
    a0: u32,
    a1: u32,
    mem: &[zkmips_isa::events::MemEvent],
) -> Secp256k1Event {
    let first = |addr: u32| mem.iter().find(|m| m.addr == addr).map_or(0, |m| m.before);
    let last = |addr: u32| mem.iter().rev().find(|m| m.addr == addr).map_or(0, |m| m.after);
    let at = |base: u32, i: usize| base.wrapping_add(4 * i as u32);
    let q_base = if op == Secp256k1Op::Add { Some(a1) } else { None };
    Secp256k1Event {
        clk,
        op,
        a0,
        a1,
        p: core::array::from_fn(|i| first(at(a0, i))),
        q: core::array::from_fn(|i| q_base.map_or(0, |q| first(at(q, i)))),
        result: core::array::from_fn(|i| last(at(a0, i))),
    }
}

/// The memory accesses a precompile table makes for the next instruction, if it is such a call:
/// KECCAK_SPONGE's length word, 34 words per block and 16 result words; SECP256K1_ADD's 32
/// (q read, p rewritten); DOUBLE's and DECOMPRESS's 16; SHA_EXTEND's 64 (16 read, 48 written);
/// SHA_COMPRESS's 80 (8 + 64 read, 8 written). A segment stops before a call that would
/// take the memory table past its budget.
fn precompile_accesses(machine: &Machine) -> usize {
    use zkmips_isa::abi::sys;
    let s = &machine.state;
    // Checked on every step: look at `$v0` first and decode only when it names a precompile.
    let accesses = match s.regs[2] {
        sys::KECCAK_SPONGE => {
            let blocks = s.memory.read_word(s.regs[5].wrapping_add(64)) as usize / 36;
            1 + 34 * blocks + 16
        }
        sys::SECP256K1_ADD => 32,
        sys::SECP256K1_DOUBLE | sys::SECP256K1_DECOMPRESS => 16,
        sys::SHA_EXTEND => 64,
        sys::SHA_COMPRESS => 80,
        _ => return 0,
    };
    if decode(s.memory.read_word(s.pc)).is_ok_and(|i| i.op == Op::Syscall) {
        accesses
    } else {
        0
    }
}

/// A KECCAK_SPONGE call's event, read from memory before the call (it reads its input before it
/// writes the result). `None` if the VM rejects the arguments (unaligned buffers, a length that
/// is not a multiple of 36 words): the step then fails.
fn keccak_event(memory: &zkmips_vm::memory::Memory, clk: u64, input: u32, result: u32) -> Option<KeccakSpongeEvent> {
    if !input.is_multiple_of(4) || !result.is_multiple_of(4) {
        return None;
    }
    let word = |base: u32, i: usize| memory.read_word(base.wrapping_add(4 * i as u32));
    let len = word(result, 16) as usize;
    if !len.is_multiple_of(36) {
        return None;
    }
    let blocks = (0..len / 36).map(|b| core::array::from_fn(|w| word(input, 36 * b + w))).collect();
    Some(KeccakSpongeEvent { clk, input, result, blocks, result_before: core::array::from_fn(|w| word(result, w)) })
}

/// A SHA-256 call's event.
enum Sha {
    Extend(ShaExtendEvent),
    Compress(ShaCompressEvent),
}

/// A SHA_EXTEND or SHA_COMPRESS call's event, read from memory before the call (it reads all
/// its input before it writes). `None` for other calls, and for unaligned buffers (the VM
/// rejects them: the step then fails).
fn sha_event(memory: &zkmips_vm::memory::Memory, clk: u64, page: &[u32]) -> Option<Sha> {
    use zkmips_isa::abi::sys;
    let (a0, a1) = (page[4], page[5]);
    let word = |base: u32, i: usize| memory.read_word(base.wrapping_add(4 * i as u32));
    match page[2] {
        sys::SHA_EXTEND if a0.is_multiple_of(4) => Some(Sha::Extend(ShaExtendEvent {
            clk,
            w_ptr: a0,
            w: core::array::from_fn(|i| word(a0, i)),
            before: core::array::from_fn(|i| word(a0, 16 + i)),
        })),
        sys::SHA_COMPRESS if a0.is_multiple_of(4) && a1.is_multiple_of(4) => Some(Sha::Compress(ShaCompressEvent {
            clk,
            w_ptr: a0,
            h_ptr: a1,
            w: core::array::from_fn(|i| word(a0, i)),
            h: core::array::from_fn(|i| word(a1, i)),
        })),
        _ => None,
    }
}
