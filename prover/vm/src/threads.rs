//! Cooperative threads for Linux programs (ELF): `clone` creates a thread that shares memory,
//! and threads switch only inside system calls that block or yield (`futex` wait, `sched_yield`,
//! `nanosleep`, `epoll_wait`, `exit`). Scheduling is round-robin and deterministic, so a run is
//! reproducible and a checkpoint holds every thread.
//!
//! Why: Go's runtime hands work to other OS threads (Ms) when a goroutine blocks, most visibly
//! during garbage collection; with `clone` faked, as in Cannon, the GC must be patched out and a
//! long-running Go guest runs out of memory. Raw images (the Cannon test convention) keep
//! Cannon's single thread: `clone` returns 1 and creates nothing.
//!
//! Guest time is the instruction clock plus the time that waits skipped: when every thread is
//! blocked, the one with the earliest deadline wakes and the clock jumps to that deadline. With no
//! deadline left, the program is deadlocked and the VM stops with an error.

use serde::{Deserialize, Serialize};
use zkmips_isa::abi::errno;
use zkmips_isa::reg;

use crate::error::VmError;
use crate::machine::Machine;
use crate::syscall::NANOS_PER_CYCLE;

/// `ETIMEDOUT` on MIPS Linux.
pub const ETIMEDOUT: u32 = 145;

/// What a blocked thread waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wait {
    /// A futex word (woken by FUTEX_WAKE), or `None` for a plain sleep.
    pub futex: Option<u32>,
    /// Guest time (ns) at which the wait times out.
    pub deadline: Option<u64>,
    /// `$v0` if the wait times out (`$a3` is then 1 when it is an errno).
    pub timeout_errno: Option<u32>,
}

/// A thread that is not running.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub tid: u32,
    pub regs: [u32; 32],
    pub pc: u32,
    pub next_pc: u32,
    pub hi: u32,
    pub lo: u32,
    pub thread_ptr: u32,
    pub wait: Option<Wait>,
}

/// `CLONE_VM`: the child shares memory (a thread). Without it, `clone` is a fork.
const CLONE_VM: u32 = 0x100;
const CLONE_SETTLS: u32 = 0x80000;
const CLONE_PARENT_SETTID: u32 = 0x100000;

impl Machine {
    /// Guest time in nanoseconds.
    pub fn now_ns(&self) -> u64 {
        self.state.clk * NANOS_PER_CYCLE + self.state.time_offset_ns
    }

    /// The running thread as a [`Thread`], resuming after the current syscall with `v0`/`a3`.
    fn current_thread(&self, v0: u32, a3: u32, wait: Option<Wait>) -> Thread {
        let s = &self.state;
        let mut regs = s.regs;
        regs[reg::V0] = v0;
        regs[reg::A3] = a3;
        Thread {
            tid: s.tid,
            regs,
            pc: s.next_pc,
            next_pc: s.next_pc.wrapping_add(4),
            hi: s.hi,
            lo: s.lo,
            thread_ptr: s.thread_ptr,
            wait,
        }
    }

    fn load_thread(&mut self, t: Thread) {
        let s = &mut self.state;
        s.tid = t.tid;
        s.regs = t.regs;
        s.pc = t.pc;
        s.next_pc = t.next_pc;
        s.hi = t.hi;
        s.lo = t.lo;
        s.thread_ptr = t.thread_ptr;
        s.in_delay_slot = false;
    }

    /// `clone`: a new runnable thread that resumes after the syscall with `$v0 = 0`.
    pub(crate) fn sys_clone(&mut self, pc: u32, flags: u32, stack: u32, ptid: u32, tls: u32) -> Result<u32, VmError> {
        if flags & CLONE_VM == 0 {
            return Err(self.bad_syscall(
                pc,
                zkmips_isa::abi::sys::CLONE,
                format!("flags {flags:#x}: fork (no CLONE_VM) is not supported"),
            ));
        }
        let tid = self.state.next_tid;
        self.state.next_tid += 1;
        let mut child = self.current_thread(0, 0, None);
        child.tid = tid;
        if stack != 0 {
            child.regs[reg::SP] = stack;
        }
        if flags & CLONE_SETTLS != 0 {
            child.thread_ptr = tls;
        }
        if flags & CLONE_PARENT_SETTID != 0 && ptid >= self.state.null_guard && ptid & 3 == 0 {
            self.state.memory.write_word(ptid, tid);
        }
        self.state.threads.push(child);
        Ok(tid)
    }

    /// Wakes up to `n` threads waiting on the futex at `addr`; returns how many woke.
    pub(crate) fn futex_wake(&mut self, addr: u32, n: u32) -> u32 {
        let mut woken = 0;
        for t in &mut self.state.threads {
            if woken == n {
                break;
            }
            if matches!(t.wait, Some(Wait { futex: Some(a), .. }) if a == addr) {
                t.wait = None;
                woken += 1;
            }
        }
        woken
    }

    /// Blocks the running thread (it resumes with `$v0 = 0, $a3 = 0` when woken, or with the
    /// wait's timeout result) and switches to another.
    pub(crate) fn block(&mut self, pc: u32, wait: Wait) -> Result<(), VmError> {
        let me = self.current_thread(0, 0, Some(wait));
        self.state.threads.push(me);
        self.schedule(pc)
    }

    /// Moves the running thread to the back of the queue and runs the next runnable one
    /// (possibly itself); `v0` is its syscall result.
    pub(crate) fn yield_now(&mut self, pc: u32, v0: u32) -> Result<(), VmError> {
        let me = self.current_thread(v0, 0, None);
        self.state.threads.push(me);
        self.schedule(pc)
    }

    /// Ends the running thread; returns false if it was the last one.
    pub(crate) fn exit_thread(&mut self, pc: u32) -> Result<bool, VmError> {
        if self.state.threads.is_empty() {
            return Ok(false);
        }
        self.schedule(pc)?;
        Ok(true)
    }

    /// Runs the first runnable thread in the queue; if all are blocked, wakes the one with the
    /// earliest deadline and moves guest time to it.
    fn schedule(&mut self, pc: u32) -> Result<(), VmError> {
        let now = self.now_ns();
        let threads = &mut self.state.threads;
        let index = match threads.iter().position(|t| t.wait.is_none()) {
            Some(i) => i,
            None => {
                let Some((i, deadline)) = threads
                    .iter()
                    .enumerate()
                    .filter_map(|(i, t)| Some((i, t.wait?.deadline?)))
                    .min_by_key(|&(i, d)| (d, i))
                else {
                    return Err(VmError::Deadlock { pc, threads: threads.len() });
                };
                self.state.time_offset_ns += deadline.saturating_sub(now);
                let t = &mut self.state.threads[i];
                if let Some(e) = t.wait.and_then(|w| w.timeout_errno) {
                    t.regs[reg::V0] = e;
                    t.regs[reg::A3] = 1;
                }
                t.wait = None;
                i
            }
        };
        let t = self.state.threads.remove(index);
        self.load_thread(t);
        Ok(())
    }
}

/// A relative timeout as a deadline, or `None` for "wait forever".
pub(crate) fn deadline(now: u64, timeout_ns: Option<u64>) -> Option<u64> {
    timeout_ns.map(|t| now.saturating_add(t))
}

/// Result code of a futex wait whose word no longer holds the expected value.
pub(crate) const FUTEX_MISMATCH: u32 = errno::EAGAIN;
