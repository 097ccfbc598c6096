//! Model documentation is HTML; rustdoc reads Markdown. This converts the
//! subset AWS models use (paragraphs, code, links, lists, emphasis, notes) and
//! escapes what Markdown would misread. It never fails. Other HTML tags
//! (tables, `<span>`) are dropped and their text kept.
//! Anything else between `<` and `>` is text: AWS documentation writes XML
//! elements and placeholders that way (`<code><isTruncated>true</isTruncated></code>`,
//! `arn:aws:s3:<Region>:<account-id>`, "returned in the `<Code>` tag"), and
//! they read as written.

/// Converts HTML documentation to Markdown lines (no trailing blank line).
pub fn html_to_markdown(html: &str) -> Vec<String> {
    let mut out = Converter::default();
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => match rest.find('>') {
                Some(end) if is_html(&rest[1..end]) => {
                    out.tag(&rest[1..end]);
                    rest = &rest[end + 1..];
                }
                // Not a tag: the `<` is text, and what follows it is read
                // on (it may hold a tag, as in `a < b <code>c</code>`).
                _ => {
                    out.text("<");
                    rest = &rest[1..];
                }
            },
            Some(start) => {
                out.text(&rest[..start]);
                rest = &rest[start..];
            }
            None => {
                out.text(rest);
                rest = "";
            }
        }
    }
    out.finish()
}

#[derive(Default)]
struct Converter {
    lines: Vec<String>,
    line: String,
    code: usize,
    pre: bool,
    /// Open lists: the item counter (`None` for bullets) and the indentation
    /// that continues the current item on a new line.
    lists: Vec<(Option<usize>, String)>,
    link: Option<String>,
    /// Right after an opening marker (`**`, `` ` ``, `[`): no space before the next word.
    glue: bool,
}

impl Converter {
    fn tag(&mut self, tag: &str) {
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/').trim_end_matches('/');
        // `is_html` lets only lower-case names of known elements through.
        let name = body.split_whitespace().next().unwrap_or("");
        match (name, closing) {
            // A definition list's terms and definitions, and a service's
            // `<fullname>` title, are paragraphs of their own.
            ("p" | "div" | "para" | "dl" | "dt" | "dd" | "fullname", _) => self.paragraph(),
            ("br", _) => self.newline(),
            // Only the outermost code element makes a code span: one nested
            // in it adds nothing, and a closing tag without its opening one
            // is dropped (backticks must pair up).
            ("code" | "tt", false) => {
                if self.code == 0 && !self.pre {
                    self.open("`");
                }
                self.code += 1;
            }
            ("code" | "tt", true) => {
                if self.code == 1 && !self.pre {
                    self.close("`");
                }
                self.code = self.code.saturating_sub(1);
            }
            ("pre", false) => {
                self.paragraph();
                self.lines.push("```text".into());
                self.pre = true;
            }
            ("pre", true) => {
                self.newline();
                self.lines.push("```".into());
                self.lines.push(String::new());
                self.pre = false;
            }
            ("i" | "em", false) => self.open("*"),
            ("i" | "em", true) => self.close("*"),
            ("b" | "strong", false) => self.open("**"),
            ("b" | "strong", true) => self.close("**"),
            ("ul", false) => {
                self.paragraph();
                self.lists.push((None, String::new()));
            }
            ("ol", false) => {
                self.paragraph();
                self.lists.push((Some(0), String::new()));
            }
            ("ul" | "ol", true) => {
                self.newline();
                self.line.clear();
                self.lists.pop();
                if let Some((_, indent)) = self.lists.last() {
                    // Back in the enclosing item: what follows is a new
                    // paragraph of it, not a lazy continuation of the last
                    // nested item.
                    if self.lines.last().is_some_and(|l| !l.is_empty()) {
                        self.lines.push(String::new());
                    }
                    self.line = indent.clone();
                } else {
                    self.paragraph();
                }
            }
            ("li", false) => {
                self.newline();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some((Some(n), _)) => {
                        *n += 1;
                        format!("{n}. ")
                    }
                    _ => "- ".into(),
                };
                let outer = "  ".repeat(depth);
                if let Some((_, indent)) = self.lists.last_mut() {
                    *indent = format!("{outer}{}", " ".repeat(marker.len()));
                }
                self.line = format!("{outer}{marker}");
                self.glue = true;
            }
            ("li", true) => self.newline(),
            // A link without a target (AWS uses them to name other
            // operations) stays plain text: `[Name]` would be an intra-doc link.
            ("a", false) => {
                let href = attribute(body, "href").unwrap_or_default();
                if !href.is_empty() {
                    self.open("[");
                }
                self.link = Some(href);
            }
            ("a", true) => {
                if let Some(href) = self.link.take().filter(|h| !h.is_empty()) {
                    self.close("]");
                    self.line.push_str(&format!("({href})"));
                }
            }
            ("note" | "important", false) => {
                self.paragraph();
                self.line.push_str(if name == "note" { "**Note:** " } else { "**Important:** " });
                self.glue = true;
            }
            ("note" | "important", true) => self.paragraph(),
            _ => {}
        }
    }

    /// An opening marker: a space before it if the text had one, none after.
    fn open(&mut self, marker: &str) {
        self.line.push_str(marker);
        self.glue = true;
    }

    /// A closing marker, right after the last word.
    fn close(&mut self, marker: &str) {
        let trimmed = self.line.trim_end().len();
        self.line.truncate(trimmed);
        self.line.push_str(marker);
        self.glue = false;
    }

    fn text(&mut self, raw: &str) {
        let text = decode_entities(raw);
        if self.pre {
            for (i, part) in text.split('\n').enumerate() {
                if i > 0 {
                    self.newline_raw();
                }
                self.line.push_str(part);
            }
            return;
        }
        let mut pending_space = text.starts_with(char::is_whitespace);
        for word in text.split_whitespace() {
            if pending_space && !self.glue && !self.line.trim().is_empty() && !self.line.ends_with(' ') {
                self.line.push(' ');
            }
            if self.code > 0 {
                self.line.push_str(&word.replace('`', "'"));
            } else {
                self.line.push_str(&escape(word));
            }
            self.glue = false;
            pending_space = true;
        }
        if text.ends_with(char::is_whitespace) && !self.glue && !self.line.trim().is_empty() && !self.line.ends_with(' ') {
            self.line.push(' ');
        }
    }

    fn newline_raw(&mut self) {
        self.lines.push(std::mem::take(&mut self.line));
    }

    /// Ends the current line; inside a list item the next line is indented
    /// to continue the item.
    fn newline(&mut self) {
        let line = std::mem::take(&mut self.line);
        let line = line.trim_end().to_owned();
        if !line.trim().is_empty() {
            self.lines.push(line);
        }
        if let Some((_, indent)) = self.lists.last() {
            self.line = indent.clone();
        }
        self.glue = false;
    }

    fn paragraph(&mut self) {
        self.end_code();
        let trimmed = self.line.trim();
        let bare_marker = trimmed == "-"
            || (trimmed.len() > 1 && trimmed.ends_with('.') && trimmed[..trimmed.len() - 1].chars().all(|c| c.is_ascii_digit()));
        // A paragraph right after a list marker or a note label continues its line.
        if bare_marker || (self.glue && !trimmed.is_empty()) {
            // A paragraph that opens a list item continues the item's line.
            return;
        }
        if !self.lists.is_empty() {
            // Inside a list, paragraphs are lines of the item, not blocks.
            self.newline();
            return;
        }
        self.newline();
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    /// Closes a code span left open (a code element never closed): a code
    /// span cannot outlive its paragraph.
    fn end_code(&mut self) {
        if self.code > 0 && !self.pre {
            self.close("`");
        }
        self.code = 0;
    }

    fn finish(mut self) -> Vec<String> {
        self.end_code();
        self.lists.clear();
        if self.pre {
            self.newline();
            self.lines.push("```".into());
        }
        self.newline();
        while self.lines.last().is_some_and(|l| l.is_empty()) {
            self.lines.pop();
        }
        let mut out: Vec<String> = Vec::new();
        for line in self.lines {
            if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
                continue;
            }
            out.push(line);
        }
        out
    }
}

/// The HTML elements the converter knows, by their lower-case names: those
/// it renders and those whose tags it drops. AWS documentation writes HTML
/// in lower case.
const HTML: &[&str] = &[
    "a", "b", "br", "code", "div", "em", "i", "important", "li", "note", "ol", "p", "para", "pre", "strong", "tt", "ul",
    "abbr", "blockquote", "caption", "cite", "dd", "del", "dfn", "dl", "dt", "fullname", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "img", "ins", "kbd", "q", "s", "samp", "small", "span", "strike", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "var",
];

/// Whether what stands between `<` and `>` is a tag of an element in
/// [`HTML`]: its name right after `<` or `</`, ended by whitespace, `/` or
/// the end.
fn is_html(tag: &str) -> bool {
    let body = tag.strip_prefix('/').unwrap_or(tag);
    let end = body.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(body.len());
    HTML.contains(&&body[..end])
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[start..];
    let quote = rest.chars().next()?;
    let value = if quote == '"' || quote == '\'' {
        let rest = &rest[1..];
        &rest[..rest.find(quote)?]
    } else {
        rest.split_whitespace().next()?
    };
    Some(decode_entities(value).replace(' ', "%20").replace(')', "%29"))
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let code = entity.strip_prefix('#')?;
                    let value = match code.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => code.parse().ok()?,
                    };
                    char::from_u32(value)?
                }
            };
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes a word of prose for Markdown: brackets (intra-doc links), angle
/// brackets (HTML), and wraps bare URLs so rustdoc links them.
fn escape(word: &str) -> String {
    if word.starts_with("http://") || word.starts_with("https://") {
        let trimmed = word.trim_end_matches(['.', ',', ';', ')']);
        return format!("<{trimmed}>{}", &word[trimmed.len()..]);
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '[' | ']' | '<' | '>' | '*' | '_' | '`' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::html_to_markdown;

    #[test]
    fn paragraphs_code_and_links() {
        let lines = html_to_markdown(
            "<p>Gets a <code>Job</code> by id.</p> <p>See <a href=\"https://example.com/x\">the guide</a> and <a>ListJobs</a>.</p>",
        );
        assert_eq!(lines, vec!["Gets a `Job` by id.", "", "See [the guide](https://example.com/x) and ListJobs."]);
    }

    #[test]
    fn lists_entities_and_escapes() {
        let lines = html_to_markdown("<p>Values:</p><ul><li><p>a [b] &lt;c&gt;</p></li><li>d_e</li></ul><p>End.</p>");
        assert_eq!(lines, vec!["Values:", "", "- a \\[b\\] \\<c\\>", "- d\\_e", "", "End."]);
        let ordered = html_to_markdown("<ol><li>one</li><li><p>two</p></li></ol>");
        assert_eq!(ordered, vec!["1. one", "2. two"]);
        let nested = html_to_markdown("<ul><li>outer<ul><li>inner</li></ul><p>more outer</p></li><li>next</li></ul>");
        assert_eq!(nested, vec!["- outer", "  - inner", "", "  more outer", "- next"]);
    }

    #[test]
    fn emphasis_hugs_its_words_and_items_continue_indented() {
        let lines = html_to_markdown(
            "<ul><li><p><b> <code>TransitionToIA</code> </b> \u{2013} when to move.</p><p>More about it.</p>\
             <note><p>A note.</p></note></li><li>Next <i>one</i>, <a href=\"u\"> link </a>.</li></ul>After.",
        );
        assert_eq!(
            lines,
            vec![
                "- **`TransitionToIA`** \u{2013} when to move.",
                "  More about it.",
                "  **Note:** A note.",
                "- Next *one*, [link](u).",
                "",
                "After."
            ]
        );
    }

    #[test]
    fn plain_text_and_broken_html_do_not_panic() {
        assert_eq!(html_to_markdown("Wait until done."), vec!["Wait until done."]);
        assert_eq!(html_to_markdown("a < b &amp c &#x41; <p"), vec!["a \\< b &amp c A \\<p"]);
        assert!(html_to_markdown("").is_empty());
        assert_eq!(html_to_markdown("see https://x.y/z."), vec!["see <https://x.y/z>."]);
        assert_eq!(html_to_markdown("a < b and c > d"), vec!["a \\< b and c \\> d"], "not a tag: no name right after `<`");
        assert_eq!(html_to_markdown("a < b <code>c</code>"), vec!["a \\< b `c`"], "a tag after a `<` that is text");
    }

    #[test]
    fn xml_and_placeholders_are_text() {
        // S3's WriteGetObjectResponse: `<Code>` is the XML element. It used
        // to open a code span that never closed, and the regular expression
        // after it became an intra-doc link.
        let s3 = html_to_markdown(
            "<p>Returned in the <Code> tag of the response for a <code>GetObject</code> call. \
             The regex is <code>\"^[A-Z][a-zA-Z]+$\"</code>.</p>",
        );
        assert_eq!(
            s3,
            vec!["Returned in the \\<Code\\> tag of the response for a `GetObject` call. The regex is `\"^[A-Z][a-zA-Z]+$\"`."]
        );
        assert_eq!(
            html_to_markdown("<p>Contains <code><isTruncated>true</isTruncated></code>.</p>"),
            vec!["Contains `<isTruncated>true</isTruncated>`."]
        );
        assert_eq!(
            html_to_markdown("<p><code>arn:aws:s3:<Region>:<account-id>:accesspoint/<access-point-name></code> or <code>Key=<tag name></code></p>"),
            vec!["`arn:aws:s3:<Region>:<account-id>:accesspoint/<access-point-name>` or `Key=<tag name>`"]
        );
        assert_eq!(html_to_markdown("<pre><scanrange><end>50</end></scanrange></pre>"), vec!["```text", "<scanrange><end>50</end></scanrange>", "```"]);
        assert_eq!(html_to_markdown("<fullname>Step Functions</fullname><dl><dt>A</dt><dd>b</dd></dl>"), vec!["Step Functions", "", "A", "", "b"]);
    }

    #[test]
    fn code_spans_pair_up() {
        assert_eq!(html_to_markdown("<p><code>a <code>b</code> c</code> d</p>"), vec!["`a b c` d"]);
        assert_eq!(html_to_markdown("<p><code>open</p><p>next</code> text</p>"), vec!["`open`", "", "next text"]);
        assert_eq!(html_to_markdown("<p>stray</code> close</p>"), vec!["stray close"]);
    }
}
