//! Checkpoints of real programs: a Go program (several threads once its garbage collector runs)
//! stopped every N cycles, its state written to bytes and read back, and resumed, reaches the
//! same final state and output as a straight run; tracing mode reaches it too.

use std::path::Path;
use std::sync::{Arc, Mutex};

use zkmips_e2e::go::program_elf;
use zkmips_vm::{Machine, NoTrace, Program, Recorder, State, Status};

/// A sink the test can read back.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn start(elf: &Path, out: &Shared) -> Machine {
    let bytes = std::fs::read(elf).unwrap();
    let program = Program::from_elf(&bytes, false).unwrap();
    let args = vec![elf.display().to_string()];
    Machine::new(&program, &args, &[], vec![]).unwrap().with_output(Box::new(out.clone()), Box::new(out.clone()))
}

#[test]
fn go_program_resumes_from_checkpoints_to_the_same_end() {
    let elf = program_elf("gc", "mipsle").expect("build gc");
    let straight_out = Shared::default();
    let mut straight = start(&elf, &straight_out);
    assert_eq!(straight.run_to_exit(&mut NoTrace, 2_000_000_000).unwrap(), 0);
    let threads = straight.state.next_tid - 1;
    assert!(threads > 1, "the GC should have started threads, saw {threads}");

    let out = Shared::default();
    let mut m = start(&elf, &out);
    let every = 9_999_991; // not a round number: stops land mid-way through anything
    let mut checkpoints = 0;
    loop {
        let until = m.state.clk + every;
        match m.run(&mut NoTrace, until).unwrap() {
            Status::Exited(code) => {
                assert_eq!(code, 0);
                break;
            }
            Status::Paused => {
                let bytes = m.state.to_bytes();
                let state = State::from_bytes(&bytes).unwrap();
                m = Machine::from_state(state).with_output(Box::new(out.clone()), Box::new(out.clone()));
                checkpoints += 1;
            }
        }
    }
    assert!(checkpoints >= 5, "only {checkpoints} checkpoints");
    assert_eq!(m.state, straight.state, "final state after {checkpoints} checkpoints");
    assert_eq!(*out.0.lock().unwrap(), *straight_out.0.lock().unwrap());
    assert!(!straight_out.0.lock().unwrap().is_empty());
}

#[test]
fn tracing_mode_reaches_the_same_state_as_execute_mode() {
    let elf = program_elf("goroutines", "mipsle").expect("build goroutines");
    let (a, b) = (Shared::default(), Shared::default());
    let mut fast = start(&elf, &a);
    fast.run_to_exit(&mut NoTrace, 1_000_000_000).unwrap();
    let mut traced = start(&elf, &b);
    let mut rec = Recorder::default();
    traced.run_to_exit(&mut rec, 1_000_000_000).unwrap();
    assert_eq!(traced.state, fast.state);
    assert_eq!(*a.0.lock().unwrap(), *b.0.lock().unwrap());
    assert_eq!(rec.steps.len() as u64, traced.state.clk);
    // The events chain: every step's next pc is where the next step runs.
    for w in rec.steps.windows(2) {
        assert_eq!(w[0].next_pc, w[1].pc, "at clk {}", w[0].clk);
    }
}

#[test]
fn cli_checkpoints_resume_to_the_same_result() {
    use std::process::Command;
    let elf = program_elf("gc", "mipsle").expect("build gc");
    let dir = tempfile::tempdir().unwrap();
    let bin = zkmips_e2e::zkmips_bin();
    let full = Command::new(&bin).arg("run").arg(&elf).output().unwrap();
    let ck = Command::new(&bin)
        .arg("run")
        .arg(&elf)
        .args(["--checkpoint-every", "25000000", "--checkpoint-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(0));
    assert_eq!(ck.stdout, full.stdout, "checkpointing does not change the run");
    let mut files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    assert!(files.len() >= 3, "{files:?}");
    assert!(files.iter().all(|p| p.extension().is_some_and(|e| e == "bin")), "no temporary files left: {files:?}");
    let last = files.last().unwrap();
    let resumed = Command::new(&bin).arg("resume").arg(last).output().unwrap();
    assert_eq!(resumed.status.code(), Some(0));
    assert!(full.stdout.ends_with(&resumed.stdout), "resumed output is the rest of the run");
    let field = |o: &std::process::Output, f: &str| {
        let (_, summary) = zkmips_e2e::split_summary(&o.stderr);
        zkmips_e2e::summary_field(&summary, f).map(str::to_string)
    };
    assert_eq!(field(&resumed, "cycles"), field(&full, "cycles"));
    assert_eq!(field(&resumed, "digest"), field(&full, "digest"));

    // Something else is not a checkpoint; a cut one is corrupt.
    let bad = Command::new(&bin).arg("resume").arg(&elf).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bad magic"));
    let cut = dir.path().join("cut.bin");
    let bytes = std::fs::read(last).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let bad = Command::new(&bin).arg("resume").arg(&cut).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("corrupt checkpoint"));
}
