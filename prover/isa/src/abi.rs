//! Constants of the guest ABI (`../shared/ABI.md`): the entry state and the syscall numbers.

/// Initial stack pointer; argc, argv, envp and auxv are laid out from here upwards.
pub const STACK_POINTER: u32 = 0x7EFF_C000;
/// Top of the stack region.
pub const STACK_TOP: u32 = 0x7F00_0000;
/// First address handed out by anonymous `mmap`.
pub const HEAP_START: u32 = 0x2000_0000;
/// Page size reported in AT_PAGESZ and used to round `mmap` lengths.
pub const PAGE_SIZE: u32 = 4096;
/// The 16 bytes AT_RANDOM points at: fixed, so runs are deterministic.
pub const AT_RANDOM_BYTES: [u8; 16] = *b"zkmips-at-random";
/// What HINT_LEN returns when the input stream is exhausted.
pub const HINT_END: u32 = 0xFFFF_FFFF;
/// Uid/gid values reported in the auxiliary vector.
pub const AUX_ID: u32 = 1000;

/// zkVM calls (numbered as Ziren) and the Linux o32 calls the VM implements.
pub mod sys {
    pub const HALT: u32 = 0x00;
    pub const WRITE: u32 = 0x02;
    pub const COMMIT: u32 = 0x10;
    pub const HINT_LEN: u32 = 0xF0;
    pub const HINT_READ: u32 = 0xF1;
    pub const KECCAK_SPONGE: u32 = 0x0101_0009;
    pub const SHA_EXTEND: u32 = 0x3001_0005;
    pub const SHA_COMPRESS: u32 = 0x0101_0006;
    pub const SECP256K1_ADD: u32 = 0x0101_000A;
    pub const SECP256K1_DOUBLE: u32 = 0x0001_000B;
    pub const SECP256K1_DECOMPRESS: u32 = 0x0001_000C;

    pub const PIPE2: u32 = 4328;
    pub const EPOLL_CREATE: u32 = 4248;
    pub const EPOLL_CTL: u32 = 4249;
    pub const EPOLL_WAIT: u32 = 4250;
    pub const EPOLL_CREATE1: u32 = 4326;

    pub const EXIT: u32 = 4001;
    pub const READ: u32 = 4003;
    pub const WRITE_LINUX: u32 = 4004;
    pub const OPEN: u32 = 4005;
    pub const CLOSE: u32 = 4006;
    pub const GETPID: u32 = 4020;
    pub const BRK: u32 = 4045;
    pub const FCNTL: u32 = 4055;
    pub const MMAP: u32 = 4090;
    pub const MUNMAP: u32 = 4091;
    pub const CLONE: u32 = 4120;
    pub const SCHED_YIELD: u32 = 4162;
    pub const NANOSLEEP: u32 = 4166;
    pub const RT_SIGACTION: u32 = 4194;
    pub const RT_SIGPROCMASK: u32 = 4195;
    pub const SIGALTSTACK: u32 = 4206;
    pub const MMAP2: u32 = 4210;
    pub const FSTAT64: u32 = 4215;
    pub const MADVISE: u32 = 4218;
    pub const GETTID: u32 = 4222;
    pub const FCNTL64: u32 = 4220;
    pub const FUTEX: u32 = 4238;
    pub const SCHED_GETAFFINITY: u32 = 4240;
    pub const EXIT_GROUP: u32 = 4246;
    pub const CLOCK_GETTIME: u32 = 4263;
    pub const SET_THREAD_AREA: u32 = 4283;
    pub const OPENAT: u32 = 4288;
    pub const PRLIMIT64: u32 = 4338;
}

/// File descriptors with a meaning in WRITE.
pub mod fd {
    pub const STDOUT: u32 = 1;
    pub const STDERR: u32 = 2;
    /// Appends to the public-values stream.
    pub const PUBLIC_VALUES: u32 = 13;
    /// Pushes a new item at the end of the input stream.
    pub const HINT: u32 = 14;
}

/// SECP256K1 call buffers: a coordinate is 8 words, least significant word first; a point is
/// 16 words, `x` then `y`.
pub mod secp256k1 {
    /// A coordinate's 32 big-endian bytes (the usual encoding of a field element).
    pub fn coordinate_to_be(words: &[u32; 8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, w) in words.iter().enumerate() {
            out[28 - 4 * i..32 - 4 * i].copy_from_slice(&w.to_be_bytes());
        }
        out
    }

    /// The words of a coordinate given as 32 big-endian bytes.
    pub fn coordinate_from_be(bytes: &[u8; 32]) -> [u32; 8] {
        core::array::from_fn(|i| {
            let b = &bytes[28 - 4 * i..32 - 4 * i];
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    }

    /// The coordinates of a point.
    pub fn split(point: &[u32; 16]) -> (&[u32; 8], &[u32; 8]) {
        let (x, y) = point.split_at(8);
        (x.try_into().expect("8 words"), y.try_into().expect("8 words"))
    }
}

/// Linux errno values returned in `$v0` with `$a3 = 1`.
pub mod errno {
    pub const ENOENT: u32 = 2;
    pub const EBADF: u32 = 9;
    pub const ENOMEM: u32 = 12;
    pub const EFAULT: u32 = 14;
    pub const EINVAL: u32 = 22;
    pub const EAGAIN: u32 = 11;
}
