//! Helpers for the differential Go tests (`tests/go_programs.rs`, `tests/go_std.rs`): building the
//! programs under `tests/go/` once per test binary, running a guest under qemu or `zkmips run` with a
//! time limit and a stopwatch, and comparing two runs with a readable report.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::{build_go_program, build_go_std_test, repo_root, require_tool, split_summary, zkmips_bin, RunResult};

/// The folder of the Go program `name` (`tests/go/<name>`).
pub fn program_dir(name: &str) -> PathBuf {
    repo_root().join("tests").join("go").join(name)
}

/// `GOARCH` for a byte order: `mips` for big-endian, `mipsle` otherwise.
pub fn goarch(big_endian: bool) -> &'static str {
    if big_endian {
        "mips"
    } else {
        "mipsle"
    }
}

type BuildCache = Mutex<HashMap<String, Arc<OnceLock<Result<PathBuf, String>>>>>;

/// Builds each (what, goarch) at most once per test binary, so tests that share a build (or run in
/// parallel and ask for the same one) do not rebuild it. Failures are cached too, as text.
fn cached_build(key: String, build: impl FnOnce() -> Result<PathBuf>) -> Result<PathBuf> {
    static CACHE: OnceLock<BuildCache> = OnceLock::new();
    let cell = {
        let mut map = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key).or_default().clone()
    };
    cell.get_or_init(|| build().map_err(|e| format!("{e:#}"))).clone().map_err(anyhow::Error::msg)
}

/// The ELF of `tests/go/<name>` for `goarch`, built once per test binary.
pub fn program_elf(name: &str, goarch: &str) -> Result<PathBuf> {
    cached_build(format!("prog {name} {goarch}"), || build_go_program(&program_dir(name), goarch))
}

/// The `go test -c` binary of a standard-library package for `goarch`, built once per test binary.
pub fn std_test_elf(package: &str, goarch: &str) -> Result<PathBuf> {
    cached_build(format!("std {package} {goarch}"), || build_go_std_test(package, goarch))
}

/// A finished (or killed) run: what it printed, how it ended, how long it took.
#[derive(Debug, Clone)]
pub struct TimedRun {
    /// Exit code, stdout, and stderr exactly as the process wrote them (for `zkmips`, including the
    /// VM's summary; see [`TimedRun::guest_stderr`]).
    pub result: RunResult,
    pub elapsed: Duration,
    /// The process was killed at the time limit.
    pub timed_out: bool,
}

impl TimedRun {
    /// The guest's own stderr: everything before the VM's summary (all of it for qemu).
    pub fn guest_stderr(&self) -> Vec<u8> {
        split_summary(&self.result.stderr).0
    }

    /// The VM's summary (empty for qemu).
    pub fn summary(&self) -> String {
        split_summary(&self.result.stderr).1
    }
}

/// Runs `cmd` with stdin closed and kills it when `limit` passes. Output is read on two threads so
/// a chatty guest cannot block on a full pipe.
pub fn run_with_limit(cmd: &mut Command, limit: Duration) -> Result<TimedRun> {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("failed to start {cmd:?}"))?;
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let err = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() >= limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let stdout = out.join().expect("stdout reader");
    let stderr = err.join().expect("stderr reader");
    Ok(TimedRun { result: RunResult { code: status.code(), stdout, stderr }, elapsed, timed_out })
}

/// The time limit for one guest run: `$ZKMIPS_E2E_GO_TIMEOUT` seconds, else `default_secs`.
pub fn time_limit(default_secs: u64) -> Duration {
    let secs = std::env::var("ZKMIPS_E2E_GO_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(default_secs);
    Duration::from_secs(secs)
}

/// Environment variables for a guest, as (name, value).
pub type Env<'a> = &'a [(&'a str, &'a str)];

/// Runs an ELF under qemu-mipsel / qemu-mips with only `env` as its environment (the VM gives none
/// by default).
pub fn qemu_timed(elf: &Path, big_endian: bool, args: &[&str], env: Env, limit: Duration) -> Result<TimedRun> {
    let qemu = require_tool(if big_endian { "qemu-mips" } else { "qemu-mipsel" });
    run_with_limit(Command::new(qemu).env_clear().envs(env.iter().copied()).arg(elf).args(args), limit)
}

/// Runs an ELF under `zkmips run [--big-endian] [--env NAME=VALUE]... ELF [-- args]`.
pub fn zkmips_timed(elf: &Path, big_endian: bool, args: &[&str], env: Env, limit: Duration) -> Result<TimedRun> {
    let mut cmd = Command::new(zkmips_bin());
    cmd.arg("run");
    if big_endian {
        cmd.arg("--big-endian");
    }
    for (name, value) in env {
        cmd.arg("--env").arg(format!("{name}={value}"));
    }
    cmd.arg(elf);
    if !args.is_empty() {
        cmd.arg("--").args(args);
    }
    run_with_limit(&mut cmd, limit)
}

/// Stderr up to (not including) the first line that starts with `goroutine `: a Go traceback holds
/// addresses and frame offsets, which are not comparable between hosts; the panic message before it is.
pub fn before_traceback(stderr: &[u8]) -> &[u8] {
    let mut at = 0;
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"goroutine ") {
            return &stderr[..at];
        }
        at += line.len();
    }
    stderr
}

/// Shows at most `max` bytes of output, lossily decoded, with a note when cut.
pub fn shown(bytes: &[u8], max: usize) -> String {
    if bytes.len() <= max {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    // Keep the start and the end: a failure is usually at the end.
    let head = &bytes[..max / 2];
    let tail = &bytes[bytes.len() - max / 2..];
    format!(
        "{}\n[... {} bytes left out ...]\n{}",
        String::from_utf8_lossy(head),
        bytes.len() - head.len() - tail.len(),
        String::from_utf8_lossy(tail)
    )
}

/// Where two outputs first differ, by line: `None` when equal.
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<String> {
    if a == b {
        return None;
    }
    let la: Vec<&[u8]> = a.split_inclusive(|&c| c == b'\n').collect();
    let lb: Vec<&[u8]> = b.split_inclusive(|&c| c == b'\n').collect();
    let n = la.iter().zip(&lb).take_while(|(x, y)| x == y).count();
    let line = |v: &Vec<&[u8]>| {
        v.get(n).map_or("<end of output>".to_string(), |l| format!("{:?}", String::from_utf8_lossy(l)))
    };
    Some(format!("first difference at line {}:\n  qemu:   {}\n  zkmips: {}", n + 1, line(&la), line(&lb)))
}

/// Compares a qemu run with a zkmips run of the same program: same exit code, byte-identical stdout,
/// same guest stderr up to any traceback. Returns a report of everything that differs (with both
/// outputs), or `None` when they agree.
pub fn compare_runs(what: &str, qemu: &TimedRun, vm: &TimedRun) -> Option<String> {
    let mut problems = Vec::new();
    if qemu.timed_out {
        problems.push(format!("qemu was killed after {:?}", qemu.elapsed));
    }
    if vm.timed_out {
        problems.push(format!("zkmips was killed after {:?}", vm.elapsed));
    }
    if qemu.result.code != vm.result.code {
        problems.push(format!("exit code: qemu {:?}, zkmips {:?}", qemu.result.code, vm.result.code));
    }
    if let Some(d) = first_difference(&qemu.result.stdout, &vm.result.stdout) {
        problems.push(format!("stdout differs; {d}"));
    }
    let qerr = qemu.guest_stderr();
    let verr = vm.guest_stderr();
    if let Some(d) = first_difference(before_traceback(&qerr), before_traceback(&verr)) {
        problems.push(format!("guest stderr (before any traceback) differs; {d}"));
    }
    if problems.is_empty() {
        return None;
    }
    const MAX: usize = 6000;
    Some(format!(
        "{what}: zkmips disagrees with qemu\n- {}\n\n===== qemu stdout =====\n{}\n===== zkmips stdout =====\n{}\n\
         ===== qemu stderr =====\n{}\n===== zkmips stderr (guest, then the VM's summary) =====\n{}",
        problems.join("\n- "),
        shown(&qemu.result.stdout, MAX),
        shown(&vm.result.stdout, MAX),
        shown(&qerr, MAX),
        shown(&vm.result.stderr, MAX),
    ))
}

/// A `-test.run` pattern that selects the tests and fuzz targets (their seed corpora) of a `go test
/// -c` binary (tests, examples, fuzz targets), except `skip`. The names come
/// from running the binary with `-test.list .` under qemu; Go 1.19 has no `-test.skip`.
pub fn test_pattern_without(elf: &Path, skip: &[&str], limit: Duration) -> Result<String> {
    let listed = qemu_timed(elf, false, &["-test.list", "."], &[], limit)?;
    anyhow::ensure!(
        listed.result.code == Some(0) && !listed.timed_out,
        "listing the tests of {} failed: {}",
        elf.display(),
        listed.result.stderr_str()
    );
    let all = listed.result.stdout_str();
    let all: Vec<&str> =
        all.lines().map(str::trim).filter(|n| ["Test", "Fuzz", "Example"].iter().any(|p| n.starts_with(p))).collect();
    for s in skip {
        anyhow::ensure!(all.contains(s), "{} has no test {s} to skip", elf.display());
    }
    let kept: Vec<&str> = all.into_iter().filter(|n| !skip.contains(n)).collect();
    Ok(format!("^({})$", kept.join("|")))
}
