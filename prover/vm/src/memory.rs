//! Sparse, word-addressed memory in 4 KiB pages.
//!
//! Words are kept as `u32` values in the machine's byte order (the value a `lw` returns), so word
//! accesses, which dominate, need no byte swapping; byte and halfword accesses pick their bits by
//! the byte order. Pages never written read as zero. Page granularity is what the prover's memory
//! commitment will hash and what checkpoints copy.

use serde::{Deserialize, Serialize};

/// Bits of the byte address that select a byte within a page.
pub const PAGE_BITS: u32 = 12;
/// Bytes per page.
pub const PAGE_BYTES: u32 = 1 << PAGE_BITS;
/// Words per page.
pub const PAGE_WORDS: usize = (PAGE_BYTES / 4) as usize;
const NUM_PAGES: usize = 1 << (32 - PAGE_BITS);

pub type Page = [u32; PAGE_WORDS];

/// The 4 GiB address space.
#[derive(Clone)]
pub struct Memory {
    pages: Vec<Option<Box<Page>>>,
}

impl Default for Memory {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for Memory {
    fn eq(&self, other: &Self) -> bool {
        // Equal contents, whether or not an all-zero page was ever allocated.
        let zero = [0u32; PAGE_WORDS];
        self.pages.iter().zip(&other.pages).all(|(a, b)| a.as_deref().unwrap_or(&zero) == b.as_deref().unwrap_or(&zero))
    }
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Memory({} pages)", self.page_count())
    }
}

impl Memory {
    pub fn new() -> Self {
        Memory { pages: vec![None; NUM_PAGES] }
    }

    /// Reads the word containing `addr` (the low two bits are ignored).
    #[inline(always)]
    pub fn read_word(&self, addr: u32) -> u32 {
        match &self.pages[(addr >> PAGE_BITS) as usize] {
            Some(page) => page[((addr >> 2) as usize) & (PAGE_WORDS - 1)],
            None => 0,
        }
    }

    /// Writes the word containing `addr` (the low two bits are ignored).
    #[inline(always)]
    pub fn write_word(&mut self, addr: u32, value: u32) {
        let page = self.pages[(addr >> PAGE_BITS) as usize].get_or_insert_with(new_page);
        page[((addr >> 2) as usize) & (PAGE_WORDS - 1)] = value;
    }

    /// Number of pages that have been written.
    pub fn page_count(&self) -> usize {
        self.pages.iter().filter(|p| p.is_some()).count()
    }

    /// The allocated pages, by page number, in ascending order.
    pub fn pages(&self) -> impl Iterator<Item = (u32, &Page)> {
        self.pages.iter().enumerate().filter_map(|(i, p)| p.as_deref().map(|p| (i as u32, p)))
    }

    /// Reads `len` bytes starting at `addr` in memory order.
    pub fn read_bytes(&self, addr: u32, len: u32, big_endian: bool) -> Vec<u8> {
        (0..len).map(|i| self.read_byte(addr.wrapping_add(i), big_endian)).collect()
    }

    /// Writes bytes starting at `addr` in memory order.
    pub fn write_bytes(&mut self, addr: u32, bytes: &[u8], big_endian: bool) {
        for (i, &b) in bytes.iter().enumerate() {
            self.write_byte(addr.wrapping_add(i as u32), b, big_endian);
        }
    }

    pub fn read_byte(&self, addr: u32, big_endian: bool) -> u8 {
        (self.read_word(addr) >> byte_shift(addr, big_endian)) as u8
    }

    pub fn write_byte(&mut self, addr: u32, value: u8, big_endian: bool) {
        let shift = byte_shift(addr, big_endian);
        let word = self.read_word(addr);
        self.write_word(addr, (word & !(0xFF << shift)) | ((value as u32) << shift));
    }
}

fn new_page() -> Box<Page> {
    Box::new([0; PAGE_WORDS])
}

/// Bit position of the byte at `addr` within its word.
#[inline(always)]
pub fn byte_shift(addr: u32, big_endian: bool) -> u32 {
    let b = addr & 3;
    8 * if big_endian { 3 - b } else { b }
}

/// Bit position of the (2-aligned) halfword at `addr` within its word.
#[inline(always)]
pub fn half_shift(addr: u32, big_endian: bool) -> u32 {
    let b = addr & 2;
    8 * if big_endian { 2 - b } else { b }
}

/// Serialised form of [`Memory`]: only the pages that exist.
#[derive(Serialize, Deserialize)]
struct MemoryRepr {
    pages: Vec<(u32, Vec<u32>)>,
}

impl Serialize for Memory {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MemoryRepr { pages: self.pages().map(|(i, p)| (i, p.to_vec())).collect() }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Memory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let repr = MemoryRepr::deserialize(d)?;
        let mut mem = Memory::new();
        for (index, words) in repr.pages {
            let page: Page =
                words.try_into().map_err(|w: Vec<u32>| D::Error::custom(format!("page of {} words", w.len())))?;
            let slot = mem
                .pages
                .get_mut(index as usize)
                .ok_or_else(|| D::Error::custom(format!("page number {index} out of range")))?;
            *slot = Some(Box::new(page));
        }
        Ok(mem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_follow_byte_order() {
        let mut le = Memory::new();
        le.write_word(0x1000, 0x4433_2211);
        assert_eq!(le.read_bytes(0x1000, 4, false), [0x11, 0x22, 0x33, 0x44]);
        let mut be = Memory::new();
        be.write_word(0x1000, 0x1122_3344);
        assert_eq!(be.read_bytes(0x1000, 4, true), [0x11, 0x22, 0x33, 0x44]);
        be.write_bytes(0x1ffe, &[1, 2, 3, 4], true);
        assert_eq!(be.read_word(0x1ffc), 0x0000_0102);
        assert_eq!(be.read_word(0x2000), 0x0304_0000);
    }

    #[test]
    fn unwritten_memory_reads_zero_and_equality_ignores_zero_pages() {
        let mut a = Memory::new();
        assert_eq!(a.read_word(0xdead_beec), 0);
        a.write_word(0x5000, 0);
        assert_eq!(a, Memory::new());
        a.write_word(0x5000, 1);
        assert_ne!(a, Memory::new());
    }
}
