//! HTTP bindings, for the protocols that bind members to the parts of an
//! HTTP message (restJson1, and restXml next): percent-encoding of labels
//! and query strings, and headers as text (copied verbatim into each
//! generated crate by codegen; the source lives in
//! `codegen/runtime/src/http_binding.rs`).
#![allow(dead_code)]

use http::header::{HeaderName, HeaderValue};

use crate::orchestrator::BoxError;
use crate::transport::HttpResponse;

/// Builds a query string: constant parameters of the URI first, then the
/// members bound with `httpQuery`, each key and value percent-encoded.
#[derive(Debug, Default)]
pub(crate) struct QueryWriter {
    text: String,
}

impl QueryWriter {
    pub(crate) fn push(&mut self, key: &str, value: Option<&str>) {
        self.text.push(if self.text.is_empty() { '?' } else { '&' });
        self.text.push_str(&encode_query(key));
        if let Some(value) = value {
            self.text.push('=');
            self.text.push_str(&encode_query(value));
        }
    }

    pub(crate) fn finish(self) -> String {
        self.text
    }
}

/// A request header; `None` when the value cannot be sent (control characters).
pub(crate) fn header(name: &'static str, value: &str) -> Option<(HeaderName, HeaderValue)> {
    Some((HeaderName::from_static(name), HeaderValue::from_str(value).ok()?))
}

/// A request header whose name is built at run time (`httpPrefixHeaders`).
pub(crate) fn dynamic_header(name: &str, value: &str) -> Option<(HeaderName, HeaderValue)> {
    Some((HeaderName::from_bytes(name.as_bytes()).ok()?, HeaderValue::from_str(value).ok()?))
}

/// The response headers that start with `prefix` (lower case), keyed by
/// the rest of their name.
pub(crate) fn prefix_headers(
    response: &HttpResponse,
    prefix: &str,
) -> Result<std::collections::HashMap<String, String>, BoxError> {
    let mut map = std::collections::HashMap::new();
    for (name, value) in response.headers() {
        if let Some(rest) = name.as_str().strip_prefix(prefix) {
            let value = value.to_str().map_err(|_| format!("header `{name}` is not valid text"))?;
            map.insert(rest.to_owned(), value.to_owned());
        }
    }
    Ok(map)
}

/// Joins list values for one header, quoting values that contain a comma
/// or a double quote.
pub(crate) fn header_list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = values
        .into_iter()
        .map(|v| {
            if v.contains([',', '"']) || v.trim() != v {
                format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                v.to_owned()
            }
        })
        .collect();
    quoted.join(", ")
}

/// The text of a response header; an error when it is not valid text.
pub(crate) fn header_text<'a>(response: &'a HttpResponse, name: &str) -> Result<Option<&'a str>, BoxError> {
    match response.headers().get(name) {
        None => Ok(None),
        Some(value) => Ok(Some(value.to_str().map_err(|_| format!("header `{name}` is not valid text"))?)),
    }
}

/// Splits a list header into its values (quoted values may hold commas).
pub(crate) fn split_header_list(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
            while chars.peek().is_some_and(|c| *c != ',') {
                chars.next();
            }
        } else {
            while let Some(c) = chars.peek().copied().filter(|c| *c != ',') {
                value.push(c);
                chars.next();
            }
            value = value.trim().to_owned();
        }
        values.push(value);
        if chars.next().is_none() {
            break;
        }
    }
    values
}

/// Splits a header holding a list of HTTP dates, which are never quoted
/// and hold a comma each (`Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 ...`):
/// every second comma separates two dates.
pub(crate) fn split_http_date_list(text: &str) -> Vec<String> {
    let pieces: Vec<&str> = text.split(',').collect();
    pieces.chunks(2).map(|pair| pair.join(",").trim().to_owned()).filter(|d| !d.is_empty()).collect()
}

/// Reads a header value of a scalar type.
pub(crate) fn parse_header<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, BoxError> {
    text.trim().parse().map_err(|_| format!("header `{name}` has an invalid value `{text}`").into())
}

/// A float as text on the wire: `NaN`, `Infinity` and `-Infinity` spelled as
/// Smithy spells them.
pub(crate) fn float_text(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value == f64::INFINITY {
        "Infinity".to_owned()
    } else if value == f64::NEG_INFINITY {
        "-Infinity".to_owned()
    } else {
        value.to_string()
    }
}

/// An f32 as text, with f32's own shortest digits (`0.1`, not the f64
/// widening `0.10000000149011612`).
pub(crate) fn float_text_f32(value: f32) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        float_text(f64::from(value))
    }
}

/// Reads a float from text, accepting `NaN`, `Infinity` and `-Infinity`.
pub(crate) fn parse_float(name: &str, text: &str) -> Result<f64, BoxError> {
    match text.trim() {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        other => parse_header(name, other),
    }
}

/// Whether `value` can be put into a host name: DNS labels (letters,
/// digits, `-`, not starting with `-`, at most 63 characters) joined by dots.
pub(crate) fn is_host_label(value: &str) -> bool {
    !value.is_empty()
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Percent-encodes a URI label as Smithy asks: everything but unreserved
/// characters; a greedy label keeps its `/` separators.
pub(crate) fn encode_label(value: &str, greedy: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            b'/' if greedy => out.push('/'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Percent-encodes a query-string key or value.
pub(crate) fn encode_query(value: &str) -> String {
    encode_label(value, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date_lists_split_at_every_second_comma() {
        assert_eq!(
            split_http_date_list("Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT"),
            ["Mon, 16 Dec 2019 23:48:18 GMT", "Tue, 17 Dec 2019 23:48:18 GMT"]
        );
        assert_eq!(split_http_date_list("Mon, 16 Dec 2019 23:48:18 GMT"), ["Mon, 16 Dec 2019 23:48:18 GMT"]);
        assert!(split_http_date_list("").is_empty());
    }

    #[test]
    fn labels_cannot_escape_their_segment() {
        assert_eq!(encode_label("a/../b?c", false), "a%2F..%2Fb%3Fc");
        assert_eq!(encode_label("a b#c%d&e=f+g", false), "a%20b%23c%25d%26e%3Df%2Bg");
        assert_eq!(encode_label("über-ok_~.", false), "%C3%BCber-ok_~.");
        assert_eq!(encode_label("a/b c", true), "a/b%20c");
    }

    #[test]
    fn query_and_header_helpers() {
        let mut query = QueryWriter::default();
        query.push("list-type", Some("2"));
        query.push("flag", None);
        query.push("a b", Some("c&d=e/f"));
        assert_eq!(query.finish(), "?list-type=2&flag&a%20b=c%26d%3De%2Ff");
        assert_eq!(header_list(["a", "b,c", "d\"e"]), "a, \"b,c\", \"d\\\"e\"");
        assert_eq!(split_header_list("a, \"b,c\", \"d\\\"e\" ,f"), vec!["a", "b,c", "d\"e", "f"]);
        assert!(header("x-bad", "a\r\nb").is_none());
        assert!(is_host_label("abc-1.def") && !is_host_label("a/b") && !is_host_label("-a") && !is_host_label(""));
        assert_eq!(float_text(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(float_text_f32(0.1), "0.1");
        assert_eq!(float_text_f32(f32::NAN), "NaN");
        assert!(parse_float("x", "NaN").unwrap().is_nan());
        assert_eq!(parse_header::<i32>("x", " 42 ").unwrap(), 42);
        assert!(parse_header::<i32>("x", "4x").is_err());
    }
}
