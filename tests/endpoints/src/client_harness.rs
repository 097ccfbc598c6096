// The harness of a model's client checks. build.rs copies it into the
// module of that model's generated client (`<model>_client::harness`) with
// `crate::` paths pointing at the client; `super::super` is this crate's
// root. It is never compiled on its own.

use serde_json::Value as Json;

use crate::endpoint::{Params, Value};
use crate::orchestrator::Operation;

/// A rules value from a case's JSON.
fn value(json: &Json) -> Value {
    match json {
        Json::Bool(b) => Value::Bool(*b),
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::Array(items.iter().map(value).collect()),
        Json::Number(n) => n.as_i64().map_or(Value::None, Value::Int),
        Json::Object(fields) => Value::Object(fields.iter().map(|(k, v)| (k.clone(), value(v))).collect()),
        Json::Null => Value::None,
    }
}

/// The configuration a user would write for the case's built-ins, with
/// static credentials carrying the account id of `AWS::Auth::AccountId`.
/// STS's `AWS::STS::UseGlobalEndpoint` comes from the environment, as the
/// SDKs' `AWS_STS_REGIONAL_ENDPOINTS` gives it (`legacy` for `true`,
/// `regional` for `false`).
fn config(built_ins: &serde_json::Map<String, Json>, transport: &crate::testing::TestTransport) -> Result<crate::config::Config, String> {
    let sts_regional_endpoints = match built_ins.get("AWS::STS::UseGlobalEndpoint") {
        None => None,
        Some(Json::Bool(true)) => Some("legacy"),
        Some(Json::Bool(false)) => Some("regional"),
        Some(_) => return Err("harness: built-in AWS::STS::UseGlobalEndpoint is not a boolean".to_owned()),
    };
    let environment = move |name: &str| match name {
        "AWS_STS_REGIONAL_ENDPOINTS" => sts_regional_endpoints.map(str::to_owned),
        _ => None,
    };
    let mut builder = crate::config::Config::from_env_source(environment)
        .retry_config(crate::config::RetryConfig::disabled())
        .timeout_config(crate::config::TimeoutConfig::disabled())
        .http_client(transport.clone());
    let mut account_id = None;
    for (name, json) in built_ins {
        let text = || json.as_str().ok_or_else(|| format!("harness: built-in {name} is not a string"));
        let flag = || json.as_bool().ok_or_else(|| format!("harness: built-in {name} is not a boolean"));
        builder = match name.as_str() {
            "AWS::Region" => builder.region(text()?),
            "AWS::UseFIPS" => builder.use_fips(flag()?),
            "AWS::UseDualStack" => builder.use_dual_stack(flag()?),
            "SDK::Endpoint" => builder.endpoint_url(text()?),
            "AWS::Auth::AccountIdEndpointMode" => builder.account_id_endpoint_mode(text()?.parse()?),
            "AWS::STS::UseGlobalEndpoint" => builder,
            "AWS::Auth::AccountId" => {
                account_id = Some(text()?.to_owned());
                builder
            }
            other => super::service_setting(builder, other, flag()?)?,
        };
    }
    Ok(match account_id {
        Some(id) => builder.static_credentials_with_account_id("AKID", "SECRET", id),
        None => builder.static_credentials("AKID", "SECRET"),
    }
    .build())
}

/// Checks one case for one operation input as the client meets it: the
/// endpoint parameters the client computes from its configuration and the
/// input are the case's `params`, and sending the input goes to the case's
/// endpoint (signed with the signing name and region of its `authSchemes`)
/// or fails with the case's error before anything is sent. `path` is the
/// operation's own path, which follows the endpoint URL's.
pub(crate) fn check<O: Operation>(case: &super::super::ClientCase<'_>, input: &O::Input, path: &str) -> Result<(), String>
where
    O::Error: std::error::Error,
{
    let transport = crate::testing::TestTransport::new();
    transport.respond(200, "{}");
    let config = config(case.built_ins, &transport)?;

    let operation = O::endpoint_params(input);
    let account_id = case.built_ins.get("AWS::Auth::AccountId").and_then(Json::as_str);
    let inputs = crate::facts::EndpointInputs { operation: &operation, account_id };
    let computed = Params::for_request(&config, &inputs).map_err(|e| format!("the client's parameters: {e}"))?;
    // Each parameter of the case is the client's, or one the client leaves
    // unset that the operation does not bind (the cases list parameters an
    // operation does not bind, such as `DisableAccessPoints: false` for
    // GetObject): the request below shows that the endpoint is the case's
    // all the same. Parameters the client sets beyond the case's (S3's
    // `Key`) are checked by that request too.
    for (name, json) in case.params {
        let given = computed.clone().with(name, value(json)).map_err(|e| format!("harness: the case's parameters: {e}"))?;
        let unset = computed.clone().with(name, Value::None).map_err(|e| format!("harness: the case's parameters: {e}"))?;
        let bound = operation.iter().any(|(bound, _)| bound == name);
        if given != computed && (bound || unset != computed) {
            return Err(format!("the client computes the parameters {computed:?}, the case gives {name} = {json}"));
        }
    }

    let handle = crate::orchestrator::Handle::new(config, &crate::service::SERVICE);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let sent = runtime.block_on(crate::orchestrator::invoke::<O>(&handle, input));
    let error = sent.err().map(|e| crate::error::DisplayErrorContext(&e).to_string());
    let requests = transport.requests();
    match (case.expect.get("endpoint"), case.expect.get("error").and_then(Json::as_str)) {
        (Some(endpoint), _) => {
            let Some(request) = requests.first() else {
                return Err(format!("the client sent nothing: {}", error.unwrap_or_default()));
            };
            let url = endpoint.get("url").and_then(Json::as_str).unwrap_or_default();
            // The endpoint's URL and the operation's own path (`/` when
            // both are empty), without the query.
            let wanted = format!("{}{path}", url.trim_end_matches('/'));
            let wanted: ::http::Uri = wanted.parse().map_err(|e| format!("harness: {wanted}: {e}"))?;
            let as_text = |uri: &::http::Uri| {
                format!("{}://{}{}", uri.scheme_str().unwrap_or_default(), uri.authority().map(|a| a.as_str()).unwrap_or_default(), uri.path())
            };
            let (uri, wanted) = (as_text(request.uri()), as_text(&wanted));
            if uri != wanted {
                return Err(format!("the client sent to {uri}, not {wanted}"));
            }
            for (name, values) in endpoint.get("headers").and_then(Json::as_object).into_iter().flatten() {
                let sent: Vec<&str> = request.headers().get_all(name.as_str()).iter().filter_map(|v| v.to_str().ok()).collect();
                let wanted: Vec<&str> = values.as_array().into_iter().flatten().filter_map(Json::as_str).collect();
                if !wanted.iter().all(|w| sent.contains(w)) {
                    return Err(format!("the client sent {name}: {sent:?}, not {wanted:?}"));
                }
            }
            let schemes = endpoint.get("properties").and_then(|p| p.get("authSchemes")).and_then(Json::as_array);
            let sigv4 = schemes.into_iter().flatten().find(|s| s.get("name").and_then(Json::as_str) == Some("sigv4"));
            let authorization = request.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
            for key in ["signingRegion", "signingName"] {
                if let Some(wanted) = sigv4.and_then(|s| s.get(key)).and_then(Json::as_str) {
                    if !authorization.split('/').any(|part| part == wanted) {
                        return Err(format!("the signature's scope lacks {key} {wanted}: {authorization}"));
                    }
                }
            }
            Ok(())
        }
        (None, Some(message)) => match error {
            Some(error) if error.contains(message) && requests.is_empty() => Ok(()),
            Some(error) => Err(format!("expected the error {message:?}, got {error:?} ({} requests sent)", requests.len())),
            None => Err(format!("expected the error {message:?}, the request was sent to {:?}", requests.first().map(|r| r.uri().to_string()))),
        },
        (None, None) => Err("harness: the case expects neither an endpoint nor an error".into()),
    }
}
