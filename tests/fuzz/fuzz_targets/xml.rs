//! The XML codec of restXml (`codegen/runtime/src/xml.rs`) and restXml's
//! error reader (`codegen/runtime/src/rest_xml.rs`), on any bytes a server
//! may send as a body.
//!
//! Properties: a body either reads as a tree or is a typed error, and
//! reads exactly as roxmltree (a conforming parser, without DTDs) reads it
//! when that one accepts it, but for the depth limit and where roxmltree is
//! more lenient than XML (a reference to no character, a repeated
//! namespace declaration, `</:a>` closing `<a>`); a tree read and written back by
//! the writer reads as the same tree (names, attributes, text, children);
//! any text the writer escapes, as content or as an attribute value, reads
//! back exactly; what a scalar reader accepts formats and reads back to the
//! same value; the error reader takes the code, message and ids from where
//! the protocol keeps them, without surrounding whitespace, and a code a
//! server writes reads back trimmed.

#![no_main]

use codegen_runtime::fuzz::xml::{self as x, ErrorFields};
use codegen_runtime::fuzz::{self as f, TimestampFormat};
use codegen_runtime::xml::Element;
use libfuzzer_sys::fuzz_target;

/// XML's whitespace, which ends a name.
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// A character XML 1.0 can carry (`Char` of the spec).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn depth(element: &Element) -> usize {
    1 + element.children().iter().map(depth).max().unwrap_or(0)
}

/// An element's name as written in `input`.
fn name_of<'a>(input: &'a str, node: roxmltree::Node<'_, '_>) -> &'a str {
    let rest = &input[node.range().start + 1..];
    &rest[..rest.find(|c: char| is_xml_space(c) || c == '/' || c == '>').unwrap_or(rest.len())]
}

/// The attribute names of an element's start tag as written, namespace
/// declarations among them (roxmltree keeps those apart).
fn start_tag_attributes<'a>(input: &'a str, node: roxmltree::Node<'_, '_>) -> Vec<&'a str> {
    let tag = &input[node.range().start + 1 + name_of(input, node).len()..];
    let mut names = Vec::new();
    let mut rest = tag.trim_start_matches(is_xml_space);
    while let Some(at) = rest.find('=').filter(|_| !rest.starts_with(['/', '>'])) {
        names.push(rest[..at].trim_end_matches(is_xml_space));
        let value = rest[at + 1..].trim_start_matches(is_xml_space);
        let Some(quote) = value.chars().next() else { break };
        let Some(end) = value[1..].find(quote) else { break };
        rest = value[end + 2..].trim_start_matches(is_xml_space);
    }
    names
}

/// Whether no element under `node` repeats an attribute: roxmltree lets a
/// namespace be declared twice on one element, which is not well-formed.
fn attributes_unique(input: &str, node: roxmltree::Node<'_, '_>) -> bool {
    let mut names = start_tag_attributes(input, node);
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    names.len() == count && node.children().filter(|c| c.is_element()).all(|c| attributes_unique(input, c))
}

/// Whether every end tag under `node` names its element as its start tag
/// does: roxmltree lets `</:a>` close `<a>`, which is not well-formed.
fn end_tags_match(input: &str, node: roxmltree::Node<'_, '_>) -> bool {
    let whole = &input[node.range()];
    let closed = whole.ends_with("/>") && !whole.contains("</") || {
        let end = &whole[whole.rfind("</").map_or(0, |at| at + 2)..whole.len() - 1];
        end.trim_end_matches(is_xml_space) == name_of(input, node)
    };
    closed && node.children().filter(|c| c.is_element()).all(|c| end_tags_match(input, c))
}

/// Whether `input` has a character reference to no character (past
/// U+10FFFF, or a surrogate), which roxmltree reads as U+FFFD; XML says it
/// is not well-formed.
fn refers_to_no_char(input: &str) -> bool {
    input.match_indices("&#").any(|(at, _)| {
        let rest = &input[at + 2..];
        let (digits, radix) = match rest.strip_prefix('x') {
            Some(hex) => (hex, 16),
            None => (rest, 10),
        };
        let end = digits.find(';').unwrap_or(digits.len());
        let digits = &digits[..end];
        !digits.is_empty()
            && digits.chars().all(|c| c.is_digit(radix))
            && u32::from_str_radix(digits, radix).map_or(true, |n| char::from_u32(n).is_none())
    })
}

/// roxmltree's reading of an element, in our tree's terms.
#[derive(Debug, PartialEq)]
struct Expected {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Expected>,
}

/// The element as roxmltree reads it: its name and its attributes' names
/// as written (from the input), namespace declarations left out (roxmltree
/// keeps them apart), all its direct text.
fn expected(input: &str, node: roxmltree::Node<'_, '_>) -> Expected {
    let name = name_of(input, node).to_owned();
    let attributes = node.attributes().map(|a| (input[a.range_qname()].to_owned(), a.value().to_owned())).collect();
    let text = node.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect();
    let children = node.children().filter(|c| c.is_element()).map(|c| expected(input, c)).collect();
    Expected { name, attributes, text, children }
}

/// Our tree in the same terms, namespace declarations left out.
fn ours(element: &Element) -> Expected {
    Expected {
        name: element.name().to_owned(),
        attributes: element.attributes().iter().filter(|(n, _)| !is_namespace(n)).cloned().collect(),
        text: element.text().to_owned(),
        children: element.children().iter().map(ours).collect(),
    }
}

/// Whether every element and attribute name is a qualified name of
/// Namespaces in XML: a local part, or a prefix and a local part, with no
/// other colon.
fn qualified_names(element: &Element) -> bool {
    let qualified = |name: &str| match name.split_once(':') {
        None => !name.is_empty(),
        Some((prefix, local)) => !prefix.is_empty() && !local.is_empty() && !local.contains(':'),
    };
    qualified(element.name())
        && element.attributes().iter().all(|(name, _)| qualified(name))
        && element.children().iter().all(qualified_names)
}

fn is_namespace(name: &str) -> bool {
    name == "xmlns" || name.starts_with("xmlns:")
}

/// The namespace declarations we read are those of the start tag, and
/// each is one roxmltree has in scope there.
fn same_namespaces(input: &str, element: &Element, node: roxmltree::Node<'_, '_>) {
    let declared: Vec<&str> = start_tag_attributes(input, node).into_iter().filter(|n| is_namespace(n)).collect();
    let ours: Vec<&str> = element.attributes().iter().map(|(n, _)| n.as_str()).filter(|n| is_namespace(n)).collect();
    assert_eq!(ours, declared, "on <{}>", element.name());
    for (name, uri) in element.attributes().iter().filter(|(n, _)| is_namespace(n)) {
        let prefix = name.strip_prefix("xmlns:");
        // `xmlns=""` undeclares the default namespace.
        assert_eq!(node.lookup_namespace_uri(prefix).unwrap_or(""), uri, "{name} on <{}>", element.name());
    }
    for (child, node) in element.children().iter().zip(node.children().filter(|c| c.is_element())) {
        same_namespaces(input, child, node);
    }
}

/// What the error reader must find in a body roxmltree reads: the trimmed
/// text of `<Code>` and `<Message>` of the root `<Error>` or the root's
/// first `<Error>`, and of the first `<RequestId>` and `<HostId>`.
fn expected_error<'a>(input: &str, root: roxmltree::Node<'a, 'a>) -> [Option<String>; 4] {
    let named = |node: roxmltree::Node<'a, 'a>, name: &str| {
        node.children().filter(|c| c.is_element()).find(|c| name_of(input, *c) == name)
    };
    let text = |node: Option<roxmltree::Node<'a, 'a>>, name: &str| {
        let child = named(node?, name)?;
        let text: String = child.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect();
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    };
    let error = if name_of(input, root) == "Error" { Some(root) } else { named(root, "Error") };
    [
        text(error, "Code"),
        text(error, "Message"),
        text(error, "RequestId").or_else(|| text(Some(root), "RequestId")),
        text(error, "HostId"),
    ]
}

fn trimmed(field: &Option<String>) {
    if let Some(value) = field {
        assert!(!value.is_empty() && value.trim() == value, "{value:?}");
    }
}

fn same_float(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// What survives a format's text: HTTP dates and epoch seconds keep
/// milliseconds.
fn kept(format: TimestampFormat, nanos: i128) -> i128 {
    match format {
        TimestampFormat::DateTime => nanos,
        TimestampFormat::HttpDate | TimestampFormat::EpochSeconds => nanos - nanos.rem_euclid(1_000_000),
    }
}

/// Every scalar reader on `text`: what one accepts, written as the writer
/// writes it, reads back to the same value.
fn scalars(text: &str) {
    if let Some(b) = x::boolean(text) {
        assert_eq!(x::boolean(&b.to_string()), Some(b));
    }
    if let Some(n) = x::integer::<i64>(text) {
        assert_eq!(x::integer::<i64>(&n.to_string()), Some(n));
        assert_eq!(x::integer::<i8>(text), i8::try_from(n).ok(), "{text:?}");
        assert_eq!(x::integer::<i32>(text), i32::try_from(n).ok(), "{text:?}");
    }
    if let Some(v) = x::float(text) {
        let written = x::float_text(v);
        assert!(x::float(&written).is_some_and(|w| same_float(w, v)), "{text:?} -> {v} -> {written:?}");
        if let Some(n) = x::integer::<i64>(text) {
            assert_eq!(v, n as f64, "{text:?}");
        }
    }
    if let Some(v) = x::float_f32(text) {
        let written = x::float_text_f32(v);
        let back = x::float_f32(&written);
        assert!(back.is_some_and(|w| same_float(f64::from(w), f64::from(v))), "{text:?} -> {v} -> {written:?} -> {back:?}");
    }
    if let Some(bytes) = x::blob(text) {
        let written = x::blob_text(&bytes);
        assert_eq!(x::blob(&written).as_deref(), Some(&bytes[..]), "{text:?} -> {written:?}");
    }
    for format in [TimestampFormat::DateTime, TimestampFormat::HttpDate, TimestampFormat::EpochSeconds] {
        let Some(nanos) = x::timestamp(text, format) else { continue };
        match f::timestamp_format(format, nanos) {
            Some(written) => {
                let back = x::timestamp(&written, format);
                assert_eq!(back, Some(kept(format, nanos)), "{format:?} {text:?} -> {nanos} -> {written:?}");
            }
            // Only years outside 0 to 9999 cannot be written.
            None => assert!(!(-62_167_219_200_000_000_000..253_402_300_800_000_000_000).contains(&nanos), "{text:?}"),
        }
    }
}

fn leaves<'a>(element: &'a Element, out: &mut Vec<&'a str>) {
    if out.len() < 64 {
        if element.children().is_empty() {
            out.push(element.text());
        }
        for child in element.children() {
            leaves(child, out);
        }
        for (_, value) in element.attributes() {
            out.push(value);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // An optional first line `@request-id`: the request id headers of an
    // error response, then its body.
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(at) if data.first() == Some(&b'@') => (Some(&data[1..at]), &data[at + 1..]),
        _ => (None, data),
    };

    // The body: a tree or a typed error, within the depth limit.
    let parsed = x::parse(body);
    match &parsed {
        Ok(root) => assert!(depth(root) <= x::MAX_DEPTH),
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    match x::root(body) {
        Ok(None) => assert!(body.iter().all(u8::is_ascii_whitespace)),
        other => assert_eq!(other.map(Option::unwrap), parsed),
    }

    // Written back by the writer, the tree reads as itself; writing is
    // deterministic.
    if let Ok(root) = &parsed {
        let written = x::write(root);
        let again = x::parse(written.as_bytes());
        assert_eq!(again.as_ref(), Ok(root), "{written:?}");
        assert_eq!(x::write(&again.unwrap()), written);
    }

    // A conforming parser's reading, when it accepts the body (no DTD).
    // Line ends are normalized first, as XML says a parser reads them
    // (roxmltree keeps a CR before a reference).
    let text = std::str::from_utf8(body).ok();
    let lines = text.map(|t| t.replace("\r\n", "\n").replace('\r', "\n"));
    let conforming = lines
        .as_deref()
        .filter(|t| !refers_to_no_char(t))
        .and_then(|t| Some((t, roxmltree::Document::parse(t).ok()?)))
        .filter(|(t, doc)| end_tags_match(t, doc.root_element()) && attributes_unique(t, doc.root_element()))
        // Names that are not namespace-qualified names (`:xmlns`, `a:`,
        // `a:b:c`) are not XML with namespaces: roxmltree reads `:xmlns` as
        // a declaration of the default namespace, we keep it as written.
        .filter(|_| parsed.as_ref().map_or(true, qualified_names));
    if let Some((input, doc)) = &conforming {
        let want = expected(input, doc.root_element());
        let deep = doc.descendants().filter(|n| n.is_element()).map(|n| n.ancestors().count() - 1).max().unwrap_or(0);
        if deep > x::MAX_DEPTH {
            assert!(parsed.is_err(), "{deep} levels read");
        } else {
            let root = parsed.as_ref().unwrap_or_else(|e| panic!("refused what roxmltree reads: {e}"));
            assert_eq!(ours(root), want);
            same_namespaces(input, root, doc.root_element());
        }
    }

    // The error reader, on this body and the request id header.
    let headers: Vec<(&[u8], &[u8])> =
        header.into_iter().flat_map(|h| [(&b"x-amz-request-id"[..], h), (&b"x-amz-id-2"[..], h)]).collect();
    let status = 400 + (data.len() % 200) as u16;
    if let Some(fields) = x::error_metadata(status, &headers, body) {
        let ErrorFields { code, message, request_id, extended_request_id, status: read_status } = &fields;
        for field in [code, message, request_id, extended_request_id] {
            trimmed(field);
        }
        assert_eq!(*read_status, Some(status));
        // Header values are read when they are visible ASCII.
        let header = header
            .filter(|h| h.iter().all(|&b| b == b'\t' || (32..127).contains(&b)))
            .and_then(|h| std::str::from_utf8(h).ok())
            .map(str::trim)
            .filter(|h| !h.is_empty());
        if let Some((input, doc)) = conforming.as_ref().filter(|_| parsed.is_ok()) {
            let [code, message, id, host] = expected_error(input, doc.root_element());
            let want = ErrorFields {
                code,
                message,
                request_id: header.map(str::to_owned).or(id),
                extended_request_id: header.map(str::to_owned).or(host),
                status: Some(status),
            };
            assert_eq!(fields, want);
        } else if parsed.is_err() {
            assert_eq!((code, message), (&None, &None));
        }
    }

    let Some(text) = text else { return };

    // Any text the writer escapes reads back exactly, as content and as an
    // attribute value, when XML can carry its characters.
    let leaf = x::leaf("a", "b", text, text);
    let back = x::parse(leaf.as_bytes());
    if text.chars().all(is_xml_char) {
        let back = back.unwrap_or_else(|e| panic!("{leaf:?} does not read: {e}"));
        assert_eq!((back.text(), back.attribute("b")), (text, Some(text)), "{leaf:?}");
    } else if let Ok(back) = back {
        assert_eq!((back.text(), back.attribute("b")), (text, Some(text)), "{leaf:?}");
    }

    // An error body a server writes with a code, a message and a request id
    // (the text cut at NUL bytes) reads back trimmed.
    let mut parts = text.splitn(3, '\0');
    let (code, message, id) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if [code, message, id].iter().all(|p| p.chars().all(is_xml_char)) {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        for wrapped in [true, false] {
            let body = x::error_body(wrapped, code, message, id);
            let fields = x::error_metadata(500, &[], body.as_bytes()).expect("a plain response");
            assert_eq!((fields.code, fields.message, fields.request_id), (some(code), some(message), some(id)), "{body:?}");
        }
    }

    // The scalar readers, on the whole text and on the values in the tree.
    scalars(text);
    if let Ok(root) = &parsed {
        let mut values = Vec::new();
        leaves(root, &mut values);
        for value in values {
            scalars(value);
        }
    }
});
