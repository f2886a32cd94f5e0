//! Reading a tool's arguments. A missing or mistyped argument is refused as the REST API
//! refuses a body field: `parameter_not_found` or `parameter_invalid`, naming the argument.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::error::ApiError;

pub(super) type Args = Map<String, Value>;

/// A required id or text: a string, or a number (ids are often given as numbers).
pub(super) fn required(args: &Args, name: &str) -> Result<String, ApiError> {
    optional(args, name)?.ok_or_else(|| ApiError::missing(name))
}

pub(super) fn optional(args: &Args, name: &str) -> Result<Option<String>, ApiError> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Err(ApiError::missing(name)),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ApiError::invalid(name, format!("{name} must be a string"))),
    }
}

/// An optional JSON object argument.
pub(super) fn object(args: &Args, name: &str) -> Result<Option<Map<String, Value>>, ApiError> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map.clone())),
        Some(_) => Err(ApiError::invalid(name, format!("{name} must be an object"))),
    }
}

/// The arguments without `names`: the body a write tool passes on to its endpoint, which
/// checks every field as it checks a REST body.
pub(super) fn without(args: &Args, names: &[&str]) -> Value {
    Value::Object(
        args.iter()
            .filter(|(k, _)| !names.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// The `admin_id` argument, or the token's admin when absent: the admin a write acts as.
pub(super) fn admin_or(args: &Args, default: i64) -> Value {
    match args.get("admin_id") {
        None | Some(Value::Null) => Value::from(default.to_string()),
        Some(value) => value.clone(),
    }
}

/// A path segment, percent-encoded: an id never becomes another path.
pub(super) fn segment(raw: &str) -> String {
    utf8_percent_encode(raw, NON_ALPHANUMERIC).to_string()
}

/// A query string of the given parameters (`None` ones left out), `?` included when non-empty.
pub(super) fn query(params: &[(&str, Option<String>)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        if let Some(value) = value {
            out.append_pair(name, value);
        }
    }
    let query = out.finish();
    if query.is_empty() { query } else { format!("?{query}") }
}

/// An id as Intercom's MCP tools accept it: raw (`123`), prefixed (`conversation_123`), or a
/// URL whose last segment is the id (`https://app.intercom.com/a/inbox/_/inbox/conversation/123`).
pub(super) fn plain_id(raw: &str, prefix: &str) -> String {
    let raw = raw.trim();
    let last = if raw.contains("://") {
        raw.split(['?', '#']).next().unwrap_or(raw).trim_end_matches('/').rsplit('/').next().unwrap_or(raw)
    } else {
        raw
    };
    last.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('_')).unwrap_or(last).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_raw_prefixed_or_as_urls() {
        assert_eq!(plain_id("123", "conversation"), "123");
        assert_eq!(plain_id("conversation_123", "conversation"), "123");
        assert_eq!(
            plain_id("https://app.intercom.com/a/inbox/_/inbox/conversation/123", "conversation"),
            "123"
        );
        assert_eq!(plain_id("contact_6a1b", "contact"), "6a1b");
        assert_eq!(segment("../me"), "%2E%2E%2Fme");
    }
}
