//! The request bodies of the conversation endpoints, read loosely by serde and then checked
//! here into typed commands. Several are a `oneOf` told apart by `type` / `message_type`, and
//! the spec's examples send ids as numbers where its schemas say strings, so ids take both.

use serde::Deserialize;
use serde_json::{Map, Value as Json};

use super::Attachment;
use super::body::{self, AttachmentError};
use crate::domain::error::{OrMissing, Rejection};

mod reply;
pub use reply::{AdminMessage, Replier, Reply, ReplyBody};

/// A request is refused with the field it is about: missing (`parameter_not_found`) or
/// unusable (`parameter_invalid`).
type Checked<T> = Result<T, Rejection>;

fn invalid<T>(field: &'static str, message: impl Into<String>) -> Checked<T> {
    Err(Rejection::invalid(field, message))
}

/// An id sent as a string or a number.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum IdValue {
    Text(String),
    Number(i64),
}

impl IdValue {
    pub fn text(&self) -> String {
        match self {
            IdValue::Text(s) => s.trim().to_owned(),
            IdValue::Number(n) => n.to_string(),
        }
    }

    /// The numeric id, or `None` if it names nothing Switchboard could have made.
    pub fn numeric(&self) -> Option<i64> {
        crate::domain::ids::parse_numeric(&self.text())
    }
}

/// How a request names a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactKey {
    /// The contact's `id` (Intercom's `intercom_user_id`).
    Id(String),
    /// The contact's `external_id` (`user_id`).
    UserId(String),
    Email(String),
}

impl ContactKey {
    /// The first of `id`, `user_id`, `email` that is present and not blank.
    pub fn pick(id: Option<String>, user_id: Option<String>, email: Option<String>) -> Option<ContactKey> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        clean(id)
            .map(ContactKey::Id)
            .or_else(|| clean(user_id).map(ContactKey::UserId))
            .or_else(|| clean(email).map(ContactKey::Email))
    }
}

fn required_text(field: &'static str, value: Option<String>) -> Checked<String> {
    match value {
        None => Err(Rejection::missing(field)),
        Some(s) if s.trim().is_empty() => invalid(field, format!("{field} must not be blank")),
        Some(s) => Ok(s),
    }
}

fn admin_id(value: Option<IdValue>) -> Checked<i64> {
    let value = value.or_missing("admin_id")?;
    // An id Switchboard never made names no admin; the store reports it as not found.
    Ok(value.numeric().unwrap_or(0))
}

fn attachments(urls: Option<Vec<String>>) -> Checked<Vec<Attachment>> {
    body::attachments(&urls.unwrap_or_default()).or_else(|err| match err {
        AttachmentError::TooMany => invalid(
            "attachment_urls",
            format!("attachment_urls takes at most {} URLs", body::MAX_ATTACHMENTS),
        ),
        AttachmentError::NotAUrl(url) => invalid("attachment_urls", format!("'{url}' is not an http(s) URL")),
    })
}

fn created_at(value: Option<i64>) -> Checked<Option<i64>> {
    match value {
        Some(at) if at <= 0 => invalid("created_at", "created_at must be a UNIX timestamp in seconds"),
        other => Ok(other),
    }
}

// ---------------------------------------------------------------------------------------------
// POST /conversations
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    from: Option<FromBody>,
    body: Option<String>,
    subject: Option<String>,
    attachment_urls: Option<Vec<String>>,
    created_at: Option<i64>,
    brand_id: Option<IdValue>,
}

#[derive(Debug, Deserialize)]
struct FromBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<IdValue>,
    user_id: Option<IdValue>,
    email: Option<String>,
}

/// Who `from` may be: `user` and `lead` name a contact of that role; `contact` names any
/// contact, and a `user_id` nobody has yet is a visitor, who becomes a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromType {
    User,
    Lead,
    Contact,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewConversation {
    pub from_type: FromType,
    pub from: ContactKey,
    /// As sent (the created message shows it so).
    pub text: String,
    pub body: String,
    pub subject: Option<String>,
    pub attachments: Vec<Attachment>,
    pub created_at: Option<i64>,
    /// The brand the conversation belongs to (2.16), kept as sent.
    pub brand_id: Option<String>,
}

impl CreateBody {
    pub fn check(self) -> Checked<NewConversation> {
        let from = self.from.or_missing("from")?;
        let from_type = match from.kind.as_deref().map(str::trim) {
            None => return Err(Rejection::missing("from.type")),
            Some("user") => FromType::User,
            Some("lead") => FromType::Lead,
            Some("contact") => FromType::Contact,
            Some(other) => {
                return invalid(
                    "from.type",
                    format!("from.type must be user, lead or contact, not '{other}'"),
                );
            }
        };
        let key = ContactKey::pick(from.id.map(|v| v.text()), from.user_id.map(|v| v.text()), from.email)
            .or_missing("from.id")?;
        let text = required_text("body", self.body)?;
        Ok(NewConversation {
            from_type,
            from: key,
            body: body::to_html(&text),
            text,
            subject: self.subject.filter(|s| !s.trim().is_empty()),
            attachments: attachments(self.attachment_urls)?,
            created_at: created_at(self.created_at)?,
            brand_id: self.brand_id.map(|id| id.text()).filter(|id| !id.is_empty()),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// POST /conversations/{id}/parts
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct ManageBody {
    message_type: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    admin_id: Option<IdValue>,
    body: Option<String>,
    snoozed_until: Option<i64>,
    assignee_id: Option<IdValue>,
}

/// Whom an assignment names; `None` unassigns (`assignee_id` `0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    Admin(Option<i64>),
    Team(Option<i64>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Close { body: Option<String> },
    Snooze { until: i64 },
    Open,
    Assign { to: Assignee, body: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manage {
    pub admin_id: i64,
    pub action: Action,
}

impl ManageBody {
    pub fn check(self, now: i64) -> Checked<Manage> {
        let message_type = self.message_type.or_missing("message_type")?;
        let body = self.body.filter(|b| !b.trim().is_empty()).map(|b| body::to_html(&b));
        let kind = self.kind;
        let admin_only = || match kind.as_deref() {
            None => Err(Rejection::missing("type")),
            Some("admin") => Ok(()),
            Some(other) => invalid("type", format!("type must be admin, not '{other}'")),
        };
        let action = match message_type.as_str() {
            "close" => {
                admin_only()?;
                Action::Close { body }
            }
            "snoozed" => {
                let until = self.snoozed_until.or_missing("snoozed_until")?;
                if until <= now {
                    return invalid("snoozed_until", "snoozed_until must be a UNIX timestamp in the future");
                }
                Action::Snooze { until }
            }
            "open" => Action::Open,
            "assignment" => {
                let raw = self.assignee_id.or_missing("assignee_id")?;
                let id = match raw.text().as_str() {
                    "0" => None,
                    text => Some(text.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
                        Rejection::invalid("assignee_id", format!("assignee_id '{text}' is not an id"))
                    })?),
                };
                let to = match kind.as_deref() {
                    None => return Err(Rejection::missing("type")),
                    Some("admin") => Assignee::Admin(id),
                    Some("team") => Assignee::Team(id),
                    Some(other) => {
                        return invalid("type", format!("type must be admin or team, not '{other}'"));
                    }
                };
                Action::Assign { to, body }
            }
            other => {
                return invalid(
                    "message_type",
                    format!("message_type must be close, snoozed, open or assignment, not '{other}'"),
                );
            }
        };
        Ok(Manage { admin_id: admin_id(self.admin_id)?, action })
    }
}

// ---------------------------------------------------------------------------------------------
// PUT /conversations/{id}
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct UpdateBody {
    pub read: Option<bool>,
    /// Not in 2.11's schema; later versions and both SDKs send it.
    pub title: Option<String>,
    pub custom_attributes: Option<Map<String, Json>>,
    /// The company's Intercom id (2.14); `null` removes the company.
    #[serde(default, deserialize_with = "crate::domain::nullable::present")]
    pub company_id: Option<Option<String>>,
}

// ---------------------------------------------------------------------------------------------
// POST /conversations/redact
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct RedactBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    conversation_id: Option<IdValue>,
    conversation_part_id: Option<IdValue>,
    source_id: Option<IdValue>,
}

/// What to redact. Ids that cannot be Switchboard's are kept as `None`: they name nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redaction {
    Part { conversation_id: Option<i64>, part_id: Option<i64> },
    Source { conversation_id: Option<i64>, source_id: Option<i64> },
}

impl RedactBody {
    pub fn check(self) -> Checked<Redaction> {
        let kind = self.kind.or_missing("type")?;
        let conversation_id = self.conversation_id.or_missing("conversation_id")?.numeric();
        match kind.as_str() {
            "conversation_part" => Ok(Redaction::Part {
                conversation_id,
                part_id: self.conversation_part_id.or_missing("conversation_part_id")?.numeric(),
            }),
            "source" => Ok(Redaction::Source {
                conversation_id,
                source_id: self.source_id.or_missing("source_id")?.numeric(),
            }),
            other => invalid("type", format!("type must be conversation_part or source, not '{other}'")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// POST /conversations/{id}/customers, DELETE /conversations/{id}/customers/{contact_id}
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct AttachBody {
    admin_id: Option<IdValue>,
    customer: Option<CustomerBody>,
}

#[derive(Debug, Deserialize)]
struct CustomerBody {
    intercom_user_id: Option<String>,
    user_id: Option<IdValue>,
    email: Option<String>,
    /// The contact on whose behalf the participant is added, when no admin is given.
    customer: Option<Box<CustomerBody>>,
}

impl CustomerBody {
    fn key(self) -> Option<ContactKey> {
        ContactKey::pick(self.intercom_user_id, self.user_id.map(|v| v.text()), self.email)
    }
}

/// Who adds or removes a participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Admin(i64),
    Contact(ContactKey),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attach {
    pub by: Actor,
    pub contact: ContactKey,
}

impl AttachBody {
    pub fn check(self) -> Checked<Attach> {
        let mut customer = self.customer.or_missing("customer")?;
        let on_behalf = customer.customer.take();
        let contact = customer.key().or_missing("customer.intercom_user_id")?;
        let by = match (self.admin_id, on_behalf) {
            (Some(id), _) => Actor::Admin(admin_id(Some(id))?),
            (None, Some(other)) => {
                Actor::Contact(other.key().or_missing("customer.customer.intercom_user_id")?)
            }
            (None, None) => return Err(Rejection::missing("admin_id")),
        };
        Ok(Attach { by, contact })
    }
}

#[derive(Debug, Deserialize)]
pub struct DetachBody {
    admin_id: Option<IdValue>,
}

impl DetachBody {
    pub fn check(self) -> Checked<i64> {
        admin_id(self.admin_id)
    }
}

// ---------------------------------------------------------------------------------------------
// POST /conversations/{id}/tags, DELETE /conversations/{id}/tags/{tag_id}
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct TagBody {
    id: Option<IdValue>,
    admin_id: Option<IdValue>,
}

impl TagBody {
    /// `(tag_id, admin_id)`; a tag id Switchboard never made is `0`, which names no tag.
    pub fn check(self) -> Checked<(i64, i64)> {
        let tag = self.id.or_missing("id")?;
        Ok((tag.numeric().unwrap_or(0), admin_id(self.admin_id)?))
    }
}

#[derive(Debug, Deserialize)]
pub struct UntagBody {
    admin_id: Option<IdValue>,
}

impl UntagBody {
    pub fn check(self) -> Checked<i64> {
        admin_id(self.admin_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read<T: serde::de::DeserializeOwned>(v: Json) -> T {
        serde_json::from_value(v).unwrap()
    }

    /// The field a `parameter_invalid` rejection names.
    fn invalid_field<T: std::fmt::Debug>(checked: Checked<T>) -> String {
        let err = checked.unwrap_err();
        assert_eq!(err.code, crate::domain::error::ErrorCode::ParameterInvalid, "{err}");
        err.field.unwrap()
    }

    #[test]
    fn create_names_the_contact_and_wraps_the_body() {
        let c = read::<CreateBody>(json!({"from": {"type": "user", "id": "abc"}, "body": "Hi <you>"}))
            .check()
            .unwrap();
        assert_eq!((c.from_type, c.from.clone()), (FromType::User, ContactKey::Id("abc".into())));
        assert_eq!((c.text.as_str(), c.body.as_str()), ("Hi <you>", "<p>Hi &lt;you&gt;</p>"));
        let c = read::<CreateBody>(json!({"from": {"type": "contact", "user_id": 42}, "body": "x"})).check();
        assert_eq!(c.unwrap().from, ContactKey::UserId("42".into()));
        let err = read::<CreateBody>(json!({"from": {"type": "user", "id": "a"}})).check().unwrap_err();
        assert_eq!(err, Rejection::missing("body"));
        let err = read::<CreateBody>(json!({"from": {"type": "admin", "id": "a"}, "body": "x"})).check();
        assert_eq!(invalid_field(err), "from.type");
        let err = read::<CreateBody>(json!({"body": "x"})).check().unwrap_err();
        assert_eq!(err, Rejection::missing("from"));
    }

    #[test]
    fn replies_by_admins_and_contacts() {
        let r =
            read::<ReplyBody>(json!({"message_type": "note", "type": "admin", "admin_id": 5, "body": "x"}))
                .check()
                .unwrap();
        assert_eq!(r.by, Replier::Admin { admin_id: 5, message: AdminMessage::Note });
        let r = read::<ReplyBody>(
            json!({"message_type": "comment", "type": "user", "email": "a@b.c", "body": "x", "created_at": 9}),
        )
        .check()
        .unwrap();
        assert_eq!((r.by, r.created_at), (Replier::Contact(ContactKey::Email("a@b.c".into())), Some(9)));
        let err = read::<ReplyBody>(json!({"message_type": "comment", "type": "admin", "body": "x"})).check();
        assert_eq!(err.unwrap_err(), Rejection::missing("admin_id"));
        let err =
            read::<ReplyBody>(json!({"message_type": "note", "type": "user", "user_id": "u", "body": "x"}));
        assert_eq!(invalid_field(err.check()), "message_type");
        let many: Vec<String> = (0..11).map(|i| format!("https://x.io/{i}.png")).collect();
        let err = read::<ReplyBody>(
            json!({"message_type": "comment", "type": "admin", "admin_id": "1", "body": "x", "attachment_urls": many}),
        );
        assert_eq!(invalid_field(err.check()), "attachment_urls");
    }

    #[test]
    fn quick_replies_offer_options_and_contacts_pick_one() {
        let yes = json!({"text": "Yes", "uuid": "a5e1c524-5ddd-4c3e-9328-6bca5d6e3edb"});
        let no = json!({"text": "No", "uuid": "f4a98af1-be56-4948-a57e-e1a83f8484c6"});
        let r = read::<ReplyBody>(
            json!({"message_type": "quick_reply", "type": "admin", "admin_id": 1, "reply_options": [yes, no]}),
        )
        .check()
        .unwrap();
        assert_eq!((r.by, r.body), (Replier::Admin { admin_id: 1, message: AdminMessage::QuickReply }, None));
        assert_eq!(r.metadata.quick_reply_options.unwrap().len(), 2);
        let r = read::<ReplyBody>(
            json!({"message_type": "quick_reply", "type": "user", "intercom_user_id": "c", "reply_options": [yes]}),
        )
        .check()
        .unwrap();
        assert_eq!(r.body.as_deref(), Some("<p>Yes</p>"));
        assert_eq!(r.metadata.quick_reply_uuid.as_deref(), Some("a5e1c524-5ddd-4c3e-9328-6bca5d6e3edb"));
        let err = read::<ReplyBody>(json!({"message_type": "quick_reply", "type": "admin", "admin_id": 1}));
        assert_eq!(err.check().unwrap_err(), Rejection::missing("reply_options"));
        let err = read::<ReplyBody>(
            json!({"message_type": "quick_reply", "type": "user", "email": "a@b.c", "reply_options": [yes, no]}),
        );
        assert_eq!(invalid_field(err.check()), "reply_options");
        let err = read::<ReplyBody>(json!({"message_type": "quick_reply", "type": "admin", "admin_id": 1,
            "reply_options": [{"text": "Yes", "uuid": "nope"}]}));
        assert_eq!(invalid_field(err.check()), "reply_options");
    }

    #[test]
    fn manage_actions() {
        let m = |v: Json| read::<ManageBody>(v).check(100);
        assert_eq!(
            m(json!({"message_type": "close", "type": "admin", "admin_id": "1"})).unwrap().action,
            Action::Close { body: None }
        );
        assert_eq!(
            invalid_field(m(json!({"message_type": "snoozed", "admin_id": "1", "snoozed_until": 50}))),
            "snoozed_until"
        );
        assert_eq!(
            m(json!({"message_type": "assignment", "type": "team", "admin_id": 1, "assignee_id": "0"}))
                .unwrap()
                .action,
            Action::Assign { to: Assignee::Team(None), body: None }
        );
        assert_eq!(
            m(json!({"message_type": "assignment", "type": "admin", "admin_id": 1, "assignee_id": 7}))
                .unwrap()
                .action,
            Action::Assign { to: Assignee::Admin(Some(7)), body: None }
        );
        assert_eq!(m(json!({"message_type": "open"})).unwrap_err(), Rejection::missing("admin_id"));
        assert_eq!(invalid_field(m(json!({"message_type": "wave", "admin_id": 1}))), "message_type");
    }

    #[test]
    fn redaction_and_participants() {
        let r = read::<RedactBody>(
            json!({"type": "conversation_part", "conversation_id": 4, "conversation_part_id": "x"}),
        );
        assert_eq!(r.check().unwrap(), Redaction::Part { conversation_id: Some(4), part_id: None });
        let a = read::<AttachBody>(json!({"customer": {"email": "e@x.io", "customer": {"user_id": "u1"}}}));
        assert_eq!(
            a.check().unwrap(),
            Attach {
                by: Actor::Contact(ContactKey::UserId("u1".into())),
                contact: ContactKey::Email("e@x.io".into())
            }
        );
        let a = read::<AttachBody>(json!({"customer": {"email": "e@x.io"}}));
        assert_eq!(a.check().unwrap_err(), Rejection::missing("admin_id"));
    }
}
