//! Reading tickets: the `tickets` row, the conversation it extends (contacts, assignees,
//! open/snoozed state, parts), its type and state, and its linked objects.

use std::collections::HashMap;

use sea_query::ExprTrait;
use serde_json::{Map, Value as Json};

use crate::domain::conversation::{Author, Conversation, Part, State};
use crate::domain::error::Missing;
use crate::domain::pages::{NamedList, TotalCount};
use crate::domain::ticket::{PartAuthor, Ticket, TicketPart, TicketPartData, TicketType};
use crate::store::schema::conversations::ConversationParts;
use crate::store::schema::tickets::{TicketRow, TicketStateRow, TicketTypeRow, TicketTypes, Tickets};
use crate::store::tickets::types::{self, category, state, states};
use crate::store::{Backend, Exec, Store, StoreError, StoreResult, WhereEq};

/// The ticket row of `id` in the workspace, locked for the rest of the transaction when
/// `lock`; "Ticket not found" when the workspace has no such ticket.
pub(crate) async fn ticket_row(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    lock: bool,
) -> StoreResult<TicketRow> {
    let mut q = Tickets::select_rows()
        .where_eq(Tickets::WorkspaceId, workspace_id)
        .where_eq(Tickets::ConversationId, id)
        .take();
    if lock && db.backend() == Backend::Postgres {
        q.lock(sea_query::LockType::Update);
    }
    db.fetch_optional(&q).await?.ok_or(StoreError::NotFound(Missing::Ticket))
}

/// The ticket-only fields of the parts of the tickets `ids` (kept in the parts' `metadata`;
/// a part without any has `{}`).
async fn part_data(db: &mut impl Exec, ids: &[i64]) -> StoreResult<HashMap<i64, TicketPartData>> {
    let rows: Vec<(i64, String)> = db
        .fetch_all(
            ConversationParts::select([ConversationParts::Id, ConversationParts::Metadata])
                .and_where(ConversationParts::ConversationId.col().is_in(ids.iter().copied()))
                .and_where(ConversationParts::Metadata.col().ne("{}")),
        )
        .await?;
    Ok(rows.into_iter().map(|(id, raw)| (id, serde_json::from_str(&raw).unwrap_or_default())).collect())
}

/// A conversation part's author as a ticket part shows it: a lead writes as a user.
fn author(a: Author) -> PartAuthor {
    let kind = if a.kind == "lead" { "user".to_owned() } else { a.kind };
    PartAuthor { kind, id: a.id, name: a.name, email: a.email }
}

/// A conversation part as a ticket part; a part written without ticket data (a tag, say)
/// shows the ticket's current state.
pub(crate) fn ticket_part(part: Part, data: TicketPartData, current_state: &str) -> TicketPart {
    TicketPart {
        kind: "ticket_part",
        id: part.id,
        part_type: part.part_type,
        body: part.body,
        previous_ticket_state: data.previous_ticket_state,
        ticket_state: data.ticket_state.unwrap_or_else(|| current_state.to_owned()),
        created_at: part.created_at,
        updated_at: part.updated_at,
        assigned_to: part.assigned_to,
        author: author(part.author),
        attachments: part.attachments,
        external_id: part.external_id,
        redacted: part.redacted,
        updated_attribute_data: data.updated_attribute_data,
    }
}

/// Whole tickets from their rows, in their order: their conversations (contacts, parts,
/// tags, linked objects), states, types and part data read for all of them at once, so a page
/// of tickets costs the same number of statements as one ticket.
pub(crate) async fn render(
    db: &mut impl Exec,
    workspace_id: i64,
    rows: Vec<TicketRow>,
) -> StoreResult<Vec<Ticket>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.conversation_id).collect();
    let mut conversations: HashMap<i64, Conversation> =
        crate::store::conversations::reads::get_many(db, workspace_id, &ids)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
    let all_states = states(db, workspace_id).await?;
    let mut type_ids: Vec<i64> = rows.iter().map(|r| r.ticket_type_id).collect();
    type_ids.sort_unstable();
    type_ids.dedup();
    let type_rows: Vec<TicketTypeRow> = db
        .fetch_all(
            TicketTypes::select_rows()
                .where_eq(TicketTypes::WorkspaceId, workspace_id)
                .and_where(TicketTypes::Id.col().is_in(type_ids)),
        )
        .await?;
    let types: HashMap<i64, TicketType> =
        types::render(db, workspace_id, type_rows).await?.into_iter().map(|t| (t.id, t)).collect();
    let mut data = part_data(db, &ids).await?;
    rows.into_iter()
        .map(|row| {
            let conversation =
                conversations.remove(&row.conversation_id).ok_or(StoreError::NotFound(Missing::Resource))?;
            let current = all_states
                .iter()
                .find(|s| s.id == row.ticket_state_id)
                .ok_or(StoreError::NotFound(Missing::Resource))?;
            let ticket_type =
                types.get(&row.ticket_type_id).cloned().ok_or(StoreError::NotFound(Missing::TicketType))?;
            Ok(ticket(row, conversation, current, ticket_type, &mut data))
        })
        .collect()
}

/// The ticket object of a row, its conversation, state and type.
fn ticket(
    row: TicketRow,
    conversation: Conversation,
    current: &TicketStateRow,
    ticket_type: TicketType,
    data: &mut HashMap<i64, TicketPartData>,
) -> Ticket {
    let current_state = state(current);
    let parts = conversation
        .conversation_parts
        .unwrap_or_else(|| NamedList::with(Vec::new(), TotalCount { total_count: 0 }));
    let total = parts.extra.total_count;
    let ticket_parts = parts
        .items
        .into_iter()
        .map(|part| {
            let extra = data.remove(&part.id).unwrap_or_default();
            ticket_part(part, extra, current_state.category.as_str())
        })
        .collect();
    let attributes: Map<String, Json> = serde_json::from_str(&row.ticket_attributes).unwrap_or_default();
    Ticket {
        kind: "ticket",
        id: row.conversation_id,
        ticket_id: row.ticket_number,
        category: category(&row.category),
        ticket_attributes: attributes,
        ticket_type,
        contacts: conversation.contacts,
        admin_assignee_id: conversation.admin_assignee_id.unwrap_or(0),
        team_assignee_id: conversation.team_assignee_id.unwrap_or(0),
        created_at: conversation.created_at,
        updated_at: std::cmp::max(conversation.updated_at, row.updated_at),
        open: conversation.state != State::Closed,
        snoozed_until: conversation.snoozed_until,
        // Read with the conversation, both ways (`store::tickets::links::linked_objects`).
        linked_objects: conversation.linked_objects,
        ticket_parts: NamedList::with(ticket_parts, TotalCount { total_count: total }),
        is_shared: row.is_shared,
        previous_ticket_state_id: row.previous_ticket_state_id,
        ticket_state_internal_label: current.internal_label.clone(),
        ticket_state_external_label: current.external_label.clone(),
        ticket_state: current_state,
    }
}

/// The ticket `id` of the workspace, or "Ticket not found".
pub(crate) async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<Ticket> {
    let row = ticket_row(db, workspace_id, id, false).await?;
    let mut tickets = render(db, workspace_id, vec![row]).await?;
    tickets.pop().ok_or(StoreError::NotFound(Missing::Ticket))
}

/// The tickets `ids` of the workspace that exist, in that order.
pub(crate) async fn get_many(db: &mut impl Exec, workspace_id: i64, ids: &[i64]) -> StoreResult<Vec<Ticket>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.backend();
    let mut rows: HashMap<i64, TicketRow> = db
        .fetch_all::<TicketRow>(
            Tickets::select_rows()
                .where_guard(backend, (Tickets::Table, Tickets::WorkspaceId), workspace_id)
                .and_where(Tickets::ConversationId.col().is_in(ids.iter().copied())),
        )
        .await?
        .into_iter()
        .map(|r| (r.conversation_id, r))
        .collect();
    render(db, workspace_id, ids.iter().filter_map(|id| rows.remove(id)).collect()).await
}

impl Store {
    pub async fn get_ticket(&self, workspace_id: i64, id: i64) -> StoreResult<Ticket> {
        get(&mut self.conn().await?, workspace_id, id).await
    }
}
