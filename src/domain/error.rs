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
    /// An email message without a subject: Intercom's 422 `parameter_not_found`.
    NoSubject,
    InvalidPhoneNumber,
    WhatsappMessageNotFound,
    BadRequest,
    IntercomVersionInvalid,
    InvalidOperator,
    /// `GET /jobs/status/{id}` for a job the workspace lacks.
    JobNotFound,
    /// A linked-conversation request on a ticket that is not a tracker.
    InvalidTicketType,
    AlreadyLinkedToTracker,
    LinkedConversationLimitExceeded,
    /// The linked-conversation endpoints' own 404 code for a conversation.
    ConversationNotFound,
    TagHasDependentObjects,
    ScrollExists,
    AwayStatusReasonMandatory,
    ContactCompanyLimitExceeded,
    DataInvalid,
    /// A conversation merge the rules refuse (422).
    MergeFailed,
    /// A conversation attribute (or one of its options) the workspace lacks.
    ConversationAttributeNotFound,
    /// A conversation attribute write refused (422 `parameter_invalid`).
    AttributeInvalid,
    /// A merged contact asked for by its old identifier (410, with a `Link` to the survivor).
    ContactMerged,
    /// A ticket asked for by an id the workspace lacks.
    TicketNotFound,
    /// A ticket update's admin or assignee the workspace lacks.
    AssigneeNotFound,
    /// A ticket state that is not one of the ticket type's.
    TicketStateIdInvalid,
    /// A request that does not fit the ticket (a contact's reply on a back-office ticket).
    ParameterMismatch,
    RateLimitExceeded,
    PayloadTooLarge,
    Conflict,
    ServiceUnavailable,
    ServerError,
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        self.answer().0
    }

    pub fn as_str(self) -> &'static str {
        self.answer().1
    }

    /// The HTTP status and Intercom's code: one row a variant.
    fn answer(self) -> (u16, &'static str) {
        match self {
            ErrorCode::Unauthorized => (401, "unauthorized"),
            ErrorCode::NotFound => (404, "not_found"),
            ErrorCode::AdminNotFound => (404, "admin_not_found"),
            ErrorCode::TeamNotFound => (404, "team_not_found"),
            ErrorCode::TagNotFound => (404, "tag_not_found"),
            ErrorCode::PartOrMessageNotFound => (404, "conversation_part_or_message_not_found"),
            ErrorCode::PartNotRedactable => (400, "conversation_part_not_redactable"),
            // "Removing the last customer is not allowed" is a 422 with this code.
            ErrorCode::LastParticipant => (422, "parameter_invalid"),
            ErrorCode::CompanyNotFound => (404, "company_not_found"),
            ErrorCode::FieldNotFound => (404, "field_not_found"),
            ErrorCode::ParameterNotFound => (400, "parameter_not_found"),
            ErrorCode::ParameterInvalid => (400, "parameter_invalid"),
            ErrorCode::NoSubject => (422, "parameter_not_found"),
            ErrorCode::InvalidPhoneNumber => (400, "invalid_phone_number"),
            ErrorCode::WhatsappMessageNotFound => (404, "whatsapp_message_not_found"),
            ErrorCode::BadRequest => (400, "bad_request"),
            ErrorCode::IntercomVersionInvalid => (400, "intercom_version_invalid"),
            ErrorCode::InvalidOperator => (400, "invalid_operator"),
            ErrorCode::JobNotFound => (404, "job_not_found"),
            ErrorCode::InvalidTicketType => (400, "invalid_ticket_type"),
            ErrorCode::AlreadyLinkedToTracker => (400, "already_linked_to_tracker"),
            ErrorCode::LinkedConversationLimitExceeded => (400, "linked_conversation_limit_exceeded"),
            ErrorCode::ConversationNotFound => (404, "conversation_not_found"),
            ErrorCode::TagHasDependentObjects => (400, "tag_has_dependent_objects"),
            ErrorCode::ScrollExists => (400, "scroll_exists"),
            ErrorCode::AwayStatusReasonMandatory => (400, "away_status_reason_mandatory"),
            ErrorCode::ContactCompanyLimitExceeded => (400, "contact_company_limit_exceeded"),
            ErrorCode::DataInvalid => (422, "data_invalid"),
            ErrorCode::MergeFailed => (422, "merge_failed"),
            ErrorCode::ConversationAttributeNotFound => (404, "conversation_attribute_not_found"),
            ErrorCode::AttributeInvalid => (422, "parameter_invalid"),
            ErrorCode::ContactMerged => (410, "contact_merged"),
            ErrorCode::TicketNotFound => (404, "ticket_not_found"),
            ErrorCode::AssigneeNotFound => (404, "assignee_not_found"),
            ErrorCode::TicketStateIdInvalid => (400, "ticket_state_id_invalid"),
            ErrorCode::ParameterMismatch => (400, "parameter_mismatch"),
            ErrorCode::RateLimitExceeded => (429, "rate_limit_exceeded"),
            ErrorCode::PayloadTooLarge => (413, "request_too_large"),
            ErrorCode::Conflict => (409, "conflict"),
            ErrorCode::ServiceUnavailable => (503, "service_unavailable"),
            ErrorCode::ServerError => (500, "server_error"),
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

/// `value.or_missing("field")`: a required parameter, or `parameter_not_found` naming it.
pub trait OrMissing<T> {
    fn or_missing(self, field: &str) -> Result<T, Rejection>;
}

impl<T> OrMissing<T> for Option<T> {
    fn or_missing(self, field: &str) -> Result<T, Rejection> {
        self.ok_or_else(|| Rejection::missing(field))
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
    ConversationAttribute,
    ConversationAttributeOption,
    Part,
    Scroll,
    /// A `POST /tickets/enqueue` job.
    Job,
    /// The conversation a tracker ticket is asked to link.
    LinkableConversation,
    /// The conversation a tracker ticket is asked to unlink, when it is not linked to it.
    LinkedConversation,
    Team,
    Tag,
    Visitor,
    WhatsappMessage,
    /// The admin `PUT /admins/{id}/away` names: Intercom words this one apart.
    AdminForAdminId,
    Brand,
    EmailSetting,
    Ticket,
    TicketType,
    /// The admin or assignee a ticket update names.
    Assignee,
}

impl Missing {
    pub fn code(self) -> ErrorCode {
        self.answer().0
    }

    pub fn message(self) -> &'static str {
        self.answer().1
    }

    fn answer(self) -> (ErrorCode, &'static str) {
        match self {
            Missing::Resource => (ErrorCode::NotFound, "Resource Not Found"),
            Missing::Admin => (ErrorCode::AdminNotFound, "Admin not found"),
            Missing::Company => (ErrorCode::CompanyNotFound, "Company Not Found"),
            Missing::Contact => (ErrorCode::NotFound, "User Not Found"),
            Missing::Conversation => (ErrorCode::NotFound, "Conversation not found"),
            Missing::DataAttribute => {
                (ErrorCode::FieldNotFound, "We couldn't find that data attribute to update")
            }
            Missing::ConversationAttribute => {
                (ErrorCode::ConversationAttributeNotFound, "Conversation attribute not found")
            }
            Missing::ConversationAttributeOption => {
                (ErrorCode::ConversationAttributeNotFound, "List option not found")
            }
            Missing::Part => (ErrorCode::PartOrMessageNotFound, "Conversation part or message not found"),
            Missing::Scroll => (ErrorCode::NotFound, "scroll parameter not found"),
            Missing::Job => (ErrorCode::JobNotFound, "Job Not Found"),
            Missing::LinkableConversation => (ErrorCode::ConversationNotFound, "Conversation not found"),
            Missing::LinkedConversation => {
                (ErrorCode::ConversationNotFound, "Conversation is not linked to this ticket")
            }
            Missing::Team => (ErrorCode::TeamNotFound, "Team not found"),
            Missing::Tag => (ErrorCode::TagNotFound, "Tag not found"),
            Missing::Visitor => (ErrorCode::NotFound, "Visitor Not Found"),
            Missing::WhatsappMessage => (ErrorCode::WhatsappMessageNotFound, "Whatsapp message not found"),
            Missing::AdminForAdminId => (ErrorCode::AdminNotFound, "Admin for admin_id not found"),
            Missing::Brand => (ErrorCode::NotFound, "Brand not found"),
            Missing::EmailSetting => (ErrorCode::NotFound, "Email setting not found"),
            Missing::Ticket => (ErrorCode::TicketNotFound, "Ticket not found"),
            Missing::TicketType => (ErrorCode::NotFound, "Ticket type not found"),
            Missing::Assignee => (ErrorCode::AssigneeNotFound, "Assignee not found"),
        }
    }
}

impl From<Missing> for Rejection {
    fn from(missing: Missing) -> Self {
        Rejection::new(missing.code(), missing.message())
    }
}
