//! The VM calls of `shared/ABI.md` ("zkVM calls"), as thin wrappers around the `syscall`
//! instruction: number in `$v0`, arguments in `$a0..$a2`, result in `$v0`. These calls leave `$a3`
//! alone, unlike the Linux ones, which this runtime does not use.
//!
//! Most programs want the higher-level functions at the crate root ([`crate::read`],
//! [`crate::commit`], ...). Off MIPS every call panics, so host-side unit tests can still link.

// The call numbers and file descriptors are the VM's own definitions (`zkmips-isa`), so the
// guest and the VM cannot disagree on them.
pub use zkmips_isa::abi::HINT_END;
pub use zkmips_isa::abi::fd::{
    HINT as FD_HINT, PUBLIC_VALUES as FD_PUBLIC_VALUES, STDERR as FD_STDERR, STDOUT as FD_STDOUT,
};
pub use zkmips_isa::abi::sys::{
    COMMIT, HALT, HINT_LEN, HINT_READ, KECCAK_SPONGE, SECP256K1_ADD, SECP256K1_DECOMPRESS, SECP256K1_DOUBLE,
    SHA_COMPRESS, SHA_EXTEND, WRITE,
};

#[cfg(target_arch = "mips")]
#[inline(always)]
unsafe fn raw(number: u32, a0: u32, a1: u32, a2: u32) -> u32 {
    let ret: u32;
    // SAFETY: the caller guarantees that the VM call reads and writes only memory that the
    // arguments describe; the asm may touch memory, so it is not marked `nomem`/`readonly`.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("$2") number => ret,
            in("$4") a0,
            in("$5") a1,
            in("$6") a2,
            options(nostack),
        );
    }
    ret
}

#[cfg(not(target_arch = "mips"))]
#[cold]
unsafe fn raw(number: u32, _a0: u32, _a1: u32, _a2: u32) -> u32 {
    panic!("zkMIPS VM call {number:#x} is only available on the VM (target_arch = \"mips\")")
}

/// Ends the program with `code` (HALT), without committing anything.
///
/// Most guests return from `main` instead, which commits the public-values digest first (see
/// [`crate::finalize`]).
pub fn halt(code: u32) -> ! {
    #[cfg(target_arch = "mips")]
    // SAFETY: HALT reads only `$a0`. The VM never resumes after it; if it did, `break` traps
    // instead of running into whatever follows.
    unsafe {
        core::arch::asm!(
            "syscall",
            "break",
            in("$2") HALT,
            in("$4") code,
            options(noreturn, nostack),
        );
    }
    #[cfg(not(target_arch = "mips"))]
    {
        // SAFETY: off MIPS `raw` only panics.
        unsafe { raw(HALT, code, 0, 0) };
        unreachable!()
    }
}

/// Writes `bytes` to `fd` (WRITE): [`FD_STDOUT`], [`FD_STDERR`], [`FD_PUBLIC_VALUES`] or
/// [`FD_HINT`].
pub fn write(fd: u32, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    // SAFETY: WRITE only reads `bytes.len()` bytes at `bytes.as_ptr()`.
    unsafe { raw(WRITE, fd, bytes.as_ptr() as u32, bytes.len() as u32) };
}

/// Sets word `index` (0..8) of the committed public-values digest (COMMIT).
pub fn commit_word(index: u32, word: u32) {
    debug_assert!(index < 8);
    // SAFETY: COMMIT touches no guest memory.
    unsafe { raw(COMMIT, index, word, 0) };
}

/// The byte length of the next input item, without consuming it; [`HINT_END`] when there are no
/// more items (HINT_LEN).
pub fn hint_len() -> u32 {
    // SAFETY: HINT_LEN touches no guest memory.
    unsafe { raw(HINT_LEN, 0, 0, 0) }
}

/// Consumes the next input item into `buf` (HINT_READ).
///
/// # Safety
/// `len` must be the length that [`hint_len`] just returned, and `buf` must be 4-aligned and
/// writable for `len` rounded up to a multiple of 4 bytes (the VM zero-pads the last word).
pub unsafe fn hint_read(buf: *mut u8, len: usize) {
    debug_assert!((buf as usize).is_multiple_of(4));
    // SAFETY: per the contract above.
    unsafe { raw(HINT_READ, buf as u32, len as u32, 0) };
}

/// Runs the keccak sponge over `input` (KECCAK_SPONGE); the VM reads the input length in words
/// from `result[16]` and writes lanes 0..7 of the final state to `result[0..16]`.
///
/// # Safety
/// `result[16]` must equal `input.len()`, a multiple of 36 (see `crate::keccak256` for the layout).
pub unsafe fn keccak_sponge(input: &[u32], result: &mut [u32; 17]) {
    debug_assert!(result[16] as usize == input.len() && input.len().is_multiple_of(36));
    // SAFETY: the VM reads `result[16]` words of `input` and writes the 17 words of `result`.
    unsafe { raw(KECCAK_SPONGE, input.as_ptr() as u32, result.as_mut_ptr() as u32, 0) };
}

/// Fills `w[16..64]`, the SHA-256 message schedule of the block `w[0..16]` (big-endian words),
/// with SHA_EXTEND.
pub fn sha_extend(w: &mut [u32; 64]) {
    // SAFETY: the VM reads `w[0..16]` and writes `w[16..64]`.
    unsafe { raw(SHA_EXTEND, w.as_mut_ptr() as u32, 0, 0) };
}

/// Compresses the block whose message schedule is `w` into the SHA-256 state `h` (64 rounds,
/// then `h[i] += result[i]`) with SHA_COMPRESS.
pub fn sha_compress(w: &[u32; 64], h: &mut [u32; 8]) {
    // SAFETY: the VM reads the 64 words of `w` and the 8 of `h`, then writes `h`.
    unsafe { raw(SHA_COMPRESS, w.as_ptr() as u32, h.as_mut_ptr() as u32, 0) };
}

/// `p := p + q` on secp256k1 (SECP256K1_ADD). A point is 16 words: x then y, each coordinate
/// little-endian.
///
/// The VM stops the program if either point is not on the curve or the sum is the point at
/// infinity; the prover proves only `x(p) != x(q)` (use [`secp256k1_double`] for `p == q`).
pub fn secp256k1_add(p: &mut [u32; 16], q: &[u32; 16]) {
    // SAFETY: the VM reads both 16-word points and writes the 16 words of `p`.
    unsafe { raw(SECP256K1_ADD, p.as_mut_ptr() as u32, q.as_ptr() as u32, 0) };
}

/// `p := 2p` on secp256k1 (SECP256K1_DOUBLE); the layout of [`secp256k1_add`].
pub fn secp256k1_double(p: &mut [u32; 16]) {
    // SAFETY: the VM reads and writes the 16 words of `p`.
    unsafe { raw(SECP256K1_DOUBLE, p.as_mut_ptr() as u32, 0, 0) };
}

/// The y coordinate (8 words, little-endian) of the secp256k1 point with x coordinate `x` and y
/// parity `odd` (SECP256K1_DECOMPRESS). The VM stops the program if there is no such point.
pub fn secp256k1_decompress(x: &[u32; 8], odd: bool) -> [u32; 8] {
    let mut buf = [0u32; 16];
    buf[8..].copy_from_slice(x);
    // SAFETY: the VM reads x at `buf + 32` and writes y to the first 8 words of `buf`.
    unsafe { raw(SECP256K1_DECOMPRESS, buf.as_mut_ptr() as u32, odd as u32, 0) };
    buf[..8].try_into().expect("8 words")
}

/// Instructions executed so far: the VM's guest clock runs at one nanosecond per instruction
/// (plus time skipped by waits, which a single-threaded Rust guest never does), read with the
/// Linux `clock_gettime(CLOCK_MONOTONIC)` call. For measuring a guest's phases.
pub fn cycles() -> u64 {
    #[cfg(target_arch = "mips")]
    {
        const CLOCK_MONOTONIC: u32 = 1;
        let mut timespec = [0u32; 2];
        // SAFETY: clock_gettime writes the two words of `timespec`; as a Linux call it also sets
        // `$a3` (the error flag), which is declared clobbered.
        unsafe {
            core::arch::asm!(
                "syscall",
                inlateout("$2") zkmips_isa::abi::sys::CLOCK_GETTIME => _,
                in("$4") CLOCK_MONOTONIC,
                in("$5") timespec.as_mut_ptr() as u32,
                lateout("$7") _,
                options(nostack),
            );
        }
        timespec[0] as u64 * 1_000_000_000 + timespec[1] as u64
    }
    #[cfg(not(target_arch = "mips"))]
    panic!("cycles() is only available on the VM (target_arch = \"mips\")")
}
