//! The IDL grammar: control, metadata and shape sections.

use std::sync::Arc;

use super::lexer::{self, Kind, Token};
use super::{
    error_at, is_identifier, is_shape_id, ApplyDef, MemberDef, Node, ParsedFile, Ref, ShapeDef, TraitDef, Version,
    MAX_NESTING,
};
use crate::error::{Error, Result, Source};

const DOCUMENTATION: &str = "smithy.api#documentation";

/// Shape type keywords and their JSON AST type names.
fn shape_type(word: &str) -> Option<&'static str> {
    Some(match word {
        "blob" => "blob",
        "boolean" => "boolean",
        "string" => "string",
        "byte" => "byte",
        "short" => "short",
        "integer" => "integer",
        "long" => "long",
        "float" => "float",
        "double" => "double",
        "bigInteger" => "bigInteger",
        "bigDecimal" => "bigDecimal",
        "timestamp" => "timestamp",
        "document" => "document",
        "enum" => "enum",
        "intEnum" => "intEnum",
        "list" => "list",
        "set" => "set",
        "map" => "map",
        "structure" => "structure",
        "union" => "union",
        "service" => "service",
        "resource" => "resource",
        "operation" => "operation",
        _ => return None,
    })
}

pub fn parse(text: &str, source: &Source) -> Result<ParsedFile> {
    let tokens = lexer::tokenize(text).map_err(|(at, message)| error_at(source, text, at, message))?;
    let mut parser = Parser {
        text,
        source,
        tokens,
        pos: 0,
        version: Version::V1,
        namespace: None,
        input_suffix: "Input".into(),
        output_suffix: "Output".into(),
        file: ParsedFile {
            source: source.clone(),
            text: Arc::from(text),
            version: Version::V1,
            namespace: None,
            uses: Vec::new(),
            metadata: Vec::new(),
            shapes: Vec::new(),
            applies: Vec::new(),
        },
    };
    parser.file()?;
    parser.file.version = parser.version;
    parser.file.namespace = parser.namespace.take();
    Ok(parser.file)
}

struct Parser<'a> {
    text: &'a str,
    source: &'a Source,
    tokens: Vec<Token>,
    /// The next token (possibly a documentation comment).
    pos: usize,
    version: Version,
    namespace: Option<String>,
    input_suffix: String,
    output_suffix: String,
    file: ParsedFile,
}

static EOF: Token = Token { kind: Kind::Eof, start: 0, end: 0 };

impl Parser<'_> {
    // ---- tokens -------------------------------------------------------

    /// The index of the next token that is not a documentation comment.
    fn index(&self, from: usize) -> usize {
        let mut i = from;
        while matches!(self.tokens.get(i), Some(Token { kind: Kind::Doc(_), .. })) {
            i += 1;
        }
        i
    }

    fn peek(&self) -> &Token {
        self.tokens.get(self.index(self.pos)).unwrap_or(&EOF)
    }

    /// The token after the next one (documentation comments skipped).
    fn peek2(&self) -> &Token {
        let first = self.index(self.pos);
        self.tokens.get(self.index(first + 1)).unwrap_or(&EOF)
    }

    fn next(&mut self) -> Token {
        let i = self.index(self.pos);
        // Never past the final end-of-file token, so that errors there
        // point at the end of the file.
        self.pos = (i + 1).min(self.tokens.len().saturating_sub(1));
        self.tokens.get(i).cloned().unwrap_or(Token { kind: Kind::Eof, start: self.text.len(), end: self.text.len() })
    }

    /// Documentation comment lines right before the next token, consumed.
    fn take_docs(&mut self) -> Option<String> {
        let mut lines = Vec::new();
        while let Some(Token { kind: Kind::Doc(line), .. }) = self.tokens.get(self.pos) {
            lines.push(line.as_str());
            self.pos += 1;
        }
        (!lines.is_empty()).then(|| lines.join("\n"))
    }

    fn slice(&self, token: &Token) -> &str {
        self.text.get(token.start..token.end).unwrap_or("")
    }

    fn is_word(&self, word: &str) -> bool {
        let token = self.peek();
        token.kind == Kind::Ident && self.slice(token) == word
    }

    // ---- errors -------------------------------------------------------

    fn error(&self, at: usize, message: impl Into<String>) -> Error {
        error_at(self.source, self.text, at, message)
    }

    fn describe(&self, token: &Token) -> String {
        match &token.kind {
            Kind::Ident => format!("`{}`", self.slice(token)),
            Kind::Dollar => "`$`".into(),
            Kind::Str(_) => "a string".into(),
            Kind::Number => format!("the number `{}`", self.slice(token)),
            Kind::LBrace => "`{`".into(),
            Kind::RBrace => "`}`".into(),
            Kind::LBracket => "`[`".into(),
            Kind::RBracket => "`]`".into(),
            Kind::LParen => "`(`".into(),
            Kind::RParen => "`)`".into(),
            Kind::Colon => "`:`".into(),
            Kind::Walrus => "`:=`".into(),
            Kind::Eq => "`=`".into(),
            Kind::At => "`@`".into(),
            Kind::Doc(_) => "a documentation comment".into(),
            Kind::Eof => "the end of the file".into(),
        }
    }

    /// "expected X, found Y" at the next token.
    fn expected(&self, what: &str) -> Error {
        let token = self.peek();
        self.error(token.start, format!("expected {what}, found {}", self.describe(token)))
    }

    fn expect(&mut self, kind: Kind, what: &str) -> Result<Token> {
        if self.peek().kind == kind {
            Ok(self.next())
        } else {
            Err(self.expected(what))
        }
    }

    /// An identifier (no `.`, `#` or `$`).
    fn identifier(&mut self, what: &str) -> Result<(String, usize)> {
        let token = self.peek();
        if token.kind == Kind::Ident && is_identifier(self.slice(token)) {
            let token = self.next();
            Ok((self.slice(&token).to_owned(), token.start))
        } else {
            Err(self.expected(what))
        }
    }

    /// A shape id, absolute or relative.
    fn shape_id(&mut self, what: &str) -> Result<Ref> {
        let token = self.peek();
        if token.kind != Kind::Ident {
            return Err(self.expected(what));
        }
        let token = self.next();
        let text = self.slice(&token);
        if !is_shape_id(text) {
            return Err(self.error(
                token.start,
                format!("`{text}` is not a valid shape id (expected `Name`, `namespace#Name` or `Name$member`)"),
            ));
        }
        Ok(Ref { text: text.to_owned(), at: token.start })
    }

    /// A key of a node object or trait structure: an identifier or a string.
    fn key(&mut self, what: &str) -> Result<(String, usize)> {
        if let Kind::Str(value) = &self.peek().kind {
            let value = value.clone();
            let token = self.next();
            return Ok((value, token.start));
        }
        self.identifier(what)
    }

    fn require_v2(&self, at: usize, feature: &str) -> Result<()> {
        if self.version == Version::V1 {
            return Err(self.error(at, format!("{feature} requires IDL version 2 (`$version: \"2.0\"`)")));
        }
        Ok(())
    }

    // ---- sections -----------------------------------------------------

    fn file(&mut self) -> Result<()> {
        while self.peek().kind == Kind::Dollar {
            self.control()?;
        }
        while self.is_word("metadata") {
            self.next();
            let (key, at) = self.key("a metadata key")?;
            self.expect(Kind::Eq, "`=` after the metadata key")?;
            let value = self.node(0)?;
            self.file.metadata.push((key, value, at));
        }
        if self.is_word("namespace") {
            self.next();
            let token = self.peek().clone();
            let text = self.slice(&token).to_owned();
            if token.kind != Kind::Ident || !text.split('.').all(is_identifier) {
                return Err(self.expected("a namespace such as `example.weather`"));
            }
            self.next();
            self.namespace = Some(text);
            while self.is_word("use") {
                self.next();
                let id = self.shape_id("an absolute shape id after `use`")?;
                let name = match id.text.split_once('#') {
                    Some((_, name)) if !name.contains('$') => name.to_owned(),
                    _ => return Err(self.error(id.at, format!("`use` needs an absolute shape id without a member, not `{}`", id.text))),
                };
                if let Some((_, earlier)) = self.file.uses.iter().find(|(n, _)| *n == name) {
                    if *earlier != id.text {
                        return Err(self.error(id.at, format!("`{name}` is already imported as `{earlier}`")));
                    }
                }
                self.file.uses.push((name, id.text));
            }
        }
        loop {
            let docs = self.take_docs();
            let token = self.peek().clone();
            match token.kind {
                Kind::Eof => return Ok(()),
                Kind::At | Kind::Ident => {}
                _ => return Err(self.expected("a shape definition or `apply`")),
            }
            let traits = self.traits(docs)?;
            let token = self.peek().clone();
            let word = if token.kind == Kind::Ident { self.slice(&token).to_owned() } else { String::new() };
            let Some(namespace) = self.namespace.clone() else {
                return Err(match word.as_str() {
                    "metadata" => self.error(token.start, "metadata statements must come before anything else but control statements"),
                    _ if token.kind == Kind::Eof => self.expected("a shape after the traits"),
                    _ => self.error(token.start, "expected a `namespace` statement before the first shape"),
                });
            };
            match word.as_str() {
                "apply" => {
                    if let Some(first) = traits.first() {
                        return Err(self.error(first.id.at, "traits cannot precede `apply`; write `apply Shape @trait`"));
                    }
                    self.next();
                    self.apply()?;
                }
                "metadata" | "namespace" | "use" => {
                    return Err(self.error(
                        token.start,
                        format!("`{word}` statements must come before the shapes (order: control, metadata, namespace, use, shapes)"),
                    ))
                }
                _ => match shape_type(&word) {
                    Some(kind) => {
                        self.next();
                        self.shape(kind, token.start, traits, &namespace)?;
                    }
                    None => return Err(self.expected("a shape type (`structure`, `string`, `operation`, ...) or `apply`")),
                },
            }
        }
    }

    fn control(&mut self) -> Result<()> {
        self.expect(Kind::Dollar, "`$`")?;
        let (key, _) = self.key("a control statement name such as `version`")?;
        self.expect(Kind::Colon, "`:` after the control statement name")?;
        let value_at = self.peek().start;
        let value = self.node(0)?;
        let text = match &value {
            Node::Str(s) => Some(s.clone()),
            _ => None,
        };
        match key.as_str() {
            "version" => {
                self.version = match text.as_deref() {
                    Some("2" | "2.0") => Version::V2,
                    Some("1" | "1.0") => Version::V1,
                    _ => {
                        return Err(self.error(value_at, "unsupported IDL version; expected \"2.0\", \"2\", \"1.0\" or \"1\""))
                    }
                }
            }
            "operationInputSuffix" | "operationOutputSuffix" => {
                let Some(suffix) = text.filter(|s| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) else {
                    return Err(self.error(value_at, format!("`${key}` must be a string of letters, digits and `_`")));
                };
                if key == "operationInputSuffix" {
                    self.input_suffix = suffix;
                } else {
                    self.output_suffix = suffix;
                }
            }
            // Unknown control statements are ignored, as the specification allows.
            _ => {}
        }
        Ok(())
    }

    // ---- traits -------------------------------------------------------

    /// Traits before a shape or member; a documentation comment becomes the
    /// `documentation` trait unless an explicit one is given.
    fn traits(&mut self, docs: Option<String>) -> Result<Vec<TraitDef>> {
        let mut traits: Vec<TraitDef> = Vec::new();
        while self.peek().kind == Kind::At {
            let t = self.trait_()?;
            if traits.iter().any(|earlier| earlier.id.text == t.id.text) {
                return Err(self.error(t.id.at, format!("trait `{}` is applied twice", t.id.text)));
            }
            traits.push(t);
        }
        if let Some(docs) = docs {
            let explicit = traits.iter().any(|t| t.id.text == "documentation" || t.id.text == DOCUMENTATION);
            if !explicit {
                traits.push(TraitDef { id: Ref { text: DOCUMENTATION.into(), at: 0 }, value: Node::Str(docs) });
            }
        }
        Ok(traits)
    }

    fn trait_(&mut self) -> Result<TraitDef> {
        self.expect(Kind::At, "`@`")?;
        let id = self.shape_id("a trait name after `@`")?;
        if id.text.contains('$') {
            return Err(self.error(id.at, "a trait name cannot name a member"));
        }
        if self.peek().kind != Kind::LParen {
            return Ok(TraitDef { id, value: Node::Object(Vec::new()) });
        }
        self.next();
        let value = if self.peek().kind == Kind::RParen {
            Node::Object(Vec::new())
        } else if matches!(self.peek().kind, Kind::Ident | Kind::Str(_)) && self.peek2().kind == Kind::Colon {
            // `@trait(key: value, ...)`: a structure without braces.
            let mut entries: Vec<(String, Node)> = Vec::new();
            while self.peek().kind != Kind::RParen {
                if self.peek().kind == Kind::Eof {
                    return Err(self.expected("`)` to close the trait"));
                }
                let (key, at) = self.key("a trait property name or `)`")?;
                self.expect(Kind::Colon, "`:` after the trait property name")?;
                let value = self.node(1)?;
                if entries.iter().any(|(k, _)| *k == key) {
                    return Err(self.error(at, format!("property `{key}` is given twice")));
                }
                entries.push((key, value));
            }
            Node::Object(entries)
        } else {
            self.node(0)?
        };
        self.expect(Kind::RParen, "`)` to close the trait value (several values need `key: value` pairs)")?;
        Ok(TraitDef { id, value })
    }

    // ---- node values --------------------------------------------------

    fn node(&mut self, depth: usize) -> Result<Node> {
        if depth > MAX_NESTING {
            return Err(self.error(self.peek().start, format!("values nest more than {MAX_NESTING} levels deep")));
        }
        let token = self.peek().clone();
        match &token.kind {
            Kind::LBracket => {
                self.next();
                let mut items = Vec::new();
                while self.peek().kind != Kind::RBracket {
                    if self.peek().kind == Kind::Eof {
                        return Err(self.expected("`]` to close the array"));
                    }
                    items.push(self.node(depth + 1)?);
                }
                self.next();
                Ok(Node::Array(items))
            }
            Kind::LBrace => {
                self.next();
                Ok(Node::Object(self.object_entries(depth)?.into_iter().map(|(k, v, _)| (k, v)).collect()))
            }
            Kind::Str(value) => {
                self.next();
                Ok(Node::Str(value.clone()))
            }
            Kind::Number => {
                self.next();
                let text = self.slice(&token);
                number(text).map(Node::Number).ok_or_else(|| self.error(token.start, format!("the number `{text}` is out of range")))
            }
            Kind::Ident => {
                let text = self.slice(&token);
                match text {
                    "true" => {
                        self.next();
                        Ok(Node::Bool(true))
                    }
                    "false" => {
                        self.next();
                        Ok(Node::Bool(false))
                    }
                    "null" => {
                        self.next();
                        Ok(Node::Null)
                    }
                    _ => Ok(Node::Id(self.shape_id("a value")?)),
                }
            }
            _ => Err(self.expected("a value (a string, number, `true`, `false`, `null`, shape id, `[` or `{`)")),
        }
    }

    /// The entries of a node object after its `{`, through its `}`.
    fn object_entries(&mut self, depth: usize) -> Result<Vec<(String, Node, usize)>> {
        let mut entries: Vec<(String, Node, usize)> = Vec::new();
        while self.peek().kind != Kind::RBrace {
            if self.peek().kind == Kind::Eof {
                return Err(self.expected("`}` to close the object"));
            }
            let (key, at) = self.key("a key (an identifier or a string) or `}`")?;
            self.expect(Kind::Colon, "`:` after the key")?;
            let value = self.node(depth + 1)?;
            if entries.iter().any(|(k, _, _)| *k == key) {
                return Err(self.error(at, format!("key `{key}` is given twice")));
            }
            entries.push((key, value, at));
        }
        self.next();
        Ok(entries)
    }

    // ---- apply --------------------------------------------------------

    fn apply(&mut self) -> Result<()> {
        let target = self.shape_id("the shape id to apply traits to")?;
        let traits = if self.peek().kind == Kind::LBrace {
            self.next();
            let mut traits: Vec<TraitDef> = Vec::new();
            while self.peek().kind != Kind::RBrace {
                if self.peek().kind != Kind::At {
                    return Err(self.expected("a trait (`@name`) or `}` in the apply block"));
                }
                traits.push(self.trait_()?);
            }
            self.next();
            traits
        } else if self.peek().kind == Kind::At {
            vec![self.trait_()?]
        } else {
            return Err(self.expected("a trait (`@name`) or `{` after the apply target"));
        };
        self.file.applies.push(ApplyDef { target, traits });
        Ok(())
    }

    // ---- shapes -------------------------------------------------------

    fn shape(&mut self, kind: &'static str, at: usize, traits: Vec<TraitDef>, namespace: &str) -> Result<()> {
        let (name, _) = self.identifier("a shape name (an identifier)")?;
        let id = format!("{namespace}#{name}");
        let mut shape = ShapeDef {
            id,
            at,
            kind,
            traits,
            mixins: Vec::new(),
            for_resource: None,
            members: Vec::new(),
            properties: Vec::new(),
        };
        if matches!(kind, "enum" | "intEnum") {
            self.require_v2(at, &format!("the `{kind}` shape"))?;
        }
        let aggregate = matches!(kind, "list" | "set" | "map" | "structure" | "union");
        if aggregate && self.is_word("for") {
            let at = self.next().start;
            self.require_v2(at, "`for` resource binding")?;
            shape.for_resource = Some(self.shape_id("a resource shape id after `for`")?);
        }
        shape.mixins = self.mixins()?;
        match kind {
            "enum" | "intEnum" => {
                self.expect(Kind::LBrace, &format!("`{{` to start the {kind} members"))?;
                shape.members = self.enum_members(kind, &name)?;
            }
            _ if aggregate => {
                self.expect(Kind::LBrace, &format!("`{{` to start the {kind} members"))?;
                shape.members = self.members(&name)?;
            }
            "service" | "resource" => {
                self.expect(Kind::LBrace, &format!("`{{` to start the {kind} body"))?;
                shape.properties = self.object_entries(0)?;
            }
            "operation" => {
                self.expect(Kind::LBrace, "`{` to start the operation body")?;
                shape.properties = self.operation_body(&name, namespace)?;
            }
            _ => {}
        }
        self.file.shapes.push(shape);
        Ok(())
    }

    fn mixins(&mut self) -> Result<Vec<Ref>> {
        if !self.is_word("with") {
            return Ok(Vec::new());
        }
        let at = self.next().start;
        self.require_v2(at, "mixins (`with [...]`)")?;
        self.expect(Kind::LBracket, "`[` after `with`")?;
        let mut mixins = Vec::new();
        while self.peek().kind != Kind::RBracket {
            mixins.push(self.shape_id("a mixin shape id or `]`")?);
        }
        self.next();
        Ok(mixins)
    }

    /// Members through the closing `}`.
    fn members(&mut self, shape: &str) -> Result<Vec<MemberDef>> {
        let mut members: Vec<MemberDef> = Vec::new();
        loop {
            let docs = self.take_docs();
            if self.peek().kind == Kind::RBrace {
                self.next();
                return Ok(members);
            }
            let mut traits = self.traits(docs)?;
            let (name, at, target) = if self.peek().kind == Kind::Dollar {
                let at = self.next().start;
                self.require_v2(at, "target elision (`$member`)")?;
                let (name, _) = self.identifier("a member name after `$`")?;
                (name, at, None)
            } else {
                let (name, at) = self.identifier("a member name or `}`")?;
                self.expect(Kind::Colon, &format!("`:` and a target after member `{name}`"))?;
                (name, at, Some(self.shape_id("the member's target shape id")?))
            };
            if self.peek().kind == Kind::Eq {
                let eq = self.next().start;
                self.require_v2(eq, "a default value (`= value`)")?;
                let value = self.node(0)?;
                traits.push(TraitDef { id: Ref { text: "smithy.api#default".into(), at: eq }, value });
            }
            if let Some(first) = members.iter().find(|m| m.name == name) {
                let (line, _, _) = super::position(self.text, first.at);
                return Err(self.error(at, format!("duplicate member `{name}` in `{shape}` (first defined on line {line})")));
            }
            members.push(MemberDef { name, at, target, traits });
        }
    }

    fn enum_members(&mut self, kind: &str, shape: &str) -> Result<Vec<MemberDef>> {
        let mut members: Vec<MemberDef> = Vec::new();
        loop {
            let docs = self.take_docs();
            if self.peek().kind == Kind::RBrace {
                self.next();
                return Ok(members);
            }
            let mut traits = self.traits(docs)?;
            let (name, at) = self.identifier("an enum member name or `}`")?;
            let value = if self.peek().kind == Kind::Eq {
                self.next();
                let token = self.peek().clone();
                let value = self.node(0)?;
                match (&value, kind) {
                    (Node::Str(_), "enum") | (Node::Number(_), "intEnum") => {}
                    (_, "enum") => return Err(self.error(token.start, "an enum member's value must be a string")),
                    _ => return Err(self.error(token.start, "an intEnum member's value must be an integer")),
                }
                if let Node::Number(n) = &value {
                    if !n.is_i64() {
                        return Err(self.error(token.start, "an intEnum member's value must be an integer"));
                    }
                }
                Some(value)
            } else if traits.iter().any(|t| t.id.text == "enumValue" || t.id.text == "smithy.api#enumValue") {
                None
            } else if kind == "enum" {
                Some(Node::Str(name.clone()))
            } else {
                return Err(self.expected(&format!("`=` and an integer value for intEnum member `{name}`")));
            };
            if let Some(value) = value {
                traits.push(TraitDef { id: Ref { text: "smithy.api#enumValue".into(), at }, value });
            }
            if let Some(first) = members.iter().find(|m| m.name == name) {
                let (line, _, _) = super::position(self.text, first.at);
                return Err(self.error(at, format!("duplicate member `{name}` in `{shape}` (first defined on line {line})")));
            }
            let target = Some(Ref { text: "smithy.api#Unit".into(), at });
            members.push(MemberDef { name, at, target, traits });
        }
    }

    /// An operation body through its `}`; inline `input :=` and `output :=`
    /// structures become shapes of their own.
    fn operation_body(&mut self, operation: &str, namespace: &str) -> Result<Vec<(String, Node, usize)>> {
        let mut entries: Vec<(String, Node, usize)> = Vec::new();
        while self.peek().kind != Kind::RBrace {
            if self.peek().kind == Kind::Eof {
                return Err(self.expected("`}` to close the operation"));
            }
            let (key, at) = self.identifier("`input`, `output`, `errors` or `}`")?;
            let value = if self.peek().kind == Kind::Walrus && (key == "input" || key == "output") {
                let walrus = self.next().start;
                self.require_v2(walrus, "an inline structure (`:=`)")?;
                let (suffix, marker) = if key == "input" {
                    (self.input_suffix.clone(), "smithy.api#input")
                } else {
                    (self.output_suffix.clone(), "smithy.api#output")
                };
                let name = format!("{operation}{suffix}");
                let docs = self.take_docs();
                let mut traits = self.traits(docs)?;
                if !traits.iter().any(|t| t.id.text == marker) {
                    traits.push(TraitDef { id: Ref { text: marker.into(), at: walrus }, value: Node::Object(Vec::new()) });
                }
                let mut shape = ShapeDef {
                    id: format!("{namespace}#{name}"),
                    at: walrus,
                    kind: "structure",
                    traits,
                    mixins: Vec::new(),
                    for_resource: None,
                    members: Vec::new(),
                    properties: Vec::new(),
                };
                if self.is_word("for") {
                    self.next();
                    shape.for_resource = Some(self.shape_id("a resource shape id after `for`")?);
                }
                shape.mixins = self.mixins()?;
                self.expect(Kind::LBrace, "`{` to start the inline structure")?;
                shape.members = self.members(&name)?;
                let id = shape.id.clone();
                self.file.shapes.push(shape);
                Node::Id(Ref { text: id, at: walrus })
            } else {
                self.expect(Kind::Colon, &format!("`:` or `:=` after `{key}`"))?;
                self.node(1)?
            };
            if entries.iter().any(|(k, _, _)| *k == key) {
                return Err(self.error(at, format!("`{key}` is given twice")));
            }
            entries.push((key, value, at));
        }
        self.next();
        Ok(entries)
    }
}

/// A JSON number for an IDL number: an integer when it has neither a
/// fraction nor an exponent and fits 64 bits, else a finite double.
fn number(text: &str) -> Option<serde_json::Number> {
    let integral = !text.contains(['.', 'e', 'E']);
    if integral {
        if let Ok(n) = text.parse::<i64>() {
            return Some(n.into());
        }
        if let Ok(n) = text.parse::<u64>() {
            return Some(n.into());
        }
    }
    text.parse::<f64>().ok().and_then(serde_json::Number::from_f64)
}
