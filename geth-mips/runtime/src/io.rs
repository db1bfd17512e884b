//! Input items and public values.
//!
//! Input: the host supplies a stream of items (each `--input FILE` of `zkmips run` is one item).
//! HINT_LEN gives the length of the next one and HINT_READ consumes it. Rust guests encode items
//! with bincode 1.x defaults (little-endian, fixed-width integers, u64 lengths), as Ziren's do.
//!
//! Public values: every committed byte goes to fd 13 (the public-values stream the host sees) and
//! into a running SHA-256 (the VM's SHA_EXTEND and SHA_COMPRESS calls). At the end, [`crate::finalize`] sends that digest with COMMIT; it is the
//! proof's public output, so a verifier holding the public-values bytes can check them against it.

use alloc::vec::Vec;
use core::cell::UnsafeCell;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::sha256::Sha256;
use crate::syscall;

/// Reads the next input item and decodes it as a bincode 1.x encoded `T` (trailing bytes are
/// ignored, as by `bincode::deserialize`).
///
/// # Panics
/// When there are no more input items, or the item does not decode as `T`; the message names the
/// caller's line.
#[track_caller]
pub fn read<T: DeserializeOwned>() -> T {
    decode(&read_vec())
}

/// Decodes a bincode 1.x encoded `T`, ignoring trailing bytes.
#[track_caller]
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> T {
    match bincode::serde::decode_from_slice(bytes, bincode::config::legacy()) {
        Ok((value, _read)) => value,
        Err(err) => panic!(
            "zkmips_guest::read: cannot decode the input item ({} bytes) as {}: {err}",
            bytes.len(),
            core::any::type_name::<T>()
        ),
    }
}

/// Reads the next input item as raw bytes.
///
/// # Panics
/// When there are no more input items; the message names the caller's line.
#[track_caller]
pub fn read_vec() -> Vec<u8> {
    let len = syscall::hint_len();
    if len == syscall::HINT_END {
        no_more_input();
    }
    let len = len as usize;
    if len == 0 {
        let mut word = 0u32;
        // SAFETY: an empty item writes nothing; the buffer is 4-aligned anyway.
        unsafe { syscall::hint_read((&raw mut word).cast(), 0) };
        return Vec::new();
    }
    let padded = len.next_multiple_of(4);
    let mut buf = Vec::<u8>::with_capacity(padded);
    if (buf.as_ptr() as usize).is_multiple_of(4) {
        // SAFETY: the buffer is 4-aligned with `padded` writable bytes, and HINT_READ initialises
        // the first `len` of them (and zero-pads the last word).
        unsafe {
            syscall::hint_read(buf.as_mut_ptr(), len);
            buf.set_len(len);
        }
    } else {
        // Not with our allocator (it aligns everything to 4), but a guest may install its own.
        let mut words = alloc::vec![0u32; padded / 4];
        // SAFETY: `words` is 4-aligned with `padded` bytes.
        unsafe { syscall::hint_read(words.as_mut_ptr().cast(), len) };
        buf.extend(words.iter().flat_map(|w| w.to_ne_bytes()).take(len));
    }
    buf
}

#[cold]
#[inline(never)]
#[track_caller]
fn no_more_input() -> ! {
    panic!("zkmips_guest::read: no more input items (the host supplied fewer than the guest reads)")
}

/// Commits `value`, encoded with bincode 1.x defaults, to the public values.
///
/// # Panics
/// When `value` cannot be encoded (a `Serialize` impl that fails, or a sequence of unknown length).
#[track_caller]
pub fn commit<T: Serialize + ?Sized>(value: &T) {
    commit_slice(&encode(value));
}

/// Encodes `value` with bincode 1.x defaults.
#[track_caller]
fn encode<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    match bincode::serde::encode_to_vec(value, bincode::config::legacy()) {
        Ok(bytes) => bytes,
        Err(err) => {
            panic!("zkmips_guest::commit: cannot encode {}: {err}", core::any::type_name::<T>())
        }
    }
}

/// Commits raw bytes to the public values.
pub fn commit_slice(bytes: &[u8]) {
    syscall::write(syscall::FD_PUBLIC_VALUES, bytes);
    PUBLIC_VALUES.with(|hasher| hasher.update(bytes));
}

/// SHA-256 of everything committed so far; what [`crate::finalize`] sends with COMMIT.
pub(crate) fn public_values_digest() -> [u8; 32] {
    PUBLIC_VALUES.with(|hasher| hasher.clone().finalize())
}

/// The running hash of the public values.
struct PublicValues(UnsafeCell<Option<Sha256>>);

// SAFETY: the guest is single-threaded, and `with` never hands out the reference beyond the
// closure, which cannot reach `with` again (it only sees the hasher).
unsafe impl Sync for PublicValues {}

impl PublicValues {
    fn with<R>(&self, f: impl FnOnce(&mut Sha256) -> R) -> R {
        // SAFETY: see the `Sync` impl: this is the only reference while `f` runs.
        let slot = unsafe { &mut *self.0.get() };
        f(slot.get_or_insert_with(Sha256::new))
    }
}

static PUBLIC_VALUES: PublicValues = PublicValues(UnsafeCell::new(None));

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use serde::Deserialize;

    /// A type that touches every part of the format: integers of each width, lengths, strings,
    /// options, enum variants, tuples, arrays, nested vectors.
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    enum Shape {
        Unit,
        Tuple(u8, i64),
        Struct { name: String, tags: Vec<Option<u16>> },
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Item {
        a: u8,
        b: u16,
        c: u32,
        d: u64,
        e: i128,
        f: bool,
        g: char,
        h: String,
        i: Vec<u8>,
        j: Option<[u32; 3]>,
        k: (u8, String),
        shapes: Vec<Shape>,
        nested: Vec<Vec<u64>>,
    }

    fn sample() -> Item {
        Item {
            a: 0xab,
            b: 0xbeef,
            c: 0xdead_beef,
            d: u64::MAX - 5,
            e: -170_141_183_460_469_231_731_687_303_715_884_105_727,
            f: true,
            g: 'λ',
            h: "zkMIPS".into(),
            i: alloc::vec![1, 2, 3],
            j: Some([7, 8, 9]),
            k: (4, String::new()),
            shapes: alloc::vec![
                Shape::Unit,
                Shape::Tuple(1, -2),
                Shape::Struct { name: "x".into(), tags: alloc::vec![None, Some(3)] },
            ],
            nested: alloc::vec![alloc::vec![], alloc::vec![1, u64::MAX]],
        }
    }

    #[test]
    fn decodes_what_bincode_1_encodes() {
        let bytes = bincode1::serialize(&sample()).unwrap();
        assert_eq!(decode::<Item>(&bytes), sample());
        // Like bincode 1's `deserialize`, trailing bytes are allowed.
        let mut longer = bincode1::serialize(&0x1234_5678u32).unwrap();
        longer.push(0xff);
        assert_eq!(decode::<u32>(&longer), 0x1234_5678);
    }

    #[test]
    fn encodes_as_bincode_1() {
        assert_eq!(encode(&sample()), bincode1::serialize(&sample()).unwrap());
        assert_eq!(encode(&7u32), [7, 0, 0, 0]);
        assert_eq!(encode("ab"), [2, 0, 0, 0, 0, 0, 0, 0, b'a', b'b']);
    }

    #[test]
    #[should_panic(expected = "cannot decode the input item (3 bytes) as u32")]
    fn short_item_panics() {
        decode::<u32>(&[1, 2, 3]);
    }
}
