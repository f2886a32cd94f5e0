//! Every failure leaves the server as Intercom's `error.list`, with the request's id.
//!
//! `ErrorCode` is the one table of Intercom error codes and the HTTP status each travels
//! with; everything else builds an `ApiError` from one of them.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

tokio::task_local! {
    /// The id of the request being served; set by the request-context middleware.
    pub static REQUEST_ID: String;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthorized,
    NotFound,
    AdminNotFound,
    TeamNotFound,
    TagNotFound,
    PartOrMessageNotFound,
    PartNotRedactable,
    LastParticipant,
    CompanyNotFound,
    FieldNotFound,
    ParameterNotFound,
    ParameterInvalid,
    BadRequest,
    IntercomVersionInvalid,
    InvalidOperator,
    TagHasDependentObjects,
    ScrollExists,
    ContactCompanyLimitExceeded,
    DataInvalid,
    RateLimitExceeded,
    PayloadTooLarge,
    Conflict,
    ServiceUnavailable,
    ServerError,
}

impl ErrorCode {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::NotFound
            | ErrorCode::AdminNotFound
            | ErrorCode::TeamNotFound
            | ErrorCode::TagNotFound
            | ErrorCode::PartOrMessageNotFound
            | ErrorCode::CompanyNotFound
            | ErrorCode::FieldNotFound => StatusCode::NOT_FOUND,
            ErrorCode::ParameterNotFound
            | ErrorCode::ParameterInvalid
            | ErrorCode::BadRequest
            | ErrorCode::IntercomVersionInvalid
            | ErrorCode::InvalidOperator
            | ErrorCode::TagHasDependentObjects
            | ErrorCode::ScrollExists
            | ErrorCode::ContactCompanyLimitExceeded
            | ErrorCode::PartNotRedactable => StatusCode::BAD_REQUEST,
            ErrorCode::DataInvalid | ErrorCode::LastParticipant => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::RateLimitExceeded => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::NotFound => "not_found",
            ErrorCode::AdminNotFound => "admin_not_found",
            ErrorCode::TeamNotFound => "team_not_found",
            ErrorCode::TagNotFound => "tag_not_found",
            ErrorCode::PartOrMessageNotFound => "conversation_part_or_message_not_found",
            ErrorCode::PartNotRedactable => "conversation_part_not_redactable",
            // "Removing the last customer is not allowed" is a 422 with this code.
            ErrorCode::LastParticipant => "parameter_invalid",
            ErrorCode::CompanyNotFound => "company_not_found",
            ErrorCode::FieldNotFound => "field_not_found",
            ErrorCode::ParameterNotFound => "parameter_not_found",
            ErrorCode::ParameterInvalid => "parameter_invalid",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::IntercomVersionInvalid => "intercom_version_invalid",
            ErrorCode::InvalidOperator => "invalid_operator",
            ErrorCode::TagHasDependentObjects => "tag_has_dependent_objects",
            ErrorCode::ScrollExists => "scroll_exists",
            ErrorCode::ContactCompanyLimitExceeded => "contact_company_limit_exceeded",
            ErrorCode::DataInvalid => "data_invalid",
            ErrorCode::RateLimitExceeded => "rate_limit_exceeded",
            ErrorCode::PayloadTooLarge => "request_too_large",
            ErrorCode::Conflict => "conflict",
            ErrorCode::ServiceUnavailable => "service_unavailable",
            ErrorCode::ServerError => "server_error",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), field: None }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn unauthorized() -> Self {
        ApiError::new(ErrorCode::Unauthorized, "Access Token Invalid")
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::NotFound, message)
    }

    pub fn route_not_found() -> Self {
        ApiError::not_found("The requested resource does not exist; check your path and try again")
    }

    /// A required parameter is absent: `parameter_not_found`, naming it.
    pub fn missing(field: &str) -> Self {
        ApiError::new(ErrorCode::ParameterNotFound, format!("{field} is a required parameter"))
            .with_field(field)
    }

    /// A parameter is present but unusable: `parameter_invalid`, naming it.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::ParameterInvalid, message).with_field(field)
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
        (self.code.status(), Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::not_found("Resource Not Found"),
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

impl From<crate::domain::search::SearchError> for ApiError {
    fn from(err: crate::domain::search::SearchError) -> Self {
        let code = if err.code == crate::domain::search::INVALID_OPERATOR {
            ErrorCode::InvalidOperator
        } else {
            ErrorCode::ParameterInvalid
        };
        ApiError { code, message: err.message, field: err.field }
    }
}
