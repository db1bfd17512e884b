//! The Ethereum RLPTests against alloy-rlp, which the executor and its trie use for every node,
//! header and account they read.
//!
//! Read from `$ZKMIPS_TESTDATA/ethereum-tests/RLPTests` (default: `../shared/testdata` beside the
//! checkout); the tests skip, saying why, when it is absent. Files run: `rlptest.json` (encode `in`,
//! compare with `out`, decode `out` back), `invalidRLPTest.json` (decoding `out` must fail) and
//! `RandomRLPTests/example.json` (`out` decodes and re-encodes to itself). Nothing is skipped.

use alloy_primitives::U512;
use alloy_rlp::{BufMut, Encodable, Header};
use serde_json::Value;
use std::path::PathBuf;

fn rlp_tests_dir(test: &str) -> Option<PathBuf> {
    let root = std::env::var_os("ZKMIPS_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"));
    let dir = root.join("ethereum-tests/RLPTests");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP {test}: {} not found (set ZKMIPS_TESTDATA)", dir.display());
        None
    }
}

/// The cases of a test file, in file order, as (name, in, out bytes).
fn load(dir: &std::path::Path, file: &str) -> Vec<(String, Value, Vec<u8>)> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("read {file}: {e}"));
    let json: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
    let cases: Vec<_> = json
        .into_iter()
        .map(|(name, case)| {
            let out = case["out"].as_str().unwrap();
            let out = hex::decode(out.strip_prefix("0x").unwrap_or(out))
                .unwrap_or_else(|e| panic!("{file} {name}: bad hex in out: {e}"));
            (name, case["in"].clone(), out)
        })
        .collect();
    assert!(!cases.is_empty(), "{file} has no cases");
    cases
}

/// A generic RLP item.
#[derive(Debug, PartialEq, Eq)]
enum Rlp {
    Bytes(Vec<u8>),
    List(Vec<Rlp>),
}

impl Encodable for Rlp {
    fn encode(&self, out: &mut dyn BufMut) {
        match self {
            Rlp::Bytes(bytes) => bytes.as_slice().encode(out),
            Rlp::List(items) => alloy_rlp::encode_list::<_, Rlp>(items, out),
        }
    }

    fn length(&self) -> usize {
        match self {
            Rlp::Bytes(bytes) => bytes.as_slice().length(),
            Rlp::List(items) => alloy_rlp::list_length::<_, Rlp>(items),
        }
    }
}

/// Decodes one item, recursively. `Header::decode` rejects non-canonical headers (a single byte
/// below 0x80 given a length, long forms for short payloads, leading zeros in lengths) and payloads
/// that run past the input; a list's items must fill its payload exactly.
fn decode_item(buf: &mut &[u8]) -> alloy_rlp::Result<Rlp> {
    let header = Header::decode(buf)?;
    // A single byte below 0x80 is its own payload: `Header::decode` leaves `buf` at it.
    let (mut payload, rest) = buf.split_at(header.payload_length);
    *buf = rest;
    if !header.list {
        return Ok(Rlp::Bytes(payload.to_vec()));
    }
    let mut items = Vec::new();
    while !payload.is_empty() {
        items.push(decode_item(&mut payload)?);
    }
    Ok(Rlp::List(items))
}

/// Decodes exactly one item, with no trailing bytes.
fn decode_exact(mut bytes: &[u8]) -> alloy_rlp::Result<Rlp> {
    let item = decode_item(&mut bytes)?;
    if bytes.is_empty() {
        Ok(item)
    } else {
        Err(alloy_rlp::Error::UnexpectedLength)
    }
}

/// A test's `in`, encoded by alloy-rlp's own impls: byte strings, `u64`, and big integers (written
/// `"#123..."`) as `U512`, as one of them is 2^256.
enum Input {
    Bytes(Vec<u8>),
    Int(u64),
    Big(U512),
    List(Vec<Input>),
}

impl Input {
    fn parse(value: &Value) -> Self {
        match value {
            Value::String(s) => match s.strip_prefix('#') {
                Some(digits) => Input::Big(U512::from_str_radix(digits, 10).unwrap()),
                None => Input::Bytes(s.as_bytes().to_vec()),
            },
            Value::Number(n) => Input::Int(n.as_u64().unwrap_or_else(|| panic!("integer {n} is not a u64"))),
            Value::Array(items) => Input::List(items.iter().map(Input::parse).collect()),
            other => panic!("unexpected `in`: {other}"),
        }
    }

    /// The item the encoding should decode to: integers become their minimal big-endian bytes.
    fn expected(&self) -> Rlp {
        let minimal = |bytes: &[u8]| bytes.iter().skip_while(|&&b| b == 0).copied().collect();
        match self {
            Input::Bytes(bytes) => Rlp::Bytes(bytes.clone()),
            Input::Int(n) => Rlp::Bytes(minimal(&n.to_be_bytes())),
            Input::Big(n) => Rlp::Bytes(minimal(&n.to_be_bytes::<64>())),
            Input::List(items) => Rlp::List(items.iter().map(Input::expected).collect()),
        }
    }
}

impl Encodable for Input {
    fn encode(&self, out: &mut dyn BufMut) {
        match self {
            Input::Bytes(bytes) => bytes.as_slice().encode(out),
            Input::Int(n) => n.encode(out),
            Input::Big(n) => n.encode(out),
            Input::List(items) => alloy_rlp::encode_list::<_, Input>(items, out),
        }
    }

    fn length(&self) -> usize {
        match self {
            Input::Bytes(bytes) => bytes.as_slice().length(),
            Input::Int(n) => n.length(),
            Input::Big(n) => n.length(),
            Input::List(items) => alloy_rlp::list_length::<_, Input>(items),
        }
    }
}

#[test]
fn rlptest() {
    let Some(dir) = rlp_tests_dir("rlptest") else { return };
    let cases = load(&dir, "rlptest.json");
    for (name, input, out) in &cases {
        let input = Input::parse(input);
        let encoded = alloy_rlp::encode(&input);
        assert_eq!(hex::encode(&encoded), hex::encode(out), "{name}: encoding");
        assert_eq!(input.length(), out.len(), "{name}: length");
        let decoded = decode_exact(out).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert_eq!(decoded, input.expected(), "{name}: decoded");
        assert_eq!(alloy_rlp::encode(&decoded), *out, "{name}: re-encoding");
    }
    eprintln!("rlptest.json: {} cases", cases.len());
}

#[test]
fn invalid_rlp() {
    let Some(dir) = rlp_tests_dir("invalid_rlp") else { return };
    let cases = load(&dir, "invalidRLPTest.json");
    for (name, input, out) in &cases {
        assert_eq!(input, "INVALID", "{name}");
        match decode_exact(out) {
            Ok(item) => panic!("{name}: {} decoded to {item:?}", hex::encode(out)),
            Err(err) => eprintln!("{name}: {err}"),
        }
    }
    eprintln!("invalidRLPTest.json: {} cases", cases.len());
}

#[test]
fn random_rlp() {
    let Some(dir) = rlp_tests_dir("random_rlp") else { return };
    let cases = load(&dir, "RandomRLPTests/example.json");
    for (name, input, out) in &cases {
        assert_eq!(input, "VALID", "{name}");
        let decoded = decode_exact(out).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert_eq!(alloy_rlp::encode(&decoded), *out, "{name}: re-encoding");
    }
    eprintln!("RandomRLPTests/example.json: {} cases", cases.len());
}

/// The decoder is strict where the trie relies on it being strict.
#[test]
fn decoder_rejects_what_it_should() {
    for (what, bytes) in [
        ("trailing bytes", &[0x80, 0x00][..]),
        ("a list item past the list", &[0xc1, 0x82, 0x00, 0x00]),
        ("a non-canonical single byte", &[0x81, 0x05]),
        ("an empty input", &[]),
    ] {
        assert!(decode_exact(bytes).is_err(), "{what}");
    }
    assert_eq!(decode_exact(&[0xc2, 0x05, 0x80]), Ok(Rlp::List(vec![Rlp::Bytes(vec![5]), Rlp::Bytes(vec![])])));
}
