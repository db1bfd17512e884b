//! `zkmips mips-test` on the open_mips_tests of `../shared/testdata` (big-endian flat images).
//! The four `oracle*` tests need Cannon's preimage oracle (fds 5/6) and are skipped.

use std::process::Command;

use zkmips_e2e::{testdata_dir, zkmips_bin};

#[test]
fn open_mips_tests_pass() {
    let Some(data) = testdata_dir("open_mips_tests_pass") else { return };
    let dir = data.join("mips").join("open_mips_tests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read open_mips_tests")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with("oracle"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 61, "65 tests minus the four oracle tests");
    let out = Command::new(zkmips_bin()).arg("mips-test").arg("--big-endian").args(&files).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "mips-test failed:\n{stdout}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("PASS ")).count(), 61, "{stdout}");
    assert_eq!(stdout.lines().last(), Some("61 passed, 0 failed"));
}

#[test]
fn a_wrong_result_fails_and_the_summary_counts_it() {
    let Some(data) = testdata_dir("a_wrong_result_fails") else { return };
    let dir = data.join("mips").join("open_mips_tests");
    // The same tests loaded little-endian decode to other instructions: they must not pass.
    let out = Command::new(zkmips_bin())
        .arg("mips-test")
        .arg(dir.join("add.bin"))
        .arg(dir.join("exit_group.bin"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("FAIL ") && l.contains("add.bin")), "{stdout}");
    assert!(stdout.trim_end().ends_with("failed") && !stdout.contains(" 0 failed"), "{stdout}");
}
