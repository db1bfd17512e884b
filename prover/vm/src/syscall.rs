//! System calls: the zkVM calls and the Linux o32 subset of `../shared/ABI.md`.
//!
//! Linux calls report success with `$a3 = 0` and failure with `$a3 = 1` and a positive errno in
//! `$v0`, as Linux does (Go's syscall stubs rely on it). zkVM calls leave `$a3` alone.

use std::io::Write;

use zkmips_isa::abi::{errno, fd, sys, HINT_END, PAGE_SIZE};
use zkmips_isa::events::SyscallEvent;
use zkmips_isa::reg;

use crate::error::VmError;
use crate::machine::{Machine, MMAP_LIMIT};
use crate::pipes::{PipeRead, O_NONBLOCK};
use crate::precompiles;
use crate::threads::{deadline, Wait, ETIMEDOUT, FUTEX_MISMATCH};
use crate::trace::Tracer;

/// The futex key that epoll waits block on: a write to the poller's pipe wakes them. Not a
/// valid word address (odd), so no guest futex can collide with it.
const EPOLL_WAKE_KEY: u32 = 1;

/// Largest buffer a single WRITE may pass (a guard against a wild length).
const MAX_WRITE: u32 = 1 << 28;
/// Nanoseconds of guest time per executed instruction (a nominal 1 GHz machine).
pub const NANOS_PER_CYCLE: u64 = 1;

/// `MAP_FIXED` in MIPS Linux's `mmap` flags.
const MAP_FIXED: u32 = 0x10;

/// Linux calls that do nothing and return 0 (ABI.md, "Linux calls"; `open` and `openat` are not
/// here: they fail with ENOENT, since the VM has no files and an fd that reads as empty would
/// hide that).
const NOOPS: &[u32] = &[
    sys::MUNMAP,
    sys::RT_SIGACTION,
    sys::RT_SIGPROCMASK,
    sys::SIGALTSTACK,
    sys::FSTAT64,
    sys::MADVISE,
    sys::SCHED_GETAFFINITY,
    sys::PRLIMIT64,
];

/// Name of a syscall number, for errors and statistics.
pub fn syscall_name(n: u32) -> &'static str {
    match n {
        sys::HALT => "HALT",
        sys::WRITE => "WRITE",
        sys::COMMIT => "COMMIT",
        sys::HINT_LEN => "HINT_LEN",
        sys::HINT_READ => "HINT_READ",
        sys::KECCAK_SPONGE => "KECCAK_SPONGE",
        sys::SHA_EXTEND => "SHA_EXTEND",
        sys::SHA_COMPRESS => "SHA_COMPRESS",
        sys::SECP256K1_ADD => "SECP256K1_ADD",
        sys::SECP256K1_DOUBLE => "SECP256K1_DOUBLE",
        sys::SECP256K1_DECOMPRESS => "SECP256K1_DECOMPRESS",
        sys::READ => "read",
        sys::WRITE_LINUX => "write",
        sys::BRK => "brk",
        sys::FCNTL => "fcntl",
        sys::EPOLL_WAIT => "epoll_wait",
        sys::NANOSLEEP => "nanosleep",
        sys::PIPE2 => "pipe2",
        sys::FCNTL64 => "fcntl64",
        sys::MMAP => "mmap",
        sys::MMAP2 => "mmap2",
        sys::CLONE => "clone",
        sys::EXIT_GROUP => "exit_group",
        sys::FUTEX => "futex",
        sys::CLOCK_GETTIME => "clock_gettime",
        sys::SET_THREAD_AREA => "set_thread_area",
        _ => "syscall",
    }
}

impl Machine {
    fn reg(&self, r: usize) -> u32 {
        self.state.regs[r]
    }

    fn linux_ok(&mut self, v: u32) {
        self.state.regs[reg::V0] = v;
        self.state.regs[reg::A3] = 0;
    }

    fn linux_err(&mut self, errno: u32) {
        self.state.regs[reg::V0] = errno;
        self.state.regs[reg::A3] = 1;
    }

    #[cold]
    pub(crate) fn bad_syscall(&self, pc: u32, number: u32, problem: String) -> VmError {
        VmError::BadSyscall { pc, name: syscall_name(number), problem }
    }

    /// Reads `len` guest bytes at `addr`, one traced load per word.
    pub(crate) fn read_guest_bytes<T: Tracer>(&mut self, t: &mut T, addr: u32, len: u32) -> Vec<u8> {
        let mut out = Vec::with_capacity(len as usize);
        let be = self.state.big_endian;
        let mut a = addr;
        let end = addr.wrapping_add(len);
        while out.len() < len as usize {
            let word = self.load(t, a);
            let bytes = if be { word.to_be_bytes() } else { word.to_le_bytes() };
            let from = (a & 3) as usize;
            let take = (4 - from).min(end.wrapping_sub(a) as usize);
            out.extend_from_slice(&bytes[from..from + take]);
            a = a.wrapping_add(take as u32);
        }
        out
    }

    /// Writes guest bytes at `addr`, one traced store per word (bytes outside the range kept).
    pub(crate) fn write_guest_bytes<T: Tracer>(&mut self, t: &mut T, addr: u32, data: &[u8]) {
        let be = self.state.big_endian;
        let mut a = addr;
        let mut rest = data;
        while !rest.is_empty() {
            let word = self.state.memory.read_word(a);
            let mut bytes = if be { word.to_be_bytes() } else { word.to_le_bytes() };
            let from = (a & 3) as usize;
            let take = (4 - from).min(rest.len());
            bytes[from..from + take].copy_from_slice(&rest[..take]);
            let new = if be { u32::from_be_bytes(bytes) } else { u32::from_le_bytes(bytes) };
            self.store(t, a, new);
            rest = &rest[take..];
            a = a.wrapping_add(take as u32);
        }
    }

    pub(crate) fn wake_epoll_waiters(&mut self) {
        self.futex_wake(EPOLL_WAKE_KEY, u32::MAX);
    }

    fn new_fd(&mut self) -> u32 {
        let fd = self.state.fds.last().map_or(3, |&f| f + 1);
        self.state.fds.push(fd);
        fd
    }

    /// Linux `mmap` placement: `MAP_FIXED` is obeyed; otherwise a hint is honoured where the
    /// range is free, and anything else goes to the first free range from `heap` upwards.
    fn mmap(&mut self, hint: u32, len: u32, flags: u32) -> Result<u32, u32> {
        if len == 0 {
            return Err(errno::EINVAL);
        }
        let len = len.checked_next_multiple_of(PAGE_SIZE).ok_or(errno::ENOMEM)?;
        let overlap = |s: &crate::State, start: u32, end: u32| {
            s.mappings.iter().find(|&&(ms, me)| start < me && ms < end).copied()
        };
        let start = match hint.checked_add(len) {
            Some(end) if flags & MAP_FIXED != 0 || (hint != 0 && overlap(&self.state, hint, end).is_none()) => hint,
            _ => {
                let mut at = self.state.heap;
                loop {
                    let end = at.checked_add(len).filter(|&e| e <= MMAP_LIMIT).ok_or(errno::ENOMEM)?;
                    match overlap(&self.state, at, end) {
                        Some((_, busy_end)) => at = busy_end.next_multiple_of(PAGE_SIZE),
                        None => break,
                    }
                }
                self.state.heap = at + len;
                at
            }
        };
        add_range(&mut self.state.mappings, start, start.saturating_add(len));
        Ok(start)
    }

    /// Reads a relative `struct timespec` (two words) as nanoseconds.
    fn read_timespec<T: Tracer>(&mut self, t: &mut T, pc: u32, number: u32, addr: u32) -> Result<u64, VmError> {
        if addr & 3 != 0 || addr < self.state.null_guard {
            return Err(self.bad_syscall(pc, number, format!("timespec pointer {addr:#010x} is invalid")));
        }
        let sec = self.load(t, addr) as u64;
        let nsec = self.load(t, addr.wrapping_add(4)) as u64;
        Ok(sec * 1_000_000_000 + nsec)
    }

    /// Executes the `syscall` instruction at `pc`. Returns true if it switched threads (the
    /// new thread's pc is then already set).
    pub(crate) fn syscall<T: Tracer>(&mut self, t: &mut T, pc: u32) -> Result<bool, VmError> {
        let mut switched = false;
        let number = self.reg(reg::V0);
        let args = [self.reg(reg::A0), self.reg(reg::A1), self.reg(reg::A2), self.reg(reg::A3)];
        let [a0, a1, a2, _] = args;
        match number {
            sys::HALT => self.state.exit_code = Some(a0),
            sys::EXIT_GROUP => {
                self.state.exit_code = Some(a0);
                self.linux_ok(0);
            }
            sys::WRITE | sys::WRITE_LINUX => {
                let linux = number == sys::WRITE_LINUX;
                if a2 > MAX_WRITE {
                    return Err(self.bad_syscall(pc, number, format!("length {a2} is too large")));
                }
                let known = matches!(a0, fd::STDOUT | fd::STDERR | fd::PUBLIC_VALUES | fd::HINT);
                if linux && self.state.fds.contains(&a0) {
                    let bytes = self.read_guest_bytes(t, a1, a2);
                    match self.pipe_write(a0, &bytes) {
                        Some(()) => self.linux_ok(a2),
                        None => self.linux_err(errno::EBADF),
                    }
                } else if !known {
                    if linux {
                        self.linux_err(errno::EBADF);
                    } else {
                        self.state.regs[reg::V0] = errno::EBADF.wrapping_neg();
                    }
                } else {
                    let bytes = self.read_guest_bytes(t, a1, a2);
                    match a0 {
                        fd::STDOUT => {
                            let _ = self.stdout.write_all(&bytes);
                        }
                        fd::STDERR => {
                            let _ = self.stderr.write_all(&bytes);
                        }
                        fd::PUBLIC_VALUES => self.state.public_values.extend_from_slice(&bytes),
                        _ => self.state.input.push(bytes),
                    }
                    if linux {
                        self.linux_ok(a2);
                    } else {
                        self.state.regs[reg::V0] = a2;
                    }
                }
            }
            sys::COMMIT => {
                if a0 >= 8 {
                    return Err(self.bad_syscall(pc, number, format!("digest word index {a0} is not 0..7")));
                }
                self.state.digest[a0 as usize] = a1;
            }
            sys::HINT_LEN => {
                let len = match self.state.input.get(self.state.input_pos) {
                    Some(item) => item.len() as u32,
                    None => HINT_END,
                };
                self.state.regs[reg::V0] = len;
            }
            sys::HINT_READ => {
                let Some(item) = self.state.input.get(self.state.input_pos) else {
                    return Err(VmError::InputExhausted { pc, consumed: self.state.input_pos });
                };
                if a0 & 3 != 0 {
                    return Err(self.bad_syscall(pc, number, format!("buffer {a0:#010x} is not 4-byte aligned")));
                }
                if a1 as usize != item.len() {
                    let problem = format!(
                        "length {a1} does not match input item {} of {} bytes",
                        self.state.input_pos,
                        item.len()
                    );
                    return Err(self.bad_syscall(pc, number, problem));
                }
                // Bytes in memory order; the last word's padding bytes are zeroed.
                let mut data = std::mem::take(&mut self.state.input[self.state.input_pos]);
                let len = data.len();
                data.resize(len.next_multiple_of(4), 0);
                self.write_guest_bytes(t, a0, &data);
                data.truncate(len);
                self.state.input[self.state.input_pos] = data;
                self.state.input_pos += 1;
            }
            sys::KECCAK_SPONGE => precompiles::keccak_sponge(self, t, pc, a0, a1)?,
            sys::SHA_EXTEND => precompiles::sha_extend(self, t, pc, a0)?,
            sys::SHA_COMPRESS => precompiles::sha_compress(self, t, pc, a0, a1)?,
            sys::SECP256K1_ADD => precompiles::secp256k1_add(self, t, pc, a0, a1)?,
            sys::SECP256K1_DOUBLE => precompiles::secp256k1_double(self, t, pc, a0)?,
            sys::SECP256K1_DECOMPRESS => precompiles::secp256k1_decompress(self, t, pc, a0, a1)?,
            sys::MMAP | sys::MMAP2 => match self.mmap(a0, a1, args[3]) {
                Ok(at) => self.linux_ok(at),
                Err(e) => self.linux_err(e),
            },
            sys::BRK => {
                self.state.brk = self.state.brk.max(a0);
                let brk = self.state.brk;
                self.linux_ok(brk);
            }
            sys::CLONE if !self.state.threaded => self.linux_ok(1),
            sys::CLONE => {
                let ptid = a2;
                let tid = self.sys_clone(pc, a0, a1, ptid, args[3])?;
                self.linux_ok(tid)
            }
            sys::EXIT => {
                if self.exit_thread(pc)? {
                    switched = true;
                } else {
                    self.state.exit_code = Some(a0);
                }
            }
            sys::READ => {
                if a0 == 0 {
                    self.linux_ok(0)
                } else if self.state.fds.contains(&a0) {
                    match self.pipe_read(a0, a2) {
                        Some(PipeRead::Data(bytes)) => {
                            self.write_guest_bytes(t, a1, &bytes);
                            self.linux_ok(bytes.len() as u32)
                        }
                        Some(PipeRead::Eof) => self.linux_ok(0),
                        Some(PipeRead::WouldBlock) => self.linux_err(errno::EAGAIN),
                        None => self.linux_err(errno::EINVAL),
                    }
                } else {
                    self.linux_err(errno::EBADF)
                }
            }
            sys::OPEN | sys::OPENAT => self.linux_err(errno::ENOENT),
            // Go's runtime sets up its network poller (an epoll fd and a wake-up pipe) before
            // the first timer; the VM gives it fds that never become ready.
            sys::EPOLL_CREATE | sys::EPOLL_CREATE1 => {
                let fd = self.new_fd();
                self.linux_ok(fd)
            }
            sys::PIPE2 => {
                if a0 < self.state.null_guard || a0 & 3 != 0 {
                    self.linux_err(errno::EFAULT);
                } else {
                    let (r, w) = (self.new_fd(), self.new_fd());
                    self.pipe_create(r, w);
                    self.store(t, a0, r);
                    self.store(t, a0.wrapping_add(4), w);
                    self.linux_ok(0);
                }
            }
            sys::CLOSE => {
                self.close_fd(a0);
                self.linux_ok(0);
            }
            sys::EPOLL_CTL => match self.epoll_ctl(t, a1, a2, args[3]) {
                Ok(()) => self.linux_ok(0),
                Err(e) => self.linux_err(e),
            },
            sys::EPOLL_WAIT => {
                // Pending events first; else a wait is a sleep for its timeout (forever if
                // negative) that a pipe write or close cuts short.
                let timeout_ms = args[3] as i32;
                let ready = if a1 & 3 == 0 && a1 >= self.state.null_guard { self.epoll_collect(t, a1, a2) } else { 0 };
                if ready > 0 {
                    self.linux_ok(ready);
                } else if timeout_ms == 0 {
                    self.linux_ok(0);
                } else {
                    let timeout = (timeout_ms > 0).then(|| timeout_ms as u64 * 1_000_000);
                    let deadline = deadline(self.now_ns(), timeout);
                    self.block(pc, Wait { futex: Some(EPOLL_WAKE_KEY), deadline, timeout_errno: None })?;
                    switched = true;
                }
            }
            // fcntl64 is what Go's os package calls on 32-bit MIPS; same subset as fcntl.
            sys::FCNTL | sys::FCNTL64 if self.state.fds.contains(&a0) => match a1 {
                // F_GETFD: close-on-exec; F_GETFL: non-blocking; the setters change nothing.
                1 => self.linux_ok(1),
                3 => self.linux_ok(O_NONBLOCK),
                2 | 4 => self.linux_ok(0),
                _ => self.linux_err(errno::EINVAL),
            },
            sys::FCNTL | sys::FCNTL64 => match (a1, a0) {
                (1, 0..=2) => self.linux_ok(a0),
                (3, 0) => self.linux_ok(0),
                (3, 1 | 2) => self.linux_ok(1),
                _ => self.linux_err(errno::EBADF),
            },
            sys::SET_THREAD_AREA => {
                self.state.thread_ptr = a0;
                self.linux_ok(0);
            }
            sys::CLOCK_GETTIME => {
                let nanos = self.now_ns();
                let sec = (nanos / 1_000_000_000) as u32;
                let nsec = (nanos % 1_000_000_000) as u32;
                if a1 & 3 != 0 {
                    return Err(self.bad_syscall(pc, number, format!("timespec {a1:#010x} is not aligned")));
                }
                self.store(t, a1, sec);
                self.store(t, a1.wrapping_add(4), nsec);
                self.linux_ok(0);
            }
            sys::FUTEX => {
                const FUTEX_WAIT: u32 = 0;
                const FUTEX_WAKE: u32 = 1;
                match a1 & 0x7F {
                    FUTEX_WAIT => {
                        if a0 & 3 != 0 || a0 < self.state.null_guard {
                            self.linux_err(errno::EFAULT);
                        } else if self.load(t, a0) != a2 {
                            self.linux_err(FUTEX_MISMATCH);
                        } else {
                            let timeout = match args[3] {
                                0 => None,
                                ts => Some(self.read_timespec(t, pc, number, ts)?),
                            };
                            let deadline = deadline(self.now_ns(), timeout);
                            self.block(pc, Wait { futex: Some(a0), deadline, timeout_errno: Some(ETIMEDOUT) })?;
                            switched = true;
                        }
                    }
                    FUTEX_WAKE => {
                        let woken = self.futex_wake(a0, a2);
                        self.linux_ok(woken);
                    }
                    op => return Err(self.bad_syscall(pc, number, format!("futex operation {op} is not supported"))),
                }
            }
            sys::SCHED_YIELD => {
                if self.state.threads.is_empty() {
                    self.linux_ok(0);
                } else {
                    self.yield_now(pc, 0)?;
                    switched = true;
                }
            }
            sys::NANOSLEEP => {
                // Sleeping moves guest time on (or lets other threads run) instead of spinning.
                let duration = self.read_timespec(t, pc, number, a0)?;
                let deadline = Some(self.now_ns().saturating_add(duration));
                self.block(pc, Wait { futex: None, deadline, timeout_errno: None })?;
                switched = true;
            }
            sys::GETTID => {
                let tid = self.state.tid;
                self.linux_ok(tid)
            }
            sys::GETPID => self.linux_ok(1),
            n if NOOPS.contains(&n) => self.linux_ok(0),
            _ => return Err(VmError::UnknownSyscall { pc, number }),
        }
        if T::ENABLED {
            let ev = SyscallEvent { clk: self.state.clk, number, args, v0: self.reg(reg::V0), a3: self.reg(reg::A3) };
            t.syscall(ev);
        }
        Ok(switched)
    }
}

/// Adds `[start, end)` to a sorted list of disjoint ranges, merging overlaps and neighbours.
fn add_range(ranges: &mut Vec<(u32, u32)>, start: u32, end: u32) {
    let (mut start, mut end) = (start, end);
    ranges.retain(|&(s, e)| {
        if s <= end && start <= e {
            start = start.min(s);
            end = end.max(e);
            false
        } else {
            true
        }
    });
    let at = ranges.partition_point(|&(s, _)| s < start);
    ranges.insert(at, (start, end));
}

#[cfg(test)]
mod tests {
    use super::add_range;

    #[test]
    fn ranges_merge() {
        let mut r = vec![(0x1000, 0x2000), (0x8000, 0x9000)];
        add_range(&mut r, 0x2000, 0x3000);
        assert_eq!(r, [(0x1000, 0x3000), (0x8000, 0x9000)]);
        add_range(&mut r, 0x5000, 0x6000);
        assert_eq!(r, [(0x1000, 0x3000), (0x5000, 0x6000), (0x8000, 0x9000)]);
        add_range(&mut r, 0x2800, 0x8800);
        assert_eq!(r, [(0x1000, 0x9000)]);
    }
}
