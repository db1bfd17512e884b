use zkmips_isa::DecodeError;

/// Why the VM stopped other than by the guest's own exit, or why a program could not be loaded.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum VmError {
    #[error("{0}")]
    Load(#[from] LoadError),
    #[error("at pc {pc:#010x}: {source}")]
    InvalidInstruction { pc: u32, source: DecodeError },
    #[error("at pc {pc:#010x}: instruction {word:#010x} trapped: {what}")]
    Trap { pc: u32, word: u32, what: &'static str },
    #[error("at pc {pc:#010x}: instruction {word:#010x}: integer overflow")]
    Overflow { pc: u32, word: u32 },
    #[error("at pc {pc:#010x}: instruction {word:#010x}: unaligned {size}-byte access at {addr:#010x}")]
    Unaligned { pc: u32, word: u32, addr: u32, size: u32 },
    #[error(
        "at pc {pc:#010x}: instruction {word:#010x}: null pointer access at {addr:#010x} (page 0 is never mapped)"
    )]
    NullAccess { pc: u32, word: u32, addr: u32 },
    #[error("jump to address 0 (from pc {from:#010x})")]
    JumpToZero { from: u32 },
    #[error("pc {pc:#010x} is outside the program's executable segments")]
    PcOutOfCode { pc: u32 },
    #[error("pc {pc:#010x} is not 4-byte aligned")]
    UnalignedPc { pc: u32 },
    #[error("at pc {pc:#010x}: branch or jump {word:#010x} in a delay slot")]
    BranchInDelaySlot { pc: u32, word: u32 },
    #[error("at pc {pc:#010x}: rdhwr of hardware register {reg} is not supported (only $29, the thread pointer)")]
    UnsupportedHwReg { pc: u32, reg: u8 },
    #[error("at pc {pc:#010x}: unknown syscall {number} ({number:#x})")]
    UnknownSyscall { pc: u32, number: u32 },
    #[error("at pc {pc:#010x}: syscall {name}: {problem}")]
    BadSyscall { pc: u32, name: &'static str, problem: String },
    #[error("at pc {pc:#010x}: the guest asked for an input item but no item is left ({consumed} consumed)")]
    InputExhausted { pc: u32, consumed: usize },
    #[error("at pc {pc:#010x}: deadlock: every thread is blocked and none can time out ({threads} threads)")]
    Deadlock { pc: u32, threads: usize },
    #[error("cycle limit of {limit} reached at pc {pc:#010x}")]
    CycleLimit { limit: u64, pc: u32 },
    #[error("the machine has already exited with code {code}")]
    AlreadyExited { code: u32 },
    #[error("checkpoint: {0}")]
    Checkpoint(String),
}

/// A program image that cannot be loaded.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum LoadError {
    #[error("not an ELF file (bad magic)")]
    NotElf,
    #[error("ELF is truncated: {what} needs bytes {start}..{end} but the file has {len}")]
    Truncated { what: &'static str, start: u64, end: u64, len: usize },
    #[error("ELF is {got}-bit; the VM runs 32-bit MIPS ELFs")]
    WrongClass { got: u32 },
    #[error("ELF has an invalid byte order field {0}")]
    BadByteOrder(u8),
    #[error("ELF is for machine {0} (EM_MIPS is 8)")]
    NotMips(u16),
    #[error("ELF type {0} is not ET_EXEC (2): the VM runs static executables")]
    NotExecutable(u16),
    #[error(
        "ELF is {elf}-endian but the VM was asked to run it {asked}-endian (use --big-endian for big-endian programs)"
    )]
    EndianMismatch { elf: &'static str, asked: &'static str },
    #[error("ELF has no loadable executable segment")]
    NoCode,
    #[error("ELF segment at {vaddr:#010x} with size {memsz:#x} {problem}")]
    BadSegment { vaddr: u32, memsz: u32, problem: &'static str },
    #[error("ELF entry point {0:#010x} is not in an executable segment")]
    BadEntry(u32),
    #[error("program arguments and environment take {0} bytes, more than the entry stack holds")]
    ArgsTooLong(usize),
    #[error("raw image of {0} bytes does not fit in memory")]
    ImageTooLarge(usize),
}
