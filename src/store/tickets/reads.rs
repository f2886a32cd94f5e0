//! Reading tickets: the `tickets` row, the conversation it extends (contacts, assignees,
//! open/snoozed state, parts), its type and state, and its linked objects.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use crate::domain::conversation::{Author, Conversation, Part, State};
use crate::domain::error::Missing;
use crate::domain::pages::{NamedList, TotalCount};
use crate::domain::ticket::{PartAuthor, Ticket, TicketPart, TicketPartData};
use crate::store::schema::conversations::ConversationParts;
use crate::store::schema::tickets::{TicketRow, Tickets};
use crate::store::tickets::types::{category, get_type, state, state_row};
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

/// The ticket-only fields of each part of a ticket (kept in the part's `metadata`).
async fn part_data(db: &mut impl Exec, id: i64) -> StoreResult<HashMap<i64, TicketPartData>> {
    let rows: Vec<(i64, String)> = db
        .fetch_all(
            ConversationParts::select([ConversationParts::Id, ConversationParts::Metadata])
                .where_eq(ConversationParts::ConversationId, id),
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

/// The whole ticket, from its row and its conversation.
pub(crate) async fn render(
    db: &mut impl Exec,
    workspace_id: i64,
    row: TicketRow,
    conversation: Conversation,
) -> StoreResult<Ticket> {
    let id = row.conversation_id;
    let current = state_row(db, workspace_id, row.ticket_state_id)
        .await?
        .ok_or(StoreError::NotFound(Missing::Resource))?;
    let current_state = state(&current);
    let mut data = part_data(db, id).await?;
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
    Ok(Ticket {
        kind: "ticket",
        id,
        ticket_id: row.ticket_number,
        category: category(&row.category),
        ticket_attributes: attributes,
        ticket_type: get_type(db, workspace_id, row.ticket_type_id).await?,
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
    })
}

/// The ticket `id` of the workspace, or "Ticket not found".
pub(crate) async fn get(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<Ticket> {
    let row = ticket_row(db, workspace_id, id, false).await?;
    let conversation = crate::store::conversations::reads::get(db, workspace_id, id).await?;
    render(db, workspace_id, row, conversation).await
}

impl Store {
    pub async fn get_ticket(&self, workspace_id: i64, id: i64) -> StoreResult<Ticket> {
        get(&mut self.conn().await?, workspace_id, id).await
    }
}
