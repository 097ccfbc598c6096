//! Splits an IDL file into tokens. Whitespace, commas (which the IDL 2.0
//! grammar treats as whitespace) and `//` comments are dropped; `///`
//! documentation comments are kept as tokens. Strings and text blocks are
//! unescaped here, so the parser sees their values.

use super::text;

/// What a token is. Identifiers and numbers keep their text in the source
/// (`start..end` of the token).
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// An identifier or shape id: letters, digits, `_`, `.`, `#` and `$`,
    /// starting with a letter or `_`. The parser checks its form.
    Ident,
    /// A `$` that starts a token (`$version`, `$member`).
    Dollar,
    /// A quoted string or a text block, unescaped.
    Str(String),
    Number,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Colon,
    /// `:=`
    Walrus,
    Eq,
    At,
    /// A `///` line, without the slashes and one following space.
    Doc(String),
    Eof,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub kind: Kind,
    /// Byte offsets in the file text; always on character boundaries.
    pub start: usize,
    pub end: usize,
}

/// A lexical error: a byte offset and a message.
pub type LexError = (usize, String);

/// Tokenizes the whole file. The last token is always [`Kind::Eof`].
pub fn tokenize(src: &str) -> Result<Vec<Token>, LexError> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::with_capacity(src.len() / 4);
    let mut i = 0;
    // A byte-order mark is not part of the model.
    if src.starts_with('\u{feff}') {
        i = 3;
    }
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let single = |kind: Kind| Token { kind, start, end: start + 1 };
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
            }
            b'/' => {
                if bytes.get(i + 1) != Some(&b'/') {
                    return Err((i, "unexpected `/`: comments start with `//`".into()));
                }
                let line_end = src[i..].find('\n').map_or(bytes.len(), |n| i + n);
                if bytes.get(i + 2) == Some(&b'/') {
                    let mut body = &src[i + 3..line_end];
                    body = body.strip_suffix('\r').unwrap_or(body);
                    body = body.strip_prefix(' ').unwrap_or(body);
                    tokens.push(Token { kind: Kind::Doc(body.to_owned()), start, end: line_end });
                }
                i = line_end;
            }
            b'{' => {
                tokens.push(single(Kind::LBrace));
                i += 1;
            }
            b'}' => {
                tokens.push(single(Kind::RBrace));
                i += 1;
            }
            b'[' => {
                tokens.push(single(Kind::LBracket));
                i += 1;
            }
            b']' => {
                tokens.push(single(Kind::RBracket));
                i += 1;
            }
            b'(' => {
                tokens.push(single(Kind::LParen));
                i += 1;
            }
            b')' => {
                tokens.push(single(Kind::RParen));
                i += 1;
            }
            b'@' => {
                tokens.push(single(Kind::At));
                i += 1;
            }
            b'=' => {
                tokens.push(single(Kind::Eq));
                i += 1;
            }
            b'$' => {
                tokens.push(single(Kind::Dollar));
                i += 1;
            }
            b':' => {
                if bytes.get(i + 1) == Some(&b'=') {
                    tokens.push(Token { kind: Kind::Walrus, start, end: i + 2 });
                    i += 2;
                } else {
                    tokens.push(single(Kind::Colon));
                    i += 1;
                }
            }
            b'"' => {
                let (value, end) = string(src, i)?;
                tokens.push(Token { kind: Kind::Str(value), start, end });
                i = end;
            }
            b'-' | b'0'..=b'9' => {
                let end = number(bytes, i)?;
                tokens.push(Token { kind: Kind::Number, start, end });
                i = end;
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let mut end = i + 1;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'_' | b'.' | b'#' | b'$'))
                {
                    end += 1;
                }
                tokens.push(Token { kind: Kind::Ident, start, end });
                i = end;
            }
            _ => {
                let c = src[i..].chars().next().unwrap_or('?');
                let hint = if c == '#' { " (comments start with `//`)" } else { "" };
                return Err((i, format!("unexpected character `{}`{hint}", c.escape_debug())));
            }
        }
    }
    tokens.push(Token { kind: Kind::Eof, start: bytes.len(), end: bytes.len() });
    Ok(tokens)
}

/// `-? int frac? exp?`, as in JSON. Returns the end offset.
fn number(bytes: &[u8], start: usize) -> Result<usize, LexError> {
    let mut i = start;
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > from
    };
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    if !digits(&mut i) {
        return Err((start, "expected a digit after `-`".into()));
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return Err((start, "expected a digit after the decimal point".into()));
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return Err((start, "expected a digit in the exponent".into()));
        }
    }
    if bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_') {
        return Err((start, "a number must not run into letters".into()));
    }
    Ok(i)
}

/// A quoted string or text block starting at `start` (on its first `"`).
/// Returns its value and the offset after the closing quote(s).
fn string(src: &str, start: usize) -> Result<(String, usize), LexError> {
    let bytes = src.as_bytes();
    let triple = bytes.get(start + 1) == Some(&b'"') && bytes.get(start + 2) == Some(&b'"');
    if !triple && bytes.get(start + 1) == Some(&b'"') {
        return Ok((String::new(), start + 2));
    }
    let open = if triple { 3 } else { 1 };
    let body_start = start + open;
    let mut i = body_start;
    loop {
        match bytes.get(i) {
            None => {
                let what = if triple { "text block: no closing `\"\"\"`" } else { "string: no closing `\"`" };
                return Err((start, format!("unterminated {what} before the end of the file")));
            }
            Some(b'\\') => i += 2,
            Some(b'"') if !triple => break,
            Some(b'"') if bytes.get(i + 1) == Some(&b'"') && bytes.get(i + 2) == Some(&b'"') => break,
            Some(_) => i += 1,
        }
    }
    // `i` is on the closing quote, which is ASCII: a character boundary.
    let raw = src.get(body_start..i).ok_or((start, "invalid string".to_owned()))?;
    let value = if triple {
        let block = text::format_text_block(raw).map_err(|m| (start, m))?;
        text::unescape(&block, true).map_err(|(_, m)| (start, m))?
    } else {
        text::unescape(raw, false).map_err(|(at, m)| (body_start + at, m))?
    };
    Ok((value, i + open))
}
