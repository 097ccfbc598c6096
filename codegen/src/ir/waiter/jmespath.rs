//! A JMESPath parser for waiter paths: the whole grammar is read (so that
//! an expression outside the subset is named precisely), and the subset that
//! waiters use becomes an [`Expr`]: fields, sub-expressions, indexes, list
//! and filter projections, flatten, literals, comparisons, `&&`, `||`, `!`,
//! pipes and function calls. Slices, multi-selects, object projections
//! (`*`) and expression references (`&`) are reported as unsupported.
//!
//! The parser follows the binding powers of the reference implementation
//! (jmespath.py), so that a projection keeps what follows it (`a[].b.c`
//! projects `b.c`) and stops at a comparison or a second flatten.

use std::fmt;

use serde_json::Value;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `@`: the current value.
    Current,
    /// `name` or `"name"`: a member of the current object.
    Field(String),
    /// `lhs.rhs`: `rhs` evaluated on the value of `lhs`.
    Subexpr(Box<Expr>, Box<Expr>),
    /// `lhs[n]`: an element of a list (negative counts from the end).
    Index(Box<Expr>, i64),
    /// `lhs[*].rhs` (and `lhs[].rhs`, over `Flatten(lhs)`): `rhs` on each
    /// element of the list `lhs`, nulls dropped.
    Projection(Box<Expr>, Box<Expr>),
    /// `lhs[]`: the list with its list elements spliced in.
    Flatten(Box<Expr>),
    /// `lhs[?condition].rhs`: `rhs` on each element for which `condition` is truthy.
    Filter { list: Box<Expr>, condition: Box<Expr>, rhs: Box<Expr> },
    /// `` `json` `` or `'raw string'`.
    Literal(Value),
    Compare(Comparison, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `name(arguments)`.
    Call(String, Vec<Expr>),
    /// `lhs | rhs`: `rhs` evaluated on the value of `lhs` (a projection stops here).
    Pipe(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Comparison {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Eq => "==",
            Comparison::Ne => "!=",
            Comparison::Lt => "<",
            Comparison::Le => "<=",
            Comparison::Gt => ">",
            Comparison::Ge => ">=",
        }
    }

    /// The comparison with its operands swapped (`a < b` is `b > a`).
    pub fn swapped(self) -> Comparison {
        match self {
            Comparison::Lt => Comparison::Gt,
            Comparison::Le => Comparison::Ge,
            Comparison::Gt => Comparison::Lt,
            Comparison::Ge => Comparison::Le,
            same => same,
        }
    }
}

/// Why an expression was not parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Not JMESPath: what is wrong, and at which character (from 0).
    Syntax { message: String, offset: usize },
    /// JMESPath, but outside the subset waiters are generated for.
    Unsupported { what: String },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Syntax { message, offset } => write!(f, "{message} at character {}", offset + 1),
            ParseError::Unsupported { what } => write!(f, "{what} is not supported"),
        }
    }
}

type Result<T> = std::result::Result<T, ParseError>;

/// Parses a JMESPath expression.
pub fn parse(text: &str) -> Result<Expr> {
    let tokens = lex(text)?;
    let mut parser = Parser { tokens, at: 0 };
    let expr = parser.expression(0)?;
    match parser.peek() {
        Tok::Eof => Ok(expr),
        other => Err(parser.syntax(format!("unexpected {}", other.describe()))),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    QuotedIdent(String),
    Number(i64),
    Literal(Value),
    Dot,
    Star,
    /// `[]`
    Flatten,
    /// `[?`
    Filter,
    LBracket,
    RBracket,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    Colon,
    At,
    Pipe,
    Or,
    And,
    Not,
    Ampersand,
    Compare(Comparison),
    Eof,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Ident(name) => format!("identifier `{name}`"),
            Tok::QuotedIdent(name) => format!("identifier \"{name}\""),
            Tok::Number(n) => format!("number {n}"),
            Tok::Literal(v) => format!("literal `{v}`"),
            Tok::Eof => "end of expression".to_owned(),
            Tok::Compare(c) => format!("`{}`", c.symbol()),
            other => {
                let text = match other {
                    Tok::Dot => ".",
                    Tok::Star => "*",
                    Tok::Flatten => "[]",
                    Tok::Filter => "[?",
                    Tok::LBracket => "[",
                    Tok::RBracket => "]",
                    Tok::LParen => "(",
                    Tok::RParen => ")",
                    Tok::LBrace => "{",
                    Tok::RBrace => "}",
                    Tok::Comma => ",",
                    Tok::Colon => ":",
                    Tok::At => "@",
                    Tok::Pipe => "|",
                    Tok::Or => "||",
                    Tok::And => "&&",
                    Tok::Not => "!",
                    _ => "&",
                };
                format!("`{text}`")
            }
        }
    }

    /// The left binding power (jmespath.py's table).
    fn binding_power(&self) -> u8 {
        match self {
            Tok::Pipe => 1,
            Tok::Or => 2,
            Tok::And => 3,
            Tok::Compare(_) => 5,
            Tok::Flatten => 9,
            Tok::Star => 20,
            Tok::Filter => 21,
            Tok::Dot => 40,
            Tok::Not => 45,
            Tok::LBrace => 50,
            Tok::LBracket => 55,
            Tok::LParen => 60,
            _ => 0,
        }
    }
}

/// Below this binding power, what follows a projection is not part of it.
const PROJECTION_STOP: u8 = 10;

fn lex(text: &str) -> Result<Vec<(Tok, usize)>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let syntax = |message: String, offset: usize| ParseError::Syntax { message, offset };
    while i < chars.len() {
        let (offset, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, c)| c);
        let (tok, len) = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            '.' => (Tok::Dot, 1),
            '*' => (Tok::Star, 1),
            '@' => (Tok::At, 1),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '{' => (Tok::LBrace, 1),
            '}' => (Tok::RBrace, 1),
            ']' => (Tok::RBracket, 1),
            ',' => (Tok::Comma, 1),
            ':' => (Tok::Colon, 1),
            '[' => match next {
                Some(']') => (Tok::Flatten, 2),
                Some('?') => (Tok::Filter, 2),
                _ => (Tok::LBracket, 1),
            },
            '|' if next == Some('|') => (Tok::Or, 2),
            '|' => (Tok::Pipe, 1),
            '&' if next == Some('&') => (Tok::And, 2),
            '&' => (Tok::Ampersand, 1),
            '!' if next == Some('=') => (Tok::Compare(Comparison::Ne), 2),
            '!' => (Tok::Not, 1),
            '=' if next == Some('=') => (Tok::Compare(Comparison::Eq), 2),
            '<' if next == Some('=') => (Tok::Compare(Comparison::Le), 2),
            '<' => (Tok::Compare(Comparison::Lt), 1),
            '>' if next == Some('=') => (Tok::Compare(Comparison::Ge), 2),
            '>' => (Tok::Compare(Comparison::Gt), 1),
            '`' | '\'' | '"' => {
                // Up to the closing quote; a backslash escapes the next character.
                let mut j = i + 1;
                let mut raw = String::new();
                loop {
                    match chars.get(j) {
                        None => return Err(syntax(format!("unterminated {c}"), offset)),
                        Some(&(_, '\\')) if j + 1 < chars.len() => {
                            raw.push('\\');
                            raw.push(chars[j + 1].1);
                            j += 2;
                        }
                        Some(&(_, q)) if q == c => break,
                        Some(&(_, other)) => {
                            raw.push(other);
                            j += 1;
                        }
                    }
                }
                let tok = match c {
                    '`' => {
                        let json = raw.replace("\\`", "`");
                        let value = serde_json::from_str(&json)
                            .map_err(|e| syntax(format!("invalid JSON literal `{json}` ({e})"), offset))?;
                        Tok::Literal(value)
                    }
                    // Raw strings: only `\'` is an escape.
                    '\'' => Tok::Literal(Value::String(raw.replace("\\'", "'"))),
                    _ => {
                        let name: String = serde_json::from_str(&format!("\"{raw}\""))
                            .map_err(|e| syntax(format!("invalid quoted identifier ({e})"), offset))?;
                        Tok::QuotedIdent(name)
                    }
                };
                (tok, j + 1 - i)
            }
            '-' | '0'..='9' => {
                let mut j = i + 1;
                while chars.get(j).is_some_and(|&(_, d)| d.is_ascii_digit()) {
                    j += 1;
                }
                let end = chars.get(j).map_or(text.len(), |&(o, _)| o);
                let number = text[offset..end]
                    .parse()
                    .map_err(|_| syntax(format!("invalid number `{}`", &text[offset..end]), offset))?;
                (Tok::Number(number), j - i)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while chars.get(j).is_some_and(|&(_, d)| d.is_ascii_alphanumeric() || d == '_') {
                    j += 1;
                }
                let end = chars.get(j).map_or(text.len(), |&(o, _)| o);
                (Tok::Ident(text[offset..end].to_owned()), j - i)
            }
            other => return Err(syntax(format!("unexpected character `{other}`"), offset)),
        };
        tokens.push((tok, offset));
        i += len;
    }
    tokens.push((Tok::Eof, text.len()));
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(Tok, usize)>,
    at: usize,
}

fn unsupported<T>(what: &str) -> Result<T> {
    Err(ParseError::Unsupported { what: what.to_owned() })
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.at.min(self.tokens.len() - 1)].0
    }

    fn peek_second(&self) -> &Tok {
        &self.tokens[(self.at + 1).min(self.tokens.len() - 1)].0
    }

    fn advance(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.at < self.tokens.len() - 1 {
            self.at += 1;
        }
        tok
    }

    fn syntax(&self, message: String) -> ParseError {
        ParseError::Syntax { message, offset: self.tokens[self.at.min(self.tokens.len() - 1)].1 }
    }

    fn expect(&mut self, tok: Tok) -> Result<()> {
        if *self.peek() == tok {
            self.advance();
            Ok(())
        } else {
            Err(self.syntax(format!("expected {}, found {}", tok.describe(), self.peek().describe())))
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<Expr> {
        let tok = self.advance();
        let mut left = self.nud(tok)?;
        while rbp < self.peek().binding_power() {
            let tok = self.advance();
            left = self.led(tok, left)?;
        }
        Ok(left)
    }

    /// A token at the start of an expression.
    fn nud(&mut self, tok: Tok) -> Result<Expr> {
        match tok {
            Tok::Ident(name) | Tok::QuotedIdent(name) => Ok(Expr::Field(name)),
            Tok::Literal(value) => Ok(Expr::Literal(value)),
            Tok::At => Ok(Expr::Current),
            Tok::Not => Ok(Expr::Not(Box::new(self.expression(Tok::Not.binding_power())?))),
            Tok::LParen => {
                let inner = self.expression(0)?;
                self.expect(Tok::RParen)?;
                Ok(inner)
            }
            Tok::Flatten => {
                let rhs = self.projection_rhs(Tok::Flatten.binding_power())?;
                Ok(Expr::Projection(Box::new(Expr::Flatten(Box::new(Expr::Current))), Box::new(rhs)))
            }
            Tok::Filter => self.filter(Expr::Current),
            Tok::LBracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => self.index(Expr::Current),
                Tok::Star if *self.peek_second() == Tok::RBracket => {
                    self.advance();
                    self.advance();
                    let rhs = self.projection_rhs(Tok::Star.binding_power())?;
                    Ok(Expr::Projection(Box::new(Expr::Current), Box::new(rhs)))
                }
                _ => unsupported("a multi-select list (`[a, b]`)"),
            },
            Tok::Star => unsupported("an object projection (`*`)"),
            Tok::LBrace => unsupported("a multi-select hash (`{a: b}`)"),
            Tok::Ampersand => unsupported("an expression reference (`&expr`)"),
            other => Err(self.syntax(format!("unexpected {}", other.describe()))),
        }
    }

    /// A token after an expression `left`.
    fn led(&mut self, tok: Tok, left: Expr) -> Result<Expr> {
        let left = Box::new(left);
        match tok {
            Tok::Dot => {
                if *self.peek() == Tok::Star {
                    return unsupported("an object projection (`.*`)");
                }
                let rhs = self.dot_rhs(Tok::Dot.binding_power())?;
                Ok(Expr::Subexpr(left, Box::new(rhs)))
            }
            Tok::Pipe => Ok(Expr::Pipe(left, Box::new(self.expression(Tok::Pipe.binding_power())?))),
            Tok::Or => Ok(Expr::Or(left, Box::new(self.expression(Tok::Or.binding_power())?))),
            Tok::And => Ok(Expr::And(left, Box::new(self.expression(Tok::And.binding_power())?))),
            Tok::Compare(op) => {
                Ok(Expr::Compare(op, left, Box::new(self.expression(Tok::Compare(op).binding_power())?)))
            }
            Tok::LParen => {
                let Expr::Field(name) = *left else {
                    return Err(self.syntax("only a function name may be called".to_owned()));
                };
                let mut args = Vec::new();
                if *self.peek() == Tok::RParen {
                    self.advance();
                } else {
                    loop {
                        args.push(self.expression(0)?);
                        match self.peek() {
                            Tok::Comma => {}
                            Tok::RParen => {
                                self.advance();
                                break;
                            }
                            other => return Err(self.syntax(format!("expected `,` or `)`, found {}", other.describe()))),
                        }
                        self.advance();
                    }
                }
                Ok(Expr::Call(name, args))
            }
            Tok::Filter => self.filter(*left),
            Tok::Flatten => {
                let rhs = self.projection_rhs(Tok::Flatten.binding_power())?;
                Ok(Expr::Projection(Box::new(Expr::Flatten(left)), Box::new(rhs)))
            }
            Tok::LBracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => self.index(*left),
                Tok::Star => {
                    self.advance();
                    self.expect(Tok::RBracket)?;
                    let rhs = self.projection_rhs(Tok::Star.binding_power())?;
                    Ok(Expr::Projection(left, Box::new(rhs)))
                }
                other => Err(self.syntax(format!("expected a number or `*`, found {}", other.describe()))),
            },
            Tok::Star | Tok::LBrace => unsupported("an object projection or multi-select hash"),
            other => Err(self.syntax(format!("unexpected {}", other.describe()))),
        }
    }

    /// After `[`: an index (slices are not supported).
    fn index(&mut self, left: Expr) -> Result<Expr> {
        let Tok::Number(n) = self.advance() else {
            return unsupported("a slice (`[a:b]`)");
        };
        if *self.peek() == Tok::Colon {
            return unsupported("a slice (`[a:b]`)");
        }
        self.expect(Tok::RBracket)?;
        Ok(Expr::Index(Box::new(left), n))
    }

    /// After `[?`: the condition, `]`, and what the projection applies.
    fn filter(&mut self, list: Expr) -> Result<Expr> {
        let condition = self.expression(0)?;
        self.expect(Tok::RBracket)?;
        let rhs = self.projection_rhs(Tok::Filter.binding_power())?;
        Ok(Expr::Filter { list: Box::new(list), condition: Box::new(condition), rhs: Box::new(rhs) })
    }

    /// What a projection applies to each element (`@` when nothing follows).
    fn projection_rhs(&mut self, bp: u8) -> Result<Expr> {
        match self.peek() {
            tok if tok.binding_power() < PROJECTION_STOP => Ok(Expr::Current),
            Tok::LBracket | Tok::Filter => self.expression(bp),
            Tok::Dot => {
                self.advance();
                self.dot_rhs(bp)
            }
            other => Err(self.syntax(format!("unexpected {} after a projection", other.describe()))),
        }
    }

    /// What may follow a `.`: an identifier (or a function call), `*`, `[`, `{`.
    fn dot_rhs(&mut self, bp: u8) -> Result<Expr> {
        match self.peek() {
            Tok::Ident(_) | Tok::QuotedIdent(_) | Tok::Star => self.expression(bp),
            Tok::LBracket => unsupported("a multi-select list (`a.[b, c]`)"),
            Tok::LBrace => unsupported("a multi-select hash (`a.{b: c}`)"),
            other => Err(self.syntax(format!("expected an identifier after `.`, found {}", other.describe()))),
        }
    }
}

/// The expression in a canonical form, every compound part parenthesized
/// (for tests and messages).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Current => f.write_str("@"),
            Expr::Field(name) => f.write_str(name),
            Expr::Subexpr(lhs, rhs) => write!(f, "{lhs}.{rhs}"),
            Expr::Index(lhs, n) => write!(f, "{lhs}[{n}]"),
            Expr::Projection(lhs, rhs) => write!(f, "({lhs}[*] -> {rhs})"),
            Expr::Flatten(lhs) => write!(f, "{lhs}[]"),
            Expr::Filter { list, condition, rhs } => write!(f, "({list}[?{condition}] -> {rhs})"),
            Expr::Literal(Value::String(s)) => write!(f, "'{s}'"),
            Expr::Literal(value) => write!(f, "`{value}`"),
            Expr::Compare(op, lhs, rhs) => write!(f, "({lhs} {} {rhs})", op.symbol()),
            Expr::And(lhs, rhs) => write!(f, "({lhs} && {rhs})"),
            Expr::Or(lhs, rhs) => write!(f, "({lhs} || {rhs})"),
            Expr::Not(inner) => write!(f, "!{inner}"),
            Expr::Call(name, args) => {
                write!(f, "{name}(")?;
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
            Expr::Pipe(lhs, rhs) => write!(f, "({lhs} | {rhs})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        match parse(text) {
            Ok(expr) => expr.to_string(),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn member_paths_and_indexes() {
        assert_eq!(canonical("status"), "status");
        assert_eq!(canonical("scraper.status.statusCode"), "scraper.status.statusCode");
        assert_eq!(canonical("\"quoted name\".b"), "quoted name.b");
        assert_eq!(canonical("a[0].b"), "a[0].b");
        assert_eq!(canonical("a[-1]"), "a[-1]");
        assert_eq!(canonical("[0]"), "@[0]");
    }

    #[test]
    fn projections_keep_what_follows_until_a_comparison_or_flatten() {
        assert_eq!(canonical("tasks[].lastStatus"), "(tasks[][*] -> lastStatus)");
        assert_eq!(canonical("a[*].b.c"), "(a[*] -> b.c)");
        assert_eq!(canonical("a[].b[].c"), "((a[][*] -> b)[][*] -> c)");
        assert_eq!(canonical("a[*].b[*].c"), "(a[*] -> (b[*] -> c))");
        assert_eq!(canonical("a[].b[0]"), "(a[][*] -> b[0])");
        assert_eq!(canonical("a[].b == `1`"), "((a[][*] -> b) == `1`)");
        assert_eq!(canonical("a[] | [0]"), "((a[][*] -> @) | @[0])");
        assert_eq!(canonical("MetricAlarms[]"), "(MetricAlarms[][*] -> @)");
    }

    #[test]
    fn filters_comparisons_and_boolean_operators() {
        assert_eq!(
            canonical("length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`"),
            "(length((services[?!((length(deployments) == `1`) && (runningCount == desiredCount))] -> @)) == `0`)"
        );
        assert_eq!(canonical("a[?b == 'x'].c"), "(a[?(b == 'x')] -> c)");
        assert_eq!(canonical("a || b && !c"), "(a || (b && !c))");
        assert_eq!(canonical("a == `true` || b"), "((a == `true`) || b)");
        assert_eq!(canonical("x >= `1.5`"), "(x >= `1.5`)");
        assert_eq!(canonical("contains(a[].b, 'x')"), "contains((a[][*] -> b), 'x')");
        assert_eq!(canonical("input.id == output.id"), "(input.id == output.id)");
        assert_eq!(parse(r"'it\'s'"), Ok(Expr::Literal(Value::String("it's".into()))));
        assert_eq!(parse(r#"`"a\`b"`"#), Ok(Expr::Literal(Value::String("a`b".into()))));
    }

    #[test]
    fn constructs_outside_the_subset_are_named() {
        for (text, what) in [
            ("a[0:2]", "a slice"),
            ("a.*", "an object projection"),
            ("*.b", "an object projection"),
            ("a.[b, c]", "a multi-select list"),
            ("{a: b}", "a multi-select hash"),
            ("sort_by(a, &b)", "an expression reference"),
        ] {
            match parse(text) {
                Err(ParseError::Unsupported { what: found }) => assert!(found.starts_with(what), "{text}: {found}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn syntax_errors_say_where() {
        for (text, message) in [
            ("a.", "expected an identifier after `.`, found end of expression at character 3"),
            ("a ==", "unexpected end of expression at character 5"),
            ("a b", "unexpected identifier `b` at character 3"),
            ("length(a", "expected `,` or `)`, found end of expression at character 9"),
            ("`{`", "invalid JSON literal"),
            ("'abc", "unterminated ' at character 1"),
            ("a = b", "unexpected character `=` at character 3"),
            ("a[x]", "expected a number or `*`, found identifier `x` at character 3"),
        ] {
            let error = parse(text).expect_err(text).to_string();
            assert!(error.starts_with(message), "{text}: {error}");
        }
    }
}
