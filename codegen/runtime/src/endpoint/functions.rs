//! The value type and library functions of the Smithy rules engine, which
//! generated endpoint resolvers call (copied verbatim into each generated
//! crate as `endpoint/functions.rs` by codegen; the source lives in
//! `codegen/runtime/src/endpoint/functions.rs`).
//!
//! Every function takes [`Value`]s and returns a [`Value`]; none panics. An
//! argument of the wrong kind (for example `Value::None` where the rules
//! language expects a string) gives the function's "empty" answer:
//! `Value::None` for functions that return an optional value and
//! `Value::Bool(false)` for predicates, so a condition built on it fails.

#![allow(dead_code)]

use std::collections::BTreeMap;

use super::partitions;

/// A value of the rules language.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An unset optional value.
    None,
    Bool(bool),
    String(String),
    Int(i64),
    Array(Vec<Value>),
    Object(BTreeMap<String, Value>),
}

impl Value {
    /// Whether a condition with this value passes: every value does except
    /// `None` and `Bool(false)`.
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::None | Value::Bool(false))
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The fields, if this is an object.
    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Object(fields) => Some(fields),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Self {
        s.map_or(Value::None, Value::String)
    }
}

impl From<Option<&str>> for Value {
    fn from(s: Option<&str>) -> Self {
        s.map_or(Value::None, Value::from)
    }
}

impl From<Option<bool>> for Value {
    fn from(b: Option<bool>) -> Self {
        b.map_or(Value::None, Value::Bool)
    }
}

impl From<Vec<String>> for Value {
    fn from(items: Vec<String>) -> Self {
        Value::Array(items.into_iter().map(Value::String).collect())
    }
}

/// `isSet`: whether the value is set (not `None`); truthiness is ignored.
pub fn is_set(v: &Value) -> Value {
    Value::Bool(!matches!(v, Value::None))
}

/// `not`: logical negation. A non-boolean argument is negated by its
/// truthiness (so `not(None)` is `true`).
pub fn not(v: &Value) -> Value {
    Value::Bool(!v.truthy())
}

/// `booleanEquals`: `true` when both arguments are the same boolean.
pub fn boolean_equals(a: &Value, b: &Value) -> Value {
    Value::Bool(matches!((a, b), (Value::Bool(x), Value::Bool(y)) if x == y))
}

/// `stringEquals`: `true` when both arguments are the same string.
pub fn string_equals(a: &Value, b: &Value) -> Value {
    Value::Bool(matches!((a, b), (Value::String(x), Value::String(y)) if x == y))
}

/// `getAttr`: the value at `path` inside an object or array.
///
/// A path is `.`-separated keys, each optionally followed by indexes:
/// `name`, `a.b`, `list[0]`, `a.b[2]`, `[1]` (an index into `v` itself).
/// A missing key, an index past the end, a negative or malformed index, or
/// indexing into the wrong kind of value gives `None`.
pub fn get_attr(v: &Value, path: &str) -> Value {
    get_attr_ref(v, path).cloned().unwrap_or(Value::None)
}

fn get_attr_ref<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = v;
    for component in path.split('.') {
        let (key, mut indexes) = match component.find('[') {
            Some(at) => component.split_at(at),
            None => (component, ""),
        };
        if !key.is_empty() {
            current = current.as_object()?.get(key)?;
        } else if indexes.is_empty() {
            // An empty key ("", "a..b", "a.") names nothing.
            return None;
        }
        while !indexes.is_empty() {
            let (number, rest) = indexes.strip_prefix('[')?.split_once(']')?;
            let index: usize = number.parse().ok()?;
            current = current.as_array()?.get(index)?;
            indexes = rest;
        }
    }
    Some(current)
}

/// `substring`: the characters `start..stop` of an ASCII string, counted
/// from the end when `reverse` is true.
///
/// `None` when the input is not a string, contains a non-ASCII character,
/// or is too short, or when `start` is negative or not below `stop`.
pub fn substring(s: &Value, start: i64, stop: i64, reverse: bool) -> Value {
    let Some(s) = s.as_str() else {
        return Value::None;
    };
    let (Ok(start), Ok(stop)) = (usize::try_from(start), usize::try_from(stop)) else {
        return Value::None;
    };
    if !s.is_ascii() || start >= stop || stop > s.len() {
        return Value::None;
    }
    let (from, to) = if reverse {
        (s.len() - stop, s.len() - start)
    } else {
        (start, stop)
    };
    s.get(from..to).map_or(Value::None, Value::from)
}

/// `uriEncode`: RFC 3986 percent-encoding of every byte of the UTF-8 text
/// except the unreserved characters `A-Z a-z 0-9 - _ . ~`, with uppercase
/// hex digits. `None` when the input is not a string.
pub fn uri_encode(s: &Value) -> Value {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let Some(s) = s.as_str() else {
        return Value::None;
    };
    let mut encoded = String::with_capacity(s.len());
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    Value::String(encoded)
}

/// `parseURL`: an object with `scheme`, `authority`, `path`,
/// `normalizedPath` and `isIp`, or `None` when the input is not a usable
/// endpoint URL.
///
/// * The scheme must be `http` or `https` (any case; reported lowercase).
/// * A query (`?`) or fragment (`#`) rejects the URL, as does whitespace or
///   a control character anywhere.
/// * `authority` is host plus explicit port, as written; a userinfo part
///   (`user@`) is dropped. A port must be decimal and at most 65535.
/// * `path` is the path exactly as written (`""` when there is none);
///   `normalizedPath` is the path with a leading and a trailing `/`
///   (just `/` for an empty path).
/// * `isIp` is true for a bracketed IPv6 host and for a dotted-quad IPv4
///   host (four decimal parts, each at most 255).
///
/// Host names are otherwise not validated (`99_ab-.com` is accepted).
pub fn parse_url(s: &Value) -> Value {
    let Some(url) = s.as_str() else {
        return Value::None;
    };
    let Some(parsed) = ParsedUrl::parse(url) else {
        return Value::None;
    };
    let mut fields = BTreeMap::new();
    fields.insert("scheme".to_owned(), Value::String(parsed.scheme));
    fields.insert("authority".to_owned(), Value::from(parsed.authority));
    fields.insert("path".to_owned(), Value::from(parsed.path));
    fields.insert(
        "normalizedPath".to_owned(),
        Value::String(parsed.normalized_path),
    );
    fields.insert("isIp".to_owned(), Value::Bool(parsed.is_ip));
    Value::Object(fields)
}

struct ParsedUrl<'a> {
    scheme: String,
    authority: &'a str,
    path: &'a str,
    normalized_path: String,
    is_ip: bool,
}

impl<'a> ParsedUrl<'a> {
    fn parse(url: &'a str) -> Option<Self> {
        if url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
        {
            return None;
        }
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        // Drop userinfo ("user:password@").
        let authority = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        let is_ip = parse_authority(authority)?;
        let normalized_path = if path.trim().is_empty() {
            "/".to_owned()
        } else {
            let mut normalized = String::with_capacity(path.len() + 2);
            if !path.starts_with('/') {
                normalized.push('/');
            }
            normalized.push_str(path);
            if !path.ends_with('/') {
                normalized.push('/');
            }
            normalized
        };
        Some(ParsedUrl {
            scheme,
            authority,
            path,
            normalized_path,
            is_ip,
        })
    }
}

/// Checks `host[:port]` and says whether the host is an IP address; `None`
/// when the authority is malformed.
fn parse_authority(authority: &str) -> Option<bool> {
    let (host, port, is_ip) = if let Some(bracketed) = authority.strip_prefix('[') {
        // "[ipv6]" or "[ipv6]:port"
        let (address, after) = bracketed.split_once(']')?;
        let valid_address = address.contains(':')
            && address
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        if !valid_address {
            return None;
        }
        let port = if after.is_empty() {
            None
        } else {
            Some(after.strip_prefix(':')?)
        };
        (address, port, true)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.contains(['[', ']', '\\']) {
            return None;
        }
        (host, port, is_ipv4(host))
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        port.parse::<u16>().ok()?;
    }
    Some(is_ip)
}

/// Whether `host` is four dot-separated decimal numbers, each at most 255.
fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|part| {
            !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_digit())
                && part.parse::<u8>().is_ok()
        })
}

/// `isValidHostLabel`: whether the string is an RFC 1123 host label (1 to 63
/// ASCII letters, digits and hyphens, not starting with a hyphen), or, when
/// `allow_subdomains` is true, one or more such labels joined by single
/// dots. `false` when the input is not a string.
pub fn is_valid_host_label(s: &Value, allow_subdomains: bool) -> Value {
    let valid = match s.as_str() {
        Some(s) if allow_subdomains => s.split('.').all(is_host_label),
        Some(s) => is_host_label(s),
        None => false,
    };
    Value::Bool(valid)
}

fn is_host_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    match bytes.split_first() {
        Some((first, rest)) => {
            bytes.len() <= 63
                && first.is_ascii_alphanumeric()
                && rest.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        None => false,
    }
}

/// `split`: the parts of a string around each occurrence of a non-empty
/// delimiter, matched literally, left to right, without overlaps.
///
/// `limit` 0 splits at every occurrence; `limit` n > 0 returns at most n
/// parts, the last holding the unsplit rest (so 1 returns the input whole).
/// An empty input gives `[""]`. `None` when an argument is not a string,
/// the delimiter is empty or the limit is negative.
pub fn split(s: &Value, delimiter: &Value, limit: i64) -> Value {
    let (Some(s), Some(delimiter)) = (s.as_str(), delimiter.as_str()) else {
        return Value::None;
    };
    if limit < 0 || delimiter.is_empty() {
        return Value::None;
    }
    // A limit beyond the address space is as good as none.
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let parts: Vec<Value> = if limit == 0 {
        s.split(delimiter).map(Value::from).collect()
    } else {
        s.splitn(limit, delimiter).map(Value::from).collect()
    };
    Value::Array(parts)
}

/// `coalesce`: the first argument that is not `None` (even `Bool(false)`),
/// or `None` when all are.
pub fn coalesce(values: &[Value]) -> Value {
    values
        .iter()
        .find(|value| !matches!(value, Value::None))
        .cloned()
        .unwrap_or(Value::None)
}

/// `ite`: `then` when the condition is truthy, otherwise `otherwise`.
pub fn ite(condition: &Value, then: &Value, otherwise: &Value) -> Value {
    if condition.truthy() {
        then.clone()
    } else {
        otherwise.clone()
    }
}

/// `aws.partition`: an object with `name`, `dnsSuffix`,
/// `dualStackDnsSuffix`, `supportsFIPS`, `supportsDualStack` and
/// `implicitGlobalRegion` for the region's partition (see
/// [`partitions::lookup`]; an unknown region gets the `aws` partition).
/// `None` when the region is not a string.
pub fn aws_partition(region: &Value) -> Value {
    let Some(region) = region.as_str() else {
        return Value::None;
    };
    let outputs = partitions::lookup(region);
    let mut fields = BTreeMap::new();
    fields.insert("name".to_owned(), Value::from(outputs.name));
    fields.insert("dnsSuffix".to_owned(), Value::from(outputs.dns_suffix));
    fields.insert(
        "dualStackDnsSuffix".to_owned(),
        Value::from(outputs.dual_stack_dns_suffix),
    );
    fields.insert(
        "supportsFIPS".to_owned(),
        Value::Bool(outputs.supports_fips),
    );
    fields.insert(
        "supportsDualStack".to_owned(),
        Value::Bool(outputs.supports_dual_stack),
    );
    fields.insert(
        "implicitGlobalRegion".to_owned(),
        Value::from(outputs.implicit_global_region),
    );
    Value::Object(fields)
}

/// `aws.parseArn`: an object with `partition`, `service`, `region`,
/// `accountId` and `resourceId` (the sixth `:`-separated section split on
/// every `:` and `/`, empty parts kept), or `None` when the string is not
/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` with non-empty
/// partition, service and resource.
pub fn aws_parse_arn(s: &Value) -> Value {
    let Some(arn) = s.as_str() else {
        return Value::None;
    };
    let sections: Vec<&str> = arn.splitn(6, ':').collect();
    let &[prefix, partition, service, region, account_id, resource] = sections.as_slice() else {
        return Value::None;
    };
    if prefix != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return Value::None;
    }
    let resource_id = resource
        .split([':', '/'])
        .map(Value::from)
        .collect::<Vec<_>>();
    let mut fields = BTreeMap::new();
    fields.insert("partition".to_owned(), Value::from(partition));
    fields.insert("service".to_owned(), Value::from(service));
    fields.insert("region".to_owned(), Value::from(region));
    fields.insert("accountId".to_owned(), Value::from(account_id));
    fields.insert("resourceId".to_owned(), Value::Array(resource_id));
    Value::Object(fields)
}

/// `aws.isVirtualHostableS3Bucket`: whether the bucket name can be used as
/// a host name label for virtual-hosted-style S3 requests.
///
/// The name must be 3 to 63 characters of lowercase letters, digits and
/// hyphens, starting and ending with a letter or digit. With
/// `allow_subdomains`, dots are also allowed, but not next to another dot
/// or a hyphen, and the name must not look like an IPv4 address. `false`
/// when the input is not a string.
pub fn aws_is_virtual_hostable_s3_bucket(s: &Value, allow_subdomains: bool) -> Value {
    Value::Bool(
        s.as_str()
            .is_some_and(|name| is_virtual_hostable_bucket(name, allow_subdomains)),
    )
}

fn is_virtual_hostable_bucket(name: &str, allow_subdomains: bool) -> bool {
    let bytes = name.as_bytes();
    let is_lower_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if !(3..=63).contains(&bytes.len()) || !is_lower_alnum(first) || !is_lower_alnum(last) {
        return false;
    }
    if !allow_subdomains {
        return bytes.iter().all(|&b| is_lower_alnum(b) || b == b'-');
    }
    let mut previous = first;
    for &b in bytes.iter().skip(1) {
        let allowed = match b {
            b'.' => previous != b'.' && previous != b'-',
            b'-' => previous != b'.',
            _ => is_lower_alnum(b),
        };
        if !allowed {
            return false;
        }
        previous = b;
    }
    !is_ipv4(name)
}

/// Concatenates the parts of a string template (`"https://{Region}.x"`
/// becomes the parts `"https://"`, the region and `".x"`); `None` if any
/// part is not a string.
pub fn template(parts: &[Value]) -> Value {
    let mut out = String::new();
    for part in parts {
        match part {
            Value::String(s) => out.push_str(s),
            _ => return Value::None,
        }
    }
    Value::String(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    fn strings(items: &[&str]) -> Value {
        Value::Array(items.iter().map(|item| s(item)).collect())
    }

    fn object(fields: &[(&str, Value)]) -> Value {
        Value::Object(
            fields
                .iter()
                .map(|(key, value)| ((*key).to_owned(), value.clone()))
                .collect(),
        )
    }

    #[test]
    fn value_helpers_and_conversions() {
        assert!(!Value::None.truthy());
        assert!(!Value::Bool(false).truthy());
        assert!(Value::Bool(true).truthy());
        assert!(s("").truthy());
        assert!(Value::Int(0).truthy());
        assert!(Value::Array(vec![]).truthy());
        assert!(Value::Object(BTreeMap::new()).truthy());

        assert_eq!(s("x").as_str(), Some("x"));
        assert_eq!(Value::Bool(true).as_str(), None);
        assert_eq!(Value::Bool(true).as_bool(), Some(true));
        assert_eq!(s("true").as_bool(), None);
        assert_eq!(Value::Int(3).as_int(), Some(3));
        assert_eq!(strings(&["a"]).as_array().map(<[Value]>::len), Some(1));
        assert!(object(&[]).as_object().is_some());
        assert!(Value::None.as_object().is_none());

        assert_eq!(Value::from("a"), Value::String("a".into()));
        assert_eq!(Value::from(String::from("a")), s("a"));
        assert_eq!(Value::from(true), Value::Bool(true));
        assert_eq!(Value::from(7_i64), Value::Int(7));
        assert_eq!(Value::from(Some(String::from("a"))), s("a"));
        assert_eq!(Value::from(None::<String>), Value::None);
        assert_eq!(Value::from(Some("a")), s("a"));
        assert_eq!(Value::from(None::<&str>), Value::None);
        assert_eq!(Value::from(Some(false)), Value::Bool(false));
        assert_eq!(Value::from(None::<bool>), Value::None);
        assert_eq!(
            Value::from(vec![String::from("a"), String::from("b")]),
            strings(&["a", "b"])
        );
    }

    #[test]
    fn is_set_ignores_truthiness() {
        assert_eq!(is_set(&Value::None), Value::Bool(false));
        assert_eq!(is_set(&Value::Bool(false)), Value::Bool(true));
        assert_eq!(is_set(&s("")), Value::Bool(true));
    }

    #[test]
    fn not_negates() {
        assert_eq!(not(&Value::Bool(true)), Value::Bool(false));
        assert_eq!(not(&Value::Bool(false)), Value::Bool(true));
        assert_eq!(not(&is_set(&Value::None)), Value::Bool(true));
        assert_eq!(not(&Value::None), Value::Bool(true));
        assert_eq!(not(&s("x")), Value::Bool(false));
    }

    #[test]
    fn equality_functions() {
        let t = Value::Bool(true);
        let f = Value::Bool(false);
        assert_eq!(boolean_equals(&t, &t), t);
        assert_eq!(boolean_equals(&f, &f), t);
        assert_eq!(boolean_equals(&t, &f), f);
        assert_eq!(boolean_equals(&Value::None, &f), f);
        assert_eq!(boolean_equals(&s("true"), &t), f);

        assert_eq!(string_equals(&s("a"), &s("a")), t);
        assert_eq!(string_equals(&s(""), &s("")), t);
        assert_eq!(string_equals(&s("a"), &s("A")), f);
        assert_eq!(string_equals(&Value::None, &Value::None), f);
        assert_eq!(string_equals(&s("1"), &Value::Int(1)), f);
    }

    #[test]
    fn get_attr_paths() {
        let url = parse_url(&s("http://example.com/path"));
        // get-attr.smithy: top-level values.
        assert_eq!(get_attr(&url, "path"), s("/path"));
        assert_eq!(get_attr(&url, "authority"), s("example.com"));

        let nested = object(&[
            ("a", object(&[("b", strings(&["x", "y", "z"]))])),
            ("list", strings(&["first"])),
            ("flag", Value::Bool(false)),
        ]);
        assert_eq!(get_attr(&nested, "a.b[2]"), s("z"));
        assert_eq!(get_attr(&nested, "a.b[0]"), s("x"));
        assert_eq!(get_attr(&nested, "list[0]"), s("first"));
        assert_eq!(get_attr(&nested, "flag"), Value::Bool(false));
        assert_eq!(get_attr(&nested, "a.b"), strings(&["x", "y", "z"]));
        assert_eq!(get_attr(&nested, "a.b[3]"), Value::None);
        assert_eq!(get_attr(&nested, "a.b[-1]"), Value::None);
        assert_eq!(get_attr(&nested, "a.b[x]"), Value::None);
        assert_eq!(get_attr(&nested, "a.b[1"), Value::None);
        assert_eq!(get_attr(&nested, "a.missing"), Value::None);
        assert_eq!(get_attr(&nested, "missing.b"), Value::None);
        assert_eq!(get_attr(&nested, "flag.b"), Value::None);
        assert_eq!(get_attr(&nested, "list.b"), Value::None);
        assert_eq!(get_attr(&nested, "a[0]"), Value::None);
        assert_eq!(get_attr(&nested, ""), Value::None);
        assert_eq!(get_attr(&nested, "a..b"), Value::None);
        assert_eq!(get_attr(&Value::None, "a"), Value::None);

        // split.smithy indexes the array itself.
        let parts = strings(&["a", "b"]);
        assert_eq!(get_attr(&parts, "[0]"), s("a"));
        assert_eq!(get_attr(&parts, "[1]"), s("b"));
        assert_eq!(get_attr(&parts, "[2]"), Value::None);
        let grid = Value::Array(vec![strings(&["a", "b"]), strings(&["c"])]);
        assert_eq!(get_attr(&grid, "[0][1]"), s("b"));
        assert_eq!(get_attr(&grid, "[1][1]"), Value::None);
    }

    #[test]
    fn substring_cases_from_rules_engine_tests() {
        let sub = |input: &str, start, stop, reverse| substring(&s(input), start, stop, reverse);
        // Case 1: 0..4 forwards.
        assert_eq!(sub("abcdefg", 0, 4, false), s("abcd"));
        assert_eq!(sub("abcd", 0, 4, false), s("abcd"));
        assert_eq!(sub("abc", 0, 4, false), Value::None);
        assert_eq!(sub("", 0, 4, false), Value::None);
        assert_eq!(sub("\u{fdfd}", 0, 4, false), Value::None);
        assert_eq!(sub("\u{7f}abcdef", 0, 4, false), s("\u{7f}abc"));
        // Case 2: 0..4 from the end.
        assert_eq!(sub("abcdefg", 0, 4, true), s("defg"));
        assert_eq!(sub("defg", 0, 4, true), s("defg"));
        assert_eq!(sub("abc", 0, 4, true), Value::None);
        assert_eq!(sub("", 0, 4, true), Value::None);
        assert_eq!(sub("\u{fdfd}", 0, 4, true), Value::None);
        // Case 3: 1..3.
        assert_eq!(sub("defg", 1, 3, false), s("ef"));
        assert_eq!(sub("def", 1, 3, false), s("ef"));
        assert_eq!(sub("ab", 1, 3, false), Value::None);
        assert_eq!(sub("", 1, 3, false), Value::None);
        assert_eq!(sub("\u{fdfd}", 1, 3, false), Value::None);
    }

    #[test]
    fn substring_edges() {
        let sub = |input: &str, start, stop, reverse| substring(&s(input), start, stop, reverse);
        assert_eq!(sub("abcdef", 1, 3, true), s("de"));
        assert_eq!(sub("abcdef", 2, 2, false), Value::None);
        assert_eq!(sub("abcdef", 3, 2, false), Value::None);
        assert_eq!(sub("abcdef", -1, 2, false), Value::None);
        assert_eq!(sub("abcdef", 0, -2, false), Value::None);
        assert_eq!(sub("abcdef", 0, i64::MAX, false), Value::None);
        assert_eq!(sub("abcdef", i64::MIN, i64::MAX, true), Value::None);
        assert_eq!(sub("ab\u{e9}cdef", 0, 2, false), Value::None);
        assert_eq!(substring(&Value::None, 0, 1, false), Value::None);
    }

    #[test]
    fn uri_encode_cases_from_rules_engine_tests() {
        let enc = |input: &str| uri_encode(&s(input));
        assert_eq!(enc("abcdefg"), s("abcdefg"));
        assert_eq!(enc("abc:defg"), s("abc%3Adefg"));
        assert_eq!(
            enc("/:,?#[]{}|@! $&'()*+;=%<>\"^`\\"),
            s("%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C")
        );
        assert_eq!(
            enc("0123456789.underscore_dash-Tilda~"),
            s("0123456789.underscore_dash-Tilda~")
        );
        assert_eq!(enc("\u{1f639}"), s("%F0%9F%98%B9"));
        assert_eq!(
            enc(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"),
            s("%20%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~")
        );
        assert_eq!(enc(""), s(""));
        assert_eq!(enc("\n\u{0}"), s("%0A%00"));
        assert_eq!(uri_encode(&Value::None), Value::None);
    }

    fn url(scheme: &str, authority: &str, path: &str, normalized: &str, is_ip: bool) -> Value {
        object(&[
            ("scheme", s(scheme)),
            ("authority", s(authority)),
            ("path", s(path)),
            ("normalizedPath", s(normalized)),
            ("isIp", Value::Bool(is_ip)),
        ])
    }

    #[test]
    fn parse_url_cases_from_rules_engine_tests() {
        let parse = |input: &str| parse_url(&s(input));
        assert_eq!(
            parse("https://authority.com/custom-path"),
            url(
                "https",
                "authority.com",
                "/custom-path",
                "/custom-path/",
                false
            )
        );
        assert_eq!(
            parse("https://authority.com"),
            url("https", "authority.com", "", "/", false)
        );
        assert_eq!(
            parse("https://authority.com/"),
            url("https", "authority.com", "/", "/", false)
        );
        assert_eq!(
            parse("https://authority.com:8000/port"),
            url("https", "authority.com:8000", "/port", "/port/", false)
        );
        assert_eq!(
            parse("http://authority.com:8000/port"),
            url("http", "authority.com:8000", "/port", "/port/", false)
        );
        assert_eq!(parse("acbd://example.com"), Value::None);
        assert_eq!(
            parse("http://99_ab.com"),
            url("http", "99_ab.com", "", "/", false)
        );
        assert_eq!(
            parse("http://99_ab-.com"),
            url("http", "99_ab-.com", "", "/", false)
        );
        assert_eq!(parse("http://abc.com:a/foo"), Value::None);
        assert_eq!(
            parse("http://192.168.1.1/foo/"),
            url("http", "192.168.1.1", "/foo/", "/foo/", true)
        );
        assert_eq!(
            parse("http://192.168.1.1:1234/foo/"),
            url("http", "192.168.1.1:1234", "/foo/", "/foo/", true)
        );
        assert_eq!(
            parse("https://[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443"),
            url(
                "https",
                "[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443",
                "",
                "/",
                true
            )
        );
        assert_eq!(
            parse("https://999.999.abc.blah"),
            url("https", "999.999.abc.blah", "", "/", false)
        );
        assert_eq!(parse("https://example.com/path?query1=foo"), Value::None);
    }

    #[test]
    fn parse_url_spec_examples_and_edges() {
        let parse = |input: &str| parse_url(&s(input));
        assert_eq!(
            parse("https://example.com:8443?foo=bar&faz=baz"),
            Value::None
        );
        assert_eq!(
            parse("http://example.com:80/foo/bar"),
            url("http", "example.com:80", "/foo/bar", "/foo/bar/", false)
        );
        assert_eq!(
            parse("https://127.0.0.1"),
            url("https", "127.0.0.1", "", "/", true)
        );
        assert_eq!(
            parse("https://[fe80::1]"),
            url("https", "[fe80::1]", "", "/", true)
        );
        assert_eq!(
            parse("HTTPS://Example.com"),
            url("https", "Example.com", "", "/", false)
        );
        assert_eq!(
            parse("https://user:pw@example.com/a"),
            url("https", "example.com", "/a", "/a/", false)
        );
        assert_eq!(
            parse("https://256.1.1.1"),
            url("https", "256.1.1.1", "", "/", false)
        );
        assert_eq!(
            parse("https://1.2.3"),
            url("https", "1.2.3", "", "/", false)
        );
        assert_eq!(
            parse("https://a.b//c"),
            url("https", "a.b", "//c", "//c/", false)
        );
        for invalid in [
            "",
            "example.com",
            "https//example.com",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://example.com#frag",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://example.com\n",
            "https://example.com:",
            "https://example.com:65536",
            "https://example.com:-1",
            "https://a:1:2",
            "https://[fe80::1",
            "https://[fe80::1]x",
            "https://[zz]",
            "https://[]",
            "https://ex[ample.com",
            "https://user@",
        ] {
            assert_eq!(parse(invalid), Value::None, "{invalid:?}");
        }
        assert_eq!(parse_url(&Value::None), Value::None);
        assert_eq!(parse_url(&Value::Int(1)), Value::None);
    }

    #[test]
    fn valid_host_label_cases_from_rules_engine_tests() {
        let check = |input: &str, subdomains| is_valid_host_label(&s(input), subdomains);
        let t = Value::Bool(true);
        let f = Value::Bool(false);
        assert_eq!(check("us-east-1", false), t);
        assert_eq!(check("3aws4", false), t);
        assert_eq!(check("part1.part2", false), f);
        assert_eq!(check("part1.part2", true), t);
        assert_eq!(check("part1 part2", false), f);
        assert_eq!(check("part1 part2", true), f);
        assert_eq!(check("", false), f);
        assert_eq!(check("", true), f);
        assert_eq!(check("part1.", false), f);
        assert_eq!(check("part1.", true), f);
        assert_eq!(check("part1..part2", true), f);
        assert_eq!(check("part1.-part2", true), f);
    }

    #[test]
    fn valid_host_label_edges() {
        let check = |input: &str, subdomains| is_valid_host_label(&s(input), subdomains);
        let t = Value::Bool(true);
        let f = Value::Bool(false);
        assert_eq!(check("a", false), t);
        assert_eq!(check("a-", false), t);
        assert_eq!(check("-a", false), f);
        assert_eq!(check("a_b", false), f);
        assert_eq!(check(".a", true), f);
        assert_eq!(check(&"a".repeat(63), false), t);
        assert_eq!(check(&"a".repeat(64), false), f);
        assert_eq!(
            check(&format!("{}.{}", "a".repeat(63), "b".repeat(63)), true),
            t
        );
        assert_eq!(check("é", false), f);
        assert_eq!(is_valid_host_label(&Value::None, true), f);
    }

    /// Formats split's result the way split.smithy's rules do.
    fn split_result(input: &str, delimiter: &str, limit: i64) -> String {
        let parts = split(&s(input), &s(delimiter), limit);
        let part = |i: usize| {
            let value = coalesce(&[get_attr(&parts, &format!("[{i}]")), s("<null>")]);
            value.as_str().unwrap_or("?").to_owned()
        };
        format!(
            "p1={}; p2={}; p3={}; p4={}; p5={}",
            part(0),
            part(1),
            part(2),
            part(3),
            part(4)
        )
    }

    #[test]
    fn split_cases_from_rules_engine_tests() {
        let cases: &[(&str, &str, i64, &str)] = &[
            ("a--b--c", "--", 0, "p1=a; p2=b; p3=c; p4=<null>; p5=<null>"),
            (
                "",
                "--",
                0,
                "p1=; p2=<null>; p3=<null>; p4=<null>; p5=<null>",
            ),
            (
                "no-delimiter",
                "--",
                0,
                "p1=no-delimiter; p2=<null>; p3=<null>; p4=<null>; p5=<null>",
            ),
            (
                "--leading",
                "--",
                0,
                "p1=; p2=leading; p3=<null>; p4=<null>; p5=<null>",
            ),
            (
                "trailing--",
                "--",
                0,
                "p1=trailing; p2=; p3=<null>; p4=<null>; p5=<null>",
            ),
            ("----", "--", 0, "p1=; p2=; p3=; p4=<null>; p5=<null>"),
            ("--", "--", 0, "p1=; p2=; p3=<null>; p4=<null>; p5=<null>"),
            ("aaaa", "aa", 0, "p1=; p2=; p3=; p4=<null>; p5=<null>"),
            ("aaa", "aa", 0, "p1=; p2=a; p3=<null>; p4=<null>; p5=<null>"),
            (
                "foo<=>bar<=>baz",
                "<=>",
                0,
                "p1=foo; p2=bar; p3=baz; p4=<null>; p5=<null>",
            ),
            (
                "foo<=>bar<=>baz",
                "<=>",
                2,
                "p1=foo; p2=bar<=>baz; p3=<null>; p4=<null>; p5=<null>",
            ),
            (
                "--both--",
                "--",
                0,
                "p1=; p2=both; p3=; p4=<null>; p5=<null>",
            ),
            (
                "--both--",
                "--",
                2,
                "p1=; p2=both--; p3=<null>; p4=<null>; p5=<null>",
            ),
            (
                "a--b--c",
                "--",
                1,
                "p1=a--b--c; p2=<null>; p3=<null>; p4=<null>; p5=<null>",
            ),
            (
                "no-delimiter",
                "--",
                1,
                "p1=no-delimiter; p2=<null>; p3=<null>; p4=<null>; p5=<null>",
            ),
            (
                "a--b--c",
                "--",
                2,
                "p1=a; p2=b--c; p3=<null>; p4=<null>; p5=<null>",
            ),
            (
                "--x-s3--azid",
                "--",
                2,
                "p1=; p2=x-s3--azid; p3=<null>; p4=<null>; p5=<null>",
            ),
            ("a--b--c", "--", 3, "p1=a; p2=b; p3=c; p4=<null>; p5=<null>"),
            (
                "a--b--c--d",
                "--",
                3,
                "p1=a; p2=b; p3=c--d; p4=<null>; p5=<null>",
            ),
            (
                "--x-s3--azid--suffix",
                "--",
                4,
                "p1=; p2=x-s3; p3=azid; p4=suffix; p5=<null>",
            ),
            (
                "a--b--c--d--e",
                "--",
                4,
                "p1=a; p2=b; p3=c; p4=d--e; p5=<null>",
            ),
            (
                "a\u{1f31f}b\u{1f31f}c",
                "\u{1f31f}",
                0,
                "p1=a; p2=b; p3=c; p4=<null>; p5=<null>",
            ),
            ("a.*b.*c", ".*", 0, "p1=a; p2=b; p3=c; p4=<null>; p5=<null>"),
            ("a|b|c|d|e", "|", 0, "p1=a; p2=b; p3=c; p4=d; p5=e"),
            (
                "ab",
                "abcd",
                0,
                "p1=ab; p2=<null>; p3=<null>; p4=<null>; p5=<null>",
            ),
            ("abc", "abc", 0, "p1=; p2=; p3=<null>; p4=<null>; p5=<null>"),
        ];
        for (input, delimiter, limit, expected) in cases {
            assert_eq!(
                split_result(input, delimiter, *limit),
                *expected,
                "split({input:?}, {delimiter:?}, {limit})"
            );
        }
    }

    #[test]
    fn split_edges() {
        assert_eq!(split(&s(""), &s("--"), 1), strings(&[""]));
        assert_eq!(split(&s("a-b"), &s("-"), 100), strings(&["a", "b"]));
        assert_eq!(split(&s("a"), &s(""), 0), Value::None);
        assert_eq!(split(&s("a"), &s("-"), -1), Value::None);
        assert_eq!(split(&Value::None, &s("-"), 0), Value::None);
        assert_eq!(split(&s("a"), &Value::None, 0), Value::None);
        assert_eq!(split(&s("a-b"), &s("-"), i64::MAX), strings(&["a", "b"]));
    }

    #[test]
    fn coalesce_cases_from_rules_engine_tests() {
        let req1 = s("req1Value");
        let req2 = s("req2Value");
        let opt1 = s("opt1Value");
        let opt2 = s("opt2Value");
        assert_eq!(coalesce(&[req1.clone(), req2]), req1);
        assert_eq!(coalesce(&[opt1.clone(), opt2.clone()]), opt1);
        assert_eq!(coalesce(&[Value::None, opt2.clone()]), opt2);
        assert_eq!(coalesce(&[Value::None, Value::None]), Value::None);
        assert_eq!(coalesce(&[req1.clone(), opt1.clone()]), req1);
        assert_eq!(coalesce(&[opt1.clone(), req1.clone()]), opt1);
        assert_eq!(coalesce(&[Value::None, req1.clone()]), req1);
    }

    #[test]
    fn coalesce_edges() {
        assert_eq!(coalesce(&[]), Value::None);
        assert_eq!(
            coalesce(&[Value::Bool(false), Value::Bool(true)]),
            Value::Bool(false)
        );
        assert_eq!(
            coalesce(&[Value::None, Value::None, Value::Int(3)]),
            Value::Int(3)
        );
    }

    #[test]
    fn ite_cases_from_rules_engine_tests() {
        let fips = s("-fips");
        let empty = s("");
        assert_eq!(ite(&Value::Bool(true), &fips, &empty), fips);
        assert_eq!(ite(&Value::Bool(false), &fips, &empty), empty);
        assert_eq!(ite(&Value::None, &fips, &empty), empty);
        assert_eq!(
            template(&[
                s("https://example"),
                ite(&Value::Bool(true), &fips, &empty),
                s(".com")
            ]),
            s("https://example-fips.com")
        );
    }

    fn partition_value(
        name: &str,
        dns_suffix: &str,
        dual_stack_dns_suffix: &str,
        implicit_global_region: &str,
    ) -> Value {
        object(&[
            ("name", s(name)),
            ("dnsSuffix", s(dns_suffix)),
            ("dualStackDnsSuffix", s(dual_stack_dns_suffix)),
            ("supportsFIPS", Value::Bool(true)),
            ("supportsDualStack", Value::Bool(true)),
            ("implicitGlobalRegion", s(implicit_global_region)),
        ])
    }

    /// aws-iso and aws-iso-b refuse dual-stack (see partitions.rs).
    fn no_dual_stack(value: Value) -> Value {
        match value {
            Value::Object(mut fields) => {
                fields.insert("supportsDualStack".to_owned(), Value::Bool(false));
                Value::Object(fields)
            }
            other => other,
        }
    }

    #[test]
    fn aws_partition_for_every_partition() {
        let aws = partition_value("aws", "amazonaws.com", "api.aws", "us-east-1");
        let cases = [
            ("us-east-1", aws.clone()),
            ("eu-west-3", aws.clone()),
            ("aws-global", aws.clone()),
            (
                "us-gov-east-1",
                partition_value("aws-us-gov", "amazonaws.com", "api.aws", "us-gov-west-1"),
            ),
            (
                "cn-north-1",
                partition_value(
                    "aws-cn",
                    "amazonaws.com.cn",
                    "api.amazonwebservices.com.cn",
                    "cn-northwest-1",
                ),
            ),
            (
                "us-iso-east-1",
                no_dual_stack(partition_value("aws-iso", "c2s.ic.gov", "api.aws.ic.gov", "us-iso-east-1")),
            ),
            (
                "us-isob-east-1",
                no_dual_stack(partition_value(
                    "aws-iso-b",
                    "sc2s.sgov.gov",
                    "api.aws.scloud",
                    "us-isob-east-1",
                )),
            ),
            (
                "eu-isoe-west-1",
                partition_value(
                    "aws-iso-e",
                    "cloud.adc-e.uk",
                    "api.cloud-aws.adc-e.uk",
                    "eu-isoe-west-1",
                ),
            ),
            (
                "us-isof-south-1",
                partition_value(
                    "aws-iso-f",
                    "csp.hci.ic.gov",
                    "api.aws.hci.ic.gov",
                    "us-isof-south-1",
                ),
            ),
            (
                "eusc-de-east-1",
                partition_value(
                    "aws-eusc",
                    "amazonaws.eu",
                    "api.amazonwebservices.eu",
                    "eusc-de-east-1",
                ),
            ),
            // Unknown regions: by pattern, else the aws partition.
            ("us-west-9", aws.clone()),
            (
                "cn-east-5",
                partition_value(
                    "aws-cn",
                    "amazonaws.com.cn",
                    "api.amazonwebservices.com.cn",
                    "cn-northwest-1",
                ),
            ),
            ("mars-central-1", aws.clone()),
            ("", aws.clone()),
        ];
        for (region, expected) in cases {
            assert_eq!(aws_partition(&s(region)), expected, "{region}");
        }
        assert_eq!(aws_partition(&Value::None), Value::None);
        let gov = aws_partition(&s("us-gov-west-1"));
        assert_eq!(get_attr(&gov, "supportsFIPS"), Value::Bool(true));
        assert_eq!(
            template(&[
                s("https://svc."),
                s("us-gov-west-1"),
                s("."),
                get_attr(&gov, "dnsSuffix")
            ]),
            s("https://svc.us-gov-west-1.amazonaws.com")
        );
    }

    fn arn(
        partition: &str,
        service: &str,
        region: &str,
        account: &str,
        resource: &[&str],
    ) -> Value {
        object(&[
            ("partition", s(partition)),
            ("service", s(service)),
            ("region", s(region)),
            ("accountId", s(account)),
            ("resourceId", strings(resource)),
        ])
    }

    #[test]
    fn aws_parse_arn_spec_examples() {
        let parse = |input: &str| aws_parse_arn(&s(input));
        assert_eq!(
            parse("arn:aws:sns:us-west-2:012345678910:example-sns-topic-name"),
            arn(
                "aws",
                "sns",
                "us-west-2",
                "012345678910",
                &["example-sns-topic-name"]
            )
        );
        assert_eq!(parse("11111111-2222-3333-4444-555555555555"), Value::None);
        assert_eq!(
            parse("arn:aws:ec2:us-east-1:012345678910:vpc/vpc-0e9801d129EXAMPLE"),
            arn(
                "aws",
                "ec2",
                "us-east-1",
                "012345678910",
                &["vpc", "vpc-0e9801d129EXAMPLE"]
            )
        );
        assert_eq!(
            parse("arn:aws:iam::012345678910:user/johndoe"),
            arn("aws", "iam", "", "012345678910", &["user", "johndoe"])
        );
        assert_eq!(
            parse("arn:aws:s3:::bucket_name"),
            arn("aws", "s3", "", "", &["bucket_name"])
        );
    }

    #[test]
    fn aws_parse_arn_edges() {
        let parse = |input: &str| aws_parse_arn(&s(input));
        assert_eq!(
            parse("arn:aws:s3:us-west-2:123:accesspoint:my:ap/x"),
            arn(
                "aws",
                "s3",
                "us-west-2",
                "123",
                &["accesspoint", "my", "ap", "x"]
            )
        );
        assert_eq!(
            parse("arn:aws:s3:::a//b:"),
            arn("aws", "s3", "", "", &["a", "", "b", ""])
        );
        for invalid in [
            "",
            "arn",
            "arn:aws:s3:us-east-1:123",
            "arn:aws:s3:us-east-1:123:",
            "arn::s3:us-east-1:123:res",
            "arn:aws::us-east-1:123:res",
            "ARN:aws:s3:us-east-1:123:res",
            "xarn:aws:s3:us-east-1:123:res",
        ] {
            assert_eq!(parse(invalid), Value::None, "{invalid:?}");
        }
        assert_eq!(aws_parse_arn(&Value::None), Value::None);
    }

    #[test]
    fn virtual_hostable_s3_bucket() {
        let check = |input: &str, subdomains| {
            aws_is_virtual_hostable_s3_bucket(&s(input), subdomains) == Value::Bool(true)
        };
        for valid in ["abc", "my-bucket", "bucket1", "123", &"a".repeat(63)] {
            assert!(check(valid, false), "{valid}");
            assert!(check(valid, true), "{valid}");
        }
        for invalid in [
            "",
            "ab",
            &"a".repeat(64),
            "Bucket",
            "-bucket",
            "bucket-",
            "my_bucket",
            "my.bucket",
            "bücket",
        ] {
            assert!(!check(invalid, false), "{invalid}");
        }
        assert!(check("my.bucket.name", true));
        assert!(check("a.b", true));
        for invalid in [
            "my..bucket",
            "my.-bucket",
            "my-.bucket",
            ".bucket",
            "bucket.",
            "192.168.5.4",
            "My.bucket",
            "my.bucket_x",
        ] {
            assert!(!check(invalid, true), "{invalid}");
        }
        // Not an IPv4 address: a part above 255, or not four parts.
        assert!(check("999.168.5.4", true));
        assert!(check("1.2.3", true));
        assert_eq!(
            aws_is_virtual_hostable_s3_bucket(&Value::None, true),
            Value::Bool(false)
        );
    }

    #[test]
    fn template_concatenates_strings_only() {
        assert_eq!(template(&[]), s(""));
        assert_eq!(
            template(&[s("https://"), s("us-east-1"), s(".x")]),
            s("https://us-east-1.x")
        );
        assert_eq!(template(&[s("a"), Value::None]), Value::None);
        assert_eq!(template(&[s("a"), Value::Bool(true)]), Value::None);
        assert_eq!(template(&[Value::Int(1)]), Value::None);
    }
}
