//! Extractors whose rejections are Intercom errors, so that a bad body, query or token
//! never produces anything but an `error.list`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::ids;
use crate::domain::version::{self, Version};
use crate::error::{ApiError, ApiResult, ErrorCode, Missing};
use crate::store::Store;

/// The workspace and admin a request speaks for, the API version it asked for, and the store
/// that serves it.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub store: Store,
    pub workspace_id: i64,
    pub admin_id: i64,
    pub version: Version,
    /// The workspace's clock, so work done for this request elsewhere (an MCP tool's in-process
    /// call) runs on it too.
    pub clock: crate::domain::clock::Clock,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(ApiError::unauthorized)
    }
}

/// What a handler answers: a JSON body, or Intercom's `error.list`.
pub type Reply<T> = ApiResult<Json<T>>;

/// A JSON body, or a JSON answer. A body's errors name the offending field: a missing required
/// field is `parameter_not_found`, a wrong type is `parameter_invalid`.
pub struct Json<T>(pub T);

tokio::task_local! {
    /// The version the request being served asked for; set by `authenticate`, read when the
    /// answer is serialized.
    pub static VERSION: Version;

    /// Set while an MCP tool calls the REST router in process: a JSON answer then carries its
    /// body as a [`JsonValue`] too, beside the same body serialized, so that the tool does not
    /// parse the bytes back.
    pub static KEEP_VALUE: ();
}

/// The body of an in-process JSON answer (see [`KEEP_VALUE`]), as the bytes beside it say.
#[derive(Clone)]
pub struct JsonValue(pub serde_json::Value);

/// The answer in the shape of the requested version (see `domain::version`). Outside a
/// request (no version set) it is the newest shape.
impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let Ok(requested) = VERSION.try_with(|v| *v) else {
            return axum::Json(self.0).into_response();
        };
        match serde_json::to_value(&self.0) {
            Ok(mut body) => {
                version::shape(requested, &mut body);
                if KEEP_VALUE.try_with(|_| ()).is_err() {
                    return axum::Json(body).into_response();
                }
                let mut response = axum::Json(&body).into_response();
                response.extensions_mut().insert(JsonValue(body));
                response
            }
            Err(err) => {
                tracing::error!(%err, "answer could not be serialized");
                ApiError::internal().into_response()
            }
        }
    }
}

/// A JSON answer of a type that writes itself in the requested version's shape
/// ([`version::ShapesItself`]): straight to bytes, where [`Json`] builds a `Value`, reshapes it
/// and writes that. Outside a request, or for an MCP tool's in-process call, it is a [`Json`].
pub struct ShapedJson<T>(pub T);

impl<T: version::ShapesItself> IntoResponse for ShapedJson<T> {
    fn into_response(self) -> Response {
        let requested = match VERSION.try_with(|v| *v) {
            Ok(requested) if KEEP_VALUE.try_with(|_| ()).is_err() => requested,
            _ => return Json(self.0).into_response(),
        };
        match version::to_vec_shaped(requested, &self.0) {
            Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
            Err(err) => {
                tracing::error!(%err, "answer could not be serialized");
                ApiError::internal().into_response()
            }
        }
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        // The content type is not checked: Intercom reads JSON whatever the header says.
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        parse_json(&bytes).map(Json)
    }
}

/// Any JSON value as the body, for an operation that documents its own answer to a body that
/// is not an object (the conversation attribute options' 422 "label is required"). Broken
/// JSON, an empty body and an object are read as [`Json`] reads them.
pub struct AnyJson(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for AnyJson {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(value) if !value.is_object() => Ok(AnyJson(value)),
            _ => parse_json(&bytes).map(AnyJson),
        }
    }
}

pub(crate) fn body_error(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(ErrorCode::PayloadTooLarge, "The request body is too large")
    } else {
        ApiError::new(ErrorCode::BadRequest, "The request body could not be read")
    }
}

/// Parses a body; an empty body reads as `{}` so that "all fields missing" is reported
/// field by field rather than as broken JSON.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { bytes };
    // Syntax first, so that broken JSON is reported as such rather than as a type error.
    let json: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(ErrorCode::BadRequest, format!("The request body is not valid JSON: {e}"))
    })?;
    // Every Intercom body is an object (serde would also read a struct from an array).
    if !json.is_object() {
        return Err(ApiError::invalid("body", "The request body must be a JSON object"));
    }
    if let Some(field) = field_with_nul(&json, "") {
        return Err(nul_error(&field));
    }
    let value = serde_path_to_error::deserialize(json).map_err(|err| {
        let path = err.path().to_string();
        json_error(&path, err.inner())
    })?;
    Ok(value)
}

/// The first field (dotted path) whose name or string value holds a NUL character, which no
/// text column stores (PostgreSQL refuses it; SQLite would cut the text short when read).
fn field_with_nul(value: &serde_json::Value, path: &str) -> Option<String> {
    let join = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => {
            Some(if path.is_empty() { "body".into() } else { path.into() })
        }
        serde_json::Value::Object(map) => map.iter().find_map(|(key, value)| {
            if key.contains('\0') { Some(join(key)) } else { field_with_nul(value, &join(key)) }
        }),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| field_with_nul(item, &format!("{path}[{i}]")))
        }
        _ => None,
    }
}

fn nul_error(field: &str) -> ApiError {
    ApiError::invalid(field, format!("{field} must not contain the NUL character"))
}

/// A body that is JSON but not of the expected shape, reported against its field.
fn json_error(path: &str, err: &serde_json::Error) -> ApiError {
    let message = err.to_string();
    if let Some(missing) = missing_field(&message) {
        let field = if path == "." { missing.to_owned() } else { format!("{path}.{missing}") };
        return ApiError::missing(&field);
    }
    let field = if path == "." { "body" } else { path };
    ApiError::invalid(field, format!("{field}: {message}"))
}

/// The field a serde "missing field" error names.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`'))
}

/// Query-string parameters; a value of the wrong type is `parameter_invalid`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let raw = parts.uri.query().unwrap_or_default();
        if let Some((key, _)) =
            form_urlencoded::parse(raw.as_bytes()).find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(nul_error(&key));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
        serde_path_to_error::deserialize(de).map(Query).map_err(|err| {
            let field = err.path().to_string();
            let message = err.into_inner().to_string();
            if let Some(missing) = missing_field(&message) {
                ApiError::missing(missing)
            } else {
                ApiError::invalid(&field, format!("{field}: {message}"))
            }
        })
    }
}

/// Path parameters; a segment that cannot be read names no object.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        // A NUL character names nothing a database can hold.
        let raw =
            RawPathParams::from_request_parts(parts, state).await.map_err(|_| ApiError::route_not_found())?;
        if raw.iter().any(|(_, value)| value.contains('\0')) {
            return Err(ApiError::route_not_found());
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| ApiError::route_not_found())
    }
}

/// A numeric id as the one path parameter: anything but a positive number names no object.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state).await?;
        Ok(Id(ids::parse_numeric(&raw).ok_or(Missing::Resource)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Away {
        away_mode_enabled: bool,
        away_mode_reassign: bool,
    }

    #[test]
    fn names_missing_and_mistyped_fields() {
        let err = parse_json::<Away>(br#"{"away_mode_enabled": true}"#).unwrap_err();
        assert_eq!(
            (err.code, err.field.as_deref()),
            (ErrorCode::ParameterNotFound, Some("away_mode_reassign"))
        );
        let err =
            parse_json::<Away>(br#"{"away_mode_enabled": "yes", "away_mode_reassign": true}"#).unwrap_err();
        assert_eq!(
            (err.code, err.field.as_deref()),
            (ErrorCode::ParameterInvalid, Some("away_mode_enabled"))
        );
        let err = parse_json::<Away>(br#"{"away_mode_enabled": tru"#).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadRequest);
        let err = parse_json::<Away>(b"[1,2]").unwrap_err();
        assert_eq!(err.code, ErrorCode::ParameterInvalid);
        assert!(
            parse_json::<Away>(br#"{"away_mode_enabled": true, "away_mode_reassign": false, "extra": 1}"#)
                .is_ok()
        );
    }
}
