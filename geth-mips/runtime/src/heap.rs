//! The guest heap: a bump allocator that never frees.
//!
//! The heap starts at the linker symbol `_end` (the end of the loaded image, where the VM also
//! starts brk) and may grow up to [`HEAP_END`], the start of the VM's mmap area (`0x20000000` in
//! `shared/ABI.md`). We take memory directly rather than through mmap because it costs no VM calls
//! and the guest is the only user of that range: this runtime never calls brk or mmap. Memory the
//! VM hands out starts zeroed, but we do not rely on that (see `alloc_zeroed`).
//!
//! A guest runs once and exits, so never reusing freed memory is the usual trade-off in zkVMs:
//! allocation is a few instructions. The one reuse we do is growing or shrinking the most recent
//! allocation in place, which makes a growing `Vec` cheap.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::ptr;

/// The first address the heap may not use: the start of the VM's mmap area.
pub const HEAP_END: usize = 0x2000_0000;

/// Every allocation is at least this aligned, so that HINT_READ (which wants a 4-aligned buffer)
/// can write straight into the buffer of a `Vec<u8>`.
pub const MIN_ALIGN: usize = 4;

/// A bump allocator over `[start, end)`; see the [module docs](self).
pub struct BumpAllocator {
    /// The next free address; 0 until the first allocation, which takes the start from `_end`.
    next: Cell<usize>,
    /// The first address past the heap.
    end: usize,
}

// SAFETY: the guest machine is single-threaded (the target has `singlethread` set and the VM runs
// one hart), so the `Cell` is never accessed concurrently.
unsafe impl Sync for BumpAllocator {}

impl BumpAllocator {
    /// The guest's heap: from `_end` to [`HEAP_END`].
    pub const fn new() -> Self {
        BumpAllocator { next: Cell::new(0), end: HEAP_END }
    }

    /// A heap over `[start, end)`.
    ///
    /// # Assumptions
    /// The range is valid, writable memory that nothing else uses, and `start != 0`.
    pub const fn from_region(start: usize, end: usize) -> Self {
        BumpAllocator { next: Cell::new(start), end }
    }

    fn next(&self) -> usize {
        match self.next.get() {
            0 => image_end(),
            next => next,
        }
    }
}

impl Default for BumpAllocator {
    fn default() -> Self {
        Self::new()
    }
}

/// The end of the loaded image, where the heap starts.
#[cfg(all(target_arch = "mips", target_os = "none"))]
fn image_end() -> usize {
    unsafe extern "C" {
        /// Defined by the linker at the end of the image (after .bss).
        static _end: u8;
    }
    // Only the symbol's address is used, never its value.
    (&raw const _end) as usize
}

/// Off the VM there is no image to follow: only [`BumpAllocator::from_region`] heaps work.
#[cfg(not(all(target_arch = "mips", target_os = "none")))]
fn image_end() -> usize {
    0
}

unsafe impl GlobalAlloc for BumpAllocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let align = layout.align().max(MIN_ALIGN);
        let Some(start) = self.next().checked_add(align - 1).map(|a| a & !(align - 1)) else {
            return ptr::null_mut();
        };
        match start.checked_add(layout.size()) {
            Some(end) if end <= self.end => {
                self.next.set(end);
                start as *mut u8
            }
            // A null return makes `alloc` call the allocation error handler, which panics.
            _ => ptr::null_mut(),
        }
    }

    #[inline]
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let addr = ptr as usize;
        // The most recent allocation ends at `next`: resize it where it is.
        if addr + layout.size() == self.next() {
            match addr.checked_add(new_size) {
                Some(end) if end <= self.end => {
                    self.next.set(end);
                    return ptr;
                }
                _ => return ptr::null_mut(),
            }
        }
        // SAFETY: `GlobalAlloc::realloc`'s contract is passed through; `new_size` with the old
        // alignment is a valid layout per that contract.
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = self.alloc(new_layout);
            if !new.is_null() {
                ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            }
            new
        }
    }
}

#[cfg(all(target_arch = "mips", target_os = "none", not(test)))]
#[global_allocator]
static HEAP: BumpAllocator = BumpAllocator::new();

#[cfg(test)]
mod tests {
    use super::*;

    #[repr(align(16))]
    struct Arena([u8; 256]);

    #[test]
    fn allocations_are_aligned_and_bounded() {
        let mut arena = Arena([0; 256]);
        let start = arena.0.as_mut_ptr() as usize;
        let heap = BumpAllocator::from_region(start, start + 256);
        unsafe {
            let a = heap.alloc(Layout::from_size_align(3, 1).unwrap()) as usize;
            let b = heap.alloc(Layout::from_size_align(5, 1).unwrap()) as usize;
            let c = heap.alloc(Layout::from_size_align(8, 16).unwrap()) as usize;
            assert_eq!(a, start);
            assert_eq!(b, start + 4, "every allocation is 4-aligned");
            assert_eq!(c, start + 16);
            assert!(heap.alloc(Layout::from_size_align(512, 4).unwrap()).is_null());
            assert!(heap.alloc(Layout::from_size_align(isize::MAX as usize - 8, 4).unwrap()).is_null());
        }
    }

    #[test]
    fn last_allocation_resizes_in_place() {
        let mut arena = Arena([0; 256]);
        let start = arena.0.as_mut_ptr() as usize;
        let heap = BumpAllocator::from_region(start, start + 256);
        unsafe {
            let l4 = Layout::from_size_align(4, 4).unwrap();
            let a = heap.alloc(l4);
            a.cast::<u32>().write(0xdead_beef);
            let grown = heap.realloc(a, l4, 100);
            assert_eq!(grown, a);
            let b = heap.alloc(l4);
            assert_eq!(b as usize, start + 100);
            // `a` is no longer the last allocation: it moves, keeping its contents.
            let moved = heap.realloc(a, Layout::from_size_align(100, 4).unwrap(), 120);
            assert_eq!(moved as usize, start + 104);
            assert_eq!(moved.cast::<u32>().read(), 0xdead_beef);
            assert!(heap.realloc(moved, Layout::from_size_align(120, 4).unwrap(), 1000).is_null());
        }
    }
}
