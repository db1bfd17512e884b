//! Proving a Rust guest that uses the secp256k1 calls (`tests/guests/secp256k1-test`: doublings,
//! additions and a decompression) across segments (of 2^11 cycles: the run is about 3,000); the
//! verified exit code and digest are those of a plain VM run.

use std::path::Path;

use zkmips_e2e::rust_guest::build_rust_guest;
use zkmips_prover::{program_id, prove_program, verify_proof};
use zkmips_vm::{Machine, Program, State};

fn guest() -> Program {
    let elf = build_rust_guest(Path::new("tests/guests/secp256k1-test")).expect("build secp256k1-test");
    Program::from_elf(&std::fs::read(elf).unwrap(), false).unwrap()
}

#[test]
fn a_guest_using_the_secp256k1_calls_proves_and_verifies() {
    let program = guest();
    let input = vec![16u32.to_le_bytes().to_vec()];
    let state = State::new(&program, &[], &[], input.clone()).unwrap();
    let mut m = Machine::from_state(state).with_output(Box::new(std::io::sink()), Box::new(std::io::sink()));
    let code = m.run_to_exit(&mut zkmips_vm::NoTrace, 1 << 24).unwrap();
    assert_eq!(code, 0);
    // p (16 words) and the decompressed y (8 words), bincode: the slice with its length.
    assert_eq!(m.state.public_values.len(), 64 + 8 + 32);

    let proof = prove_program(&program, input, 1 << 11, 1 << 24, &mut ()).expect("prove");
    assert!(proof.segments.len() >= 2, "{} segments", proof.segments.len());
    let verified = verify_proof(&proof, program_id(&program).unwrap()).expect("valid proof");
    assert_eq!((verified.exit_code, verified.digest), (code, m.state.digest));
}
