//! The endpoint rules' library functions (`codegen/runtime/src/endpoint/`):
//! `parseURL`, `aws.parseArn`, `isValidHostLabel`,
//! `aws.isVirtualHostableS3Bucket`, `substring`, `uriEncode`, `split`,
//! `getAttr`, `aws.partition` and the partitions' region patterns, on any
//! text a user or a model may give them (an endpoint URL, a bucket name, an
//! ARN, a region).
//!
//! Every function runs on the input; the properties are what each one
//! promises of its answer.

#![no_main]

use codegen_runtime::endpoint::functions::{self as func, Value};
use codegen_runtime::fuzz as f;
use libfuzzer_sys::fuzz_target;

fn field<'a>(object: &'a Value, name: &str) -> &'a Value {
    object.as_object().and_then(|o| o.get(name)).unwrap_or_else(|| panic!("no `{name}` in {object:?}"))
}

fn text<'a>(object: &'a Value, name: &str) -> &'a str {
    field(object, name).as_str().unwrap_or_else(|| panic!("`{name}` is not a string in {object:?}"))
}

/// Percent-decodes what `uriEncode` or a label encoder wrote.
fn percent_decode(encoded: &str) -> Vec<u8> {
    let bytes = encoded.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            assert!(hex.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)), "{encoded}");
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

fn check_parse_url(input: &str, s: &Value) {
    let url = func::parse_url(s);
    if url == Value::None {
        return;
    }
    let scheme = text(&url, "scheme");
    assert!(scheme == "http" || scheme == "https", "{input:?}: {scheme}");
    let authority = text(&url, "authority");
    let path = text(&url, "path");
    let normalized = text(&url, "normalizedPath");
    assert!(!authority.is_empty() && !authority.contains('/'), "{input:?}: {authority:?}");
    assert!(input.ends_with(&format!("{authority}{path}")), "{input:?}: {authority:?} {path:?}");
    assert!(input[..scheme.len()].eq_ignore_ascii_case(scheme) && input[scheme.len()..].starts_with("://"));
    assert!(path.is_empty() || path.starts_with('/'), "{input:?}: {path:?}");
    assert!(normalized.starts_with('/') && normalized.ends_with('/'), "{input:?}: {normalized:?}");
    assert!(!input.contains(['?', '#']) && !input.chars().any(|c| c.is_whitespace() || c.is_control()));
    if field(&url, "isIp").as_bool() == Some(true) {
        assert!(authority.starts_with('[') || authority.bytes().next().is_some_and(|b| b.is_ascii_digit()), "{input:?}");
    }
}

fn check_parse_arn(input: &str, s: &Value) {
    let arn = func::aws_parse_arn(s);
    if arn == Value::None {
        return;
    }
    let resource = field(&arn, "resourceId").as_array().expect("resourceId is a list");
    let parts = [text(&arn, "partition"), text(&arn, "service"), text(&arn, "region"), text(&arn, "accountId")];
    assert!(!parts[0].is_empty() && !parts[1].is_empty() && !resource.is_empty());
    let rebuilt = format!("arn:{}:", parts.join(":"));
    assert!(input.starts_with(&rebuilt), "{input:?} {arn:?}");
    // The resource parts are the rest split at every `:` and `/`.
    let rest = &input[rebuilt.len()..];
    let pieces: Vec<&str> = resource.iter().map(|p| p.as_str().expect("a string")).collect();
    assert_eq!(pieces.iter().map(|p| p.len()).sum::<usize>() + pieces.len() - 1, rest.len(), "{input:?}");
    assert!(pieces.iter().all(|p| !p.contains([':', '/'])));
}

fn check_labels(input: &str, s: &Value) {
    let single = func::is_valid_host_label(s, false) == Value::Bool(true);
    let dotted = func::is_valid_host_label(s, true) == Value::Bool(true);
    if single {
        assert!(dotted && !input.contains('.') && (1..=63).contains(&input.len()), "{input:?}");
    }
    // The HTTP-binding check of a host prefix agrees with the rules' one.
    assert_eq!(f::http_binding::is_host_label(input), dotted, "{input:?}");
    for subdomains in [false, true] {
        if func::aws_is_virtual_hostable_s3_bucket(s, subdomains) == Value::Bool(true) {
            // A bucket name that can be a host is also a valid host label.
            assert!(func::is_valid_host_label(s, subdomains) == Value::Bool(true), "{input:?} {subdomains}");
            assert!((3..=63).contains(&input.len()) && !input.bytes().any(|b| b.is_ascii_uppercase()), "{input:?}");
        }
    }
}

fn check_substring(input: &str, s: &Value) {
    let bounds = [0i64, 1, 2, 3, 4, 7, 8, 63, -1, i64::MAX, i64::MIN];
    for &start in &bounds {
        for &stop in &bounds {
            for reverse in [false, true] {
                let got = func::substring(s, start, stop, reverse);
                let expected = if input.is_ascii() && 0 <= start && start < stop && stop <= input.len() as i64 {
                    let (start, stop) = (start as usize, stop as usize);
                    let (from, to) = if reverse { (input.len() - stop, input.len() - start) } else { (start, stop) };
                    Value::from(&input[from..to])
                } else {
                    Value::None
                };
                assert_eq!(got, expected, "{input:?} {start} {stop} {reverse}");
            }
        }
    }
}

fn check_uri_encode(input: &str, s: &Value) {
    let encoded = func::uri_encode(s);
    let encoded = encoded.as_str().expect("a string encodes");
    assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)), "{encoded}");
    assert_eq!(percent_decode(encoded), input.as_bytes());
    for greedy in [false, true] {
        let label = f::http_binding::encode_label(input, greedy);
        assert_eq!(percent_decode(&label), input.as_bytes());
        assert!(label.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b) || (greedy && b == b'/')));
    }
}

fn check_split(input: &str, s: &Value) {
    let mut delimiters = vec![":", "/", ".", "--"];
    if let Some(c) = input.chars().next() {
        delimiters.push(&input[..c.len_utf8()]);
    }
    for delimiter in delimiters {
        let d = Value::from(delimiter);
        for limit in [0, 1, 2, 3, i64::MAX] {
            let parts = func::split(s, &d, limit);
            let parts: Vec<&str> = parts.as_array().expect("a list").iter().map(|p| p.as_str().unwrap()).collect();
            assert_eq!(parts.join(delimiter), input, "{input:?} split at {delimiter:?}, limit {limit}");
            if limit > 0 {
                assert!(parts.len() as i64 <= limit);
            }
        }
        assert_eq!(func::split(s, &d, -1), Value::None);
    }
    assert_eq!(func::split(s, &Value::from(""), 0), Value::None);
}

fn check_get_attr(input: &str) {
    let value = Value::Object(
        [
            ("a".to_owned(), Value::Array(vec![Value::from("x"), Value::Object(Default::default())])),
            ("b".to_owned(), func::aws_parse_arn(&Value::from("arn:aws:s3:us-east-1:123:bucket/key"))),
        ]
        .into_iter()
        .collect(),
    );
    let got = func::get_attr(&value, input);
    if input.is_empty() || input.starts_with('.') || input.ends_with('.') || input.contains("..") {
        assert_eq!(got, Value::None, "{input:?}");
    }
}

fn check_partition(input: &str, s: &Value) {
    let partition = func::aws_partition(s);
    assert!(!text(&partition, "name").is_empty() && !text(&partition, "dnsSuffix").is_empty(), "{input:?}");
    // The region patterns' engine on the input as a pattern, over the
    // pattern itself and a few regions: no panic, and bounded time.
    for region in [input, "us-east-1", "cn-north-1", "", "us-gov-west-1"] {
        let _ = f::region_regex_matches(input, region);
    }
    let _ = f::region_regex_matches("^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$", input);
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let s = Value::from(input);
    check_parse_url(input, &s);
    check_parse_arn(input, &s);
    check_labels(input, &s);
    check_substring(input, &s);
    check_uri_encode(input, &s);
    check_split(input, &s);
    check_get_attr(input);
    check_partition(input, &s);
    // Other kinds of value give the empty answers.
    for other in [Value::None, Value::Bool(true), Value::Int(1)] {
        assert_eq!(func::parse_url(&other), Value::None);
        assert_eq!(func::aws_parse_arn(&other), Value::None);
        assert_eq!(func::is_valid_host_label(&other, true), Value::Bool(false));
    }
});
