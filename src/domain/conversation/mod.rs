//! The conversation object and everything it embeds, field for field as the 2.11 spec shows
//! them (`conversation`, `conversation_source`, `conversation_part`, `conversation_statistics`,
//! `paginated_conversation_response`), plus the rules that are free of storage: state, bodies,
//! statistics and the request shapes of every endpoint.

pub mod body;
pub mod lifecycle;
pub mod requests;
pub mod statistics;

use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::error::{ErrorCode, Rejection};
use super::ids::{self, TypedRef};
use super::pages::{List, NamedList, TotalCount, listed};
use super::str_enum::str_enum;
use super::tag::Tag;
pub use statistics::Statistics;

/// Parts shown by `GET /conversations/{id}`: "If you have more than that we will return the
/// 500 most recent conversation parts."
pub const MAX_PARTS: i64 = 500;

str_enum! {
    /// A conversation's state as stored. A snooze ends by itself: see [`State::effective`].
    pub enum State {
        Open => "open",
        Closed => "closed",
        Snoozed => "snoozed",
    }
}

impl State {
    /// The state and `snoozed_until` as seen at `now`. No timer wakes a snoozed conversation:
    /// every read derives it, so that any number of server processes agree on it. A snooze
    /// whose time has come reads as open, without a `snoozed_until`.
    pub fn effective(self, snoozed_until: Option<i64>, now: i64) -> (State, Option<i64>) {
        match (self, snoozed_until) {
            (State::Snoozed, Some(until)) if until > now => (State::Snoozed, Some(until)),
            (State::Snoozed, _) => (State::Open, None),
            (state, _) => (state, None),
        }
    }
}

/// `{"type": "admin", "id": "1"}`, `{"type": "team", ...}`, `{"type": "nobody_admin", "id": null}`.
pub type Reference = TypedRef<Option<i64>>;

impl Reference {
    pub fn admin(id: i64) -> Reference {
        Reference { kind: "admin", id: Some(id) }
    }

    pub fn team(id: i64) -> Reference {
        Reference { kind: "team", id: Some(id) }
    }

    pub fn nobody() -> Reference {
        Reference { kind: "nobody_admin", id: None }
    }
}

/// Who wrote a part or the source message (`conversation_part_author`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Author {
    /// `admin`, `bot`, `user` or `lead`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub name: Option<String>,
    pub email: String,
    /// Switchboard has no AI agent (2.14): no part is its.
    pub from_ai_agent: bool,
    pub is_ai_answer: bool,
}

impl Author {
    /// A person (admin or contact), who is no AI agent.
    pub fn person(kind: String, id: String, name: Option<String>, email: String) -> Author {
        Author { kind, id, name, email, from_ai_agent: false, is_ai_answer: false }
    }

    /// Operator, the workspace's bot: it writes the parts of assignment rules.
    pub fn operator() -> Author {
        Author {
            kind: "bot".into(),
            id: "0".into(),
            name: Some("Operator".into()),
            email: OPERATOR_EMAIL.into(),
            from_ai_agent: false,
            is_ai_answer: false,
        }
    }
}

pub const OPERATOR_EMAIL: &str = "operator@switchboard.invalid";

/// A file attached to a part (`part_attachment`). Switchboard never downloads an attachment URL,
/// so its size and dimensions are unknown, shown as 0 (the schema has them as integers, required
/// and never null); an uploaded file has its size, and its dimensions if it is an image.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Attachment {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub url: String,
    pub content_type: String,
    #[serde(serialize_with = "zero_when_unknown")]
    pub filesize: Option<i64>,
    #[serde(serialize_with = "zero_when_unknown")]
    pub width: Option<i64>,
    #[serde(serialize_with = "zero_when_unknown")]
    pub height: Option<i64>,
}

fn zero_when_unknown<S: serde::Serializer>(value: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_i64(value.unwrap_or(0))
}

/// The message that started the conversation (`conversation_source`).
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub delivered_as: String,
    pub subject: String,
    pub body: Option<String>,
    pub author: Author,
    pub attachments: Vec<Attachment>,
    pub url: Option<String>,
    pub redacted: bool,
    /// Email headers (2.16), "only present for email conversations": an admin's email message
    /// (`POST /messages`) has its recipients; no email here has a Reply-To.
    pub recipients: Option<Vec<Json>>,
    pub reply_to: Option<Vec<Json>>,
}

/// `contact_reference`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactRef {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub external_id: Option<String>,
}

listed!(ContactRef: "contact.list", "contacts");

/// The 2.11 and 2.14 specs call the list `teammates`; Intercom's own SDKs (built from its
/// traffic) read `admins`. Both carry the same list.
#[derive(Debug, Clone, Serialize)]
pub struct Teammates {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub teammates: Vec<Reference>,
    pub admins: Vec<Reference>,
}

impl Teammates {
    pub fn new(admins: Vec<Reference>) -> Teammates {
        Teammates { kind: "admin.list", teammates: admins.clone(), admins }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FirstContactReply {
    pub created_at: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub url: Option<String>,
}

/// Linked tickets and conversations (`linked_object_list`).
pub type LinkedObjects = List<Json, Linked>;

/// The `extra` of [`LinkedObjects`].
#[derive(Debug, Clone, Serialize)]
pub struct Linked {
    pub total_count: i64,
    pub has_more: bool,
}

/// One `linked_object`: a conversation merged with this one or linked to it by a tracker
/// ticket, or a ticket (with its category) linked to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedObject {
    pub id: i64,
    /// The ticket category, for a ticket; `None` for a conversation.
    pub category: Option<String>,
}

impl LinkedObjects {
    pub fn none() -> LinkedObjects {
        List::with(Vec::new(), Linked { total_count: 0, has_more: false })
    }

    pub fn of(objects: &[LinkedObject]) -> LinkedObjects {
        let data: Vec<Json> = objects
            .iter()
            .map(|o| {
                let kind = if o.category.is_some() { "ticket" } else { "conversation" };
                serde_json::json!({"type": kind, "id": o.id.to_string(), "category": o.category})
            })
            .collect();
        List::with(data, Linked { total_count: objects.len() as i64, has_more: false })
    }
}

/// One message or action in a conversation (`conversation_part`).
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub part_type: String,
    pub body: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub notified_at: i64,
    pub assigned_to: Option<Reference>,
    pub author: Author,
    pub attachments: Vec<Attachment>,
    pub external_id: Option<String>,
    pub redacted: bool,
    /// The conversation's state when the part was written (2.14).
    pub state: State,
    /// Tags on the part itself: Switchboard tags conversations, not parts.
    pub tags: Vec<Tag>,
    pub metadata: PartMetadata,
    /// Switchboard has no apps, email channel or workflows (2.14).
    pub app_package_code: Option<String>,
    pub email_message_metadata: Option<Json>,
    pub event_details: Option<Json>,
}

listed!(Part: "conversation_part.list", "conversation_parts");

/// `quick_reply_option`: a choice an admin offers, or the one a contact picked.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct QuickReplyOption {
    pub text: String,
    pub uuid: String,
}

/// `conversation_part_metadata`, stored with the part as JSON: `{}` for most parts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct PartMetadata {
    /// The options an admin's `quick_reply` offers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub quick_reply_options: Option<Vec<QuickReplyOption>>,
    /// The option a contact's reply picked.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub quick_reply_uuid: Option<String>,
}

/// `conversation_channel` (2.16): conversations reach Switchboard as messenger messages sent
/// through the API, and stay there.
#[derive(Debug, Clone, Serialize)]
pub struct Channel {
    pub initial: Option<String>,
    pub current: Option<String>,
}

impl Channel {
    pub fn messenger() -> Channel {
        Channel { initial: Some("messenger".into()), current: Some("messenger".into()) }
    }
}

/// The conversation object. Listing and searching leave out `conversation_parts`
/// (`conversation_list_item`).
#[derive(Debug, Clone, Serialize)]
pub struct Conversation {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub waiting_since: Option<i64>,
    pub snoozed_until: Option<i64>,
    pub source: Source,
    pub contacts: NamedList<ContactRef>,
    pub first_contact_reply: Option<FirstContactReply>,
    pub admin_assignee_id: Option<i64>,
    pub team_assignee_id: Option<i64>,
    pub open: bool,
    pub state: State,
    pub read: bool,
    pub tags: NamedList<Tag>,
    pub priority: String,
    /// Switchboard has no SLAs, conversation ratings (no messenger), tickets, AI agent or topics.
    pub sla_applied: Option<Json>,
    pub statistics: Statistics,
    pub conversation_rating: Option<Json>,
    pub teammates: Teammates,
    pub title: Option<String>,
    pub custom_attributes: Map<String, Json>,
    pub topics: Map<String, Json>,
    pub ticket: Option<Json>,
    pub linked_objects: LinkedObjects,
    pub ai_agent: Option<Json>,
    pub ai_agent_participated: bool,
    /// 2.16: the channel, and the company `PUT /conversations/{id}` set.
    pub channel: Channel,
    pub company: Option<super::company::Company>,
    /// Switchboard links no external helpdesk, runs no monitors, scorecards or sales agent.
    pub external_references: Vec<Json>,
    pub monitor_evaluations: Vec<Json>,
    pub sales_agent: Option<Json>,
    pub sales_agent_participated: bool,
    pub scorecards: Vec<Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_parts: Option<NamedList<Part, TotalCount>>,
}

impl Conversation {
    /// Renders every body as plain text (`display_as=plaintext`).
    pub fn into_plaintext(mut self) -> Conversation {
        self.source.body = self.source.body.map(|b| body::plaintext(&b));
        if let Some(parts) = &mut self.conversation_parts {
            for part in &mut parts.items {
                part.body = part.body.take().map(|b| body::plaintext(&b));
            }
        }
        self
    }
}

// `conversation.list`: `GET /conversations` and `POST /conversations/search`.
listed!(Conversation: "conversation.list", "conversations");

/// What `POST /conversations` answers: the message that started the conversation.
#[derive(Debug, Serialize)]
pub struct Message {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub created_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub body: String,
    pub message_type: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub conversation_id: i64,
}

/// What attaching or detaching a participant answers: the conversation, as the descriptions'
/// schema has it, with the `customers` their examples show beside it.
#[derive(Debug, Serialize)]
pub struct WithCustomers {
    #[serde(flatten)]
    pub conversation: Conversation,
    pub customers: Vec<Customer>,
}

/// A contact of the conversation: its `type` is `user` or `lead`.
pub type Customer = TypedRef<String, String>;

/// Part types Switchboard writes.
pub mod part_type {
    pub const COMMENT: &str = "comment";
    /// An admin's reply that offers quick reply options.
    pub const QUICK_REPLY: &str = "quick_reply";
    pub const NOTE: &str = "note";
    /// A contact's reply that re-opened a closed or snoozed conversation.
    pub const OPEN: &str = "open";
    pub const CLOSE: &str = "close";
    pub const SNOOZED: &str = "snoozed";
    pub const ASSIGNMENT: &str = "assignment";
    /// An assignment of a closed conversation, which opens it.
    pub const ASSIGN_AND_REOPEN: &str = "assign_and_reopen";
    /// An assignment made by the workspace's assignment rules.
    pub const DEFAULT_ASSIGNMENT: &str = "default_assignment";
    pub const PARTICIPANT_ADDED: &str = "participant_added";
    pub const PARTICIPANT_REMOVED: &str = "participant_removed";
    pub const ATTRIBUTE_UPDATED: &str = "conversation_attribute_updated_by_admin";
    /// Another conversation was merged into this one.
    pub const MERGED_PRIMARY: &str = "merged_primary_conversation";
}

/// Where a page of conversations starts: after the conversation last served, by
/// `(updated_at, id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub updated_at: i64,
    pub id: i64,
}

/// Only participants may reply or add participants as a contact.
pub fn not_participant() -> Rejection {
    Rejection::invalid("intercom_user_id", "The contact is not a participant of this conversation")
}

/// A conversation keeps at least one participant.
pub fn last_customer() -> Rejection {
    Rejection::new(ErrorCode::LastParticipant, "Removing the last customer is not allowed")
}

/// Redaction needs text a contact wrote.
pub fn not_redactable() -> Rejection {
    Rejection::new(
        ErrorCode::PartNotRedactable,
        "Only parts with a body and source messages written by a contact can be redacted",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answers Intercom gives, as the API sent them before they moved here.
    #[test]
    fn rejections_keep_intercoms_codes_and_messages() {
        let answer = |r: Rejection| (r.code.status(), r.code.as_str(), r.message, r.field);
        assert_eq!(
            answer(not_participant()),
            (
                400,
                "parameter_invalid",
                "The contact is not a participant of this conversation".into(),
                Some("intercom_user_id".into())
            )
        );
        assert_eq!(
            answer(last_customer()),
            (422, "parameter_invalid", "Removing the last customer is not allowed".into(), None)
        );
        assert_eq!(
            answer(not_redactable()),
            (
                400,
                "conversation_part_not_redactable",
                "Only parts with a body and source messages written by a contact can be redacted".into(),
                None
            )
        );
    }

    #[test]
    fn a_snooze_ends_when_its_time_comes() {
        assert_eq!(State::Snoozed.effective(Some(100), 99), (State::Snoozed, Some(100)));
        assert_eq!(State::Snoozed.effective(Some(100), 100), (State::Open, None));
        assert_eq!(State::Closed.effective(None, 100), (State::Closed, None));
    }

    #[test]
    fn references_serialize_like_intercom() {
        let json = serde_json::to_value(Reference::nobody()).unwrap();
        assert_eq!(json, serde_json::json!({"type": "nobody_admin", "id": null}));
        let json = serde_json::to_value(Reference::admin(7)).unwrap();
        assert_eq!(json, serde_json::json!({"type": "admin", "id": "7"}));
    }
}
