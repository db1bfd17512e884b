//! Columns of the syscall table, and the calls it proves.
//!
//! A *call row* holds one `syscall` (exactly one `call` flag set); a *word row* holds one word
//! that HINT_READ writes (`is_word` set); padding rows are all zero.

use zkmips_isa::abi::{errno, sys};

/// One row of the syscall table.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyscallColumns<T> {
    /// Cycle of the `syscall` instruction (word rows: that of their HINT_READ).
    pub clk: T,
    /// `$v0` before the call: the syscall number.
    pub number: T,
    /// `$v0` after the call.
    pub v0_out: T,
    /// `$a3` before the call (mmap: its flags).
    pub a3_in: T,
    /// `$a3` after the call.
    pub a3_out: T,
    /// `$a0`, read by every call.
    pub a0: T,
    /// Second access: `$a2` (WRITE, write), HALTED before (HALT, exit, exit_group), else `$a1`.
    pub arg: T,
    /// Address of the row's write: a register-page word (call rows) or a buffer word (word rows).
    pub w_addr: T,
    /// Value of that word before the write.
    pub w_before: T,
    /// Value of that word after the write.
    pub w_after: T,
    /// HINT_READ: words to write (call row: all of them; word row: this one and the ones after).
    pub left: T,
    /// 1 on a HINT_READ word row.
    pub is_word: T,
    /// 1 on the last word row of a HINT_READ.
    pub last: T,
    /// 16-bit cells (range-checked), used per call: see `air.rs`.
    pub limbs: [T; NUM_LIMBS],
    /// Helper cells per call: bits (WRITE's fd, HINT_READ's padding and non-emptiness, brk's
    /// comparison) and an inverse (read's `a0 != 0`).
    pub aux: [T; 3],
    /// One-hot call flag, one per entry of [`CALLS`] (all zero on word and padding rows).
    pub call: [T; NUM_CALLS],
}

zkmips_stark::impl_columns!(SyscallColumns);

/// Number of columns.
pub const NUM_COLUMNS: usize = zkmips_stark::cols::width::<SyscallColumns<u64>>();

/// Number of 16-bit cells.
pub const NUM_LIMBS: usize = 8;

/// What a call leaves in `$v0` or `$a3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Out {
    /// The register is unchanged.
    Keep,
    /// A constant.
    Const(u32),
    /// The `arg` column (`$a2` for WRITE / write).
    Arg,
    /// `limbs[0] + 2^16 * limbs[1]` (HINT_LEN's advice).
    Limbs,
    /// The written register-page word's old value (mmap: the heap pointer).
    WBefore,
    /// The written register-page word's new value (brk: the new break).
    WAfter,
}

/// A proven call: its number, name, and results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallSpec {
    pub number: u32,
    pub name: &'static str,
    pub v0: Out,
    pub a3: Out,
}

const fn spec(number: u32, name: &'static str, v0: Out, a3: Out) -> CallSpec {
    CallSpec { number, name, v0, a3 }
}

/// Indices into [`CALLS`] (and the `call` flags) of the calls with constraints of their own.
pub mod call {
    pub const HALT: usize = 0;
    pub const EXIT: usize = 1;
    pub const EXIT_GROUP: usize = 2;
    pub const WRITE: usize = 3;
    pub const WRITE_LINUX: usize = 4;
    pub const COMMIT: usize = 5;
    pub const HINT_LEN: usize = 6;
    pub const HINT_READ: usize = 7;
    pub const BRK: usize = 8;
    pub const MMAP: usize = 9;
    pub const MMAP2: usize = 10;
    pub const SET_THREAD_AREA: usize = 11;
    /// `read` of fd 0: end of file.
    pub const READ_STDIN: usize = 12;
    /// `read` of any other fd: EBADF.
    pub const READ_BADF: usize = 13;
    /// KECCAK_SPONGE: handed to the sponge table (the `KECCAK_SPONGE` lookup).
    pub const KECCAK_SPONGE: usize = 14;
    /// The calls from here to `FIRST_PRECOMPILE` only return constants.
    pub const FIRST_CONSTANT: usize = 15;
    /// Precompiles proven by their own tables: they keep `$v0` and `$a3`.
    pub const FIRST_PRECOMPILE: usize = 29;
    pub const SECP256K1_ADD: usize = 29;
    pub const SECP256K1_DOUBLE: usize = 30;
    pub const SECP256K1_DECOMPRESS: usize = 31;
    /// SHA_EXTEND: handed to the extend table (the `SHA_EXTEND` lookup).
    pub const SHA_EXTEND: usize = 32;
    /// SHA_COMPRESS: handed to the compress table (the `SHA_COMPRESS` lookup).
    pub const SHA_COMPRESS: usize = 33;
}

/// Number of call flags.
pub const NUM_CALLS: usize = 34;

/// Every proven call, by flag index. The results are those of `prover/vm/src/syscall.rs` on a
/// single-threaded machine with no pipes (`clone`, `pipe2` and `epoll_create` are not proven, so
/// a proven run never has other threads or fds). Linux calls set `$a3` (0: success, 1: error),
/// zkVM calls keep it.
pub const CALLS: [CallSpec; NUM_CALLS] = [
    spec(sys::HALT, "HALT", Out::Keep, Out::Keep),
    spec(sys::EXIT, "exit", Out::Keep, Out::Keep),
    spec(sys::EXIT_GROUP, "exit_group", Out::Const(0), Out::Const(0)),
    spec(sys::WRITE, "WRITE", Out::Arg, Out::Keep),
    spec(sys::WRITE_LINUX, "write", Out::Arg, Out::Const(0)),
    spec(sys::COMMIT, "COMMIT", Out::Keep, Out::Keep),
    spec(sys::HINT_LEN, "HINT_LEN", Out::Limbs, Out::Keep),
    spec(sys::HINT_READ, "HINT_READ", Out::Keep, Out::Keep),
    spec(sys::BRK, "brk", Out::WAfter, Out::Const(0)),
    spec(sys::MMAP, "mmap", Out::WBefore, Out::Const(0)),
    spec(sys::MMAP2, "mmap2", Out::WBefore, Out::Const(0)),
    spec(sys::SET_THREAD_AREA, "set_thread_area", Out::Const(0), Out::Const(0)),
    spec(sys::READ, "read", Out::Const(0), Out::Const(0)),
    spec(sys::READ, "read", Out::Const(errno::EBADF), Out::Const(1)),
    spec(sys::KECCAK_SPONGE, "KECCAK_SPONGE", Out::Keep, Out::Keep),
    spec(sys::OPEN, "open", Out::Const(errno::ENOENT), Out::Const(1)),
    spec(sys::OPENAT, "openat", Out::Const(errno::ENOENT), Out::Const(1)),
    spec(sys::CLOSE, "close", Out::Const(0), Out::Const(0)),
    spec(sys::MUNMAP, "munmap", Out::Const(0), Out::Const(0)),
    spec(sys::RT_SIGACTION, "rt_sigaction", Out::Const(0), Out::Const(0)),
    spec(sys::RT_SIGPROCMASK, "rt_sigprocmask", Out::Const(0), Out::Const(0)),
    spec(sys::SIGALTSTACK, "sigaltstack", Out::Const(0), Out::Const(0)),
    spec(sys::FSTAT64, "fstat64", Out::Const(0), Out::Const(0)),
    spec(sys::MADVISE, "madvise", Out::Const(0), Out::Const(0)),
    spec(sys::SCHED_GETAFFINITY, "sched_getaffinity", Out::Const(0), Out::Const(0)),
    spec(sys::PRLIMIT64, "prlimit64", Out::Const(0), Out::Const(0)),
    spec(sys::SCHED_YIELD, "sched_yield", Out::Const(0), Out::Const(0)),
    // The only thread is thread 1.
    spec(sys::GETTID, "gettid", Out::Const(1), Out::Const(0)),
    spec(sys::GETPID, "getpid", Out::Const(1), Out::Const(0)),
    spec(sys::SECP256K1_ADD, "SECP256K1_ADD", Out::Keep, Out::Keep),
    spec(sys::SECP256K1_DOUBLE, "SECP256K1_DOUBLE", Out::Keep, Out::Keep),
    spec(sys::SECP256K1_DECOMPRESS, "SECP256K1_DECOMPRESS", Out::Keep, Out::Keep),
    spec(sys::SHA_EXTEND, "SHA_EXTEND", Out::Keep, Out::Keep),
    spec(sys::SHA_COMPRESS, "SHA_COMPRESS", Out::Keep, Out::Keep),
];

/// Flags of the calls that end the program (`halts = 1`).
pub const HALTING: [usize; 3] = [call::HALT, call::EXIT, call::EXIT_GROUP];

/// Whether the call with flag `k` has its memory accesses made by its own table (the keccak
/// sponge, secp256k1 and SHA-256 tables): the syscall table then makes none of them, whatever the
/// VM wrote.
pub fn accesses_in_own_table(k: usize) -> bool {
    k == call::KECCAK_SPONGE || SECP256K1.contains(&k) || k == call::SHA_EXTEND || k == call::SHA_COMPRESS
}

/// Flags of the secp256k1 calls, proven by the secp256k1 table (`SECP256K1` lookup).
pub const SECP256K1: [usize; 3] = [call::SECP256K1_ADD, call::SECP256K1_DOUBLE, call::SECP256K1_DECOMPRESS];

/// Flags of the calls whose second access reads `$a2` instead of `$a1`.
pub const READS_A2: [usize; 2] = [call::WRITE, call::WRITE_LINUX];

/// Flags of the calls that write a register-page word through `w_*` (besides `$v0`, `$a3`).
pub const WRITES_PAGE: [usize; 8] =
    [call::HALT, call::EXIT, call::EXIT_GROUP, call::COMMIT, call::BRK, call::MMAP, call::MMAP2, call::SET_THREAD_AREA];
