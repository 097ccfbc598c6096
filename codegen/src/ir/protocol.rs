//! The protocol layer of the IR: which wire protocol a service is written
//! for, and the few facts of it that the IR records (the wire name of a
//! member, whether members bind to the parts of an HTTP message, the
//! timestamp format of bodies). Everything else about a protocol (how a
//! request is written and a response read) lives in its emitter,
//! `emit/protocol/<name>.rs`, and in its runtime module.

use crate::error::{Error, Result};
use crate::model::{traits, Member, Shape};

use super::TimestampFormat;

/// A protocol the generator can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `aws.protocols#restJson1`: HTTP bindings and JSON bodies.
    RestJson1,
    /// `aws.protocols#awsJson1_0`: every request `POST /` with an
    /// `X-Amz-Target` header and the whole input as a JSON body.
    AwsJson1_0,
    /// `aws.protocols#awsJson1_1`: awsJson1_0 with another content type.
    AwsJson1_1,
    /// `aws.protocols#restXml`: HTTP bindings and XML bodies.
    RestXml,
    /// `aws.protocols#awsQuery`: every request a form (`Action`, `Version`
    /// and the input's members as query keys), every response XML wrapped
    /// in `<OperationResponse><OperationResult>`.
    AwsQuery,
    /// `aws.protocols#ec2Query`: awsQuery with EC2's key names
    /// (`ec2QueryName`, capitalized), every list flattened, and unwrapped
    /// responses.
    Ec2Query,
}

/// Every protocol trait of AWS and Smithy, in the order a service that
/// lists several is written for (the one the generator can write first,
/// then as the AWS SDKs prefer); `None`: not supported yet.
const PROTOCOLS: &[(&str, Option<Protocol>)] = &[
    (traits::REST_JSON1, Some(Protocol::RestJson1)),
    ("smithy.protocols#rpcv2Cbor", None),
    (traits::AWS_JSON1_0, Some(Protocol::AwsJson1_0)),
    (traits::AWS_JSON1_1, Some(Protocol::AwsJson1_1)),
    (traits::REST_XML, Some(Protocol::RestXml)),
    (traits::AWS_QUERY, Some(Protocol::AwsQuery)),
    (traits::EC2_QUERY, Some(Protocol::Ec2Query)),
];

impl Protocol {
    /// The protocol of a service: the first of its protocol traits, in the
    /// order of [`PROTOCOLS`], that the generator can write (a service with
    /// only protocols it cannot write yet, or with none, is an error); or
    /// the one `wanted` names (a trait id such as `aws.protocols#awsJson1_0`,
    /// or its name, `awsJson1_0`), which the service must list and the
    /// generator must write.
    pub fn choose(service: &Shape, wanted: Option<&str>) -> Result<Protocol> {
        if let Some(wanted) = wanted {
            return Self::named(service, wanted);
        }
        let listed: Vec<&str> = PROTOCOLS.iter().map(|(id, _)| *id).filter(|id| service.traits.has(id)).collect();
        if let Some(protocol) =
            PROTOCOLS.iter().find_map(|(id, protocol)| protocol.filter(|_| service.traits.has(id)))
        {
            return Ok(protocol);
        }
        let writable = PROTOCOLS.iter().filter(|(_, p)| p.is_some()).map(|(id, _)| *id).collect::<Vec<_>>().join(", ");
        Err(match listed.as_slice() {
            [] => Error::Invalid {
                path: service.source.as_ref().clone(),
                shape: service.id.to_string(),
                message: format!("the service has no protocol trait (this generator writes {writable})"),
            },
            names => Error::Unsupported {
                path: service.source.as_ref().clone(),
                shape: service.id.to_string(),
                feature: format!("the protocol {} (this generator writes {writable})", names.join(", ")),
            },
        })
    }

    /// The protocol `wanted` names (`--protocol`), if the service lists it
    /// and the generator writes it.
    fn named(service: &Shape, wanted: &str) -> Result<Protocol> {
        let matches = |id: &str| id == wanted || id.rsplit('#').next() == Some(wanted);
        let error = |feature: String| Error::Unsupported {
            path: service.source.as_ref().clone(),
            shape: service.id.to_string(),
            feature,
        };
        let Some((id, protocol)) = PROTOCOLS.iter().find(|(id, _)| matches(id)) else {
            let known = PROTOCOLS.iter().map(|(id, _)| *id).collect::<Vec<_>>().join(", ");
            return Err(error(format!("the protocol `{wanted}` asked for with --protocol (known protocols: {known})")));
        };
        if !service.traits.has(id) {
            return Err(error(format!("the protocol {id} asked for with --protocol: the service does not list it")));
        }
        protocol.ok_or_else(|| error(format!("the protocol {id} (asked for with --protocol; not written yet)")))
    }

    /// The protocol's Smithy trait.
    pub fn trait_id(self) -> &'static str {
        match self {
            Protocol::RestJson1 => traits::REST_JSON1,
            Protocol::AwsJson1_0 => traits::AWS_JSON1_0,
            Protocol::AwsJson1_1 => traits::AWS_JSON1_1,
            Protocol::RestXml => traits::REST_XML,
            Protocol::AwsQuery => traits::AWS_QUERY,
            Protocol::Ec2Query => traits::EC2_QUERY,
        }
    }

    /// Whether members are bound to the parts of an HTTP message by the
    /// HTTP binding traits (labels, query, headers, payload). When not,
    /// every request is `POST /` with all members in the body.
    pub fn http_bindings(self) -> bool {
        match self {
            Protocol::RestJson1 | Protocol::RestXml => true,
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::AwsQuery | Protocol::Ec2Query => false,
        }
    }

    /// The name of a member in a body (awsJson ignores `jsonName`; restXml
    /// and the query protocols' XML responses name elements and attributes
    /// by `xmlName`, which also names awsQuery's request keys; ec2Query's
    /// keys are derived from it by the emitter).
    pub fn wire_name(self, member: &Member) -> String {
        match self {
            Protocol::RestJson1 => member.traits.string(traits::JSON_NAME).unwrap_or(&member.name).to_owned(),
            Protocol::RestXml | Protocol::AwsQuery | Protocol::Ec2Query => {
                member.traits.string("smithy.api#xmlName").unwrap_or(&member.name).to_owned()
            }
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => member.name.clone(),
        }
    }

    /// The timestamp format of body members without a `timestampFormat`.
    pub fn body_timestamp_format(self) -> TimestampFormat {
        match self {
            Protocol::RestJson1 | Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => TimestampFormat::EpochSeconds,
            Protocol::RestXml | Protocol::AwsQuery | Protocol::Ec2Query => TimestampFormat::DateTime,
        }
    }

    /// Whether bodies are XML (responses, at least).
    pub fn xml(self) -> bool {
        matches!(self, Protocol::RestXml | Protocol::AwsQuery | Protocol::Ec2Query)
    }
}
