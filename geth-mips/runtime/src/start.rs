//! Program start and end: the `__start` entry point, [`finalize`], and the panic handler.

use crate::{io, syscall};

/// Commits the SHA-256 digest of the public values (word `i` = little-endian `u32` of digest
/// bytes `4i..4i+4`, sent with COMMIT) and halts with exit code 0.
///
/// The entry point calls this when `main` returns; a guest may call it to stop early.
pub fn finalize() -> ! {
    let digest = io::public_values_digest();
    for (index, word) in digest.chunks_exact(4).enumerate() {
        syscall::commit_word(index as u32, u32::from_le_bytes(word.try_into().expect("4 bytes")));
    }
    syscall::halt(0)
}

/// The ELF entry point (lld's default entry symbol for this target).
///
/// The VM sets `$sp` to `0x7EFFC000`, 16-aligned, with argc/argv/envp/auxv at `0($sp)`; Rust
/// guests do not read them. We reserve the 16-byte argument save area that an o32 caller provides,
/// so the callee may spill its argument registers there without touching argc. All other registers
/// start at 0, and this target's code does not address data through `$gp` (no `-G` small data), so
/// nothing else needs setting up. `.bss` is zeroed by the VM's loader.
#[cfg(all(target_arch = "mips", target_os = "none"))]
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn __start() -> ! {
    core::arch::naked_asm!(
        ".set push",
        ".set noreorder",
        "addiu $sp, $sp, -16",
        "jal {start}",
        "nop",
        // `start` never returns.
        "break",
        ".set pop",
        start = sym rust_start,
    )
}

#[cfg(all(target_arch = "mips", target_os = "none"))]
extern "C" fn rust_start() -> ! {
    unsafe extern "Rust" {
        /// The guest's main, defined by [`crate::entry!`].
        fn __zkmips_main();
    }
    // SAFETY: `entry!` defines the symbol as a safe `fn()`. A guest without `entry!` fails to link
    // with an undefined `__zkmips_main`.
    unsafe { __zkmips_main() };
    finalize()
}

/// Writes the panic message to stderr and halts with exit code 1, as `shared/ABI.md` asks.
#[cfg(all(target_arch = "mips", target_os = "none", not(test)))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    use core::fmt::Write;

    // A panic while formatting a panic message must not recurse forever. A plain `static mut`
    // rather than an atomic: on this target atomics compile to ll/sc, which a single-threaded
    // guest does not need.
    static mut PANICKING: bool = false;
    // SAFETY: the guest is single-threaded; the flag is read and written by value only.
    unsafe {
        if PANICKING {
            syscall::write(syscall::FD_STDERR, b"guest panicked while panicking\n");
            syscall::halt(1);
        }
        PANICKING = true;
    }
    // The writer buffers on the stack: the heap may be what ran out.
    let mut err = crate::FdWriter::new(syscall::FD_STDERR);
    let _ = match info.location() {
        Some(location) => writeln!(err, "guest panicked at {location}:\n{}", info.message()),
        None => writeln!(err, "guest panicked:\n{}", info.message()),
    };
    err.flush();
    syscall::halt(1)
}
