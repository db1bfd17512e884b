//! Table ids and the cross-table lookups that tie the tables together.
//!
//! A lookup is a multiset equality between *looking* rows (tuples of linear combinations of a
//! table's columns, on rows its filter selects) and *looked* rows. Every table crate exposes, for
//! each lookup it takes part in, a function returning its `TableWithColumns`; the prover crate
//! assembles them. The tuples below fix the **order** of the columns; both sides must use it.
//!
//! | lookup | tuple | looked (the table that proves it) | looking |
//! |---|---|---|---|
//! | `MEM` | `[addr, ts, before, after]` | Memory: every access | Cpu (fetch, rs, rt, dst), Lsu, MulDiv, Syscall |
//! | `MEM_INIT` | `[addr, value]` | Memory: first access of each address (`value = before`) | Page: touched words' start values; verifier: register page at the start |
//! | `MEM_FINAL` | `[addr, value]` | Memory: last access of each address (`value = after`) | Page: touched words' end values; verifier: register page at the end |
//! | `RANGE16` | `[value]` | Range: `0..2^16` with multiplicities | every column a table lists in its `RANGE_CHECKED` |
//! | `ALU` | `[opcode, rs_field, rt_field, rd_field, shamt, funct, imm16, a, b, out, wen, dst_rd, dst_ra, is_branch, is_likely]` | Alu (logic, shifts, bit fields, byte ops) | Cpu (`is_bits` rows) |
//! | `ARITH` | the same tuple as `ALU` | Arith (add/sub, compares, traps, conditional branches, `lui`, `movz`/`movn`) | Cpu (`is_arith` rows) |
//! | `LSU` | `[clk, opcode, imm16, base, rt_val, out, wen]` | Lsu | Cpu (loads and stores) |
//! | `MULDIV` | `[clk, opcode, funct, a, b, out, wen]` | MulDiv | Cpu (multiply, divide, hi/lo moves) |
//! | `SYSCALL` | `[clk, halts]` | Syscall | Cpu (`syscall`) |
//! | `SECP256K1` | `[clk, number, a0, a1]` | Secp256k1 | Syscall (the secp256k1 calls) |
//! | `KECCAK_SPONGE` | `[clk, input, result]` | KeccakSponge: first row of each call | Syscall (KECCAK_SPONGE) |
//! | `KECCAK_IN` | `[clk, block, state[0..50]]` | Keccak: round 0 of each permutation | KeccakSponge: each absorbed block |
//! | `KECCAK_OUT` | `[clk, block, state[0..50]]` | Keccak: round 23 of each permutation (its output) | KeccakSponge: each absorbed block |
//! | `SHA_EXTEND` | `[clk, w]` | ShaExtend: first row of each call | Syscall (SHA_EXTEND) |
//! | `SHA_COMPRESS` | `[clk, w, h]` | ShaCompress: first row of each call | Syscall (SHA_COMPRESS) |
//!
//! Field meanings: `opcode = word >> 26`, `rs_field = (word >> 21) & 31`, `rt_field = (word >> 16)
//! & 31`, `rd_field = (word >> 11) & 31`, `shamt = (word >> 6) & 31`, `funct = word & 63`,
//! `imm16 = word & 0xFFFF` (raw, not extended); `a` = value of register `rs`, `b` = value of
//! register `rt`; all 32-bit values are canonical field elements below 2^32.
//!
//! - `ALU` / `ARITH` (the instructions of the former single ALU table, split by whether they
//!   need a bit decomposition; each table accepts only its own operations' encodings): `out` is the value written (or, for a branch, 1 if taken and 0 if not); `wen` = 1 if
//!   the instruction writes a register (movz/movn only when their condition holds; traps and
//!   plain branches never; `bltzal`/`bgezal` and their likely forms always, with `pc + 8`);
//!   the destination is `rd` if `dst_rd`, `$ra` if `dst_ra`, else `rt`. `is_branch`/`is_likely`
//!   mark conditional branches and their likely forms. Traps are proven not to trap, and
//!   `add`/`addi`/`sub` not to overflow (the VM stops there, so no proven trace contains them).
//! - `LSU`: the load/store unit computes the effective address `base + sext(imm16)`, makes the
//!   data access itself (`MEM` at `ts(clk, slot::MEM)`), and returns `out`, written to `rt` when
//!   `wen` (loads, and `sc`, which writes 1).
//! - `MULDIV`: makes its own hi/lo accesses (`slot::HILO_READ`, `slot::HILO_WRITE`); `out` is
//!   written to `rd` when `wen` (`mul`, `mfhi`, `mflo`).
//! - `SYSCALL`: the syscall table reads `$v0`, `$a0..$a3` and the register page and makes every
//!   write itself; `halts` = 1 for HALT and exit_group, after which the CPU has no more rows.
//! - `SECP256K1`: `number` is the call's `$v0` (SECP256K1_ADD, _DOUBLE or _DECOMPRESS), `a0`, `a1`
//!   its `$a0`, `$a1`; the secp256k1 table reads and writes the points' words itself (`MEM` at
//!   `ts(clk, slot::MEM)` for the reads and `ts(clk, slot::MEM_WRITE)` for the rewritten words).
//! - `KECCAK_SPONGE`: `input` = `$a0`, `result` = `$a1` of the call at `clk`; the sponge table
//!   reads the length and the input words and writes the result words itself (`MEM`).
//! - `KECCAK_IN` / `KECCAK_OUT`: a keccak-f[1600] permutation's input and output state as 50
//!   32-bit limbs (lane `i` = limbs `2i` (low half) and `2i + 1`), tagged with the call's `clk`
//!   and the block's number (blocks left, counting down to 1), which no two blocks share.
//! - `SHA_EXTEND`: `w` = `$a0` of the call at `clk`; the extend table reads `w[0..16]` (`MEM` at
//!   `ts(clk, slot::MEM)`) and writes `w[16..64]` (`ts(clk, slot::MEM_WRITE)`) itself.
//! - `SHA_COMPRESS`: `w` = `$a0`, `h` = `$a1`; the compress table reads `h[0..8]` at
//!   `ts(clk, slot::RT)`, `w[0..64]` at `ts(clk, slot::MEM)` and writes `h[0..8]` at
//!   `ts(clk, slot::MEM_WRITE)` itself (so the buffers may overlap).
//!
//! A word that `zkmips_isa::decode` rejects, or an operation a table does not prove, must not
//! satisfy the constraints: the table that owns the instruction class checks the fields that
//! select the operation (opcode, funct, and the reserved fields where the decoder checks them).

/// Position of each table in the multi-table proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(usize)]
pub enum Table {
    Cpu = 0,
    Memory = 1,
    Range = 2,
    Alu = 3,
    MulDiv = 4,
    Lsu = 5,
    Syscall = 6,
    /// Memory image commitment: opens and re-hashes the touched pages.
    Page = 7,
    /// Poseidon permutations used by the page table.
    Poseidon = 8,
    /// secp256k1 point addition, doubling and decompression.
    Secp256k1 = 9,
    /// KECCAK_SPONGE calls: memory reads, absorbing, result writes.
    KeccakSponge = 10,
    /// keccak-f[1600] permutations used by the sponge table.
    Keccak = 11,
    /// The ALU's operations that need no bit decomposition (add/sub, compares, traps,
    /// conditional branches, `lui`, `movz`/`movn`); the bitwise ones stay in `Alu`.
    Arith = 12,
    /// SHA_EXTEND calls: the SHA-256 message schedule.
    ShaExtend = 13,
    /// SHA_COMPRESS calls: the SHA-256 compression function.
    ShaCompress = 14,
}

/// Number of tables.
pub const NUM_TABLES: usize = 15;

impl Table {
    pub const ALL: [Table; NUM_TABLES] = [
        Table::Cpu,
        Table::Memory,
        Table::Range,
        Table::Alu,
        Table::MulDiv,
        Table::Lsu,
        Table::Syscall,
        Table::Page,
        Table::Poseidon,
        Table::Secp256k1,
        Table::KeccakSponge,
        Table::Keccak,
        Table::Arith,
        Table::ShaExtend,
        Table::ShaCompress,
    ];

    pub const fn index(self) -> usize {
        self as usize
    }

    pub const fn name(self) -> &'static str {
        match self {
            Table::Cpu => "cpu",
            Table::Memory => "memory",
            Table::Range => "range",
            Table::Alu => "alu",
            Table::MulDiv => "muldiv",
            Table::Lsu => "lsu",
            Table::Syscall => "syscall",
            Table::Page => "page",
            Table::Poseidon => "poseidon",
            Table::Secp256k1 => "secp256k1",
            Table::KeccakSponge => "keccak-sponge",
            Table::Keccak => "keccak",
            Table::Arith => "arith",
            Table::ShaExtend => "sha-extend",
            Table::ShaCompress => "sha-compress",
        }
    }
}

/// Width of each lookup's tuple.
pub mod width {
    pub const MEM: usize = 4;
    pub const MEM_INIT: usize = 2;
    pub const MEM_FINAL: usize = 2;
    pub const RANGE16: usize = 1;
    pub const ALU: usize = 15;
    pub const ARITH: usize = ALU;
    pub const LSU: usize = 7;
    pub const MULDIV: usize = 7;
    pub const SYSCALL: usize = 2;
    pub const SECP256K1: usize = 4;
    pub const KECCAK_SPONGE: usize = 3;
    pub const KECCAK_IN: usize = 52;
    pub const KECCAK_OUT: usize = 52;
    pub const SHA_EXTEND: usize = 2;
    pub const SHA_COMPRESS: usize = 3;
}

/// Public inputs of the CPU table: the segment's start and end machine position.
pub mod cpu_public {
    pub const CLK_START: usize = 0;
    pub const PC_START: usize = 1;
    pub const NEXT_PC_START: usize = 2;
    /// `clk` after the last instruction of the segment (`CLK_START` + instructions).
    pub const CLK_END: usize = 3;
    pub const PC_END: usize = 4;
    pub const NEXT_PC_END: usize = 5;
    pub const COUNT: usize = 6;
}

/// Public inputs of the page table: the memory image commitment (a Poseidon hash, 4 field
/// elements) before and after the segment.
pub mod page_public {
    pub const ROOT_START: usize = 0;
    pub const ROOT_END: usize = 4;
    pub const COUNT: usize = 8;
}
