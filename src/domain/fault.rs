//! Faults for tests and development: what a request matching a method and path gets instead of
//! its answer (an error, a delay, a dropped connection), and the rules of the body that makes one.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::domain::error::Rejection;

/// Where the controls live; no fault applies there and the journal does not record them.
pub const CONTROLS_PREFIX: &str = "/_switchboard/";

/// The longest delay a fault may add, in milliseconds.
pub const MAX_DELAY_MS: i64 = 60_000;

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

/// A fault as its body asked for it, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    pub method: Option<String>,
    pub path: Option<String>,
    pub status: Option<u16>,
    pub error_code: Option<String>,
    pub delay_ms: Option<i64>,
    pub count: Option<i64>,
    pub probability: f64,
    pub drop_connection: bool,
}

/// A fault as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub method: Option<String>,
    pub path: Option<String>,
    pub status: Option<u16>,
    pub error_code: Option<String>,
    pub delay_ms: Option<i64>,
    pub count: Option<i64>,
    /// Requests it still fails (`null`: every matching one).
    pub remaining: Option<i64>,
    pub probability: f64,
    pub drop_connection: bool,
    /// Requests it has been applied to so far.
    pub applied: i64,
    pub created_at: i64,
}

impl Fault {
    /// Whether a request of `method` to `path` is one this fault is for.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().is_none_or(|pattern| path_matches(pattern, path))
    }

    /// The error it answers with, `None` for a fault that only delays or drops: the status
    /// and Intercom's code (the usual one for the status when the body named none).
    pub fn error(&self) -> Option<(u16, String)> {
        let status = self.status?;
        let code = self.error_code.clone().unwrap_or_else(|| default_code(status).to_owned());
        Some((status, code))
    }
}

/// `pattern` (`/contacts/{id}`: a `{...}` segment stands for any one segment) against a path.
/// A trailing slash does not count.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut wanted = pattern.trim_end_matches('/').split('/');
    let mut given = path.trim_end_matches('/').split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if is_placeholder(w) && !g.is_empty() => {}
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

fn is_placeholder(segment: &str) -> bool {
    segment.len() > 2 && segment.starts_with('{') && segment.ends_with('}')
}

/// Intercom's code for an error status, for a fault that names only the status.
pub fn default_code(status: u16) -> &'static str {
    match status {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        413 => "request_too_large",
        422 => "data_invalid",
        429 => "rate_limit_exceeded",
        503 => "service_unavailable",
        500..=599 => "server_error",
        _ => "client_error",
    }
}

/// The status an Intercom code travels with, for a fault that names only the code.
fn status_of(code: &str) -> u16 {
    match code {
        "unauthorized" | "token_unauthorized" => 401,
        "forbidden" => 403,
        "rate_limit_exceeded" => 429,
        "request_too_large" => 413,
        "conflict" => 409,
        "data_invalid" => 422,
        "service_unavailable" => 503,
        "server_error" => 500,
        code if code == "not_found" || code.ends_with("_not_found") => 404,
        _ => 400,
    }
}

/// Reads and checks the body of `POST /_switchboard/faults`.
pub fn parse(body: &Map<String, Value>) -> Result<FaultSpec, Rejection> {
    const FIELDS: [&str; 8] =
        ["method", "path", "status", "error_code", "delay_ms", "count", "probability", "drop_connection"];
    if let Some(unknown) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(Rejection::invalid(unknown, format!("{unknown} is not a field of a fault")));
    }
    let present = |field: &str| body.get(field).filter(|v| !v.is_null());
    let string = |field: &str| -> Result<Option<String>, Rejection> {
        match present(field) {
            None => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
            Some(_) => Err(Rejection::invalid(field, format!("{field} must be a non-empty string"))),
        }
    };
    let integer = |field: &str, min: i64, max: i64| -> Result<Option<i64>, Rejection> {
        match present(field) {
            None => Ok(None),
            Some(v) => match v.as_i64().filter(|n| (min..=max).contains(n)) {
                Some(n) => Ok(Some(n)),
                None => {
                    Err(Rejection::invalid(field, format!("{field} must be an integer from {min} to {max}")))
                }
            },
        }
    };

    let method = string("method")?.map(|m| m.to_ascii_uppercase());
    if let Some(m) = &method
        && !METHODS.contains(&m.as_str())
    {
        return Err(Rejection::invalid("method", format!("method must be one of {}", METHODS.join(", "))));
    }
    let path = string("path")?;
    if let Some(p) = &path {
        if !p.starts_with('/') || p.contains('?') {
            return Err(Rejection::invalid("path", "path must start with / and hold no query string"));
        }
        if p.starts_with(CONTROLS_PREFIX) || p == CONTROLS_PREFIX.trim_end_matches('/') {
            return Err(Rejection::invalid("path", "faults never apply to /_switchboard/ controls"));
        }
    }
    let status = integer("status", 400, 599)?.map(|s| s as u16);
    let error_code = string("error_code")?;
    if let Some(code) = &error_code
        && !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(Rejection::invalid("error_code", "error_code must be letters, digits and underscores"));
    }
    let status = status.or_else(|| error_code.as_deref().map(status_of));
    let delay_ms = integer("delay_ms", 0, MAX_DELAY_MS)?;
    let count = integer("count", 1, i64::MAX)?;
    let probability = match present("probability") {
        None => 1.0,
        Some(v) => match v.as_f64().filter(|p| (0.0..=1.0).contains(p)) {
            Some(p) => p,
            None => {
                return Err(Rejection::invalid("probability", "probability must be a number from 0 to 1"));
            }
        },
    };
    let drop_connection = match present("drop_connection") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Rejection::invalid("drop_connection", "drop_connection must be a boolean")),
    };
    if drop_connection && status.is_some() {
        return Err(Rejection::invalid(
            "drop_connection",
            "a fault either answers an error (status, error_code) or drops the connection, not both",
        ));
    }
    if status.is_none() && delay_ms.is_none() && !drop_connection {
        return Err(Rejection::missing("status"));
    }
    Ok(FaultSpec { method, path, status, error_code, delay_ms, count, probability, drop_connection })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec(body: Value) -> Result<FaultSpec, Rejection> {
        parse(body.as_object().unwrap())
    }

    #[test]
    fn placeholders_stand_for_one_segment() {
        assert!(path_matches("/contacts/{id}", "/contacts/abc"));
        assert!(path_matches("/contacts/{id}/", "/contacts/abc"));
        assert!(!path_matches("/contacts/{id}", "/contacts"));
        assert!(!path_matches("/contacts/{id}", "/contacts/abc/tags"));
        assert!(path_matches("/contacts", "/contacts/"));
        assert!(!path_matches("/contacts", "/companies"));
        assert!(path_matches("/contacts/{id}/tags/{tag_id}", "/contacts/1/tags/2"));
    }

    #[test]
    fn bodies_are_checked() {
        let fault = spec(json!({"status": 429, "path": "/contacts", "method": "post", "count": 2})).unwrap();
        assert_eq!(fault.method.as_deref(), Some("POST"));
        assert_eq!((fault.count, fault.probability), (Some(2), 1.0));
        assert_eq!(spec(json!({"error_code": "contact_not_found"})).unwrap().status, Some(404));
        assert!(spec(json!({"delay_ms": 10})).unwrap().status.is_none());
        for bad in [
            json!({}),
            json!({"status": 200}),
            json!({"status": "500"}),
            json!({"status": 500, "colour": 1}),
            json!({"status": 500, "count": 0}),
            json!({"status": 500, "probability": 1.5}),
            json!({"status": 500, "method": "FETCH"}),
            json!({"status": 500, "path": "contacts"}),
            json!({"status": 500, "path": "/_switchboard/faults"}),
            json!({"status": 500, "drop_connection": true}),
            json!({"drop_connection": "yes"}),
            json!({"delay_ms": 600_000}),
        ] {
            assert!(spec(bad.clone()).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn a_status_alone_gets_the_usual_code() {
        let fault = Fault {
            kind: "fault",
            id: "1".into(),
            method: None,
            path: None,
            status: Some(429),
            error_code: None,
            delay_ms: None,
            count: None,
            remaining: None,
            probability: 1.0,
            drop_connection: false,
            applied: 0,
            created_at: 0,
        };
        assert_eq!(fault.error(), Some((429, "rate_limit_exceeded".to_owned())));
        assert!(fault.matches("GET", "/anything"));
    }
}
