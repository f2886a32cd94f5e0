//! The contact object (a user or a lead) and the rules for writing one.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::data_attribute::{AttributeRejection, DataAttribute, check_custom_attributes};
use super::error::{self, ErrorCode};
use super::pages::List;
use super::str_enum::str_enum;
use super::version::{self, Version};

str_enum! {
    /// A contact's role. Intercom also calls leads "contacts" in `person_type`.
    pub enum Role {
        User => "user",
        Lead => "lead",
    }
}

/// The full contact object, field for field as the spec shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub workspace_id: String,
    pub external_id: Option<String>,
    pub role: Role,
    /// Left out when there is none: the description's `email` is a string, never null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_domain: Option<String>,
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "before_2_11")]
    pub formatted_phone: Option<String>,
    pub name: Option<String>,
    /// The image URL as it was written, answered as Intercom's avatar object (null without one).
    #[serde(serialize_with = "avatar_object")]
    pub avatar: Option<String>,
    #[serde(serialize_with = "version::contact_owner_id")]
    pub owner_id: Option<i64>,
    pub social_profiles: SocialProfiles,
    pub has_hard_bounced: bool,
    pub marked_email_as_spam: bool,
    pub unsubscribed_from_emails: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub signed_up_at: Option<i64>,
    pub last_seen_at: Option<i64>,
    pub last_replied_at: Option<i64>,
    pub last_contacted_at: Option<i64>,
    pub last_email_opened_at: Option<i64>,
    pub last_email_clicked_at: Option<i64>,
    pub language_override: Option<String>,
    pub browser: Option<String>,
    pub browser_version: Option<String>,
    pub browser_language: Option<String>,
    pub os: Option<String>,
    pub location: Location,
    pub android_app_name: Option<String>,
    pub android_app_version: Option<String>,
    pub android_device: Option<String>,
    pub android_os_version: Option<String>,
    pub android_sdk_version: Option<String>,
    pub android_last_seen_at: Option<i64>,
    pub ios_app_name: Option<String>,
    pub ios_app_version: Option<String>,
    pub ios_device: Option<String>,
    pub ios_os_version: Option<String>,
    pub ios_sdk_version: Option<String>,
    pub ios_last_seen_at: Option<i64>,
    pub custom_attributes: Map<String, Json>,
    pub tags: Summary,
    pub notes: Summary,
    pub companies: Summary,
    pub opted_out_subscription_types: Summary,
    pub opted_in_subscription_types: Summary,
    pub utm_campaign: Option<String>,
    pub utm_content: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_source: Option<String>,
    pub utm_term: Option<String>,
    pub referrer: Option<String>,
    /// Switchboard has no mobile push: whether the user enabled it is unknown.
    #[serde(skip_serializing_if = "before_2_12")]
    pub enabled_push_messaging: Option<bool>,
    /// The contacts merged into this one (2.16), when `include_merge_history=true` asks.
    #[serde(skip_serializing_if = "no_merge_history")]
    pub merge_history: Option<Vec<MergeHistoryItem>>,
}

// The fields `version::contact`'s `Since` rules name, left out when written straight in an
// older version's shape (`version::to_vec_shaped`).
fn before_2_11<T>(_: &T) -> bool {
    version::writing_before(Version::V2_11)
}

fn before_2_12<T>(_: &T) -> bool {
    version::writing_before(Version::V2_12)
}

fn no_merge_history(history: &Option<Vec<MergeHistoryItem>>) -> bool {
    history.is_none() || version::writing_before(Version::V2_16)
}

impl version::ShapesItself for Contact {}
impl version::ShapesItself for super::pages::CursorList<Contact> {}

/// `merge_history_item`: a contact merged into this one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergeHistoryItem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub source_contact_id: String,
    pub source_contact_role: Role,
    pub merged_at: Option<i64>,
}

/// `contact.avatar`: `{"type": "avatar", "image_url": ...}`, or null for a contact without one.
fn avatar_object<S: serde::Serializer>(image_url: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Avatar<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        image_url: &'a str,
    }
    image_url.as_deref().map(|image_url| Avatar { kind: "avatar", image_url }).serialize(serializer)
}

#[derive(Debug, Clone, Serialize)]
pub struct Location {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub continent_code: Option<String>,
}

/// Social profiles are found by Intercom's enrichment, which a self-hosted server does not
/// run; the API cannot write them, so the list is always empty.
pub type SocialProfiles = List<Json>;

impl SocialProfiles {
    pub fn none() -> Self {
        List::new(Vec::new())
    }
}

/// Embedded summaries show at most this many items; `url` lists them all.
pub const SUMMARY_LIMIT: usize = 10;

/// An embedded list (`tags`, `notes`, `companies`, subscription types): the first
/// [`SUMMARY_LIMIT`] items as references, the total and where to get the rest.
pub type Summary = List<Reference, Rest>;

/// The `extra` of a [`Summary`].
#[derive(Debug, Clone, Serialize)]
pub struct Rest {
    pub url: String,
    pub total_count: i64,
    pub has_more: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub url: String,
}

/// The kinds of embedded summary a contact has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SummaryKind {
    Tags,
    Notes,
    Companies,
    OptedOut,
    OptedIn,
}

impl SummaryKind {
    pub const ALL: [SummaryKind; 5] = [
        SummaryKind::Tags,
        SummaryKind::Notes,
        SummaryKind::Companies,
        SummaryKind::OptedOut,
        SummaryKind::OptedIn,
    ];

    /// `(item type, item url prefix, contact sub-resource)`.
    fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            SummaryKind::Tags => ("tag", "/tags", "tags"),
            SummaryKind::Notes => ("note", "/notes", "notes"),
            SummaryKind::Companies => ("company", "/companies", "companies"),
            SummaryKind::OptedOut | SummaryKind::OptedIn => {
                ("subscription", "/subscription_types", "subscriptions")
            }
        }
    }
}

impl Summary {
    /// `ids` are the first items (at most [`SUMMARY_LIMIT`]), `total` all of them.
    pub fn of(kind: SummaryKind, contact_id: &str, ids: Vec<String>, total: i64) -> Summary {
        let (item, prefix, sub) = kind.parts();
        let rest = Rest {
            url: format!("/contacts/{contact_id}/{sub}"),
            total_count: total,
            has_more: total > ids.len() as i64,
        };
        let data =
            ids.into_iter().map(|id| Reference { kind: item, url: format!("{prefix}/{id}"), id }).collect();
        List::with(data, rest)
    }
}

/// `POST /contacts/{id}/archive` and `/unarchive`.
#[derive(Debug, Clone, Serialize)]
pub struct ContactArchived {
    pub id: String,
    pub external_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub archived: bool,
}

/// `POST /contacts/{id}/block` (`contact_blocked`).
#[derive(Debug, Clone, Serialize)]
pub struct ContactBlocked {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub external_id: Option<String>,
    pub blocked: bool,
}

/// `GET /contacts/{id}/merge_history` (`merge_history_list`): `next_cursor` only while
/// `has_more`.
#[derive(Debug, Clone, Serialize)]
pub struct MergeHistoryList {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub data: Vec<MergeHistoryItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    pub has_more: bool,
}

/// What `GET /contacts/find_by_external_id/{id}` finds: the user, or the id of the contact a
/// merged contact with that external id now lives on.
#[derive(Debug, Clone)]
pub enum ByExternalId {
    Found(Box<Contact>),
    MergedInto(String),
}

/// `DELETE /contacts/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct ContactDeleted {
    pub id: String,
    pub external_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub deleted: bool,
}

/// The fields the API writes; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ContactChanges {
    pub role: Option<Role>,
    pub external_id: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub name: Option<Option<String>>,
    pub avatar: Option<Option<String>>,
    pub signed_up_at: Option<Option<i64>>,
    pub last_seen_at: Option<Option<i64>>,
    pub owner_id: Option<Option<i64>>,
    pub unsubscribed_from_emails: Option<bool>,
    /// Whether the contact owns its email (2.16); only sent with an email, `null` clears it.
    pub email_verified: Option<Option<bool>>,
    /// As sent: checked against the workspace's data attributes when written.
    pub custom_attributes: Option<Map<String, Json>>,
}

/// Why a write was refused. The API turns each into Intercom's error.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// Another contact already has this email (users) or external_id.
    Duplicate {
        existing_id: String,
        archived: bool,
    },
    /// A user needs an email or an external_id.
    UserWithoutIdentity,
    /// Users are never turned back into leads.
    UserToLead,
    OwnerNotFound,
    InvalidEmail,
    Attribute(AttributeRejection),
    /// Merges go from a lead into a user, and from one contact into another.
    MergeFromNotLead,
    MergeIntoNotUser,
    MergeIntoItself,
}

impl From<Rejection> for error::Rejection {
    fn from(rejection: Rejection) -> Self {
        let invalid = error::Rejection::invalid;
        match rejection {
            Rejection::Duplicate { existing_id, archived } => error::Rejection::new(
                ErrorCode::Conflict,
                format!(
                    "{} matching those details already exists with id={existing_id}",
                    if archived { "An archived contact" } else { "A contact" }
                ),
            ),
            Rejection::UserWithoutIdentity => {
                invalid("email", "A contact with role user requires an email or an external_id")
            }
            Rejection::UserToLead => invalid("role", "A user cannot be converted to a lead"),
            Rejection::OwnerNotFound => {
                invalid("owner_id", "The owner specified is not a member of the workspace")
            }
            Rejection::InvalidEmail => invalid("email", "The email is not a valid email address"),
            Rejection::Attribute(r) => r.into(),
            Rejection::MergeFromNotLead => invalid("from", "The contact to merge from must be a lead"),
            Rejection::MergeIntoNotUser => invalid("into", "The contact to merge into must be a user"),
            Rejection::MergeIntoItself => invalid("into", "A contact cannot be merged into itself"),
        }
    }
}

/// A page of contacts in id order: `limit` of them, after the internal id `after` (a cursor)
/// or after skipping `offset` (a page number). `total`, when a cursor carries it, is the total
/// counted for the first page of the walk, and is not counted again.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub after: Option<i64>,
    pub offset: u64,
    pub limit: u64,
    pub total: Option<i64>,
}

/// How a request names a contact: by Intercom's id, or (users only, as Intercom's docs say
/// leads are named by their id) by the `user_id` (external id) or the email of a user.
#[derive(Debug, Clone, Copy)]
pub enum ContactRef<'a> {
    Id(&'a str),
    UserId(&'a str),
    UserEmail(&'a str),
}

/// Normalises an email for storage: trimmed, and `None` when empty.
pub fn clean_email(email: Option<String>) -> Result<Option<String>, Rejection> {
    let Some(email) = email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    match email.rsplit_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !email.contains(char::is_whitespace) =>
        {
            Ok(Some(email))
        }
        _ => Err(Rejection::InvalidEmail),
    }
}

/// The part after the `@`, lower-cased: what `email_domain` shows and searches.
pub fn email_domain(email: &str) -> Option<String> {
    email.rsplit_once('@').map(|(_, domain)| domain.to_lowercase())
}

/// The phone number in E.164 (`+` and 7 to 15 digits once spaces, dashes, dots and
/// brackets are dropped); `None` when it has no country code to normalise against.
pub fn formatted_phone(phone: &str) -> Option<String> {
    let compact: String = phone.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let digits = compact.strip_prefix('+')?;
    (digits.len() >= 7 && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(compact)
}

/// Applies a `custom_attributes` write to `current`: every key must be a live attribute
/// of the contact model and every value of its type; `null` removes a value.
pub fn merge_custom_attributes(
    current: &mut Map<String, Json>,
    changes: &Map<String, Json>,
    attributes: &[DataAttribute],
) -> Result<(), Rejection> {
    for (name, value) in check_custom_attributes(changes, attributes).map_err(Rejection::Attribute)? {
        match value {
            Some(value) => current.insert(name, value),
            None => current.remove(&name),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalise_only_with_a_country_code() {
        assert_eq!(formatted_phone("+1 (123) 456-7890").as_deref(), Some("+11234567890"));
        assert_eq!(formatted_phone("+353.87.123.4567").as_deref(), Some("+353871234567"));
        assert_eq!(formatted_phone("0871234567"), None);
        assert_eq!(formatted_phone("+12ab45678"), None);
        assert_eq!(formatted_phone("+123"), None);
    }

    #[test]
    fn emails_are_trimmed_and_checked() {
        assert_eq!(clean_email(Some(" Jo@Example.com ".into())), Ok(Some("Jo@Example.com".into())));
        assert_eq!(clean_email(Some("".into())), Ok(None));
        assert_eq!(clean_email(None), Ok(None));
        assert_eq!(clean_email(Some("nobody".into())), Err(Rejection::InvalidEmail));
        assert_eq!(clean_email(Some("a b@c.io".into())), Err(Rejection::InvalidEmail));
        assert_eq!(email_domain("Jo@Example.COM").as_deref(), Some("example.com"));
    }

    #[test]
    fn summaries_show_ten_and_count_all() {
        let ids: Vec<String> = (1..=10).map(|i| i.to_string()).collect();
        let s = Summary::of(SummaryKind::Tags, "abc", ids, 12);
        assert!(s.extra.has_more);
        assert_eq!(s.extra.url, "/contacts/abc/tags");
        assert_eq!(s.data[0].url, "/tags/1");
        assert_eq!(s.data[0].kind, "tag");
        let s = Summary::of(SummaryKind::OptedIn, "abc", vec![], 0);
        assert!(!s.extra.has_more);
        assert_eq!(s.extra.url, "/contacts/abc/subscriptions");
    }
}
