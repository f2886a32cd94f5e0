//! `list_operations` and `describe_operation`, read from Intercom's descriptions (the files in
//! `spec/`, built into the binary), and limited to the operations the router serves. Whether an
//! operation is served is asked of the router itself, so the answer cannot drift from it: a
//! request for the operation's method and path is sent to a copy of the router whose route layer
//! answers with the route it reached (unrouted requests reach the 404 fallback instead).

use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tower::ServiceExt;

use super::Caller;
use super::args::{Args, optional, required};
use super::rest::{Answer, Rest};
use crate::domain::version::Version;
use crate::error::ApiError;

/// The descriptions, by version, oldest first.
const DESCRIPTIONS: [(&str, &str); 11] = [
    ("2.7", include_str!("../../../spec/intercom-2.7.yaml")),
    ("2.8", include_str!("../../../spec/intercom-2.8.yaml")),
    ("2.9", include_str!("../../../spec/intercom-2.9.yaml")),
    ("2.10", include_str!("../../../spec/intercom-2.10.yaml")),
    ("2.11", include_str!("../../../spec/intercom-2.11.yaml")),
    ("2.12", include_str!("../../../spec/intercom-2.12.yaml")),
    ("2.13", include_str!("../../../spec/intercom-2.13.yaml")),
    ("2.14", include_str!("../../../spec/intercom-2.14.yaml")),
    ("2.15", include_str!("../../../spec/intercom-2.15.yaml")),
    ("2.16", include_str!("../../../spec/intercom-2.16.yaml")),
    ("Preview", include_str!("../../../spec/intercom-preview.yaml")),
];
const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];
/// Descriptions are cut to this many characters: enough to say what a field is.
const SHORT: usize = 200;
const MATCHED: &str = "x-matched-path";

/// A version's description, parsed once (as JSON, keys as strings).
fn description(version: Version) -> (&'static str, &'static Value) {
    static PARSED: [OnceLock<Value>; 11] = [const { OnceLock::new() }; 11];
    let name = version.to_string();
    // Versions older than the oldest described are shaped as that one (see domain::version).
    let index = DESCRIPTIONS.iter().position(|(v, _)| *v == name).unwrap_or(0);
    let (name, text) = DESCRIPTIONS[index];
    let value = PARSED[index].get_or_init(|| match serde_norway::from_str::<serde_norway::Value>(text) {
        Ok(yaml) => to_json(yaml),
        Err(err) => {
            tracing::error!(%err, version = name, "the embedded description does not parse");
            Value::Null
        }
    });
    (name, value)
}

fn to_json(yaml: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => n
            .as_i64()
            .map(Value::from)
            .or_else(|| n.as_u64().map(Value::from))
            .or_else(|| n.as_f64().map(Value::from))
            .unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_norway::to_string(&other).unwrap_or_default().trim().to_owned(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => to_json(tagged.value),
    }
}

fn version_argument(caller: &Caller, args: &Args) -> Result<Version, ApiError> {
    match optional(args, "version")? {
        None => Ok(caller.ctx.version),
        Some(raw) => {
            Version::parse(&raw).ok_or_else(|| ApiError::invalid("version", format!("No version {raw}")))
        }
    }
}

/// `/contacts/{contact_id}` → `/contacts/{}`: descriptions and routes name parameters differently.
fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_parameter = true;
                out.push_str("{}");
            }
            '}' => in_parameter = false,
            c if !in_parameter => out.push(c),
            _ => {}
        }
    }
    out
}

/// The route a request reached, without running it.
async fn matched(request: Request, _: Next) -> Response {
    let mut response = axum::http::StatusCode::NO_CONTENT.into_response();
    if let Some(path) = request.extensions().get::<MatchedPath>()
        && let Ok(value) = HeaderValue::from_str(path.as_str())
    {
        response.headers_mut().insert(MATCHED, value);
    }
    response
}

/// Whether the router serves each `(method, path)`, in order.
async fn served(rest: &Rest, operations: &[(&str, &str)]) -> Vec<bool> {
    let probe = rest.router().route_layer(middleware::from_fn(matched));
    let mut out = Vec::with_capacity(operations.len());
    for (method, path) in operations {
        let concrete = template(path).replace("{}", "1");
        let request = Request::builder()
            .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap_or(Method::GET))
            .uri(concrete)
            .body(Body::empty());
        let Ok(request) = request else {
            out.push(false);
            continue;
        };
        let reached = match probe.clone().oneshot(request).await {
            Ok(response) => response.headers().get(MATCHED).and_then(|v| v.to_str().ok()).map(template),
            Err(never) => match never {},
        };
        out.push(reached.is_some_and(|reached| reached == template(path)));
    }
    out
}

/// Every operation of a description: `(method, path, operation)`.
fn operations(spec: &Value) -> Vec<(&'static str, &str, &Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                out.push((method, path.as_str(), operation));
            }
        }
    }
    out
}

fn short(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(SHORT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// `list_operations`: the served operations of a version, filtered by tag and words.
pub(super) async fn list_operations(rest: &Rest, caller: &Caller, args: &Args) -> Result<Answer, ApiError> {
    let (version, spec) = description(version_argument(caller, args)?);
    let tag = optional(args, "tag")?.map(|t| t.to_lowercase());
    let words: Vec<String> =
        optional(args, "words")?.unwrap_or_default().split_whitespace().map(str::to_lowercase).collect();
    let candidates: Vec<_> = operations(spec)
        .into_iter()
        .filter(|(_, _, op)| {
            let tags: Vec<String> = op["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str())
                .map(str::to_lowercase)
                .collect();
            tag.as_ref().is_none_or(|tag| tags.contains(tag))
        })
        .filter(|(method, path, op)| {
            let haystack = format!(
                "{method} {path} {} {}",
                op["summary"].as_str().unwrap_or_default(),
                op["operationId"].as_str().unwrap_or_default()
            )
            .to_lowercase();
            words.iter().all(|w| haystack.contains(w.as_str()))
        })
        .collect();
    let pairs: Vec<(&str, &str)> = candidates.iter().map(|(m, p, _)| (*m, *p)).collect();
    let served = served(rest, &pairs).await;
    let listed: Vec<Value> = candidates
        .iter()
        .zip(served)
        .filter(|(_, served)| *served)
        .map(|((method, path, op), _)| {
            json!({
                "method": method.to_uppercase(),
                "path": path,
                "summary": op["summary"],
                "tag": op["tags"][0],
                "operation_id": op["operationId"],
            })
        })
        .collect();
    let count = listed.len();
    Ok(Answer {
        status: 200,
        body: json!({"type": "operation.list", "version": version, "total_count": count, "data": listed}),
    })
}

/// `describe_operation`: parameters, request body and responses of one served operation.
pub(super) async fn describe_operation(
    rest: &Rest,
    caller: &Caller,
    args: &Args,
) -> Result<Answer, ApiError> {
    let (version, spec) = description(version_argument(caller, args)?);
    let method = required(args, "method")?.to_lowercase();
    let path = required(args, "path")?;
    let depth = match args.get("depth") {
        None | Some(Value::Null) => 4,
        Some(value) => value
            .as_u64()
            .filter(|d| *d <= 8)
            .ok_or_else(|| ApiError::invalid("depth", "depth must be a whole number from 0 to 8"))?
            as usize,
    };
    let wanted = template(path.split('?').next().unwrap_or_default());
    let found =
        operations(spec).into_iter().find(|(m, p, _)| *m == method && template(p) == wanted).or_else(|| {
            // A concrete path (`/contacts/abc`): the operation whose template it fits.
            operations(spec).into_iter().find(|(m, p, _)| *m == method && fits(p, &wanted))
        });
    let not_described = || {
        ApiError::not_found(format!(
            "Version {version} describes no operation {} {path}",
            method.to_uppercase()
        ))
    };
    let (method, path, op) = found.ok_or_else(not_described)?;
    if !served(rest, &[(method, path)]).await[0] {
        return Err(ApiError::not_found(format!(
            "This server does not serve {} {path}",
            method.to_uppercase()
        )));
    }
    let parameters: Vec<Value> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| resolve(p, spec, depth))
        .filter(|p| p["in"] != "header")
        .collect();
    let request_body = resolve(&op["requestBody"]["content"]["application/json"]["schema"], spec, depth);
    let mut responses = Map::new();
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        let response = resolve(response, spec, 1);
        responses.insert(
            status.clone(),
            json!({
                "description": response["description"],
                "schema": resolve(&op["responses"][status]["content"]["application/json"]["schema"], spec, depth),
            }),
        );
    }
    let body = json!({
        "type": "operation",
        "version": version,
        "method": method.to_uppercase(),
        "path": path,
        "operation_id": op["operationId"],
        "summary": op["summary"],
        "description": short(op["description"].as_str().unwrap_or_default()),
        "parameters": parameters,
        "request_body": request_body,
        "responses": responses,
    });
    Ok(Answer { status: 200, body })
}

/// Whether the concrete `path` fits the description's `template`.
fn fits(template_path: &str, path: &str) -> bool {
    let pattern: Vec<&str> = template_path.split('/').collect();
    let parts: Vec<&str> = path.split('/').collect();
    pattern.len() == parts.len()
        && pattern.iter().zip(&parts).all(|(p, s)| (p.starts_with('{') && !s.is_empty()) || p == s)
}

/// `value` with its `$ref`s replaced by what they name, `depth` levels deep (deeper ones stay
/// `$ref`s), without examples, and with descriptions cut short.
fn resolve(value: &Value, spec: &Value, depth: usize) -> Value {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let target = reference.strip_prefix('#').and_then(|pointer| spec.pointer(pointer));
                return match target {
                    Some(target) if depth > 0 => resolve(target, spec, depth - 1),
                    _ => json!({"$ref": reference}),
                };
            }
            let mut out = Map::new();
            for (key, value) in map {
                match key.as_str() {
                    "example" | "examples" => {}
                    "description" => {
                        out.insert(key.clone(), json!(short(value.as_str().unwrap_or_default())));
                    }
                    _ => {
                        out.insert(key.clone(), resolve(value, spec, depth));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|item| resolve(item, spec, depth)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_description_parses() {
        for (name, _) in DESCRIPTIONS {
            let version = Version::parse(name).unwrap();
            let (_, spec) = description(version);
            assert!(!operations(spec).is_empty(), "{name}");
        }
    }

    #[test]
    fn concrete_paths_fit_templates() {
        assert!(fits("/contacts/{id}", "/contacts/abc"));
        assert!(!fits("/contacts/{id}", "/contacts/abc/tags"));
        assert!(!fits("/contacts/{id}", "/contacts/"));
        assert_eq!(template("/contacts/{contact_id}/tags/{id}"), "/contacts/{}/tags/{}");
    }
}
