//! Loading programs: static ELF32 MIPS executables (either byte order) and raw flat images, and
//! the entry state of `../shared/ABI.md` (stack with argc/argv/envp/auxv, heap, brk, Go patches).

use std::collections::HashMap;

use zkmips_isa::abi::{AT_RANDOM_BYTES, AUX_ID, PAGE_SIZE, STACK_POINTER};

use crate::error::LoadError;
use crate::memory::Memory;

const PT_LOAD: u32 = 1;
const PF_X: u32 = 1;
const SHT_SYMTAB: u32 = 2;
const EM_MIPS: u16 = 8;
const ET_EXEC: u16 = 2;
/// End of the area the entry stack's argument block may use (Ziren's fake clock lives above).
const ARGS_LIMIT: u32 = 0x7EFF_F000;
/// `jr $ra` and its delay slot `nop`.
pub(crate) const RETURN_AT_ONCE: [u32; 2] = [0x03E0_0008, 0];

/// Go runtime functions patched to return at once when the symbol exists (ABI.md, "Go
/// programs"): they start background threads (sysmon) or checks a VM cannot satisfy.
///
/// Where we differ from ABI.md: `runtime.gcenable`, `runtime.deductSweepCredit` and
/// `runtime.(*gcControllerState).commit` are *not* patched. The VM runs Go's threads
/// cooperatively (see `threads.rs`), so the garbage collector works, and a Go guest that
/// allocates more than its address space in total (any long-running one) needs it.
pub const GO_NOOP_FUNCTIONS: &[&str] =
    &["runtime.init.5", "runtime.main.func1", "runtime.check", "runtime.checkfds", "internal/runtime/exithook.Run"];

/// Go's GC CPU limiter (Go 1.19 and later), switched off by patching this function to return at
/// once: the limiter's bucket then never fills, so it never engages. Beyond ABI.md.
///
/// Why: the limiter caps the collector near 50% of CPU time. Once its bucket (one CPU-second) is
/// full, mark assists stop and the mark phase is left to the background mark workers, and the
/// limiter is re-checked only by sysmon, by the scheduler and by assists. In the VM none of those
/// runs while a goroutine allocates without blocking: sysmon is patched out, threads switch only
/// in blocking syscalls, and with one P nothing preempts the goroutine. Guest time is the
/// instruction count, by which a Go collector on an allocation-heavy program costs far more than
/// half the time (memory needs no page faults here), so the bucket fills after about a second
/// of guest time; the mark phase then never ends, no further cycle starts and the heap grows
/// until the address space runs out. Without the limiter, assists always finish the cycle, as in
/// Go 1.18 and earlier.
pub const GO_GC_CPU_LIMITER: &str = "runtime.(*gcCPULimiterState).accumulate";

/// Patched only when the program gets no argv: `flag.init` reads `os.Args[0]`, which would then
/// be out of range. With an argv (the CLI always passes the program path) the flag package must
/// initialise, or `flag.CommandLine` stays nil.
pub const GO_FLAG_INIT: &str = "flag.init";

/// A loaded program image, ready to start.
#[derive(Clone, Debug)]
pub struct Program {
    pub big_endian: bool,
    pub entry: u32,
    /// The image after loading and patching.
    pub memory: Memory,
    /// Executable address range `[code_start, code_end)`: the pc must stay inside it.
    pub code_start: u32,
    pub code_end: u32,
    /// Loaded address range `[image_start, image_end)`, page-aligned.
    pub image_start: u32,
    pub image_end: u32,
    /// Initial program break (the end of the loaded image, page-aligned).
    pub brk: u32,
    /// True for raw flat images (the open_mips_tests convention), false for ELF.
    pub raw: bool,
    /// Names of the load-time patches applied (Go runtime functions and variables).
    pub patches: Vec<String>,
    /// Address of `flag.init`, if the program has one (see [`GO_FLAG_INIT`]).
    pub flag_init: Option<u32>,
    /// Function symbols `(address, size, name)` sorted by address, for naming a pc in errors.
    pub functions: Vec<(u32, u32, String)>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    big_endian: bool,
}

impl Reader<'_> {
    fn slice(&self, what: &'static str, start: u64, len: u64) -> Result<&[u8], LoadError> {
        let end = start.saturating_add(len);
        if end > self.bytes.len() as u64 {
            return Err(LoadError::Truncated { what, start, end, len: self.bytes.len() });
        }
        Ok(&self.bytes[start as usize..end as usize])
    }
    fn u16(&self, what: &'static str, at: u64) -> Result<u16, LoadError> {
        let b: [u8; 2] = self.slice(what, at, 2)?.try_into().unwrap();
        Ok(if self.big_endian { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    }
    fn u32(&self, what: &'static str, at: u64) -> Result<u32, LoadError> {
        let b: [u8; 4] = self.slice(what, at, 4)?.try_into().unwrap();
        Ok(if self.big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    }
}

fn endian_name(big: bool) -> &'static str {
    if big {
        "big"
    } else {
        "little"
    }
}

impl Program {
    /// Loads a static ELF32 MIPS executable. `big_endian` is the byte order the caller expects;
    /// an ELF of the other order is an error (proofs are for little-endian programs only, so the
    /// order is never switched silently).
    pub fn from_elf(bytes: &[u8], big_endian: bool) -> Result<Program, LoadError> {
        if bytes.len() < 4 || &bytes[..4] != b"\x7fELF" {
            return Err(LoadError::NotElf);
        }
        let r0 = Reader { bytes, big_endian: false };
        let ident = r0.slice("the ELF identification", 0, 16)?;
        if ident[4] != 1 {
            return Err(LoadError::WrongClass { got: if ident[4] == 2 { 64 } else { 0 } });
        }
        let elf_big = match ident[5] {
            1 => false,
            2 => true,
            other => return Err(LoadError::BadByteOrder(other)),
        };
        let r = Reader { bytes, big_endian: elf_big };
        r.slice("the ELF header", 0, 52)?;
        let machine = r.u16("e_machine", 18)?;
        if machine != EM_MIPS {
            return Err(LoadError::NotMips(machine));
        }
        if elf_big != big_endian {
            return Err(LoadError::EndianMismatch { elf: endian_name(elf_big), asked: endian_name(big_endian) });
        }
        let etype = r.u16("e_type", 16)?;
        if etype != ET_EXEC {
            return Err(LoadError::NotExecutable(etype));
        }
        let entry = r.u32("e_entry", 24)?;
        let phoff = r.u32("e_phoff", 28)? as u64;
        let shoff = r.u32("e_shoff", 32)? as u64;
        let phentsize = r.u16("e_phentsize", 42)? as u64;
        let phnum = r.u16("e_phnum", 44)? as u64;
        let shentsize = r.u16("e_shentsize", 46)? as u64;
        let shnum = r.u16("e_shnum", 48)? as u64;

        let mut memory = Memory::new();
        let (mut code_start, mut code_end) = (u32::MAX, 0u32);
        let (mut image_start, mut image_end) = (u32::MAX, 0u32);
        for i in 0..phnum {
            let ph = phoff + i * phentsize;
            r.slice("a program header", ph, 32)?;
            if r.u32("p_type", ph)? != PT_LOAD {
                continue;
            }
            let offset = r.u32("p_offset", ph + 4)? as u64;
            let vaddr = r.u32("p_vaddr", ph + 8)?;
            let filesz = r.u32("p_filesz", ph + 16)?;
            let memsz = r.u32("p_memsz", ph + 20)?;
            let flags = r.u32("p_flags", ph + 24)?;
            if filesz > memsz {
                return Err(LoadError::BadSegment { vaddr, memsz, problem: "has p_filesz > p_memsz" });
            }
            let end = vaddr.checked_add(memsz).ok_or(LoadError::BadSegment {
                vaddr,
                memsz,
                problem: "wraps around the address space",
            })?;
            let data = r.slice("a loadable segment", offset, filesz as u64)?;
            memory.write_bytes(vaddr, data, big_endian);
            // Bytes from p_filesz to p_memsz are zero: memory starts zeroed, but a segment may
            // overlap one loaded earlier, so write the zeros explicitly.
            for a in vaddr + filesz..end {
                memory.write_byte(a, 0, big_endian);
            }
            image_start = image_start.min(vaddr);
            image_end = image_end.max(end);
            if flags & PF_X != 0 && memsz > 0 {
                code_start = code_start.min(vaddr);
                code_end = code_end.max(end);
            }
        }
        if code_start >= code_end {
            return Err(LoadError::NoCode);
        }
        if entry < code_start || entry >= code_end || entry % 4 != 0 {
            return Err(LoadError::BadEntry(entry));
        }
        let (symbols, functions) =
            if shoff != 0 && shnum != 0 { read_symbols(&r, shoff, shentsize, shnum)? } else { Default::default() };
        let mut program = Program {
            big_endian,
            entry,
            memory,
            code_start: code_start & !3,
            code_end: (code_end + 3) & !3,
            image_start: image_start & !(PAGE_SIZE - 1),
            image_end: image_end.next_multiple_of(PAGE_SIZE),
            brk: image_end.next_multiple_of(PAGE_SIZE),
            raw: false,
            patches: Vec::new(),
            flag_init: None,
            functions,
        };
        program.patch_go(&symbols);
        Ok(program)
    }

    /// Loads a raw image at address 0 with pc 0 (the open_mips_tests convention). The whole image
    /// is executable; the program break starts at `0x40000000` as in Cannon.
    pub fn from_raw(bytes: &[u8], big_endian: bool) -> Result<Program, LoadError> {
        let len = u32::try_from(bytes.len())
            .ok()
            .filter(|&l| l < 0x4000_0000)
            .ok_or(LoadError::ImageTooLarge(bytes.len()))?;
        let mut memory = Memory::new();
        memory.write_bytes(0, bytes, big_endian);
        Ok(Program {
            big_endian,
            entry: 0,
            memory,
            code_start: 0,
            code_end: len.next_multiple_of(4).max(4),
            image_start: 0,
            image_end: len.next_multiple_of(PAGE_SIZE).max(PAGE_SIZE),
            brk: 0x4000_0000,
            raw: true,
            patches: Vec::new(),
            flag_init: None,
            functions: Vec::new(),
        })
    }

    fn patch_go(&mut self, symbols: &HashMap<String, u32>) {
        for name in GO_NOOP_FUNCTIONS.iter().chain([&GO_GC_CPU_LIMITER]) {
            if let Some(&addr) = symbols.get(*name) {
                self.memory.write_word(addr, RETURN_AT_ONCE[0]);
                self.memory.write_word(addr + 4, RETURN_AT_ONCE[1]);
                self.patches.push(name.to_string());
            }
        }
        self.flag_init = symbols.get(GO_FLAG_INIT).copied();
        if let Some(&addr) = symbols.get("runtime.MemProfileRate") {
            self.memory.write_word(addr, 0);
            self.patches.push("runtime.MemProfileRate".into());
        }
        if let (Some(&exit), Some(&target)) = (symbols.get("runtime.exit"), symbols.get("zkvm.RuntimeExit")) {
            // lui $at, hi; ori $at, $at, lo; jr $at; nop
            let code = [0x3C01_0000 | (target >> 16), 0x3421_0000 | (target & 0xFFFF), 0x0020_0008, 0];
            for (i, w) in code.into_iter().enumerate() {
                self.memory.write_word(exit + 4 * i as u32, w);
            }
            self.patches.push("runtime.exit -> zkvm.RuntimeExit".into());
        }
    }
}

/// Function and object symbols by name, from the first SHT_SYMTAB section.
fn read_symbols(r: &Reader, shoff: u64, shentsize: u64, shnum: u64) -> Result<Symbols, LoadError> {
    let mut out = HashMap::new();
    let mut functions = Vec::new();
    for i in 0..shnum {
        let sh = shoff + i * shentsize;
        r.slice("a section header", sh, 40)?;
        if r.u32("sh_type", sh + 4)? != SHT_SYMTAB {
            continue;
        }
        let offset = r.u32("sh_offset", sh + 16)? as u64;
        let size = r.u32("sh_size", sh + 20)? as u64;
        let link = r.u32("sh_link", sh + 24)? as u64;
        let entsize = (r.u32("sh_entsize", sh + 36)? as u64).max(16);
        let strsh = shoff + link * shentsize;
        let stroff = r.u32("the string table offset", strsh + 16)? as u64;
        let strsize = r.u32("the string table size", strsh + 20)? as u64;
        let strtab = r.slice("the symbol string table", stroff, strsize)?;
        r.slice("the symbol table", offset, size)?;
        for j in 0..size / entsize {
            let sym = offset + j * entsize;
            let name_off = r.u32("st_name", sym)? as usize;
            let value = r.u32("st_value", sym + 4)?;
            if name_off == 0 || name_off >= strtab.len() {
                continue;
            }
            let name = &strtab[name_off..];
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            if let Ok(name) = std::str::from_utf8(name) {
                const STT_FUNC: u8 = 2;
                let info = r.slice("st_info", sym + 12, 1)?[0];
                if info & 0xF == STT_FUNC {
                    functions.push((value, r.u32("st_size", sym + 8)?, name.to_string()));
                }
                out.entry(name.to_string()).or_insert(value);
            }
        }
        break;
    }
    functions.sort();
    Ok((out, functions))
}

/// Symbols by name, and function symbols `(address, size, name)` sorted by address.
type Symbols = (HashMap<String, u32>, Vec<(u32, u32, String)>);

impl Program {
    /// Names the function containing `pc` as `name+0xoffset`, if the ELF has symbols for it.
    pub fn symbolize(&self, pc: u32) -> Option<String> {
        let (addr, name) = self.function_containing(pc)?;
        Some(format!("{name}+{:#x}", pc - addr))
    }

    /// The start address and (mangled) name of the function containing `pc`, if the ELF has
    /// symbols for it.
    pub fn function_containing(&self, pc: u32) -> Option<(u32, &str)> {
        let i = self.functions.partition_point(|&(a, _, _)| a <= pc).checked_sub(1)?;
        let (addr, size, name) = &self.functions[i];
        (pc - addr < (*size).max(1)).then_some((*addr, name.as_str()))
    }
}

/// Writes the entry stack of ABI.md at `STACK_POINTER`: argc, argv, envp, auxv, then the
/// AT_RANDOM bytes and the strings. Returns the stack pointer.
pub(crate) fn build_entry_stack(
    memory: &mut Memory,
    big_endian: bool,
    args: &[String],
    env: &[String],
) -> Result<u32, LoadError> {
    let sp = STACK_POINTER;
    let auxv_len = 10;
    let words = 1 + args.len() + 1 + env.len() + 1 + 2 * auxv_len;
    let random_at = sp + 4 * words as u32;
    let mut str_at = random_at + AT_RANDOM_BYTES.len() as u32;
    let strings_len: usize = args.iter().chain(env).map(|s| s.len() + 1).sum();
    let total = 4 * words + AT_RANDOM_BYTES.len() + strings_len;
    if sp as usize + total > ARGS_LIMIT as usize {
        return Err(LoadError::ArgsTooLong(total));
    }
    let mut stack = vec![args.len() as u32];
    for list in [args, env] {
        for s in list {
            stack.push(str_at);
            memory.write_bytes(str_at, s.as_bytes(), big_endian);
            memory.write_byte(str_at + s.len() as u32, 0, big_endian);
            str_at += s.len() as u32 + 1;
        }
        stack.push(0);
    }
    let auxv: [(u32, u32); 10] = [
        (6, PAGE_SIZE),
        (11, AUX_ID),
        (12, AUX_ID),
        (13, AUX_ID),
        (14, AUX_ID),
        (16, 0),
        (17, 100),
        (23, 0),
        (25, random_at),
        (0, 0),
    ];
    stack.extend(auxv.iter().flat_map(|&(k, v)| [k, v]));
    debug_assert_eq!(stack.len(), words);
    for (i, w) in stack.into_iter().enumerate() {
        memory.write_word(sp + 4 * i as u32, w);
    }
    memory.write_bytes(random_at, &AT_RANDOM_BYTES, big_endian);
    Ok(sp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal_elf(big: bool) -> Vec<u8> {
        let mut e = vec![0u8; 52 + 32 + 8];
        let put16 = |e: &mut Vec<u8>, at: usize, v: u16| {
            let b = if big { v.to_be_bytes() } else { v.to_le_bytes() };
            e[at..at + 2].copy_from_slice(&b);
        };
        let put32 = |e: &mut Vec<u8>, at: usize, v: u32| {
            let b = if big { v.to_be_bytes() } else { v.to_le_bytes() };
            e[at..at + 4].copy_from_slice(&b);
        };
        e[..4].copy_from_slice(b"\x7fELF");
        e[4] = 1;
        e[5] = if big { 2 } else { 1 };
        e[6] = 1;
        put16(&mut e, 16, 2);
        put16(&mut e, 18, 8);
        put32(&mut e, 20, 1);
        put32(&mut e, 24, 0x400000 + 84);
        put32(&mut e, 28, 52);
        put16(&mut e, 40, 52);
        put16(&mut e, 42, 32);
        put16(&mut e, 44, 1);
        put32(&mut e, 52, PT_LOAD);
        put32(&mut e, 56, 0);
        put32(&mut e, 60, 0x400000);
        put32(&mut e, 68, 92);
        put32(&mut e, 72, 0x2000);
        put32(&mut e, 76, 5);
        put32(&mut e, 84, 0x2402_0000); // li $v0, 0
        e
    }

    #[test]
    fn loads_both_byte_orders() {
        for big in [false, true] {
            let p = Program::from_elf(&minimal_elf(big), big).unwrap();
            assert_eq!(p.entry, 0x400054);
            assert_eq!(p.memory.read_word(0x400054), 0x2402_0000);
            assert_eq!((p.code_start, p.code_end), (0x400000, 0x402000));
            assert_eq!(p.brk, 0x402000);
        }
    }

    #[test]
    fn rejects_bad_elves() {
        let elf = minimal_elf(false);
        assert_eq!(Program::from_elf(b"hello", false).unwrap_err(), LoadError::NotElf);
        assert!(matches!(Program::from_elf(&elf[..60], false).unwrap_err(), LoadError::Truncated { .. }));
        assert!(matches!(
            Program::from_elf(&elf, true).unwrap_err(),
            LoadError::EndianMismatch { elf: "little", asked: "big" }
        ));
        let mut x86 = elf.clone();
        x86[18] = 3;
        assert_eq!(Program::from_elf(&x86, false).unwrap_err(), LoadError::NotMips(3));
        let mut dynamic = elf.clone();
        dynamic[16] = 3;
        assert_eq!(Program::from_elf(&dynamic, false).unwrap_err(), LoadError::NotExecutable(3));
        let mut elf64 = elf;
        elf64[4] = 2;
        assert_eq!(Program::from_elf(&elf64, false).unwrap_err(), LoadError::WrongClass { got: 64 });
    }

    #[test]
    fn go_patches_switch_off_the_gc_cpu_limiter() {
        for big in [false, true] {
            let mut p = Program::from_elf(&minimal_elf(big), big).unwrap();
            let symbols = HashMap::from([(GO_GC_CPU_LIMITER.to_string(), 0x400100)]);
            p.patch_go(&symbols);
            assert_eq!([p.memory.read_word(0x400100), p.memory.read_word(0x400104)], RETURN_AT_ONCE);
            assert_eq!(p.patches, [GO_GC_CPU_LIMITER]);
        }
    }

    #[test]
    fn entry_stack_layout() {
        let mut mem = Memory::new();
        let args = vec!["prog".to_string(), "x".to_string()];
        let env = vec!["A=B".to_string()];
        let sp = build_entry_stack(&mut mem, false, &args, &env).unwrap();
        assert_eq!(mem.read_word(sp), 2);
        let argv0 = mem.read_word(sp + 4);
        assert_eq!(mem.read_bytes(argv0, 5, false), b"prog\0");
        assert_eq!(mem.read_word(sp + 12), 0);
        let envp0 = mem.read_word(sp + 16);
        assert_eq!(mem.read_bytes(envp0, 4, false), b"A=B\0");
        assert_eq!(mem.read_word(sp + 20), 0);
        assert_eq!((mem.read_word(sp + 24), mem.read_word(sp + 28)), (6, 4096));
        let huge = vec!["x".repeat(20000)];
        assert!(matches!(build_entry_stack(&mut mem, false, &huge, &[]), Err(LoadError::ArgsTooLong(_))));
    }
}
