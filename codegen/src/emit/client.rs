//! The client: `Client` with one method per operation and per waiter, and
//! the service's constants (`service.rs`). The fluent builders, waiters,
//! paginators and examples are in the modules of the same names.

use proc_macro2::TokenStream;
use quote::quote;

use super::waiters::waiter_goal;
use super::{docs, ident};
use crate::ir::Crate;

/// `src/service.rs`.
pub fn service(krate: &Crate) -> TokenStream {
    let auth = super::auth_schemes(&krate.service.auth);
    let uses_account_id = super::endpoint::uses_account_id(&krate.endpoint);
    let protocol = super::protocol::for_crate(krate).runtime_value(krate);
    let decorators = super::customize::decorators(krate);
    let interceptors = decorators.iter().flat_map(|d| d.service_interceptors(krate));
    let classifiers = decorators.iter().flat_map(|d| d.retry_classifiers(krate));
    let name = &krate.service.sdk_id;
    // A nested client (the credential chain's) is configured by the chain:
    // `Config`'s constructors are the crate's own service's; a runtime
    // crate of its own holds them (`runtime/src/service_config.rs`).
    let constructors = (!krate.nested && krate.runtime_crate.is_none()).then(|| config_constructors(krate));
    quote! {
        //! Facts about the service that the client hands to the runtime.

        /// What the runtime needs to know of this service.
        pub(crate) static SERVICE: crate::facts::ServiceFacts = crate::facts::ServiceFacts {
            name: #name,
            user_agent: USER_AGENT,
            resolve_endpoint,
            endpoint_uses_account_id: #uses_account_id,
            protocol: &#protocol,
            auth: #auth,
            interceptors: &[#(#interceptors),*],
            retry_classifiers: &[#(#classifiers),*],
        };

        /// Sent as `User-Agent`: this crate's name and version.
        const USER_AGENT: &str = ::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION"));

        /// The endpoint of a request: the service's rules for the
        /// configuration and what the request adds.
        fn resolve_endpoint(
            config: &crate::config::Config,
            inputs: &crate::facts::EndpointInputs<'_>,
        ) -> ::std::result::Result<crate::facts::ResolvedEndpoint, crate::orchestrator::BoxError> {
            let params = crate::endpoint::Params::for_request(config, inputs)?;
            ::std::result::Result::Ok(crate::endpoint::resolve(&params)?.into())
        }

        #constructors

    }
}

/// The service's `Config` constructors (`from_env`, `load`, ...), which
/// read its own endpoint variable and settings.
pub(super) fn config_constructors(krate: &Crate) -> TokenStream {
    let env_suffix: String = krate
        .service
        .sdk_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
        .collect();
    let endpoint_env = format!("AWS_ENDPOINT_URL_{env_suffix}");
    let endpoint_doc = format!(" `{endpoint_env}` or else `AWS_ENDPOINT_URL` (unless");
    let env_settings = super::endpoint::env_settings(&krate.endpoint);
    quote! {
            /// The service-specific endpoint variable `Config::from_env` reads.
            const ENDPOINT_URL_ENV: &str = #endpoint_env;

            /// The service's own endpoint settings `Config::from_env` reads.
            const ENV_SETTINGS: &[crate::config::EnvFlag] = #env_settings;

            impl crate::config::Config {
                /// Reads the settings the AWS SDKs read from the environment:
                /// `AWS_REGION` (or `AWS_DEFAULT_REGION`), the credentials in
                /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
                /// (read again when the client's cached credentials are refreshed,
                /// every 15 minutes), the endpoint in the service's own
                #[doc = #endpoint_doc]
                /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true), `AWS_USE_FIPS_ENDPOINT`,
                /// `AWS_USE_DUALSTACK_ENDPOINT`, `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`
                /// (`standard`, or `adaptive`, which retries as `standard`: there is
                /// no client-side rate limiting), `AWS_DISABLE_REQUEST_COMPRESSION`,
                /// `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`, `AWS_STS_REGIONAL_ENDPOINTS`
                /// (for STS clients and the credential chain's STS calls), the credentials'
                /// account id in `AWS_ACCOUNT_ID` and `AWS_ACCOUNT_ID_ENDPOINT_MODE`,
                /// and the service's own endpoint settings that the SDKs read
                /// (S3's `AWS_S3_USE_ARN_REGION`, ...: see their setters; an
                /// invalid value fails every request with a configuration error
                /// naming the variable, unless the setting is set in code).
                /// Returns a builder, so that any of them can still be overridden.
                pub fn from_env() -> crate::config::ConfigBuilder {
                    Self::from_env_for(ENDPOINT_URL_ENV, ENV_SETTINGS)
                }

                /// [`Config::from_env`](Self::from_env) reading variables from
                /// `lookup` instead of the process environment (for tests);
                /// credentials are read once.
                pub fn from_env_source(lookup: impl Fn(&str) -> ::std::option::Option<::std::string::String>) -> crate::config::ConfigBuilder {
                    Self::from_env_source_for(ENDPOINT_URL_ENV, ENV_SETTINGS, lookup)
                }

                /// Region, credentials and settings from everywhere the AWS SDKs
                /// look: [`Config::from_env`](Self::from_env)'s variables, then the
                /// shared config and credentials files (see
                /// [`ConfigBuilder::load`](crate::config::ConfigBuilder::load)).
                /// Credentials come from the default chain, resolved at the first
                /// call and cached until they near their expiry: the environment,
                /// the profile (keys, roles assumed with STS, SSO, web identity,
                /// `credential_process`), web identity from the environment, the
                /// container endpoint, EC2 instance metadata.
                #[cfg(feature = "credentials-chain")]
                pub async fn load() -> crate::config::Config {
                    Self::from_env().load().await.build()
                }
            }

            #[cfg(feature = "credentials-chain")]
            impl crate::config::ConfigBuilder {
                /// Fills what is not set yet: the region from `AWS_REGION`,
                /// `AWS_DEFAULT_REGION`, the profile's `region`, then EC2 instance
                /// metadata (IMDSv2, unless `AWS_EC2_METADATA_DISABLED` is true;
                /// given up after 2 s, so that a machine that is not an instance
                /// does not wait long), and from the selected profile of the
                /// shared config and credentials files (`AWS_PROFILE`, else
                /// `default`; `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`,
                /// else `~/.aws/config` and `~/.aws/credentials`):
                /// `use_fips_endpoint`, `use_dualstack_endpoint`, the endpoint URL
                /// (the profile's `services` section for this service, else its
                /// `endpoint_url`), `max_attempts` and `retry_mode` (unless
                /// `AWS_MAX_ATTEMPTS` or `AWS_RETRY_MODE` is set; an invalid value
                /// fails every request with a configuration error naming it, unless
                /// code sets the retry configuration), `sts_regional_endpoints`
                /// (unless `AWS_STS_REGIONAL_ENDPOINTS` is set), and credentials from the default chain:
                /// environment variables; the profile (static keys, `role_arn`
                /// with `source_profile` or `credential_source`, assumed through
                /// STS; `web_identity_token_file`; SSO, with the token of `aws sso
                /// login` refreshed through SSO-OIDC; `credential_process`; `aws
                /// login`'s `login_session`); web identity from the environment
                /// (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`); ECS and EKS Pod
                /// Identity container credentials; then EC2 instance metadata
                /// (IMDSv2). A service that takes a bearer token gets the
                /// profile's `sso_session` token.
                pub async fn load(self) -> Self {
                    self.load_for(ENDPOINT_URL_ENV, crate::provider_env::ProviderEnv::real()).await
                }

                /// [`load`](Self::load) reading these variables and files instead
                /// of the process's environment and file system (for tests):
                /// files by the paths the variables lead to (`HOME` and
                /// `AWS_CONFIG_FILE`, ...).
                pub async fn load_from(
                    self,
                    vars: impl ::std::iter::IntoIterator<Item = (::std::string::String, ::std::string::String)>,
                    files: impl ::std::iter::IntoIterator<Item = (::std::path::PathBuf, ::std::vec::Vec<u8>)>,
                ) -> Self {
                    self.load_for(ENDPOINT_URL_ENV, crate::provider_env::ProviderEnv::given(vars, files)).await
                }
            }
        }
}

/// `src/client.rs`.
pub fn client(krate: &Crate) -> TokenStream {
    let mut methods = Vec::new();
    for op in krate.operations.values() {
        let method = ident(&op.method);
        let module = ident(&op.module);
        let fluent = ident(&op.fluent);
        let doc = docs(&op.docs);
        methods.push(quote! {
            #doc
            pub fn #method(&self) -> crate::operation::#module::builders::#fluent {
                crate::operation::#module::builders::#fluent::new(self.handle.clone())
            }
        });
        for waiter in &op.waiters {
            let method = ident(&waiter.method);
            let ty = ident(&waiter.name);
            let mut lines = vec![format!("Waits on [`{}`](Self::{}) until {}.", op.name, op.method, waiter_goal(waiter))];
            if !waiter.docs.is_empty() {
                lines.push(String::new());
                lines.extend(waiter.docs.iter().cloned());
            }
            let doc = docs(&lines);
            methods.push(quote! {
                #doc
                pub fn #method(&self) -> crate::waiters::#ty {
                    crate::waiters::#ty::new(self.handle.clone())
                }
            });
        }
    }
    let title = format!(" A client for {}.", krate.service.title);
    quote! {
        //! The client.

        #[doc = #title]
        ///
        /// Cheap to clone: clones share the configuration, the connection
        /// pool and the retry budget.
        #[derive(Debug, Clone)]
        pub struct Client {
            handle: ::std::sync::Arc<crate::orchestrator::Handle>,
        }

        impl Client {
            /// A client with this configuration.
            pub fn new(config: crate::config::Config) -> Self {
                Client { handle: ::std::sync::Arc::new(crate::orchestrator::Handle::new(config, &crate::service::SERVICE)) }
            }

            /// The same as [`Client::new`].
            pub fn from_conf(config: crate::config::Config) -> Self {
                Self::new(config)
            }

            /// The client's configuration.
            pub fn config(&self) -> &crate::config::Config {
                &self.handle.config
            }

            #(#methods)*
        }
    }
}
