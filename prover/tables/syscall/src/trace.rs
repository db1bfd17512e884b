//! Trace generation of the syscall table, and the memory accesses it looks up.

use plonky2::field::polynomial::PolynomialValues;
use plonky2::field::types::{Field, PrimeField64};
use zkmips_isa::abi::{fd, sys};
use zkmips_stark::cols::ColumnView;
use zkmips_stark::events::{MemAccess, SyscallEvent};
use zkmips_stark::layout::{reg, reg_addr};
use zkmips_stark::testing::trace_columns;
use zkmips_stark::F;

use crate::air::{MAP_FIXED, MAX_WRITE, MMAP_LIMIT};
use crate::columns::{accesses_in_own_table, call, Out, SyscallColumns, CALLS, HALTING, NUM_COLUMNS, READS_A2};
use crate::ctl::mem_lookups;

/// Smallest trace height.
const MIN_ROWS: usize = zkmips_stark::MIN_TRACE_ROWS;

/// The name of a syscall number (ours, for messages; the VM has `zkmips_vm::syscall_name`).
pub fn syscall_name(number: u32) -> &'static str {
    if let Some(spec) = CALLS.iter().find(|s| s.number == number) {
        return spec.name;
    }
    match number {
        sys::KECCAK_SPONGE => "KECCAK_SPONGE",
        sys::SHA_EXTEND => "SHA_EXTEND",
        sys::SHA_COMPRESS => "SHA_COMPRESS",
        sys::SECP256K1_ADD => "SECP256K1_ADD",
        sys::SECP256K1_DOUBLE => "SECP256K1_DOUBLE",
        sys::SECP256K1_DECOMPRESS => "SECP256K1_DECOMPRESS",
        sys::PIPE2 => "pipe2",
        sys::EPOLL_CREATE => "epoll_create",
        sys::EPOLL_CTL => "epoll_ctl",
        sys::EPOLL_WAIT => "epoll_wait",
        sys::EPOLL_CREATE1 => "epoll_create1",
        sys::FCNTL => "fcntl",
        sys::FCNTL64 => "fcntl64",
        sys::CLONE => "clone",
        sys::NANOSLEEP => "nanosleep",
        sys::FUTEX => "futex",
        sys::CLOCK_GETTIME => "clock_gettime",
        _ => "unknown",
    }
}

/// Whether the table proves syscall `number` (some calls only for some arguments: see
/// [`generate_trace`]).
pub fn check_supported(number: u32) -> Result<(), String> {
    if CALLS.iter().any(|s| s.number == number) {
        Ok(())
    } else {
        Err(format!("syscall {number:#010x} ({}) is not proven yet", syscall_name(number)))
    }
}

/// A call the table does not prove, or an event that disagrees with the proven semantics.
#[cold]
#[track_caller]
fn unproven(ev: &SyscallEvent, problem: &str) -> ! {
    let p = &ev.page_before;
    let number = p[reg::GPR + 2];
    let args = &p[reg::GPR + 4..reg::GPR + 8];
    panic!("syscall {number:#x} ({}) at clk {} with a0..a3 = {args:#x?}: {problem}", syscall_name(number), ev.clk)
}

fn f(v: u64) -> F {
    F::from_canonical_u64(v)
}

/// Writes `v` (below 2^32) into two 16-bit cells.
fn split(cells: &mut [F], v: u64) {
    assert!(v < 1 << 32, "a limb pair holds {v:#x}");
    cells[0] = f(v & 0xFFFF);
    cells[1] = f(v >> 16);
}

/// The rows of one event: a call row, then HINT_READ's word rows.
///
/// # Panics
/// If the call is not proven (number, or arguments: see [`generate_trace`]), or the event does
/// not match what the table proves for it.
fn event_rows(ev: &SyscallEvent, rows: &mut Vec<Vec<F>>) {
    assert_eq!(ev.page_before.len(), reg::COUNT, "register page before");
    assert_eq!(ev.page_after.len(), reg::COUNT, "register page after");
    let p = &ev.page_before;
    let number = p[reg::GPR + 2];
    let [a0, a1, a2, a3] = [4, 5, 6, 7].map(|r| p[reg::GPR + r]);
    if let Err(e) = check_supported(number) {
        unproven(ev, &e);
    }
    let k = match number {
        sys::READ if a0 == 0 => call::READ_STDIN,
        sys::READ => call::READ_BADF,
        _ => CALLS.iter().position(|s| s.number == number).expect("supported"),
    };
    let mut row = vec![F::ZERO; NUM_COLUMNS];
    let r = SyscallColumns::view_mut(&mut row);
    r.clk = f(ev.clk);
    r.number = f(number as u64);
    r.a0 = f(a0 as u64);
    r.a3_in = f(a3 as u64);
    r.call[k] = F::ONE;
    r.arg = f(if READS_A2.contains(&k) {
        a2
    } else if HALTING.contains(&k) {
        p[reg::HALTED]
    } else {
        a1
    } as u64);
    // The register page the table proves after the call.
    let mut page = p.clone();
    let write_page = |r: &mut SyscallColumns<F>, page: &mut Vec<u32>, i: usize, after: u32| {
        r.w_addr = f(reg_addr(i));
        r.w_before = f(p[i] as u64);
        r.w_after = f(after as u64);
        page[i] = after;
    };
    let mut words = 0u64;
    match k {
        call::HALT | call::EXIT | call::EXIT_GROUP => {
            if p[reg::HALTED] != 0 {
                unproven(ev, "the machine has already halted");
            }
            write_page(r, &mut page, reg::EXIT_CODE, a0);
            page[reg::HALTED] = 1;
        }
        call::WRITE | call::WRITE_LINUX => {
            let (x, y) = match a0 {
                fd::STDOUT => (0, 0),
                fd::STDERR => (1, 0),
                fd::PUBLIC_VALUES => (0, 1),
                fd::HINT => (1, 1),
                _ => unproven(ev, "only fds 1, 2, 13 and 14 are proven"),
            };
            if a2 > MAX_WRITE {
                unproven(ev, "the length is above the VM's limit");
            }
            r.aux[0] = f(x);
            r.aux[1] = f(y);
            split(&mut r.limbs[0..2], (MAX_WRITE - a2) as u64);
        }
        call::COMMIT => {
            if a0 >= 8 {
                unproven(ev, "the digest word index is not 0..7");
            }
            split(&mut r.limbs[0..2], 7 - a0 as u64);
            write_page(r, &mut page, reg::DIGEST + a0 as usize, a1);
        }
        call::HINT_LEN => split(&mut r.limbs[0..2], ev.page_after[reg::GPR + 2] as u64),
        call::HINT_READ => {
            if a0 % 4 != 0 {
                unproven(ev, "the buffer is not 4-byte aligned");
            }
            words = (a1 as u64).div_ceil(4);
            let pad = words * 4 - a1 as u64;
            if a0 as u64 / 4 + words > 1 << 30 {
                unproven(ev, "the buffer wraps around the address space");
            }
            split(&mut r.limbs[0..2], a0 as u64 / 4);
            split(&mut r.limbs[2..4], words);
            split(&mut r.limbs[4..6], (1 << 30) - a0 as u64 / 4 - words);
            r.left = f(words);
            r.aux = [f(pad & 1), f(pad >> 1), f((words != 0) as u64)];
        }
        call::BRK => {
            let brk = p[reg::BRK];
            let ge = a0 >= brk;
            r.aux[0] = f(ge as u64);
            split(&mut r.limbs[0..2], if ge { a0 - brk } else { brk - a0 - 1 } as u64);
            write_page(r, &mut page, reg::BRK, a0.max(brk));
        }
        call::MMAP | call::MMAP2 => {
            let heap = p[reg::HEAP] as u64;
            let pages = (a1 as u64).div_ceil(4096);
            if a0 != 0 || a3 & MAP_FIXED != 0 || a1 == 0 || heap + 4096 * pages > MMAP_LIMIT as u64 {
                unproven(ev, "only mmap(0, len > 0) without MAP_FIXED that fits below MMAP_LIMIT is proven");
            }
            split(&mut r.limbs[0..2], (a3 >> 5) as u64);
            r.limbs[2] = f(4096 * (a3 as u64 & 31));
            r.limbs[3] = f(65536 * pages - 16 * a1 as u64);
            split(&mut r.limbs[4..6], pages - 1);
            let new = heap + 4096 * pages;
            split(&mut r.limbs[6..8], MMAP_LIMIT as u64 - new);
            write_page(r, &mut page, reg::HEAP, new as u32);
        }
        call::SET_THREAD_AREA => write_page(r, &mut page, reg::THREAD_PTR, a0),
        call::READ_BADF => r.aux[2] = f(a0 as u64).inverse(),
        _ => {}
    }
    let out = |o: Out, keep: u32| match o {
        Out::Keep => keep,
        Out::Const(c) => c,
        Out::Arg => r.arg.to_canonical_u64() as u32,
        Out::Limbs => (r.limbs[0] + r.limbs[1] * f(1 << 16)).to_canonical_u64() as u32,
        Out::WBefore => r.w_before.to_canonical_u64() as u32,
        Out::WAfter => r.w_after.to_canonical_u64() as u32,
    };
    let (v0, a3_out) = (out(CALLS[k].v0, number), out(CALLS[k].a3, a3));
    r.v0_out = f(v0 as u64);
    r.a3_out = f(a3_out as u64);
    page[reg::GPR + 2] = v0;
    page[reg::GPR + 7] = a3_out;
    if page != ev.page_after {
        let diff: Vec<_> = (0..reg::COUNT)
            .filter(|&i| page[i] != ev.page_after[i])
            .map(|i| format!("word {i}: VM {:#x}, proven {:#x}", ev.page_after[i], page[i]))
            .collect();
        unproven(ev, &format!("the VM's register page differs from the proven one ({})", diff.join(", ")));
    }
    let mem_writes: &[(u32, u32, u32)] = if accesses_in_own_table(k) { &[] } else { &ev.mem_writes };
    if mem_writes.len() as u64 != words {
        unproven(ev, &format!("{} memory writes, the call writes {words} words", mem_writes.len()));
    }
    rows.push(row);
    for (i, &(addr, before, after)) in mem_writes.iter().enumerate() {
        if addr != a0.wrapping_add(4 * i as u32) {
            unproven(ev, &format!("word {i} is written at {addr:#x}"));
        }
        let mut row = vec![F::ZERO; NUM_COLUMNS];
        let w = SyscallColumns::view_mut(&mut row);
        w.clk = f(ev.clk);
        w.is_word = F::ONE;
        w.last = f((i as u64 + 1 == words) as u64);
        w.left = f(words - i as u64);
        w.w_addr = f(addr as u64);
        w.w_before = f(before as u64);
        w.w_after = f(after as u64);
        split(&mut w.limbs[0..2], after as u64);
        rows.push(row);
    }
}

/// All rows of a segment's events, without padding.
fn all_rows(events: &[SyscallEvent]) -> Vec<Vec<F>> {
    let mut rows = Vec::with_capacity(events.len() + events.iter().map(|e| e.mem_writes.len()).sum::<usize>());
    for ev in events {
        event_rows(ev, &mut rows);
    }
    rows
}

/// The trace of a segment's syscalls: a call row per event, HINT_READ's word rows after its
/// call row, then at least one all-zero padding row, to a power-of-two height.
///
/// # Panics
/// On a call the table does not prove, naming it and its arguments: a number
/// [`check_supported`] rejects; WRITE or write to an fd other than 1, 2, 13, 14 or above the
/// VM's length limit; `mmap`/`mmap2` other than `mmap(0, len > 0)` without MAP_FIXED and within
/// MMAP_LIMIT; HINT_READ with an unaligned or wrapping buffer. Also if the event disagrees with
/// the proven semantics (its register page after the call, or its memory writes).
pub fn generate_trace(events: &[SyscallEvent]) -> Vec<PolynomialValues<F>> {
    let rows = all_rows(events);
    // The last row must be padding (see `air`).
    let min = (rows.len() + 1).max(MIN_ROWS);
    trace_columns(rows, &[F::ZERO; NUM_COLUMNS], min)
}

/// The memory accesses the table looks up for these events (the `MEM` tuples of
/// [`crate::ctl_mem`], in row order): what the prover must hand the memory table for them,
/// instead of the VM's own records of the call (which include WRITE's buffer reads, not proven).
pub fn mem_accesses(events: &[SyscallEvent]) -> Vec<MemAccess> {
    let lookups = mem_lookups();
    let mut out = Vec::new();
    for v in all_rows(events) {
        let v = &v[..];
        for l in &lookups {
            if l.filter.eval(v) == F::ONE {
                let [addr, ts, before, after] = l.tuple.each_ref().map(|x| x.eval(v).to_canonical_u64());
                out.push(MemAccess { addr, ts, before: before as u32, after: after as u32 });
            }
        }
    }
    out
}
