//! restJson1: how an operation's input becomes an HTTP request (labels,
//! query, headers, JSON body, host prefix) and how a response (an output,
//! or a modeled error) is read from its status, headers and JSON body.
//! Types are written and read by the JSON codec (`emit/json.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::super::{ident, type_tokens};
use super::{Codec, ProtocolGen};
use crate::ir::http::Segment;
use crate::ir::{Binding, Crate, Field, Operation, RustType, Struct, StructKind, TimestampFormat};

/// The restJson1 emitter.
pub(crate) struct RestJson1;

/// The body format of an HTTP-binding protocol: restJson1's JSON, or
/// restXml's XML (`emit/protocol/rest_xml.rs`), which shares the rest.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Json,
    Xml,
}

impl ProtocolGen for RestJson1 {
    fn runtime(&self) -> Vec<crate::emit::RuntimeFile> {
        use crate::emit::{HTTP_BINDING, JSON, REST_JSON};
        JSON.iter().copied().chain([HTTP_BINDING, REST_JSON]).collect()
    }

    fn runtime_value(&self, _krate: &Crate) -> TokenStream {
        quote!(crate::rest_json::RestJson1)
    }

    fn codec(&self) -> &'static dyn Codec {
        &crate::emit::json::Json
    }

    fn write_request(&self, krate: &Crate, op: &Operation) -> TokenStream {
        serialize(krate, op, Format::Json)
    }

    fn read_response(&self, s: &Struct, var: TokenStream) -> TokenStream {
        deserialize(s, var, Format::Json)
    }
}

/// `Shape`, `field` and `member` names for a `BuildError`.
fn build_error_names(s: &Struct, f: &Field) -> (String, String, String) {
    (s.name.clone(), f.name.clone(), f.member.clone())
}

/// The text of a scalar member (`value` is a reference) for a URI label,
/// query string or header; timestamps in `default` unless the member says.
fn scalar_text(s: &Struct, f: &Field, ty: &RustType, value: TokenStream, default: TimestampFormat) -> TokenStream {
    match ty {
        RustType::String => quote!(#value.clone()),
        RustType::Named(_) if is_int_enum(ty) => quote!(#value.value().to_string()),
        RustType::Named(_) => quote!(#value.as_str().to_owned()),
        RustType::Bool | RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => quote!(#value.to_string()),
        RustType::F32 => quote!(crate::http_binding::float_text_f32(*#value)),
        RustType::F64 => quote!(crate::http_binding::float_text(*#value)),
        RustType::Blob => quote!(crate::primitives::base64_encode(#value.as_ref())),
        RustType::Document => {
            let (shape, field, member) = build_error_names(s, f);
            quote!(crate::json::to_json(#value)
                .map_err(|_| crate::error::BuildError::invalid_value(#shape, #field, #member))?)
        }
        RustType::Timestamp(own) => match f.timestamp_format.or(*own).unwrap_or(default) {
            TimestampFormat::DateTime => {
                let (shape, field, member) = build_error_names(s, f);
                quote!(crate::timestamp::DateTime::format(#value)
                    .ok_or_else(|| crate::error::BuildError::invalid_value(#shape, #field, #member))?)
            }
            TimestampFormat::EpochSeconds => quote!(crate::timestamp::EpochSeconds::format(#value)),
            TimestampFormat::HttpDate => {
                let (shape, field, member) = build_error_names(s, f);
                quote!(crate::timestamp::HttpDate::format(#value)
                    .ok_or_else(|| crate::error::BuildError::invalid_value(#shape, #field, #member))?)
            }
        },
        RustType::List { .. }
        | RustType::Map { .. }
        | RustType::ByteStream { .. }
        | RustType::EventStream(_)
        | RustType::EventSender(_) => {
            quote!(::std::string::String::new())
        }
    }
}

/// Whether a named type is a string enum (generated types in `types` that
/// are not structures; the IR records intEnums separately).
fn is_enum_ref(r: &crate::ir::TypeRef) -> bool {
    r.is_enum && !r.int_enum
}

/// Whether a list member's items are timestamps sent as HTTP dates.
fn is_http_date(f: &Field, item: &RustType) -> bool {
    match item {
        RustType::Timestamp(own) => {
            own.or(f.timestamp_format).unwrap_or(TimestampFormat::HttpDate) == TimestampFormat::HttpDate
        }
        _ => false,
    }
}

/// Whether a named type is a structure (not a union).
fn is_structure(krate: &Crate, r: &crate::ir::TypeRef) -> bool {
    matches!(krate.types.get(&r.name), Some(crate::ir::TypeDef::Struct(s)) if s.kind != StructKind::Union)
}

/// Whether a named type is an `intEnum` (its wire form is a number).
fn is_int_enum(ty: &RustType) -> bool {
    matches!(ty, RustType::Named(r) if r.int_enum)
}

pub(super) fn serialize(krate: &Crate, op: &Operation, format: Format) -> TokenStream {
    let decorators = crate::emit::customize::decorators(krate);
    let input = &op.input;
    let field = |member: &str| input.fields.iter().find(|f| f.member == member);
    let mut path = Vec::new();
    if let Some(http) = &op.http {
        if http.path.is_empty() {
            path.push(quote!(path.push('/');));
        }
        for segment in &http.path {
            match segment {
                Segment::Literal(text) => {
                    let text = format!("/{text}");
                    path.push(quote!(path.push_str(#text);));
                }
                Segment::Label { member, greedy } => {
                    // A customization may carry the label elsewhere (S3's
                    // bucket: in the endpoint's host or path).
                    if decorators.iter().any(|d| d.drops_label(op, member)) {
                        continue;
                    }
                    let Some(f) = field(member) else { continue };
                    let name = ident(&f.name);
                    let (shape, field_name, member) = build_error_names(input, f);
                    let text = scalar_text(input, f, &f.ty, quote!(value), TimestampFormat::DateTime);
                    // A customization may stand in for an empty label.
                    let account_default = decorators.iter().find_map(|d| d.empty_label(&f.member)).map(
                        |default| quote!(let text = if text.is_empty() { ::std::string::String::from(#default) } else { text };),
                    );
                    // Or trim a prefix a label's value may come with.
                    let prefixes: Vec<&str> = decorators.iter().flat_map(|d| d.label_prefixes(op, &f.member)).copied().collect();
                    let strip = (!prefixes.is_empty()).then(|| {
                        quote! {
                            let text = match [#(#prefixes),*].iter().find_map(|prefix| text.strip_prefix(prefix)) {
                                ::std::option::Option::Some(rest) => rest.to_owned(),
                                ::std::option::Option::None => text,
                            };
                        }
                    });
                    path.push(quote! {
                        let value = crate::error::BuildError::require(input.#name.as_ref(), #shape, #field_name, #member)?;
                        let text = #text;
                        #strip
                        #account_default
                        // An empty, `.` or `..` segment would change the path.
                        if text.is_empty() || text == "." || text == ".." {
                            return ::std::result::Result::Err(crate::error::BuildError::empty_label(#shape, #field_name, #member));
                        }
                        path.push('/');
                        path.push_str(&crate::http_binding::encode_label(&text, #greedy));
                    });
                }
            }
        }
        for (key, value) in &http.query {
            let value = match value {
                Some(v) => quote!(::std::option::Option::Some(#v)),
                None => quote!(::std::option::Option::None),
            };
            path.push(quote!(query.push(#key, #value);));
        }
    }
    for f in &input.fields {
        let Binding::Query(key) = &f.binding else { continue };
        let name = ident(&f.name);
        path.push(match &f.ty {
            RustType::List { item, .. } => {
                let text = scalar_text(input, f, item, quote!(value), TimestampFormat::DateTime);
                quote! {
                    for value in input.#name.iter().flatten() {
                        let text = #text;
                        query.push(#key, ::std::option::Option::Some(&text));
                    }
                }
            }
            ty => {
                let text = scalar_text(input, f, ty, quote!(value), TimestampFormat::DateTime);
                quote! {
                    if let ::std::option::Option::Some(value) = &input.#name {
                        let text = #text;
                        query.push(#key, ::std::option::Option::Some(&text));
                    }
                }
            }
        });
    }
    let mut headers = Vec::new();
    for f in &input.fields {
        let Binding::Header(header) = &f.binding else { continue };
        let header = header.to_ascii_lowercase();
        let name = ident(&f.name);
        let (shape, field_name, member) = build_error_names(input, f);
        let text = match &f.ty {
            RustType::List { item, .. } => {
                let item_text = scalar_text(input, f, item, quote!(value), TimestampFormat::HttpDate);
                // HTTP dates hold a comma of their own, and are never quoted.
                let join = if is_http_date(f, item) {
                    quote!(texts.join(", "))
                } else {
                    quote!(crate::http_binding::header_list(texts.iter().map(|t| t.as_str())))
                };
                quote! {
                    let texts = value.iter().map(|value| {
                            let text: ::std::string::String = #item_text;
                            ::std::result::Result::Ok(text)
                        })
                        .collect::<::std::result::Result<::std::vec::Vec<::std::string::String>, crate::error::BuildError>>()?;
                    #join
                }
            }
            RustType::String if f.media_type.is_some() => quote!(crate::primitives::base64_encode(value.as_bytes())),
            ty => scalar_text(input, f, ty, quote!(value), TimestampFormat::HttpDate),
        };
        headers.push(quote! {
            if let ::std::option::Option::Some(value) = &input.#name {
                let text = { #text };
                headers.push(crate::http_binding::header(#header, &text)
                    .ok_or_else(|| crate::error::BuildError::invalid_value(#shape, #field_name, #member))?);
            }
        });
    }
    // Maps bound to the query string: entries whose key a named `httpQuery`
    // member sets are left to that member.
    for f in &input.fields {
        if f.binding != Binding::QueryParams {
            continue;
        }
        let name = ident(&f.name);
        let named: Vec<TokenStream> = input
            .fields
            .iter()
            .filter_map(|other| match &other.binding {
                Binding::Query(key) => {
                    let other_name = ident(&other.name);
                    Some(quote!((#key, input.#other_name.is_some())))
                }
                _ => None,
            })
            .collect();
        let push = match &f.ty {
            RustType::Map { value, .. } if matches!(**value, RustType::List { .. }) => quote! {
                for value in values {
                    query.push(key, ::std::option::Option::Some(value));
                }
            },
            _ => quote!(query.push(key, ::std::option::Option::Some(values));),
        };
        path.push(quote! {
            if let ::std::option::Option::Some(params) = &input.#name {
                let named: &[(&str, bool)] = &[#(#named),*];
                let mut keys: ::std::vec::Vec<&::std::string::String> = params.keys().collect();
                keys.sort();
                for key in keys {
                    if named.iter().any(|(n, set)| *set && n == key) {
                        continue;
                    }
                    if let ::std::option::Option::Some(values) = params.get(key) {
                        #push
                    }
                }
            }
        });
    }
    for f in &input.fields {
        let Binding::PrefixHeaders(prefix) = &f.binding else { continue };
        let name = ident(&f.name);
        let (shape, field_name, member) = build_error_names(input, f);
        // A header that a member of its own sets is left to that member.
        let named: Vec<TokenStream> = input
            .fields
            .iter()
            .filter_map(|other| match &other.binding {
                Binding::Header(header) => {
                    let header = header.to_ascii_lowercase();
                    let other_name = ident(&other.name);
                    Some(quote!((#header, input.#other_name.is_some())))
                }
                _ => None,
            })
            .collect();
        headers.push(quote! {
            if let ::std::option::Option::Some(map) = &input.#name {
                let named: &[(&str, bool)] = &[#(#named),*];
                let mut keys: ::std::vec::Vec<&::std::string::String> = map.keys().collect();
                keys.sort();
                for key in keys {
                    let full = ::std::format!("{}{}", #prefix, key).to_ascii_lowercase();
                    if named.iter().any(|(n, set)| *set && *n == full) {
                        continue;
                    }
                    if let ::std::option::Option::Some(value) = map.get(key) {
                        headers.push(crate::http_binding::dynamic_header(&::std::format!("{}{}", #prefix, key), value)
                            .ok_or_else(|| crate::error::BuildError::invalid_value(#shape, #field_name, #member))?);
                    }
                }
            }
        });
    }
    let payload = input.fields.iter().find(|f| f.binding == Binding::Payload);
    let has_body = input.fields.iter().any(|f| f.binding == Binding::Body);
    let shape = &input.name;
    let stream = payload.and_then(|f| match f.ty {
        RustType::ByteStream { requires_length } => Some((f, requires_length)),
        _ => None,
    });
    let events = payload.filter(|f| matches!(f.ty, RustType::EventSender(_)));
    let body = if let Some(f) = events {
        // The events, encoded one by one as the sender yields them; the
        // orchestrator signs each after the request.
        let name = ident(&f.name);
        quote! {
            let body = input.#name.take_for_send(config);
            headers.push((::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static("application/vnd.amazon.eventstream")));
        }
    } else if let Some((f, requires_length)) = stream {
        let name = ident(&f.name);
        let content_type = f.media_type.clone().unwrap_or_else(|| "application/octet-stream".into());
        let (shape, field_name, member) = build_error_names(input, f);
        let length_check = requires_length.then(|| {
            quote! {
                if body.content_length().is_none() {
                    return ::std::result::Result::Err(crate::error::BuildError::unknown_length(#shape, #field_name, #member));
                }
            }
        });
        quote! {
            let body = input.#name.take_for_send();
            #length_check
            if body.content_length() != ::std::option::Option::Some(0)
                && !headers.iter().any(|(name, _)| name == ::http::header::CONTENT_TYPE)
            {
                headers.push((::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static(#content_type)));
            }
        }
    } else if let Some(f) = payload {
        let name = ident(&f.name);
        let (content_type, bytes) = match &f.ty {
            RustType::Blob => (
                f.media_type.clone().unwrap_or_else(|| "application/octet-stream".into()),
                quote!(value.as_ref().to_vec()),
            ),
            RustType::String => {
                (f.media_type.clone().unwrap_or_else(|| "text/plain".into()), quote!(value.as_bytes().to_vec()))
            }
            RustType::Named(r) if is_enum_ref(r) => ("text/plain".into(), quote!(value.as_str().as_bytes().to_vec())),
            _ if format == Format::Xml => (
                f.media_type.clone().unwrap_or_else(|| "application/xml".into()),
                super::rest_xml::payload_body(krate, f, shape),
            ),
            _ => (
                f.media_type.clone().unwrap_or_else(|| "application/json".into()),
                quote!(crate::json::to_vec(value).map_err(|_| crate::error::BuildError::invalid_value(#shape, "", ""))?),
            ),
        };
        // An unset structure payload is sent as an empty object (JSON), or
        // as no body (XML).
        let unset = match &f.ty {
            RustType::Named(r) if format == Format::Json && !r.is_enum && is_structure(krate, r) => quote! {
                headers.push((::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static(#content_type)));
                b"{}".to_vec()
            },
            _ => quote!(::std::vec::Vec::new()),
        };
        quote! {
            let body = match &input.#name {
                ::std::option::Option::Some(value) => {
                    if !headers.iter().any(|(name, _)| name == ::http::header::CONTENT_TYPE) {
                        headers.push((::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static(#content_type)));
                    }
                    #bytes
                }
                ::std::option::Option::None => { #unset }
            };
        }
    } else if has_body && format == Format::Xml {
        super::rest_xml::input_body(krate, input)
    } else if has_body {
        quote! {
            let body = crate::json::to_vec(input)
                .map_err(|_| crate::error::BuildError::invalid_value(#shape, "", ""))?;
            headers.push((::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static("application/json")));
        }
    } else {
        quote!(let body = ::std::vec::Vec::new();)
    };
    // A customization may leave the host to the endpoint rules.
    let host_prefix = if decorators.iter().any(|d| d.drops_host_prefix(op)) {
        quote!(::std::option::Option::None)
    } else {
        super::host_prefix(op)
    };
    let endpoint = super::endpoint_override(krate, op);
    let body_checks = match stream {
        None if events.is_some() => quote!(),
        None => super::body_checks(op),
        // Content-MD5 precedes the body: only a body in memory can have it.
        Some((f, _)) => {
            let (shape, field_name, member) = build_error_names(input, f);
            let checksum = op.checksum_required.then(|| {
                quote! {
                    let bytes = body.as_bytes()
                        .ok_or_else(|| crate::error::BuildError::needs_bytes(#shape, #field_name, #member))?;
                    if let ::std::option::Option::Some(header) = crate::http_binding::header("content-md5", &crate::checksum::content_md5(bytes)) {
                        headers.push(header);
                    }
                }
            });
            quote!(#checksum)
        }
    };
    let method = op.http.as_ref().map(|h| h.method.as_str()).unwrap_or("POST");
    let method = syn::parse_str::<syn::Path>(&format!("::http::Method::{method}")).ok();
    let method = match method {
        Some(path) if op.http.as_ref().is_some_and(|h| h.method.chars().all(|c| c.is_ascii_uppercase())) => {
            quote!(#path)
        }
        _ => {
            let text = op.http.as_ref().map(|h| h.method.clone()).unwrap_or_default();
            quote!(::http::Method::from_bytes(#text.as_bytes()).map_err(|_| crate::error::BuildError::invalid_value(#text, "", ""))?)
        }
    };
    let headers_mut = if headers.is_empty()
        && !has_body
        && payload.is_none()
        && !op.checksum_required
        && !op.gzip
    {
        quote!()
    } else {
        quote!(mut)
    };
    let query_mut = if op.http.as_ref().is_some_and(|h| !h.query.is_empty())
        || input.fields.iter().any(|f| matches!(f.binding, Binding::Query(_) | Binding::QueryParams))
    {
        quote!(mut)
    } else {
        quote!()
    };
    // Nothing of the input is sent when its only members are labels a
    // customization leaves out (S3's GetBucketLocation: `{Bucket}`).
    let dropped = |f: &Field| f.binding == Binding::Label && decorators.iter().any(|d| d.drops_label(op, &f.member));
    let unused = input.fields.iter().all(dropped).then(|| quote!(let _ = input;));
    let body_value = if stream.is_some() || events.is_some() { quote!(body,) } else { quote!(body: body.into(),) };
    quote! {
        #unused
        let mut path = ::std::string::String::new();
        let #query_mut query = crate::http_binding::QueryWriter::default();
        #(#path)*
        path.push_str(&query.finish());
        let #headers_mut headers = ::std::vec::Vec::new();
        #(#headers)*
        #body
        #body_checks
        ::std::result::Result::Ok(crate::orchestrator::Request {
            method: #method,
            path_and_query: path,
            headers,
            #body_value
            host_prefix: #host_prefix,
            endpoint: #endpoint,
        })
    }
}

/// Reads a response into `var` of the structure's type: the JSON body,
/// then members bound to headers and to the status code, then the request id.
pub(super) fn deserialize(s: &Struct, var: TokenStream, format: Format) -> TokenStream {
    deserialize_with(s, var, format, false)
}

/// [`deserialize`]; `unwrapped`: an XML body's root element is the
/// structure's only body member (`s3UnwrappedXmlOutput`).
pub(super) fn deserialize_with(s: &Struct, var: TokenStream, format: Format, unwrapped: bool) -> TokenStream {
    let ty = ident(&s.name);
    let path = match &s.kind {
        StructKind::Error { .. } => quote!(crate::error::#ty),
        _ => quote!(#ty),
    };
    let mut assignments = Vec::new();
    // The head of an event stream's response is its initial response, with
    // no later chance to send a member: one the model requires must be
    // there (the event stream protocol tests ask a client to fail), where
    // other outputs fill a missing one with its zero value.
    let initial_response = s.kind == StructKind::Output && s.fields.iter().any(|f| matches!(f.ty, RustType::EventStream(_)));
    for f in &s.fields {
        let name = ident(&f.name);
        match &f.binding {
            Binding::Header(header) if initial_response && f.required && f.default.is_none() && !f.lenient => {
                let header = header.to_ascii_lowercase();
                let parsed = parse_header_value(f, &header);
                let value = if f.optional { quote!(::std::option::Option::Some(parsed)) } else { quote!(parsed) };
                let missing = format!("the initial response has no `{header}` header, which carries the required member `{}`", f.member);
                assignments.push(quote! {
                    match crate::http_binding::header_text(response, #header)? {
                        ::std::option::Option::Some(text) => {
                            let parsed = #parsed;
                            #var.#name = #value;
                        }
                        ::std::option::Option::None => return ::std::result::Result::Err(#missing.into()),
                    }
                });
            }
            Binding::Header(header) => {
                let header = header.to_ascii_lowercase();
                let parsed = parse_header_value(f, &header);
                let value = if f.optional { quote!(::std::option::Option::Some(parsed)) } else { quote!(parsed) };
                if f.lenient {
                    // A value that does not parse leaves the member unset.
                    assignments.push(quote! {
                        if let ::std::option::Option::Some(text) = crate::http_binding::header_text(response, #header).ok().flatten() {
                            let read = || -> ::std::result::Result<_, crate::orchestrator::BoxError> { ::std::result::Result::Ok(#parsed) };
                            if let ::std::result::Result::Ok(parsed) = read() {
                                #var.#name = #value;
                            }
                        }
                    });
                    continue;
                }
                assignments.push(quote! {
                    if let ::std::option::Option::Some(text) = crate::http_binding::header_text(response, #header)? {
                        let parsed = #parsed;
                        #var.#name = #value;
                    }
                });
            }
            Binding::PrefixHeaders(prefix) => {
                let prefix = prefix.to_ascii_lowercase();
                let value = quote!(crate::http_binding::prefix_headers(response, #prefix)?);
                let value = if f.optional { quote!(::std::option::Option::Some(#value)) } else { value };
                assignments.push(quote!(#var.#name = #value;));
            }
            // The orchestrator puts the body there (`STREAMING_OUTPUT`).
            Binding::Payload if matches!(f.ty, RustType::ByteStream { .. } | RustType::EventStream(_)) => {}
            Binding::Payload => {
                let value = match &f.ty {
                    RustType::Blob => quote!(crate::primitives::Blob::new(response.body().to_vec())),
                    RustType::String => quote!(::std::string::String::from_utf8(response.body().to_vec())?),
                    RustType::Named(r) if is_enum_ref(r) => {
                        let ty = type_tokens(&f.ty);
                        quote!(#ty::from(::std::str::from_utf8(response.body())?))
                    }
                    _ if format == Format::Xml => quote!(crate::xml::from_xml(response.body())?),
                    _ => quote!(crate::json::from_slice(response.body())?),
                };
                let assign = if f.optional {
                    quote!(#var.#name = ::std::option::Option::Some(#value);)
                } else {
                    quote!(#var.#name = #value;)
                };
                assignments.push(quote! {
                    if !response.body().is_empty() {
                        #assign
                    }
                });
            }
            Binding::ResponseCode => {
                let value = quote!(i32::from(response.status().as_u16()));
                let value = if f.optional { quote!(::std::option::Option::Some(#value)) } else { value };
                assignments.push(quote!(#var.#name = #value;));
            }
            _ => {}
        }
    }
    let request_id = match (&s.kind, format) {
        (StructKind::Output, Format::Json) => quote!(#var._request_id = crate::json::request_id(response);),
        (StructKind::Output, Format::Xml) => quote!(#var._request_id = crate::rest_xml::request_id(response);),
        _ => quote!(),
    };
    let has_body = s.fields.iter().any(|f| f.binding == Binding::Body);
    let mutable = if !assignments.is_empty() || s.kind == StructKind::Output { quote!(mut) } else { quote!() };
    let read = if has_body && format == Format::Xml {
        match s.kind {
            StructKind::Error { .. } => quote!(let #mutable #var: #path = crate::rest_xml::read_error(response.body())?;),
            _ if unwrapped => quote!(let #mutable #var: #path = crate::rest_xml::read_unwrapped_body(response.body())?;),
            _ => quote!(let #mutable #var: #path = crate::rest_xml::read_body(response.body())?;),
        }
    } else if has_body {
        quote!(let #mutable #var: #path = crate::json::from_body(response.body())?;)
    } else if assignments.is_empty() && s.kind != StructKind::Output {
        // Nothing of this structure travels in the response but its code.
        quote!(let _ = response; let #var: #path = crate::json::Fallback::fallback();)
    } else {
        quote!(let #mutable #var: #path = crate::json::Fallback::fallback();)
    };
    quote! {
        #read
        #(#assignments)*
        #request_id
        ::std::result::Result::Ok(#var)
    }
}

/// An expression reading header `text` as the member's type.
fn parse_header_value(f: &Field, header: &str) -> TokenStream {
    let scalar = |ty: &RustType, text: TokenStream| -> TokenStream {
        match ty {
            RustType::String => quote!(#text.to_owned()),
            RustType::Named(r) if r.int_enum => {
                let ty = type_tokens(ty);
                quote!(#ty::from(crate::http_binding::parse_header::<i32>(#header, #text)?))
            }
            RustType::Named(_) => {
                let ty = type_tokens(ty);
                quote!(#ty::from(#text))
            }
            RustType::Bool => quote!(crate::http_binding::parse_header::<bool>(#header, #text)?),
            RustType::I8 => quote!(crate::http_binding::parse_header::<i8>(#header, #text)?),
            RustType::I16 => quote!(crate::http_binding::parse_header::<i16>(#header, #text)?),
            RustType::I32 => quote!(crate::http_binding::parse_header::<i32>(#header, #text)?),
            RustType::I64 => quote!(crate::http_binding::parse_header::<i64>(#header, #text)?),
            RustType::F32 => quote!(crate::http_binding::parse_float(#header, #text)? as f32),
            RustType::F64 => quote!(crate::http_binding::parse_float(#header, #text)?),
            RustType::Blob => quote!(crate::primitives::Blob::new(crate::primitives::base64_decode(#text.trim())
                .ok_or_else(|| ::std::format!("header `{}` is not base64", #header))?)),
            RustType::Document => quote!(crate::json::from_json::<crate::primitives::Document>(#text)?),
            RustType::Timestamp(own) => match f.timestamp_format.or(*own).unwrap_or(TimestampFormat::HttpDate) {
                // Read as leniently as a body's (`timestamp.rs`).
                TimestampFormat::HttpDate => quote!(crate::timestamp::HttpDate::read(#text)
                    .ok_or_else(|| ::std::format!("header `{}` is not an HTTP date: `{}`", #header, #text))?),
                TimestampFormat::DateTime => quote!(crate::timestamp::DateTime::read(#text)
                    .ok_or_else(|| ::std::format!("header `{}` is not a date-time: `{}`", #header, #text))?),
                TimestampFormat::EpochSeconds => quote!(crate::timestamp::EpochSeconds::read(#text)
                    .ok_or_else(|| ::std::format!("header `{}` is not a timestamp: `{}`", #header, #text))?),
            },
            RustType::List { .. }
            | RustType::Map { .. }
            | RustType::ByteStream { .. }
            | RustType::EventStream(_)
            | RustType::EventSender(_) => {
                quote!(::std::default::Default::default())
            }
        }
    };
    match &f.ty {
        RustType::String if f.media_type.is_some() => quote! {
            ::std::string::String::from_utf8(crate::primitives::base64_decode(text.trim())
                .ok_or_else(|| ::std::format!("header `{}` is not base64", #header))?)?
        },
        RustType::List { item, .. } if is_http_date(f, item) => {
            let item_value = scalar(item, quote!(item.as_str()));
            quote! {
                crate::http_binding::split_http_date_list(text)
                    .iter()
                    .map(|item| -> ::std::result::Result<_, crate::orchestrator::BoxError> {
                        let value = #item_value;
                        ::std::result::Result::Ok(value)
                    })
                    .collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?
            }
        }
        RustType::List { item, .. } => {
            let item_value = scalar(item, quote!(item.as_str()));
            quote! {
                crate::http_binding::split_header_list(text)
                    .iter()
                    .map(|item| -> ::std::result::Result<_, crate::orchestrator::BoxError> {
                        let value = #item_value;
                        ::std::result::Result::Ok(value)
                    })
                    .collect::<::std::result::Result<::std::vec::Vec<_>, _>>()?
            }
        }
        ty => scalar(ty, quote!(text)),
    }
}
