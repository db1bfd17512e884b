//! The convention of the open_mips_tests (from Cannon/OpenMIPS): a flat image loaded at address 0,
//! `pc = 0`, `$ra = 0xa7ef00d0`; run at most 1000 steps until `pc == 0xa7ef00d0`; the test passes
//! iff `word[0xbffffff4] == 1` and `word[0xbffffff8] == 1`. A test that exits instead
//! (`exit_group.bin`) passes iff its exit code is 1.

use crate::error::VmError;
use crate::loader::Program;
use crate::machine::Machine;
use crate::trace::NoTrace;
use crate::State;

/// Return address that marks the end of a test.
pub const END_PC: u32 = 0xA7EF_00D0;
/// Step budget of one test.
pub const MAX_STEPS: u64 = 1000;
const RESULT_DONE: u32 = 0xBFFF_FFF4;
const RESULT_OK: u32 = 0xBFFF_FFF8;

/// The verdict on one test program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail(String),
}

/// Runs one flat test image and judges it.
pub fn run_test(image: &[u8], big_endian: bool) -> Result<Outcome, VmError> {
    let program = Program::from_raw(image, big_endian)?;
    let mut state = State::new(&program, &[], &[], Vec::new())?;
    state.regs[zkmips_isa::reg::RA] = END_PC;
    let mut machine = Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let mut steps = 0;
    while machine.state.pc != END_PC {
        if let Some(code) = machine.state.exit_code {
            return Ok(if code == 1 {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("exited with code {code}, expected 1"))
            });
        }
        if steps == MAX_STEPS {
            return Ok(Outcome::Fail(format!("did not finish in {MAX_STEPS} steps")));
        }
        if let Err(e) = machine.step(&mut NoTrace) {
            return Ok(Outcome::Fail(e.to_string()));
        }
        steps += 1;
    }
    let done = machine.state.memory.read_word(RESULT_DONE);
    let ok = machine.state.memory.read_word(RESULT_OK);
    Ok(if done == 1 && ok == 1 {
        Outcome::Pass
    } else {
        Outcome::Fail(format!("result words are done={done:#x} ok={ok:#x}, expected 1 and 1"))
    })
}
