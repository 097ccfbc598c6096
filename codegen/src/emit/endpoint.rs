//! `src/endpoint.rs`: the endpoint rule set of the model as Rust code. Each
//! rule becomes a labeled block whose conditions `break` out of it when they
//! fail; an endpoint or error rule returns; a tree rule nests its rules.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use crate::error::{Error, Result};
use crate::ir::endpoint::{Action, Expr, Literal, Param, ParamKind, Rule, RuleSet, TemplatePart};
use crate::ir::names;

/// The `endpoint` module for a rule set. A client's (`client`) also maps
/// the configuration and a request's inputs to the parameters
/// (`Params::for_request`); without it the module stands alone (it names
/// nothing outside itself), as the endpoint test crate compiles it.
///
/// `nested`: the module of a client nested in another crate, whose runtime
/// it uses; `runtime_lib`: the runtime crate, when it is one of its own
/// (the service's settings then live there, in `service_config.rs`).
pub fn emit(rules: &RuleSet, service: &crate::ir::Service, client: bool, nested: bool, runtime_lib: Option<&str>) -> Result<TokenStream> {
    let fields = rules.params.iter().map(|p| {
        let field = super::ident(&p.field);
        let ty = param_type(p);
        let mut lines: Vec<String> = p.docs.iter().cloned().collect();
        lines.push(format!("Rule-set parameter `{}`{}.", p.name, p.built_in.as_ref().map(|b| format!(", built-in `{b}`")).unwrap_or_default()));
        let doc = docs(&lines);
        quote!(#doc pub #field: #ty,)
    });
    let defaults = rules.params.iter().map(|p| {
        let field = super::ident(&p.field);
        let value = match &p.default {
            None => quote!(None),
            Some(Literal::Bool(b)) => quote!(#b),
            Some(Literal::String(s)) => quote!(String::from(#s)),
            Some(Literal::StringArray(items)) => quote!(vec![#(String::from(#items)),*]),
        };
        quote!(#field: #value,)
    });
    let setters = rules.params.iter().map(|p| {
        let field = super::ident(&p.field);
        let name = &p.name;
        let convert = match (p.kind, p.default.is_some()) {
            (ParamKind::String, false) => quote!(value.as_str().map(str::to_owned)),
            (ParamKind::String, true) => quote!(value.as_str().map(str::to_owned).unwrap_or_else(|| Self::default().#field)),
            (ParamKind::Boolean, false) => quote!(value.as_bool()),
            (ParamKind::Boolean, true) => quote!(value.as_bool().unwrap_or(Self::default().#field)),
            (ParamKind::StringArray, default) => {
                let list = quote!(match &value {
                    Value::Array(items) => Some(items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect()),
                    _ => None,
                });
                if default { quote!(#list.unwrap_or_else(|| Self::default().#field)) } else { list }
            }
        };
        quote!(#name => self.#field = #convert,)
    });
    let from_config = rules.params.iter().filter_map(|p| {
        let field = super::ident(&p.field);
        if setting_name(p).is_some() {
            let name = &p.name;
            return Some(match &p.default {
                Some(Literal::Bool(b)) => quote!(#field: config.endpoint_flag(#name).unwrap_or(#b),),
                _ => quote!(#field: config.endpoint_flag(#name),),
            });
        }
        let value = match (p.built_in.as_deref()?, p.kind, p.default.is_some()) {
            ("AWS::Region", ParamKind::String, false) => quote!(config.region.clone()),
            ("AWS::UseFIPS", ParamKind::Boolean, true) => quote!(config.use_fips),
            ("AWS::UseFIPS", ParamKind::Boolean, false) => quote!(Some(config.use_fips)),
            ("AWS::UseDualStack", ParamKind::Boolean, true) => quote!(config.use_dual_stack),
            ("AWS::UseDualStack", ParamKind::Boolean, false) => quote!(Some(config.use_dual_stack)),
            ("SDK::Endpoint", ParamKind::String, false) => quote!(config.endpoint_url.clone()),
            ("AWS::Auth::AccountId", ParamKind::String, false) => quote!(inputs.account_id.map(str::to_owned)),
            // Every client's setting (the credential chain's STS calls take
            // it from the client's configuration); an invalid value from
            // the environment or the profile fails the request here.
            ("AWS::STS::UseGlobalEndpoint", ParamKind::Boolean, default) => {
                let setting = quote!(config.sts_global_endpoint_setting().map_err(EndpointError::new)?);
                match (&p.default, default) {
                    (Some(Literal::Bool(b)), true) => quote!(#setting.unwrap_or(#b)),
                    _ => setting,
                }
            }
            ("AWS::Auth::AccountIdEndpointMode", ParamKind::String, true) => {
                quote!(config.account_id_endpoint_mode.as_str().to_owned())
            }
            ("AWS::Auth::AccountIdEndpointMode", ParamKind::String, false) => {
                quote!(Some(config.account_id_endpoint_mode.as_str().to_owned()))
            }
            _ => return None,
        };
        Some(quote!(#field: #value,))
    });
    let referenced = referenced_names(&rules.rules);
    let bindings = rules.params.iter().filter(|p| referenced.contains(&p.name)).map(|p| {
        let field = super::ident(&p.field);
        let var = var_name(&p.name);
        match p.kind {
            ParamKind::StringArray if p.default.is_none() => {
                quote!(let #var = params.#field.clone().map(Value::from).unwrap_or(Value::None);)
            }
            ParamKind::Boolean => quote!(let #var = Value::from(params.#field);),
            _ => quote!(let #var = Value::from(params.#field.clone());),
        }
    });
    let derivable = rules.params.iter().all(|p| match &p.default {
        None | Some(Literal::Bool(false)) => true,
        Some(Literal::String(s)) => s.is_empty(),
        Some(Literal::StringArray(items)) => items.is_empty(),
        Some(Literal::Bool(true)) => false,
    });
    let (derive_default, default_impl) = if derivable {
        (quote!(Default,), quote!())
    } else {
        (
            quote!(),
            quote! {
                impl Default for Params {
                    fn default() -> Self {
                        Params { #(#defaults)* }
                    }
                }
            },
        )
    };
    let from_config: Vec<TokenStream> = from_config.collect();
    let unused_config = from_config.is_empty().then(|| quote!(let _ = config;));
    let for_request = client.then(|| {
        quote! {
            /// The parameters of one request: the built-ins of the client's
            /// configuration (and the account id of its credentials), then
            /// those the operation sets from its input.
            pub(crate) fn for_request(
                config: &crate::config::Config,
                inputs: &crate::facts::EndpointInputs<'_>,
            ) -> Result<Self, EndpointError> {
                #unused_config
                let mut params = Params { #(#from_config)* ..Self::default() };
                for (name, value) in inputs.operation {
                    params = params.with(name, value.clone())?;
                }
                Ok(params)
            }
        }
    });
    let settings = (client && !nested && runtime_lib.is_none()).then(|| service_settings(rules));
    let known: Vec<String> = rules.params.iter().map(|p| p.name.clone()).collect();
    let mut emitter = RuleEmitter { service, known };
    let body = emitter.rules(&rules.rules, "r", true)?;
    let title = &service.title;
    let doc_resolve = format!(" Resolves the endpoint of {title} for `params` by evaluating the service's rule set.");
    // A nested client's rules use the crate's functions and partitions.
    let runtime = if nested {
        quote! {
            use crate::endpoint::functions;
            use crate::endpoint::types;
        }
    } else if let Some(runtime) = runtime_lib {
        let runtime = super::ident(runtime);
        quote! {
            pub(crate) use ::#runtime::endpoint::functions;
            #[allow(unused_imports)]
            use ::#runtime::endpoint::partitions;
            pub(crate) use ::#runtime::endpoint::types;
        }
    } else {
        quote! {
            pub(crate) mod functions;
            mod partitions;
            pub(crate) mod types;
        }
    };
    Ok(quote! {
        //! Endpoint resolution, generated from the service's endpoint rule set.
        #runtime

        pub use functions::Value;
        pub use types::{Endpoint, EndpointError};

        /// The parameters of the endpoint rules.
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct Params {
            #(#fields)*
        }

        #default_impl

        impl Params {
            /// Parameters with their defaults.
            pub fn new() -> Self {
                Self::default()
            }

            /// Sets a parameter by its name in the rule set (`Region`,
            /// `UseFIPS`, ...), as the model's endpoint tests name them.
            pub fn with(mut self, name: &str, value: Value) -> Result<Self, EndpointError> {
                match name {
                    #(#setters)*
                    _ => return Err(EndpointError::new(format!("the rule set has no parameter `{name}`"))),
                }
                Ok(self)
            }

            #for_request
        }

        #settings

        #[doc = #doc_resolve]
        pub fn resolve(params: &Params) -> Result<Endpoint, EndpointError> {
            #(#bindings)*
            #body
        }
    })
}

fn param_type(p: &Param) -> TokenStream {
    let ty = match p.kind {
        ParamKind::String => quote!(String),
        ParamKind::Boolean => quote!(bool),
        ParamKind::StringArray => quote!(Vec<String>),
    };
    if p.default.is_some() {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

/// The Rust variable of a parameter or an assigned name.
fn var_name(name: &str) -> proc_macro2::Ident {
    let snake = names::field_name(name);
    super::ident(&names::derived::endpoint_param(&snake))
}

struct RuleEmitter<'a> {
    service: &'a crate::ir::Service,
    /// Names in scope: parameters, then assignments of enclosing conditions.
    known: Vec<String>,
}

impl RuleEmitter<'_> {
    fn invalid(&self, message: String) -> Error {
        Error::Invalid {
            path: std::path::PathBuf::from("<model>"),
            shape: self.service.shape.to_string(),
            message: format!("smithy.rules#endpointRuleSet: {message}"),
        }
    }

    /// The rules of one level, then the error for "none matched" unless the
    /// last emitted rule matches unconditionally (later rules would be
    /// unreachable). At the top level the error is the function's value; in
    /// a tree it is returned.
    fn rules(&mut self, rules: &[Rule], label: &str, top: bool) -> Result<TokenStream> {
        let mut out = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let rule_label = format!("{label}_{i}");
            // An unconditional rule ends the level; at the top level it is
            // the function's value.
            let tail = top && rule.conditions.is_empty();
            out.push(self.rule(rule, &rule_label, tail)?);
            if rule.conditions.is_empty() {
                return Ok(quote!(#(#out)*));
            }
        }
        let no_match = quote!(Err(EndpointError::new("no endpoint rule matched the parameters")));
        out.push(if top { no_match } else { quote!(return #no_match;) });
        Ok(quote!(#(#out)*))
    }

    fn rule(&mut self, rule: &Rule, label: &str, tail: bool) -> Result<TokenStream> {
        let lifetime = syn::Lifetime::new(&format!("'{label}"), Span::call_site());
        let scope_len = self.known.len();
        let mut conditions = Vec::new();
        for condition in &rule.conditions {
            let call = self.call(&condition.function, &condition.args)?;
            let var = match &condition.assign {
                Some(name) => var_name(name),
                None => format_ident!("passed"),
            };
            conditions.push(quote! {
                let #var = #call;
                if !#var.truthy() {
                    break #lifetime;
                }
            });
            if let Some(name) = &condition.assign {
                self.known.push(name.clone());
            }
        }
        let action = match &rule.action {
            Action::Endpoint { url, properties, headers } => {
                let url = self.expr(url)?;
                let headers = headers
                    .iter()
                    .map(|(name, values)| {
                        let values = values.iter().map(|v| self.expr(v)).collect::<Result<Vec<_>>>()?;
                        Ok(quote!((#name, vec![#(#values),*])))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let properties = properties
                    .iter()
                    .map(|(name, value)| {
                        let value = self.expr(value)?;
                        Ok(quote!((#name, #value)))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let value = quote!(Endpoint::from_rule(#url, vec![#(#headers),*], vec![#(#properties),*]));
                if tail { value } else { quote!(return #value;) }
            }
            Action::Error(message) => {
                let message = self.expr(message)?;
                let value = quote!(Err(EndpointError::from_value(#message)));
                if tail { value } else { quote!(return #value;) }
            }
            Action::Tree(rules) => self.rules(rules, label, tail)?,
        };
        self.known.truncate(scope_len);
        if rule.conditions.is_empty() {
            Ok(if tail { action } else { quote!({ #action }) })
        } else {
            Ok(quote!(#lifetime: { #(#conditions)* #action }))
        }
    }

    fn reference(&self, name: &str) -> Result<proc_macro2::Ident> {
        if self.known.iter().any(|k| k == name) {
            Ok(var_name(name))
        } else {
            Err(self.invalid(format!("`{name}` is referenced but is neither a parameter nor assigned earlier")))
        }
    }

    fn expr(&self, expr: &Expr) -> Result<TokenStream> {
        Ok(match expr {
            Expr::Template(parts) => match parts.as_slice() {
                [single] => self.template_part(single)?,
                parts => {
                    let parts = parts.iter().map(|p| self.template_part(p)).collect::<Result<Vec<_>>>()?;
                    quote!(functions::template(&[#(#parts),*]))
                }
            },
            Expr::Bool(b) => quote!(Value::Bool(#b)),
            Expr::Int(i) => quote!(Value::Int(#i)),
            Expr::Ref(name) => {
                let var = self.reference(name)?;
                quote!(#var.clone())
            }
            Expr::Call { function, args } => self.call(function, args)?,
            Expr::Array(items) => {
                let items = items.iter().map(|i| self.expr(i)).collect::<Result<Vec<_>>>()?;
                quote!(Value::Array(vec![#(#items),*]))
            }
            Expr::Object(fields) => {
                let fields = fields
                    .iter()
                    .map(|(k, v)| {
                        let v = self.expr(v)?;
                        Ok(quote!((String::from(#k), #v)))
                    })
                    .collect::<Result<Vec<_>>>()?;
                quote!(Value::Object([#(#fields),*].into_iter().collect()))
            }
        })
    }

    fn template_part(&self, part: &TemplatePart) -> Result<TokenStream> {
        Ok(match part {
            TemplatePart::Text(text) => quote!(Value::from(#text)),
            TemplatePart::Ref(name) => {
                let var = self.reference(name)?;
                quote!(#var.clone())
            }
            TemplatePart::Attr { reference, path } => {
                let var = self.reference(reference)?;
                quote!(functions::get_attr(&#var, #path))
            }
        })
    }

    /// A literal argument that the runtime function takes as a Rust value.
    fn literal_string(&self, function: &str, arg: &Expr) -> Result<String> {
        match arg {
            Expr::Template(parts) => match parts.as_slice() {
                [TemplatePart::Text(text)] => Ok(text.clone()),
                _ => Err(self.invalid(format!("`{function}` needs a literal string argument"))),
            },
            _ => Err(self.invalid(format!("`{function}` needs a literal string argument"))),
        }
    }

    fn literal_int(&self, function: &str, arg: &Expr) -> Result<i64> {
        match arg {
            Expr::Int(i) => Ok(*i),
            _ => Err(self.invalid(format!("`{function}` needs a literal integer argument"))),
        }
    }

    fn literal_bool(&self, function: &str, arg: &Expr) -> Result<bool> {
        match arg {
            Expr::Bool(b) => Ok(*b),
            _ => Err(self.invalid(format!("`{function}` needs a literal boolean argument"))),
        }
    }

    fn call(&self, function: &str, args: &[Expr]) -> Result<TokenStream> {
        let arg = |i: usize| -> Result<TokenStream> {
            let expr = args.get(i).ok_or_else(|| self.invalid(format!("`{function}` is missing argument {i}")))?;
            let tokens = self.expr(expr)?;
            Ok(quote!(&#tokens))
        };
        let literal = |i: usize| args.get(i).ok_or_else(|| self.invalid(format!("`{function}` is missing argument {i}")));
        Ok(match function {
            "isSet" => {
                let a = arg(0)?;
                quote!(functions::is_set(#a))
            }
            "not" => {
                let a = arg(0)?;
                quote!(functions::not(#a))
            }
            "booleanEquals" | "stringEquals" => {
                let (a, b) = (arg(0)?, arg(1)?);
                let f = if function == "booleanEquals" { quote!(boolean_equals) } else { quote!(string_equals) };
                quote!(functions::#f(#a, #b))
            }
            "getAttr" => {
                let a = arg(0)?;
                let path = self.literal_string(function, literal(1)?)?;
                quote!(functions::get_attr(#a, #path))
            }
            "substring" => {
                let s = arg(0)?;
                let start = self.literal_int(function, literal(1)?)?;
                let stop = self.literal_int(function, literal(2)?)?;
                let reverse = self.literal_bool(function, literal(3)?)?;
                quote!(functions::substring(#s, #start, #stop, #reverse))
            }
            "uriEncode" => {
                let a = arg(0)?;
                quote!(functions::uri_encode(#a))
            }
            "parseURL" => {
                let a = arg(0)?;
                quote!(functions::parse_url(#a))
            }
            "isValidHostLabel" | "aws.isVirtualHostableS3Bucket" => {
                let a = arg(0)?;
                let allow = self.literal_bool(function, literal(1)?)?;
                let f = if function == "isValidHostLabel" { quote!(is_valid_host_label) } else { quote!(aws_is_virtual_hostable_s3_bucket) };
                quote!(functions::#f(#a, #allow))
            }
            "split" => {
                let (s, delimiter) = (arg(0)?, arg(1)?);
                let limit = self.literal_int(function, literal(2)?)?;
                quote!(functions::split(#s, #delimiter, #limit))
            }
            "ite" => {
                let (c, a, b) = (arg(0)?, arg(1)?, arg(2)?);
                quote!(functions::ite(#c, #a, #b))
            }
            "coalesce" => {
                let items = args.iter().map(|a| self.expr(a)).collect::<Result<Vec<_>>>()?;
                quote!(functions::coalesce(&[#(#items),*]))
            }
            "aws.partition" => {
                let a = arg(0)?;
                quote!(functions::aws_partition(#a))
            }
            "aws.parseArn" => {
                let a = arg(0)?;
                quote!(functions::aws_parse_arn(#a))
            }
            other => return Err(self.invalid(format!("unsupported function `{other}`"))),
        })
    }
}

/// The configuration setting of a boolean built-in that belongs to one
/// service (`AWS::S3::ForcePathStyle` -> `force_path_style`), named as the
/// AWS SDKs name it; `None` for the built-ins every client's configuration
/// has (`AWS::Region`, ...; `AWS::STS::UseGlobalEndpoint` too, whose
/// setting, `sts_use_global_endpoint`, every client has so that the
/// credential chain's STS calls follow it).
pub fn service_setting(built_in: &str) -> Option<String> {
    let mut parts = built_in.split("::");
    let (Some("AWS"), Some(service), Some(name), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    if service == "Auth" || name.is_empty() || built_in == "AWS::STS::UseGlobalEndpoint" {
        return None;
    }
    Some(names::field_name(name))
}

/// The configuration setting of a boolean parameter the client sets: a
/// built-in of the service's own, or one the service's
/// `clientContextParams` name.
fn setting_name(p: &Param) -> Option<String> {
    if p.kind != ParamKind::Boolean {
        return None;
    }
    p.built_in
        .as_deref()
        .and_then(service_setting)
        // A parameter bound to a general built-in (`AWS::UseFIPS`) keeps
        // the general setting, even when `clientContextParams` names it.
        .or_else(|| (p.client_context && p.built_in.is_none()).then(|| names::field_name(&p.name)))
}

/// Setters (and getters) on the configuration for the rule set's boolean
/// parameters of the service's own (S3's `force_path_style`, `accelerate`,
/// `use_arn_region`, `disable_s3_express_session_auth`, ...): built-ins
/// such as `AWS::S3::ForcePathStyle` and `clientContextParams`. The
/// runtime's configuration keeps them by parameter name, and
/// `Params::for_request` reads them.
pub(super) fn service_settings(rules: &RuleSet) -> TokenStream {
    let mut setters = Vec::new();
    let mut getters = Vec::new();
    for p in &rules.params {
        let Some(setting) = setting_name(p) else { continue };
        let name = super::ident(&setting);
        let key = &p.name;
        let source = match &p.built_in {
            Some(built_in) => format!("built-in `{built_in}`"),
            None => "a client context parameter".to_owned(),
        };
        let unset = match &p.default {
            Some(Literal::Bool(b)) => format!("Unset, it is `{b}`."),
            _ => "Unset, the endpoint rules decide.".to_owned(),
        };
        let mut lines: Vec<String> = p.docs.iter().cloned().collect();
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!("The endpoint rules' `{}` parameter ({source}). {unset}", p.name));
        if let Some((var, when_true, when_false)) = env_setting(p) {
            lines.push(format!(
                "`Config::from_env` reads it from `{var}` (`{when_true}` or `{when_false}`, in any case); a value set here wins."
            ));
        }
        let doc = docs(&lines);
        setters.push(quote! {
            #doc
            pub fn #name(self, enabled: bool) -> Self {
                self.endpoint_flag(#key, enabled)
            }
        });
        let getter_doc = format!(" The `{setting}` setting, if set (see [`ConfigBuilder::{setting}`](crate::config::ConfigBuilder::{setting})).");
        getters.push(quote! {
            #[doc = #getter_doc]
            pub fn #name(&self) -> Option<bool> {
                self.endpoint_flag(#key)
            }
        });
    }
    if setters.is_empty() {
        return quote!();
    }
    quote! {
        impl crate::config::ConfigBuilder {
            #(#setters)*
        }

        impl crate::config::Config {
            #(#getters)*
        }
    }
}

/// The environment variable of a service setting that the AWS SDKs read,
/// with the words (in any case) for `true` and `false`: S3's (and S3
/// Control's ARN region), as botocore and the other SDKs name them. The
/// `us-east-1` one is inverted: `legacy` keeps the global endpoint
/// (`UseGlobalEndpoint`), `regional` does not.
fn env_setting(p: &Param) -> Option<(&'static str, &'static str, &'static str)> {
    setting_name(p)?;
    Some(match (p.built_in.as_deref(), p.name.as_str()) {
        (Some("AWS::S3::UseArnRegion" | "AWS::S3Control::UseArnRegion"), _) => ("AWS_S3_USE_ARN_REGION", "true", "false"),
        (Some("AWS::S3::DisableMultiRegionAccessPoints"), _) => ("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "true", "false"),
        (Some("AWS::S3::UseGlobalEndpoint"), _) => ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "legacy", "regional"),
        (None, "DisableS3ExpressSessionAuth") if p.client_context => ("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true", "false"),
        _ => return None,
    })
}

/// The service settings `Config::from_env` reads (`&[config::EnvFlag]`):
/// the variable, the rule set's parameter, and its words for `true` and
/// `false`.
pub(crate) fn env_settings(rules: &RuleSet) -> TokenStream {
    let entries = rules.params.iter().filter_map(|p| {
        let (var, when_true, when_false) = env_setting(p)?;
        let name = &p.name;
        Some(quote!((#var, #name, #when_true, #when_false)))
    });
    quote!(&[#(#entries),*])
}

/// Whether the rules take the credentials' account id (`AWS::Auth::AccountId`).
pub(crate) fn uses_account_id(rules: &RuleSet) -> bool {
    rules.params.iter().any(|p| p.built_in.as_deref() == Some("AWS::Auth::AccountId"))
}

/// `Operation::endpoint_params` for an operation that sets endpoint
/// parameters (`None`: it sets none, and the trait's default serves).
pub(crate) fn operation_params(op: &crate::ir::Operation) -> Option<TokenStream> {
    use crate::ir::endpoint::ContextValue;
    if op.endpoint_params.is_empty() {
        return None;
    }
    let input = super::type_tokens(&crate::ir::RustType::Named(crate::ir::TypeRef {
        module: crate::ir::Module::Operation(op.module.clone()),
        name: op.input.name.clone(),
        shape: op.input.shape.clone(),
        int_enum: false,
        is_enum: false,
    }));
    let mut constants = Vec::new();
    let mut paths = Vec::new();
    for param in &op.endpoint_params {
        let name = &param.name;
        match &param.value {
            ContextValue::Literal(literal) => {
                let value = literal_value(literal);
                constants.push(quote!((#name, #value)));
            }
            ContextValue::Path { steps, leaf } => paths.push(path_param(name, steps, *leaf, param.value.collects())),
        }
    }
    // (Not `vec![..]`: tokens inside a macro are printed as they come.)
    let constants = if constants.is_empty() {
        quote!(::std::vec::Vec::new())
    } else {
        quote!(::std::vec::Vec::from([#(#constants),*]))
    };
    let body = if paths.is_empty() {
        constants
    } else {
        quote! {
            let mut params: ::std::vec::Vec<(&'static str, crate::endpoint::Value)> = #constants;
            #(#paths)*
            params
        }
    };
    let input_var = if paths.is_empty() { quote!(_input) } else { quote!(input) };
    Some(quote! {
        fn endpoint_params(#input_var: &#input) -> ::std::vec::Vec<(&'static str, crate::endpoint::Value)> {
            #body
        }
    })
}

fn literal_value(literal: &Literal) -> TokenStream {
    match literal {
        Literal::Bool(b) => quote!(crate::endpoint::Value::Bool(#b)),
        Literal::String(s) => quote!(crate::endpoint::Value::from(#s)),
        Literal::StringArray(items) => {
            quote!(crate::endpoint::Value::Array(::std::vec::Vec::from([#(crate::endpoint::Value::from(#items)),*])))
        }
    }
}

/// Statements that push the parameter `name` onto `params` when the path
/// reaches a value: one value, or (`collects`) every value the path's
/// projections and `keys()` reach, gathered once the first collection is
/// reached (an absent collection leaves the parameter unset).
fn path_param(name: &str, steps: &[crate::ir::endpoint::PathStep], leaf: crate::ir::endpoint::Leaf, collects: bool) -> TokenStream {
    use crate::ir::endpoint::{Leaf, PathStep};
    let value = |v: TokenStream| match leaf {
        Leaf::String | Leaf::Enum => quote!(crate::endpoint::Value::from(#v.as_str())),
        Leaf::Bool => quote!(crate::endpoint::Value::Bool(*#v)),
        Leaf::StringList { .. } => quote!(crate::endpoint::Value::from(#v.as_str())),
    };
    // Innermost first: what happens with `v`, the value the path reached.
    let mut body = if collects {
        match leaf {
            Leaf::StringList { sparse } => {
                let iter = if sparse { quote!(v.iter().flatten()) } else { quote!(v.iter()) };
                let item = value(quote!(v));
                let gather = if steps.iter().any(|s| !matches!(s, PathStep::Field { .. })) {
                    quote!()
                } else {
                    quote!(let items = items.get_or_insert_with(::std::vec::Vec::new);)
                };
                quote! {
                    #gather
                    for v in #iter {
                        items.push(#item);
                    }
                }
            }
            _ => {
                let item = value(quote!(v));
                quote!(items.push(#item);)
            }
        }
    } else {
        let item = value(quote!(v));
        quote!(params.push((#name, #item));)
    };
    let first_collection = steps.iter().position(|s| !matches!(s, PathStep::Field { .. }));
    for (i, step) in steps.iter().enumerate().rev() {
        let from = if i == 0 { quote!(input) } else { quote!(v) };
        let gather = (first_collection == Some(i)).then(|| quote!(let items = items.get_or_insert_with(::std::vec::Vec::new);));
        body = match step {
            PathStep::Field { name, optional: true } => {
                let field = super::ident(name);
                quote!(if let ::std::option::Option::Some(v) = &#from.#field { #body })
            }
            PathStep::Field { name, optional: false } => {
                let field = super::ident(name);
                quote!({ let v = &#from.#field; #body })
            }
            PathStep::Each { sparse } => {
                let iter = if *sparse { quote!(#from.iter().flatten()) } else { quote!(#from.iter()) };
                quote!({ #gather for v in #iter { #body } })
            }
            PathStep::Keys => quote!({ #gather for v in #from.keys() { #body } }),
        };
    }
    if collects {
        quote! {
            {
                let mut items: ::std::option::Option<::std::vec::Vec<crate::endpoint::Value>> = ::std::option::Option::None;
                #body
                if let ::std::option::Option::Some(items) = items {
                    params.push((#name, crate::endpoint::Value::Array(items)));
                }
            }
        }
    } else {
        body
    }
}

/// `src/endpoint.rs` alone, formatted, for the service `service` of
/// `model`: its rule set parsed and emitted without the rest of the IR, so
/// that services whose protocol the generator does not write yet have
/// their resolver too (the endpoint test crate compiles every model's).
/// The module names nothing outside itself and its `functions`,
/// `partitions` and `types` files.
pub fn standalone(model: &crate::model::Model, service: &crate::model::ShapeId) -> Result<String> {
    use crate::model::traits;
    let shape = model.get(service).ok_or_else(|| Error::ServiceNotFound { requested: service.to_string(), services: Vec::new() })?;
    let rules = match shape.traits.get(traits::ENDPOINT_RULE_SET) {
        Some(rules) => crate::ir::endpoint::parse(shape, rules)?,
        None => crate::ir::endpoint::endpoint_url_only(),
    };
    let ir_service = crate::ir::Service {
        shape: service.clone(),
        title: shape.traits.string(traits::TITLE).unwrap_or(&service.name).to_owned(),
        version: None,
        docs: Vec::new(),
        sdk_id: service.name.clone(),
        auth: Vec::new(),
        query_compatible: false,
        xml_namespace: None,
        no_error_wrapping: false,
    };
    let tokens = emit(&rules, &ir_service, false, false, None)?;
    let defined = ["Params", "Endpoint", "EndpointError", "Value"].iter().map(|s| s.to_string()).collect();
    crate::format::format_file("src/endpoint.rs", super::FileContent::Rust(tokens, defined, super::Codegen::Here))
}

/// Every name a rule references, to bind only the parameters in use.
fn referenced_names(rules: &[Rule]) -> std::collections::BTreeSet<String> {
    fn expr(e: &Expr, out: &mut std::collections::BTreeSet<String>) {
        match e {
            Expr::Ref(name) => {
                out.insert(name.clone());
            }
            Expr::Template(parts) => {
                for part in parts {
                    match part {
                        TemplatePart::Ref(name) | TemplatePart::Attr { reference: name, .. } => {
                            out.insert(name.clone());
                        }
                        TemplatePart::Text(_) => {}
                    }
                }
            }
            Expr::Call { args, .. } | Expr::Array(args) => args.iter().for_each(|a| expr(a, out)),
            Expr::Object(fields) => fields.iter().for_each(|(_, v)| expr(v, out)),
            Expr::Bool(_) | Expr::Int(_) => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    let mut stack: Vec<&Rule> = rules.iter().collect();
    while let Some(rule) = stack.pop() {
        for condition in &rule.conditions {
            condition.args.iter().for_each(|a| expr(a, &mut out));
        }
        match &rule.action {
            Action::Endpoint { url, properties, headers } => {
                expr(url, &mut out);
                properties.iter().for_each(|(_, v)| expr(v, &mut out));
                headers.iter().flat_map(|(_, vs)| vs).for_each(|v| expr(v, &mut out));
            }
            Action::Error(message) => expr(message, &mut out),
            Action::Tree(nested) => stack.extend(nested),
        }
    }
    out
}
