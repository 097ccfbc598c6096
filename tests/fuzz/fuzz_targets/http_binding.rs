//! The HTTP-binding helpers (`codegen/runtime/src/http_binding.rs`) that
//! read what a server sends in headers: list headers (quoted values may hold
//! commas), lists of HTTP dates, numbers, prefix headers; and their writers.
//!
//! Properties: splitting a list header and joining the values again gives a
//! header that splits into the same values; values joined by the writer
//! split back into themselves; HTTP dates joined with commas split back into
//! the same dates; a float read writes as text that reads to the same float.

#![no_main]

use codegen_runtime::fuzz::{self as f, http_binding as h, TimestampFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        // Header bytes that are not UTF-8 are refused, not misread.
        let headers: [(&[u8], &[u8]); 1] = [(b"x-meta-a", data)];
        if let Some(map) = h::prefix_headers(&headers, "x-meta-") {
            assert!(map.values().all(|v| v.as_bytes() == data));
        }
        return;
    };

    // A list header as received, split, joined and split again.
    let values = h::split_header_list(text);
    assert!(!values.is_empty());
    let joined = h::header_list(&values);
    assert_eq!(h::split_header_list(&joined), values, "{text:?} -> {joined:?}");

    // Values a user sends (the input cut at NUL bytes), joined by the
    // writer and split back.
    let sent: Vec<String> = text.split('\0').map(str::to_owned).collect();
    let header = h::header_list(&sent);
    assert_eq!(h::split_header_list(&header), sent, "{header:?}");

    // A list of HTTP dates: whatever it splits into, each date that parses
    // comes back the same from a header the writer makes of them.
    let dates = h::split_http_date_list(text);
    assert!(dates.iter().all(|d| !d.is_empty() && d.trim() == d));
    let parsed: Vec<i128> = dates.iter().filter_map(|d| f::timestamp_parse(TimestampFormat::HttpDate, d)).collect();
    let formatted: Vec<String> =
        parsed.iter().filter_map(|&n| f::timestamp_format(TimestampFormat::HttpDate, n)).collect();
    assert_eq!(h::split_http_date_list(&formatted.join(", ")), formatted);

    // Numbers in headers.
    if let Some(x) = h::parse_float(text) {
        let again = h::parse_float(&h::float_text(x)).expect("a float written reads");
        assert!(again.to_bits() == x.to_bits() || (x.is_nan() && again.is_nan()), "{text:?}: {x} {again}");
    }
    if let Some(n) = h::parse_int(text) {
        assert_eq!(h::parse_float(text), Some(n as f64), "{text:?}");
        assert_eq!(h::parse_int(&n.to_string()), Some(n));
    }

    // Prefix headers: names from the first line, values from the rest.
    let (names, value) = text.split_once('\n').unwrap_or((text, "v"));
    let headers: Vec<(&[u8], &[u8])> = names.split(' ').map(|n| (n.as_bytes(), value.as_bytes())).collect();
    if let Some(map) = h::prefix_headers(&headers, "x-meta-") {
        for (key, got) in &map {
            assert_eq!(got, value);
            assert!(names.split(' ').any(|n| n.to_ascii_lowercase() == format!("x-meta-{key}")), "{key:?} from {names:?}");
        }
    }
});
