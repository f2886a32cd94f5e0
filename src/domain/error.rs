//! Why a request fails, free of HTTP: Intercom's error codes, a rule's rejection (code,
//! message, the field it is about), and what a lookup did not find. The store returns these
//! inside `StoreError`; `crate::error` turns every one into an `error.list`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Intercom's error codes, each with the HTTP status it travels with.
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
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized => 401,
            ErrorCode::NotFound
            | ErrorCode::AdminNotFound
            | ErrorCode::TeamNotFound
            | ErrorCode::TagNotFound
            | ErrorCode::PartOrMessageNotFound
            | ErrorCode::CompanyNotFound
            | ErrorCode::FieldNotFound => 404,
            ErrorCode::ParameterNotFound
            | ErrorCode::ParameterInvalid
            | ErrorCode::BadRequest
            | ErrorCode::IntercomVersionInvalid
            | ErrorCode::InvalidOperator
            | ErrorCode::TagHasDependentObjects
            | ErrorCode::ScrollExists
            | ErrorCode::ContactCompanyLimitExceeded
            | ErrorCode::PartNotRedactable => 400,
            ErrorCode::DataInvalid | ErrorCode::LastParticipant => 422,
            ErrorCode::RateLimitExceeded => 429,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::Conflict => 409,
            ErrorCode::ServiceUnavailable => 503,
            ErrorCode::ServerError => 500,
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

/// A request refused by a rule of the API: what Intercom answers, and the field it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl Rejection {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Rejection { code, message: message.into(), field: None }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// A required parameter is absent: `parameter_not_found`, naming it.
    pub fn missing(field: &str) -> Self {
        Rejection::new(ErrorCode::ParameterNotFound, format!("{field} is a required parameter"))
            .with_field(field)
    }

    /// A parameter is present but unusable: `parameter_invalid`, naming it.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Rejection::new(ErrorCode::ParameterInvalid, message).with_field(field)
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

/// What a lookup did not find: each has the code and message Intercom answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// A row asked for by id where Intercom names nothing more specific.
    Resource,
    Admin,
    Company,
    Contact,
    Conversation,
    DataAttribute,
    Part,
    Scroll,
    Team,
    Tag,
    /// The admin `PUT /admins/{id}/away` names: Intercom words this one apart.
    AdminForAdminId,
}

impl Missing {
    pub fn code(self) -> ErrorCode {
        match self {
            Missing::Admin => ErrorCode::AdminNotFound,
            Missing::Company => ErrorCode::CompanyNotFound,
            Missing::DataAttribute => ErrorCode::FieldNotFound,
            Missing::Part => ErrorCode::PartOrMessageNotFound,
            Missing::Team => ErrorCode::TeamNotFound,
            Missing::Tag => ErrorCode::TagNotFound,
            Missing::AdminForAdminId => ErrorCode::AdminNotFound,
            Missing::Resource | Missing::Contact | Missing::Conversation | Missing::Scroll => {
                ErrorCode::NotFound
            }
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Missing::Resource => "Resource Not Found",
            Missing::Admin => "Admin not found",
            Missing::Company => "Company Not Found",
            Missing::Contact => "User Not Found",
            Missing::Conversation => "Conversation not found",
            Missing::DataAttribute => "We couldn't find that data attribute to update",
            Missing::Part => "Conversation part or message not found",
            Missing::Scroll => "scroll parameter not found",
            Missing::Team => "Team not found",
            Missing::Tag => "Tag not found",
            Missing::AdminForAdminId => "Admin for admin_id not found",
        }
    }
}

impl From<Missing> for Rejection {
    fn from(missing: Missing) -> Self {
        Rejection::new(missing.code(), missing.message())
    }
}
