//! Formatted output to the host's stdout/stderr, behind `print!`, `println!`, `eprint!`,
//! `eprintln!` and the panic handler.
//!
//! Output goes through a small buffer on the stack rather than the heap, so that printing works
//! even when the heap is exhausted (the panic after a failed allocation must still be reported),
//! and a typical line costs one WRITE call instead of one per formatted piece.

use core::fmt;

use crate::syscall;

const BUF_LEN: usize = 256;

/// A buffered writer to a VM file descriptor; flushes when full and when dropped.
pub struct FdWriter {
    fd: u32,
    len: usize,
    buf: [u8; BUF_LEN],
}

impl FdWriter {
    /// A writer to `fd` (see [`syscall::FD_STDOUT`] and friends).
    pub const fn new(fd: u32) -> Self {
        FdWriter { fd, len: 0, buf: [0; BUF_LEN] }
    }

    /// Sends the buffered bytes to the host.
    pub fn flush(&mut self) {
        syscall::write(self.fd, &self.buf[..self.len]);
        self.len = 0;
    }

    /// Formats `args` to `fd`; what the printing macros call.
    pub fn write_fmt_to(fd: u32, args: fmt::Arguments<'_>) {
        if let Some(s) = args.as_str() {
            syscall::write(fd, s.as_bytes());
            return;
        }
        let mut w = FdWriter::new(fd);
        // Our `write_str` never fails; an error can only come from a `Display` impl, and like
        // `std::print!` on a closed pipe, there is nothing useful to do about it here.
        let _ = fmt::Write::write_fmt(&mut w, args);
    }
}

impl fmt::Write for FdWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let bytes = s.as_bytes();
        if self.len + bytes.len() > BUF_LEN {
            self.flush();
        }
        if bytes.len() >= BUF_LEN {
            syscall::write(self.fd, bytes);
        } else {
            self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
        }
        Ok(())
    }
}

impl Drop for FdWriter {
    fn drop(&mut self) {
        self.flush();
    }
}
