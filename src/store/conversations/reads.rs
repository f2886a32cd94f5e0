//! Reading conversations: the row, everything a conversation embeds (contacts, tags,
//! teammates, authors' names; fetched for a whole page at once), its parts, and pages.
//!
//! A snoozed conversation whose time has passed reads as open: see `State::effective`.

use std::collections::HashMap;

use sea_query::{Condition, Expr, ExprTrait, Order, Query, SelectStatement};
use serde_json::{Map, Value as Json};

use super::part_reads::{parts, parts_of_many};
use crate::domain::company::Company;
use crate::domain::conversation::statistics::{Statistics, TeamResponse};
use crate::domain::conversation::{
    Attachment, Author, Channel, ContactRef, Conversation, FirstContactReply, LinkedObjects, Position,
    Reference, Source, State, Teammates, part_type,
};
use crate::domain::error::Missing;
use crate::domain::message::StoredRecipient;
use crate::domain::pages::NamedList;
use crate::domain::tag::{AdminReference, Tag};
use crate::store::conversations::parts::Core;
use crate::store::schema::admins::{Admins, Teams};
use crate::store::schema::contacts::Contacts;
use crate::store::schema::conversations::{
    ConversationContacts, ConversationParts, ConversationRow, ConversationTags, Conversations,
};
use crate::store::schema::messages::Messages;
use crate::store::schema::tags::Tags;
use crate::store::schema::tickets::Tickets;
use crate::store::search::conversations::Resolver;
use crate::store::search::{ColumnResolver, attributes, has_selective_filter, lower, workspace_is};
use crate::store::{Backend, Exec, Store, StoreError, StoreResult, WhereEq, now};

impl ConversationRow {
    fn stored_state(&self) -> State {
        State::parse(&self.state).unwrap_or(State::Open)
    }

    fn statistics(&self) -> Statistics {
        let mut stats = Statistics {
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
            team_responses: serde_json::from_str(&self.team_responses).unwrap_or_default(),
            ..Statistics::default()
        };
        stats.handling_time = stats.handling_time();
        stats
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

fn select(workspace_id: i64) -> SelectStatement {
    Conversations::select_all(&mut Query::select())
        .from(Conversations::Table)
        .and_where(Conversations::WorkspaceId.col().eq(workspace_id))
        .take()
}

/// `(id, public_id, role, name, email)` of a contact.
type ContactPerson = (i64, String, String, Option<String>, Option<String>);

/// Names and emails of authors, by kind, resolved for a batch of rows at once.
#[derive(Default)]
pub(crate) struct People {
    pub(crate) admins: HashMap<i64, (String, String)>,
    /// internal id -> (public id, role, name, email)
    contacts: HashMap<i64, (String, String, Option<String>, Option<String>)>,
}

impl People {
    pub(crate) async fn load(
        db: &mut impl Exec,
        admin_ids: Vec<i64>,
        contact_ids: Vec<i64>,
    ) -> StoreResult<People> {
        let mut people = People::default();
        if !admin_ids.is_empty() {
            let rows: Vec<(i64, String, String)> = db
                .fetch_all(
                    Admins::select([Admins::Id, Admins::Name, Admins::Email])
                        .and_where(Expr::col(Admins::Id).is_in(admin_ids)),
                )
                .await?;
            people.admins = rows.into_iter().map(|(id, name, email)| (id, (name, email))).collect();
        }
        if !contact_ids.is_empty() {
            let rows: Vec<ContactPerson> = db
                .fetch_all(
                    Contacts::select([
                        Contacts::Id,
                        Contacts::PublicId,
                        Contacts::Role,
                        Contacts::Name,
                        Contacts::Email,
                    ])
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

    pub(crate) fn author(&self, kind: &str, admin_id: Option<i64>, contact_id: Option<i64>) -> Author {
        match kind {
            "bot" => Author::operator(),
            "admin" => {
                let id = admin_id.unwrap_or_default();
                let (name, email) = self.admins.get(&id).cloned().unwrap_or_default();
                Author::person("admin".into(), id.to_string(), Some(name), email)
            }
            // A contact: its current role, name and email. One deleted since keeps its role
            // and loses the rest.
            _ => match contact_id.and_then(|id| self.contacts.get(&id)) {
                Some((public_id, role, name, email)) => Author::person(
                    role.clone(),
                    public_id.clone(),
                    name.clone(),
                    email.clone().unwrap_or_default(),
                ),
                None => Author::person(kind.to_owned(), String::new(), None, String::new()),
            },
        }
    }
}

pub(super) fn attachments(raw: &str) -> Vec<Attachment> {
    serde_json::from_str(raw).unwrap_or_default()
}

/// The contacts, tags and teammates of each conversation in `ids`, in one query each.
struct Embedded {
    contacts: HashMap<i64, Vec<ContactRef>>,
    tags: HashMap<i64, Vec<Tag>>,
    teammates: HashMap<i64, Vec<Reference>>,
}

/// `SELECT columns FROM conversation_contacts JOIN contacts`, in the order the participants
/// were added.
pub(crate) fn participants(columns: impl IntoIterator<Item = Expr>) -> SelectStatement {
    Query::select()
        .exprs(columns)
        .from(ConversationContacts::Table)
        .inner_join(
            Contacts::Table,
            Contacts::Id.col().equals((ConversationContacts::Table, ConversationContacts::ContactId)),
        )
        .order_by((ConversationContacts::Table, ConversationContacts::AddedAt), Order::Asc)
        .order_by((Contacts::Table, Contacts::Id), Order::Asc)
        .take()
}

async fn embedded(db: &mut impl Exec, ids: &[i64]) -> StoreResult<Embedded> {
    let mut out = Embedded { contacts: HashMap::new(), tags: HashMap::new(), teammates: HashMap::new() };
    if ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i64, String, Option<String>)> = db
        .fetch_all(
            participants([
                ConversationContacts::ConversationId.col(),
                Contacts::PublicId.col(),
                Contacts::ExternalId.col(),
            ])
            .and_where(ConversationContacts::ConversationId.col().is_in(ids.iter().copied())),
        )
        .await?;
    for (conversation, id, external_id) in rows {
        out.contacts.entry(conversation).or_default().push(ContactRef { kind: "contact", id, external_id });
    }
    let rows: Vec<(i64, i64, String, i64, Option<i64>)> = db
        .fetch_all(
            Query::select()
                .exprs([
                    ConversationTags::ConversationId.col(),
                    Tags::Id.col(),
                    Tags::Name.col(),
                    ConversationTags::AppliedAt.col(),
                    ConversationTags::AppliedBy.col(),
                ])
                .from(ConversationTags::Table)
                .inner_join(
                    Tags::Table,
                    Tags::Id.col().equals((ConversationTags::Table, ConversationTags::TagId)),
                )
                .and_where(ConversationTags::ConversationId.col().is_in(ids.iter().copied()))
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
            ConversationParts::select([ConversationParts::ConversationId, ConversationParts::AuthorAdminId])
                .distinct()
                .and_where(Expr::col(ConversationParts::ConversationId).is_in(ids.iter().copied()))
                .where_eq(ConversationParts::AuthorType, "admin")
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

/// The names of the teams the rows' statistics name, by id.
async fn team_names(db: &mut impl Exec, rows: &[ConversationRow]) -> StoreResult<HashMap<i64, String>> {
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| serde_json::from_str::<Vec<TeamResponse>>(&r.team_responses).unwrap_or_default())
        .map(|r| r.team_id)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = db
        .fetch_all(Teams::select([Teams::Id, Teams::Name]).and_where(Expr::col(Teams::Id).is_in(ids)))
        .await?;
    Ok(rows.into_iter().collect())
}

/// The recipients of the email messages that started any of `rows` (`source.recipients`).
async fn email_recipients(
    db: &mut impl Exec,
    rows: &[ConversationRow],
) -> StoreResult<HashMap<i64, Vec<Json>>> {
    let ids: Vec<i64> = rows.iter().filter(|r| r.source_type == "email").map(|r| r.id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let found: Vec<(i64, String)> = db
        .fetch_all(
            Messages::select([Messages::ConversationId, Messages::Recipients])
                .and_where(Expr::col(Messages::ConversationId).is_in(ids)),
        )
        .await?;
    Ok(found
        .into_iter()
        .map(|(id, text)| {
            let stored: Vec<StoredRecipient> = serde_json::from_str(&text).unwrap_or_default();
            (id, stored.iter().map(StoredRecipient::email_header).collect())
        })
        .collect())
}

/// Turns rows into conversation objects (without parts), everything embedded fetched at once.
async fn load(db: &mut impl Exec, rows: Vec<ConversationRow>, at: i64) -> StoreResult<Vec<Conversation>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut embedded = embedded(db, &ids).await?;
    let linked = crate::store::tickets::links::linked_objects(db, &ids).await?;
    let team_names = team_names(db, &rows).await?;
    // The companies of a page at once (a page's rows are one workspace's).
    let mut wanted: HashMap<i64, Vec<i64>> = HashMap::new();
    for (workspace_id, company_id) in rows.iter().filter_map(|r| Some((r.workspace_id, r.company_id?))) {
        wanted.entry(workspace_id).or_default().push(company_id);
    }
    let mut companies: HashMap<i64, Company> = HashMap::new();
    for (workspace_id, ids) in wanted {
        companies.extend(crate::store::companies::get_many(db, workspace_id, ids).await?);
    }
    let people = People::load(
        db,
        rows.iter().filter_map(|r| r.source_author_admin_id).collect(),
        rows.iter().filter_map(|r| r.source_author_contact_id).collect(),
    )
    .await?;
    let mut recipients = email_recipients(db, &rows).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (state, snoozed_until) = r.stored_state().effective(r.snoozed_until, at);
            let mut statistics = r.statistics();
            statistics.show_team_responses(&team_names);
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
                    recipients: recipients.remove(&r.id),
                    reply_to: None,
                },
                contacts: NamedList::new(embedded.contacts.remove(&r.id).unwrap_or_default()),
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
                tags: NamedList::new(embedded.tags.remove(&r.id).unwrap_or_default()),
                priority: r.priority,
                sla_applied: None,
                statistics,
                conversation_rating: None,
                teammates: Teammates::new(embedded.teammates.remove(&r.id).unwrap_or_default()),
                title: r.title,
                custom_attributes: r.custom_attributes.0,
                topics: Map::new(),
                ticket: None,
                linked_objects: LinkedObjects::of(linked.get(&r.id).map_or(&[], Vec::as_slice)),
                ai_agent: None,
                ai_agent_participated: false,
                channel: Channel::messenger(),
                company: r.company_id.and_then(|id| companies.get(&id).cloned()),
                external_references: Vec::new(),
                monitor_evaluations: Vec::new(),
                sales_agent: None,
                sales_agent_participated: false,
                scorecards: Vec::new(),
                conversation_parts: None,
            }
        })
        .collect())
}

async fn fetch_row(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    lock: bool,
) -> StoreResult<ConversationRow> {
    let mut q = select(workspace_id);
    q.and_where(Conversations::Id.col().eq(id));
    // SQLite's IMMEDIATE transactions already hold the whole database.
    if lock && db.backend() == Backend::Postgres {
        q.lock(sea_query::LockType::Update);
    }
    db.fetch_optional(&q).await?.ok_or(StoreError::NotFound(Missing::Resource))
}

/// The row a write is about to change, held for the rest of the transaction so that
/// concurrent writes to one conversation apply one after the other. Not found is
/// "Resource Not Found".
pub(crate) async fn row(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<ConversationRow> {
    fetch_row(db, workspace_id, id, true).await
}

/// The whole conversation, with its parts.
pub(crate) async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<Conversation> {
    let row = fetch_row(db, workspace_id, id, false).await?;
    let mut conversation = load(db, vec![row], now()).await?.remove(0);
    conversation.conversation_parts = Some(parts(db, id).await?);
    Ok(conversation)
}

/// The whole conversations `ids` of the workspace that exist, in that order, with their
/// parts: a fixed number of statements whatever the number of ids (a page of tickets).
pub(crate) async fn get_many(
    db: &mut impl Exec,
    workspace_id: i64,
    ids: &[i64],
) -> StoreResult<Vec<Conversation>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Conversations::select_all(&mut Query::select()).from(Conversations::Table).take();
    q.where_guard(db.backend(), (Conversations::Table, Conversations::WorkspaceId), workspace_id)
        .and_where(Conversations::Id.col().is_in(ids.iter().copied()));
    let rows: Vec<ConversationRow> = db.fetch_all(&q).await?;
    let mut parts = parts_of_many(db, ids).await?;
    let mut found: HashMap<i64, Conversation> = load(db, rows, now())
        .await?
        .into_iter()
        .map(|mut c| {
            c.conversation_parts = parts.remove(&c.id);
            (c.id, c)
        })
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// A page of conversations, newest update first, after the position `after`.
pub struct ConversationPage {
    pub conversations: Vec<Conversation>,
    pub total: i64,
    pub has_more: bool,
}

/// `selective`: the filter names few conversations by an index (`search::has_selective_filter`).
async fn page(
    db: &mut impl Exec,
    workspace_id: i64,
    selective: bool,
    filter: Condition,
    after: Option<Position>,
    limit: u64,
) -> StoreResult<ConversationPage> {
    // Tickets are conversation rows, listed and searched as tickets, not as conversations.
    // Correlated, so that a search started from a few conversations looks up only theirs
    // (an uncorrelated `NOT IN` would read every ticket of the workspace).
    let ticket = Query::select()
        .expr(Expr::val(1))
        .from(Tickets::Table)
        .and_where(
            Expr::col((Tickets::Table, Tickets::ConversationId))
                .equals((Conversations::Table, Conversations::Id)),
        )
        .take();
    let filter = Condition::all().add(filter).add(Expr::exists(ticket).not());
    let workspace = workspace_is(db.backend(), Conversations::WorkspaceId.col(), workspace_id, selective);
    let total: i64 = db
        .fetch_scalar(
            Query::select()
                .expr(Conversations::Id.col().count())
                .from(Conversations::Table)
                .and_where(workspace.clone())
                .cond_where(filter.clone()),
        )
        .await?;
    let mut q = Conversations::select_all(&mut Query::select())
        .from(Conversations::Table)
        .and_where(workspace)
        .take();
    q.cond_where(filter);
    if let Some(p) = after {
        q.cond_where(
            Condition::any().add(Conversations::UpdatedAt.col().lt(p.updated_at)).add(
                Condition::all()
                    .add(Conversations::UpdatedAt.col().eq(p.updated_at))
                    .add(Conversations::Id.col().lt(p.id)),
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

impl Store {
    pub async fn get_conversation(&self, workspace_id: i64, id: i64) -> StoreResult<Conversation> {
        get(&mut self.conn().await?, workspace_id, id).await
    }

    pub async fn list_conversations(
        &self,
        workspace_id: i64,
        after: Option<Position>,
        limit: u64,
    ) -> StoreResult<ConversationPage> {
        page(&mut self.conn().await?, workspace_id, false, Condition::all(), after, limit).await
    }

    /// One page of the conversations a checked `query` matches, newest update first.
    pub async fn search_conversations(
        &self,
        workspace_id: i64,
        query: &crate::domain::search::Query,
        after: Option<Position>,
        limit: u64,
    ) -> StoreResult<ConversationPage> {
        let mut conn = self.conn().await?;
        let resolver = Resolver::new(conn.backend(), workspace_id, now());
        let mut query = query.clone();
        attributes::match_values(&mut conn, resolver.owner(), &mut query).await?;
        let filter = lower(&query, &resolver).map_err(|err| StoreError::Rejected(err.into()))?;
        let selective = has_selective_filter(&query, &["id", "contact_ids"]);
        page(&mut conn, workspace_id, selective, filter, after, limit).await
    }
}
