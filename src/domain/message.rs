//! Messages (`POST /messages`): an admin's in-app, email or WhatsApp message to contacts, or a
//! contact's message in. Either starts a conversation; the message's id is the conversation's
//! (its `source.id`), so "search for a contact's conversations with the id of the message"
//! finds it. Also the WhatsApp delivery statuses `GET /messages/status` and
//! `GET /messages/whatsapp/status` report.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::conversation::body;
use super::conversation::requests::{ContactKey, FromType, IdValue, NewConversation};
use super::error::{ErrorCode, OrMissing, Rejection};
use super::ids;

type Checked<T> = Result<T, Rejection>;

/// `create_message_request`, read loosely and checked by [`MessageBody::check`].
#[derive(Debug, Deserialize)]
pub struct MessageBody {
    message_type: Option<String>,
    subject: Option<String>,
    body: Option<String>,
    template: Option<String>,
    from: Option<PartyBody>,
    to: Option<OneOrMany<PartyBody>>,
    cc: Option<OneOrMany<PartyBody>>,
    bcc: Option<OneOrMany<PartyBody>>,
    created_at: Option<i64>,
    create_conversation_without_contact_reply: Option<bool>,
    /// Where a contact's message was written (the conversation's `source.url`).
    referer: Option<String>,
    /// A WhatsApp template's parameters, and its language.
    components: Option<Vec<Json>>,
    locale: Option<String>,
}

/// A recipient, or (2.16) a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

/// A sender or recipient: an admin or contact by `type` and id, or a WhatsApp number.
#[derive(Debug, Deserialize)]
struct PartyBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<IdValue>,
    user_id: Option<IdValue>,
    email: Option<String>,
    phone: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    InApp,
    Email,
    Whatsapp,
}

impl MessageType {
    /// As `message.message_type` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::InApp => "inapp",
            MessageType::Email => "email",
            MessageType::Whatsapp => "whatsapp",
        }
    }

    /// The conversation's `source.type`.
    pub fn source_type(self) -> &'static str {
        match self {
            MessageType::InApp => "conversation",
            MessageType::Email => "email",
            MessageType::Whatsapp => "whatsapp",
        }
    }

    fn parse(raw: Option<&str>) -> Checked<MessageType> {
        match raw.map(str::trim) {
            // `conversation` is what the description's admin example sends for an in-app message.
            None | Some("in_app") | Some("inapp") | Some("conversation") => Ok(MessageType::InApp),
            Some("email") => Ok(MessageType::Email),
            Some("whatsapp") => Ok(MessageType::Whatsapp),
            Some(other) => Err(Rejection::invalid(
                "message_type",
                format!("message_type must be in_app, email or whatsapp, not '{other}'"),
            )),
        }
    }
}

/// Whom an admin's message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addressee {
    /// A contact; `lead` or `user` when the request said which it must be.
    Contact { is_user: Option<bool>, key: ContactKey },
    /// A WhatsApp number: the contact with it, or a new lead.
    Phone { phone: String, name: Option<String> },
}

/// Which list of `POST /messages` a recipient was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    To,
    Cc,
    Bcc,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::To => "to",
            Field::Cc => "cc",
            Field::Bcc => "bcc",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdminMessage {
    /// `None`: "the default sender", the admin whose token made the request.
    pub admin_id: Option<i64>,
    pub message_type: MessageType,
    pub subject: Option<String>,
    /// As sent (the answer shows it so), and as stored.
    pub text: String,
    pub body: String,
    pub template: Option<String>,
    pub locale: Option<String>,
    pub components: Option<Vec<Json>>,
    pub recipients: Vec<(Field, Addressee)>,
    pub created_at: Option<i64>,
    /// `create_conversation_without_contact_reply`: the conversation is open in the inbox at
    /// once; otherwise it waits, closed, until the contact replies.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NewMessage {
    /// A contact's message: a conversation as `POST /conversations` starts it.
    FromContact {
        conversation: NewConversation,
        referer: Option<String>,
    },
    FromAdmin(AdminMessage),
}

fn clean(value: Option<String>) -> Option<String> {
    value.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// "Body is required", as Intercom words it (a 400 `parameter_invalid`).
fn body_required() -> Rejection {
    Rejection::invalid("body", "Body is required")
}

impl MessageBody {
    pub fn check(mut self) -> Checked<NewMessage> {
        // "If not provided, the default sender will be used": the admin whose token sends it.
        let Some(from) = self.from.take() else {
            return self.admin(None).map(NewMessage::FromAdmin);
        };
        match from.kind.as_deref().map(str::trim) {
            None => Err(Rejection::missing("from.type")),
            Some("admin") => self.admin(from.id).map(NewMessage::FromAdmin),
            Some(kind @ ("user" | "lead" | "contact")) => {
                let from_type = match kind {
                    "user" => FromType::User,
                    "lead" => FromType::Lead,
                    _ => FromType::Contact,
                };
                self.contact(from_type, from)
            }
            Some(other) => Err(Rejection::invalid(
                "from.type",
                format!("from.type must be admin, user, lead or contact, not '{other}'"),
            )),
        }
    }

    fn contact(self, from_type: FromType, from: PartyBody) -> Checked<NewMessage> {
        let key = ContactKey::pick(from.id.map(|v| v.text()), from.user_id.map(|v| v.text()), from.email)
            .or_missing("from.id")?;
        if MessageType::parse(self.message_type.as_deref())? != MessageType::InApp {
            return Err(Rejection::invalid("message_type", "a contact's message is an in-app message"));
        }
        // What only an admin's message has is refused rather than dropped.
        for (field, present) in [
            ("to", self.to.is_some()),
            ("cc", self.cc.is_some()),
            ("bcc", self.bcc.is_some()),
            ("template", self.template.is_some()),
            ("components", self.components.is_some()),
            ("locale", self.locale.is_some()),
            (
                "create_conversation_without_contact_reply",
                self.create_conversation_without_contact_reply.is_some(),
            ),
        ] {
            if present {
                return Err(Rejection::invalid(field, format!("{field} is for an admin's message")));
            }
        }
        let text = self.body.filter(|b| !b.trim().is_empty()).ok_or_else(body_required)?;
        let conversation = NewConversation {
            from_type,
            from: key,
            body: body::to_html(&text),
            text,
            subject: clean(self.subject),
            attachments: Vec::new(),
            created_at: created_at(self.created_at)?,
            brand_id: None,
        };
        Ok(NewMessage::FromContact { conversation, referer: clean(self.referer) })
    }

    fn admin(self, id: Option<IdValue>) -> Checked<AdminMessage> {
        // An id Switchboard never made names no admin; the store reports it as not found.
        let admin_id = id.map(|id| id.numeric().unwrap_or(0));
        let message_type = MessageType::parse(self.message_type.as_deref())?;
        let template = clean(self.template);
        let subject = clean(self.subject);
        let text = match message_type {
            MessageType::Whatsapp => {
                let template = template.as_deref().or_missing("template")?;
                // A template message's text is its template; a body, if sent, is kept.
                self.body.clone().filter(|b| !b.trim().is_empty()).unwrap_or_else(|| template.to_owned())
            }
            _ => self.body.clone().filter(|b| !b.trim().is_empty()).ok_or_else(body_required)?,
        };
        if message_type == MessageType::Email && subject.is_none() {
            return Err(Rejection::new(ErrorCode::NoSubject, "No subject supplied for email message")
                .with_field("subject"));
        }
        if message_type != MessageType::Whatsapp {
            if let Some(t) = template.as_deref().filter(|t| !matches!(*t, "plain" | "personal")) {
                return Err(Rejection::invalid(
                    "template",
                    format!("template must be plain or personal, not '{t}'"),
                ));
            }
            if self.components.is_some() {
                return Err(Rejection::invalid("components", "components are for a WhatsApp message"));
            }
        }
        let mut recipients = Vec::new();
        for (field, list) in [(Field::To, self.to), (Field::Cc, self.cc), (Field::Bcc, self.bcc)] {
            for party in list.map(OneOrMany::into_vec).unwrap_or_default() {
                recipients.push((field, addressee(field, party, message_type)?));
            }
        }
        if !recipients.iter().any(|(field, _)| *field == Field::To) {
            return Err(Rejection::missing("to"));
        }
        if message_type == MessageType::Whatsapp && recipients.len() > 1 {
            return Err(Rejection::invalid("to", "a WhatsApp message goes to one recipient"));
        }
        Ok(AdminMessage {
            admin_id,
            message_type,
            subject,
            body: match message_type {
                MessageType::Whatsapp => body::to_html(&text),
                _ => html(&text),
            },
            text,
            template: template.or_else(|| (message_type == MessageType::Email).then(|| "plain".to_owned())),
            locale: clean(self.locale),
            components: self.components,
            recipients,
            created_at: created_at(self.created_at)?,
            open: self.create_conversation_without_contact_reply.unwrap_or(false),
        })
    }
}

/// A message's body: HTML is kept as sent, text becomes a paragraph.
fn html(text: &str) -> String {
    if text.trim_start().starts_with('<') { text.trim().to_owned() } else { body::to_html(text) }
}

fn created_at(value: Option<i64>) -> Checked<Option<i64>> {
    match value {
        Some(at) if at <= 0 => {
            Err(Rejection::invalid("created_at", "created_at must be a UNIX timestamp in seconds"))
        }
        other => Ok(other),
    }
}

fn addressee(field: Field, party: PartyBody, message_type: MessageType) -> Checked<Addressee> {
    let name = field.as_str();
    if let Some(phone) = clean(party.phone.clone()) {
        if message_type != MessageType::Whatsapp || party.kind.is_some() {
            return Err(Rejection::invalid(name, format!("{name}.phone is for a WhatsApp recipient")));
        }
        let phone = crate::domain::contact::formatted_phone(&phone)
            .ok_or_else(|| Rejection::invalid(name, format!("'{phone}' is not a phone number")))?;
        return Ok(Addressee::Phone { phone, name: clean(party.name) });
    }
    let is_user = match party.kind.as_deref().map(str::trim) {
        None => return Err(Rejection::missing(&format!("{name}.type"))),
        Some("user") => Some(true),
        Some("lead") => Some(false),
        Some("contact") => None,
        Some(other) => {
            return Err(Rejection::invalid(name, format!("{name}.type must be user or lead, not '{other}'")));
        }
    };
    let key = ContactKey::pick(party.id.map(|v| v.text()), party.user_id.map(|v| v.text()), party.email)
        .ok_or_else(|| Rejection::missing(&format!("{name}.id")))?;
    Ok(Addressee::Contact { is_user, key })
}

/// A recipient as the message row keeps it: a contact's API id and its email when sent, by field.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredRecipient {
    pub field: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
}

impl StoredRecipient {
    /// As an email conversation's `source.recipients` shows it (2.16): a contact without an
    /// email address is dropped.
    pub fn email_header(&self) -> Json {
        match &self.email {
            Some(email) => serde_json::json!({"type": self.field, "email": email, "drop_reason": null}),
            None => serde_json::json!({"type": self.field, "drop_reason": "no_email_address"}),
        }
    }
}

/// A WhatsApp message's id: made by Switchboard, since no WhatsApp message is sent.
pub fn whatsapp_message_id(at: i64) -> String {
    format!("wamid.{}", ids::hex_id(at))
}

/// `whatsapp_message_status`.
#[derive(Debug, Clone, Serialize)]
pub struct WhatsappStatus {
    pub conversation_id: String,
    pub status: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub created_at: i64,
    pub updated_at: i64,
    pub template_name: String,
    pub message_id: String,
    pub error: Option<DeliveryError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeliveryError {
    pub message: String,
    pub details: Option<String>,
}

/// One of `whatsapp_message_status_list.events`.
#[derive(Debug, Clone, Serialize)]
pub struct StatusEvent {
    pub id: String,
    pub conversation_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub status: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub created_at: i64,
    pub updated_at: i64,
    pub whatsapp_message_id: String,
    pub template_name: String,
}

/// `whatsapp_message_status_list`.
#[derive(Debug, Clone, Serialize)]
pub struct StatusList {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub ruleset_id: String,
    pub pages: StatusPages,
    pub total_count: i64,
    pub events: Vec<StatusEvent>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusPages {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub per_page: u64,
    pub total_pages: i64,
    pub next: Option<NextPage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NextPage {
    pub starting_after: String,
}

/// What a WhatsApp event is: Switchboard's come from `POST /messages`, an outbound message.
pub const BROADCAST_OUTBOUND: &str = "broadcast_outbound";

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(body: Json) -> Checked<NewMessage> {
        serde_json::from_value::<MessageBody>(body).unwrap().check()
    }

    fn admin(body: Json) -> AdminMessage {
        match check(body).unwrap() {
            NewMessage::FromAdmin(m) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn admin_messages() {
        let m = admin(json!({"from": {"type": "admin", "id": 7}, "to": {"type": "user", "id": "abc"},
            "message_type": "inapp", "body": "hey"}));
        assert_eq!(
            (m.admin_id, m.message_type, m.body.as_str()),
            (Some(7), MessageType::InApp, "<p>hey</p>")
        );
        assert_eq!(
            m.recipients,
            vec![(Field::To, Addressee::Contact { is_user: Some(true), key: ContactKey::Id("abc".into()) })]
        );
        assert!(!m.open);
        let m = admin(json!({"from": {"type": "admin", "id": "7"}, "message_type": "email", "subject": "S",
            "body": "<b>x</b>", "to": [{"type": "lead", "id": "a"}], "cc": {"type": "user", "user_id": 5},
            "create_conversation_without_contact_reply": true}));
        assert_eq!((m.body.as_str(), m.template.as_deref(), m.open), ("<b>x</b>", Some("plain"), true));
        assert_eq!(m.recipients.len(), 2);
        let m = admin(json!({"from": {"type": "admin", "id": 1}, "message_type": "whatsapp",
            "template": "keep_live", "to": {"phone": "+55 47 99999-8888", "name": "J"}, "components": []}));
        assert_eq!(
            m.recipients[0].1,
            Addressee::Phone { phone: "+5547999998888".into(), name: Some("J".into()) }
        );
    }

    #[test]
    fn admin_message_errors() {
        let err = check(json!({"from": {"type": "admin", "id": 1}, "to": {"type": "user", "id": "a"},
            "message_type": "inapp", "body": null, "subject": "x"}))
        .unwrap_err();
        assert_eq!((err.code, err.message.as_str()), (ErrorCode::ParameterInvalid, "Body is required"));
        let err = check(json!({"from": {"type": "admin", "id": 1}, "to": {"type": "user", "id": "a"},
            "message_type": "email", "body": "x"}))
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::NoSubject);
        let err = check(json!({"from": {"type": "admin", "id": 1}, "body": "x"})).unwrap_err();
        assert_eq!(err, Rejection::missing("to"));
        let err = check(json!({"from": {"type": "admin", "id": 1}, "message_type": "sms", "body": "x"}));
        assert_eq!(err.unwrap_err().field.as_deref(), Some("message_type"));
        let err = check(json!({"from": {"type": "admin", "id": 1}, "message_type": "whatsapp",
            "to": {"phone": "+1555"}}));
        assert_eq!(err.unwrap_err(), Rejection::missing("template"));
        let err = check(json!({"from": {"type": "bot", "id": 1}, "body": "x"}));
        assert_eq!(err.unwrap_err().field.as_deref(), Some("from.type"));
    }

    #[test]
    fn contact_messages() {
        let m = check(json!({"from": {"type": "lead", "id": "a"}, "body": "hi", "referer": "https://x.io"}));
        match m.unwrap() {
            NewMessage::FromContact { conversation, referer } => {
                assert_eq!(conversation.from_type, FromType::Lead);
                assert_eq!(referer.as_deref(), Some("https://x.io"));
            }
            other => panic!("{other:?}"),
        }
        let err = check(
            json!({"from": {"type": "user", "id": "a"}, "body": "hi", "to": {"type": "user", "id": "b"}}),
        );
        assert_eq!(err.unwrap_err().field.as_deref(), Some("to"));
        let err = check(json!({"from": {"type": "user", "id": "a"}, "body": " "})).unwrap_err();
        assert_eq!(err.message, "Body is required");
    }
}
