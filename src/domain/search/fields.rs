//! Field tables: what each searchable field is, and which operators it takes.

use super::{FieldType, OpSet, Operator};

const DAY: i64 = 86_400;

/// How one searchable field behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    pub ty: FieldType,
    /// Operators the field accepts.
    pub ops: OpSet,
    /// `=`, `!=`, `IN`, `NIN` compare without regard to case (`~ !~ ^ $` always do).
    pub case_insensitive: bool,
    /// Date fields only: the value is truncated to its calendar day (contacts search).
    pub date_by_day: bool,
    /// The name the store knows the field by, when the documented name is an alias or typo.
    pub canonical: Option<&'static str>,
}

impl FieldDef {
    fn plain(ty: FieldType, ops: &[Operator]) -> Self {
        FieldDef { ty, ops: OpSet::of(ops), case_insensitive: false, date_by_day: false, canonical: None }
    }

    /// A field of `POST /contacts/search`, with the spec's per-type operators and the day rule.
    pub fn contacts(ty: FieldType) -> Self {
        use Operator::*;
        match ty {
            FieldType::String => {
                Self::plain(ty, &[Eq, Ne, In, Nin, Contains, NotContains, StartsWith, EndsWith])
            }
            FieldType::Integer | FieldType::Float => Self::plain(ty, &[Eq, Ne, In, Nin, Lt, Gt, Le, Ge]),
            FieldType::Boolean => Self::plain(ty, &[Eq, Ne, In, Nin]),
            FieldType::Date => FieldDef { date_by_day: true, ..Self::plain(ty, &[Eq, Lt, Gt]) },
        }
    }

    /// A field of `POST /conversations/search`: dates compare to the second and take every
    /// comparison operator.
    pub fn conversations(ty: FieldType) -> Self {
        use Operator::*;
        match ty {
            FieldType::String => {
                Self::plain(ty, &[Eq, Ne, In, Nin, Contains, NotContains, StartsWith, EndsWith])
            }
            FieldType::Integer | FieldType::Float | FieldType::Date => {
                Self::plain(ty, &[Eq, Ne, In, Nin, Lt, Gt, Le, Ge])
            }
            FieldType::Boolean => Self::plain(ty, &[Eq, Ne, In, Nin]),
        }
    }

    /// The preset for `resource`.
    pub fn for_resource(resource: Resource, ty: FieldType) -> Self {
        match resource {
            Resource::Contacts => Self::contacts(ty),
            Resource::Conversations => Self::conversations(ty),
        }
    }

    /// Restricts the operators (e.g. `tag_id`: `=` and `!=` only).
    pub fn with_ops(self, ops: &[Operator]) -> Self {
        FieldDef { ops: OpSet::of(ops), ..self }
    }

    pub fn case_insensitive(self) -> Self {
        FieldDef { case_insensitive: true, ..self }
    }

    pub fn alias_of(self, canonical: &'static str) -> Self {
        FieldDef { canonical: Some(canonical), ..self }
    }
}

/// Resolves field names for one resource in one workspace.
pub trait FieldTable {
    /// The field called `name`, or `None` if it is not searchable.
    fn lookup(&self, name: &str) -> Option<FieldDef>;

    /// Start of the calendar day containing `ts` and start of the next one. The spec: "The day
    /// boundary uses your workspace's timezone". Default: UTC.
    fn day_bounds(&self, ts: i64) -> (i64, i64) {
        utc_day_bounds(ts)
    }
}

/// The UTC day around `ts`: `utc_day_bounds(1577869200) == (1577836800, 1577923200)`.
pub fn utc_day_bounds(ts: i64) -> (i64, i64) {
    offset_day_bounds(ts, 0)
}

/// The day around `ts` in a timezone `offset` seconds east of UTC.
pub fn offset_day_bounds(ts: i64, offset: i32) -> (i64, i64) {
    let offset = i64::from(offset);
    let start = ts.saturating_add(offset).div_euclid(DAY).saturating_mul(DAY).saturating_sub(offset);
    (start, start.saturating_add(DAY))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Contacts,
    Conversations,
}

/// The documented field table of a resource, plus `custom_attributes.<name>` resolved by the
/// caller from the workspace's data attributes.
pub struct StandardFields<'a> {
    pub resource: Resource,
    /// Called with `<name>` for `custom_attributes.<name>`; `None` = no such attribute.
    pub custom_attribute: &'a dyn Fn(&str) -> Option<FieldType>,
    /// The workspace's timezone as seconds east of UTC (0 = UTC), for the contacts day rule.
    pub utc_offset: i32,
}

impl<'a> StandardFields<'a> {
    pub fn new(resource: Resource, custom_attribute: &'a dyn Fn(&str) -> Option<FieldType>) -> Self {
        StandardFields { resource, custom_attribute, utc_offset: 0 }
    }

    /// A documented (non-custom) field of `resource`.
    pub fn standard(resource: Resource, name: &str) -> Option<FieldDef> {
        match resource {
            Resource::Contacts => contact_field(name),
            Resource::Conversations => conversation_field(name),
        }
    }
}

impl FieldTable for StandardFields<'_> {
    fn lookup(&self, name: &str) -> Option<FieldDef> {
        if let Some(attr) = name.strip_prefix("custom_attributes.") {
            let ty = (self.custom_attribute)(attr)?;
            return Some(FieldDef::for_resource(self.resource, ty));
        }
        Self::standard(self.resource, name)
    }

    fn day_bounds(&self, ts: i64) -> (i64, i64) {
        offset_day_bounds(ts, self.utc_offset)
    }
}

/// Contacts search "Accepted Fields" (seed and spec).
fn contact_field(name: &str) -> Option<FieldDef> {
    use FieldType::*;
    let def = FieldDef::contacts;
    Some(match name {
        "id"
        | "role"
        | "name"
        | "avatar"
        | "phone"
        | "formatted_phone"
        | "external_id"
        | "language_override"
        | "browser"
        | "browser_language"
        | "os"
        | "location.country"
        | "location.region"
        | "location.city"
        | "ios_app_version"
        | "ios_device"
        | "ios_os_version"
        | "ios_app_name"
        | "ios_sdk_version"
        | "android_app_version"
        | "android_device"
        | "android_app_name"
        | "android_sdk_version" => def(String),
        // Listed beside `ios_device`, of which it is another name.
        "ios_app_device" => def(String).alias_of("ios_device"),
        // Membership: equality only (a segment's id is not text to match).
        "segment_id" => def(String).with_ops(&[Operator::Eq, Operator::Ne, Operator::In, Operator::Nin]),
        // Documented under this misspelling.
        "andoid_sdk_version" => def(String).alias_of("android_sdk_version"),
        "email" | "email_domain" => def(String).case_insensitive(),
        // "Searching by `tag_id` supports only the `=` and `!=` operators."
        "tag_id" => def(String).with_ops(&[Operator::Eq, Operator::Ne]),
        "owner_id" => def(Integer),
        "created_at"
        | "signed_up_at"
        | "updated_at"
        | "last_seen_at"
        | "last_contacted_at"
        | "last_replied_at"
        | "last_email_opened_at"
        | "last_email_clicked_at"
        | "ios_last_seen_at"
        | "android_last_seen_at" => def(Date),
        "unsubscribed_from_emails" | "marked_email_as_spam" | "has_hard_bounced" => def(Boolean),
        _ => return None,
    })
}

/// Conversations search "Accepted Fields" (seed and spec).
fn conversation_field(name: &str) -> Option<FieldDef> {
    use FieldType::*;
    let def = FieldDef::conversations;
    Some(match name {
        "id"
        | "source.type"
        | "source.id"
        | "source.delivered_as"
        | "source.subject"
        | "source.body"
        | "source.author.id"
        | "source.author.type"
        | "source.author.name"
        | "source.url"
        | "contact_ids"
        | "teammate_ids"
        | "channel_initiated"
        | "state"
        | "tag_ids"
        | "priority"
        | "statistics.last_closed_by_id"
        | "conversation_rating.remark"
        | "conversation_rating.contact_id"
        | "conversation_rating.admin_id"
        | "ai_agent.resolution_state"
        | "ai_agent.last_answer_type"
        | "ai_agent.rating_remark"
        | "ai_agent.source_type"
        | "ai_agent.source_title" => def(String),
        "source.author.email" => def(String).case_insensitive(),
        // Documented under this misspelling.
        "conversation_rating.admin_d" => def(String).alias_of("conversation_rating.admin_id"),
        // The seed says String, the 2.11 spec and the conversation model say Integer; numeric
        // strings are accepted for Integer, so both spellings of a query work.
        "admin_assignee_id" | "team_assignee_id" => def(Integer),
        "created_at"
        | "updated_at"
        | "waiting_since"
        | "snoozed_until"
        | "statistics.first_contact_reply_at"
        | "statistics.first_assignment_at"
        | "statistics.first_admin_reply_at"
        | "statistics.first_close_at"
        | "statistics.last_assignment_at"
        | "statistics.last_assignment_admin_reply_at"
        | "statistics.last_contact_reply_at"
        | "statistics.last_admin_reply_at"
        | "statistics.last_close_at"
        | "conversation_rating.requested_at"
        | "conversation_rating.replied_at" => def(Date),
        "statistics.time_to_assignment"
        | "statistics.time_to_admin_reply"
        | "statistics.time_to_first_close"
        | "statistics.time_to_last_close"
        | "statistics.median_time_to_reply"
        | "statistics.count_reopens"
        | "statistics.count_assignments"
        | "statistics.count_conversation_parts"
        | "conversation_rating.score"
        | "ai_agent.rating" => def(Integer),
        "open" | "read" | "ai_agent_participated" => def(Boolean),
        _ => return None,
    })
}
