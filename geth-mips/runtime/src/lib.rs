//! `zkmips-guest`: the runtime that a Rust program links to run as a guest of the zkMIPS VM.
//!
//! Where it sits: a guest crate (`#![no_std]`, `#![no_main]`) depends on this crate and is built
//! for `mipsel-mti-none-elf` by `scripts/build-guest`; the resulting ELF is what `zkmips run` (the
//! emulator) executes and the prover proves. This crate implements the guest side of the contract
//! in `shared/ABI.md`:
//!
//! - the `__start` entry point, which calls the program's `main` (named with [`entry!`]) and, when
//!   it returns, sends the digest of the public values with COMMIT and halts with exit code 0;
//! - a bump heap allocator ([`heap`]);
//! - input: [`read`] decodes the next input item with bincode 1.x encoding, [`read_vec`] returns
//!   its raw bytes (HINT_LEN / HINT_READ);
//! - public values: [`commit`] / [`commit_slice`] append bytes to the public-values stream (WRITE
//!   to fd 13) and to a running SHA-256 whose digest becomes the proof's public output;
//! - [`keccak256`] through the KECCAK_SPONGE precompile, [`sha256`] through SHA_EXTEND and
//!   SHA_COMPRESS;
//! - [`print!`] / [`println!`] to the host's stdout and [`eprint!`] / [`eprintln!`] to its stderr;
//! - a panic handler that writes the message to stderr and halts with exit code 1.
//!
//! A minimal guest:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//!
//! zkmips_guest::entry!(main);
//!
//! fn main() {
//!     let n: u32 = zkmips_guest::read();
//!     zkmips_guest::println!("n = {n}");
//!     zkmips_guest::commit(&(n * 2));
//! }
//! ```
//!
//! The entry point, allocator and panic handler exist only when building for a bare-metal MIPS
//! target (`target_arch = "mips"`, `target_os = "none"`). On other targets the crate still compiles
//! (so `cargo test` runs its host-side unit tests), but every VM call panics.

#![cfg_attr(not(test), no_std)]
#![cfg_attr(target_arch = "mips", feature(asm_experimental_arch))]
#![warn(missing_docs)]

extern crate alloc;

pub mod heap;
mod io;
mod keccak;
mod print;
pub mod sha256;
mod start;
pub mod syscall;

pub use io::{commit, commit_slice, read, read_vec};
pub use keccak::keccak256;
pub use print::FdWriter;
pub use sha256::sha256;
pub use start::finalize;
pub use syscall::{cycles, halt};

/// Names the guest's main function, which the runtime's entry point calls.
///
/// `main` must be a `fn()`. When it returns, the runtime commits the digest of everything passed to
/// [`commit`] / [`commit_slice`] and halts with exit code 0 (see [`finalize`]).
///
/// ```ignore
/// zkmips_guest::entry!(main);
/// fn main() { /* ... */ }
/// ```
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        const _: () = {
            // The runtime's `__start` calls this symbol; the type ascription checks the signature.
            #[unsafe(export_name = "__zkmips_main")]
            fn __zkmips_main() {
                let main: fn() = $main;
                main()
            }
        };
    };
}

/// Prints to the host's standard output (fd 1), like `std::print!`.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::FdWriter::write_fmt_to($crate::syscall::FD_STDOUT, format_args!($($arg)*))
    };
}

/// Prints a line to the host's standard output (fd 1), like `std::println!`.
#[macro_export]
macro_rules! println {
    () => {
        $crate::print!("\n")
    };
    ($($arg:tt)*) => {
        $crate::FdWriter::write_fmt_to(
            $crate::syscall::FD_STDOUT,
            format_args!("{}\n", format_args!($($arg)*)),
        )
    };
}

/// Prints to the host's standard error (fd 2), like `std::eprint!`.
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::FdWriter::write_fmt_to($crate::syscall::FD_STDERR, format_args!($($arg)*))
    };
}

/// Prints a line to the host's standard error (fd 2), like `std::eprintln!`.
#[macro_export]
macro_rules! eprintln {
    () => {
        $crate::eprint!("\n")
    };
    ($($arg:tt)*) => {
        $crate::FdWriter::write_fmt_to(
            $crate::syscall::FD_STDERR,
            format_args!("{}\n", format_args!($($arg)*)),
        )
    };
}
