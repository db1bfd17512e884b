//! The zkMIPS block program: reads a [`BlockInput`] (bincode, one input item), executes the block
//! statelessly with `zkmips-executor`, and commits the 136-byte [`PublicStatement`] (chain id,
//! parent hash, block hash, parent and post state roots). Any rejection writes the reason to fd 2
//! and halts with exit code 2 (a panic exits with 1).
//!
//! When asked to (a first input item of 4 bytes, the bincode `u32` 1, before the block input), it
//! also reports the instructions spent per phase on fd 2, one line each: `zkmips-phase <name>
//! <cycles>` (see `zkmips_executor::Phase`; `input` is reading and decoding the bincode input).
//! The instruction clock is the Linux `clock_gettime` call, which the prover does not prove, so a
//! run to be proven leaves the item out.

#![cfg_attr(target_arch = "mips", no_std, no_main)]

#[cfg(all(target_arch = "mips", feature = "secp256k1-precompile"))]
extern crate alloc;

#[cfg(all(target_arch = "mips", feature = "secp256k1-precompile"))]
use alloc::string::String;
#[cfg(all(target_arch = "mips", any(feature = "secp256k1-precompile", feature = "sha256-precompile")))]
use zkmips_executor::crypto::{self, Crypto, PrecompileHalt};
#[cfg(all(target_arch = "mips", feature = "secp256k1-precompile"))]
use zkmips_executor::crypto::{Address, B256, Coordinate, CurveOps, Point, Signature};
use zkmips_executor::{BlockInput, Phase, Platform, execute_block_with};

#[cfg(target_arch = "mips")]
zkmips_guest::entry!(block_program);

/// Built for the host (as part of the workspace), the program only says where it belongs.
#[cfg(not(target_arch = "mips"))]
fn main() {
    eprintln!("geth-mips is the zkMIPS block program: build it for MIPS (scripts/build-guest) and run it in the VM");
    std::process::exit(2);
}

/// alloy-primitives' `native-keccak` hook: every keccak256 in revm, the trie and the executor
/// goes through the VM's KECCAK_SPONGE call.
#[cfg(all(target_arch = "mips", feature = "keccak-precompile"))]
#[unsafe(no_mangle)]
extern "C" fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8) {
    // SAFETY: alloy passes a readable slice of `len` bytes and a writable 32-byte buffer.
    let (data, out) = unsafe { (core::slice::from_raw_parts(bytes, len), core::slice::from_raw_parts_mut(output, 32)) };
    out.copy_from_slice(&zkmips_guest::keccak256(data));
}

/// Exit code for a block the executor rejects.
const REJECTED: u32 = 2;

/// The VM as the executor's platform: sender recovery and ECRECOVER on the VM's SECP256K1 calls
/// (feature `secp256k1-precompile`, else k256 in software); phases are timed with the instruction
/// clock.
struct Vm {
    /// Report phases (see the crate doc).
    phases: bool,
    last: u64,
}

/// secp256k1's point operations as the VM's SECP256K1 calls.
#[cfg(all(target_arch = "mips", feature = "secp256k1-precompile"))]
#[derive(Clone, Copy, Debug, Default)]
struct VmCurve;

#[cfg(all(target_arch = "mips", feature = "secp256k1-precompile"))]
impl CurveOps for VmCurve {
    fn add(&self, p: &mut Point, q: &Point) {
        zkmips_guest::syscall::secp256k1_add(p, q);
    }

    fn double(&self, p: &mut Point) {
        zkmips_guest::syscall::secp256k1_double(p);
    }

    /// The call would stop the program when `x` is no point's coordinate, so that is checked
    /// first (in software, about 10 times cheaper than the square root).
    fn decompress(&self, x: &Coordinate, odd: bool) -> Option<Coordinate> {
        crypto::is_x_coordinate(x).then(|| zkmips_guest::syscall::secp256k1_decompress(x, odd))
    }
}

/// revm's cryptography provider on the VM's calls: ECRECOVER on the SECP256K1 calls (feature
/// `secp256k1-precompile`, else the executor's software one) and SHA256 on SHA_EXTEND and
/// SHA_COMPRESS (feature `sha256-precompile`, else revm's software one).
#[cfg(all(target_arch = "mips", any(feature = "secp256k1-precompile", feature = "sha256-precompile")))]
#[derive(Debug)]
struct VmPrecompiles;

#[cfg(all(target_arch = "mips", any(feature = "secp256k1-precompile", feature = "sha256-precompile")))]
impl Crypto for VmPrecompiles {
    fn secp256k1_ecrecover(&self, sig: &[u8; 64], recid: u8, msg: &[u8; 32]) -> Result<[u8; 32], PrecompileHalt> {
        #[cfg(feature = "secp256k1-precompile")]
        let provider = crypto::PrecompilesWith(VmCurve);
        #[cfg(not(feature = "secp256k1-precompile"))]
        let provider = crypto::Precompiles;
        provider.secp256k1_ecrecover(sig, recid, msg)
    }

    #[cfg(feature = "sha256-precompile")]
    fn sha256(&self, input: &[u8]) -> [u8; 32] {
        zkmips_guest::sha256(input)
    }
}

impl Platform for Vm {
    #[cfg(all(target_arch = "mips", feature = "secp256k1-precompile"))]
    fn recover_signer(&self, signature: &Signature, hash: B256) -> Result<Address, String> {
        crypto::recover_signer_with(&VmCurve, signature, hash)
    }

    #[cfg(all(target_arch = "mips", any(feature = "secp256k1-precompile", feature = "sha256-precompile")))]
    fn install_precompiles(&self) {
        crypto::install_precompiles(VmPrecompiles);
    }

    fn phase_done(&mut self, phase: Phase) {
        let name = match phase {
            Phase::Decode => "decode",
            Phase::Witness => "witness",
            Phase::Senders => "senders",
            Phase::Execution => "execution",
            Phase::StateRoot => "state-root",
        };
        self.report(name);
    }
}

#[cfg_attr(not(target_arch = "mips"), allow(dead_code))]
fn block_program() {
    let phases = zkmips_guest::syscall::hint_len() == 4 && zkmips_guest::read::<u32>() == 1;
    let mut vm = Vm { phases, last: if phases { zkmips_guest::cycles() } else { 0 } };
    let input: BlockInput = zkmips_guest::read();
    vm.report("input");
    match execute_block_with(&input, &mut vm) {
        Ok(executed) => {
            zkmips_guest::commit_slice(&executed.statement.to_bytes());
            // The state is not needed any more; skip dropping it.
            core::mem::forget(executed);
            core::mem::forget(input);
        }
        Err(error) => {
            zkmips_guest::eprintln!("block rejected: {error}");
            zkmips_guest::halt(REJECTED);
        }
    }
}

impl Vm {
    /// Reports the instructions since the last report as phase `phase` on fd 2, if asked to.
    fn report(&mut self, phase: &str) {
        if !self.phases {
            return;
        }
        let now = zkmips_guest::cycles();
        zkmips_guest::eprintln!("zkmips-phase {phase} {}", now - self.last);
        self.last = zkmips_guest::cycles();
    }
}
