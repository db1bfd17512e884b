//! Randomised differential tests: the zkMIPS VM (`zkmips run`) against qemu-mipsel / qemu-mips.
//!
//! Each test program is a small static ELF32 that this file encodes itself (no assembler):
//!
//! - code at 0x00400000, a 4 KiB data area with random contents at 0x00410000 and a zeroed
//!   register-dump area right after it (0x00411000);
//! - a prologue that (in two programs of three) sets the thread pointer with `set_thread_area`,
//!   then loads random values into HI, LO and every register except `$k0` (`$26`), which points
//!   into the middle of the data area (so load/store displacements are negative and positive) and
//!   is never written by the body;
//! - a body of a few hundred random MIPS32r2 user-mode integer instructions: ALU, shifts and
//!   rotates, multiply/divide and multiply-accumulate, HI/LO moves, clz/clo, ext/ins, seb/seh/wsbh,
//!   movz/movn, every load and store width (lwl/lwr/swl/swr at any offset), ll/sc, pref, sync
//!   with stypes, conditional traps that cannot fire, `rdhwr $29`, forward branches of every kind
//!   (branch-likely and -and-link too) with their delay slots and short or long skips, j/jal and
//!   jr/jalr(.hb) through registers, counted loops (backward branches) and call/return pairs;
//!   it steers clear of everything the architecture calls UNPREDICTABLE (division by zero,
//!   INT_MIN / -1, HI/LO after `mul`, a lone mthi/mtlo after a multiply, `jalr rd == rs`,
//!   branch-and-link on `$31`, control transfers in delay slots) and of exceptions (operands of
//!   `add`/`sub`/`addi` are halved first);
//! - an epilogue that stores every register and HI/LO, writes the dump and then the whole data
//!   area to stdout, and calls `exit_group(0)`.
//!
//! qemu is the reference: each program must first run under qemu and exit 0. Then the VM must
//! print exactly the same bytes and exit with the same code. On a mismatch the test shrinks the
//! program (drops body items while the mismatch persists), writes the original and the minimal
//! ELF plus a report to the scratch folder (`target/e2e/differential/`), and reports the seed, the
//! differing registers and bytes, and the minimal instruction sequence with its initial state.
//!
//! Besides the random programs: hand-picked edge cases (shift amounts 0/1/31, variable shifts by
//! 32 and more, lwl/lwr/swl/swr at every offset, sub-word sign extension, ext/ins extremes,
//! clz/clo of 0 and all ones, multiplies and multiply-accumulates of INT_MIN, divides with
//! negative operands, immediate sign/zero extension, add/sub at the edge of overflow, every
//! branch taken and not taken, links in delay slots, ll/sc, rdhwr), each result labelled; and
//! programs that must stop (overflow, traps, break, unaligned accesses, reserved instructions).
//!
//! Environment:
//! - `ZKMIPS_DIFF_SEED=N`: run programs with seeds N, N+1, ... instead of the default seeds;
//! - `ZKMIPS_DIFF_COUNT=N`: programs per endianness (default 200);
//! - `ZKMIPS_DIFF_QEMU_ONLY=1`: check only that the programs run under qemu (tests the generator).
//!
//! To reproduce one failing program: `ZKMIPS_DIFF_SEED=<seed> ZKMIPS_DIFF_COUNT=1 cargo test
//! --release -p zkmips-e2e --test differential <test name>`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use zkmips_e2e::{run_qemu, run_zkmips, scratch_dir, split_summary, RunResult};

const TEXT_BASE: u32 = 0x0040_0000;
const DATA_BASE: u32 = 0x0041_0000;
/// The data area the body loads from and stores to.
const DATA_LEN: usize = 4096;
/// The register dump, in the zero-initialised part of the data segment right after the data area.
const DUMP_OFF: u16 = 0x1000;
/// 32 words: slot 0 is HI, slot 26 (`$k0`, the base) is LO, every other slot its register.
const DUMP_LEN: usize = 128;
/// `$k0`: the base register for the data area, never written after the prologue. It points
/// BASE_BIAS bytes into the data area, so that displacements are negative and positive.
const BASE: u8 = 26;
const BASE_BIAS: u32 = 0x800;
/// EF_MIPS_ARCH_32R2 | EF_MIPS_ABI_O32; qemu picks its 24Kf (MIPS32r2) model for it.
const ELF_FLAGS: u32 = 0x7000_1000;
/// Default programs per endianness in the random tests.
const DEFAULT_COUNT: u64 = 200;
/// Of these, how many use fresh random seeds (the others are fixed, for reproducibility).
const RANDOM_SEEDS: u64 = 10;
/// How many failing programs per test are shrunk and reported in detail.
const MAX_DETAILED: usize = 3;
/// Runs (qemu + VM) spent shrinking one failing program at most.
const SHRINK_BUDGET: usize = 400;

// ---------------------------------------------------------------------------------------------
// Instruction encoding
// ---------------------------------------------------------------------------------------------

/// One instruction word of a program item; control transfers are resolved at assembly time
/// (`to` is an index into the same item, so items can be dropped independently while shrinking).
#[derive(Clone, Debug)]
enum Op {
    /// A finished instruction word and its assembly text.
    W(u32, String),
    /// A conditional branch with its offset field zero, branching to word `to` of its item.
    B { word: u32, text: String, to: usize },
    /// `j`/`jal` to word `to` of its item.
    J { link: bool, to: usize },
    /// The `lui` (`lo == false`) or `ori` half of loading the address of word `to` into `reg`.
    La { reg: u8, to: usize, lo: bool },
}

type Item = Vec<Op>;

fn enc_r(rs: u8, rt: u8, rd: u8, sa: u32, funct: u32) -> u32 {
    (u32::from(rs) << 21) | (u32::from(rt) << 16) | (u32::from(rd) << 11) | ((sa & 31) << 6) | funct
}

fn enc_i(op: u32, rs: u8, rt: u8, imm: u16) -> u32 {
    (op << 26) | (u32::from(rs) << 21) | (u32::from(rt) << 16) | u32::from(imm)
}

fn w(word: u32, text: impl Into<String>) -> Op {
    Op::W(word, text.into())
}

fn rn(r: u8) -> String {
    format!("${r}")
}

/// SPECIAL three-register ops: `name rd, rs, rt`.
const ALU3: &[(&str, u32)] = &[
    ("addu", 0x21),
    ("subu", 0x23),
    ("and", 0x24),
    ("or", 0x25),
    ("xor", 0x26),
    ("nor", 0x27),
    ("slt", 0x2a),
    ("sltu", 0x2b),
    ("movz", 0x0a),
    ("movn", 0x0b),
];

fn alu3(name: &str, rd: u8, rs: u8, rt: u8) -> Op {
    let funct = match name {
        "add" => 0x20,
        "sub" => 0x22,
        _ => ALU3.iter().find(|(n, _)| *n == name).expect("known ALU op").1,
    };
    w(enc_r(rs, rt, rd, 0, funct), format!("{name} {}, {}, {}", rn(rd), rn(rs), rn(rt)))
}

/// Variable shifts and rotate: `name rd, rt, rs` (funct, sa field).
const SHIFTV: &[(&str, u32, u32)] = &[("sllv", 0x04, 0), ("srlv", 0x06, 0), ("srav", 0x07, 0), ("rotrv", 0x06, 1)];

fn shiftv(name: &str, rd: u8, rt: u8, rs: u8) -> Op {
    let &(_, funct, sa) = SHIFTV.iter().find(|(n, _, _)| *n == name).expect("known shift");
    w(enc_r(rs, rt, rd, sa, funct), format!("{name} {}, {}, {}", rn(rd), rn(rt), rn(rs)))
}

/// Shifts and rotate by an immediate: `name rd, rt, sa` (funct, rs field).
const SHIFTI: &[(&str, u32, u8)] = &[("sll", 0x00, 0), ("srl", 0x02, 0), ("sra", 0x03, 0), ("rotr", 0x02, 1)];

fn shifti(name: &str, rd: u8, rt: u8, sa: u32) -> Op {
    let &(_, funct, rs) = SHIFTI.iter().find(|(n, _, _)| *n == name).expect("known shift");
    w(enc_r(rs, rt, rd, sa, funct), format!("{name} {}, {}, {sa}", rn(rd), rn(rt)))
}

/// Immediate ALU ops: `name rt, rs, imm` (opcode, immediate is sign-extended).
const ALUI: &[(&str, u32, bool)] = &[
    ("addiu", 0x09, true),
    ("slti", 0x0a, true),
    ("sltiu", 0x0b, true),
    ("andi", 0x0c, false),
    ("ori", 0x0d, false),
    ("xori", 0x0e, false),
];

fn alui(name: &str, rt: u8, rs: u8, imm: u16) -> Op {
    let (op, signed) = match name {
        "addi" => (0x08, true),
        _ => {
            let &(_, op, signed) = ALUI.iter().find(|(n, _, _)| *n == name).expect("known imm op");
            (op, signed)
        }
    };
    let imm_text = if signed { format!("{}", imm as i16) } else { format!("{imm:#x}") };
    w(enc_i(op, rs, rt, imm), format!("{name} {}, {}, {imm_text}", rn(rt), rn(rs)))
}

fn lui(rt: u8, imm: u16) -> Op {
    w(enc_i(0x0f, 0, rt, imm), format!("lui {}, {imm:#x}", rn(rt)))
}

/// `lui`+`ori`: always two words, so item lengths do not depend on values.
fn li(rt: u8, v: u32) -> [Op; 2] {
    [lui(rt, (v >> 16) as u16), alui("ori", rt, rt, v as u16)]
}

/// Multiply/divide ops on HI/LO: `name rs, rt` (opcode, funct).
const MULDIV: &[(&str, u32, u32)] = &[
    ("mult", 0x00, 0x18),
    ("multu", 0x00, 0x19),
    ("div", 0x00, 0x1a),
    ("divu", 0x00, 0x1b),
    ("madd", 0x1c, 0x00),
    ("maddu", 0x1c, 0x01),
    ("msub", 0x1c, 0x04),
    ("msubu", 0x1c, 0x05),
];

fn muldiv(name: &str, rs: u8, rt: u8) -> Op {
    let &(_, op, funct) = MULDIV.iter().find(|(n, _, _)| *n == name).expect("known mul/div");
    w((op << 26) | enc_r(rs, rt, 0, 0, funct), format!("{name} {}, {}", rn(rs), rn(rt)))
}

fn mul(rd: u8, rs: u8, rt: u8) -> Op {
    w((0x1c << 26) | enc_r(rs, rt, rd, 0, 0x02), format!("mul {}, {}, {}", rn(rd), rn(rs), rn(rt)))
}

fn mfhi(rd: u8) -> Op {
    w(enc_r(0, 0, rd, 0, 0x10), format!("mfhi {}", rn(rd)))
}
fn mflo(rd: u8) -> Op {
    w(enc_r(0, 0, rd, 0, 0x12), format!("mflo {}", rn(rd)))
}
fn mthi(rs: u8) -> Op {
    w(enc_r(rs, 0, 0, 0, 0x11), format!("mthi {}", rn(rs)))
}
fn mtlo(rs: u8) -> Op {
    w(enc_r(rs, 0, 0, 0, 0x13), format!("mtlo {}", rn(rs)))
}

/// `clz`/`clo rd, rs` (rt must equal rd).
fn clx(ones: bool, rd: u8, rs: u8) -> Op {
    let (name, funct) = if ones { ("clo", 0x21) } else { ("clz", 0x20) };
    w((0x1c << 26) | enc_r(rs, rd, rd, 0, funct), format!("{name} {}, {}", rn(rd), rn(rs)))
}

/// `ext rt, rs, pos, size` (1 <= size, pos + size <= 32).
fn ext(rt: u8, rs: u8, pos: u32, size: u32) -> Op {
    assert!(size >= 1 && pos + size <= 32);
    w((0x1f << 26) | enc_r(rs, rt, (size - 1) as u8, pos, 0x00), format!("ext {}, {}, {pos}, {size}", rn(rt), rn(rs)))
}

/// `ins rt, rs, pos, size` (1 <= size, pos + size <= 32).
fn ins(rt: u8, rs: u8, pos: u32, size: u32) -> Op {
    assert!(size >= 1 && pos + size <= 32);
    w(
        (0x1f << 26) | enc_r(rs, rt, (pos + size - 1) as u8, pos, 0x04),
        format!("ins {}, {}, {pos}, {size}", rn(rt), rn(rs)),
    )
}

/// `seb`/`seh`/`wsbh rd, rt`.
fn bshfl(name: &str, rd: u8, rt: u8) -> Op {
    let sa = match name {
        "wsbh" => 0x02,
        "seb" => 0x10,
        "seh" => 0x18,
        _ => panic!("unknown bshfl {name}"),
    };
    w((0x1f << 26) | enc_r(0, rt, rd, sa, 0x20), format!("{name} {}, {}", rn(rd), rn(rt)))
}

/// `rdhwr rt, $29` (UserLocal, the thread pointer).
fn rdhwr_ulr(rt: u8) -> Op {
    w((0x1f << 26) | enc_r(0, rt, 29, 0, 0x3b), format!("rdhwr {}, $29", rn(rt)))
}

/// Loads and stores: (name, opcode, alignment of the offset).
const MEM: &[(&str, u32, u16)] = &[
    ("lb", 0x20, 1),
    ("lh", 0x21, 2),
    ("lwl", 0x22, 1),
    ("lw", 0x23, 4),
    ("lbu", 0x24, 1),
    ("lhu", 0x25, 2),
    ("lwr", 0x26, 1),
    ("sb", 0x28, 1),
    ("sh", 0x29, 2),
    ("swl", 0x2a, 1),
    ("sw", 0x2b, 4),
    ("swr", 0x2e, 1),
    ("ll", 0x30, 4),
    ("sc", 0x38, 4),
];

/// A load or store at offset `off` of the data segment (the data area, or the dump after it),
/// through the base register with a signed displacement (`$k0` points into the middle).
fn mem(name: &str, rt: u8, off: u16) -> Op {
    let &(_, op, align) = MEM.iter().find(|(n, _, _)| *n == name).expect("known load/store");
    assert_eq!(off % align, 0, "{name} offset {off:#x} misaligned");
    let disp = i32::from(off) - BASE_BIAS as i32;
    let text = if disp < 0 { format!("-{:#x}", -disp) } else { format!("{disp:#x}") };
    w(enc_i(op, BASE, rt, disp as i16 as u16), format!("{name} {}, {text}({})", rn(rt), rn(BASE)))
}

fn sync() -> Op {
    sync_stype(0)
}

/// `sync stype`: stypes an implementation does not define act as `sync 0`.
fn sync_stype(stype: u32) -> Op {
    w(enc_r(0, 0, 0, stype, 0x0f), if stype == 0 { "sync".into() } else { format!("sync {stype:#x}") })
}

/// `pref hint, off($k0)`: a hint without architecturally visible effect.
fn pref(hint: u8, off: u16) -> Op {
    let disp = (i32::from(off) - BASE_BIAS as i32) as i16;
    w(enc_i(0x33, BASE, hint, disp as u16), format!("pref {hint}, {disp}({})", rn(BASE)))
}

fn syscall() -> Op {
    w(0x0000_000c, "syscall")
}

/// Conditional branches: (name, opcode, REGIMM rt code, operands: 2 = rs and rt, 1 = rs only).
const BRANCHES: &[(&str, u32, u8, u8)] = &[
    ("beq", 0x04, 0, 2),
    ("bne", 0x05, 0, 2),
    ("beql", 0x14, 0, 2),
    ("bnel", 0x15, 0, 2),
    ("blez", 0x06, 0, 1),
    ("bgtz", 0x07, 0, 1),
    ("blezl", 0x16, 0, 1),
    ("bgtzl", 0x17, 0, 1),
    ("bltz", 0x01, 0x00, 1),
    ("bgez", 0x01, 0x01, 1),
    ("bltzl", 0x01, 0x02, 1),
    ("bgezl", 0x01, 0x03, 1),
    ("bltzal", 0x01, 0x10, 1),
    ("bgezal", 0x01, 0x11, 1),
    ("bltzall", 0x01, 0x12, 1),
    ("bgezall", 0x01, 0x13, 1),
];

/// A branch to word `to` of its item; `rt` is ignored for one-operand branches.
fn branch(name: &str, rs: u8, rt: u8, to: usize) -> Op {
    let &(_, op, code, nops) = BRANCHES.iter().find(|(n, _, _, _)| *n == name).expect("known branch");
    let (word, text) = if nops == 2 {
        (enc_i(op, rs, rt, 0), format!("{name} {}, {}", rn(rs), rn(rt)))
    } else {
        (enc_i(op, rs, code, 0), format!("{name} {}", rn(rs)))
    };
    Op::B { word, text, to }
}

/// Conditional traps on two registers: `name rs, rt` (SPECIAL funct), with a 10-bit code.
const TRAPS: &[(&str, u32)] =
    &[("tge", 0x30), ("tgeu", 0x31), ("tlt", 0x32), ("tltu", 0x33), ("teq", 0x34), ("tne", 0x36)];

fn trap(name: &str, rs: u8, rt: u8, code: u32) -> Op {
    let &(_, funct) = TRAPS.iter().find(|(n, _)| *n == name).expect("known trap");
    w(
        (u32::from(rs) << 21) | (u32::from(rt) << 16) | ((code & 0x3ff) << 6) | funct,
        format!("{name} {}, {}, {code}", rn(rs), rn(rt)),
    )
}

/// Conditional traps on an immediate: `name rs, imm` (REGIMM rt code).
const TRAPIS: &[(&str, u8)] =
    &[("tgei", 0x08), ("tgeiu", 0x09), ("tlti", 0x0a), ("tltiu", 0x0b), ("teqi", 0x0c), ("tnei", 0x0e)];

fn trapi(name: &str, rs: u8, imm: u16) -> Op {
    let &(_, code) = TRAPIS.iter().find(|(n, _)| *n == name).expect("known trap");
    w(enc_i(0x01, rs, code, imm), format!("{name} {}, {}", rn(rs), imm as i16))
}

fn jr(rs: u8) -> Op {
    jr_hb(rs, false)
}

/// `jr` or, with `hb`, `jr.hb` (the hazard-barrier hint, bit 10).
fn jr_hb(rs: u8, hb: bool) -> Op {
    let name = if hb { "jr.hb" } else { "jr" };
    w(enc_r(rs, 0, 0, if hb { 0x10 } else { 0 }, 0x08), format!("{name} {}", rn(rs)))
}

fn jalr(rd: u8, rs: u8) -> Op {
    jalr_hb(rd, rs, false)
}

fn jalr_hb(rd: u8, rs: u8, hb: bool) -> Op {
    assert_ne!(rd, rs, "jalr rd == rs is UNPREDICTABLE");
    let name = if hb { "jalr.hb" } else { "jalr" };
    w(enc_r(rs, 0, rd, if hb { 0x10 } else { 0 }, 0x09), format!("{name} {}, {}", rn(rd), rn(rs)))
}

// ---------------------------------------------------------------------------------------------
// Programs and ELF files
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Program {
    big: bool,
    /// The seed it was generated from, for messages (0 for hand-written programs).
    seed: u64,
    /// Initial register values (index 0 and 26 unused).
    regs: [u32; 32],
    hi: u32,
    lo: u32,
    /// The thread pointer set with `set_thread_area`, when the body uses `rdhwr`.
    tls: Option<u32>,
    /// The initial data area (DATA_LEN bytes).
    data: Vec<u8>,
    body: Vec<Item>,
}

/// One assembled instruction: address, word and text.
struct Line {
    addr: u32,
    word: u32,
    text: String,
}

impl Program {
    fn prologue(&self) -> Item {
        let mut p = li(BASE, DATA_BASE + BASE_BIAS).to_vec();
        if let Some(tp) = self.tls {
            p.push(alui("addiu", 2, 0, 4283)); // set_thread_area
            p.extend(li(4, tp));
            p.push(syscall());
        }
        p.extend(li(1, self.hi));
        p.push(mthi(1));
        p.extend(li(1, self.lo));
        p.push(mtlo(1));
        for r in 1..32u8 {
            if r != BASE {
                p.extend(li(r, self.regs[r as usize]));
            }
        }
        p
    }

    fn epilogue(&self) -> Item {
        let mut e = Vec::new();
        for r in 1..32u8 {
            if r != BASE {
                e.push(mem("sw", r, DUMP_OFF + 4 * u16::from(r)));
            }
        }
        e.push(mfhi(1));
        e.push(mem("sw", 1, DUMP_OFF));
        e.push(mflo(1));
        e.push(mem("sw", 1, DUMP_OFF + 4 * u16::from(BASE)));
        // write(1, dump, 128); write(1, data, 4096); exit_group(0)
        e.extend([
            alui("addiu", 2, 0, 4004),
            alui("addiu", 4, 0, 1),
            alui("addiu", 5, BASE, (u32::from(DUMP_OFF) - BASE_BIAS) as u16),
            alui("addiu", 6, 0, DUMP_LEN as u16),
            syscall(),
            alui("addiu", 2, 0, 4004),
            alui("addiu", 4, 0, 1),
            alui("addiu", 5, BASE, BASE_BIAS.wrapping_neg() as u16),
            alui("addiu", 6, 0, DATA_LEN as u16),
            syscall(),
            alui("addiu", 2, 0, 4246),
            alu3("addu", 4, 0, 0),
            syscall(),
            w(0x0000_000d, "break"),
        ]);
        e
    }

    /// The items of the whole program: prologue, body, epilogue.
    fn items(&self) -> Vec<Item> {
        let mut all = vec![self.prologue()];
        all.extend(self.body.iter().cloned());
        all.push(self.epilogue());
        all
    }

    /// Assembles the program; returns every instruction and the index of the first body line.
    fn assemble(&self) -> (Vec<Line>, usize, usize) {
        let items = self.items();
        let mut lines = Vec::new();
        let mut addr = TEXT_BASE;
        let body_start = items[0].len();
        let body_end = lines_len(&items[..items.len() - 1]);
        for item in &items {
            let start = addr;
            let target = |to: usize| start + 4 * to as u32;
            for (i, op) in item.iter().enumerate() {
                let (word, text) = match op {
                    Op::W(word, text) => (*word, text.clone()),
                    Op::B { word, text, to } => {
                        let off = *to as i64 - i as i64 - 1;
                        assert!((-0x8000..0x8000).contains(&off));
                        (word | (off as u16 as u32), format!("{text}, {:#010x}", target(*to)))
                    }
                    Op::J { link, to } => {
                        let t = target(*to);
                        assert_eq!(t & 0xf000_0000, (addr + 4) & 0xf000_0000);
                        let (op, name) = if *link { (3, "jal") } else { (2, "j") };
                        ((op << 26) | ((t >> 2) & 0x03ff_ffff), format!("{name} {t:#010x}"))
                    }
                    Op::La { reg, to, lo: false } => {
                        let t = target(*to);
                        (enc_i(0x0f, 0, *reg, (t >> 16) as u16), format!("lui {}, {:#x}", rn(*reg), t >> 16))
                    }
                    Op::La { reg, to, lo: true } => {
                        let t = target(*to);
                        (
                            enc_i(0x0d, *reg, *reg, t as u16),
                            format!("ori {}, {}, {:#x}", rn(*reg), rn(*reg), t & 0xffff),
                        )
                    }
                };
                lines.push(Line { addr, word, text });
                addr += 4;
            }
        }
        (lines, body_start, body_end)
    }

    fn elf(&self) -> Vec<u8> {
        let (lines, _, _) = self.assemble();
        let text: Vec<u32> = lines.iter().map(|l| l.word).collect();
        assert!(text.len() * 4 < (DATA_BASE - TEXT_BASE) as usize, "program too long");
        write_elf(self.big, &text, &self.data)
    }

    /// The body as text, one instruction a line, with a blank line between items.
    fn listing(&self) -> String {
        let (lines, start, end) = self.assemble();
        let mut s = String::new();
        let mut boundaries = Vec::new();
        let mut at = start;
        for item in &self.body {
            boundaries.push(at);
            at += item.len();
        }
        for (i, l) in lines[start..end].iter().enumerate() {
            if i > 0 && boundaries.contains(&(start + i)) && self.body.len() > 1 {
                s.push('\n');
            }
            let _ = writeln!(s, "  {:08x}:  {:08x}  {}", l.addr, l.word, l.text);
        }
        s
    }

    /// The initial state as text.
    fn initial_state(&self) -> String {
        let mut s = format!("  hi={:#010x} lo={:#010x} $26(base)={:#010x}", self.hi, self.lo, DATA_BASE + BASE_BIAS);
        if let Some(tp) = self.tls {
            let _ = write!(s, " thread pointer={tp:#010x}");
        }
        s.push('\n');
        for r in 1..32 {
            if r == BASE as usize {
                continue;
            }
            let _ = write!(s, "  ${r:<2}={:#010x}", self.regs[r]);
            if r % 6 == 0 || r == 31 {
                s.push('\n');
            }
        }
        s
    }
}

fn lines_len(items: &[Item]) -> usize {
    items.iter().map(Vec::len).sum()
}

struct Bytes {
    big: bool,
    buf: Vec<u8>,
}

impl Bytes {
    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.buf.extend(if self.big { v.to_be_bytes() } else { v.to_le_bytes() });
    }
    fn u32(&mut self, v: u32) {
        self.buf.extend(if self.big { v.to_be_bytes() } else { v.to_le_bytes() });
    }
    fn pad_to(&mut self, len: usize) {
        assert!(self.buf.len() <= len);
        self.buf.resize(len, 0);
    }
}

fn align_up(v: usize, a: usize) -> usize {
    v.div_ceil(a) * a
}

/// A static ELF32 executable: text at TEXT_BASE (R+X), data at DATA_BASE (R+W, with one page of
/// zeroed memory after `data` for the register dump), and section headers so objdump can read it.
fn write_elf(big: bool, text: &[u32], data: &[u8]) -> Vec<u8> {
    const PAGE: usize = 0x1000;
    let text_off = PAGE;
    let text_size = text.len() * 4;
    let data_off = text_off + align_up(text_size, PAGE);
    let data_mem = align_up(data.len(), PAGE) + PAGE;
    let shstrtab: &[u8] = b"\0.text\0.data\0.bss\0.shstrtab\0";
    let shstr_off = data_off + data.len();
    let sh_off = align_up(shstr_off + shstrtab.len(), 4);

    let mut b = Bytes { big, buf: Vec::new() };
    // e_ident
    b.buf.extend(b"\x7fELF");
    b.u8(1); // ELFCLASS32
    b.u8(if big { 2 } else { 1 }); // ELFDATA2MSB / ELFDATA2LSB
    b.u8(1); // EV_CURRENT
    b.u8(0); // ELFOSABI_SYSV
    b.pad_to(16);
    b.u16(2); // ET_EXEC
    b.u16(8); // EM_MIPS
    b.u32(1); // e_version
    b.u32(TEXT_BASE); // e_entry
    b.u32(52); // e_phoff
    b.u32(sh_off as u32); // e_shoff
    b.u32(ELF_FLAGS);
    b.u16(52); // e_ehsize
    b.u16(32); // e_phentsize
    b.u16(2); // e_phnum
    b.u16(40); // e_shentsize
    b.u16(5); // e_shnum
    b.u16(4); // e_shstrndx
              // Program headers: PT_LOAD text, PT_LOAD data.
    for (off, vaddr, filesz, memsz, flags) in [
        (text_off, TEXT_BASE, text_size, text_size, 5u32), // R+X
        (data_off, DATA_BASE, data.len(), data_mem, 6u32), // R+W
    ] {
        b.u32(1);
        b.u32(off as u32);
        b.u32(vaddr);
        b.u32(vaddr);
        b.u32(filesz as u32);
        b.u32(memsz as u32);
        b.u32(flags);
        b.u32(PAGE as u32);
    }
    b.pad_to(text_off);
    for &word in text {
        b.u32(word);
    }
    b.pad_to(data_off);
    b.buf.extend(data);
    b.buf.extend(shstrtab);
    b.pad_to(sh_off);
    // Section headers: null, .text, .data, .bss, .shstrtab.
    let sections: [(u32, u32, u32, u32, usize, usize, u32); 5] = [
        (0, 0, 0, 0, 0, 0, 0),
        (1, 1, 0x6, TEXT_BASE, text_off, text_size, 4),
        (7, 1, 0x3, DATA_BASE, data_off, data.len(), 16),
        (13, 8, 0x3, DATA_BASE + data.len() as u32, data_off + data.len(), data_mem - data.len(), 16),
        (18, 3, 0, 0, shstr_off, shstrtab.len(), 1),
    ];
    for (name, ty, flags, addr, off, size, align) in sections {
        b.u32(name);
        b.u32(ty);
        b.u32(flags);
        b.u32(addr);
        b.u32(off as u32);
        b.u32(size as u32);
        b.u32(0); // sh_link
        b.u32(0); // sh_info
        b.u32(align);
        b.u32(0); // sh_entsize
    }
    b.buf
}

// ---------------------------------------------------------------------------------------------
// Random program generator
// ---------------------------------------------------------------------------------------------

const SPECIAL_VALUES: &[u32] = &[
    0,
    1,
    2,
    0xffff_ffff,
    0xffff_fffe,
    0x8000_0000,
    0x8000_0001,
    0x7fff_ffff,
    0x0000_ffff,
    0x0000_8000,
    0x0000_7fff,
    0xffff_8000,
    0xffff_7fff,
    0x0000_0080,
    0x0000_007f,
    0x0000_00ff,
    0xffff_ff80,
    31,
    32,
    33,
];

struct Gen {
    rng: StdRng,
    tls: bool,
    /// Registers the instructions being generated must not write (loop counters, `$31` in calls).
    reserved: Vec<u8>,
}

impl Gen {
    fn val32(&mut self) -> u32 {
        match self.rng.gen_range(0..10) {
            0 | 1 => *SPECIAL_VALUES.choose(&mut self.rng).unwrap(),
            2 => self.rng.gen_range(0..256),
            3 => self.rng.gen_range(0..256u32).wrapping_neg(),
            _ => self.rng.gen(),
        }
    }

    fn imm16(&mut self) -> u16 {
        match self.rng.gen_range(0..8) {
            0 => *[0u16, 1, 0xffff, 0x8000, 0x7fff, 0x00ff, 0xff00, 0x0080].choose(&mut self.rng).unwrap(),
            1 => self.rng.gen_range(0..16),
            2 => self.rng.gen_range(0..16u16).wrapping_neg(),
            _ => self.rng.gen(),
        }
    }

    fn sa(&mut self) -> u32 {
        match self.rng.gen_range(0..8) {
            0 => 0,
            1 => 31,
            2 => 1,
            _ => self.rng.gen_range(0..32),
        }
    }

    /// A register to read: any, including `$0` and the base.
    fn rreg(&mut self) -> u8 {
        self.rng.gen_range(0..32)
    }

    /// A register to write other than `$0`, the base and the reserved ones.
    fn wreg_nz(&mut self) -> u8 {
        loop {
            let r = self.rng.gen_range(1..32);
            if r != BASE && !self.reserved.contains(&r) {
                return r;
            }
        }
    }

    /// A register to write: rarely `$0` (the result is discarded), never the base.
    fn wreg(&mut self) -> u8 {
        if self.rng.gen_ratio(1, 30) {
            0
        } else {
            self.wreg_nz()
        }
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        v.choose(&mut self.rng).unwrap()
    }

    /// One instruction that neither transfers control nor touches memory.
    fn alu_simple(&mut self) -> Op {
        match self.rng.gen_range(0..100) {
            0..=24 => {
                let name = self.pick(ALU3).0;
                let (rd, rs, rt) = (self.wreg(), self.rreg(), self.rreg());
                alu3(name, rd, rs, rt)
            }
            25..=36 => {
                let name = self.pick(SHIFTV).0;
                let (rd, rt) = (self.wreg(), self.rreg());
                // Mostly small shift amounts, sometimes any register value.
                let rs = self.rreg();
                shiftv(name, rd, rt, rs)
            }
            37..=49 => {
                let name = self.pick(SHIFTI).0;
                let (rd, rt, mut sa) = (self.wreg(), self.rreg(), self.sa());
                if name == "sll" && rd == 0 && rt == 0 {
                    sa = 0; // not `pause` (sll $0, $0, 5)
                }
                shifti(name, rd, rt, sa)
            }
            50..=64 => {
                let (rt, rs, imm) = (self.wreg(), self.rreg(), self.imm16());
                if self.rng.gen_ratio(1, 7) {
                    lui(rt, imm)
                } else {
                    let name = self.pick(ALUI).0;
                    alui(name, rt, rs, imm)
                }
            }
            // mthi/mtlo only come in pairs (`hilo_group`): after a multiply or divide, a lone
            // mthi leaves LO UNPREDICTABLE and a lone mtlo HI.
            65..=79 => match self.rng.gen_range(0..8) {
                0 => mfhi(self.wreg()),
                1 => mflo(self.wreg()),
                _ => {
                    // Not div/divu: their divisor needs preparing (see `div_group`).
                    let name = *self.pick(&["mult", "multu", "madd", "maddu", "msub", "msubu"]);
                    let (rs, rt) = (self.rreg(), self.rreg());
                    muldiv(name, rs, rt)
                }
            },
            80..=93 => match self.rng.gen_range(0..7) {
                0 | 1 => {
                    let (rd, rs) = (self.wreg(), self.rreg());
                    clx(self.rng.gen(), rd, rs)
                }
                2 => {
                    let (rt, rs) = (self.wreg(), self.rreg());
                    let size = self.rng.gen_range(1..=32);
                    let pos = self.rng.gen_range(0..=32 - size);
                    ext(rt, rs, pos, size)
                }
                3 => {
                    let (rt, rs) = (self.wreg(), self.rreg());
                    let size = self.rng.gen_range(1..=32);
                    let pos = self.rng.gen_range(0..=32 - size);
                    ins(rt, rs, pos, size)
                }
                _ => {
                    let name = *self.pick(&["seb", "seh", "wsbh"]);
                    let (rd, rt) = (self.wreg(), self.rreg());
                    bshfl(name, rd, rt)
                }
            },
            94..=95 if self.tls => rdhwr_ulr(self.wreg()),
            96..=97 => self.never_trap(),
            _ => match self.rng.gen_range(0..3) {
                0 => w(0, "nop"),
                1 => w(0x40, "ssnop"),
                _ => w(0xc0, "ehb"),
            },
        }
    }

    /// A conditional trap whose condition is false whatever the register values.
    fn never_trap(&mut self) -> Op {
        let r = self.rreg();
        let code = if self.rng.gen() { 0 } else { self.rng.gen_range(0..1024) };
        match self.rng.gen_range(0..9) {
            0 => trap("tne", r, r, code),
            1 => trap("tlt", r, r, code),
            2 => trap("tltu", r, r, code),
            3 => trap("tltu", r, 0, code), // unsigned < 0
            4 => trap("tne", 0, 0, code),
            5 => trapi("tltiu", r, 0),
            6 => trapi("tgeiu", 0, self.rng.gen_range(1..=0xffff)), // 0 >= non-zero, unsigned
            7 => trapi("tgei", 0, self.rng.gen_range(1..=0x7fff)),  // 0 >= positive
            _ => trapi("tnei", 0, 0),
        }
    }

    /// One load or store through the base with an in-range, aligned offset.
    fn mem_op(&mut self) -> Op {
        let &(name, _, align) = self.pick(&MEM[..12]); // not ll/sc (see `llsc_group`)
        let off = self.rng.gen_range(0..DATA_LEN as u16 / align) * align;
        let rt = if name.starts_with('l') { self.wreg() } else { self.rreg() };
        mem(name, rt, off)
    }

    /// One instruction that does not transfer control: fit for a delay slot.
    fn simple(&mut self) -> Op {
        match self.rng.gen_range(0..100) {
            0..=27 => self.mem_op(),
            28 => sync_stype(*self.pick(&[0, 0, 0, 0x04, 0x10, 0x11, 0x12, 0x13])),
            29 => {
                let hint = *self.pick(&[0, 1, 4, 5, 6, 7]);
                let off = self.rng.gen_range(0..DATA_LEN as u16);
                pref(hint, off)
            }
            _ => self.alu_simple(),
        }
    }

    /// `mul`, then HI and LO redefined (they are UNPREDICTABLE after `mul`).
    fn mul_group(&mut self) -> Item {
        let (rd, rs, rt) = (self.wreg(), self.rreg(), self.rreg());
        let (a, b) = (self.rreg(), self.rreg());
        vec![mul(rd, rs, rt), mthi(a), mtlo(b)]
    }

    /// mthi and mtlo together, in either order.
    fn hilo_group(&mut self) -> Item {
        let (a, b) = (self.rreg(), self.rreg());
        if self.rng.gen() {
            vec![mthi(a), mtlo(b)]
        } else {
            vec![mtlo(b), mthi(a)]
        }
    }

    /// `div`/`divu` with a divisor made non-zero (and, for `div`, not -1).
    fn div_group(&mut self) -> Item {
        let (rs, d) = (self.rreg(), self.wreg_nz());
        let mut item = vec![alui("ori", d, d, 1)];
        if self.rng.gen() {
            let bit = self.rng.gen_range(1..32);
            item.push(ins(d, 0, bit, 1));
            item.push(muldiv("div", rs, d));
        } else {
            item.push(muldiv("divu", rs, d));
        }
        if self.rng.gen() {
            item.push(trap("teq", d, 0, 7)); // what GCC puts after a divide; never traps here
        }
        item
    }

    /// `add`/`sub`/`addi` on operands halved first, so they cannot overflow.
    fn trapping_arith_group(&mut self) -> Item {
        let (rd, a, b) = (self.wreg(), self.wreg_nz(), self.wreg_nz());
        match self.rng.gen_range(0..3) {
            0 => vec![shifti("sra", a, a, 1), shifti("sra", b, b, 1), alu3("add", rd, a, b)],
            1 => vec![shifti("sra", a, a, 1), shifti("sra", b, b, 1), alu3("sub", rd, a, b)],
            _ => {
                let imm = self.imm16();
                vec![shifti("sra", a, a, 1), alui("addi", rd, a, imm)]
            }
        }
    }

    /// `ll`, up to two ALU instructions, `sc` to the same word (which succeeds).
    fn llsc_group(&mut self) -> Item {
        let off = self.rng.gen_range(0..DATA_LEN as u16 / 4) * 4;
        let mut item = vec![mem("ll", self.wreg(), off)];
        for _ in 0..self.rng.gen_range(0..=2) {
            item.push(self.alu_simple());
        }
        item.push(mem("sc", self.wreg(), off));
        item
    }

    /// An item without control transfers: fit for the skipped part of a branch.
    fn straight_item(&mut self) -> Item {
        match self.rng.gen_range(0..100) {
            0..=76 => vec![self.simple()],
            77..=79 => self.hilo_group(),
            80..=84 => self.mul_group(),
            85..=90 => self.div_group(),
            91..=95 => self.trapping_arith_group(),
            _ => self.llsc_group(),
        }
    }

    /// The delay slot and 0-3 straight items after a control transfer whose item starts with
    /// `head` words; returns the tail and the index (in the item) of the target.
    fn after_transfer(&mut self, head: usize) -> (Item, usize) {
        let mut tail = vec![self.simple()];
        // Mostly short skips; sometimes a long one (a wider branch offset).
        let n = if self.rng.gen_ratio(1, 25) { self.rng.gen_range(20..=80) } else { self.rng.gen_range(0..=3) };
        let land = self.rng.gen_range(0..=n);
        let mut to = head + 1;
        for i in 0..n {
            let s = self.straight_item();
            if i < land {
                to += s.len();
            }
            tail.extend(s);
        }
        (tail, to)
    }

    fn branch_item(&mut self) -> Item {
        let (tail, to) = self.after_transfer(1);
        let head = match self.rng.gen_range(0..20) {
            0 => branch("beq", 0, 0, to),    // b
            1 => branch("bgezal", 0, 0, to), // bal
            _ => {
                let &(name, _, code, nops) = self.pick(BRANCHES);
                let mut rs = self.rreg();
                while code >= 0x10 && rs == 31 {
                    rs = self.rreg(); // bltzal & co with rs = $31 are UNPREDICTABLE
                }
                let rt = if nops == 1 {
                    0
                } else if self.rng.gen_ratio(1, 4) {
                    rs
                } else if self.rng.gen_ratio(1, 6) {
                    0
                } else {
                    self.rreg()
                };
                branch(name, rs, rt, to)
            }
        };
        let mut item = vec![head];
        item.extend(tail);
        item
    }

    fn jump_item(&mut self) -> Item {
        match self.rng.gen_range(0..4) {
            0 | 1 => {
                let (tail, to) = self.after_transfer(1);
                let mut item = vec![Op::J { link: self.rng.gen(), to }];
                item.extend(tail);
                item
            }
            _ => {
                let x = self.wreg_nz();
                let (tail, to) = self.after_transfer(3);
                let hb = self.rng.gen_ratio(1, 5);
                let jump = if self.rng.gen() {
                    jr_hb(x, hb)
                } else {
                    let mut rd = if self.rng.gen() { 31 } else { self.wreg() };
                    while rd == x {
                        rd = self.wreg_nz();
                    }
                    jalr_hb(rd, x, hb)
                };
                let mut item = vec![Op::La { reg: x, to, lo: false }, Op::La { reg: x, to, lo: true }, jump];
                item.extend(tail);
                item
            }
        }
    }

    /// A counted loop (a backward branch): `addiu rc, $0, n`, 1-3 straight items that leave `rc`
    /// alone, `addiu rc, rc, -1`, a branch back while `rc` is not zero, a delay slot.
    fn loop_item(&mut self) -> Item {
        let rc = self.wreg_nz();
        self.reserved.push(rc);
        let n = self.rng.gen_range(1..=4);
        let mut item = vec![alui("addiu", rc, 0, n)];
        for _ in 0..self.rng.gen_range(1..=3) {
            let s = self.straight_item();
            item.extend(s);
        }
        item.push(alui("addiu", rc, rc, 0xffff));
        let name = *self.pick(&["bne", "bgtz", "bnel", "bgtzl"]);
        item.push(branch(name, rc, 0, 1));
        item.push(self.simple());
        self.reserved.pop();
        item
    }

    /// A call and return: a link (bal, jal or jalr) to a forward "function" of 1-3 straight items
    /// ending in `jr $31`, which returns to a `b` over the function.
    fn call_item(&mut self) -> Item {
        self.reserved.push(31);
        let mut head = Vec::new();
        let x = self.wreg_nz();
        let call_len = match self.rng.gen_range(0..3) {
            0 | 1 => 1,
            _ => 3,
        };
        let call_delay = self.simple();
        let skip_delay = self.simple();
        let mut function = Vec::new();
        for _ in 0..self.rng.gen_range(1..=3) {
            let s = self.straight_item();
            function.extend(s);
        }
        function.push(jr(31));
        function.push(self.simple());
        self.reserved.pop();
        // [call (1 or 3 words), delay, b end, delay, function...]
        let entry = call_len + 3;
        let end = entry + function.len();
        if call_len == 1 {
            head.push(if self.rng.gen() { branch("bgezal", 0, 0, entry) } else { Op::J { link: true, to: entry } });
        } else {
            head.extend([Op::La { reg: x, to: entry, lo: false }, Op::La { reg: x, to: entry, lo: true }, jalr(31, x)]);
        }
        head.push(call_delay);
        head.push(branch("beq", 0, 0, end));
        head.push(skip_delay);
        head.extend(function);
        head
    }

    fn item(&mut self) -> Item {
        match self.rng.gen_range(0..100) {
            0..=79 => self.straight_item(),
            80..=90 => self.branch_item(),
            91..=94 => self.jump_item(),
            95..=97 => self.loop_item(),
            _ => self.call_item(),
        }
    }
}

fn generate(seed: u64, big: bool) -> Program {
    let mut g = Gen { rng: StdRng::seed_from_u64(seed), tls: false, reserved: Vec::new() };
    g.tls = g.rng.gen_ratio(2, 3);
    let tls = if g.tls { Some(g.val32()) } else { None };
    let mut regs = [0u32; 32];
    for r in regs.iter_mut().skip(1) {
        *r = g.val32();
    }
    regs[BASE as usize] = DATA_BASE + BASE_BIAS;
    let (hi, lo) = (g.val32(), g.val32());
    let mut data = vec![0u8; DATA_LEN];
    for word in data.chunks_mut(4) {
        let v = g.val32();
        word.copy_from_slice(&if big { v.to_be_bytes() } else { v.to_le_bytes() });
    }
    let n = g.rng.gen_range(150..=350);
    let body = (0..n).map(|_| g.item()).collect();
    Program { big, seed, regs, hi, lo, tls, data, body }
}

// ---------------------------------------------------------------------------------------------
// Running and comparing
// ---------------------------------------------------------------------------------------------

fn qemu_only() -> bool {
    std::env::var("ZKMIPS_DIFF_QEMU_ONLY").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn endian_name(big: bool) -> &'static str {
    if big {
        "be"
    } else {
        "le"
    }
}

fn objdump_hint(path: &Path, big: bool) -> String {
    format!("mipsel-linux-gnu-objdump -d{} {}", if big { " -EB" } else { "" }, path.display())
}

/// Writes `prog` as an executable ELF file (qemu refuses files without the execute bit).
fn write_program(prog: &Program, path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, prog.elf()).expect("write ELF");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod ELF");
}

/// Runs `prog` (written to `path`) under qemu and checks that it worked: the test's own sanity.
fn run_reference(prog: &Program, path: &Path) -> RunResult {
    write_program(prog, path);
    let q = run_qemu(path, prog.big, &[]).expect("run qemu");
    assert!(
        q.code == Some(0) && q.stdout.len() == DUMP_LEN + DATA_LEN,
        "test bug: program (seed {}, {}) does not run cleanly under qemu: exit {:?}, {} bytes of stdout, \
         stderr: {}\nELF: {}\n{}",
        prog.seed,
        endian_name(prog.big),
        q.code,
        q.stdout.len(),
        q.stderr_str(),
        path.display(),
        objdump_hint(path, prog.big),
    );
    q
}

fn run_vm(prog: &Program, path: &Path) -> RunResult {
    run_zkmips(path, prog.big, &[], &[]).expect("run zkmips")
}

fn differs(q: &RunResult, v: &RunResult) -> bool {
    q.code != v.code || q.stdout != v.stdout
}

fn word_at(bytes: &[u8], off: usize, big: bool) -> Option<u32> {
    let b: [u8; 4] = bytes.get(off..off + 4)?.try_into().ok()?;
    Some(if big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
}

fn slot_name(slot: usize) -> String {
    match slot {
        0 => "hi".into(),
        26 => "lo".into(),
        r => format!("${r}"),
    }
}

fn show(v: Option<u32>) -> String {
    v.map_or_else(|| "(missing)".into(), |v| format!("{v:#010x}"))
}

/// What differs between qemu's and the VM's run. `label` names data-area offsets (edge cases).
fn describe(big: bool, q: &RunResult, v: &RunResult, label: &dyn Fn(usize) -> String) -> String {
    let mut s = String::new();
    if q.code != v.code {
        let _ = writeln!(s, "exit code: qemu {:?}, zkmips {:?}", q.code, v.code);
    }
    if q.stdout.len() != v.stdout.len() {
        let _ = writeln!(s, "stdout length: qemu {}, zkmips {}", q.stdout.len(), v.stdout.len());
    }
    let mut regs = Vec::new();
    for slot in 0..32 {
        let (a, b) = (word_at(&q.stdout, 4 * slot, big), word_at(&v.stdout, 4 * slot, big));
        if a != b && v.stdout.len() >= 4 * slot + 4 {
            regs.push(format!("{}: expected {} got {}", slot_name(slot), show(a), show(b)));
        }
    }
    if !regs.is_empty() {
        let _ = writeln!(s, "registers at exit:\n  {}", regs.join("\n  "));
    }
    let mut words = Vec::new();
    let mut count = 0;
    for off in (0..DATA_LEN).step_by(4) {
        let at = DUMP_LEN + off;
        if v.stdout.len() < at + 4 {
            break;
        }
        let (a, b) = (word_at(&q.stdout, at, big), word_at(&v.stdout, at, big));
        if a != b {
            count += 1;
            if words.len() < 24 {
                words.push(format!(
                    "{:#010x} (data+{off:#05x}){}: expected {} got {}",
                    DATA_BASE as usize + off,
                    label(off),
                    show(a),
                    show(b)
                ));
            }
        }
    }
    if count > 0 {
        let _ = writeln!(s, "data words differing: {count}\n  {}", words.join("\n  "));
    }
    let (guest_err, summary) = split_summary(&v.stderr);
    let mut err = String::from_utf8_lossy(&guest_err).into_owned();
    if err.len() > 2000 {
        err.truncate(2000);
        err.push_str("...");
    }
    if !err.trim().is_empty() {
        let _ = writeln!(s, "zkmips stderr: {}", err.trim_end());
    }
    if !summary.is_empty() {
        let _ = writeln!(s, "zkmips summary: {}", summary.trim_end().replace('\n', "\n  "));
    }
    s
}

/// Whether `prog` still makes the VM disagree with qemu.
fn still_fails(prog: &Program, path: &Path) -> bool {
    let q = run_reference(prog, path);
    differs(&q, &run_vm(prog, path))
}

/// Drops body items (halving chunks, then one at a time) while the mismatch persists.
fn shrink(prog: &Program, path: &Path) -> Program {
    let mut cur = prog.clone();
    let mut runs = 0;
    let mut chunk = (cur.body.len() / 2).max(1);
    loop {
        let mut progress = false;
        let mut i = 0;
        while i < cur.body.len() && runs < SHRINK_BUDGET {
            let mut cand = cur.clone();
            let end = (i + chunk).min(cand.body.len());
            cand.body.drain(i..end);
            runs += 1;
            if still_fails(&cand, path) {
                cur = cand;
                progress = true;
            } else {
                i += chunk;
            }
        }
        if runs >= SHRINK_BUDGET || (chunk == 1 && !progress) {
            break;
        }
        chunk = (chunk / 2).max(1);
    }
    cur
}

/// Seeds for one random test: `ZKMIPS_DIFF_SEED` onwards, else fixed ones plus a few random ones.
fn seeds(big: bool) -> Vec<u64> {
    let count = std::env::var("ZKMIPS_DIFF_COUNT")
        .ok()
        .map(|v| v.parse::<u64>().expect("ZKMIPS_DIFF_COUNT must be a number"))
        .unwrap_or(DEFAULT_COUNT);
    if let Ok(seed) = std::env::var("ZKMIPS_DIFF_SEED") {
        let seed: u64 = seed.parse().expect("ZKMIPS_DIFF_SEED must be a number");
        return (0..count).map(|i| seed.wrapping_add(i)).collect();
    }
    let base = if big { 0xb16_0000 } else { 0x11e_0000 };
    let fixed = count.saturating_sub(RANDOM_SEEDS.min(count / 2));
    let mut seeds: Vec<u64> = (0..fixed).map(|i| base + i).collect();
    seeds.extend((fixed..count).map(|_| rand::random::<u64>() >> 16));
    seeds
}

fn random_programs(big: bool) {
    let e = endian_name(big);
    let test = format!("random_programs_{}", if big { "big_endian" } else { "little_endian" });
    let dir = scratch_dir("differential");
    let path = dir.join(format!("current-{e}.elf"));
    let seeds = seeds(big);
    let mut failures: Vec<u64> = Vec::new();
    let mut report = String::new();
    let mut instructions = 0usize;
    let started = std::time::Instant::now();
    for &seed in &seeds {
        let prog = generate(seed, big);
        instructions += lines_len(&prog.body);
        let q = run_reference(&prog, &path);
        if qemu_only() {
            continue;
        }
        let v = run_vm(&prog, &path);
        if !differs(&q, &v) {
            continue;
        }
        failures.push(seed);
        if failures.len() > MAX_DETAILED {
            continue;
        }
        let orig = dir.join(format!("fail-{e}-{seed}.elf"));
        write_program(&prog, &orig);
        let min = shrink(&prog, &path);
        let min_path = dir.join(format!("fail-{e}-{seed}-min.elf"));
        write_program(&min, &min_path);
        let q_min = run_reference(&min, &min_path);
        let v_min = run_vm(&min, &min_path);
        let mut text = String::new();
        let _ = writeln!(text, "=== mismatch: seed {seed} ({e}) ===");
        let _ = writeln!(text, "full program: {}\n{}", orig.display(), describe(big, &q, &v, &|_| String::new()));
        let _ = writeln!(
            text,
            "shrunk to {} of {} body items: {}\n  disassemble: {}\n{}",
            min.body.len(),
            prog.body.len(),
            min_path.display(),
            objdump_hint(&min_path, big),
            describe(big, &q_min, &v_min, &|_| String::new())
        );
        let _ = writeln!(text, "initial state:\n{}", min.initial_state());
        let _ = writeln!(text, "minimal body:\n{}", min.listing());
        let _ = writeln!(
            text,
            "reproduce: ZKMIPS_DIFF_SEED={seed} ZKMIPS_DIFF_COUNT=1 cargo test --release -p zkmips-e2e \
             --test differential {test}\n"
        );
        std::fs::write(dir.join(format!("fail-{e}-{seed}.txt")), &text).expect("write report");
        eprint!("{text}");
        report.push_str(&text);
    }
    eprintln!(
        "{test}: {} programs ({instructions} body instructions), {} mismatches{} in {:.1?}",
        seeds.len(),
        failures.len(),
        if qemu_only() { " (qemu only: VM not run)" } else { "" },
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "zkmips disagrees with qemu on {} of {} {e} programs; seeds: {failures:?}\n\n{report}",
        failures.len(),
        seeds.len(),
    );
}

#[test]
fn random_programs_little_endian() {
    random_programs(false);
}

#[test]
fn random_programs_big_endian() {
    random_programs(true);
}

// ---------------------------------------------------------------------------------------------
// Hand-picked edge cases
// ---------------------------------------------------------------------------------------------

/// Builds a program of named cases, each storing its results to its own words of the data area
/// (from offset 0 up); the bytes at `SRC` and up are a known pattern for the loads.
struct Edge {
    items: Vec<Item>,
    /// (name, first data offset, length in bytes, what each word holds when known)
    cases: Vec<(String, usize, usize, Vec<String>)>,
    next: u16,
}

/// A known byte pattern for unaligned and sub-word loads.
const SRC: u16 = 0xc00;
const SRC_BYTES: [u8; 16] =
    [0x11, 0x82, 0x33, 0xf4, 0x7f, 0x80, 0xff, 0x01, 0x80, 0x00, 0x7f, 0xff, 0xa5, 0x5a, 0xc3, 0x3c];

impl Edge {
    /// Adds a case: `ops`, then a store of each register in `results` (and HI, LO with `hilo`).
    /// `$1` is the scratch register for HI/LO.
    fn case(&mut self, name: impl Into<String>, mut ops: Vec<Op>, results: &[u8], hilo: bool) {
        let start = self.next;
        let mut words = Vec::new();
        for &r in results {
            ops.push(mem("sw", r, self.next));
            words.push(rn(r));
            self.next += 4;
        }
        if hilo {
            ops.push(mfhi(1));
            ops.push(mem("sw", 1, self.next));
            ops.push(mflo(1));
            ops.push(mem("sw", 1, self.next + 4));
            words.extend(["hi".to_string(), "lo".to_string()]);
            self.next += 8;
        }
        assert!(self.next <= SRC, "edge cases overflow the result area");
        self.cases.push((name.into(), start as usize, (self.next - start) as usize, words));
        self.items.push(ops);
    }

    /// Reserves `n` result words for a case that stores into them itself; returns the offset.
    fn reserve(&mut self, n: u16) -> u16 {
        let at = self.next;
        self.next += 4 * n;
        at
    }

    fn label(&self, off: usize) -> String {
        let Some((name, start, _, words)) =
            self.cases.iter().find(|(_, start, len, _)| (*start..start + len).contains(&off))
        else {
            return String::new();
        };
        let k = (off - start) / 4;
        match words.get(k) {
            Some(what) => format!(" [{name}: {what}]"),
            None => format!(" [{name}: word {k}]"),
        }
    }
}

fn cat<const N: usize>(parts: [Vec<Op>; N]) -> Vec<Op> {
    parts.into_iter().flatten().collect()
}

fn edge_program(big: bool) -> (Program, Edge) {
    let mut e = Edge { items: Vec::new(), cases: Vec::new(), next: 0 };
    let li = |r: u8, v: u32| li(r, v).to_vec();
    const INT_MIN: u32 = 0x8000_0000;

    // Shifts by immediates 0, 1, 31.
    for v in [0x8000_0001, 0xffff_ffff, 0x1234_5678, 0] {
        for sa in [0, 1, 31] {
            let ops = cat([
                li(8, v),
                vec![
                    shifti("sll", 9, 8, sa),
                    shifti("srl", 10, 8, sa),
                    shifti("sra", 11, 8, sa),
                    shifti("rotr", 12, 8, sa),
                ],
            ]);
            e.case(format!("sll/srl/sra/rotr {v:#x} by {sa}"), ops, &[9, 10, 11, 12], false);
        }
    }
    // Variable shifts: only the low 5 bits of rs count.
    for v in [0x8000_0001u32, 0x1234_5678] {
        for s in [0u32, 1, 31, 32, 33, 0xffff_ffff, 0xffff_ffe0, 0x8000_001f] {
            let ops = cat([
                li(8, v),
                li(13, s),
                vec![
                    shiftv("sllv", 9, 8, 13),
                    shiftv("srlv", 10, 8, 13),
                    shiftv("srav", 11, 8, 13),
                    shiftv("rotrv", 12, 8, 13),
                ],
            ]);
            e.case(format!("sllv/srlv/srav/rotrv {v:#x} by {s:#x}"), ops, &[9, 10, 11, 12], false);
        }
    }
    // Sub-word loads: sign and zero extension.
    for off in 0..8u16 {
        let mut ops = vec![mem("lb", 9, SRC + off), mem("lbu", 10, SRC + off)];
        let mut res = vec![9, 10];
        if off % 2 == 0 {
            ops.extend([mem("lh", 11, SRC + off), mem("lhu", 12, SRC + off)]);
            res.extend([11, 12]);
        }
        e.case(format!("lb/lbu/lh/lhu at src+{off}"), ops, &res, false);
    }
    // lwl/lwr at every offset, into a register with a known value, and the unaligned-load pairs.
    for off in 0..8u16 {
        let ops = cat([
            li(9, 0xaabb_ccdd),
            li(10, 0xaabb_ccdd),
            vec![
                mem("lwl", 9, SRC + off),
                mem("lwr", 10, SRC + off),
                // little-endian idiom and big-endian idiom for an unaligned word at SRC+off
                mem("lwr", 11, SRC + off),
                mem("lwl", 11, SRC + off + 3),
                mem("lwl", 12, SRC + off),
                mem("lwr", 12, SRC + off + 3),
            ],
        ]);
        e.case(format!("lwl/lwr at src+{off}"), ops, &[9, 10, 11, 12], false);
    }
    // swl/swr at every offset into words holding a known value, and the unaligned-store pairs.
    for off in 0..4u16 {
        let at = e.reserve(6);
        let mut ops = cat([li(9, 0x1122_3344), li(8, 0xaabb_ccdd)]);
        for k in 0..6 {
            ops.push(mem("sw", 9, at + 4 * k));
        }
        ops.extend([
            mem("swl", 8, at + off),
            mem("swr", 8, at + 4 + off),
            mem("swr", 8, at + 8 + off),
            mem("swl", 8, at + 8 + off + 3),
            mem("swl", 8, at + 16 + off),
            mem("swr", 8, at + 16 + off + 3),
        ]);
        e.items.push(ops);
        e.cases.push((format!("swl/swr at +{off}"), at as usize, 24, Vec::new()));
    }
    // Sub-word stores.
    {
        let at = e.reserve(2);
        let ops = cat([
            li(9, 0),
            li(8, 0x8081_8283),
            vec![
                mem("sw", 9, at),
                mem("sw", 9, at + 4),
                mem("sb", 8, at + 1),
                mem("sb", 8, at + 2),
                mem("sh", 8, at + 6),
            ],
        ]);
        e.items.push(ops);
        e.cases.push(("sb/sh".into(), at as usize, 8, Vec::new()));
    }
    // ext/ins extremes.
    for (pos, size) in [(0, 32), (0, 1), (31, 1), (16, 16), (1, 31), (0, 31), (4, 8), (15, 2)] {
        for v in [0xdead_beefu32, 0x8000_0001] {
            let ops = cat([li(8, v), li(10, 0x1234_5678), vec![ext(9, 8, pos, size), ins(10, 8, pos, size)]]);
            e.case(format!("ext/ins {v:#x} pos {pos} size {size}"), ops, &[9, 10], false);
        }
    }
    // clz/clo.
    for v in [0u32, 0xffff_ffff, 1, INT_MIN, 0x7fff_ffff, 0x0001_0000, 0xfffe_ffff] {
        let ops = cat([li(8, v), vec![clx(false, 9, 8), clx(true, 10, 8)]]);
        e.case(format!("clz/clo {v:#x}"), ops, &[9, 10], false);
    }
    // seb/seh/wsbh.
    for v in [0x80u32, 0x7f, 0x8000, 0x7fff, 0xffff_ff7f, 0x1234_5678, 0x0000_80ff] {
        let ops = cat([li(8, v), vec![bshfl("seb", 9, 8), bshfl("seh", 10, 8), bshfl("wsbh", 11, 8)]]);
        e.case(format!("seb/seh/wsbh {v:#x}"), ops, &[9, 10, 11], false);
    }
    // Multiplies, with HI/LO before madd/msub chosen to carry across the halves.
    let pairs = [
        (INT_MIN, INT_MIN),
        (INT_MIN, 0xffff_ffff),
        (INT_MIN, 1),
        (0xffff_ffff, 0xffff_ffff),
        (0x7fff_ffff, 0x7fff_ffff),
        (0xffff_ffff, 2),
        (0, INT_MIN),
    ];
    for (a, b) in pairs {
        for name in ["mult", "multu"] {
            let ops = cat([li(8, a), li(9, b), vec![muldiv(name, 8, 9)]]);
            e.case(format!("{name} {a:#x} * {b:#x}"), ops, &[], true);
        }
        for name in ["madd", "maddu", "msub", "msubu"] {
            for (h, l) in [(0x7fff_ffff, 0xffff_ffff), (0, 0), (INT_MIN, 0)] {
                let ops =
                    cat([li(8, a), li(9, b), li(1, h), vec![mthi(1)], li(1, l), vec![mtlo(1), muldiv(name, 8, 9)]]);
                e.case(format!("{name} {a:#x} * {b:#x} with hi:lo {h:#x}:{l:#x}"), ops, &[], true);
            }
        }
        let ops = cat([li(8, a), li(9, b), vec![mul(10, 8, 9)], li(1, 0), vec![mthi(1), mtlo(1)]]);
        e.case(format!("mul {a:#x} * {b:#x}"), ops, &[10], false);
    }
    // Divides (no zero divisor, no INT_MIN / -1).
    for (name, a, b) in [
        ("div", INT_MIN, 1),
        ("div", INT_MIN, 2),
        ("div", INT_MIN, 0xffff_fffe),
        ("div", INT_MIN, INT_MIN),
        ("div", 1, INT_MIN),
        ("div", (-7i32) as u32, 2),
        ("div", 7, (-2i32) as u32),
        ("div", (-7i32) as u32, (-2i32) as u32),
        ("div", 0x7fff_ffff, 0xffff_ffff),
        ("divu", 0xffff_ffff, 1),
        ("divu", 5, 0xffff_ffff),
        ("divu", 0xffff_ffff, 0xffff_ffff),
        ("divu", INT_MIN, 3),
    ] {
        let ops = cat([li(8, a), li(9, b), vec![muldiv(name, 8, 9)]]);
        e.case(format!("{name} {a:#x} / {b:#x}"), ops, &[], true);
    }
    // Immediate forms: sign vs zero extension.
    for v in [0u32, 0xffff_fffe, 0xffff_ffff, 0x7fff_ffff, INT_MIN] {
        for imm in [0xffffu16, 0x8000, 0x7fff, 0] {
            let ops = cat([
                li(8, v),
                vec![
                    alui("addiu", 9, 8, imm),
                    alui("slti", 10, 8, imm),
                    alui("sltiu", 11, 8, imm),
                    alui("andi", 12, 8, imm),
                    alui("ori", 13, 8, imm),
                    alui("xori", 14, 8, imm),
                    lui(15, imm),
                ],
            ]);
            e.case(format!("imm ops {v:#x}, {imm:#x}"), ops, &[9, 10, 11, 12, 13, 14, 15], false);
        }
    }
    // slt/sltu and movz/movn.
    for (a, b) in [(INT_MIN, 0), (0, INT_MIN), (0xffff_ffff, 1), (1, 0xffff_ffff), (5, 5)] {
        let ops = cat([
            li(8, a),
            li(9, b),
            li(12, 0x1111_1111),
            li(13, 0x2222_2222),
            vec![alu3("slt", 10, 8, 9), alu3("sltu", 11, 8, 9), alu3("movz", 12, 8, 9), alu3("movn", 13, 8, 9)],
        ]);
        e.case(format!("slt/sltu/movz/movn {a:#x}, {b:#x}"), ops, &[10, 11, 12, 13], false);
    }
    // add/sub/addi right at the edge of overflow.
    for (a, b) in [(0x3fff_ffffu32, 0x4000_0000u32), (INT_MIN, 0), (0xc000_0000, 0xc000_0000), (0x7fff_ffff, 0)] {
        let ops = cat([li(8, a), li(9, b), vec![alu3("add", 10, 8, 9)]]);
        e.case(format!("add {a:#x} + {b:#x}"), ops, &[10], false);
    }
    for (a, b) in [(0u32, 0x7fff_ffffu32), (0xffff_ffff, 0x7fff_ffff), (0x7fff_fffe, 0xffff_ffff), (INT_MIN, 0)] {
        let ops = cat([li(8, a), li(9, b), vec![alu3("sub", 10, 8, 9)]]);
        e.case(format!("sub {a:#x} - {b:#x}"), ops, &[10], false);
    }
    for (a, imm) in [(0x7fff_8000u32, 0x7fffu16), (0x8000_8000, 0x8000), (0, 0xffff)] {
        let ops = cat([li(8, a), vec![alui("addi", 10, 8, imm)]]);
        e.case(format!("addi {a:#x} + {:#x}", imm as i16), ops, &[10], false);
    }
    // Branches: taken / not taken, likely nullification, links that happen either way.
    // Each: $9 = 0, $10 = 0; branch on $8; delay slot sets $9 = 1; the skipped word sets $10 = 1;
    // the link register ($31) is cleared first and stored.
    for (name, v) in [
        ("beql", 0u32),
        ("beql", 1),
        ("bnel", 0),
        ("bnel", 1),
        ("blezl", 0),
        ("blezl", 1),
        ("bgtzl", 0),
        ("bgtzl", 1),
        ("bltzl", INT_MIN),
        ("bltzl", 0),
        ("bgezl", 0),
        ("bgezl", INT_MIN),
        ("bltzal", INT_MIN),
        ("bltzal", 0),
        ("bgezal", 0),
        ("bgezal", INT_MIN),
        ("bltzall", INT_MIN),
        ("bltzall", 0),
        ("bgezall", 0),
        ("bgezall", INT_MIN),
        ("beq", 0),
        ("beq", 1),
        ("bne", 0),
        ("bne", 1),
        ("blez", INT_MIN),
        ("blez", 1),
        ("bgtz", 0x7fff_ffff),
        ("bgtz", 0),
        ("bltz", 0xffff_ffff),
        ("bgez", 0xffff_ffff),
    ] {
        let mut ops = cat([li(8, v), li(31, 0), vec![alu3("addu", 9, 0, 0), alu3("addu", 10, 0, 0)]]);
        let at = ops.len();
        ops.extend([branch(name, 8, 0, at + 3), alui("addiu", 9, 0, 1), alui("addiu", 10, 0, 1)]);
        e.case(format!("{name} with $8 = {v:#x}"), ops, &[9, 10, 31], false);
    }
    // Jumps and links; the delay slot of a jal overwriting $31.
    {
        let ops = vec![
            Op::J { link: true, to: 3 },
            alui("addiu", 9, 0, 1),
            alui("addiu", 10, 0, 1),
            alu3("addu", 11, 31, 0),
            Op::J { link: true, to: 6 },
            alui("addiu", 31, 0, 7),
            alui("addiu", 12, 0, 1),
            Op::La { reg: 13, to: 11, lo: false },
            Op::La { reg: 13, to: 11, lo: true },
            jalr(14, 13),
            alui("addiu", 15, 0, 1),
            Op::La { reg: 13, to: 15, lo: false },
            Op::La { reg: 13, to: 15, lo: true },
            jr(13),
            alu3("addu", 16, 13, 0),
        ];
        let ops = cat([li(9, 0), li(10, 0), li(12, 0), li(15, 0), ops]);
        // The `to` indices above count from the first jump: shift them past the four `li`s.
        let ops = ops
            .into_iter()
            .map(|op| match op {
                Op::J { link, to } => Op::J { link, to: to + 8 },
                Op::La { reg, to, lo } => Op::La { reg, to: to + 8, lo },
                op => op,
            })
            .collect();
        e.case("jal/jalr/jr, $31 written in a delay slot", ops, &[9, 10, 11, 12, 13, 14, 15, 16, 31], false);
    }
    // ll/sc succeeds and stores; rdhwr reads the thread pointer; sync does nothing visible.
    {
        let at = e.reserve(1);
        let ops = cat([
            li(8, 0x0bad_f00d),
            vec![
                mem("sw", 8, at),
                mem("ll", 9, at),
                alui("addiu", 10, 9, 1),
                mem("sc", 10, at),
                sync(),
                rdhwr_ulr(3),
                rdhwr_ulr(11),
            ],
        ]);
        e.cases.push(("ll/sc".into(), at as usize, 4, vec!["the word stored by sc".into()]));
        e.case("ll/sc, rdhwr $29", ops, &[9, 10, 3, 11], false);
    }

    let mut data: Vec<u8> = (0..DATA_LEN).map(|i| (i as u8).wrapping_mul(0x1d).wrapping_add(0x5a)).collect();
    data[SRC as usize..SRC as usize + SRC_BYTES.len()].copy_from_slice(&SRC_BYTES);
    let mut regs = [0u32; 32];
    for (r, v) in regs.iter_mut().enumerate() {
        *v = 0x0101_0101u32.wrapping_mul(r as u32);
    }
    let prog = Program {
        big,
        seed: 0,
        regs,
        hi: 0x5555_aaaa,
        lo: 0xaaaa_5555,
        tls: Some(0xdead_beef),
        data,
        body: std::mem::take(&mut e.items),
    };
    (prog, e)
}

fn edge_cases(big: bool) {
    let e = endian_name(big);
    let dir = scratch_dir("differential");
    let path: PathBuf = dir.join(format!("edge-{e}.elf"));
    let (prog, edge) = edge_program(big);
    let q = run_reference(&prog, &path);
    if qemu_only() {
        return;
    }
    let v = run_vm(&prog, &path);
    if differs(&q, &v) {
        let listing = dir.join(format!("edge-{e}.txt"));
        std::fs::write(&listing, prog.listing()).expect("write listing");
        panic!(
            "zkmips disagrees with qemu on the {e} edge cases\nELF: {}\nlisting: {}\ndisassemble: {}\n{}",
            path.display(),
            listing.display(),
            objdump_hint(&path, big),
            describe(big, &q, &v, &|off| edge.label(off))
        );
    }
}

#[test]
fn edge_cases_little_endian() {
    edge_cases(false);
}

#[test]
fn edge_cases_big_endian() {
    edge_cases(true);
}

// ---------------------------------------------------------------------------------------------
// Exceptions: programs that must stop
// ---------------------------------------------------------------------------------------------

/// Each of these instructions raises an exception (qemu delivers a signal that kills the
/// program). The VM need not mimic the signal, but it must stop the program with a non-zero exit
/// code instead of going on to the epilogue (which prints the registers and exits 0). Each program
/// is first run with the instruction replaced by a `nop`, which must work in both.
fn traps(big: bool) {
    let e = endian_name(big);
    let dir = scratch_dir("differential");
    let path = dir.join(format!("trap-{e}.elf"));
    const INT_MAX: u32 = 0x7fff_ffff;
    const INT_MIN: u32 = 0x8000_0000;
    let cases: Vec<(&str, Vec<Op>)> = vec![
        ("add overflow", cat([li(8, INT_MAX).to_vec(), li(9, 1).to_vec(), vec![alu3("add", 10, 8, 9)]])),
        (
            "add overflow (negative)",
            cat([li(8, INT_MIN).to_vec(), li(9, 0xffff_ffff).to_vec(), vec![alu3("add", 10, 8, 9)]]),
        ),
        ("sub overflow", cat([li(8, INT_MIN).to_vec(), li(9, 1).to_vec(), vec![alu3("sub", 10, 8, 9)]])),
        ("sub overflow (positive)", cat([li(8, 0).to_vec(), li(9, INT_MIN).to_vec(), vec![alu3("sub", 10, 8, 9)]])),
        ("addi overflow", cat([li(8, INT_MAX).to_vec(), vec![alui("addi", 10, 8, 1)]])),
        ("addi overflow (negative)", cat([li(8, INT_MIN).to_vec(), vec![alui("addi", 10, 8, 0xffff)]])),
        ("add overflow into $0", cat([li(8, INT_MAX).to_vec(), vec![alu3("add", 0, 8, 8)]])),
        ("teq", vec![trap("teq", 0, 0, 0)]),
        ("teq with code 7 (divide by zero)", cat([li(8, 0).to_vec(), vec![trap("teq", 8, 0, 7)]])),
        ("tne", cat([li(8, 1).to_vec(), vec![trap("tne", 8, 0, 0)]])),
        ("tge", vec![trap("tge", 0, 0, 0)]),
        ("tgeu", cat([li(8, 0xffff_ffff).to_vec(), vec![trap("tgeu", 8, 0, 0)]])),
        ("tlt", cat([li(8, INT_MIN).to_vec(), vec![trap("tlt", 8, 0, 0)]])),
        ("tltu", cat([li(8, 1).to_vec(), vec![trap("tltu", 0, 8, 0)]])),
        ("teqi", vec![trapi("teqi", 0, 0)]),
        ("tnei", vec![trapi("tnei", 0, 1)]),
        ("tgei", vec![trapi("tgei", 0, 0xffff)]),
        ("tgeiu", vec![trapi("tgeiu", 0, 0)]),
        ("tlti", vec![trapi("tlti", 0, 1)]),
        ("tltiu", vec![trapi("tltiu", 0, 0xffff)]), // 0 < 0xffffffff unsigned
        ("break", vec![w(0x0000_000d, "break")]),
        ("lw unaligned", vec![mem_unchecked(0x23, "lw", 8, 2)]),
        ("lh unaligned", vec![mem_unchecked(0x21, "lh", 8, 1)]),
        ("lhu unaligned", vec![mem_unchecked(0x25, "lhu", 8, 3)]),
        ("sw unaligned", vec![mem_unchecked(0x2b, "sw", 8, 1)]),
        ("sh unaligned", vec![mem_unchecked(0x29, "sh", 8, 3)]),
        ("ll unaligned", vec![mem_unchecked(0x30, "ll", 8, 2)]),
        // Not here: loads from unmapped memory and stores to the code, which fault under Linux:
        // the VM's memory is flat (pages never written read as zero) and writable by design.
        ("reserved instruction (opcode 0x3f)", vec![w(0xfc00_0000, ".word 0xfc000000")]),
        ("reserved instruction (SPECIAL funct 0x3f)", vec![w(0x0000_003f, ".word 0x0000003f")]),
    ];
    let mut failures = Vec::new();
    for (name, ops) in cases {
        let n = ops.len();
        let mut harmless = ops.clone();
        harmless[n - 1] = w(0, "nop");
        let mk = |body: Vec<Op>| Program {
            big,
            seed: 0,
            regs: [0x1111_1111; 32],
            hi: 0,
            lo: 0,
            tls: None,
            data: vec![0x5a; DATA_LEN],
            body: vec![body],
        };
        // The control program, with a nop for the trapping instruction, runs in both.
        let control = mk(harmless);
        let q = run_reference(&control, &path);
        if !qemu_only() {
            let v = run_vm(&control, &path);
            if differs(&q, &v) {
                failures.push(format!(
                    "{name}: the control program differs:\n{}",
                    describe(big, &q, &v, &|_| String::new())
                ));
                continue;
            }
        }
        let prog = mk(ops);
        write_program(&prog, &path);
        let q = run_qemu(&path, big, &[]).expect("run qemu");
        assert!(
            q.code != Some(0) && q.stdout.is_empty(),
            "test bug: {name} ({e}) does not stop the program under qemu: exit {:?}, {} bytes of stdout",
            q.code,
            q.stdout.len()
        );
        if qemu_only() {
            continue;
        }
        let v = run_vm(&prog, &path);
        if v.code == Some(0) || !v.stdout.is_empty() {
            let keep = dir.join(format!("trap-{e}-{}.elf", name.replace([' ', '(', ')'], "_")));
            write_program(&prog, &keep);
            let mut text = format!(
                "{name}: the VM did not stop the program: exit {:?}, {} bytes of stdout; ELF: {}\n",
                v.code,
                v.stdout.len(),
                keep.display()
            );
            if v.stdout.len() >= DUMP_LEN {
                let _ = writeln!(text, "  the program went on: $10 = {}", show(word_at(&v.stdout, 40, big)));
            }
            let _ = write!(text, "{}", prog.listing());
            failures.push(text);
        }
    }
    assert!(failures.is_empty(), "{} trap cases failed ({e}):\n{}", failures.len(), failures.join("\n"));
}

/// A load or store with any displacement from the base, aligned or not.
fn mem_unchecked(op: u32, name: &str, rt: u8, disp: u16) -> Op {
    w(enc_i(op, BASE, rt, disp), format!("{name} {}, {disp}({})", rn(rt), rn(BASE)))
}

#[test]
fn traps_little_endian() {
    traps(false);
}

#[test]
fn traps_big_endian() {
    traps(true);
}
