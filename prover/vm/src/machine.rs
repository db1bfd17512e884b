//! The machine state and the interpreter: each instruction's semantics are written once, in
//! [`Machine::step`], generic over the [`Tracer`] so that execute-only and tracing modes share it.

use std::io::Write;

use serde::{Deserialize, Serialize};
use zkmips_isa::events::{MemEvent, StepEvent};
use zkmips_isa::{decode, reg, Insn, Op};

use crate::error::VmError;
use crate::loader::{build_entry_stack, Program, RETURN_AT_ONCE};
use crate::memory::{byte_shift, half_shift, Memory};
use crate::pipes::{EpollEntry, Pipe};
use crate::threads::Thread;
use crate::trace::Tracer;
use zkmips_isa::abi::HEAP_START;

/// First bytes of a checkpoint file; the last byte is the format version.
pub const CHECKPOINT_MAGIC: [u8; 8] = *b"ZKMIPSC\x01";

/// Data accesses below this address are null-pointer accesses (Linux never maps page 0).
pub const NULL_GUARD: u32 = 0x1000;
/// Anonymous mappings stay below this address (ABI.md: Ziren's runtimes reserve
/// `0x3F000000..0x7F000000`; the stack is above).
pub const MMAP_LIMIT: u32 = 0x3F00_0000;

/// Everything that determines the rest of a run. A checkpoint is a copy of it; resuming from a
/// checkpoint gives the same final state as running straight through.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub regs: [u32; 32],
    pub pc: u32,
    pub next_pc: u32,
    pub hi: u32,
    pub lo: u32,
    pub memory: Memory,
    pub big_endian: bool,
    /// Executable range `[code_start, code_end)`.
    pub code_start: u32,
    pub code_end: u32,
    /// Where anonymous `mmap` looks for free space next.
    pub heap: u32,
    /// Address ranges `[start, end)` in use (image, mappings, reserved areas), sorted and
    /// disjoint: `mmap` honours an address hint only where it is free, as Linux does.
    pub mappings: Vec<(u32, u32)>,
    /// Data accesses below this address stop the machine (the null page; 0 for raw images).
    pub null_guard: u32,
    /// Guest time that sleeps and timed waits have skipped, added to the instruction clock.
    pub time_offset_ns: u64,
    /// File descriptors handed out by `pipe2` and `epoll_create1`.
    pub fds: Vec<u32>,
    /// Open pipes.
    pub pipes: Vec<Pipe>,
    /// Fds registered with epoll (the VM keeps one interest list for all epoll fds).
    pub epoll: Vec<EpollEntry>,
    /// Whether `clone` creates threads (ELF programs) or returns 1 and creates nothing (raw
    /// images, Cannon's convention).
    pub threaded: bool,
    /// Thread id of the running thread (the first is 1).
    pub tid: u32,
    pub next_tid: u32,
    /// The other threads, in scheduling order.
    pub threads: Vec<Thread>,
    /// Current program break.
    pub brk: u32,
    /// Set by `set_thread_area`, read by `rdhwr $29`.
    pub thread_ptr: u32,
    /// The instruction at `pc` is in the delay slot of a branch or jump.
    pub in_delay_slot: bool,
    /// Instructions executed so far.
    pub clk: u64,
    /// The private input stream, and how many items the guest has consumed.
    pub input: Vec<Vec<u8>>,
    pub input_pos: usize,
    /// Bytes the guest wrote to the public-values stream (fd 13).
    pub public_values: Vec<u8>,
    /// The committed digest words (COMMIT).
    pub digest: [u32; 8],
    /// Set when the guest halts.
    pub exit_code: Option<u32>,
}

impl State {
    /// The entry state of `program`, with the given arguments, environment and input items.
    pub fn new(program: &Program, args: &[String], env: &[String], input: Vec<Vec<u8>>) -> Result<State, VmError> {
        let mut memory = program.memory.clone();
        let mut regs = [0u32; 32];
        if !program.raw {
            regs[reg::SP] = build_entry_stack(&mut memory, program.big_endian, args, env)?;
        }
        if let (true, Some(addr)) = (args.is_empty(), program.flag_init) {
            memory.write_word(addr, RETURN_AT_ONCE[0]);
            memory.write_word(addr + 4, RETURN_AT_ONCE[1]);
        }
        // The image, and everything from Ziren's reserved area up (input buffers, stack, kernel
        // space), is never handed out by mmap.
        let mut mappings = vec![(program.image_start, program.image_end)];
        mappings.push((MMAP_LIMIT, u32::MAX));
        Ok(State {
            regs,
            pc: program.entry,
            next_pc: program.entry.wrapping_add(4),
            hi: 0,
            lo: 0,
            memory,
            big_endian: program.big_endian,
            code_start: program.code_start,
            code_end: program.code_end,
            heap: HEAP_START,
            mappings,
            null_guard: if program.raw { 0 } else { NULL_GUARD },
            time_offset_ns: 0,
            fds: Vec::new(),
            pipes: Vec::new(),
            epoll: Vec::new(),
            threaded: !program.raw,
            tid: 1,
            next_tid: 2,
            threads: Vec::new(),
            brk: program.brk,
            thread_ptr: 0,
            in_delay_slot: false,
            clk: 0,
            input,
            input_pos: 0,
            public_values: Vec::new(),
            digest: [0; 8],
            exit_code: None,
        })
    }

    /// Serialises the state (a checkpoint) to bytes: [`CHECKPOINT_MAGIC`], then bincode.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = CHECKPOINT_MAGIC.to_vec();
        bincode::serialize_into(&mut out, self).expect("state serialises");
        out
    }

    /// Reads a checkpoint written by [`State::to_bytes`] (of this version of the VM).
    pub fn from_bytes(bytes: &[u8]) -> Result<State, VmError> {
        let body = bytes
            .strip_prefix(CHECKPOINT_MAGIC.as_slice())
            .ok_or_else(|| VmError::Checkpoint("not a zkmips checkpoint of this version (bad magic)".into()))?;
        bincode::deserialize(body).map_err(|e| VmError::Checkpoint(format!("corrupt checkpoint: {e}")))
    }

    /// The committed digest as 32 bytes (each word little-endian, as ABI.md defines).
    pub fn digest_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, w) in self.digest.iter().enumerate() {
            out[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
        }
        out
    }
}

/// How a call to [`Machine::run`] ended without error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The guest halted with this exit code.
    Exited(u32),
    /// The requested cycle count was reached; the machine can continue.
    Paused,
}

/// Where the guest's stdout and stderr go.
pub type Sink = Box<dyn Write + Send>;

/// A running machine: its [`State`], a pre-decoded copy of the code, and the host's output sinks.
pub struct Machine {
    pub state: State,
    /// `code[i]` is the decoded word at `code_start + 4 * i`, kept in step with memory.
    code: Vec<Insn>,
    pub(crate) stdout: Sink,
    pub(crate) stderr: Sink,
}

impl Machine {
    /// A machine at the entry state of `program`; guest output goes to the host's stdout/stderr.
    pub fn new(program: &Program, args: &[String], env: &[String], input: Vec<Vec<u8>>) -> Result<Machine, VmError> {
        Ok(Machine::from_state(State::new(program, args, env, input)?))
    }

    /// A machine resuming from `state` (an entry state or a checkpoint).
    pub fn from_state(state: State) -> Machine {
        let code =
            (state.code_start..state.code_end).step_by(4).map(|a| decode_cached(state.memory.read_word(a))).collect();
        Machine { state, code, stdout: Box::new(std::io::stdout()), stderr: Box::new(std::io::stderr()) }
    }

    /// Sends the guest's stdout and stderr to other sinks.
    pub fn with_output(mut self, stdout: Sink, stderr: Sink) -> Machine {
        self.stdout = stdout;
        self.stderr = stderr;
        self
    }

    /// Runs until the guest exits or `state.clk` reaches `until_clk`.
    pub fn run<T: Tracer>(&mut self, tracer: &mut T, until_clk: u64) -> Result<Status, VmError> {
        if let Some(code) = self.state.exit_code {
            return Ok(Status::Exited(code));
        }
        while self.state.clk < until_clk {
            self.step(tracer)?;
            if let Some(code) = self.state.exit_code {
                self.flush();
                return Ok(Status::Exited(code));
            }
        }
        self.flush();
        Ok(Status::Paused)
    }

    /// Runs to the guest's exit; more than `max_cycles` instructions is an error.
    pub fn run_to_exit<T: Tracer>(&mut self, tracer: &mut T, max_cycles: u64) -> Result<u32, VmError> {
        match self.run(tracer, max_cycles)? {
            Status::Exited(code) => Ok(code),
            Status::Paused => Err(VmError::CycleLimit { limit: max_cycles, pc: self.state.pc }),
        }
    }

    fn flush(&mut self) {
        let _ = self.stdout.flush();
        let _ = self.stderr.flush();
    }

    #[cold]
    #[inline(never)]
    fn fetch_error(&self, pc: u32) -> VmError {
        if pc & 3 != 0 {
            VmError::UnalignedPc { pc }
        } else {
            VmError::PcOutOfCode { pc }
        }
    }

    #[cold]
    #[inline(never)]
    fn error_at(&self, insn: Insn, pc: u32) -> VmError {
        let word = self.state.memory.read_word(pc);
        match insn.op {
            Op::Invalid => VmError::InvalidInstruction { pc, source: decode(word).unwrap_err() },
            Op::Rdhwr => VmError::UnsupportedHwReg { pc, reg: insn.rd },
            _ => VmError::Overflow { pc, word },
        }
    }

    #[cold]
    #[inline(never)]
    fn trap(&self, pc: u32, what: &'static str) -> VmError {
        VmError::Trap { pc, word: self.state.memory.read_word(pc), what }
    }

    #[cold]
    #[inline(never)]
    fn null_access(&self, pc: u32, addr: u32) -> VmError {
        VmError::NullAccess { pc, word: self.state.memory.read_word(pc), addr }
    }

    #[cold]
    #[inline(never)]
    fn unaligned(&self, pc: u32, addr: u32, size: u32) -> VmError {
        VmError::Unaligned { pc, word: self.state.memory.read_word(pc), addr, size }
    }

    /// Reads a data word (traced).
    #[inline(always)]
    pub(crate) fn load<T: Tracer>(&mut self, t: &mut T, addr: u32) -> u32 {
        let v = self.state.memory.read_word(addr);
        if T::ENABLED {
            t.mem(MemEvent { clk: self.state.clk, addr: addr & !3, before: v, after: v, write: false });
        }
        v
    }

    /// Writes a data word (traced); keeps the decoded code in step if it lands in the code.
    #[inline(always)]
    pub(crate) fn store<T: Tracer>(&mut self, t: &mut T, addr: u32, v: u32) {
        if T::ENABLED {
            let before = self.state.memory.read_word(addr);
            t.mem(MemEvent { clk: self.state.clk, addr: addr & !3, before, after: v, write: true });
        }
        self.state.memory.write_word(addr, v);
        let off = addr.wrapping_sub(self.state.code_start);
        if off < self.state.code_end.wrapping_sub(self.state.code_start) {
            self.code[(off >> 2) as usize] = decode_cached(v);
        }
    }

    /// Executes one instruction.
    #[inline(always)]
    pub fn step<T: Tracer>(&mut self, t: &mut T) -> Result<(), VmError> {
        let pc = self.state.pc;
        let off = pc.wrapping_sub(self.state.code_start);
        if off >= self.state.code_end.wrapping_sub(self.state.code_start) || pc & 3 != 0 {
            return Err(self.fetch_error(pc));
        }
        // In bounds: `off < code_end - code_start` and `code.len() == (code_end - code_start) / 4`.
        let insn = self.code[(off >> 2) as usize];
        let (rs, rt, rd) = (insn.rs as usize & 31, insn.rt as usize & 31, insn.rd as usize & 31);
        let a = self.state.regs[rs];
        let b = self.state.regs[rt];
        let imm = insn.imm;
        // Register written, and its value; writes to $zero are discarded below.
        let mut dst = 0usize;
        let mut val = 0u32;
        let delay_slot = self.state.next_pc;
        let mut next = delay_slot.wrapping_add(4);
        let mut is_branch = false;
        // A "likely" branch that is not taken nullifies its delay slot.
        let mut nullify = false;
        // A syscall switched threads: the new thread's pc is already in place.
        let mut switched = false;
        let be = self.state.big_endian;
        macro_rules! branch {
            ($cond:expr) => {{
                is_branch = true;
                if $cond {
                    next = delay_slot.wrapping_add(imm);
                }
            }};
        }
        macro_rules! branch_likely {
            ($cond:expr) => {{
                is_branch = true;
                if $cond {
                    next = delay_slot.wrapping_add(imm);
                } else {
                    nullify = true;
                }
            }};
        }
        macro_rules! link {
            () => {{
                dst = reg::RA;
                val = pc.wrapping_add(8);
            }};
        }
        // Effective address of a load or store, checked for alignment and the null page.
        macro_rules! addr {
            ($align:expr) => {{
                let addr = a.wrapping_add(imm);
                if !addr.is_multiple_of($align) {
                    return Err(self.unaligned(pc, addr, $align));
                }
                if addr < self.state.null_guard {
                    return Err(self.null_access(pc, addr));
                }
                addr
            }};
        }
        match insn.op {
            Op::Sll => (dst, val) = (rd, b << insn.sa),
            Op::Srl => (dst, val) = (rd, b >> insn.sa),
            Op::Sra => (dst, val) = (rd, ((b as i32) >> insn.sa) as u32),
            Op::Rotr => (dst, val) = (rd, b.rotate_right(insn.sa as u32)),
            Op::Sllv => (dst, val) = (rd, b << (a & 31)),
            Op::Srlv => (dst, val) = (rd, b >> (a & 31)),
            Op::Srav => (dst, val) = (rd, ((b as i32) >> (a & 31)) as u32),
            Op::Rotrv => (dst, val) = (rd, b.rotate_right(a & 31)),
            Op::Jr => {
                is_branch = true;
                next = a;
            }
            Op::Jalr => {
                is_branch = true;
                next = a;
                (dst, val) = (rd, pc.wrapping_add(8));
            }
            Op::Movz => {
                if b == 0 {
                    (dst, val) = (rd, a)
                }
            }
            Op::Movn => {
                if b != 0 {
                    (dst, val) = (rd, a)
                }
            }
            Op::Syscall => switched = self.syscall(t, pc)?,
            Op::Break => return Err(self.trap(pc, "BREAK")),
            Op::Sync | Op::Nop => {}
            Op::Mfhi => (dst, val) = (rd, self.state.hi),
            Op::Mflo => (dst, val) = (rd, self.state.lo),
            Op::Mthi => self.state.hi = a,
            Op::Mtlo => self.state.lo = a,
            Op::Mult => self.set_hilo((a as i32 as i64 * b as i32 as i64) as u64),
            Op::Multu => self.set_hilo(a as u64 * b as u64),
            Op::Div => {
                // Division by zero is UNPREDICTABLE on MIPS; we define lo = -1 (rs >= 0) or
                // 1 (rs < 0) and hi = rs, like RISC-V, so every run is deterministic.
                let (n, d) = (a as i32, b as i32);
                if d == 0 {
                    self.state.lo = if n >= 0 { u32::MAX } else { 1 };
                    self.state.hi = a;
                } else {
                    self.state.lo = n.wrapping_div(d) as u32;
                    self.state.hi = n.wrapping_rem(d) as u32;
                }
            }
            Op::Divu => match (a.checked_div(b), a.checked_rem(b)) {
                (Some(q), Some(r)) => (self.state.lo, self.state.hi) = (q, r),
                _ => (self.state.lo, self.state.hi) = (u32::MAX, a),
            },
            Op::Madd => {
                let acc = self.hilo() as i64;
                self.set_hilo(acc.wrapping_add(a as i32 as i64 * b as i32 as i64) as u64)
            }
            Op::Maddu => {
                let acc = self.hilo();
                self.set_hilo(acc.wrapping_add(a as u64 * b as u64))
            }
            Op::Msub => {
                let acc = self.hilo() as i64;
                self.set_hilo(acc.wrapping_sub(a as i32 as i64 * b as i32 as i64) as u64)
            }
            Op::Msubu => {
                let acc = self.hilo();
                self.set_hilo(acc.wrapping_sub(a as u64 * b as u64))
            }
            Op::Mul => (dst, val) = (rd, (a as i32).wrapping_mul(b as i32) as u32),
            Op::Add => match (a as i32).checked_add(b as i32) {
                Some(v) => (dst, val) = (rd, v as u32),
                None => return Err(self.error_at(insn, pc)),
            },
            Op::Addu => (dst, val) = (rd, a.wrapping_add(b)),
            Op::Sub => match (a as i32).checked_sub(b as i32) {
                Some(v) => (dst, val) = (rd, v as u32),
                None => return Err(self.error_at(insn, pc)),
            },
            Op::Subu => (dst, val) = (rd, a.wrapping_sub(b)),
            Op::And => (dst, val) = (rd, a & b),
            Op::Or => (dst, val) = (rd, a | b),
            Op::Xor => (dst, val) = (rd, a ^ b),
            Op::Nor => (dst, val) = (rd, !(a | b)),
            Op::Slt => (dst, val) = (rd, ((a as i32) < (b as i32)) as u32),
            Op::Sltu => (dst, val) = (rd, (a < b) as u32),
            Op::Clz => (dst, val) = (rd, a.leading_zeros()),
            Op::Clo => (dst, val) = (rd, a.leading_ones()),
            Op::Tge if a as i32 >= b as i32 => return Err(self.trap(pc, "TGE")),
            Op::Tgeu if a >= b => return Err(self.trap(pc, "TGEU")),
            Op::Tlt if (a as i32) < b as i32 => return Err(self.trap(pc, "TLT")),
            Op::Tltu if a < b => return Err(self.trap(pc, "TLTU")),
            Op::Teq if a == b => return Err(self.trap(pc, "TEQ")),
            Op::Tne if a != b => return Err(self.trap(pc, "TNE")),
            Op::Tgei if a as i32 >= imm as i32 => return Err(self.trap(pc, "TGEI")),
            Op::Tgeiu if a >= imm => return Err(self.trap(pc, "TGEIU")),
            Op::Tlti if (a as i32) < imm as i32 => return Err(self.trap(pc, "TLTI")),
            Op::Tltiu if a < imm => return Err(self.trap(pc, "TLTIU")),
            Op::Teqi if a == imm => return Err(self.trap(pc, "TEQI")),
            Op::Tnei if a != imm => return Err(self.trap(pc, "TNEI")),
            Op::Tge | Op::Tgeu | Op::Tlt | Op::Tltu | Op::Teq | Op::Tne => {}
            Op::Tgei | Op::Tgeiu | Op::Tlti | Op::Tltiu | Op::Teqi | Op::Tnei => {}
            Op::Bltz => branch!((a as i32) < 0),
            Op::Bgez => branch!((a as i32) >= 0),
            Op::Bltzl => branch_likely!((a as i32) < 0),
            Op::Bgezl => branch_likely!((a as i32) >= 0),
            Op::Bltzal => {
                link!();
                branch!((a as i32) < 0)
            }
            Op::Bgezal => {
                link!();
                branch!((a as i32) >= 0)
            }
            Op::Bltzall => {
                link!();
                branch_likely!((a as i32) < 0)
            }
            Op::Bgezall => {
                link!();
                branch_likely!((a as i32) >= 0)
            }
            Op::Beq => branch!(a == b),
            Op::Bne => branch!(a != b),
            Op::Blez => branch!((a as i32) <= 0),
            Op::Bgtz => branch!((a as i32) > 0),
            Op::Beql => branch_likely!(a == b),
            Op::Bnel => branch_likely!(a != b),
            Op::Blezl => branch_likely!((a as i32) <= 0),
            Op::Bgtzl => branch_likely!((a as i32) > 0),
            Op::J => {
                is_branch = true;
                next = (delay_slot & 0xF000_0000) | imm;
            }
            Op::Jal => {
                is_branch = true;
                next = (delay_slot & 0xF000_0000) | imm;
                link!();
            }
            Op::Addi => match (a as i32).checked_add(imm as i32) {
                Some(v) => (dst, val) = (rt, v as u32),
                None => return Err(self.error_at(insn, pc)),
            },
            Op::Addiu => (dst, val) = (rt, a.wrapping_add(imm)),
            Op::Slti => (dst, val) = (rt, ((a as i32) < imm as i32) as u32),
            Op::Sltiu => (dst, val) = (rt, (a < imm) as u32),
            Op::Andi => (dst, val) = (rt, a & imm),
            Op::Ori => (dst, val) = (rt, a | imm),
            Op::Xori => (dst, val) = (rt, a ^ imm),
            Op::Lui => (dst, val) = (rt, imm),
            Op::Ext => {
                // sa = lowest bit, rd = size (1..=32, with sa + size <= 32 checked at decode).
                let mask = (((1u64) << insn.rd) - 1) as u32;
                (dst, val) = (rt, (a >> insn.sa) & mask)
            }
            Op::Ins => {
                let size = insn.rd - insn.sa + 1;
                let mask = ((((1u64) << size) - 1) as u32) << insn.sa;
                (dst, val) = (rt, (b & !mask) | ((a << insn.sa) & mask))
            }
            Op::Wsbh => (dst, val) = (rd, ((b & 0x00FF_00FF) << 8) | ((b >> 8) & 0x00FF_00FF)),
            Op::Seb => (dst, val) = (rd, b as i8 as i32 as u32),
            Op::Seh => (dst, val) = (rd, b as i16 as i32 as u32),
            Op::Rdhwr => {
                if insn.rd != 29 {
                    return Err(self.error_at(insn, pc));
                }
                (dst, val) = (rt, self.state.thread_ptr)
            }
            Op::Lb | Op::Lbu => {
                let addr = addr!(1);
                let byte = (self.load(t, addr) >> byte_shift(addr, be)) as u8;
                let v = if insn.op == Op::Lb { byte as i8 as i32 as u32 } else { byte as u32 };
                (dst, val) = (rt, v)
            }
            Op::Lh | Op::Lhu => {
                let addr = addr!(2);
                let half = (self.load(t, addr) >> half_shift(addr, be)) as u16;
                let v = if insn.op == Op::Lh { half as i16 as i32 as u32 } else { half as u32 };
                (dst, val) = (rt, v)
            }
            Op::Lw | Op::Ll => {
                let addr = addr!(4);
                (dst, val) = (rt, self.load(t, addr))
            }
            Op::Lwl | Op::Lwr => {
                let addr = addr!(1);
                let word = self.load(t, addr);
                // k = bytes of the word before `addr` in big-endian numbering.
                let k = if be { addr & 3 } else { 3 - (addr & 3) };
                val = if insn.op == Op::Lwl {
                    let s = 8 * k;
                    (word << s) | (b & ((1u32 << s) - 1))
                } else {
                    let s = 8 * (3 - k);
                    (word >> s) | (b & !(u32::MAX >> s))
                };
                dst = rt;
            }
            Op::Sb => {
                let addr = addr!(1);
                let s = byte_shift(addr, be);
                let word = self.load_for_store(addr);
                self.store(t, addr, (word & !(0xFF << s)) | ((b & 0xFF) << s));
            }
            Op::Sh => {
                let addr = addr!(2);
                let s = half_shift(addr, be);
                let word = self.load_for_store(addr);
                self.store(t, addr, (word & !(0xFFFF << s)) | ((b & 0xFFFF) << s));
            }
            Op::Sw => {
                let addr = addr!(4);
                self.store(t, addr, b);
            }
            Op::Sc => {
                // A single thread: the link is never broken, so sc always succeeds.
                let addr = addr!(4);
                self.store(t, addr, b);
                (dst, val) = (rt, 1);
            }
            Op::Swl | Op::Swr => {
                let addr = addr!(1);
                let word = self.load_for_store(addr);
                let k = if be { addr & 3 } else { 3 - (addr & 3) };
                let new = if insn.op == Op::Swl {
                    let s = 8 * k;
                    (word & !(u32::MAX >> s)) | (b >> s)
                } else {
                    let s = 8 * (3 - k);
                    (b << s) | (word & ((1u32 << s) - 1))
                };
                self.store(t, addr, new);
            }
            Op::Invalid => return Err(self.error_at(insn, pc)),
        }
        if is_branch {
            if self.state.in_delay_slot {
                return Err(VmError::BranchInDelaySlot { pc, word: self.state.memory.read_word(pc) });
            }
            if next == 0 && self.state.null_guard != 0 {
                return Err(VmError::JumpToZero { from: pc });
            }
        }
        if switched {
            if T::ENABLED {
                self.trace_switch(t, pc);
            }
            self.state.clk += 1;
            return Ok(());
        }
        self.state.regs[dst] = val;
        self.state.regs[0] = 0;
        if T::ENABLED {
            self.trace_step(t, pc, insn, a, b, dst, val, nullify);
        }
        if nullify {
            self.state.pc = delay_slot.wrapping_add(4);
            self.state.next_pc = delay_slot.wrapping_add(8);
            self.state.in_delay_slot = false;
        } else {
            self.state.pc = delay_slot;
            self.state.next_pc = next;
            self.state.in_delay_slot = is_branch;
        }
        self.state.clk += 1;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn trace_step<T: Tracer>(
        &self,
        t: &mut T,
        pc: u32,
        insn: Insn,
        a: u32,
        b: u32,
        dst: usize,
        val: u32,
        nullify: bool,
    ) {
        let (dst, val) = if insn.op == Op::Syscall { (reg::V0, self.state.regs[reg::V0]) } else { (dst, val) };
        // `state.next_pc` is still the delay slot here.
        let next_pc = if nullify { self.state.next_pc.wrapping_add(4) } else { self.state.next_pc };
        t.step(StepEvent {
            clk: self.state.clk,
            pc,
            next_pc,
            word: self.state.memory.read_word(pc),
            rs_val: a,
            rt_val: b,
            dst: if dst == 0 { 0 } else { dst as u8 },
            dst_val: if dst == 0 { 0 } else { val },
            hi: self.state.hi,
            lo: self.state.lo,
        });
    }

    /// A syscall that switched threads: the next pc is the new thread's.
    fn trace_switch<T: Tracer>(&self, t: &mut T, pc: u32) {
        t.step(StepEvent {
            clk: self.state.clk,
            pc,
            next_pc: self.state.pc,
            word: self.state.memory.read_word(pc),
            dst: 0,
            dst_val: 0,
            hi: self.state.hi,
            lo: self.state.lo,
            ..StepEvent::default()
        });
    }

    /// The word a sub-word store modifies (its read is part of the store's single traced access).
    #[inline(always)]
    fn load_for_store(&self, addr: u32) -> u32 {
        self.state.memory.read_word(addr)
    }

    #[inline(always)]
    fn hilo(&self) -> u64 {
        ((self.state.hi as u64) << 32) | self.state.lo as u64
    }

    #[inline(always)]
    fn set_hilo(&mut self, v: u64) {
        self.state.hi = (v >> 32) as u32;
        self.state.lo = v as u32;
    }
}

fn decode_cached(word: u32) -> Insn {
    decode(word).unwrap_or(Insn { op: Op::Invalid, rs: 0, rt: 0, rd: 0, sa: 0, imm: word })
}
