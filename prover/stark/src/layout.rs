//! The proven address space and the order of accesses.
//!
//! **Addresses** are field elements. Memory words use their byte address (a multiple of 4,
//! below 2^32). The machine's other state lives in the *register page*: word `i` of it has the
//! address `REG_BASE + i`, which no load or store can reach (those addresses are >= 2^32).
//! Register 0 is never written (writes to `$zero` are discarded by the CPU), so its reads
//! return its initial value 0.
//!
//! **Timestamps**: every access carries `ts = clk * SLOTS + slot`. Within one instruction the
//! slots order the accesses (reads before writes), so that the accesses to one address have
//! strictly increasing timestamps across the whole segment.

/// Address of word 0 of the register page.
pub const REG_BASE: u64 = 1 << 32;

/// Words of the register page (index `i` is at address `REG_BASE + i`).
pub mod reg {
    /// General-purpose registers are words 0..32.
    pub const GPR: usize = 0;
    pub const HI: usize = 32;
    pub const LO: usize = 33;
    /// Next address anonymous `mmap` hands out.
    pub const HEAP: usize = 34;
    /// Program break.
    pub const BRK: usize = 35;
    /// Committed digest words 0..8 (COMMIT).
    pub const DIGEST: usize = 36;
    /// Exit code (HALT, exit_group); meaningful when `HALTED` is 1.
    pub const EXIT_CODE: usize = 44;
    /// 1 once the program has halted.
    pub const HALTED: usize = 45;
    /// Thread pointer (`set_thread_area`, read by `rdhwr $29`).
    pub const THREAD_PTR: usize = 46;
    /// Number of words in the register page.
    pub const COUNT: usize = 47;
}

/// Address of register-page word `i`.
pub const fn reg_addr(i: usize) -> u64 {
    REG_BASE + i as u64
}

/// Access slots within one instruction.
pub mod slot {
    /// Instruction fetch (CPU): read `pc`.
    pub const FETCH: u64 = 0;
    /// First register read (CPU: `rs`; syscalls: their argument registers and register-page words).
    pub const RS: u64 = 1;
    /// Second register read (CPU: `rt`).
    pub const RT: u64 = 2;
    /// hi/lo reads (multiply/divide).
    pub const HILO_READ: u64 = 3;
    /// Data memory (loads, stores, syscall buffers).
    pub const MEM: u64 = 4;
    /// Data memory written after the `MEM` reads of the same instruction, for precompiles whose
    /// output may overlap their input (SECP256K1_ADD reads q, then rewrites p).
    pub const MEM_WRITE: u64 = 5;
    /// Destination register write (CPU) and syscall register / register-page writes.
    pub const DST: u64 = 6;
    /// hi/lo writes (multiply/divide).
    pub const HILO_WRITE: u64 = 7;
}

/// Slots per cycle.
pub const SLOTS: u64 = 8;

/// Timestamp of an access in cycle `clk` at `slot`.
pub const fn ts(clk: u64, slot: u64) -> u64 {
    clk * SLOTS + slot
}
