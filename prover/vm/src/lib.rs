//! The zkMIPS emulator: a MIPS32r2 machine that runs little- and big-endian programs exactly as
//! a MIPS Linux machine would for the instructions and calls of `../shared/ABI.md`, and records
//! what the prover needs.
//!
//! Pipeline position: the block program (`geth-mips`) runs here; the tracing mode's events feed
//! the prover's STARK tables; checkpoints split a run into independently provable segments.
//!
//! - [`loader`]: ELF32 (either byte order) and raw images, the entry stack, the Go patches.
//! - [`Machine`]: the interpreter. Each instruction is defined once in [`Machine::step`], generic
//!   over a [`Tracer`]: [`NoTrace`] is the fast execute-only mode, [`Recorder`] the tracing mode.
//! - [`State`]: everything a run depends on; a checkpoint is a serialised `State`.
//! - Syscalls and precompiles execute natively; `clone` makes cooperative threads (`threads`),
//!   and pipes and epoll live in the state (`pipes`), so stock Go programs, garbage collector
//!   included, run as on Linux.
//! - [`mips_test`]: the open_mips_tests convention.

mod error;
pub mod loader;
mod machine;
pub mod memory;
pub mod mips_test;
mod pipes;
mod precompiles;
mod syscall;
mod threads;
pub mod trace;

pub use error::{LoadError, VmError};
pub use loader::Program;
pub use machine::{Machine, Sink, State, Status, CHECKPOINT_MAGIC};
pub use pipes::{EpollEntry, Pipe};
pub use syscall::{syscall_name, NANOS_PER_CYCLE};
pub use threads::{Thread, Wait};
pub use trace::{Counter, FunctionProfile, NoTrace, Profile, Recorder, Tracer};
