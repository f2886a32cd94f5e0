//! Field tables: what each searchable field is and which operators it takes, and the
//! [`Catalog`] that adds a workspace's custom attributes and segments to them.

use super::{FieldType, OpSet, Operator};
use crate::domain::segment::SavedSegment;

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
    /// `>` and `<` include the value itself: conversations search documents them as "Greater
    /// (or equal) than" and "Lower (or equal) than"; contacts search as "Greater than".
    pub or_equal: bool,
}

impl FieldDef {
    const fn plain(ty: FieldType, ops: &[Operator]) -> Self {
        FieldDef { ty, ops: OpSet::of(ops), case_insensitive: false, date_by_day: false, or_equal: false }
    }

    /// A field of `POST /contacts/search`, with the spec's per-type operators and the day rule.
    pub const fn contacts(ty: FieldType) -> Self {
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
    /// comparison operator; `>` and `<` include the value.
    pub const fn conversations(ty: FieldType) -> Self {
        use Operator::*;
        let def = match ty {
            FieldType::String => {
                Self::plain(ty, &[Eq, Ne, In, Nin, Contains, NotContains, StartsWith, EndsWith])
            }
            FieldType::Integer | FieldType::Float | FieldType::Date => {
                Self::plain(ty, &[Eq, Ne, In, Nin, Lt, Gt, Le, Ge])
            }
            FieldType::Boolean => Self::plain(ty, &[Eq, Ne, In, Nin]),
        };
        FieldDef { or_equal: true, ..def }
    }

    /// The preset for `resource`. Companies have no documented search: their segments follow
    /// the contacts rules.
    pub const fn for_resource(resource: Resource, ty: FieldType) -> Self {
        match resource {
            Resource::Contacts | Resource::Companies => Self::contacts(ty),
            Resource::Conversations | Resource::Tickets => Self::conversations(ty),
        }
    }

    /// Restricts the operators (e.g. `tag_id`: `=` and `!=` only).
    pub const fn with_ops(self, ops: &[Operator]) -> Self {
        FieldDef { ops: OpSet::of(ops), ..self }
    }

    pub const fn case_insensitive(self) -> Self {
        FieldDef { case_insensitive: true, ..self }
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
    /// Company segments' saved queries.
    Companies,
    /// `POST /tickets/search`: the conversations' operators, over ticket rows.
    Tickets,
}

/// A ticket type attribute as `ticket_attribute.{id}` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketAttributeField {
    /// The attribute's id (the documented key).
    pub id: String,
    /// Its name: the key of the value in a ticket's `ticket_attributes`.
    pub name: String,
    pub ty: FieldType,
}

/// What a field of a checked query is. Every resource shares the custom attributes and
/// `tag_id`; the rest is the resource's own column, named by its canonical name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A documented field, by its canonical name (documented typos such as
    /// `andoid_sdk_version` are mapped).
    Standard(&'static str),
    /// `custom_attributes.<name>`, an attribute of the workspace.
    Custom(String),
    /// `tag_id`: the row carries the tag (by its id).
    Tag,
    /// `segment_id`: only while checking; [`Catalog::validate`] replaces each such filter by
    /// a [`Query::Segments`](super::Query::Segments).
    Segment,
}

/// What a documented name stands for.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Column,
    /// Another name of this column.
    Alias(&'static str),
    Tag,
    Segment,
}

type Table = &'static [(&'static [&'static str], FieldDef, Kind)];

/// A resource's searchable fields in one workspace: the documented ones, the custom
/// attributes, the saved segments. Built by the store (one cheap read, see
/// [`RawQuery::needs`](super::RawQuery::needs)); everything that checks a query reads it.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub resource: Resource,
    /// The custom attributes of the resource's model (archived ones too: their values stay
    /// searchable), by name.
    pub attributes: Vec<(String, FieldType)>,
    /// The workspace's segments, oldest first, for `segment_id` (contacts).
    pub segments: Vec<SavedSegment>,
    /// The workspace's timezone as seconds east of UTC (0 = UTC), for the contacts day rule.
    pub utc_offset: i32,
    /// Tickets: the attributes of the workspace's ticket types, oldest first.
    pub ticket_attributes: Vec<TicketAttributeField>,
}

impl Catalog {
    /// The documented fields alone.
    pub fn new(resource: Resource) -> Self {
        Catalog {
            resource,
            attributes: Vec::new(),
            segments: Vec::new(),
            utc_offset: 0,
            ticket_attributes: Vec::new(),
        }
    }

    /// The field called `name`, or `None` if it is not searchable.
    pub fn lookup(&self, name: &str) -> Option<(Field, FieldDef)> {
        if let Some(attr) = name.strip_prefix("custom_attributes.") {
            let (name, ty) = self.attributes.iter().find(|(n, _)| n == attr)?;
            return Some((Field::Custom(name.clone()), FieldDef::for_resource(self.resource, *ty)));
        }
        if let Some(key) =
            name.strip_prefix("ticket_attribute.").filter(|_| self.resource == Resource::Tickets)
        {
            // By id as documented; by name too, which is what a ticket's `ticket_attributes` shows.
            let found = self.ticket_attributes.iter().find(|a| a.id == key);
            let attribute = found.or_else(|| self.ticket_attributes.iter().find(|a| a.name == key))?;
            return Some((Field::Custom(attribute.name.clone()), FieldDef::conversations(attribute.ty)));
        }
        let table = match self.resource {
            Resource::Contacts => CONTACTS,
            Resource::Conversations => CONVERSATIONS,
            Resource::Companies => COMPANIES,
            Resource::Tickets => TICKETS,
        };
        table.iter().find_map(|(names, def, kind)| {
            let found = *names.iter().find(|n| **n == name)?;
            let field = match kind {
                Kind::Column => Field::Standard(found),
                Kind::Alias(canonical) => Field::Standard(canonical),
                Kind::Tag => Field::Tag,
                Kind::Segment => Field::Segment,
            };
            Some((field, *def))
        })
    }

    /// Start of the calendar day containing `ts` and start of the next one. The spec: "The day
    /// boundary uses your workspace's timezone".
    pub fn day_bounds(&self, ts: i64) -> (i64, i64) {
        offset_day_bounds(ts, self.utc_offset)
    }
}

const fn contact(ty: FieldType) -> FieldDef {
    FieldDef::contacts(ty)
}

const fn conversation(ty: FieldType) -> FieldDef {
    FieldDef::conversations(ty)
}

/// "Searching by `tag_id` supports only the `=` and `!=` operators."
const TAG_ID: FieldDef = contact(FieldType::String).with_ops(&[Operator::Eq, Operator::Ne]);

/// Contacts search "Accepted Fields" (seed and spec).
const CONTACTS: Table = &[
    (
        &[
            "id",
            "role",
            "name",
            "avatar",
            "phone",
            "formatted_phone",
            "external_id",
            "language_override",
            "browser",
            "browser_language",
            "os",
            "location.country",
            "location.region",
            "location.city",
            "ios_app_version",
            "ios_device",
            "ios_os_version",
            "ios_app_name",
            "ios_sdk_version",
            "android_app_version",
            "android_device",
            "android_app_name",
            "android_sdk_version",
        ],
        contact(FieldType::String),
        Kind::Column,
    ),
    // Listed beside `ios_device`, of which it is another name.
    (&["ios_app_device"], contact(FieldType::String), Kind::Alias("ios_device")),
    // Membership: equality only (a segment's id is not text to match).
    (
        &["segment_id"],
        contact(FieldType::String).with_ops(&[Operator::Eq, Operator::Ne, Operator::In, Operator::Nin]),
        Kind::Segment,
    ),
    // Documented under this misspelling.
    (&["andoid_sdk_version"], contact(FieldType::String), Kind::Alias("android_sdk_version")),
    (&["email", "email_domain"], contact(FieldType::String).case_insensitive(), Kind::Column),
    (&["tag_id"], TAG_ID, Kind::Tag),
    (&["owner_id"], contact(FieldType::Integer), Kind::Column),
    (
        &[
            "created_at",
            "signed_up_at",
            "updated_at",
            "last_seen_at",
            "last_contacted_at",
            "last_replied_at",
            "last_email_opened_at",
            "last_email_clicked_at",
            "ios_last_seen_at",
            "android_last_seen_at",
        ],
        contact(FieldType::Date),
        Kind::Column,
    ),
    (
        &["unsubscribed_from_emails", "marked_email_as_spam", "has_hard_bounced"],
        contact(FieldType::Boolean),
        Kind::Column,
    ),
];

/// The fields of the company object, for company segments (no search endpoint documents them).
const COMPANIES: Table = &[
    (&["id", "company_id", "name", "plan", "website", "industry"], contact(FieldType::String), Kind::Column),
    (&["tag_id"], TAG_ID, Kind::Tag),
    (&["size", "monthly_spend", "session_count", "user_count"], contact(FieldType::Integer), Kind::Column),
    (
        &["created_at", "updated_at", "remote_created_at", "last_request_at"],
        contact(FieldType::Date),
        Kind::Column,
    ),
];

/// Conversations search "Accepted Fields" (seed and spec).
const CONVERSATIONS: Table = &[
    (
        &[
            "id",
            "source.type",
            "source.id",
            "source.delivered_as",
            "source.subject",
            "source.body",
            "source.author.id",
            "source.author.type",
            "source.author.name",
            "source.url",
            "contact_ids",
            "teammate_ids",
            "channel_initiated",
            "state",
            "tag_ids",
            "priority",
            "statistics.last_closed_by_id",
            "conversation_rating.remark",
            "conversation_rating.contact_id",
            "conversation_rating.admin_id",
            "ai_agent.resolution_state",
            "ai_agent.last_answer_type",
            "ai_agent.rating_remark",
            "ai_agent.source_type",
            "ai_agent.source_title",
        ],
        conversation(FieldType::String),
        Kind::Column,
    ),
    (&["source.author.email"], conversation(FieldType::String).case_insensitive(), Kind::Column),
    // Documented under this misspelling.
    (
        &["conversation_rating.admin_d"],
        conversation(FieldType::String),
        Kind::Alias("conversation_rating.admin_id"),
    ),
    // The seed says String, the 2.11 spec and the conversation model say Integer; numeric
    // strings are accepted for Integer, so both spellings of a query work.
    (&["admin_assignee_id", "team_assignee_id"], conversation(FieldType::Integer), Kind::Column),
    (
        &[
            "created_at",
            "updated_at",
            "waiting_since",
            "snoozed_until",
            "statistics.first_contact_reply_at",
            "statistics.first_assignment_at",
            "statistics.first_admin_reply_at",
            "statistics.first_close_at",
            "statistics.last_assignment_at",
            "statistics.last_assignment_admin_reply_at",
            "statistics.last_contact_reply_at",
            "statistics.last_admin_reply_at",
            "statistics.last_close_at",
            "conversation_rating.requested_at",
            "conversation_rating.replied_at",
        ],
        conversation(FieldType::Date),
        Kind::Column,
    ),
    (
        &[
            "statistics.time_to_assignment",
            "statistics.time_to_admin_reply",
            "statistics.time_to_first_close",
            "statistics.time_to_last_close",
            "statistics.median_time_to_reply",
            "statistics.count_reopens",
            "statistics.count_assignments",
            "statistics.count_conversation_parts",
            "conversation_rating.score",
            "ai_agent.rating",
        ],
        conversation(FieldType::Integer),
        Kind::Column,
    ),
    (&["open", "read", "ai_agent_participated"], conversation(FieldType::Boolean), Kind::Column),
];

/// Tickets search "Accepted Fields" (2.16), with the ticket model's other keys that read as a
/// field. Ids are strings in the model; `admin_assignee_id` and `team_assignee_id` are
/// integers in 2.16 and, as for conversations, numeric strings are accepted.
const TICKETS: Table = &[
    (
        &[
            "id",
            "ticket_id",
            "_default_title_",
            "_default_description_",
            "category",
            "ticket_type_id",
            "contact_ids",
            "teammate_ids",
            "state",
            "ticket_state_id",
            "previous_ticket_state_id",
            "tag_ids",
        ],
        conversation(FieldType::String),
        Kind::Column,
    ),
    // The description's table renders `_default_title_` as "title" (its underscores read as
    // emphasis); both spellings are accepted.
    (&["title"], conversation(FieldType::String), Kind::Alias("_default_title_")),
    (&["description"], conversation(FieldType::String), Kind::Alias("_default_description_")),
    (&["admin_assignee_id", "team_assignee_id"], conversation(FieldType::Integer), Kind::Column),
    (&["created_at", "updated_at", "snoozed_until"], conversation(FieldType::Date), Kind::Column),
    (&["open", "is_shared"], conversation(FieldType::Boolean), Kind::Column),
];
