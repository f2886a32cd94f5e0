//! Conversations: the tables, and the writes, each adding a part and moving the conversation's
//! state and statistics in one transaction (reads are in `conversation_reads`).
//!
//! Snoozes end without a timer: the stored state stays `snoozed` and every read derives the
//! state at that moment (`State::effective`, and the same CASE in search), so any number of
//! server processes agree. The next write stores the derived state.

pub mod assignment_rules;
pub mod participants;
pub mod reads;
pub mod tags;

use sea_query::{Condition, Expr, ExprTrait, Iden, OnConflict, Order, Query};
use serde_json::{Map, Value as Json};

use crate::domain::conversation::requests::ContactKey;
use crate::domain::conversation::statistics::{Event, Statistics};
use crate::domain::conversation::{Attachment, Conversation, Reference, State, body, part_type};
use crate::domain::data_attribute::AttributeRejection;
use crate::domain::ids;
use crate::domain::search::SearchError;
use crate::store::admins;
use crate::store::admins::teams;
pub(crate) use crate::store::conversations::reads::{
    ConversationPage, Position, applied_tag, get, page, row,
};
use crate::store::schema::contacts::Contacts;
use crate::store::{Exec, Store, StoreError, StoreResult, now};

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
        Err(StoreError::NotFound(_)) => Err(ConversationError::AdminNotFound),
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
            let attributes = crate::store::data_attributes::custom(
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
        Err(StoreError::NotFound(_)) => Err(ConversationError::TeamNotFound),
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
        if let crate::store::ConnRef::Sqlite(c) = tx.conn() {
            c.pragma_update(None, "secure_delete", "ON").map_err(StoreError::from)?;
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
