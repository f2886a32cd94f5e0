//! Writes to tickets: creating one (a conversation row and its `tickets` row), updating it
//! (each state move, attribute change, open/close/snooze and assignment is a part), replying,
//! and deleting. Each runs in one transaction, the ticket's rows locked first.

use sea_query::{Expr, ExprTrait, LockType, Query};
use serde_json::{Map, Value as Json, json};

use crate::domain::conversation::requests::{ContactKey, Replier, Reply};
use crate::domain::conversation::statistics::Event;
use crate::domain::conversation::{PartMetadata, Reference, State, part_type};
use crate::domain::error::{ErrorCode, Missing, Rejection};
use crate::domain::ticket::attributes::apply;
use crate::domain::ticket::requests::{CROSS_POST_NOTES_ONLY, NewTicket, StateChoice, TicketUpdate};
use crate::domain::ticket::{
    AttributeRef, AttributeValue, Category, StateCategory, Ticket, TicketDeleted, TicketPart, TicketPartData,
    UpdatedAttribute, part_type as ticket_part_type,
};
use crate::domain::webhook;
use crate::store::conversations::hooks;
use crate::store::conversations::participants::{find_contact, insert_lead};
use crate::store::conversations::parts::{Core, NewPart, PartAuthor, insert_part, record_all, save, set};
use crate::store::conversations::writes::{Started, Starter, insert_conversation, reply_in};
use crate::store::conversations::{check_admin, check_team};
use crate::store::schema::conversations::{ConversationParts, Conversations, DeletedConversations};
use crate::store::schema::tickets::{TicketLinks, TicketRow, TicketStateRow, TicketTypeRow, Tickets};
use crate::store::schema::workspaces::Workspaces;
use crate::store::tickets::reads::{get, ticket_part, ticket_row};
use crate::store::tickets::types::{attribute_rows, defs, ensure_states, states, type_row};
use crate::store::{Backend, Exec, Store, StoreError, StoreResult, WhereEq, now};

/// Adds the ticket's data to a part's metadata (`base`, what the part already has).
pub(crate) async fn set_part_data(
    db: &mut impl Exec,
    part_id: i64,
    base: &PartMetadata,
    data: &TicketPartData,
) -> StoreResult<()> {
    let mut metadata = serde_json::to_value(base).unwrap_or_else(|_| json!({}));
    if let (Some(object), Json::Object(extra)) =
        (metadata.as_object_mut(), serde_json::to_value(data).unwrap_or_default())
    {
        object.extend(extra);
    }
    db.execute(
        ConversationParts::update([(ConversationParts::Metadata, metadata.to_string().into())])
            .where_eq(ConversationParts::Id, part_id),
    )
    .await?;
    Ok(())
}

/// What a ticket write is changing: the conversation's core and the ticket's state.
struct Writing {
    id: i64,
    at: i64,
    author: PartAuthor,
    core: Core,
    /// The category of the ticket's state as it stands.
    state: StateCategory,
}

impl Writing {
    /// Writes a part and records it in the statistics.
    async fn part(
        &mut self,
        db: &mut impl Exec,
        kind: &'static str,
        assigned_to: Option<Reference>,
        mut data: TicketPartData,
        events: &[Event],
    ) -> StoreResult<i64> {
        let waiting = self.core.waiting_since;
        let part = NewPart { assigned_to, ..NewPart::event(kind, self.author, self.core.state, self.at) };
        let id = insert_part(db, self.id, part).await?;
        data.ticket_state.get_or_insert_with(|| self.state.as_str().to_owned());
        set_part_data(db, id, &PartMetadata::default(), &data).await?;
        record_all(&mut self.core.stats, events, self.at, waiting);
        Ok(id)
    }

    /// Assigns an admin or team (checked before), or nobody.
    async fn assign(&mut self, db: &mut impl Exec, to: Reference) -> StoreResult<()> {
        match (to.kind, to.id) {
            ("admin", id) => self.core.admin_assignee_id = id,
            ("team", Some(team)) => {
                self.core.team_assignee_id = Some(team);
                self.core.stats.assigned_to_team(team, self.at);
            }
            _ => {
                self.core.admin_assignee_id = None;
                self.core.team_assignee_id = None;
            }
        }
        let events = if to.id.is_some() { vec![Event::Assignment] } else { vec![] };
        self.part(db, part_type::ASSIGNMENT, Some(to), TicketPartData::default(), &events).await?;
        Ok(())
    }
}

fn state_category(row: &TicketStateRow) -> StateCategory {
    StateCategory::parse(&row.category).unwrap_or(StateCategory::Submitted)
}

/// The contact a new ticket names; an email nobody has becomes a new lead.
async fn ticket_contact(
    db: &mut impl Exec,
    workspace_id: i64,
    key: &ContactKey,
) -> StoreResult<crate::store::conversations::parts::FoundContact> {
    match find_contact(db, workspace_id, key).await? {
        Some(contact) => Ok(contact),
        None if matches!(key, ContactKey::Email(_)) => insert_lead(db, workspace_id, key).await,
        None => Err(Missing::Contact.into()),
    }
}

/// Creates a ticket in the caller's transaction, as the admin `admin_id`, and answers its id:
/// a conversation row with the contact as participant, the `tickets` row in the category's
/// submitted state, a state part, and assignment parts for the assignees it names. Checks
/// everything (type, attributes, contact, company, assignees, linked conversation) before
/// anything stays written: the caller's transaction is dropped on any error.
pub(crate) async fn create_in(
    db: &mut impl Exec,
    workspace_id: i64,
    admin_id: i64,
    new: &NewTicket,
) -> StoreResult<i64> {
    ensure_states(db, workspace_id).await?;
    let ticket_type = type_row(db, workspace_id, new.ticket_type_id).await?;
    if ticket_type.archived {
        return Err(Rejection::invalid("ticket_type_id", "The ticket type is archived").into());
    }
    let attribute_rows = attribute_rows(db, &[ticket_type.id]).await?;
    let attributes = apply(&defs(&attribute_rows), &Map::new(), &new.attributes, true)?;
    check_admin(db, workspace_id, admin_id).await?;
    let contact = ticket_contact(db, workspace_id, &new.contact).await?;
    let company = match &new.company_id {
        Some(public_id) => Some(crate::store::companies::find_public(db, workspace_id, public_id).await?),
        None => None,
    };
    if let Some(admin) = new.admin_assignee_id {
        check_admin(db, workspace_id, admin).await?;
    }
    if let Some(team) = new.team_assignee_id {
        check_team(db, workspace_id, team).await?;
    }
    let at = new.created_at.unwrap_or_else(now);
    let text = |name: &str| attributes.get(name).and_then(Json::as_str).map(str::to_owned);
    let (title, description) = (text("_default_title_"), text("_default_description_"));
    let started = Started {
        by: Starter::Admin { admin_id, to: vec![contact], open: true },
        source_type: "conversation",
        body: description.as_deref().unwrap_or_default(),
        subject: title.as_deref(),
        url: None,
        attachments: &[],
        brand_id: None,
        at,
    };
    let id = insert_conversation(db, workspace_id, &started).await?;
    set(db, id, vec![(Conversations::Title, title.into()), (Conversations::CompanyId, company.into())])
        .await?;
    let submitted = states(db, workspace_id)
        .await?
        .into_iter()
        .find(|s| {
            s.ticket_category == ticket_type.category && s.category == StateCategory::Submitted.as_str()
        })
        .ok_or(StoreError::NotFound(Missing::Resource))?;
    insert_ticket_row(db, workspace_id, id, &ticket_type, submitted.id, attributes, at, at).await?;
    let row = crate::store::conversations::reads::row(db, workspace_id, id).await?;
    let mut writing = Writing {
        id,
        at,
        author: PartAuthor::Admin(admin_id),
        core: row.core(at),
        state: StateCategory::Submitted,
    };
    let submitted_data = TicketPartData {
        ticket_state: Some(StateCategory::Submitted.as_str().into()),
        previous_ticket_state: Some(StateCategory::Submitted.as_str().into()),
        updated_attribute_data: None,
    };
    writing.part(db, ticket_part_type::STATE_UPDATED, None, submitted_data, &[]).await?;
    if let Some(admin) = new.admin_assignee_id {
        writing.assign(db, Reference::admin(admin)).await?;
    }
    if let Some(team) = new.team_assignee_id {
        writing.assign(db, Reference::team(team)).await?;
    }
    save(db, id, &writing.core, at).await?;
    if let Some(conversation) = new.conversation_to_link_id {
        let found: Option<(i64,)> = db
            .fetch_optional(
                Conversations::select([Conversations::Id])
                    .where_eq(Conversations::WorkspaceId, workspace_id)
                    .where_eq(Conversations::Id, conversation),
            )
            .await?;
        if found.is_none() {
            return Err(Missing::Conversation.into());
        }
        db.execute(&TicketLinks::insert([
            (TicketLinks::TicketId, id.into()),
            (TicketLinks::LinkedId, conversation.into()),
            (TicketLinks::WorkspaceId, workspace_id.into()),
            (TicketLinks::CreatedAt, at.into()),
        ]))
        .await?;
    }
    Ok(id)
}

/// `updated_attribute_data` of a part recording that `name` became `value`.
fn updated_attribute(attribute_id: i64, name: &str, value: Option<&Json>) -> UpdatedAttribute {
    let (id, label) = match value {
        None | Some(Json::Null) => (Json::Null, json!("")),
        // Files: no ids (uploads are not stored as files), their names.
        Some(Json::Array(files)) => {
            (json!([]), Json::Array(files.iter().map(|f| f["name"].clone()).collect()))
        }
        Some(Json::String(s)) => (json!(s), json!(s)),
        Some(other) => (json!(other.to_string()), json!(other.to_string())),
    };
    UpdatedAttribute {
        attribute: AttributeRef {
            kind: "attribute".into(),
            id: attribute_id.to_string(),
            label: name.to_owned(),
        },
        value: AttributeValue { kind: "value".into(), id, label },
    }
}

fn state_invalid() -> StoreError {
    Rejection::new(
        ErrorCode::TicketStateIdInvalid,
        "Ticket state id is not valid or is not associated with the ticket type",
    )
    .into()
}

/// The state an update names, among the states of the ticket's category.
fn target_state<'a>(
    states: &'a [TicketStateRow],
    ticket: &TicketRow,
    choice: StateChoice,
) -> StoreResult<&'a TicketStateRow> {
    let mut usable = states.iter().filter(|s| s.ticket_category == ticket.category && !s.archived);
    match choice {
        StateChoice::Id(id) => usable.find(|s| s.id == id),
        StateChoice::Category(category) => usable.find(|s| s.category == category.as_str()),
    }
    .ok_or_else(state_invalid)
}

/// The admin making a change, or "Assignee not found" (Intercom's answer for either).
async fn check_assignee_admin(db: &mut impl Exec, workspace_id: i64, admin_id: i64) -> StoreResult<()> {
    check_admin(db, workspace_id, admin_id).await.map_err(|err| match err {
        StoreError::NotFound(_) => Missing::Assignee.into(),
        other => other,
    })
}

/// Whom `assignee_id` names: an admin, else a team; 0 is nobody.
async fn assignee(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<Reference> {
    if id == 0 {
        return Ok(Reference::nobody());
    }
    if check_admin(db, workspace_id, id).await.is_ok() {
        return Ok(Reference::admin(id));
    }
    match check_team(db, workspace_id, id).await {
        Ok(()) => Ok(Reference::team(id)),
        Err(StoreError::NotFound(_)) => Err(Missing::Assignee.into()),
        Err(other) => Err(other),
    }
}

impl Store {
    /// Creates a ticket (see [`create_in`]) and answers it.
    pub async fn create_ticket(
        &self,
        workspace_id: i64,
        admin_id: i64,
        new: &NewTicket,
    ) -> StoreResult<Ticket> {
        let mut tx = self.begin().await?;
        let id = create_in(&mut tx, workspace_id, admin_id, new).await?;
        let ticket = get(&mut tx, workspace_id, id).await?;
        hooks::notify_ticket(&mut tx, workspace_id, id, &[webhook::TICKET_CREATED], Some(&ticket)).await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// Applies an update as the admin it names (the token's unless it names one). Everything
    /// is checked before the transaction commits; each change is a part.
    pub async fn update_ticket(
        &self,
        workspace_id: i64,
        id: i64,
        token_admin: i64,
        update: &TicketUpdate,
    ) -> StoreResult<Ticket> {
        let mut tx = self.begin().await?;
        let changed = Self::update_ticket_in(&mut tx, workspace_id, id, token_admin, update).await?;
        let updated = get(&mut tx, workspace_id, id).await?;
        hooks::notify_ticket(&mut tx, workspace_id, id, &changed.topics(), Some(&updated)).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Applies an update (see [`Store::update_ticket`]) in the caller's transaction; answers
    /// what changed, for the webhooks (a fixture load sends none).
    pub(crate) async fn update_ticket_in(
        tx: &mut impl Exec,
        workspace_id: i64,
        id: i64,
        token_admin: i64,
        update: &TicketUpdate,
    ) -> StoreResult<webhook::TicketChanges> {
        let ticket = ticket_row(tx, workspace_id, id, true).await?;
        let conversation = crate::store::conversations::reads::row(tx, workspace_id, id).await?;
        let admin_id = update.admin_id.unwrap_or(token_admin);
        check_assignee_admin(tx, workspace_id, admin_id).await?;
        let at = now();
        let all_states = states(tx, workspace_id).await?;
        let current = all_states.iter().find(|s| s.id == ticket.ticket_state_id).ok_or_else(state_invalid)?;
        let mut writing = Writing {
            id,
            at,
            author: PartAuthor::Admin(admin_id),
            core: conversation.core(at),
            state: state_category(current),
        };
        let was = writing.core.state;
        let (mut state_id, mut previous_id) = (ticket.ticket_state_id, ticket.previous_ticket_state_id);
        let mut attributes: Map<String, Json> =
            serde_json::from_str(&ticket.ticket_attributes).unwrap_or_default();
        if let Some(values) = &update.attributes {
            let rows = attribute_rows(tx, &[ticket.ticket_type_id]).await?;
            let applied = apply(&defs(&rows), &attributes, values, false)?;
            for row in rows.iter().filter(|r| values.contains_key(&r.name)) {
                if applied.get(&row.name) != attributes.get(&row.name) {
                    let data = TicketPartData {
                        updated_attribute_data: Some(updated_attribute(
                            row.id,
                            &row.name,
                            applied.get(&row.name),
                        )),
                        ..TicketPartData::default()
                    };
                    writing.part(tx, ticket_part_type::ATTRIBUTE_UPDATED, None, data, &[]).await?;
                }
            }
            attributes = applied;
        }
        if let Some(choice) = update.state {
            let target = target_state(&all_states, &ticket, choice)?;
            if target.id != state_id {
                let data = TicketPartData {
                    ticket_state: Some(target.category.clone()),
                    previous_ticket_state: Some(writing.state.as_str().into()),
                    updated_attribute_data: None,
                };
                writing.state = state_category(target);
                writing.part(tx, ticket_part_type::STATE_UPDATED, None, data, &[]).await?;
                (previous_id, state_id) = (Some(state_id), target.id);
            }
        }
        match update.open {
            Some(false) if writing.core.state != State::Closed => {
                writing.core.state = State::Closed;
                writing.core.snoozed_until = None;
                let events = [Event::Close { admin_id }];
                writing.part(tx, part_type::CLOSE, None, TicketPartData::default(), &events).await?;
            }
            Some(true) if writing.core.state != State::Open && update.snoozed_until.is_none() => {
                let events = if writing.core.state == State::Closed { vec![Event::Reopen] } else { vec![] };
                writing.core.state = State::Open;
                writing.core.snoozed_until = None;
                writing.part(tx, part_type::OPEN, None, TicketPartData::default(), &events).await?;
            }
            _ => {}
        }
        if let Some(until) = update.snoozed_until {
            if until <= at {
                return Err(Rejection::invalid("snoozed_until", "snoozed_until must be in the future").into());
            }
            writing.core.state = State::Snoozed;
            writing.core.snoozed_until = Some(until);
            writing.part(tx, part_type::SNOOZED, None, TicketPartData::default(), &[]).await?;
        }
        if let Some(assignee_id) = update.assignee_id {
            let to = assignee(tx, workspace_id, assignee_id).await?;
            writing.assign(tx, to).await?;
        }
        if let Some(company) = &update.company_id {
            let company_id = match company {
                Some(public_id) => {
                    Some(crate::store::companies::find_public(tx, workspace_id, public_id).await?)
                }
                None => None,
            };
            set(tx, id, vec![(Conversations::CompanyId, company_id.into())]).await?;
        }
        save(tx, id, &writing.core, at).await?;
        let attributes_changed = attributes
            != serde_json::from_str::<Map<String, Json>>(&ticket.ticket_attributes).unwrap_or_default();
        tx.execute(
            Tickets::update([
                (Tickets::TicketStateId, state_id.into()),
                (Tickets::PreviousTicketStateId, previous_id.into()),
                (Tickets::TicketAttributes, Json::Object(attributes).to_string().into()),
                (Tickets::IsShared, update.is_shared.unwrap_or(ticket.is_shared).into()),
                (Tickets::UpdatedAt, at.into()),
            ])
            .where_eq(Tickets::ConversationId, id),
        )
        .await?;
        let assigned = update.assignee_id.filter(|&to| to != 0);
        Ok(webhook::TicketChanges {
            state: state_id != ticket.ticket_state_id,
            resolved: state_id != ticket.ticket_state_id && writing.state == StateCategory::Resolved,
            attributes: attributes_changed,
            closed: writing.core.state == State::Closed && was != State::Closed,
            admin_assigned: assigned.is_some_and(|to| writing.core.admin_assignee_id == Some(to)),
            team_assigned: assigned.is_some_and(|to| writing.core.admin_assignee_id != Some(to)),
        })
    }

    /// A reply (comment, note or quick reply) by an admin, or a contact's comment; contacts
    /// cannot write on back-office and tracker tickets. A note `cross_post`ed (back-office
    /// tickets only) is written on every conversation linked to the ticket too. Answers the
    /// part.
    pub async fn reply_to_ticket(
        &self,
        workspace_id: i64,
        id: i64,
        reply: &Reply,
        cross_post: bool,
    ) -> StoreResult<TicketPart> {
        let mut tx = self.begin().await?;
        let (part_id, data, current) =
            Self::reply_to_ticket_in(&mut tx, workspace_id, id, reply, cross_post).await?;
        hooks::notify_ticket(&mut tx, workspace_id, id, &[webhook::reply_topics(reply).1], None).await?;
        let conversation = crate::store::conversations::reads::get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        let part = conversation
            .conversation_parts
            .and_then(|parts| parts.items.into_iter().find(|p| p.id == part_id))
            .ok_or(StoreError::NotFound(Missing::Part))?;
        Ok(ticket_part(part, data, &current))
    }

    /// Writes a reply (see [`Store::reply_to_ticket`]) in the caller's transaction, without its
    /// webhooks: the part's id, its ticket data and the category of the ticket's state.
    pub(crate) async fn reply_to_ticket_in(
        tx: &mut impl Exec,
        workspace_id: i64,
        id: i64,
        reply: &Reply,
        cross_post: bool,
    ) -> StoreResult<(i64, TicketPartData, String)> {
        let ticket = match ticket_row(tx, workspace_id, id, true).await {
            Err(StoreError::NotFound(_)) => return Err(Missing::Resource.into()),
            other => other?,
        };
        if matches!(reply.by, Replier::Contact(_)) && ticket.category != Category::Customer.as_str() {
            let kind = if ticket.category == Category::Tracker.as_str() { "Tracker" } else { "Backoffice" };
            return Err(Rejection::new(
                ErrorCode::ParameterMismatch,
                format!("User replies are not allowed on {kind} tickets"),
            )
            .into());
        }
        if cross_post && ticket.category != Category::BackOffice.as_str() {
            return Err(Rejection::invalid("cross_post", CROSS_POST_NOTES_ONLY).into());
        }
        let current = all_state(tx, workspace_id, ticket.ticket_state_id).await?;
        let (_, part_id) = reply_in(tx, workspace_id, Some(id), reply).await?;
        if cross_post {
            let linked: Vec<(i64,)> = tx
                .fetch_all(
                    TicketLinks::select([TicketLinks::LinkedId])
                        .where_eq(TicketLinks::TicketId, id)
                        .order_by(TicketLinks::LinkedId, sea_query::Order::Asc),
                )
                .await?;
            for (conversation,) in linked {
                reply_in(tx, workspace_id, Some(conversation), reply).await?;
            }
        }
        // A contact's reply re-opens a closed ticket as it does a conversation, but a ticket
        // reply is a comment, note or quick reply (`ticket_reply` has no `open` part).
        tx.execute(
            ConversationParts::update([(ConversationParts::PartType, part_type::COMMENT.into())])
                .where_eq(ConversationParts::Id, part_id)
                .where_eq(ConversationParts::PartType, part_type::OPEN),
        )
        .await?;
        let data = TicketPartData { ticket_state: Some(current.clone()), ..TicketPartData::default() };
        set_part_data(tx, part_id, &reply.metadata, &data).await?;
        // The ticket's `updated_at` follows its conversation's (searches order by it).
        let at: i64 = tx
            .fetch_scalar(Conversations::select([Conversations::UpdatedAt]).where_eq(Conversations::Id, id))
            .await?;
        tx.execute(
            Tickets::update([(Tickets::UpdatedAt, Expr::val(at))]).where_eq(Tickets::ConversationId, id),
        )
        .await?;
        Ok((part_id, data, current))
    }

    /// Deletes the ticket with its conversation, parts, attributes and links. Its id is kept for
    /// `GET /conversations/deleted` (a ticket is a conversation), its metrics retained: "The
    /// ticket will still appear in reporting".
    pub async fn delete_ticket(&self, workspace_id: i64, id: i64) -> StoreResult<TicketDeleted> {
        let mut tx = self.begin().await?;
        ticket_row(&mut tx, workspace_id, id, true).await?;
        tx.execute(Conversations::delete().where_eq(Conversations::Id, id)).await?;
        tx.execute(&DeletedConversations::insert([
            (DeletedConversations::WorkspaceId, workspace_id.into()),
            (DeletedConversations::ConversationId, id.into()),
            (DeletedConversations::MetricsRetained, true.into()),
            (DeletedConversations::DeletedAt, now().into()),
        ]))
        .await?;
        tx.commit().await?;
        Ok(TicketDeleted { id, object: "ticket", deleted: true })
    }
}

/// The category of the state `id`.
async fn all_state(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<String> {
    let row =
        crate::store::tickets::types::state_row(db, workspace_id, id).await?.ok_or_else(state_invalid)?;
    Ok(row.category)
}

/// The `tickets` row extending the conversation `id`, with the workspace's next ticket number.
/// Ticket numbers count per workspace. SQLite's write transaction already holds the database;
/// on PostgreSQL the workspace's row orders concurrent creates and conversions (`NO KEY UPDATE`
/// does not stop inserts that reference it), so two never take the same number.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_ticket_row(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    ticket_type: &TicketTypeRow,
    state_id: i64,
    attributes: Map<String, Json>,
    created_at: i64,
    at: i64,
) -> StoreResult<()> {
    if db.backend() == Backend::Postgres {
        let lock = Workspaces::select([Workspaces::Id])
            .where_eq(Workspaces::Id, workspace_id)
            .lock(LockType::NoKeyUpdate)
            .take();
        db.fetch_optional::<(i64,)>(&lock).await?;
    }
    let last: Option<i64> = db
        .fetch_scalar(
            Query::select()
                .expr(Tickets::TicketNumber.col().max())
                .from(Tickets::Table)
                .and_where(Tickets::WorkspaceId.col().eq(workspace_id)),
        )
        .await?;
    db.execute(&Tickets::insert([
        (Tickets::ConversationId, id.into()),
        (Tickets::WorkspaceId, workspace_id.into()),
        (Tickets::TicketNumber, (last.unwrap_or(0) + 1).into()),
        (Tickets::TicketTypeId, ticket_type.id.into()),
        (Tickets::Category, ticket_type.category.clone().into()),
        (Tickets::TicketStateId, state_id.into()),
        (Tickets::TicketAttributes, Json::Object(attributes).to_string().into()),
        (Tickets::IsShared, false.into()),
        (Tickets::CreatedAt, created_at.into()),
        (Tickets::UpdatedAt, at.into()),
    ]))
    .await?;
    Ok(())
}
