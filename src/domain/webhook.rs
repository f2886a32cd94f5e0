//! Webhooks: the topics a workspace can subscribe to, subscriptions and their rules, and the
//! `notification_event` each delivery sends, signed with the workspace's `client_secret`.
//!
//! [`TOPICS`] is the one list of topics: a store write that causes one calls
//! `store::webhooks::notify` with its constant (`webhook::CONTACT_USER_CREATED`). A topic added
//! here can be subscribed to at once; docs/webhooks.md says which writes send which.

use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha1::Sha1;

use crate::domain::conversation::State;
use crate::domain::conversation::requests::{Action, AdminMessage, Assignee, Manage, Replier, Reply};
use crate::domain::error::Rejection;
use crate::domain::version::Version;

/// A topic: its name as Intercom spells it, what sends it, and what its item is.
#[derive(Debug, Clone, Copy)]
pub struct Topic {
    pub name: &'static str,
    pub trigger: &'static str,
    pub item: &'static str,
}

macro_rules! topics {
    ($($constant:ident => $name:literal, $trigger:literal, $item:literal;)*) => {
        $(
            #[doc = $trigger]
            pub const $constant: &str = $name;
        )*

        /// Every topic, in the order docs/webhooks.md lists them.
        pub const TOPICS: &[Topic] = &[$(Topic { name: $name, trigger: $trigger, item: $item }),*];
    };
}

topics! {
    PING => "ping", "A subscription is created (sent to it alone).", "ping";
    CONTACT_USER_CREATED => "contact.user.created", "A user is created.", "contact";
    CONTACT_LEAD_CREATED => "contact.lead.created", "A lead is created.", "contact";
    CONTACT_USER_UPDATED => "contact.user.updated", "A user is updated.", "contact";
    CONTACT_LEAD_UPDATED => "contact.lead.updated", "A lead is updated.", "contact";
    CONTACT_LEAD_SIGNED_UP => "contact.lead.signed_up", "A lead becomes a user (its role is set to user).", "contact";
    CONTACT_EMAIL_UPDATED => "contact.email.updated", "A contact's email changes.", "contact";
    CONTACT_ARCHIVED => "contact.archived", "A contact is archived.", "contact";
    CONTACT_UNARCHIVED => "contact.unarchived", "A contact is unarchived.", "contact";
    CONTACT_DELETED => "contact.deleted", "A contact is deleted.", "contact (type, id, external_id)";
    CONTACT_MERGED => "contact.merged", "A lead is merged into a user.", "contact (the user)";
    CONTACT_TAG_CREATED => "contact.tag.created", "A tag is applied to a contact.", "contact_tag";
    CONTACT_TAG_DELETED => "contact.tag.deleted", "A tag is removed from a contact.", "contact_tag";
    COMPANY_CREATED => "company.created", "A company is created.", "company";
    COMPANY_UPDATED => "company.updated", "A company is updated.", "company";
    COMPANY_DELETED => "company.deleted", "A company is deleted.", "company (type, id)";
    EVENT_CREATED => "event.created", "A data event is submitted.", "event";
    CONVERSATION_USER_CREATED => "conversation.user.created", "A contact starts a conversation.", "conversation";
    CONVERSATION_USER_REPLIED => "conversation.user.replied", "A contact replies to a conversation.", "conversation";
    CONVERSATION_ADMIN_REPLIED => "conversation.admin.replied", "An admin replies to a conversation.", "conversation";
    CONVERSATION_ADMIN_SINGLE_CREATED => "conversation.admin.single.created", "An admin starts a conversation (sends a message).", "conversation";
    CONVERSATION_ADMIN_ASSIGNED => "conversation.admin.assigned", "An admin assigns a conversation (to an admin, a team or nobody).", "conversation";
    CONVERSATION_ADMIN_NOTED => "conversation.admin.noted", "An admin adds a note to a conversation.", "conversation";
    CONVERSATION_ADMIN_CLOSED => "conversation.admin.closed", "An admin closes a conversation.", "conversation";
    CONVERSATION_ADMIN_OPENED => "conversation.admin.opened", "An admin opens a conversation that was not snoozed.", "conversation";
    CONVERSATION_ADMIN_SNOOZED => "conversation.admin.snoozed", "An admin snoozes a conversation.", "conversation";
    CONVERSATION_ADMIN_UNSNOOZED => "conversation.admin.unsnoozed", "An admin opens a snoozed conversation.", "conversation";
    CONVERSATION_DELETED => "conversation.deleted", "A conversation is deleted.", "conversation (type, id)";
    CONVERSATION_PART_TAG_CREATED => "conversation_part.tag.created", "A tag is newly applied to a conversation.", "conversation with tags_added";
    CONVERSATION_PART_REDACTED => "conversation_part.redacted", "A conversation part or source is redacted.", "conversation";
    TICKET_CREATED => "ticket.created", "A ticket is created (also by converting a conversation).", "ticket";
    TICKET_STATE_UPDATED => "ticket.state.updated", "A ticket moves to another state.", "ticket";
    TICKET_RESOLVED => "ticket.resolved", "A ticket moves to a resolved state.", "ticket";
    TICKET_NOTE_CREATED => "ticket.note.created", "An admin adds a note to a ticket.", "ticket";
    TICKET_ADMIN_ASSIGNED => "ticket.admin.assigned", "A ticket is assigned to an admin.", "ticket";
    TICKET_TEAM_ASSIGNED => "ticket.team.assigned", "A ticket is assigned to a team.", "ticket";
    TICKET_ATTRIBUTE_UPDATED => "ticket.attribute.updated", "A ticket's attributes change.", "ticket";
    TICKET_ADMIN_REPLIED => "ticket.admin.replied", "An admin replies to a ticket.", "ticket";
    TICKET_CONTACT_REPLIED => "ticket.contact.replied", "A contact replies to a ticket.", "ticket";
    TICKET_CLOSED => "ticket.closed", "A ticket's conversation is closed.", "{ticket}";
    TICKET_CONTACT_ATTACHED => "ticket.contact.attached", "A contact is added to a ticket.", "ticket";
    TICKET_CONTACT_DETACHED => "ticket.contact.detached", "A contact is removed from a ticket.", "ticket";
}

/// The topics of a reply: the conversation's, and the ticket's when the conversation is one.
pub fn reply_topics(reply: &Reply) -> (&'static str, &'static str) {
    match &reply.by {
        Replier::Admin { message: AdminMessage::Note, .. } => (CONVERSATION_ADMIN_NOTED, TICKET_NOTE_CREATED),
        Replier::Admin { .. } => (CONVERSATION_ADMIN_REPLIED, TICKET_ADMIN_REPLIED),
        Replier::Contact(_) => (CONVERSATION_USER_REPLIED, TICKET_CONTACT_REPLIED),
    }
}

/// The topics of closing, snoozing, opening or assigning a conversation that was `before`:
/// the conversation's, and the ticket's (if Intercom has one) when the conversation is one.
/// Opening a snoozed conversation unsnoozes it; assigning to nobody is an assignment too.
pub fn manage_topics(manage: &Manage, before: State) -> (&'static str, Option<&'static str>) {
    match &manage.action {
        Action::Close { .. } => (CONVERSATION_ADMIN_CLOSED, Some(TICKET_CLOSED)),
        Action::Snooze { .. } => (CONVERSATION_ADMIN_SNOOZED, None),
        Action::Open if before == State::Snoozed => (CONVERSATION_ADMIN_UNSNOOZED, None),
        Action::Open => (CONVERSATION_ADMIN_OPENED, None),
        Action::Assign { to: Assignee::Admin(Some(_)), .. } => {
            (CONVERSATION_ADMIN_ASSIGNED, Some(TICKET_ADMIN_ASSIGNED))
        }
        Action::Assign { to: Assignee::Team(Some(_)), .. } => {
            (CONVERSATION_ADMIN_ASSIGNED, Some(TICKET_TEAM_ASSIGNED))
        }
        Action::Assign { .. } => (CONVERSATION_ADMIN_ASSIGNED, None),
    }
}

/// What an update changed on a ticket, for its topics.
#[derive(Debug, Clone, Copy, Default)]
pub struct TicketChanges {
    /// It moved to another state.
    pub state: bool,
    /// It moved to a resolved state.
    pub resolved: bool,
    pub attributes: bool,
    /// Its conversation was closed.
    pub closed: bool,
    pub admin_assigned: bool,
    pub team_assigned: bool,
}

impl TicketChanges {
    pub fn topics(self) -> Vec<&'static str> {
        [
            (self.state, TICKET_STATE_UPDATED),
            (self.resolved, TICKET_RESOLVED),
            (self.attributes, TICKET_ATTRIBUTE_UPDATED),
            (self.closed, TICKET_CLOSED),
            (self.admin_assigned, TICKET_ADMIN_ASSIGNED),
            (self.team_assigned, TICKET_TEAM_ASSIGNED),
        ]
        .into_iter()
        .filter_map(|(changed, topic)| changed.then_some(topic))
        .collect()
    }
}

/// The topic called `name`, if there is one.
pub fn topic(name: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|t| t.name == name)
}

/// A subscription as the body of `POST /_switchboard/webhooks` (or the CLI) asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSubscription {
    pub url: String,
    pub topics: Vec<String>,
    pub api_version: Version,
}

/// Checks a subscription: an http(s) URL, known topics (a bad one is named), a known version.
pub fn new_subscription(
    url: &str,
    topics: &[String],
    api_version: Option<&str>,
    default_version: Version,
) -> Result<NewSubscription, Rejection> {
    let url = url.trim();
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => {}
        _ => return Err(Rejection::invalid("url", format!("url must be an http or https URL, not '{url}'"))),
    }
    if topics.is_empty() {
        return Err(Rejection::invalid("topics", "topics must list at least one topic"));
    }
    let mut names: Vec<String> = Vec::with_capacity(topics.len());
    for name in topics {
        let name = name.trim();
        if topic(name).is_none() {
            return Err(Rejection::invalid("topics", format!("'{name}' is not a webhook topic")));
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    let api_version = match api_version {
        None => default_version,
        Some(raw) => Version::parse(raw).ok_or_else(|| {
            Rejection::invalid("api_version", format!("'{raw}' is not an Intercom API version"))
        })?,
    };
    Ok(NewSubscription { url: url.to_owned(), topics: names, api_version })
}

/// Reads the body of `POST /_switchboard/webhooks`: `{"url", "topics": [...], "api_version"?}`.
pub fn parse_subscription(
    body: &Map<String, Value>,
    default_version: Version,
) -> Result<NewSubscription, Rejection> {
    const FIELDS: [&str; 3] = ["url", "topics", "api_version"];
    if let Some(unknown) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(Rejection::invalid(
            unknown,
            format!("{unknown} is not a field of a webhook subscription"),
        ));
    }
    let url = match body.get("url") {
        Some(Value::String(url)) => url,
        None | Some(Value::Null) => return Err(Rejection::missing("url")),
        Some(_) => return Err(Rejection::invalid("url", "url must be a string")),
    };
    let topics = match body.get("topics") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| t.as_str().map(str::to_owned))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| Rejection::invalid("topics", "topics must be an array of strings"))?,
        None | Some(Value::Null) => return Err(Rejection::missing("topics")),
        Some(_) => return Err(Rejection::invalid("topics", "topics must be an array of strings")),
    };
    let api_version = match body.get("api_version") {
        None | Some(Value::Null) => None,
        Some(Value::String(v)) => Some(v.as_str()),
        Some(_) => return Err(Rejection::invalid("api_version", "api_version must be a string")),
    };
    new_subscription(url, &topics, api_version, default_version)
}

/// A subscription as the management endpoints and the CLI show it.
#[derive(Debug, Clone, Serialize)]
pub struct Subscription {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub url: String,
    pub topics: Vec<String>,
    pub api_version: Version,
    pub active: bool,
    pub created_at: i64,
}

impl Subscription {
    pub fn wants(&self, topic: &str) -> bool {
        self.topics.iter().any(|t| t == topic)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its first attempt or its next retry.
    Pending,
    /// Claimed by a worker, which holds it until its lease ends.
    Delivering,
    Delivered,
    /// Retried for the whole retry window without a 2xx.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivering => "delivering",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivering,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
}

impl Serialize for DeliveryStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A notification's delivery to one subscription, as `GET .../deliveries` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub notification_id: String,
    pub topic: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub created_at: i64,
    pub first_sent_at: Option<i64>,
    pub delivered_at: Option<i64>,
    /// The last attempt's HTTP status (`null`: none yet, or no answer).
    pub response_code: Option<i64>,
    /// The start of the last answer's body, or why there was none.
    pub response_excerpt: Option<String>,
    pub duration_ms: Option<i64>,
    /// When a pending delivery is next tried (real time, seconds).
    pub next_attempt_at: Option<i64>,
}

/// The item of a `ping`.
pub fn ping_item() -> Value {
    json!({"type": "ping", "message": "Switchboard is sending this subscription's notifications."})
}

/// What the body of one attempt says about the delivery so far.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    /// This attempt's number, from 1.
    pub number: i64,
    pub first_sent_at: i64,
}

/// The `notification_event` one attempt sends: `item` already in the subscription's version.
pub fn notification_event(
    public_id: &str,
    topic: &str,
    app_id: &str,
    created_at: i64,
    attempt: Attempt,
    item: Value,
) -> Value {
    json!({
        "type": "notification_event",
        "app_id": app_id,
        "data": {"type": "notification_event_data", "item": item},
        "links": {},
        "id": public_id,
        "topic": topic,
        "delivery_status": "pending",
        "delivery_attempts": attempt.number,
        "delivered_at": 0,
        "first_sent_at": attempt.first_sent_at,
        "created_at": created_at,
        "self": null,
    })
}

/// `X-Hub-Signature`: `sha1=` and the hex HMAC-SHA1 of the exact body, keyed by the secret.
pub fn signature(client_secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha1>::new_from_slice(client_secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The wait before retry `attempt + 1` after `attempt` failures: `base` doubled per failure,
/// times a jitter factor (`jitter` in 0..1 maps to 0.8..1.2) so endpoints that failed together
/// are not retried together.
pub fn backoff_ms(base_ms: u64, attempt: i64, jitter: f64) -> i64 {
    let doublings = attempt.clamp(1, 40) - 1;
    let delay = (base_ms as f64) * 2f64.powi(doublings as i32) * (0.8 + 0.4 * jitter.clamp(0.0, 1.0));
    delay.min(i64::MAX as f64 / 2.0) as i64
}

/// The most of an answer's body a delivery keeps.
pub const EXCERPT_CHARS: usize = 200;

/// The start of an answer's body, as text.
pub fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(EXCERPT_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hex_hmac_sha1_of_the_body() {
        // RFC 2202, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
    }

    #[test]
    fn managing_a_conversation_names_its_topics() {
        let manage = |action| Manage { admin_id: 1, action };
        let open = manage(Action::Open);
        assert_eq!(manage_topics(&open, State::Snoozed), (CONVERSATION_ADMIN_UNSNOOZED, None));
        assert_eq!(manage_topics(&open, State::Closed), (CONVERSATION_ADMIN_OPENED, None));
        let close = manage(Action::Close { body: None });
        assert_eq!(manage_topics(&close, State::Open), (CONVERSATION_ADMIN_CLOSED, Some(TICKET_CLOSED)));
        let to_team = manage(Action::Assign { to: Assignee::Team(Some(3)), body: None });
        assert_eq!(manage_topics(&to_team, State::Open).1, Some(TICKET_TEAM_ASSIGNED));
        let to_nobody = manage(Action::Assign { to: Assignee::Admin(None), body: None });
        assert_eq!(manage_topics(&to_nobody, State::Open), (CONVERSATION_ADMIN_ASSIGNED, None));
    }

    #[test]
    fn a_ticket_update_sends_one_topic_per_kind_of_change() {
        assert!(TicketChanges::default().topics().is_empty());
        let resolved_and_closed =
            TicketChanges { state: true, resolved: true, closed: true, ..Default::default() };
        assert_eq!(resolved_and_closed.topics(), [TICKET_STATE_UPDATED, TICKET_RESOLVED, TICKET_CLOSED]);
        // Every topic a write sends is one a subscription can name.
        for name in resolved_and_closed.topics() {
            assert!(topic(name).is_some(), "{name}");
        }
    }

    #[test]
    fn subscriptions_need_an_http_url_and_known_topics() {
        let topics = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ok =
            new_subscription("http://127.0.0.1:9/hook", &topics(&["ping", "ping"]), None, Version::V2_11)
                .unwrap();
        assert_eq!(ok.topics, ["ping"]);
        assert_eq!(ok.api_version, Version::V2_11);
        for bad in ["ftp://x/", "not a url", "http://"] {
            let err = new_subscription(bad, &topics(&["ping"]), None, Version::V2_11).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("url"), "{bad}");
        }
        let err = new_subscription("https://x.test/", &topics(&["contact.nope"]), None, Version::V2_11)
            .unwrap_err();
        assert!(err.message.contains("contact.nope"));
        let err =
            new_subscription("https://x.test/", &topics(&["ping"]), Some("9.9"), Version::V2_11).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("api_version"));
    }

    #[test]
    fn backoff_doubles_within_its_jitter() {
        assert_eq!(backoff_ms(1000, 1, 0.5), 1000);
        assert_eq!(backoff_ms(1000, 3, 0.5), 4000);
        assert_eq!(backoff_ms(1000, 1, 0.0), 800);
        assert_eq!(backoff_ms(1000, 1, 1.0), 1200);
    }

    #[test]
    fn topic_names_are_unique() {
        for (i, t) in TOPICS.iter().enumerate() {
            assert!(!TOPICS[..i].iter().any(|o| o.name == t.name), "{}", t.name);
        }
    }
}
