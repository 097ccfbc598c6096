//! The event stream decoder (`codegen/runtime/src/event_stream.rs`), on any
//! bytes a server may stream, and on a copy of them whose lengths and
//! checksums are made valid (so that the header parser is reached, which
//! random checksums almost never allow).
//!
//! Properties: the input fed whole or in small pieces decodes to the same
//! messages and the same error at the same place; every message decoded
//! encodes back to exactly the bytes it came from.

#![no_main]

use bytes::BytesMut;
use codegen_runtime::event_stream::{HeaderValue, Message};
use libfuzzer_sys::fuzz_target;

/// Messages decoded from the front of the buffer, then what stopped the
/// decoding (an error, or `None` for a buffer that waits for more bytes),
/// and the bytes each message was read from.
#[derive(Debug, PartialEq)]
struct Decoded {
    messages: Vec<(Message, Vec<u8>)>,
    error: Option<String>,
    left: usize,
}

fn decode_whole(data: &[u8]) -> Decoded {
    decode_in_pieces(data, &[data.len().max(1)])
}

/// Feeds `data` in pieces of the given sizes (cycled), decoding after each.
fn decode_in_pieces(data: &[u8], sizes: &[usize]) -> Decoded {
    let mut buffer = BytesMut::new();
    let mut messages = Vec::new();
    let mut fed = 0;
    let mut consumed = 0;
    for &size in sizes.iter().cycle() {
        let end = (fed + size).min(data.len());
        buffer.extend_from_slice(&data[fed..end]);
        fed = end;
        // Each message takes at least 16 bytes: this loop is bounded.
        loop {
            let before = buffer.len();
            match Message::decode(&mut buffer) {
                Ok(Some(message)) => {
                    let used = before - buffer.len();
                    assert!(used >= 16, "a message of {used} bytes");
                    messages.push((message, data[consumed..consumed + used].to_vec()));
                    consumed += used;
                }
                Ok(None) => {
                    assert_eq!(buffer.len(), before, "nothing is consumed while waiting");
                    break;
                }
                Err(error) => return Decoded { messages, error: Some(error.to_string()), left: data.len() - consumed },
            }
        }
        if fed == data.len() {
            break;
        }
    }
    Decoded { messages, error: None, left: buffer.len() }
}

/// A copy of `data` cut into frames whose total lengths fit the data and
/// whose two checksums are right; the header lengths are left as they are.
fn with_valid_frames(data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    let mut at = 0;
    while out.len() - at >= 16 {
        let rest = out.len() - at;
        let declared = u32::from_be_bytes(out[at..at + 4].try_into().unwrap()) as usize;
        let total = if (16..=rest).contains(&declared) { declared } else { rest };
        out[at..at + 4].copy_from_slice(&(total as u32).to_be_bytes());
        let prelude = crc32(&out[at..at + 8]);
        out[at + 8..at + 12].copy_from_slice(&prelude.to_be_bytes());
        let message = crc32(&out[at..at + total - 4]);
        out[at + total - 4..at + total].copy_from_slice(&message.to_be_bytes());
        at += total;
    }
    out
}

/// CRC-32 (IEEE), as the format uses; bitwise, to need no other crate.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn check(data: &[u8]) {
    let whole = decode_whole(data);
    let piece_sizes: [&[usize]; 3] = [&[1], &[5, 11, 3], &[12, 1, 64]];
    let sizes = piece_sizes[data.len() % piece_sizes.len()];
    assert_eq!(decode_in_pieces(data, sizes), whole, "pieces of {sizes:?}");
    for (message, bytes) in &whole.messages {
        let headers: Vec<(&str, HeaderValue)> =
            message.headers().iter().map(|(name, value)| (name.as_str(), value.clone())).collect();
        let encoded = Message::encode(&headers, message.payload()).expect("a decoded message can be encoded");
        assert_eq!(&encoded, bytes, "{message:?}");
        for (name, value) in message.headers() {
            assert!(message.header(name).is_some());
            if let HeaderValue::String(text) = value {
                // The first header of that name is the one found.
                if message.headers().iter().find(|(n, _)| n == name).map(|(_, v)| v) == Some(value) {
                    assert_eq!(message.string_header(name), Some(text.as_str()));
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check(data);
    check(&with_valid_frames(data));
});
