//! Pipes and epoll, enough for Go's runtime poller and `os.Pipe`: a pipe is a byte buffer inside
//! the machine state; `epoll` reports readiness edge-triggered (each change once), which is how
//! Go registers its fds. Other fds never become ready.

use serde::{Deserialize, Serialize};

use crate::machine::Machine;
use crate::trace::Tracer;

pub const EPOLLIN: u32 = 0x1;
pub const EPOLLOUT: u32 = 0x4;
pub const EPOLLHUP: u32 = 0x10;
pub const EPOLLRDHUP: u32 = 0x2000;
/// `O_NONBLOCK` on MIPS Linux.
pub const O_NONBLOCK: u32 = 0x80;
/// Size of `struct epoll_event` on MIPS o32: events (u32), padding, data (u64).
const EPOLL_EVENT_SIZE: u32 = 16;

/// A pipe: bytes written to `write_fd` and not yet read from `read_fd`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipe {
    pub read_fd: u32,
    pub write_fd: u32,
    pub buf: Vec<u8>,
    pub write_closed: bool,
}

/// An fd registered with epoll, and the events that happened since it was last reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpollEntry {
    pub fd: u32,
    pub interest: u32,
    pub data: u64,
    pub pending: u32,
}

/// What a `read` of a pipe does.
pub(crate) enum PipeRead {
    Data(Vec<u8>),
    Eof,
    WouldBlock,
}

impl Machine {
    pub(crate) fn pipe_create(&mut self, read_fd: u32, write_fd: u32) {
        self.state.pipes.push(Pipe { read_fd, write_fd, buf: Vec::new(), write_closed: false });
    }

    /// Marks events on `fd` for epoll and wakes threads waiting in `epoll_wait`.
    fn notify(&mut self, fd: u32, events: u32) {
        let mut any = false;
        for e in self.state.epoll.iter_mut().filter(|e| e.fd == fd) {
            e.pending |= events;
            any = true;
        }
        if any {
            self.wake_epoll_waiters();
        }
    }

    /// Appends to a pipe if `fd` is a write end; `None` if it is not.
    pub(crate) fn pipe_write(&mut self, fd: u32, bytes: &[u8]) -> Option<()> {
        let pipe = self.state.pipes.iter_mut().find(|p| p.write_fd == fd)?;
        pipe.buf.extend_from_slice(bytes);
        let read_fd = pipe.read_fd;
        self.notify(read_fd, EPOLLIN);
        Some(())
    }

    /// Reads up to `len` bytes if `fd` is a read end; `None` if it is not.
    pub(crate) fn pipe_read(&mut self, fd: u32, len: u32) -> Option<PipeRead> {
        let pipe = self.state.pipes.iter_mut().find(|p| p.read_fd == fd)?;
        Some(if !pipe.buf.is_empty() {
            let n = (len as usize).min(pipe.buf.len());
            PipeRead::Data(pipe.buf.drain(..n).collect())
        } else if pipe.write_closed {
            PipeRead::Eof
        } else {
            PipeRead::WouldBlock
        })
    }

    /// Closes `fd`: a pipe's write end signals end of file to its reader.
    pub(crate) fn close_fd(&mut self, fd: u32) {
        self.state.epoll.retain(|e| e.fd != fd);
        if let Some(pipe) = self.state.pipes.iter_mut().find(|p| p.write_fd == fd) {
            pipe.write_closed = true;
            let read_fd = pipe.read_fd;
            self.notify(read_fd, EPOLLIN | EPOLLHUP | EPOLLRDHUP);
        }
        self.state.pipes.retain(|p| p.read_fd != fd);
        self.state.fds.retain(|&f| f != fd);
    }

    /// The events `fd` has right now (a level): what a new registration reports first.
    fn readiness(&self, fd: u32) -> u32 {
        match self.state.pipes.iter().find(|p| p.read_fd == fd || p.write_fd == fd) {
            Some(p) if p.write_fd == fd => EPOLLOUT,
            Some(p) if p.write_closed => EPOLLIN | EPOLLHUP | EPOLLRDHUP,
            Some(p) if !p.buf.is_empty() => EPOLLIN,
            _ => 0,
        }
    }

    /// `epoll_ctl`: 1 = ADD, 2 = DEL, 3 = MOD. Returns an errno on failure.
    pub(crate) fn epoll_ctl<T: Tracer>(&mut self, t: &mut T, op: u32, fd: u32, event: u32) -> Result<(), u32> {
        use zkmips_isa::abi::errno::{EFAULT, EINVAL};
        let read_event = |m: &mut Machine, t: &mut T| -> Result<(u32, u64), u32> {
            if event & 3 != 0 || event < m.state.null_guard {
                return Err(EFAULT);
            }
            let events = m.load(t, event);
            let lo = m.load(t, event.wrapping_add(8)) as u64;
            let hi = m.load(t, event.wrapping_add(12)) as u64;
            Ok((events, lo | (hi << 32)))
        };
        match op {
            1 | 3 => {
                let (interest, data) = read_event(self, t)?;
                self.state.epoll.retain(|e| e.fd != fd);
                let pending = self.readiness(fd);
                self.state.epoll.push(EpollEntry { fd, interest, data, pending });
                Ok(())
            }
            2 => {
                self.state.epoll.retain(|e| e.fd != fd);
                Ok(())
            }
            _ => Err(EINVAL),
        }
    }

    /// Reports (and clears) pending events into the guest's `events` array; returns how many.
    pub(crate) fn epoll_collect<T: Tracer>(&mut self, t: &mut T, events: u32, max: u32) -> u32 {
        let mut n = 0;
        for i in 0..self.state.epoll.len() {
            if n == max {
                break;
            }
            let e = &mut self.state.epoll[i];
            let ready = e.pending & (e.interest | EPOLLHUP);
            if ready == 0 {
                continue;
            }
            e.pending = 0;
            let data = e.data;
            let at = events.wrapping_add(n * EPOLL_EVENT_SIZE);
            self.store(t, at, ready);
            self.store(t, at.wrapping_add(8), data as u32);
            self.store(t, at.wrapping_add(12), (data >> 32) as u32);
            n += 1;
        }
        n
    }
}
