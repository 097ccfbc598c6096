//! String contents: line endings, text-block indentation, escapes.

/// Removes the incidental whitespace of a text block body (the text between
/// the `"""` delimiters, escapes not yet expanded), as the IDL specification
/// describes: the body starts with a line break; the smallest indentation of
/// the non-blank lines (and of the closing line, even when blank) is removed
/// from every line; trailing spaces are removed from every line.
pub fn format_text_block(raw: &str) -> Result<String, String> {
    let normalized = normalize_line_endings(raw);
    let Some(body) = normalized.strip_prefix('\n') else {
        return Err("a text block must start with a line break after the opening `\"\"\"`".into());
    };
    let lines: Vec<&str> = body.split('\n').collect();
    let last = lines.len().saturating_sub(1);
    let indent = lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            // The closing line counts even when blank: it sets the margin.
            (spaces < line.len() || i == last).then_some(spaces)
        })
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(body.len());
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_end_matches(' ');
        // Leading characters removed are spaces only, so slicing is on a
        // character boundary; `get` guards anyway.
        if trimmed.len() > indent {
            out.push_str(trimmed.get(indent..).unwrap_or(trimmed));
        }
        if i < last {
            out.push('\n');
        }
    }
    Ok(out)
}

fn normalize_line_endings(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Expands the escapes of a string body. Errors carry the byte offset of
/// the offending escape within `raw`.
pub fn unescape(raw: &str, text_block: bool) -> Result<String, (usize, String)> {
    let raw_owned;
    let raw = if text_block {
        raw
    } else {
        raw_owned = normalize_line_endings(raw);
        raw_owned.as_str()
    };
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') {
                return Err((at, format!("invalid control character U+{:04X} in a string; escape it", c as u32)));
            }
            out.push(c);
            continue;
        }
        let Some((_, escaped)) = chars.next() else {
            return Err((at, "a string cannot end with a lone `\\`".into()));
        };
        match escaped {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            '\'' => out.push('\''),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\n' => {}
            'u' => {
                let unit = hex4(&mut chars).ok_or((at, "expected four hex digits after `\\u`".to_owned()))?;
                let code = if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate must be followed by an escaped low one.
                    let low = match (chars.next(), chars.next()) {
                        (Some((_, '\\')), Some((_, 'u'))) => hex4(&mut chars),
                        _ => None,
                    };
                    match low {
                        Some(low) if (0xDC00..0xE000).contains(&low) => {
                            0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        }
                        _ => return Err((at, "a `\\u` high surrogate must be followed by a `\\u` low surrogate".into())),
                    }
                } else {
                    unit
                };
                let c = char::from_u32(code).ok_or((at, format!("`\\u{unit:04X}` is not a valid character")))?;
                out.push(c);
            }
            other => {
                return Err((
                    at,
                    format!(
                        "invalid escape `\\{}`; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX or an escaped line break",
                        other.escape_debug()
                    ),
                ))
            }
        }
    }
    Ok(out)
}

fn hex4(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Option<u32> {
    let mut value = 0;
    for _ in 0..4 {
        let (_, c) = chars.next()?;
        value = value * 16 + c.to_digit(16)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_blocks_lose_incidental_whitespace() {
        assert_eq!(format_text_block("\n    Hello\n        - Indented").unwrap(), "Hello\n    - Indented");
        assert_eq!(format_text_block("\n    Hello\n        - Indented\n    ").unwrap(), "Hello\n    - Indented\n");
        assert_eq!(format_text_block("\n    Hello\n        - Indented\n").unwrap(), "    Hello\n        - Indented\n");
        assert_eq!(format_text_block("\n  a  \n\n  b\n  ").unwrap(), "a\n\nb\n");
        assert!(format_text_block("no newline").is_err());
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r#"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"#, false).unwrap(), "a\"b\\c/d\u{8}\u{c}\n\r\té😀");
        assert_eq!(unescape("a\\\nb", false).unwrap(), "ab");
        assert!(unescape(r"\q", false).is_err());
        assert!(unescape(r"\u12", false).is_err());
        assert!(unescape(r"\ud83d", false).is_err());
    }
}
