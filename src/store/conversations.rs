//! Conversations: reads with everything they embed (fetched for a whole page at once), and
//! writes that add a part and move the conversation's state and statistics in one transaction.
//!
//! Snoozes end without a timer: the stored state stays `snoozed` and every read derives the
//! state at that moment (`State::effective`, and the same CASE in search), so any number of
//! server processes agree. The next write stores the derived state.

use std::collections::HashMap;

use sea_query::{Condition, Expr, ExprTrait, Iden, OnConflict, Order, Query, SelectStatement};
use serde_json::{Map, Value as Json};
use sqlx::types::Json as JsonColumn;

use super::admins::{self, Admins};
use super::contacts::Contacts;
use super::tags::Tags;
use super::teams;
use super::{Backend, Exec, Store, StoreError, StoreResult, now};
use crate::domain::conversation::requests::ContactKey;
use crate::domain::conversation::statistics::{Event, Statistics};
use crate::domain::conversation::{
    Attachment, Author, ContactList, ContactRef, Conversation, FirstContactReply, LinkedObjects, MAX_PARTS,
    Part, PartList, Reference, Source, State, TagList, Teammates, body, part_type,
};
use crate::domain::data_attribute::AttributeRejection;
use crate::domain::ids;
use crate::domain::search::SearchError;
use crate::domain::tag::{AdminReference, Tag};

#[derive(Iden, Clone, Copy)]
pub(crate) enum Conversations {
    Table,
    Id,
    WorkspaceId,
    CreatedAt,
    UpdatedAt,
    Title,
    State,
    Read,
    Priority,
    WaitingSince,
    SnoozedUntil,
    AdminAssigneeId,
    TeamAssigneeId,
    CustomAttributes,
    SourceType,
    SourceDeliveredAs,
    SourceSubject,
    SourceBody,
    SourceUrl,
    SourceRedacted,
    SourceAttachments,
    SourceAuthorType,
    SourceAuthorAdminId,
    SourceAuthorContactId,
    TimeToAssignment,
    TimeToAdminReply,
    TimeToFirstClose,
    TimeToLastClose,
    MedianTimeToReply,
    FirstContactReplyAt,
    FirstAssignmentAt,
    FirstAdminReplyAt,
    FirstCloseAt,
    LastAssignmentAt,
    LastAssignmentAdminReplyAt,
    LastContactReplyAt,
    LastAdminReplyAt,
    LastCloseAt,
    LastClosedById,
    CountReopens,
    CountAssignments,
    CountConversationParts,
    ReplyTimes,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ConversationContacts {
    Table,
    ConversationId,
    ContactId,
    AddedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ConversationParts {
    Table,
    Id,
    ConversationId,
    PartType,
    Body,
    CreatedAt,
    UpdatedAt,
    NotifiedAt,
    AuthorType,
    AuthorAdminId,
    AuthorContactId,
    AssignedToType,
    AssignedToId,
    Attachments,
    Redacted,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ConversationTags {
    Table,
    ConversationId,
    TagId,
    AppliedAt,
    AppliedBy,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ConversationWords {
    Table,
    ConversationId,
    Word,
}

/// Why a conversation operation failed.
#[derive(Debug)]
pub enum ConversationError {
    Store(StoreError),
    ConversationNotFound,
    /// No contact of the workspace matches ("User Not Found").
    ContactNotFound,
    AdminNotFound,
    TeamNotFound,
    TagNotFound,
    /// The contact replying is not a participant of the conversation.
    NotParticipant,
    LastCustomer,
    PartNotFound,
    NotRedactable,
    Attribute(AttributeRejection),
    Search(SearchError),
    /// A visitor or participant could not become a lead (e.g. an invalid email).
    LeadRejected(String),
}

impl From<StoreError> for ConversationError {
    fn from(err: StoreError) -> Self {
        ConversationError::Store(err)
    }
}

pub type ConversationResult<T> = Result<T, ConversationError>;

pub(crate) fn col(c: Conversations) -> Expr {
    Expr::col((Conversations::Table, c))
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationRow {
    pub(crate) id: i64,
    created_at: i64,
    updated_at: i64,
    title: Option<String>,
    state: String,
    read: bool,
    priority: String,
    waiting_since: Option<i64>,
    snoozed_until: Option<i64>,
    admin_assignee_id: Option<i64>,
    team_assignee_id: Option<i64>,
    custom_attributes: JsonColumn<Map<String, Json>>,
    source_type: String,
    source_delivered_as: String,
    source_subject: String,
    source_body: Option<String>,
    source_url: Option<String>,
    source_redacted: bool,
    source_attachments: String,
    source_author_type: String,
    source_author_admin_id: Option<i64>,
    source_author_contact_id: Option<i64>,
    time_to_assignment: Option<i64>,
    time_to_admin_reply: Option<i64>,
    time_to_first_close: Option<i64>,
    time_to_last_close: Option<i64>,
    median_time_to_reply: Option<i64>,
    first_contact_reply_at: Option<i64>,
    first_assignment_at: Option<i64>,
    first_admin_reply_at: Option<i64>,
    first_close_at: Option<i64>,
    last_assignment_at: Option<i64>,
    last_assignment_admin_reply_at: Option<i64>,
    last_contact_reply_at: Option<i64>,
    last_admin_reply_at: Option<i64>,
    last_close_at: Option<i64>,
    last_closed_by_id: Option<i64>,
    count_reopens: i64,
    count_assignments: i64,
    count_conversation_parts: i64,
    reply_times: String,
}

const COLUMNS: [Conversations; 42] = {
    use Conversations::*;
    [
        Id,
        CreatedAt,
        UpdatedAt,
        Title,
        State,
        Read,
        Priority,
        WaitingSince,
        SnoozedUntil,
        AdminAssigneeId,
        TeamAssigneeId,
        CustomAttributes,
        SourceType,
        SourceDeliveredAs,
        SourceSubject,
        SourceBody,
        SourceUrl,
        SourceRedacted,
        SourceAttachments,
        SourceAuthorType,
        SourceAuthorAdminId,
        SourceAuthorContactId,
        TimeToAssignment,
        TimeToAdminReply,
        TimeToFirstClose,
        TimeToLastClose,
        MedianTimeToReply,
        FirstContactReplyAt,
        FirstAssignmentAt,
        FirstAdminReplyAt,
        FirstCloseAt,
        LastAssignmentAt,
        LastAssignmentAdminReplyAt,
        LastContactReplyAt,
        LastAdminReplyAt,
        LastCloseAt,
        LastClosedById,
        CountReopens,
        CountAssignments,
        CountConversationParts,
        ReplyTimes,
        WorkspaceId,
    ]
};

impl ConversationRow {
    fn stored_state(&self) -> State {
        State::parse(&self.state).unwrap_or(State::Open)
    }

    fn statistics(&self) -> Statistics {
        Statistics {
            kind: crate::domain::conversation::statistics::KIND,
            time_to_assignment: self.time_to_assignment,
            time_to_admin_reply: self.time_to_admin_reply,
            time_to_first_close: self.time_to_first_close,
            time_to_last_close: self.time_to_last_close,
            median_time_to_reply: self.median_time_to_reply,
            first_contact_reply_at: self.first_contact_reply_at,
            first_assignment_at: self.first_assignment_at,
            first_admin_reply_at: self.first_admin_reply_at,
            first_close_at: self.first_close_at,
            last_assignment_at: self.last_assignment_at,
            last_assignment_admin_reply_at: self.last_assignment_admin_reply_at,
            last_contact_reply_at: self.last_contact_reply_at,
            last_admin_reply_at: self.last_admin_reply_at,
            last_close_at: self.last_close_at,
            last_closed_by_id: self.last_closed_by_id,
            count_reopens: self.count_reopens,
            count_assignments: self.count_assignments,
            count_conversation_parts: self.count_conversation_parts,
            reply_times: serde_json::from_str(&self.reply_times).unwrap_or_default(),
        }
    }

    /// The fields every write may change, as they stand at `at`.
    pub(crate) fn core(&self, at: i64) -> Core {
        let (state, snoozed_until) = self.stored_state().effective(self.snoozed_until, at);
        Core {
            state,
            read: self.read,
            waiting_since: self.waiting_since,
            snoozed_until,
            admin_assignee_id: self.admin_assignee_id,
            team_assignee_id: self.team_assignee_id,
            stats: self.statistics(),
        }
    }
}

pub(crate) fn select(workspace_id: i64) -> SelectStatement {
    let mut q = Query::select();
    for c in COLUMNS {
        q.column((Conversations::Table, c));
    }
    q.from(Conversations::Table).and_where(col(Conversations::WorkspaceId).eq(workspace_id)).take()
}

/// `(id, public_id, role, name, email)` of a contact.
type ContactPerson = (i64, String, String, Option<String>, Option<String>);

/// Names and emails of authors, by kind, resolved for a batch of rows at once.
#[derive(Default)]
struct People {
    admins: HashMap<i64, (String, String)>,
    /// internal id -> (public id, role, name, email)
    contacts: HashMap<i64, (String, String, Option<String>, Option<String>)>,
}

impl People {
    async fn load(db: &mut impl Exec, admin_ids: Vec<i64>, contact_ids: Vec<i64>) -> StoreResult<People> {
        let mut people = People::default();
        if !admin_ids.is_empty() {
            let rows: Vec<(i64, String, String)> = db
                .fetch_all(
                    Query::select()
                        .columns([Admins::Id, Admins::Name, Admins::Email])
                        .from(Admins::Table)
                        .and_where(Expr::col(Admins::Id).is_in(admin_ids)),
                )
                .await?;
            people.admins = rows.into_iter().map(|(id, name, email)| (id, (name, email))).collect();
        }
        if !contact_ids.is_empty() {
            let rows: Vec<ContactPerson> = db
                .fetch_all(
                    Query::select()
                        .columns([
                            Contacts::Id,
                            Contacts::PublicId,
                            Contacts::Role,
                            Contacts::Name,
                            Contacts::Email,
                        ])
                        .from(Contacts::Table)
                        .and_where(Expr::col(Contacts::Id).is_in(contact_ids)),
                )
                .await?;
            people.contacts = rows
                .into_iter()
                .map(|(id, public, role, name, email)| (id, (public, role, name, email)))
                .collect();
        }
        Ok(people)
    }

    fn author(&self, kind: &str, admin_id: Option<i64>, contact_id: Option<i64>) -> Author {
        match kind {
            "bot" => Author::operator(),
            "admin" => {
                let id = admin_id.unwrap_or_default();
                let (name, email) = self.admins.get(&id).cloned().unwrap_or_default();
                Author { kind: "admin".into(), id: id.to_string(), name: Some(name), email }
            }
            // A contact: its current role, name and email. One deleted since keeps its role
            // and loses the rest.
            _ => match contact_id.and_then(|id| self.contacts.get(&id)) {
                Some((public_id, role, name, email)) => Author {
                    kind: role.clone(),
                    id: public_id.clone(),
                    name: name.clone(),
                    email: email.clone().unwrap_or_default(),
                },
                None => Author { kind: kind.to_owned(), id: String::new(), name: None, email: String::new() },
            },
        }
    }
}

fn attachments(raw: &str) -> Vec<Attachment> {
    serde_json::from_str(raw).unwrap_or_default()
}

/// The contacts, tags and teammates of each conversation in `ids`, in one query each.
struct Embedded {
    contacts: HashMap<i64, Vec<ContactRef>>,
    tags: HashMap<i64, Vec<Tag>>,
    teammates: HashMap<i64, Vec<Reference>>,
}

async fn embedded(db: &mut impl Exec, ids: &[i64]) -> StoreResult<Embedded> {
    let mut out = Embedded { contacts: HashMap::new(), tags: HashMap::new(), teammates: HashMap::new() };
    if ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i64, String, Option<String>)> = db
        .fetch_all(
            Query::select()
                .column((ConversationContacts::Table, ConversationContacts::ConversationId))
                .column((Contacts::Table, Contacts::PublicId))
                .column((Contacts::Table, Contacts::ExternalId))
                .from(ConversationContacts::Table)
                .inner_join(
                    Contacts::Table,
                    Expr::col((Contacts::Table, Contacts::Id))
                        .equals((ConversationContacts::Table, ConversationContacts::ContactId)),
                )
                .and_where(
                    Expr::col((ConversationContacts::Table, ConversationContacts::ConversationId))
                        .is_in(ids.iter().copied()),
                )
                .order_by((ConversationContacts::Table, ConversationContacts::AddedAt), Order::Asc)
                .order_by((Contacts::Table, Contacts::Id), Order::Asc),
        )
        .await?;
    for (conversation, id, external_id) in rows {
        out.contacts.entry(conversation).or_default().push(ContactRef { kind: "contact", id, external_id });
    }
    let rows: Vec<(i64, i64, String, i64, Option<i64>)> = db
        .fetch_all(
            Query::select()
                .column((ConversationTags::Table, ConversationTags::ConversationId))
                .column((Tags::Table, Tags::Id))
                .column((Tags::Table, Tags::Name))
                .column((ConversationTags::Table, ConversationTags::AppliedAt))
                .column((ConversationTags::Table, ConversationTags::AppliedBy))
                .from(ConversationTags::Table)
                .inner_join(
                    Tags::Table,
                    Expr::col((Tags::Table, Tags::Id))
                        .equals((ConversationTags::Table, ConversationTags::TagId)),
                )
                .and_where(
                    Expr::col((ConversationTags::Table, ConversationTags::ConversationId))
                        .is_in(ids.iter().copied()),
                )
                .order_by((ConversationTags::Table, ConversationTags::AppliedAt), Order::Asc)
                .order_by((Tags::Table, Tags::Id), Order::Asc),
        )
        .await?;
    for (conversation, id, name, applied_at, applied_by) in rows {
        out.tags.entry(conversation).or_default().push(applied_tag(id, name, applied_at, applied_by));
    }
    // Teammates: admins who wrote a part, attribute updates aside.
    let rows: Vec<(i64, i64)> = db
        .fetch_all(
            Query::select()
                .distinct()
                .columns([ConversationParts::ConversationId, ConversationParts::AuthorAdminId])
                .from(ConversationParts::Table)
                .and_where(Expr::col(ConversationParts::ConversationId).is_in(ids.iter().copied()))
                .and_where(Expr::col(ConversationParts::AuthorType).eq("admin"))
                .and_where(Expr::col(ConversationParts::PartType).ne(part_type::ATTRIBUTE_UPDATED))
                .order_by(ConversationParts::AuthorAdminId, Order::Asc),
        )
        .await?;
    for (conversation, admin) in rows {
        out.teammates.entry(conversation).or_default().push(Reference::admin(admin));
    }
    Ok(out)
}

pub(crate) fn applied_tag(id: i64, name: String, applied_at: i64, applied_by: Option<i64>) -> Tag {
    Tag {
        applied_at: Some(applied_at),
        applied_by: applied_by.map(AdminReference::new),
        ..Tag::new(id, name)
    }
}

/// Turns rows into conversation objects (without parts), everything embedded fetched at once.
async fn load(db: &mut impl Exec, rows: Vec<ConversationRow>, at: i64) -> StoreResult<Vec<Conversation>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut embedded = embedded(db, &ids).await?;
    let people = People::load(
        db,
        rows.iter().filter_map(|r| r.source_author_admin_id).collect(),
        rows.iter().filter_map(|r| r.source_author_contact_id).collect(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (state, snoozed_until) = r.stored_state().effective(r.snoozed_until, at);
            let statistics = r.statistics();
            Conversation {
                kind: "conversation",
                id: r.id,
                created_at: r.created_at,
                updated_at: r.updated_at,
                waiting_since: r.waiting_since,
                snoozed_until,
                source: Source {
                    author: people.author(
                        &r.source_author_type,
                        r.source_author_admin_id,
                        r.source_author_contact_id,
                    ),
                    kind: r.source_type.clone(),
                    id: r.id,
                    delivered_as: r.source_delivered_as,
                    subject: r.source_subject,
                    body: r.source_body,
                    attachments: attachments(&r.source_attachments),
                    url: r.source_url.clone(),
                    redacted: r.source_redacted,
                },
                contacts: ContactList {
                    kind: "contact.list",
                    contacts: embedded.contacts.remove(&r.id).unwrap_or_default(),
                },
                first_contact_reply: r.first_contact_reply_at.map(|created_at| FirstContactReply {
                    created_at,
                    kind: r.source_type,
                    url: r.source_url,
                }),
                admin_assignee_id: r.admin_assignee_id,
                team_assignee_id: r.team_assignee_id,
                open: state != State::Closed,
                state,
                read: r.read,
                tags: TagList { kind: "tag.list", tags: embedded.tags.remove(&r.id).unwrap_or_default() },
                priority: r.priority,
                sla_applied: None,
                statistics,
                conversation_rating: None,
                teammates: Teammates::new(embedded.teammates.remove(&r.id).unwrap_or_default()),
                title: r.title,
                custom_attributes: r.custom_attributes.0,
                topics: Map::new(),
                ticket: None,
                linked_objects: LinkedObjects::none(),
                ai_agent: None,
                ai_agent_participated: false,
                conversation_parts: None,
            }
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct PartRow {
    id: i64,
    part_type: String,
    body: Option<String>,
    created_at: i64,
    updated_at: i64,
    notified_at: i64,
    author_type: String,
    author_admin_id: Option<i64>,
    author_contact_id: Option<i64>,
    assigned_to_type: Option<String>,
    assigned_to_id: Option<i64>,
    attachments: String,
    redacted: bool,
}

/// The newest [`MAX_PARTS`] parts, oldest first, and how many there are in all.
async fn parts(db: &mut impl Exec, conversation_id: i64) -> StoreResult<PartList> {
    let total: i64 = db
        .fetch_scalar(
            Query::select()
                .expr(Expr::col(ConversationParts::Id).count())
                .from(ConversationParts::Table)
                .and_where(Expr::col(ConversationParts::ConversationId).eq(conversation_id)),
        )
        .await?;
    use ConversationParts::*;
    let mut rows: Vec<PartRow> = db
        .fetch_all(
            Query::select()
                .columns([
                    Id,
                    PartType,
                    Body,
                    CreatedAt,
                    UpdatedAt,
                    NotifiedAt,
                    AuthorType,
                    AuthorAdminId,
                    AuthorContactId,
                    AssignedToType,
                    AssignedToId,
                    Attachments,
                    Redacted,
                ])
                .from(Table)
                .and_where(Expr::col(ConversationId).eq(conversation_id))
                .order_by(Id, Order::Desc)
                .limit(MAX_PARTS as u64),
        )
        .await?;
    rows.reverse();
    let people = People::load(
        db,
        rows.iter().filter_map(|r| r.author_admin_id).collect(),
        rows.iter().filter_map(|r| r.author_contact_id).collect(),
    )
    .await?;
    let conversation_parts = rows
        .into_iter()
        .map(|r| Part {
            kind: "conversation_part",
            id: r.id,
            author: people.author(&r.author_type, r.author_admin_id, r.author_contact_id),
            part_type: r.part_type,
            body: r.body,
            created_at: r.created_at,
            updated_at: r.updated_at,
            notified_at: r.notified_at,
            assigned_to: r.assigned_to_type.map(|kind| match kind.as_str() {
                "admin" => Reference::admin(r.assigned_to_id.unwrap_or_default()),
                "team" => Reference::team(r.assigned_to_id.unwrap_or_default()),
                _ => Reference::nobody(),
            }),
            attachments: attachments(&r.attachments),
            external_id: None,
            redacted: r.redacted,
        })
        .collect();
    Ok(PartList { kind: "conversation_part.list", conversation_parts, total_count: total })
}

pub(crate) async fn row(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
) -> ConversationResult<ConversationRow> {
    let mut q = select(workspace_id);
    q.and_where(col(Conversations::Id).eq(id));
    // PostgreSQL: hold the row for the rest of the transaction (SQLite's IMMEDIATE
    // transactions already hold the whole database).
    if db.backend() == Backend::Postgres {
        q.lock(sea_query::LockType::Update);
    }
    db.fetch_optional(&q).await?.ok_or(ConversationError::ConversationNotFound)
}

/// The whole conversation, with its parts.
pub(crate) async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> ConversationResult<Conversation> {
    let row = row(db, workspace_id, id).await?;
    let mut conversation = load(db, vec![row], now()).await?.remove(0);
    conversation.conversation_parts = Some(parts(db, id).await?);
    Ok(conversation)
}

/// A page of conversations, newest update first, after the position `after`.
pub struct ConversationPage {
    pub conversations: Vec<Conversation>,
    pub total: i64,
    pub has_more: bool,
}

/// Where a page starts: after the conversation last served, by `(updated_at, id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub updated_at: i64,
    pub id: i64,
}

pub(crate) async fn page(
    db: &mut impl Exec,
    workspace_id: i64,
    filter: Condition,
    after: Option<Position>,
    limit: u64,
) -> StoreResult<ConversationPage> {
    let total: i64 = db
        .fetch_scalar(
            Query::select()
                .expr(col(Conversations::Id).count())
                .from(Conversations::Table)
                .and_where(col(Conversations::WorkspaceId).eq(workspace_id))
                .cond_where(filter.clone()),
        )
        .await?;
    let mut q = select(workspace_id);
    q.cond_where(filter);
    if let Some(p) = after {
        q.cond_where(
            Condition::any().add(col(Conversations::UpdatedAt).lt(p.updated_at)).add(
                Condition::all()
                    .add(col(Conversations::UpdatedAt).eq(p.updated_at))
                    .add(col(Conversations::Id).lt(p.id)),
            ),
        );
    }
    q.order_by((Conversations::Table, Conversations::UpdatedAt), Order::Desc)
        .order_by((Conversations::Table, Conversations::Id), Order::Desc)
        .limit(limit + 1);
    let mut rows: Vec<ConversationRow> = db.fetch_all(&q).await?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok(ConversationPage { conversations: load(db, rows, now()).await?, total, has_more })
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// What every write may change besides adding parts.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    pub(crate) state: State,
    pub(crate) read: bool,
    pub(crate) waiting_since: Option<i64>,
    pub(crate) snoozed_until: Option<i64>,
    pub(crate) admin_assignee_id: Option<i64>,
    pub(crate) team_assignee_id: Option<i64>,
    pub(crate) stats: Statistics,
}

impl Core {
    fn values(&self, updated_at: i64) -> Vec<(Conversations, Expr)> {
        use Conversations::*;
        let s = &self.stats;
        vec![
            (UpdatedAt, updated_at.into()),
            (State, self.state.as_str().into()),
            (Read, self.read.into()),
            (WaitingSince, self.waiting_since.into()),
            (SnoozedUntil, self.snoozed_until.into()),
            (AdminAssigneeId, self.admin_assignee_id.into()),
            (TeamAssigneeId, self.team_assignee_id.into()),
            (TimeToAssignment, s.time_to_assignment.into()),
            (TimeToAdminReply, s.time_to_admin_reply.into()),
            (TimeToFirstClose, s.time_to_first_close.into()),
            (TimeToLastClose, s.time_to_last_close.into()),
            (MedianTimeToReply, s.median_time_to_reply.into()),
            (FirstContactReplyAt, s.first_contact_reply_at.into()),
            (FirstAssignmentAt, s.first_assignment_at.into()),
            (FirstAdminReplyAt, s.first_admin_reply_at.into()),
            (FirstCloseAt, s.first_close_at.into()),
            (LastAssignmentAt, s.last_assignment_at.into()),
            (LastAssignmentAdminReplyAt, s.last_assignment_admin_reply_at.into()),
            (LastContactReplyAt, s.last_contact_reply_at.into()),
            (LastAdminReplyAt, s.last_admin_reply_at.into()),
            (LastCloseAt, s.last_close_at.into()),
            (LastClosedById, s.last_closed_by_id.into()),
            (CountReopens, s.count_reopens.into()),
            (CountAssignments, s.count_assignments.into()),
            (CountConversationParts, s.count_conversation_parts.into()),
            (ReplyTimes, serde_json::to_string(&s.reply_times).unwrap_or_else(|_| "[]".into()).into()),
        ]
    }
}

/// Who wrote a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartAuthor {
    Admin(i64),
    Contact(FoundContact),
    Bot,
}

/// A contact as the conversation store needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FoundContact {
    pub id: i64,
    pub is_user: bool,
}

impl FoundContact {
    fn role(self) -> &'static str {
        if self.is_user { "user" } else { "lead" }
    }
}

pub(crate) struct NewPart<'a> {
    pub(crate) part_type: &'a str,
    pub(crate) body: Option<&'a str>,
    pub(crate) author: PartAuthor,
    pub(crate) assigned_to: Option<Reference>,
    pub(crate) attachments: &'a [Attachment],
    pub(crate) at: i64,
}

pub(crate) async fn insert_part(
    db: &mut impl Exec,
    conversation_id: i64,
    part: NewPart<'_>,
) -> StoreResult<i64> {
    use ConversationParts::*;
    let (kind, admin, contact) = match part.author {
        PartAuthor::Admin(id) => ("admin", Some(id), None),
        PartAuthor::Contact(c) => (c.role(), None, Some(c.id)),
        PartAuthor::Bot => ("bot", None, None),
    };
    let (assigned_type, assigned_id) = match &part.assigned_to {
        Some(r) => (Some(r.kind), r.id),
        None => (None, None),
    };
    db.fetch_scalar(
        Query::insert()
            .into_table(Table)
            .columns([
                ConversationId,
                PartType,
                Body,
                CreatedAt,
                UpdatedAt,
                NotifiedAt,
                AuthorType,
                AuthorAdminId,
                AuthorContactId,
                AssignedToType,
                AssignedToId,
                Attachments,
            ])
            .values_panic([
                conversation_id.into(),
                part.part_type.into(),
                part.body.map(str::to_owned).into(),
                part.at.into(),
                part.at.into(),
                part.at.into(),
                kind.into(),
                admin.into(),
                contact.into(),
                assigned_type.into(),
                assigned_id.into(),
                serde_json::to_string(part.attachments).unwrap_or_else(|_| "[]".into()).into(),
            ])
            .returning_col(Id),
    )
    .await
}

pub(crate) async fn save(db: &mut impl Exec, id: i64, core: &Core, at: i64) -> StoreResult<()> {
    db.execute(
        Query::update()
            .table(Conversations::Table)
            .values(core.values(at))
            .and_where(col(Conversations::Id).eq(id)),
    )
    .await?;
    Ok(())
}

pub(crate) async fn check_admin(
    db: &mut impl Exec,
    workspace_id: i64,
    admin_id: i64,
) -> ConversationResult<()> {
    match admins::get(db, workspace_id, admin_id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(ConversationError::AdminNotFound),
        Err(other) => Err(other.into()),
    }
}

/// The contact `key` names in the workspace. An email shared by several leads names the
/// user with it if there is one, else the oldest lead.
pub(crate) async fn find_contact(
    db: &mut impl Exec,
    workspace_id: i64,
    key: &ContactKey,
) -> StoreResult<Option<FoundContact>> {
    let mut q = Query::select();
    q.columns([Contacts::Id, Contacts::Role])
        .from(Contacts::Table)
        .and_where(Expr::col(Contacts::WorkspaceId).eq(workspace_id));
    match key {
        ContactKey::Id(id) => q.and_where(Expr::col(Contacts::PublicId).eq(id.as_str())),
        ContactKey::UserId(id) => q.and_where(Expr::col(Contacts::ExternalId).eq(id.as_str())),
        ContactKey::Email(email) => {
            q.and_where(sea_query::Func::lower(Expr::col(Contacts::Email)).eq(email.trim().to_lowercase()))
        }
    };
    q.order_by_expr(Expr::col(Contacts::Role).eq("user"), Order::Desc)
        .order_by(Contacts::Id, Order::Asc)
        .limit(1);
    let found: Option<(i64, String)> = db.fetch_optional(&q).await?;
    Ok(found.map(|(id, role)| FoundContact { id, is_user: role == "user" }))
}

pub(crate) async fn require_contact(
    db: &mut impl Exec,
    workspace_id: i64,
    key: &ContactKey,
) -> ConversationResult<FoundContact> {
    find_contact(db, workspace_id, key).await?.ok_or(ConversationError::ContactNotFound)
}

/// A new lead with an email or an external id (a visitor, or a participant added by an
/// email nobody has). Written here because contact creation runs its own transaction.
pub(crate) async fn insert_lead(
    db: &mut impl Exec,
    workspace_id: i64,
    key: &ContactKey,
) -> ConversationResult<FoundContact> {
    let (email, external_id) = match key {
        ContactKey::Email(email) => {
            let email = crate::domain::contact::clean_email(Some(email.clone()))
                .map_err(|_| ConversationError::LeadRejected(format!("'{email}' is not an email address")))?;
            (email, None)
        }
        ContactKey::UserId(id) => (None, Some(id.clone())),
        ContactKey::Id(_) => return Err(ConversationError::ContactNotFound),
    };
    let at = now();
    let domain = email.as_deref().and_then(crate::domain::contact::email_domain);
    let id: i64 = db
        .fetch_scalar(
            Query::insert()
                .into_table(Contacts::Table)
                .columns([
                    Contacts::PublicId,
                    Contacts::WorkspaceId,
                    Contacts::Role,
                    Contacts::Email,
                    Contacts::EmailDomain,
                    Contacts::ExternalId,
                    Contacts::CreatedAt,
                    Contacts::UpdatedAt,
                ])
                .values_panic([
                    ids::hex_id(at).into(),
                    workspace_id.into(),
                    "lead".into(),
                    email.into(),
                    domain.into(),
                    external_id.into(),
                    at.into(),
                    at.into(),
                ])
                .returning_col(Contacts::Id),
        )
        .await?;
    Ok(FoundContact { id, is_user: false })
}

pub(crate) async fn is_participant(
    db: &mut impl Exec,
    conversation_id: i64,
    contact_id: i64,
) -> StoreResult<bool> {
    let found: Option<(i64,)> = db
        .fetch_optional(
            Query::select()
                .column(ConversationContacts::ContactId)
                .from(ConversationContacts::Table)
                .and_where(Expr::col(ConversationContacts::ConversationId).eq(conversation_id))
                .and_where(Expr::col(ConversationContacts::ContactId).eq(contact_id)),
        )
        .await?;
    Ok(found.is_some())
}

pub(crate) async fn add_participant(
    db: &mut impl Exec,
    conversation_id: i64,
    contact_id: i64,
    at: i64,
) -> StoreResult<()> {
    db.execute(
        Query::insert()
            .into_table(ConversationContacts::Table)
            .columns([
                ConversationContacts::ConversationId,
                ConversationContacts::ContactId,
                ConversationContacts::AddedAt,
            ])
            .values_panic([conversation_id.into(), contact_id.into(), at.into()])
            .on_conflict(
                OnConflict::columns([ConversationContacts::ConversationId, ConversationContacts::ContactId])
                    .do_nothing()
                    .to_owned(),
            ),
    )
    .await?;
    Ok(())
}

/// Contact activity Intercom keeps on the contact: `last_replied_at` when they write,
/// `last_contacted_at` when an admin writes to them.
pub(crate) async fn touch_contacts(
    db: &mut impl Exec,
    conversation_id: i64,
    column: Contacts,
    at: i64,
    only: Option<i64>,
) -> StoreResult<()> {
    let participants = Query::select()
        .column(ConversationContacts::ContactId)
        .from(ConversationContacts::Table)
        .and_where(Expr::col(ConversationContacts::ConversationId).eq(conversation_id))
        .take();
    let mut q = Query::update();
    q.table(Contacts::Table).value(column, at).and_where(Expr::col(Contacts::Id).in_subquery(participants));
    if let Some(id) = only {
        q.and_where(Expr::col(Contacts::Id).eq(id));
    }
    db.execute(&q).await?;
    Ok(())
}

async fn write_words(db: &mut impl Exec, conversation_id: i64, html: Option<&str>) -> StoreResult<()> {
    db.execute(
        Query::delete()
            .from_table(ConversationWords::Table)
            .and_where(Expr::col(ConversationWords::ConversationId).eq(conversation_id)),
    )
    .await?;
    let words = html.map(body::words).unwrap_or_default();
    if words.is_empty() {
        return Ok(());
    }
    let mut q = Query::insert();
    q.into_table(ConversationWords::Table)
        .columns([ConversationWords::ConversationId, ConversationWords::Word]);
    for word in words {
        q.values_panic([conversation_id.into(), word.into()]);
    }
    db.execute(&q).await?;
    Ok(())
}

/// A new conversation started by a contact.
pub(crate) struct Started<'a> {
    pub contact: FoundContact,
    pub body: &'a str,
    pub subject: Option<&'a str>,
    pub attachments: &'a [Attachment],
    pub at: i64,
}

async fn insert_conversation(db: &mut impl Exec, workspace_id: i64, s: &Started<'_>) -> StoreResult<i64> {
    use Conversations::*;
    let core = Core {
        state: crate::domain::conversation::State::Open,
        read: false,
        waiting_since: Some(s.at),
        snoozed_until: None,
        admin_assignee_id: None,
        team_assignee_id: None,
        stats: Statistics::started_by_contact(s.at),
    };
    let mut values = core.values(s.at);
    values.extend([
        (WorkspaceId, workspace_id.into()),
        (CreatedAt, s.at.into()),
        (SourceType, "conversation".into()),
        (SourceDeliveredAs, "customer_initiated".into()),
        (SourceSubject, s.subject.unwrap_or_default().into()),
        (SourceBody, s.body.into()),
        (SourceAttachments, serde_json::to_string(s.attachments).unwrap_or_else(|_| "[]".into()).into()),
        (SourceAuthorType, s.contact.role().into()),
        (SourceAuthorContactId, s.contact.id.into()),
        (CustomAttributes, Expr::val(Json::Object(Map::new()))),
    ]);
    let (columns, exprs): (Vec<Conversations>, Vec<Expr>) = values.into_iter().unzip();
    let id: i64 = db
        .fetch_scalar(
            Query::insert().into_table(Table).columns(columns).values_panic(exprs).returning_col(Id),
        )
        .await?;
    add_participant(db, id, s.contact.id, s.at).await?;
    write_words(db, id, Some(s.body)).await?;
    touch_contacts(db, id, Contacts::LastRepliedAt, s.at, None).await?;
    Ok(id)
}

impl Store {
    pub async fn get_conversation(&self, workspace_id: i64, id: i64) -> ConversationResult<Conversation> {
        get(&mut self.conn().await?, workspace_id, id).await
    }

    pub async fn list_conversations(
        &self,
        workspace_id: i64,
        after: Option<Position>,
        limit: u64,
    ) -> StoreResult<ConversationPage> {
        page(&mut self.conn().await?, workspace_id, Condition::all(), after, limit).await
    }

    /// Starts a conversation from a contact; a visitor (`from.type` `contact` with a
    /// `user_id` nobody has) becomes a lead first.
    pub async fn create_conversation(
        &self,
        workspace_id: i64,
        new: &crate::domain::conversation::requests::NewConversation,
    ) -> ConversationResult<(i64, i64)> {
        use crate::domain::conversation::requests::FromType;
        let mut tx = self.begin().await?;
        let contact = match (find_contact(&mut tx, workspace_id, &new.from).await?, new.from_type, &new.from)
        {
            (Some(c), FromType::User, _) if !c.is_user => return Err(ConversationError::ContactNotFound),
            (Some(c), FromType::Lead, _) if c.is_user => return Err(ConversationError::ContactNotFound),
            (Some(c), _, _) => c,
            (None, FromType::Contact, ContactKey::UserId(_)) => {
                insert_lead(&mut tx, workspace_id, &new.from).await?
            }
            (None, _, _) => return Err(ConversationError::ContactNotFound),
        };
        let at = new.created_at.unwrap_or_else(now);
        let started = Started {
            contact,
            body: &new.body,
            subject: new.subject.as_deref(),
            attachments: &new.attachments,
            at,
        };
        let id = insert_conversation(&mut tx, workspace_id, &started).await?;
        tx.commit().await?;
        Ok((id, at))
    }

    /// Marks read and sets custom attributes, each changed attribute recorded as a part by
    /// the admin whose token made the request.
    pub async fn update_conversation(
        &self,
        workspace_id: i64,
        id: i64,
        admin_id: i64,
        read: Option<bool>,
        title: Option<&str>,
        custom_attributes: Option<&Map<String, Json>>,
    ) -> ConversationResult<Conversation> {
        let mut tx = self.begin().await?;
        let row = row(&mut tx, workspace_id, id).await?;
        let at = now();
        let mut core = row.core(at);
        if let Some(read) = read {
            core.read = read;
        }
        if let Some(title) = title {
            tx.execute(
                Query::update()
                    .table(Conversations::Table)
                    .value(Conversations::Title, title.trim())
                    .and_where(col(Conversations::Id).eq(id)),
            )
            .await?;
        }
        if let Some(values) = custom_attributes {
            let attributes = super::data_attributes::custom(
                &mut tx,
                workspace_id,
                crate::domain::data_attribute::Model::Conversation,
            )
            .await?;
            let checked = crate::domain::data_attribute::check_custom_attributes(values, &attributes)
                .map_err(ConversationError::Attribute)?;
            let mut stored = row.custom_attributes.0.clone();
            for (name, value) in checked {
                let changed = stored.get(&name) != value.as_ref();
                match value {
                    Some(value) => stored.insert(name, value),
                    None => stored.remove(&name),
                };
                if changed {
                    insert_part(
                        &mut tx,
                        id,
                        NewPart {
                            part_type: part_type::ATTRIBUTE_UPDATED,
                            body: None,
                            author: PartAuthor::Admin(admin_id),
                            assigned_to: None,
                            attachments: &[],
                            at,
                        },
                    )
                    .await?;
                    core.stats.record(None, at, core.waiting_since);
                }
            }
            tx.execute(
                Query::update()
                    .table(Conversations::Table)
                    .value(Conversations::CustomAttributes, Expr::val(Json::Object(stored)))
                    .and_where(col(Conversations::Id).eq(id)),
            )
            .await?;
        }
        save(&mut tx, id, &core, at).await?;
        let conversation = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    /// A reply by an admin (comment or note) or a contact; `id` `None` is "last": the
    /// contact's most recently updated conversation.
    pub async fn reply_to_conversation(
        &self,
        workspace_id: i64,
        id: Option<i64>,
        reply: &crate::domain::conversation::requests::Reply,
    ) -> ConversationResult<Conversation> {
        use crate::domain::conversation::requests::Replier;
        let mut tx = self.begin().await?;
        let author = match &reply.by {
            Replier::Admin { admin_id, .. } => {
                check_admin(&mut tx, workspace_id, *admin_id).await?;
                PartAuthor::Admin(*admin_id)
            }
            Replier::Contact(key) => PartAuthor::Contact(require_contact(&mut tx, workspace_id, key).await?),
        };
        let id = match (id, author) {
            (Some(id), _) => id,
            (None, PartAuthor::Contact(contact)) => latest_of(&mut tx, workspace_id, contact.id)
                .await?
                .ok_or(ConversationError::ConversationNotFound)?,
            (None, _) => return Err(ConversationError::ConversationNotFound),
        };
        let row = row(&mut tx, workspace_id, id).await?;
        let at = reply.created_at.unwrap_or_else(now);
        let mut core = row.core(at);
        let waiting = core.waiting_since;
        let (kind, events) = match (&reply.by, author) {
            (Replier::Admin { note: true, .. }, _) => (part_type::NOTE, vec![]),
            (Replier::Admin { .. }, _) => {
                core.waiting_since = None;
                (part_type::COMMENT, vec![Event::AdminReply])
            }
            (_, PartAuthor::Contact(contact)) => {
                if !is_participant(&mut tx, id, contact.id).await? {
                    return Err(ConversationError::NotParticipant);
                }
                core.waiting_since.get_or_insert(at);
                core.read = false;
                if core.state == State::Open {
                    (part_type::COMMENT, vec![Event::ContactReply])
                } else {
                    // A contact writing re-opens the conversation; the part says so.
                    let mut events = vec![Event::ContactReply];
                    if core.state == State::Closed {
                        events.push(Event::Reopen);
                    }
                    core.state = State::Open;
                    core.snoozed_until = None;
                    (part_type::OPEN, events)
                }
            }
            (_, _) => unreachable!("a contact reply has a contact author"),
        };
        insert_part(
            &mut tx,
            id,
            NewPart {
                part_type: kind,
                body: Some(&reply.body),
                author,
                assigned_to: None,
                attachments: &reply.attachments,
                at,
            },
        )
        .await?;
        record_all(&mut core.stats, &events, at, waiting);
        match author {
            PartAuthor::Contact(c) => {
                touch_contacts(&mut tx, id, Contacts::LastRepliedAt, at, Some(c.id)).await?
            }
            _ if !events.is_empty() => {
                touch_contacts(&mut tx, id, Contacts::LastContactedAt, at, None).await?
            }
            _ => {}
        }
        save(&mut tx, id, &core, std::cmp::max(at, row.updated_at)).await?;
        let conversation = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    /// Close, snooze, open or assign, as an admin.
    pub async fn manage_conversation(
        &self,
        workspace_id: i64,
        id: i64,
        manage: &crate::domain::conversation::requests::Manage,
    ) -> ConversationResult<Conversation> {
        use crate::domain::conversation::requests::{Action, Assignee};
        let mut tx = self.begin().await?;
        let row = row(&mut tx, workspace_id, id).await?;
        check_admin(&mut tx, workspace_id, manage.admin_id).await?;
        let at = now();
        let mut core = row.core(at);
        let waiting = core.waiting_since;
        let was_closed = core.state == State::Closed;
        let author = PartAuthor::Admin(manage.admin_id);
        let (kind, body, assigned_to, events): (&str, Option<&str>, Option<Reference>, Vec<Event>) =
            match &manage.action {
                Action::Close { body } => {
                    core.state = State::Closed;
                    core.snoozed_until = None;
                    (
                        part_type::CLOSE,
                        body.as_deref(),
                        None,
                        vec![Event::Close { admin_id: manage.admin_id }],
                    )
                }
                Action::Snooze { until } => {
                    core.state = State::Snoozed;
                    core.snoozed_until = Some(*until);
                    (part_type::SNOOZED, None, None, vec![])
                }
                Action::Open => {
                    core.state = State::Open;
                    core.snoozed_until = None;
                    (part_type::OPEN, None, None, if was_closed { vec![Event::Reopen] } else { vec![] })
                }
                Action::Assign { to, body } => {
                    let reference = match *to {
                        Assignee::Admin(admin) => {
                            if let Some(admin) = admin {
                                check_admin(&mut tx, workspace_id, admin).await?;
                            }
                            core.admin_assignee_id = admin;
                            admin.map(Reference::admin).unwrap_or_else(Reference::nobody)
                        }
                        Assignee::Team(team) => {
                            if let Some(team) = team {
                                check_team(&mut tx, workspace_id, team).await?;
                            }
                            core.team_assignee_id = team;
                            team.map(Reference::team).unwrap_or_else(Reference::nobody)
                        }
                    };
                    let mut events = vec![];
                    if reference.id.is_some() {
                        events.push(Event::Assignment);
                    }
                    let kind = if was_closed {
                        core.state = State::Open;
                        events.push(Event::Reopen);
                        part_type::ASSIGN_AND_REOPEN
                    } else {
                        part_type::ASSIGNMENT
                    };
                    (kind, body.as_deref(), Some(reference), events)
                }
            };
        insert_part(
            &mut tx,
            id,
            NewPart { part_type: kind, body, author, assigned_to, attachments: &[], at },
        )
        .await?;
        record_all(&mut core.stats, &events, at, waiting);
        save(&mut tx, id, &core, at).await?;
        let conversation = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(conversation)
    }
}

pub(crate) fn record_all(stats: &mut Statistics, events: &[Event], at: i64, waiting: Option<i64>) {
    // One part, however many things it did.
    stats.record(events.first().copied(), at, waiting);
    for event in events.iter().skip(1) {
        stats.record(Some(*event), at, waiting);
        stats.count_conversation_parts -= 1;
    }
}

pub(crate) async fn check_team(
    db: &mut impl Exec,
    workspace_id: i64,
    team_id: i64,
) -> ConversationResult<()> {
    match teams::get(db, workspace_id, team_id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(ConversationError::TeamNotFound),
        Err(other) => Err(other.into()),
    }
}

pub(crate) async fn touch(db: &mut impl Exec, id: i64, at: i64) -> StoreResult<()> {
    db.execute(
        Query::update()
            .table(Conversations::Table)
            .value(Conversations::UpdatedAt, at)
            .and_where(col(Conversations::Id).eq(id)),
    )
    .await?;
    Ok(())
}

/// The contact's most recently updated conversation.
async fn latest_of(db: &mut impl Exec, workspace_id: i64, contact_id: i64) -> StoreResult<Option<i64>> {
    let found: Option<(i64,)> = db
        .fetch_optional(
            Query::select()
                .column((Conversations::Table, Conversations::Id))
                .from(Conversations::Table)
                .inner_join(
                    ConversationContacts::Table,
                    Expr::col((ConversationContacts::Table, ConversationContacts::ConversationId))
                        .equals((Conversations::Table, Conversations::Id)),
                )
                .and_where(col(Conversations::WorkspaceId).eq(workspace_id))
                .and_where(
                    Expr::col((ConversationContacts::Table, ConversationContacts::ContactId)).eq(contact_id),
                )
                .order_by((Conversations::Table, Conversations::UpdatedAt), Order::Desc)
                .order_by((Conversations::Table, Conversations::Id), Order::Desc)
                .limit(1),
        )
        .await?;
    Ok(found.map(|(id,)| id))
}

// ---------------------------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------------------------

impl Store {
    /// Redacts a part (it must have a body) or the source (a contact must have written it).
    /// The text is overwritten, not flagged: on SQLite with `secure_delete`, so that the old
    /// text does not linger in free pages.
    pub async fn redact_conversation(
        &self,
        workspace_id: i64,
        redaction: crate::domain::conversation::requests::Redaction,
    ) -> ConversationResult<Conversation> {
        use crate::domain::conversation::requests::Redaction;
        let mut tx = self.begin().await?;
        if let super::ConnRef::Sqlite(c) = tx.conn() {
            sqlx::query("PRAGMA secure_delete = ON").execute(c).await.map_err(StoreError::from)?;
        }
        let at = now();
        let (conversation_id, target) = match redaction {
            Redaction::Part { conversation_id, part_id } => (conversation_id, part_id.map(Ok)),
            Redaction::Source { conversation_id, source_id } => (conversation_id, source_id.map(Err)),
        };
        let (Some(id), Some(target)) = (conversation_id, target) else {
            return Err(ConversationError::PartNotFound);
        };
        let row = match row(&mut tx, workspace_id, id).await {
            Err(ConversationError::ConversationNotFound) => return Err(ConversationError::PartNotFound),
            other => other?,
        };
        match target {
            Ok(part_id) => {
                let found: Option<(Option<String>,)> = tx
                    .fetch_optional(
                        Query::select()
                            .column(ConversationParts::Body)
                            .from(ConversationParts::Table)
                            .and_where(Expr::col(ConversationParts::Id).eq(part_id))
                            .and_where(Expr::col(ConversationParts::ConversationId).eq(id)),
                    )
                    .await?;
                match found {
                    None => return Err(ConversationError::PartNotFound),
                    Some((None,)) => return Err(ConversationError::NotRedactable),
                    Some(_) => {}
                }
                tx.execute(
                    Query::update()
                        .table(ConversationParts::Table)
                        .values([
                            (ConversationParts::Body, body::REDACTED.into()),
                            (ConversationParts::Attachments, "[]".into()),
                            (ConversationParts::Redacted, true.into()),
                            (ConversationParts::UpdatedAt, at.into()),
                        ])
                        .and_where(Expr::col(ConversationParts::Id).eq(part_id)),
                )
                .await?;
            }
            Err(source_id) => {
                if source_id != row.id {
                    return Err(ConversationError::PartNotFound);
                }
                if row.source_author_contact_id.is_none() || row.source_author_type == "admin" {
                    return Err(ConversationError::NotRedactable);
                }
                tx.execute(
                    Query::update()
                        .table(Conversations::Table)
                        .values([
                            (Conversations::SourceBody, body::REDACTED.into()),
                            (Conversations::SourceAttachments, "[]".into()),
                            (Conversations::SourceRedacted, true.into()),
                        ])
                        .and_where(col(Conversations::Id).eq(id)),
                )
                .await?;
                write_words(&mut tx, id, None).await?;
            }
        }
        touch(&mut tx, id, at).await?;
        let conversation = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(conversation)
    }
}
