//! Differential tests of stock Go programs (`tests/go/<name>/main.go`, standard library only):
//! each is built for GOARCH=mipsle and GOARCH=mips (soft-float), run under qemu and under
//! `zkmips run` (with `--big-endian` for mips) with the same arguments and environment, and the
//! two runs must agree: byte-identical stdout, the same exit code, and the same stderr (up to the
//! first `goroutine ` line, since a Go traceback holds addresses).
//!
//! The VM's ELF loader patches the Go runtime for a single thread (see ABI.md, "Go programs"); these
//! programs check that goroutines, memory allocation, panics and the runtime's Linux calls still
//! behave as on a real kernel. `programs_behave_as_intended_under_qemu` checks the programs
//! themselves, so a broken program is not mistaken for a VM bug.
//!
//! Timings: `cargo test --release -p zkmips-e2e --test go_programs -- --nocapture` prints the
//! wall time under each host and the VM's cycle count for every run.

use std::time::Duration;

use zkmips_e2e::go::{compare_runs, goarch, program_elf, qemu_timed, time_limit, zkmips_timed, Env};

/// Builds `name` for the byte order, runs it under both hosts and asserts they agree.
fn check(name: &str, big_endian: bool, args: &[&str], env: Env) {
    let arch = goarch(big_endian);
    let elf = program_elf(name, arch).unwrap_or_else(|e| panic!("building {name} for {arch}: {e:#}"));
    let qemu = qemu_timed(&elf, big_endian, args, env, Duration::from_secs(120)).expect("run qemu");
    let vm = zkmips_timed(&elf, big_endian, args, env, time_limit(600)).expect("run zkmips");
    let cycles = zkmips_e2e::summary_field(&vm.summary(), "cycles").unwrap_or("?").to_string();
    eprintln!(
        "{name} ({arch}): qemu {:.2?}, zkmips {:.2?} ({cycles} cycles), exit {:?}",
        qemu.elapsed, vm.elapsed, vm.result.code
    );
    if let Some(report) = compare_runs(&format!("{name} ({arch}, args {args:?}, env {env:?})"), &qemu, &vm) {
        panic!("{report}");
    }
}

/// Arguments for `argsenv`: spaces, an empty argument, dashes, UTF-8.
const ARGS: &[&str] = &["alpha", "two words", "", "-x", "--flag=1", "42", "8", "ünïcödé ✓"];
const ENV: Env = &[("ZKMIPS_GREETING", "hello from the host"), ("HOME", "/home/guest")];

/// Arguments for `flags`: every flag kind, a repeated flag, then positional arguments.
const FLAG_ARGS: &[&str] =
    &["-n", "5", "-name=zk", "-v", "-item", "a", "-item", "b", "-wait", "3ms", "rest1", "-notflag"];

/// Smaller than the defaults (200000 hashes, primes to 2e6, 64x64) so the suite stays quick; the
/// defaults are what `compute_benchmark` runs.
const COMPUTE_ARGS: &[&str] = &["50000", "500000", "48"];

/// The arguments and environment each program runs with (the same under both hosts).
fn setup_for(name: &str) -> (&'static [&'static str], Env<'static>) {
    match name {
        "argsenv" => (ARGS, ENV),
        "compute" => (COMPUTE_ARGS, &[]),
        "flags" => (FLAG_ARGS, &[]),
        _ => (&[], &[]),
    }
}

/// One test per program and byte order: `mipsle::alloc`, `mips::alloc`, ...
macro_rules! go_program_tests {
    ($($name:ident),* $(,)?) => {
        mod mipsle {
            $(#[test] fn $name() {
                let (args, env) = super::setup_for(stringify!($name));
                super::check(stringify!($name), false, args, env);
            })*
        }
        mod mips {
            $(#[test] fn $name() {
                let (args, env) = super::setup_for(stringify!($name));
                super::check(stringify!($name), true, args, env);
            })*
        }
    };
}

// `churn` allocates 1.2 GiB of short-lived garbage: it needs every collection cycle to finish
// (see the README on Go's GC CPU limiter).
go_program_tests!(
    alloc, gc, maps, goroutines, timers, recover, bigmath, sha256hex, fmtverbs, jsonenc, strsort, argsenv, flags,
    exitcode, panic, compute, churn,
);

/// A nil pointer dereference is a fault on Linux, which Go turns into a recoverable panic. The VM
/// delivers no signals: it stops the program with an error that names the access, never letting
/// it read or write the null page.
#[test]
fn nil_dereference_stops_the_vm_with_a_clear_error() {
    for big_endian in [false, true] {
        let elf = program_elf("nilderef", goarch(big_endian)).expect("build nilderef");
        let vm = zkmips_timed(&elf, big_endian, &[], &[], time_limit(120)).expect("run zkmips");
        let err = vm.result.stderr_str();
        assert_eq!(vm.result.code, Some(70), "VM error exit code; stderr:\n{err}");
        assert!(err.contains("null pointer access at 0x0000"), "stderr:\n{err}");
        assert!(err.contains("  in main."), "the error names the Go function: {err}");
    }
}

/// Runs a program under qemu-mipsel alone and checks what it is meant to do.
fn check_qemu_only(name: &str, code: i32, stdout_has: &str, stderr_has: &str) {
    let (args, env) = setup_for(name);
    let elf = program_elf(name, "mipsle").unwrap_or_else(|e| panic!("building {name}: {e:#}"));
    let run = qemu_timed(&elf, false, args, env, Duration::from_secs(120)).expect("run qemu");
    let (out, err) = (run.result.stdout_str(), run.result.stderr_str());
    assert_eq!(run.result.code, Some(code), "{name} under qemu: exit code\nstdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains(stdout_has), "{name} under qemu: stdout lacks {stdout_has:?}:\n{out}");
    assert!(err.contains(stderr_has), "{name} under qemu: stderr lacks {stderr_has:?}:\n{err}");
}

#[test]
fn programs_behave_as_intended_under_qemu() {
    check_qemu_only("exitcode", 3, "about to exit with code 3\n", "error: something went wrong\n");
    check_qemu_only("panic", 2, "deferred in process runs\n", "panic: failure 2: bad item\n\ngoroutine 1 [running]:");
    check_qemu_only("argsenv", 0, "arg[3] = \"\"\n", "to stderr: 8\n");
    check_qemu_only("argsenv", 0, "ZKMIPS_GREETING=\"hello from the host\"\n", "");
    check_qemu_only("recover", 0, "integer divide by zero: recovered (runtime error: true)", "");
    check_qemu_only("gc", 0, "finalized: [1 3 5 7 9]\n", "");
    check_qemu_only("churn", 0, "long-lived cells intact: 20000", "");
    check_qemu_only("timers", 0, "AfterFunc order: [1 15 30]\n", "");
    check_qemu_only("flags", 0, "program: flags\nn: 5 name: zk v: true", "");
    check_qemu_only(
        "nilderef",
        0,
        "write field: runtime error: invalid memory address or nil pointer dereference\n",
        "",
    );
}

/// The full-size compute program, for timing: `cargo test --release -p zkmips-e2e --test
/// go_programs -- --ignored --nocapture compute_benchmark`.
#[test]
#[ignore = "benchmark: about a billion instructions"]
fn compute_benchmark() {
    check("compute", false, &[], &[]);
}
