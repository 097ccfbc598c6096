//! The timestamp formats (`codegen/runtime/src/timestamp.rs`): RFC 3339
//! date-times, HTTP dates and epoch seconds, as header or query text and as
//! JSON members, on any text a server may send; and their writers, on any
//! instant.
//!
//! Properties: a parsed timestamp formats, when its format can write it, to
//! text that parses to the same instant (to the millisecond for the formats
//! that keep only milliseconds); a JSON member read writes back and reads
//! again to the same instant.

#![no_main]

use codegen_runtime::fuzz::{self as f, TimestampFormat};
use libfuzzer_sys::fuzz_target;

const FORMATS: [TimestampFormat; 3] = [TimestampFormat::DateTime, TimestampFormat::HttpDate, TimestampFormat::EpochSeconds];

/// Nanoseconds since the epoch of years -9999 to 9999, as `time` supports.
const MIN: i128 = -377_705_116_800 * 1_000_000_000;
const MAX: i128 = 253_402_300_800 * 1_000_000_000 - 1;

/// What survives formatting: HTTP dates keep milliseconds, epoch seconds
/// are rounded to them when read.
fn kept(format: TimestampFormat, nanos: i128) -> i128 {
    match format {
        TimestampFormat::DateTime => nanos,
        TimestampFormat::HttpDate | TimestampFormat::EpochSeconds => nanos - nanos.rem_euclid(1_000_000),
    }
}

fn round_trip(format: TimestampFormat, nanos: i128, from: &str) {
    if let Some(text) = f::timestamp_format(format, nanos) {
        let again = f::timestamp_parse(format, &text);
        assert_eq!(again, Some(kept(format, nanos)), "{format:?} {from:?}: {nanos} -> {text:?}");
    } else {
        // Only instants outside the years 0 to 9999 (in UTC) are refused,
        // and by epoch seconds only those `time` cannot hold.
        assert!(format != TimestampFormat::EpochSeconds || !(MIN..=MAX).contains(&nanos), "{nanos}");
        let year_zero = -62_167_219_200 * 1_000_000_000;
        assert!(!(year_zero..=MAX).contains(&nanos), "{format:?} cannot write {nanos} ({from:?})");
    }
    match f::timestamp_write_json(format, nanos) {
        // An offset can carry a date-time past the years `time` has in UTC.
        None => assert!(!(MIN..=MAX).contains(&nanos), "{nanos} is in range"),
        Some(Err(_)) => assert!(format != TimestampFormat::EpochSeconds, "{nanos}: {from:?}"),
        Some(Ok(json)) => {
            let read = f::timestamp_read_json(format, &json);
            assert_eq!(read, Ok(Some(kept(format, nanos))), "{format:?} {from:?}: {nanos} -> {json}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for format in FORMATS {
            if let Some(nanos) = f::timestamp_parse(format, text) {
                if format == TimestampFormat::EpochSeconds {
                    // Epoch seconds are read to the millisecond.
                    assert_eq!(nanos.rem_euclid(1_000_000), 0, "{format:?} {text:?}");
                }
                round_trip(format, nanos, text);
            }
            match f::timestamp_read_json(format, text) {
                Ok(Some(nanos)) => round_trip(format, nanos, text),
                Ok(None) => assert_eq!(text.trim(), "null"),
                Err(error) => drop(error.to_string()),
            }
        }
    }
    // Any instant in range, from the first 16 bytes.
    if data.len() >= 16 {
        let raw = i128::from_le_bytes(data[..16].try_into().unwrap());
        let nanos = MIN + raw.rem_euclid(MAX - MIN + 1);
        for format in FORMATS {
            round_trip(format, nanos, "any instant");
        }
    }
});
