//! Every failure leaves the server as Intercom's `error.list`, with the request's id.
//!
//! `ErrorCode` (in `domain::error`) is the one table of Intercom error codes and the HTTP status
//! each travels with; `From<StoreError>` below is the one place a storage outcome becomes one.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub use crate::domain::error::{ErrorCode, Missing, Rejection};
use crate::store::StoreError;

tokio::task_local! {
    /// The id of the request being served; set by the request-context middleware.
    pub static REQUEST_ID: String;
}

/// An error as the API answers it: the domain's `Rejection` (code, message, field), so a
/// rule's refusal needs no conversion; this module adds the answers only HTTP gives.
pub type ApiError = Rejection;

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn unauthorized() -> Self {
        ApiError::new(ErrorCode::Unauthorized, "Access Token Invalid")
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::NotFound, message)
    }

    pub fn route_not_found() -> Self {
        ApiError::not_found("The requested resource does not exist; check your path and try again")
    }

    pub fn internal() -> Self {
        ApiError::new(ErrorCode::ServerError, "An internal error occurred; it has been logged")
    }
}

#[derive(Serialize)]
struct ErrorList<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    request_id: Option<String>,
    errors: [ErrorItem<'a>; 1],
}

#[derive(Serialize)]
struct ErrorItem<'a> {
    code: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorList {
            kind: "error.list",
            request_id: REQUEST_ID.try_with(Clone::clone).ok(),
            errors: [ErrorItem {
                code: self.code.as_str(),
                message: &self.message,
                field: self.field.as_deref(),
            }],
        };
        let status = StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(missing) => missing.into(),
            StoreError::Rejected(rejection) => rejection,
            StoreError::Conflict { constraint } => {
                tracing::warn!(%constraint, "unhandled uniqueness conflict");
                ApiError::new(ErrorCode::Conflict, "A conflicting object already exists")
            }
            StoreError::Busy => {
                ApiError::new(ErrorCode::ServiceUnavailable, "The service is busy; try again shortly")
            }
            other => {
                tracing::error!(error = %other, "storage failure");
                ApiError::internal()
            }
        }
    }
}
