//! The Go standard library's own tests in the VM: `go test -c` binaries (GOARCH=mipsle, soft-float)
//! for a set of packages, each run under qemu-mipsel and under
//! `zkmips run ELF -- -test.short -test.v -test.run <pattern>`. Both must print a final `PASS`,
//! exit 0, and pass (or skip) the same tests.
//!
//! The pattern lists every test, example (their output is captured through `os.Pipe`, which the
//! VM's pipes carry) and fuzz target (seed corpus) of the package except:
//! - tests that need what the VM does not provide, named below with the reason: files (`open`
//!   fails with ENOENT; `os.Stat` is stat64, 4213), sockets (4183), page protection (mprotect,
//!   4125). (Some skips were written before the VM had threads, timers and pipes; the reasons next to
//!   them say which.)
//! - tests that take more than about a second under qemu, which is well over a billion instructions:
//!   tens of seconds in the interpreter (about 100-200 million instructions per second). The rest of
//!   the package still runs.
//!
//! Each run prints its time under both hosts and the VM's cycle count (`-- --nocapture`).

use std::collections::BTreeSet;
use std::time::Duration;

use zkmips_e2e::go::{qemu_timed, shown, std_test_elf, test_pattern_without, time_limit, zkmips_timed, TimedRun};

/// Names of the top-level tests that passed, and of those skipped, in `-test.v` output. Subtests are
/// left out: some are named after addresses (`TestAsValidation/*string(0x488218)`).
fn outcomes(run: &TimedRun) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut passed = BTreeSet::new();
    let mut skipped = BTreeSet::new();
    for line in run.result.stdout_str().lines() {
        let line = line.trim_start();
        let (set, rest) = if let Some(rest) = line.strip_prefix("--- PASS: ") {
            (&mut passed, rest)
        } else if let Some(rest) = line.strip_prefix("--- SKIP: ") {
            (&mut skipped, rest)
        } else {
            continue;
        };
        let name = rest.split(" (").next().unwrap_or(rest);
        if !name.contains('/') {
            set.insert(name.to_string());
        }
    }
    (passed, skipped)
}

fn last_line(run: &TimedRun) -> String {
    run.result.stdout_str().lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").to_string()
}

/// What went wrong with one run, if anything.
fn verdict(host: &str, run: &TimedRun) -> Option<String> {
    let out = run.result.stdout_str();
    if run.timed_out {
        Some(format!("{host} was killed after {:?}", run.elapsed))
    } else if run.result.code != Some(0) || last_line(run) != "PASS" || out.contains("--- FAIL") {
        Some(format!("{host}: exit {:?}, last line {:?}", run.result.code, last_line(run)))
    } else {
        None
    }
}

/// Builds the tests of `package`, runs them under both hosts without `skip`, and compares.
fn check_std(package: &str, skip: &[&str]) {
    let elf = std_test_elf(package, "mipsle").unwrap_or_else(|e| panic!("{e:#}"));
    let pattern = test_pattern_without(&elf, skip, Duration::from_secs(60)).expect("list tests");
    let args = ["-test.short", "-test.v", "-test.count=1", "-test.run", &pattern];
    let qemu = qemu_timed(&elf, false, &args, &[], Duration::from_secs(300)).expect("run qemu");
    let vm = zkmips_timed(&elf, false, &args, &[], time_limit(900)).expect("run zkmips");
    let (qpass, qskip) = outcomes(&qemu);
    let (vpass, vskip) = outcomes(&vm);
    let cycles = zkmips_e2e::summary_field(&vm.summary(), "cycles").unwrap_or("?").to_string();
    eprintln!(
        "{package}: qemu {:.2?}, zkmips {:.2?} ({cycles} cycles); {} passed, {} skipped under zkmips",
        qemu.elapsed,
        vm.elapsed,
        vpass.len(),
        vskip.len()
    );

    let mut problems: Vec<String> = [verdict("qemu", &qemu), verdict("zkmips", &vm)].into_iter().flatten().collect();
    let only_qemu: Vec<_> = qpass.difference(&vpass).collect();
    let only_vm: Vec<_> = vpass.difference(&qpass).collect();
    if !only_qemu.is_empty() || !only_vm.is_empty() {
        problems.push(format!("passed only under qemu: {only_qemu:?}; passed only under zkmips: {only_vm:?}"));
    }
    if qskip != vskip {
        problems.push(format!("skipped: qemu {qskip:?}, zkmips {vskip:?}"));
    }
    if !problems.is_empty() {
        panic!(
            "go test {package}:\n- {}\n\n===== qemu stdout =====\n{}\n===== qemu stderr =====\n{}\n\
             ===== zkmips stdout =====\n{}\n===== zkmips stderr =====\n{}",
            problems.join("\n- "),
            shown(&qemu.result.stdout, 4000),
            shown(&qemu.result.stderr, 4000),
            shown(&vm.result.stdout, 8000),
            shown(&vm.result.stderr, 8000),
        );
    }
}

#[test]
fn strconv() {
    // TestFp reads testdata/testfp.txt. TestIsGraphic and TestIsPrint check every code point
    // (1.7 billion instructions each).
    check_std("strconv", &["TestFp", "TestIsGraphic", "TestIsPrint"]);
}

#[test]
fn sort() {
    check_std("sort", &[]);
}

#[test]
fn bytes() {
    // These put guard pages around a buffer with mmap and mprotect.
    check_std("bytes", &["TestEqualNearPageBoundary", "TestIndexByteNearPageBoundary", "TestIndexNearPageBoundary"]);
}

#[test]
fn strings() {
    check_std("strings", &[]);
}

#[test]
fn math_big() {
    // Slow: TestNatDiv (23 billion instructions), TestIssue45910 (13 billion), TestProbablyPrime
    // (3.6 billion), TestSqr (1.7 billion), TestExp (1.2 billion). About 200 tests remain.
    check_std("math/big", &["TestNatDiv", "TestIssue45910", "TestProbablyPrime", "TestSqr", "TestExp"]);
}

#[test]
fn math_rand() {
    // Slow: TestReadUniformity (5.7 billion instructions).
    check_std("math/rand", &["TestReadUniformity"]);
}

#[test]
fn encoding_json() {
    // TestHTTPDecoding starts an HTTP server (sockets); the fuzz targets read their seed corpora
    // from testdata/fuzz.
    check_std("encoding/json", &["TestHTTPDecoding", "FuzzUnmarshalJSON", "FuzzDecoderToken"]);
}

#[test]
fn container_list() {
    check_std("container/list", &[]);
}

#[test]
fn container_heap() {
    check_std("container/heap", &[]);
}

#[test]
fn container_ring() {
    check_std("container/ring", &[]);
}

#[test]
fn unicode_utf8() {
    check_std("unicode/utf8", &[]);
}

#[test]
fn unicode_utf16() {
    check_std("unicode/utf16", &[]);
}

#[test]
fn unicode() {
    check_std("unicode", &[]);
}

#[test]
fn encoding_hex() {
    check_std("encoding/hex", &[]);
}

#[test]
fn encoding_base64() {
    // TestDecoderIssue3577 guards a read with time.After (a timer).
    check_std("encoding/base64", &["TestDecoderIssue3577"]);
}

#[test]
fn encoding_binary() {
    check_std("encoding/binary", &[]);
}

#[test]
fn encoding_csv() {
    check_std("encoding/csv", &[]);
}

#[test]
fn hash_crc32() {
    check_std("hash/crc32", &[]);
}

#[test]
fn hash_fnv() {
    check_std("hash/fnv", &[]);
}

// In the crypto packages, TestBlockGeneric fills its input with crypto/rand, which arms a timer.

#[test]
fn crypto_sha256() {
    check_std("crypto/sha256", &["TestBlockGeneric"]);
}

#[test]
fn crypto_sha512() {
    check_std("crypto/sha512", &["TestBlockGeneric"]);
}

#[test]
fn crypto_md5() {
    check_std("crypto/md5", &["TestBlockGeneric"]);
}

#[test]
fn math() {
    check_std("math", &[]);
}

#[test]
fn math_bits() {
    check_std("math/bits", &[]);
}

#[test]
fn bufio() {
    // TestZeroReader guards a read with time.After (a timer).
    check_std("bufio", &["TestZeroReader"]);
}

#[test]
fn text_tabwriter() {
    check_std("text/tabwriter", &[]);
}

#[test]
fn path() {
    check_std("path", &[]);
}

#[test]
fn html() {
    check_std("html", &[]);
}

#[test]
fn fmt() {
    check_std("fmt", &[]);
}

#[test]
fn errors() {
    // TestAs opens a file that does not exist, to get an *fs.PathError.
    check_std("errors", &["TestAs"]);
}

#[test]
fn regexp() {
    // TestRE2Search reads testdata/re2-search.txt; TestFowler globs testdata/*.dat (stat64).
    check_std("regexp", &["TestRE2Search", "TestFowler"]);
}

#[test]
fn hash_adler32() {
    check_std("hash/adler32", &[]);
}

#[test]
fn crypto_sha1() {
    check_std("crypto/sha1", &["TestBlockGeneric"]);
}

#[test]
fn crypto_hmac() {
    check_std("crypto/hmac", &[]);
}

#[test]
fn crypto_elliptic() {
    // TestMarshal and TestInvalidCoordinates make keys with crypto/rand (a timer).
    check_std("crypto/elliptic", &["TestMarshal", "TestInvalidCoordinates"]);
}

#[test]
fn math_cmplx() {
    check_std("math/cmplx", &[]);
}

#[test]
fn encoding_gob() {
    check_std("encoding/gob", &[]);
}

#[test]
fn io() {
    // Runs everything: runtime.GC (TestMultiReaderFreesExhaustedReaders) and the timers of the
    // pipe tests work now that the VM has threads and a poller.
    check_std("io", &[]);
}
