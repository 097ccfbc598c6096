//! The facts of a service, which the generated code hands to the runtime as
//! one value (copied verbatim into each generated crate by codegen; the
//! source lives in `codegen/runtime/src/facts.rs`). The runtime never
//! reaches into the generated modules: everything it needs to know of the
//! service comes through [`ServiceFacts`].

use std::fmt;

use crate::auth::AuthScheme;
use crate::config::Config;
use crate::endpoint::{Endpoint, Value};
use crate::interceptor::Interceptor;
use crate::orchestrator::BoxError;
use crate::protocol::Protocol;
use crate::retry::ClassifyRetry;

/// What the runtime needs to know of a service.
pub(crate) struct ServiceFacts {
    /// The service's SDK id (`Omics`), for tracing.
    pub(crate) name: &'static str,
    /// Sent as `User-Agent`.
    pub(crate) user_agent: &'static str,
    /// Resolves the endpoint of a request from the configuration and what
    /// the request adds.
    pub(crate) resolve_endpoint: fn(&Config, &EndpointInputs<'_>) -> Result<ResolvedEndpoint, BoxError>,
    /// The endpoint rules use the credentials' account id
    /// (`AWS::Auth::AccountId`): the identity is resolved before the endpoint.
    pub(crate) endpoint_uses_account_id: bool,
    /// The wire protocol: where errors and request ids are found.
    pub(crate) protocol: &'static dyn Protocol,
    /// The auth schemes the service accepts, in order of preference
    /// (operations may have their own list).
    pub(crate) auth: &'static [AuthScheme],
    /// The service's customizations that act on requests.
    pub(crate) interceptors: &'static [&'static dyn Interceptor],
    /// Retry classifiers of the service, asked before the standard ones.
    pub(crate) retry_classifiers: &'static [&'static dyn ClassifyRetry],
}

impl fmt::Debug for ServiceFacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceFacts")
            .field("name", &self.name)
            .field("user_agent", &self.user_agent)
            .field("endpoint_uses_account_id", &self.endpoint_uses_account_id)
            .field("protocol", &self.protocol.name())
            .field("auth", &self.auth)
            .field("interceptors", &self.interceptors)
            .finish_non_exhaustive()
    }
}

/// What a request adds to the endpoint parameters of the configuration.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EndpointInputs<'a> {
    /// The parameters the operation sets from its input or to constants
    /// (`smithy.rules#contextParam`, `staticContextParams`,
    /// `operationContextParams`), by their names in the rule set.
    pub(crate) operation: &'a [(&'static str, Value)],
    /// The account id of the resolved credentials (`AWS::Auth::AccountId`;
    /// read only by the resolvers of rule sets that take it).
    pub(crate) account_id: Option<&'a str>,
}

/// An endpoint, as the attempt loop uses it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ResolvedEndpoint {
    /// `https://host[:port][/path]`.
    pub(crate) url: String,
    /// Headers to add to every request.
    pub(crate) headers: Vec<(String, String)>,
    /// The SigV4 signing name the endpoint asks for, overriding the service's.
    pub(crate) signing_name: Option<String>,
    /// The SigV4 signing region the endpoint asks for, overriding the configured one.
    pub(crate) signing_region: Option<String>,
    /// The endpoint accepts only auth schemes this client cannot sign with
    /// (`sigv4a`, `sigv4-s3express`): their names.
    pub(crate) unsupported_auth: Option<Vec<String>>,
}

impl From<Endpoint> for ResolvedEndpoint {
    /// The URL and headers of the endpoint, and the signing name and region
    /// of the first `sigv4` entry of its `authSchemes` property.
    fn from(endpoint: Endpoint) -> Self {
        let overrides = endpoint.sigv4_overrides();
        ResolvedEndpoint {
            url: endpoint.url,
            headers: endpoint.headers,
            signing_name: overrides.name,
            signing_region: overrides.region,
            unsupported_auth: overrides.unsupported,
        }
    }
}
