//! Support for the end-to-end tests in `tests/tests/`: finding the `zkmips` binary, the shared test
//! data, host tools (qemu-mipsel, Go), and building guest programs.
//!
//! Tools that `scripts/setup` installs are required: a test that needs a missing tool fails and says
//! to run `scripts/setup`. The shared test data is optional: tests that read it skip, with a printed
//! reason, when it is absent (a user's clone does not have it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

use anyhow::{bail, Context, Result};

pub mod anvil;

pub mod go;

pub mod rust_guest;

pub mod solc;

/// The repository root (the workspace folder).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// The cargo target folder of this build.
pub fn target_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        return if dir.is_absolute() { dir } else { repo_root().join(dir) };
    }
    repo_root().join("target")
}

/// A scratch folder under the target folder for build outputs of the tests (Go binaries, guests).
pub fn scratch_dir(what: &str) -> PathBuf {
    let dir = target_dir().join("e2e").join(what);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// The `zkmips` binary of this build, built in release mode the first time it is asked for.
pub fn zkmips_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .current_dir(repo_root())
            .args(["build", "--release", "--quiet", "-p", "zkmips", "--bin", "zkmips"])
            .status()
            .expect("run cargo build for zkmips");
        assert!(status.success(), "cargo build -p zkmips failed");
        let bin = target_dir().join("release").join("zkmips");
        assert!(bin.exists(), "{} missing after build", bin.display());
        bin
    })
    .clone()
}

/// The shared test data folder: `$ZKMIPS_TESTDATA`, else `../shared/testdata` beside the checkout.
/// `None` (after printing why) when it is absent, so the caller can skip.
pub fn testdata_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("ZKMIPS_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("..").join("shared").join("testdata"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP {test}: test data not found at {} (set ZKMIPS_TESTDATA)", dir.display());
        None
    }
}

/// Panics with a clear message when a host tool that `scripts/setup` installs is missing.
pub fn require_tool(name: &str) -> PathBuf {
    which(name).unwrap_or_else(|| panic!("`{name}` not found on PATH: run scripts/setup first"))
}

/// Looks a program up on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Runs a command and returns its output, with a context naming the command on failure to start.
pub fn run(cmd: &mut Command) -> Result<Output> {
    cmd.output().with_context(|| format!("failed to start {cmd:?}"))
}

/// The `go` toolchain, from Debian's `golang-go` (Go 1.19) or any Go on PATH.
pub fn go_bin() -> PathBuf {
    require_tool("go")
}

fn go_command(goarch: &str) -> Command {
    let mut cmd = Command::new(go_bin());
    let cache = target_dir().join("e2e").join("go-cache");
    cmd.env("GOOS", "linux")
        .env("GOARCH", goarch)
        .env("GOMIPS", "softfloat")
        .env("CGO_ENABLED", "0")
        .env("GOCACHE", &cache)
        .env("GOPATH", target_dir().join("e2e").join("gopath"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GO111MODULE", "off")
        .env("GOTOOLCHAIN", "local");
    cmd
}

// Go's build cache tolerates concurrent builds, but builds of one output file must not race.
static GO_LOCK: Mutex<()> = Mutex::new(());

/// Builds a Go program (a folder with `package main`) for `goarch` (`mipsle` or `mips`), soft-float.
pub fn build_go_program(src_dir: &Path, goarch: &str) -> Result<PathBuf> {
    let _guard = GO_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let name = src_dir.file_name().context("program folder has no name")?.to_string_lossy();
    let out = scratch_dir("go").join(format!("{name}-{goarch}"));
    let output = run(go_command(goarch).current_dir(src_dir).args(["build", "-trimpath", "-o"]).arg(&out).arg("."))?;
    if !output.status.success() {
        bail!("go build {} failed:\n{}", src_dir.display(), String::from_utf8_lossy(&output.stderr));
    }
    Ok(out)
}

/// Builds the test binary of a Go standard-library package (`go test -c`) for `goarch`.
pub fn build_go_std_test(package: &str, goarch: &str) -> Result<PathBuf> {
    let _guard = GO_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let out = scratch_dir("go-std").join(format!("{}-{goarch}.test", package.replace('/', "_")));
    let output = run(go_command(goarch).args(["test", "-c", "-trimpath", "-o"]).arg(&out).arg(package))?;
    if !output.status.success() {
        bail!("go test -c {package} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(out)
}

/// The result of running a program: exit code, stdout and stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunResult {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl From<Output> for RunResult {
    fn from(o: Output) -> Self {
        RunResult { code: o.status.code(), stdout: o.stdout, stderr: o.stderr }
    }
}

impl RunResult {
    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    pub fn stderr_str(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Runs an ELF under qemu-mipsel (or qemu-mips when `big_endian`) with the given arguments.
pub fn run_qemu(elf: &Path, big_endian: bool, args: &[&str]) -> Result<RunResult> {
    let qemu = require_tool(if big_endian { "qemu-mips" } else { "qemu-mipsel" });
    // An empty environment, as the VM gives by default.
    let out = run(Command::new(qemu).env_clear().arg(elf).args(args))?;
    Ok(out.into())
}

/// Runs an ELF under `zkmips run` with the given inputs and guest arguments.
pub fn run_zkmips(elf: &Path, big_endian: bool, inputs: &[&Path], args: &[&str]) -> Result<RunResult> {
    let mut cmd = Command::new(zkmips_bin());
    cmd.arg("run");
    if big_endian {
        cmd.arg("--big-endian");
    }
    cmd.arg(elf);
    for input in inputs {
        cmd.arg("--input").arg(input);
    }
    if !args.is_empty() {
        cmd.arg("--").args(args);
    }
    Ok(run(&mut cmd)?.into())
}

/// The line that starts the VM's end-of-run summary on stderr.
pub const SUMMARY_MARKER: &str = "--- zkmips summary ---";

/// Splits `zkmips run`'s stderr into the guest's own stderr and the VM's summary (after the marker).
pub fn split_summary(stderr: &[u8]) -> (Vec<u8>, String) {
    let marker = SUMMARY_MARKER.as_bytes();
    match stderr.windows(marker.len()).rposition(|w| w == marker) {
        Some(at) => {
            let guest = stderr[..at].to_vec();
            (guest, String::from_utf8_lossy(&stderr[at..]).into_owned())
        }
        None => (stderr.to_vec(), String::new()),
    }
}

/// A field of the summary (`cycles`, `exit code`, `public values`, `digest`), if present.
pub fn summary_field<'a>(summary: &'a str, name: &str) -> Option<&'a str> {
    summary.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(": ")).map(str::trim)
}

/// A minimal little-endian ELF32 MIPS executable whose code is `words`, loaded at 0x400000.
pub fn minimal_elf(words: &[u32]) -> Vec<u8> {
    let code: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let mut e = vec![0u8; 84];
    e[..4].copy_from_slice(b"\x7fELF");
    (e[4], e[5], e[6]) = (1, 1, 1);
    e[16..18].copy_from_slice(&2u16.to_le_bytes());
    e[18..20].copy_from_slice(&8u16.to_le_bytes());
    e[20..24].copy_from_slice(&1u32.to_le_bytes());
    e[24..28].copy_from_slice(&0x400054u32.to_le_bytes());
    e[28..32].copy_from_slice(&52u32.to_le_bytes());
    e[40..42].copy_from_slice(&52u16.to_le_bytes());
    e[42..44].copy_from_slice(&32u16.to_le_bytes());
    e[44..46].copy_from_slice(&1u16.to_le_bytes());
    let ph = |e: &mut Vec<u8>, at: usize, v: u32| e[52 + at..56 + at].copy_from_slice(&v.to_le_bytes());
    ph(&mut e, 0, 1);
    ph(&mut e, 8, 0x400000);
    ph(&mut e, 16, (84 + code.len()) as u32);
    ph(&mut e, 20, (84 + code.len()) as u32);
    ph(&mut e, 24, 5);
    e.extend(code);
    e
}
