//! Service customizations the AWS SDKs make, as decorators: each adds to
//! what is emitted for its service (interceptors in the service's facts or
//! on an operation, runtime files, defaults of URI labels) instead of
//! being matched inside a serializer. This is the one place that names
//! services; the runtime side of each customization is an interceptor or
//! a retry classifier in `codegen/runtime/`.

use proc_macro2::TokenStream;
use quote::quote;

use super::RuntimeFile;
use crate::ir::{Binding, Crate, Field, Operation, RustType, Struct};

/// What a customization adds to a generated crate.
pub(crate) trait Decorator: Sync {
    /// Interceptors registered in the service's facts: expressions of
    /// type `&'static dyn crate::interceptor::Interceptor`.
    fn service_interceptors(&self, _krate: &Crate) -> Vec<TokenStream> {
        Vec::new()
    }

    /// Interceptors of one operation, run after the service's.
    fn operation_interceptors(&self, _op: &Operation) -> Vec<TokenStream> {
        Vec::new()
    }

    /// Retry classifiers registered in the service's facts, asked before
    /// the standard ones: expressions of type
    /// `&'static dyn crate::retry::ClassifyRetry`.
    fn retry_classifiers(&self, _krate: &Crate) -> Vec<TokenStream> {
        Vec::new()
    }

    /// The text sent for an empty URI label bound to `member`.
    fn empty_label(&self, _member: &str) -> Option<&'static str> {
        None
    }

    /// Prefixes trimmed from the value of the URI label bound to `member`
    /// (Route 53's `/hostedzone/`).
    fn label_prefixes(&self, _op: &Operation, _member: &str) -> &'static [&'static str] {
        &[]
    }

    /// Changes the crate's IR before anything is emitted (members added to
    /// or read differently in S3's outputs).
    fn transform(&self, _krate: &mut Crate) {}

    /// The operation's URI label bound to `member` is left out of the
    /// path: the endpoint carries it.
    fn drops_label(&self, _op: &Operation, _member: &str) -> bool {
        false
    }

    /// The operation's `endpoint` host prefix is left out: the endpoint
    /// rules give the host.
    fn drops_host_prefix(&self, _op: &Operation) -> bool {
        false
    }

    /// Error codes of error responses without a body, by HTTP status
    /// (restXml).
    fn bodiless_error_codes(&self) -> &'static [(u16, &'static str)] {
        &[]
    }

    /// An expression (`Option<String>`, `input` in scope) of an endpoint URL
    /// the operation's input names, which replaces the resolved one.
    fn endpoint_override(&self, _op: &Operation) -> Option<TokenStream> {
        None
    }

    /// Values the client gives members of the operation's input left
    /// unset, before the input's builder checks its required members.
    fn input_fills(&self, _op: &Operation) -> Vec<Fill> {
        Vec::new()
    }

    /// Items added beside a union's enum (DynamoDB's `AttributeValue`
    /// constructors and readers).
    fn union_items(&self, _krate: &Crate, _union: &Struct) -> Option<TokenStream> {
        None
    }

    /// Runtime files the customization needs, and the crates they use
    /// (which must be in `crate_files::DEPENDENCIES`).
    fn runtime(&self) -> (&'static [RuntimeFile], &'static [&'static str]) {
        (&[], &[])
    }
}

/// A value an input's builder gives a member left unset (Glacier's `-`
/// account id), before it checks the required members.
pub(crate) struct Fill {
    /// The Rust field name.
    pub(crate) field: String,
    /// The string it is set to.
    pub(crate) value: &'static str,
    /// What the member's documentation says of it.
    pub(crate) doc: &'static str,
}

/// The fills of an operation's input, from every decorator of the crate.
pub(crate) fn input_fills(krate: &Crate, op: &Operation) -> Vec<Fill> {
    decorators(krate).iter().flat_map(|d| d.input_fills(op)).collect()
}

/// The decorators of the crate's service, chosen by its `sdkId`, and
/// those of the features its operations use (flexible checksums).
pub(crate) fn decorators(krate: &Crate) -> Vec<&'static dyn Decorator> {
    let mut decorators: Vec<&'static dyn Decorator> = match krate.service.sdk_id.as_str() {
        "Glacier" => vec![&Glacier],
        "API Gateway" => vec![&ApiGateway],
        "Machine Learning" => vec![&MachineLearning],
        "DynamoDB" => vec![&DynamoDb],
        "S3" => vec![&S3Addressing, &S3NotFound, &S3Responses],
        "Route 53" => vec![&Route53],
        "STS" => vec![&Sts],
        _ => Vec::new(),
    };
    if krate.operations.values().any(|op| op.http_checksum.is_some()) {
        decorators.push(&FlexibleChecksums);
    }
    decorators
}

/// Applies the decorators' changes to the IR (before emitting).
pub(crate) fn transform(krate: &mut Crate) {
    for decorator in decorators(krate) {
        decorator.transform(krate);
    }
}

/// The header a member of the input is bound to (lower case).
fn header_of<'a>(op: &'a Operation, member: &str) -> Option<(&'a Field, String)> {
    let field = op.input.fields.iter().find(|f| f.member == member)?;
    match &field.binding {
        Binding::Header(header) => Some((field, header.to_ascii_lowercase())),
        _ => None,
    }
}

/// Flexible checksums (`aws.protocols#httpChecksum`), on any service:
/// request checksums computed unless the input carries one (as a header,
/// or as an `aws-chunked` trailer for a stream), and response checksums
/// checked when asked for, as interceptors of the operations with the
/// trait (`src/http_checksum.rs`).
struct FlexibleChecksums;

impl Decorator for FlexibleChecksums {
    fn operation_interceptors(&self, op: &Operation) -> Vec<TokenStream> {
        let Some(trait_) = &op.http_checksum else { return Vec::new() };
        let mut interceptors = Vec::new();
        if trait_.request_algorithm_member.is_some() || trait_.request_checksum_required {
            let shape = &op.input.name;
            let algorithm = match trait_.request_algorithm_member.as_deref().and_then(|m| header_of(op, m)) {
                Some((field, header)) => {
                    let (name, member) = (&field.name, &field.member);
                    quote!(::std::option::Option::Some((#header, #name, #member)))
                }
                None => quote!(::std::option::Option::None),
            };
            let payload = op.input.fields.iter().find(|f| f.binding == Binding::Payload);
            let (body_field, body_member) = payload.map(|f| (f.name.as_str(), f.member.as_str())).unwrap_or(("body", "body"));
            let required = trait_.request_checksum_required;
            interceptors.push(quote!(&crate::http_checksum::RequestChecksum {
                shape: #shape,
                algorithm: #algorithm,
                body: (#body_field, #body_member),
                required: #required,
            }));
        }
        let mode = trait_.request_validation_mode_member.as_deref().and_then(|m| header_of(op, m));
        if let (Some((_, header)), false) = (mode, trait_.response_algorithms.is_empty()) {
            let algorithms = &trait_.response_algorithms;
            interceptors.push(quote!(&crate::http_checksum::ResponseChecksum { mode_header: #header, algorithms: &[#(#algorithms),*] }));
        }
        interceptors
    }

    fn runtime(&self) -> (&'static [RuntimeFile], &'static [&'static str]) {
        (&[super::HTTP_CHECKSUM], &["crc32fast", "crc32c", "crc64fast-nvme", "sha1", "sha2"])
    }
}

/// Amazon S3's responses, as the AWS SDKs read them (`src/s3.rs`): a 200
/// whose body is an `<Error>` is an error (for the operations that answer
/// with a document while they work, an empty body too), retried as a
/// server error; listings asked with `EncodingType=url` decoded; the
/// `Expires` header read leniently, its text also kept as `ExpiresString`.
struct S3Responses;

/// The operations whose 200 body may be cut short while S3 works.
const S3_LONG_RUNNING: &[&str] = &["CopyObject", "UploadPartCopy", "CompleteMultipartUpload"];

/// The listings whose texts `EncodingType=url` encodes.
const S3_URL_ENCODED_LISTINGS: &[&str] = &["ListObjects", "ListObjectsV2", "ListObjectVersions", "ListMultipartUploads"];

impl Decorator for S3Responses {
    fn operation_interceptors(&self, op: &Operation) -> Vec<TokenStream> {
        let mut interceptors = Vec::new();
        let streams = op.output.fields.iter().any(|f| matches!(f.ty, RustType::ByteStream { .. } | RustType::EventStream(_)));
        if !streams {
            let empty_is_error = S3_LONG_RUNNING.contains(&op.shape.name.as_str());
            interceptors.push(quote!(&crate::s3::ErrorIn200 { empty_is_error: #empty_is_error }));
        }
        if S3_URL_ENCODED_LISTINGS.contains(&op.shape.name.as_str()) {
            interceptors.push(quote!(&crate::s3::UrlDecodedListing));
        }
        interceptors
    }

    fn transform(&self, krate: &mut Crate) {
        for op in krate.operations.values_mut() {
            let output = &mut op.output;
            let Some(at) = output.fields.iter().position(|f| {
                f.member == "Expires" && matches!(f.ty, RustType::Timestamp(_)) && f.binding == Binding::Header("Expires".into())
            }) else {
                continue;
            };
            output.fields[at].lenient = true;
            output.fields[at].docs.push(String::new());
            output.fields[at].docs.push("Unset when the header is not a date (its text is in `expires_string`).".into());
            if output.fields.iter().any(|f| f.member == "ExpiresString" || f.name == "expires_string") {
                continue;
            }
            let mut text = output.fields[at].clone();
            text.member = "ExpiresString".into();
            text.wire_name = "ExpiresString".into();
            text.name = "expires_string".into();
            text.ty = RustType::String;
            text.timestamp_format = None;
            text.lenient = false;
            text.optional = true;
            text.required = false;
            text.default = None;
            text.docs = vec!["The `Expires` header as it came, whether or not it is a date.".into()];
            output.fields.insert(at + 1, text);
        }
    }

    fn runtime(&self) -> (&'static [RuntimeFile], &'static [&'static str]) {
        (&[super::S3], &["percent-encoding"])
    }
}

/// Amazon Route 53: the resource ids its outputs return with a prefix
/// (`/hostedzone/Z1`, `/change/C1`, `/delegationset/N1`) are accepted as
/// they are in URI labels, the prefix trimmed, as the AWS SDKs do.
/// AWS STS: `IDPCommunicationError` (the identity provider of
/// `AssumeRoleWithWebIdentity` could not be reached) is retried, as the
/// AWS SDKs retry it; the model does not mark it `@retryable`.
struct Sts;

impl Decorator for Sts {
    fn transform(&self, krate: &mut Crate) {
        for shape in krate.errors.values_mut() {
            if let crate::ir::StructKind::Error { retryable, .. } = &mut shape.kind {
                if shape.shape.name == "IDPCommunicationErrorException" {
                    *retryable = true;
                }
            }
        }
    }
}

struct Route53;

impl Decorator for Route53 {
    fn label_prefixes(&self, op: &Operation, member: &str) -> &'static [&'static str] {
        let is_string = op.input.fields.iter().any(|f| f.member == member && f.ty == RustType::String);
        if is_string {
            &["/hostedzone/", "/change/", "/delegationset/"]
        } else {
            &[]
        }
    }
}

/// Amazon Glacier: an `X-Amz-Glacier-Version` header with the API version
/// on every request, `-` ("the account of the credentials") for a missing
/// `accountId` (filled in by the input's builder, so waiters and
/// paginators get it too) or an empty one (sent as `-`), as the AWS SDKs
/// do, and the SHA-256 and tree-hash headers on uploads.
struct Glacier;

impl Decorator for Glacier {
    fn service_interceptors(&self, krate: &Crate) -> Vec<TokenStream> {
        let version = krate.service.version.clone().unwrap_or_default();
        vec![quote!(&crate::interceptor::DefaultHeader { name: "x-amz-glacier-version", value: #version })]
    }

    fn operation_interceptors(&self, op: &Operation) -> Vec<TokenStream> {
        let payload = op.input.fields.iter().find(|f| {
            f.binding == Binding::Payload && matches!(f.ty, RustType::Blob | RustType::ByteStream { .. })
        });
        payload
            .map(|f| {
                let (shape, field, member) = (&op.input.name, &f.name, &f.member);
                quote!(&crate::glacier::TreeHash { shape: #shape, field: #field, member: #member })
            })
            .into_iter()
            .collect()
    }

    fn empty_label(&self, member: &str) -> Option<&'static str> {
        (member == "accountId").then_some("-")
    }

    fn input_fills(&self, op: &Operation) -> Vec<Fill> {
        op.input
            .fields
            .iter()
            .filter(|f| f.member == "accountId" && f.ty == RustType::String && f.optional && !f.boxed)
            .map(|f| Fill {
                field: f.name.clone(),
                value: "-",
                doc: "Left unset, it is `-`: the account of the credentials that sign the request.",
            })
            .collect()
    }

    fn runtime(&self) -> (&'static [RuntimeFile], &'static [&'static str]) {
        (&[super::GLACIER], &["sha2"])
    }
}

/// Amazon S3's addressing: the operations' URIs are modeled as
/// `/{Bucket}/{Key+}`, but S3's endpoint rules already put the bucket where
/// it goes (the host when virtual-hosted, the URL's path when path-style,
/// or an access point's host for an ARN), so the `{Bucket}` label is left
/// out of the path, as the AWS SDKs do. Likewise the rules give
/// `WriteGetObjectResponse` its Object Lambda host, so its modeled host
/// prefix (`{RequestRoute}.`) is not added.
struct S3Addressing;

impl Decorator for S3Addressing {
    fn drops_label(&self, op: &Operation, member: &str) -> bool {
        member == "Bucket" && op.endpoint_params.iter().any(|p| p.name == "Bucket")
    }

    fn drops_host_prefix(&self, op: &Operation) -> bool {
        !op.endpoint_params.is_empty()
    }
}

/// Amazon S3's bodiless errors: HeadObject and HeadBucket answer a missing
/// key or bucket with a 404 and no body (a HEAD response has none), which
/// the AWS SDKs read as the code `NotFound` (the modeled `NotFound` error).
struct S3NotFound;

impl Decorator for S3NotFound {
    fn bodiless_error_codes(&self) -> &'static [(u16, &'static str)] {
        &[(404, "NotFound")]
    }
}

/// Amazon API Gateway: `Accept: application/json` on every request.
struct ApiGateway;

impl Decorator for ApiGateway {
    fn service_interceptors(&self, _krate: &Crate) -> Vec<TokenStream> {
        vec![quote!(&crate::interceptor::DefaultHeader { name: "accept", value: "application/json" })]
    }
}

/// Amazon DynamoDB: the CRC32 of every response body (`x-amz-crc32`) is
/// checked.
struct DynamoDb;

impl Decorator for DynamoDb {
    fn service_interceptors(&self, _krate: &Crate) -> Vec<TokenStream> {
        vec![quote!(&crate::dynamodb::Crc32Check)]
    }

    /// `AttributeValue` built from Rust values (`"x".into()`, `42.into()`,
    /// `AttributeValue::map([("k", v)])`) and read back as them
    /// (`as_number::<i64>()`), when the model's union is the usual one.
    fn union_items(&self, _krate: &Crate, union: &Struct) -> Option<TokenStream> {
        let has = |variant: &str, ty: &RustType| union.fields.iter().any(|f| f.name == variant && !f.boxed && &f.ty == ty);
        let list_of = |variant: &str, item: &RustType| {
            union.fields.iter().any(|f| f.name == variant && matches!(&f.ty, RustType::List { item: i, .. } if **i == *item))
        };
        // Every variant the macro names, and no variant whose accessor
        // would take one of the macro's method names (`as_str`, ...).
        let expected = union.shape.name == "AttributeValue"
            && has("S", &RustType::String)
            && has("N", &RustType::String)
            && has("B", &RustType::Blob)
            && has("Bool", &RustType::Bool)
            && has("Null", &RustType::Bool)
            && list_of("Ss", &RustType::String)
            && list_of("Ns", &RustType::String)
            && list_of("Bs", &RustType::Blob)
            && union.fields.iter().any(|f| f.name == "M" && !f.boxed && matches!(f.ty, RustType::Map { sparse: false, .. }))
            && union.fields.iter().any(|f| f.name == "L" && !f.boxed && matches!(f.ty, RustType::List { sparse: false, .. }))
            && !union.fields.iter().any(|f| matches!(f.name.as_str(), "Str" | "Number"));
        expected.then(|| quote!(crate::dynamodb_items::attribute_value_impls!();))
    }

    fn runtime(&self) -> (&'static [RuntimeFile], &'static [&'static str]) {
        (&[super::DYNAMODB, super::DYNAMODB_ITEMS], &["crc32fast"])
    }
}

/// Amazon Machine Learning: `Predict` is sent to the endpoint its
/// `PredictEndpoint` member names (the endpoint of the model's real-time
/// predictions), not to the service's.
struct MachineLearning;

impl Decorator for MachineLearning {
    fn endpoint_override(&self, op: &Operation) -> Option<TokenStream> {
        if op.shape.name != "Predict" {
            return None;
        }
        let field = op.input.fields.iter().find(|f| f.member == "PredictEndpoint" && f.ty == RustType::String)?;
        let name = super::ident(&field.name);
        Some(quote!(input.#name.clone().filter(|url| !url.is_empty())))
    }
}

#[cfg(test)]
mod tests {
    use super::{ApiGateway, Decorator, DynamoDb, FlexibleChecksums, Glacier, MachineLearning, Route53, S3Addressing, S3NotFound, S3Responses};

    /// A crate a customization names but the manifest does not know would
    /// silently go missing from the generated Cargo.toml.
    #[test]
    fn customizations_use_only_known_crates() {
        let all: [&dyn Decorator; 9] =
            [&Glacier, &ApiGateway, &DynamoDb, &MachineLearning, &FlexibleChecksums, &S3Responses, &Route53, &S3Addressing, &S3NotFound];
        for decorator in all {
            for name in decorator.runtime().1 {
                assert!(
                    super::super::crate_files::DEPENDENCIES.iter().any(|(known, ..)| known == name),
                    "`{name}` is not in crate_files::DEPENDENCIES"
                );
            }
        }
    }
}
