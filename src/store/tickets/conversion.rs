//! `POST /tickets/{id}/change_type` (a ticket moves to another type of its category, keeping
//! the attributes that match by name and type) and `POST /conversations/{id}/convert` (a
//! conversation becomes a ticket: same row, so it keeps its id, parts and contacts). Each
//! runs in one transaction; a state the ticket moves to is a part, as every move is.

use serde_json::{Map, Value as Json};

use crate::domain::conversation::PartMetadata;
use crate::domain::error::{ErrorCode, Missing, Rejection};
use crate::domain::ticket::attributes::apply;
use crate::domain::ticket::{Category, StateCategory, Ticket, TicketPartData, part_type};
use crate::domain::ticket_conversion::{ChangeType, Convert, carried_over, extra_attributes};
use crate::store::conversations::check_admin;
use crate::store::conversations::parts::{NewPart, PartAuthor, insert_part, record_all, save};
use crate::store::conversations::reads::row;
use crate::store::schema::conversations::ConversationRow;
use crate::store::schema::tickets::{TicketStateRow, Tickets};
use crate::store::tickets::links::{ticket_category, touch_ticket};
use crate::store::tickets::reads::{get, ticket_row};
use crate::store::tickets::types::{attribute_rows, defs, ensure_states, state_row, type_row};
use crate::store::tickets::writes::{insert_ticket_row, set_part_data};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

fn invalid(message: &str) -> StoreError {
    Rejection::new(ErrorCode::ParameterInvalid, message).into()
}

/// A ticket state part by the admin (the ticket moved from `from` to `to`, categories),
/// counted in the conversation's statistics.
async fn state_part(
    db: &mut impl Exec,
    conversation: &ConversationRow,
    admin_id: i64,
    from: &str,
    to: &str,
    at: i64,
) -> StoreResult<()> {
    let id = conversation.id;
    let mut core = conversation.core(at);
    let part = NewPart::event(part_type::STATE_UPDATED, PartAuthor::Admin(admin_id), core.state, at);
    let part_id = insert_part(db, id, part).await?;
    let waiting = core.waiting_since;
    record_all(&mut core.stats, &[], at, waiting);
    save(db, id, &core, at).await?;
    let data = TicketPartData {
        ticket_state: Some(to.to_owned()),
        previous_ticket_state: Some(from.to_owned()),
        updated_attribute_data: None,
    };
    set_part_data(db, part_id, &PartMetadata::default(), &data).await
}

/// The state `id` if tickets of `category` use it.
async fn state_of(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    category: &str,
) -> StoreResult<Option<TicketStateRow>> {
    Ok(state_row(db, workspace_id, id).await?.filter(|s| s.ticket_category == category && !s.archived))
}

impl Store {
    /// Changes a ticket's type to another of the same category, as the admin `admin_id`.
    pub async fn change_ticket_type(
        &self,
        workspace_id: i64,
        id: i64,
        admin_id: i64,
        change: &ChangeType,
    ) -> StoreResult<Ticket> {
        let mut tx = self.begin().await?;
        // This operation answers a missing ticket with Intercom's generic not found.
        let ticket = match ticket_row(&mut tx, workspace_id, id, true).await {
            Err(StoreError::NotFound(_)) => return Err(Missing::Resource.into()),
            other => other?,
        };
        check_admin(&mut tx, workspace_id, admin_id).await?;
        let new_type = type_row(&mut tx, workspace_id, change.ticket_type_id).await?;
        if new_type.id == ticket.ticket_type_id {
            return Err(invalid("Cannot change to the same ticket type"));
        }
        if new_type.category != ticket.category {
            return Err(invalid("The new ticket type must be in the same category as the current type"));
        }
        if new_type.archived {
            return Err(invalid("The ticket type is archived"));
        }
        let state = state_of(&mut tx, workspace_id, change.ticket_state_id, &ticket.category)
            .await?
            .ok_or_else(|| invalid("Ticket custom state doesn't belong to the new ticket type"))?;
        let rows = attribute_rows(&mut tx, &[ticket.ticket_type_id, new_type.id]).await?;
        let (old, new): (Vec<_>, Vec<_>) =
            rows.into_iter().partition(|r| r.ticket_type_id == ticket.ticket_type_id);
        let (old, new) = (defs(&old), defs(&new));
        extra_attributes(&new, &change.attributes)?;
        let values: Map<String, Json> = serde_json::from_str(&ticket.ticket_attributes).unwrap_or_default();
        let attributes = apply(&new, &carried_over(&old, &new, &values), &change.attributes, true)?;

        let at = now();
        let (mut previous, conversation) =
            (ticket.previous_ticket_state_id, row(&mut tx, workspace_id, id).await?);
        if state.id != ticket.ticket_state_id {
            let current = state_row(&mut tx, workspace_id, ticket.ticket_state_id).await?;
            let from = current.map_or_else(|| StateCategory::Submitted.as_str().to_owned(), |s| s.category);
            state_part(&mut tx, &conversation, admin_id, &from, &state.category, at).await?;
            previous = Some(ticket.ticket_state_id);
        }
        tx.execute(
            Tickets::update([
                (Tickets::TicketTypeId, new_type.id.into()),
                (Tickets::TicketStateId, state.id.into()),
                (Tickets::PreviousTicketStateId, previous.into()),
                (Tickets::TicketAttributes, Json::Object(attributes).to_string().into()),
            ])
            .where_eq(Tickets::ConversationId, id),
        )
        .await?;
        touch_ticket(&mut tx, id, at).await?;
        let changed = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Makes the conversation `id` a ticket of a Customer type, as the admin `admin_id`.
    pub async fn convert_conversation(
        &self,
        workspace_id: i64,
        id: i64,
        admin_id: i64,
        convert: &Convert,
    ) -> StoreResult<Ticket> {
        let mut tx = self.begin().await?;
        ensure_states(&mut tx, workspace_id).await?;
        let conversation = match row(&mut tx, workspace_id, id).await {
            Err(StoreError::NotFound(_)) => return Err(Missing::Conversation.into()),
            other => other?,
        };
        match ticket_category(&mut tx, workspace_id, id).await {
            Ok(_) => return Err(invalid("The conversation is already a ticket")),
            Err(StoreError::NotFound(_)) => {}
            Err(other) => return Err(other),
        }
        check_admin(&mut tx, workspace_id, admin_id).await?;
        let ticket_type = type_row(&mut tx, workspace_id, convert.ticket_type_id).await?;
        if ticket_type.category != Category::Customer.as_str() {
            return Err(invalid("Ticket type is not a customer ticket type"));
        }
        if ticket_type.archived {
            return Err(invalid("The ticket type is archived"));
        }
        let state = match convert.ticket_state_id {
            Some(state) => {
                state_of(&mut tx, workspace_id, state, &ticket_type.category).await?.ok_or_else(|| {
                    StoreError::from(Rejection::new(
                        ErrorCode::TicketStateIdInvalid,
                        "Ticket state id is not valid or is not associated with the ticket type",
                    ))
                })?
            }
            None => crate::store::tickets::types::states(&mut tx, workspace_id)
                .await?
                .into_iter()
                .find(|s| {
                    s.ticket_category == ticket_type.category
                        && s.category == StateCategory::Submitted.as_str()
                })
                .ok_or(StoreError::NotFound(Missing::Resource))?,
        };
        let rows = attribute_rows(&mut tx, &[ticket_type.id]).await?;
        let attributes = apply(&defs(&rows), &Map::new(), &convert.attributes, false)?;

        let at = now();
        // The ticket shows its conversation's creation; search reads the same time.
        insert_ticket_row(
            &mut tx,
            workspace_id,
            id,
            &ticket_type,
            state.id,
            attributes,
            conversation.created_at,
            at,
        )
        .await?;
        state_part(&mut tx, &conversation, admin_id, StateCategory::Submitted.as_str(), &state.category, at)
            .await?;
        touch_ticket(&mut tx, id, at).await?;
        let ticket = get(&mut tx, workspace_id, id).await?;
        let topics = [crate::domain::webhook::TICKET_CREATED];
        crate::store::conversations::hooks::notify_ticket(&mut tx, workspace_id, id, &topics, Some(&ticket))
            .await?;
        tx.commit().await?;
        Ok(ticket)
    }
}
