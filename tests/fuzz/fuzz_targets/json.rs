//! The runtime's JSON reader (`codegen/runtime/src/json/`), on any bytes a
//! server may send as a body.
//!
//! Properties: it accepts exactly the texts serde_json accepts (but for the
//! differences on purpose: a lone surrogate or a number out of `f64`'s range
//! is skipped but never kept, and the nesting limits differ by one); what it
//! reads as a document, a list, a map or a blob is written by the runtime's
//! writer into JSON that reads back as the same value; strings are written
//! exactly as serde_json writes them; an error response yields a clean code.

#![no_main]

use codegen_runtime::fuzz as f;
use codegen_runtime::primitives::{from_json, to_json, Document, Number};
use libfuzzer_sys::fuzz_target;

/// serde_json errors where the two readers differ on purpose.
fn differs_on_purpose(error: &serde_json::Error) -> bool {
    let error = error.to_string();
    ["surrogate", "out of range", "unexpected end of hex escape", "recursion limit exceeded"]
        .iter()
        .any(|reason| error.contains(reason))
}

/// serde_json's reading, as a document.
fn from_serde(value: &serde_json::Value) -> Document {
    use serde_json::Value;
    match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(items) => Document::Array(items.iter().map(from_serde).collect()),
        Value::Object(members) => Document::Object(members.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect()),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Number::PosInt(u),
            (None, Some(i), _) => Number::NegInt(i),
            (None, None, f) => Number::Float(f.unwrap_or(f64::NAN)),
        }),
    }
}

fn same_doubles(a: &[Option<f64>], b: &[Option<f64>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
            (None, None) => true,
            _ => false,
        })
}

fuzz_target!(|data: &[u8]| {
    // A whole body as a document; an empty one is `{}`.
    let document = f::json_body_document(data);
    if data.iter().all(u8::is_ascii_whitespace) {
        assert_eq!(document, Ok(Document::Object(Default::default())));
    }
    let _ = document.map_err(|e| e.to_string());

    // Sometimes two parts: an error header, then the body.
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(at) if data.first() == Some(&b'@') => (Some(&data[1..at]), &data[at + 1..]),
        _ => (None, data),
    };
    let headers: Vec<(&[u8], &[u8])> =
        header.into_iter().flat_map(|h| [(&b"x-amzn-errortype"[..], h), (&b"x-amzn-query-error"[..], h)]).collect();
    if let Some((code, _message, query_code)) = f::json_error_code_and_message(400, &headers, body) {
        if let Some(code) = &code {
            assert!(!code.is_empty() && !code.contains([':', '#']) && code.trim() == code, "{code:?}");
        }
        // An awsQuery-compatible service's header code wins; else the same code.
        match query_code {
            Some(query) if Some(&query) != code.as_ref() => {
                assert!(!query.is_empty() && !query.contains(';') && query.trim() == query, "{query:?}");
            }
            other => assert_eq!(other, code),
        }
    }

    let Ok(text) = std::str::from_utf8(data) else {
        assert!(from_json::<Document>(data).is_err());
        return;
    };

    // Skipping accepts what serde_json accepts.
    let skipped = f::json_skip(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&skipped, &theirs) {
        (Ok(()), Ok(_)) | (Err(_), Err(_)) => {}
        (Ok(()), Err(e)) => assert!(differs_on_purpose(e), "skipped {text:?}, which serde_json refuses: {e}"),
        (Err(e), Ok(_)) => panic!("refused {text:?}, which serde_json reads: {e}"),
    }

    // Documents read as serde_json reads them, and write back to the same.
    let ours = from_json::<Document>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert_eq!(a, &from_serde(b), "{text:?}"),
        (Err(_), Err(_)) => {}
        (Ok(a), Err(e)) => panic!("read {text:?} as {a:?}, which serde_json refuses: {e}"),
        (Err(e), Ok(_)) => assert!(skipped.is_err() || e.to_string().contains("recursion limit"), "{text:?}: {e}"),
    }
    if let Ok(value) = &ours {
        let written = to_json(value).expect("a document read can be written");
        assert_eq!(&from_json::<Document>(&written).expect("written JSON reads"), value);
    }

    // A dense list of strings: null items dropped, the writer escapes as serde_json does.
    if let Ok(Some(strings)) = f::json_read_strings(text) {
        if let Ok(serde_json::Value::Array(items)) = &theirs {
            let expected: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
            assert_eq!(strings, expected, "{text:?}");
        }
        let written = f::json_write_strings(&strings).expect("strings can be written");
        assert_eq!(written, serde_json::to_string(&strings).unwrap());
        assert_eq!(f::json_read_strings(&written).unwrap(), Some(strings));
    }

    // A sparse list of doubles, NaN and the infinities as strings.
    if let Ok(Some(doubles)) = f::json_read_sparse_doubles(text) {
        let written = f::json_write_sparse_doubles(&doubles).expect("doubles can be written");
        let again = f::json_read_sparse_doubles(&written).unwrap().unwrap();
        assert!(same_doubles(&doubles, &again), "{text:?} -> {written}");
    }

    // A map of lists of integers (a later key wins, a null removes one).
    if let Ok(Some(map)) = f::json_read_int_lists(text) {
        let written = f::json_write_int_lists(&map).expect("a map can be written");
        assert_eq!(f::json_read_int_lists(&written).unwrap(), Some(map));
    }

    // A sparse map of base64 blobs.
    if let Ok(Some(blobs)) = f::json_read_sparse_blobs(text) {
        let written = f::json_write_sparse_blobs(&blobs).expect("blobs can be written");
        assert_eq!(f::json_read_sparse_blobs(&written).unwrap(), Some(blobs));
    }

    // Scalars: strings agree with serde_json; integers and booleans too.
    if let Ok(s) = from_json::<String>(text) {
        assert_eq!(theirs.as_ref().ok().and_then(|v| v.as_str()), Some(s.as_str()), "{text:?}");
    }
    if let Ok(n) = from_json::<i64>(text) {
        // serde_json reads `-0` as the float -0.0.
        let number = theirs.as_ref().ok().and_then(|v| v.as_i64().or_else(|| v.as_f64().filter(|x| *x == 0.0).map(|_| 0)));
        assert_eq!(number, Some(n), "{text:?}");
    }
    if let Ok(b) = from_json::<bool>(text) {
        assert_eq!(theirs.as_ref().ok().and_then(|v| v.as_bool()), Some(b), "{text:?}");
    }
});
