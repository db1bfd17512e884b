//! A tiny assembler for the VM's own tests: encodings of the instructions the tests use.
#![allow(dead_code)]

pub fn r(funct: u32, rs: u32, rt: u32, rd: u32, sa: u32) -> u32 {
    (rs << 21) | (rt << 16) | (rd << 11) | (sa << 6) | funct
}
pub fn i(op: u32, rs: u32, rt: u32, imm: i32) -> u32 {
    (op << 26) | (rs << 21) | (rt << 16) | (imm as u32 & 0xFFFF)
}
pub fn addiu(rt: u32, rs: u32, imm: i32) -> u32 {
    i(9, rs, rt, imm)
}
pub fn addi(rt: u32, rs: u32, imm: i32) -> u32 {
    i(8, rs, rt, imm)
}
pub fn addu(rd: u32, rs: u32, rt: u32) -> u32 {
    r(0x21, rs, rt, rd, 0)
}
pub fn lui(rt: u32, imm: u32) -> u32 {
    i(15, 0, rt, imm as i32)
}
pub fn ori(rt: u32, rs: u32, imm: u32) -> u32 {
    i(13, rs, rt, imm as i32)
}
pub fn lw(rt: u32, base: u32, off: i32) -> u32 {
    i(35, base, rt, off)
}
pub fn sw(rt: u32, base: u32, off: i32) -> u32 {
    i(43, base, rt, off)
}
pub fn bne(rs: u32, rt: u32, off: i32) -> u32 {
    i(5, rs, rt, off)
}
pub fn beq(rs: u32, rt: u32, off: i32) -> u32 {
    i(4, rs, rt, off)
}
pub fn jr(rs: u32) -> u32 {
    r(8, rs, 0, 0, 0)
}
pub fn teq(rs: u32, rt: u32) -> u32 {
    r(0x34, rs, rt, 0, 0)
}
pub fn syscall() -> u32 {
    0xC
}
pub const NOP: u32 = 0;

/// `li reg, value` as lui + ori.
pub fn li(reg: u32, value: u32) -> [u32; 2] {
    [lui(reg, value >> 16), ori(reg, reg, value & 0xFFFF)]
}

/// Little-endian bytes of a program.
pub fn image(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}
