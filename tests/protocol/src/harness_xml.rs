// XML body comparison for the harness of a restXml service (build.rs
// adds it beside `harness.rs` for the XML suites only: it reads bodies with
// the client's own XML reader).

/// Whether the body sent is the XML the case expects (`Err`: it is not XML).
pub(crate) fn xml_equal(actual: &[u8], expected: &str) -> Result<bool, String> {
    let wanted = crate::xml::parse(expected.as_bytes()).map_err(|e| format!("the case's body: {e}"))?;
    let sent = crate::xml::parse(actual).map_err(|e| format!("not XML: {e}"))?;
    Ok(canonical_xml(&sent) == canonical_xml(&wanted))
}

/// An element as text in a canonical form, for comparing XML bodies as
/// the cases ask: attributes in any order; whitespace around text ignored
/// (and whitespace-only text between elements); the children of a
/// structure (distinct names) or of a map (entries of a key and a value)
/// in any order, the items of a list (repeated names) in theirs.
pub(crate) fn canonical_xml(element: &crate::xml::Element) -> String {
    let mut attributes: Vec<String> = element.attributes().iter().map(|(k, v)| format!(" {k}={v:?}")).collect();
    attributes.sort();
    let mut children: Vec<String> = element.children().iter().map(canonical_xml).collect();
    let names: std::collections::BTreeSet<&str> = element.children().iter().map(|c| c.name()).collect();
    let entries = element.children().iter().all(|c| {
        let kids = c.children();
        kids.len() == 2 && kids[0].name() != kids[1].name()
    });
    if names.len() == element.children().len() || entries {
        children.sort();
    }
    let text = if element.children().is_empty() { element.text().trim() } else { "" };
    format!("<{}{}>{}{}</{}>", element.name(), attributes.concat(), text, children.concat(), element.name())
}

