//! The XML codec of restXml (copied verbatim into each generated crate that
//! speaks it by codegen; the source lives in `codegen/runtime/src/xml.rs`).
//!
//! Reading: quick-xml tokenizes a body, and [`parse`] builds a small tree
//! of [`Element`]s (names as written, attributes, children, text) with a
//! depth limit; entity references are only the five XML predefines and
//! character references (a DTD's entities are never expanded, so an entity
//! "bomb" is an error, not memory). One plain generated function per type
//! then reads its members from an element, skipping the ones it does not
//! know. Writing: [`Writer`], one plain generated function per type.
#![allow(dead_code)]

use std::fmt;

use quick_xml::events::Event;

/// How deep elements may nest in a body that is read.
pub(crate) const MAX_DEPTH: usize = 128;

/// An XML body that could not be read, or a value in it that does not
/// read as its member's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlError {
    message: String,
}

impl XmlError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        XmlError { message: message.into() }
    }

    /// The error, naming the member of `shape` whose value it is in.
    pub(crate) fn in_member(mut self, shape: &str, member: &str) -> Self {
        self.message = format!("{shape}.{member}: {}", self.message);
        self
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "XML: {}", self.message)
    }
}

impl std::error::Error for XmlError {}

/// One element of a body: its name as written (with any prefix), its
/// attributes (namespace declarations among them), its children and its
/// text (all text and CDATA directly inside it, references decoded).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    /// The name as written, such as `Bucket` or `xsi:type`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name without its prefix.
    pub fn local_name(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// The value of an attribute, by name as written.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The attributes, in document order.
    pub fn attributes(&self) -> &[(String, String)] {
        &self.attributes
    }

    /// The child elements, in document order.
    pub fn children(&self) -> &[Element] {
        &self.children
    }

    /// The first child of that name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text directly inside the element.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Reads a whole body into its root element: well-formed XML (UTF-8), one
/// root, elements nested at most [`MAX_DEPTH`] deep.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(bytes).map_err(|e| XmlError::new(format!("the body is not UTF-8: {e}")))?;
    let mut reader = quick_xml::Reader::from_str(text);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    // Every event but the last consumes at least one byte.
    for _ in 0..=text.len() + 1 {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::new(format!("{e} (at byte {})", reader.error_position())))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(XmlError::new("content after the root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::new(format!("elements nest deeper than {MAX_DEPTH}")));
                }
                let name = start.name().as_ref().to_owned();
                // quick-xml reads `< />` as an element without a name.
                if name.is_empty() {
                    return Err(XmlError::new("an element without a name"));
                }
                let mut attributes = Vec::new();
                for attribute in start.attributes() {
                    let attribute = attribute.map_err(|e| XmlError::new(format!("in <{name}>: {e}")))?;
                    let key = attribute.key.as_ref().to_owned();
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| XmlError::new(format!("attribute `{key}` of <{name}>: {e}")))?
                        .into_owned();
                    attributes.push((key, value));
                }
                stack.push(Element { name, attributes, children: Vec::new(), text: String::new() });
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(XmlError::new("an end tag without its start"));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(text) => {
                let content = text.xml10_content();
                match stack.last_mut() {
                    Some(open) => open.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(XmlError::new("text outside the root element")),
                }
            }
            Event::CData(data) => match stack.last_mut() {
                Some(open) => open.text.push_str(&data.xml10_content()),
                None => return Err(XmlError::new("CDATA outside the root element")),
            },
            Event::GeneralRef(reference) => {
                let Some(open) = stack.last_mut() else {
                    return Err(XmlError::new("a reference outside the root element"));
                };
                if reference.is_char_ref() {
                    match reference.resolve_char_ref() {
                        Ok(Some(c)) => open.text.push(c),
                        _ => return Err(XmlError::new("a character reference to no character")),
                    }
                } else {
                    let name = reference.xml10_content();
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(replacement) => open.text.push_str(replacement),
                        // Entities a DTD declares are never expanded.
                        None => return Err(XmlError::new(format!("the entity `&{name};` is not one of XML's five"))),
                    }
                }
            }
            Event::Empty(_) => return Err(XmlError::new("an empty element was not expanded")),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(XmlError::new(format!("the body ends inside <{}>", open.name)));
                }
                return root.ok_or_else(|| XmlError::new("the body has no element"));
            }
        }
    }
    Err(XmlError::new("the body did not end"))
}

impl Element {
    /// An element without a name holding this one as its only child.
    pub(crate) fn wrapped(self) -> Element {
        Element { children: vec![self], ..Element::default() }
    }
}

/// `result`, its error naming the element whose text it read.
pub(crate) fn within<T>(element: &Element, result: Result<T, XmlError>) -> Result<T, XmlError> {
    result.map_err(|e| XmlError::new(format!("<{}>: {}", element.name, e.message)))
}

/// Reads a body's root element: an empty body (or only whitespace) has none.
pub(crate) fn root(body: &[u8]) -> Result<Option<Element>, XmlError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    parse(body).map(Some)
}

/// A type this crate reads from an element: every generated structure,
/// union and enum that responses carry.
pub trait FromXml: Sized {
    #[doc(hidden)]
    fn read_xml(element: &Element) -> Result<Self, XmlError>;
}

/// A type this crate writes as an element's content (attributes, then
/// children or text): every generated type that requests carry.
pub trait ToXml {
    #[doc(hidden)]
    fn write_xml(&self, writer: &mut Writer);
}

/// Reads a value of this crate from XML, as the client does with an
/// element of a response body: for tests and mocks.
pub fn from_xml<T: FromXml>(xml: impl AsRef<[u8]>) -> Result<T, XmlError> {
    T::read_xml(&parse(xml.as_ref())?)
}

/// Writes a value of this crate as the element `name`, as the client does
/// in a request body: for tests that check what is sent.
pub fn to_xml<T: ToXml + ?Sized>(value: &T, name: &str) -> String {
    let mut writer = Writer::new();
    writer.start(name);
    value.write_xml(&mut writer);
    writer.end(name);
    writer.finish()
}

// The scalars, from an element's text. Strings are taken as they are;
// everything else is read without surrounding whitespace.

/// An element's text as a string.
pub(crate) fn string(element: &Element) -> String {
    element.text.clone()
}

/// `true` or `false`.
pub(crate) fn boolean(text: &str) -> Result<bool, XmlError> {
    match text.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(XmlError::new(format!("`{other}` is not a boolean"))),
    }
}

/// An integer of any width.
pub(crate) fn integer<T: std::str::FromStr>(text: &str) -> Result<T, XmlError> {
    let text = text.trim();
    text.parse().map_err(|_| XmlError::new(format!("`{text}` is not an integer of the member's width")))
}

/// A float: a number, or `NaN`, `Infinity`, `-Infinity`.
pub(crate) fn float(text: &str) -> Result<f64, XmlError> {
    match text.trim() {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        number => {
            let plain = number.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
            match number.parse() {
                Ok(value) if plain => Ok(value),
                _ => Err(XmlError::new(format!("`{number}` is not a number"))),
            }
        }
    }
}

/// A float of 32 bits (NaN and the infinities as [`float`] reads them).
pub(crate) fn float_f32(text: &str) -> Result<f32, XmlError> {
    // Narrowing is what a 32-bit member asks for.
    float(text).map(|value| value as f32)
}

/// Base64 bytes (whitespace inside is allowed).
pub(crate) fn blob(text: &str) -> Result<crate::primitives::Blob, XmlError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    crate::primitives::base64_decode(&compact)
        .map(crate::primitives::Blob::new)
        .ok_or_else(|| XmlError::new("a blob that is not base64"))
}

/// A timestamp in `format`: `date-time`, `epoch-seconds` or `http-date`.
pub(crate) fn timestamp(text: &str, format: &str) -> Result<time::OffsetDateTime, XmlError> {
    let text = text.trim();
    let read = match format {
        "epoch-seconds" => crate::timestamp::EpochSeconds::read(text),
        "http-date" => crate::timestamp::HttpDate::read(text),
        _ => crate::timestamp::DateTime::read(text),
    };
    read.ok_or_else(|| XmlError::new(format!("`{text}` is not a {format} timestamp")))
}

/// Writes XML: start tags stay open for attributes until content follows.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    /// A start tag is waiting for its `>`.
    open: bool,
    /// A value could not be written (an unknown union member).
    failed: Option<String>,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Writer::default()
    }

    fn close_start(&mut self) {
        if self.open {
            self.out.push('>');
            self.open = false;
        }
    }

    /// Opens the element `name`.
    pub(crate) fn start(&mut self, name: &str) {
        self.close_start();
        self.out.push('<');
        self.out.push_str(name);
        self.open = true;
    }

    /// An attribute of the element just opened (ignored once it has content).
    pub(crate) fn attribute(&mut self, name: &str, value: &str) {
        if self.open {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value, true);
            self.out.push('"');
        }
    }

    /// `xmlns` (or `xmlns:prefix`) on the element just opened.
    pub(crate) fn namespace(&mut self, prefix: Option<&str>, uri: &str) {
        match prefix {
            Some(prefix) => self.attribute(&format!("xmlns:{prefix}"), uri),
            None => self.attribute("xmlns", uri),
        }
    }

    /// Text inside the open element.
    pub(crate) fn text(&mut self, text: &str) {
        self.close_start();
        escape_into(&mut self.out, text, false);
    }

    /// Closes the element `name`.
    pub(crate) fn end(&mut self, name: &str) {
        if self.open {
            self.out.push_str("/>");
            self.open = false;
        } else {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
    }

    /// The element `name` holding only `text`.
    pub(crate) fn leaf(&mut self, name: &str, text: &str) {
        self.start(name);
        self.text(text);
        self.end(name);
    }

    /// Records that a value cannot be written.
    pub(crate) fn fail(&mut self, message: String) {
        self.failed.get_or_insert(message);
    }

    /// The text written, or why it could not be.
    pub(crate) fn finish_checked(self) -> Result<String, XmlError> {
        match self.failed {
            Some(message) => Err(XmlError::new(message)),
            None => Ok(self.out),
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// Escapes text for XML: the markup characters, and the characters a
/// reader would otherwise normalize away (a carriage return; in attribute
/// values also newlines and tabs), as character references.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#xD;"),
            '\n' if attribute => out.push_str("&#xA;"),
            '\t' if attribute => out.push_str("&#x9;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_attributes_text_and_references() {
        let root = parse(
            br#"<?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <a:Root xmlns:a="urn:x" id="1 &amp; 2"><Leaf>x &lt; y &#65;&#x42; <![CDATA[<raw>]]></Leaf><Empty/><Leaf>second</Leaf></a:Root>"#,
        )
        .unwrap();
        assert_eq!((root.name(), root.local_name()), ("a:Root", "Root"));
        assert_eq!(root.attribute("id"), Some("1 & 2"));
        assert_eq!(root.attribute("xmlns:a"), Some("urn:x"));
        assert_eq!(root.children().len(), 3);
        assert_eq!(root.child("Leaf").map(Element::text), Some("x < y AB <raw>"));
        assert_eq!(root.child("Empty").map(Element::text), Some(""));
        assert_eq!(root.children()[2].text(), "second");
    }

    #[test]
    fn bad_bodies_are_errors_not_panics() {
        let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        let bomb = r#"<?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <lolz>&lol2;</lolz>"#;
        for body in [
            "",
            "   ",
            "<a>",
            "<a></b>",
            "</a>",
            "<a>text",
            "<a/><b/>",
            "text<a/>",
            "<a>&unknown;</a>",
            "<a>&#0;</a>",
            "<a x='1' x='2'/>",
            deep.as_str(),
            bomb,
        ] {
            assert!(parse(body.as_bytes()).is_err(), "{body:?} reads");
        }
        assert!(parse(b"\xff<a/>").is_err());
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok(), "the limit itself is allowed");
    }

    /// Inputs the fuzz target `tests/fuzz/fuzz_targets/xml.rs` found.
    #[test]
    fn fuzz_regressions() {
        // An element without a name, which the writer would write as `</>`.
        assert!(parse(b"<r>< />v</r>").is_err());
        assert!(parse(b"< ></ >").is_err());
    }

    #[test]
    fn empty_bodies_have_no_root() {
        assert_eq!(root(b" \n").unwrap(), None);
        assert_eq!(root(b"<a/>").unwrap().map(|e| e.name), Some("a".to_owned()));
    }

    #[test]
    fn scalars_read_their_text() {
        assert_eq!(boolean(" true "), Ok(true));
        assert!(boolean("yes").is_err());
        assert_eq!(integer::<i8>("-12"), Ok(-12));
        assert!(integer::<i8>("300").is_err());
        assert!(float("NaN").unwrap().is_nan());
        assert_eq!(float("-Infinity"), Ok(f64::NEG_INFINITY));
        assert_eq!(float("1.5e2"), Ok(150.0));
        assert!(float("inf").is_err());
        assert_eq!(blob("dmFs\n dWU=").unwrap().as_ref(), b"value");
        assert!(blob("!!").is_err());
        let t = timestamp("2014-04-29T18:30:38Z", "date-time").unwrap();
        assert_eq!(t.unix_timestamp(), 1398796238);
        assert_eq!(timestamp("1398796238", "epoch-seconds").unwrap(), t);
        assert_eq!(timestamp("Tue, 29 Apr 2014 18:30:38 GMT", "http-date").unwrap(), t);
        assert!(timestamp("yesterday", "date-time").is_err());
    }

    #[test]
    fn writes_escaped_elements_and_attributes() {
        let mut w = Writer::new();
        w.start("Root");
        w.namespace(None, "urn:a");
        w.namespace(Some("b"), "urn:b");
        w.attribute("q", "a\"b<\n");
        w.leaf("Text", "1 < 2 & 3 > 2\r");
        w.start("Empty");
        w.end("Empty");
        w.end("Root");
        let text = w.finish();
        assert_eq!(
            text,
            r#"<Root xmlns="urn:a" xmlns:b="urn:b" q="a&quot;b&lt;&#xA;"><Text>1 &lt; 2 &amp; 3 &gt; 2&#xD;</Text><Empty/></Root>"#
        );
        let back = parse(text.as_bytes()).unwrap();
        assert_eq!(back.attribute("q"), Some("a\"b<\n"));
        assert_eq!(back.child("Text").map(Element::text), Some("1 < 2 & 3 > 2\r"));
    }
}
