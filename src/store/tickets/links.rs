//! A tracker ticket's linked conversations (`POST /tickets/{id}/linked_conversations`,
//! `DELETE /tickets/{id}/linked_conversations/{id}`), the linked objects every conversation
//! and ticket shows (both ways), and ticket tags (`POST /tickets/{id}/tags`,
//! `DELETE /tickets/{id}/tags/{tag_id}`), which are the conversation row's tags.

use std::collections::HashMap;

use sea_query::{Condition, ExprTrait, Order};

use crate::domain::conversation::{Conversation, LinkedObject};
use crate::domain::error::{ErrorCode, Missing, Rejection};
use crate::domain::tag::Tag;
use crate::store::conversations::parts::touch;
use crate::store::conversations::reads::{get, row};
use crate::store::conversations::{lifecycle, tags};
use crate::store::schema::tickets::{TicketLinks, Tickets};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

/// "A tracker ticket can have up to 2,500 linked conversations."
pub const MAX_LINKED: i64 = 2500;

const TRACKER: &str = "Tracker";
const CUSTOMER: &str = "Customer";

/// For each of `ids`, what is linked to it: the conversations merged with it, the tracker
/// ticket it is linked to, and (a tracker) the conversations and tickets linked to it.
pub(crate) async fn linked_objects(
    db: &mut impl Exec,
    ids: &[i64],
) -> StoreResult<HashMap<i64, Vec<LinkedObject>>> {
    let mut out: HashMap<i64, Vec<LinkedObject>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for (id, merged) in lifecycle::linked(db, ids).await? {
        out.entry(id).or_default().extend(merged.into_iter().map(|id| LinkedObject { id, category: None }));
    }
    let links: Vec<(i64, i64)> = db
        .fetch_all(
            TicketLinks::select([TicketLinks::TicketId, TicketLinks::LinkedId])
                .cond_where(
                    Condition::any()
                        .add(TicketLinks::TicketId.col().is_in(ids.iter().copied()))
                        .add(TicketLinks::LinkedId.col().is_in(ids.iter().copied())),
                )
                .order_by(TicketLinks::CreatedAt, Order::Asc)
                .order_by(TicketLinks::LinkedId, Order::Asc),
        )
        .await?;
    if links.is_empty() {
        return Ok(out);
    }
    let mut others: Vec<i64> = links.iter().flat_map(|&(t, l)| [t, l]).collect();
    others.sort_unstable();
    others.dedup();
    let categories: HashMap<i64, String> = db
        .fetch_all::<(i64, String)>(
            Tickets::select([Tickets::ConversationId, Tickets::Category])
                .and_where(Tickets::ConversationId.col().is_in(others)),
        )
        .await?
        .into_iter()
        .collect();
    let object = |id: i64| LinkedObject { id, category: categories.get(&id).cloned() };
    for (ticket, linked) in links {
        if ids.contains(&ticket) {
            out.entry(ticket).or_default().push(object(linked));
        }
        if ids.contains(&linked) {
            out.entry(linked).or_default().push(object(ticket));
        }
    }
    Ok(out)
}

/// The category of the workspace's ticket `id`; another workspace's is not found.
pub(crate) async fn ticket_category(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<String> {
    let found: Option<(String,)> = db
        .fetch_optional(
            Tickets::select([Tickets::Category])
                .where_eq(Tickets::WorkspaceId, workspace_id)
                .where_eq(Tickets::ConversationId, id),
        )
        .await?;
    found.map(|(category,)| category).ok_or(StoreError::NotFound(Missing::Ticket))
}

/// Marks the conversation row `id` updated at `at`, and its ticket if it is one.
pub(crate) async fn touch_ticket(db: &mut impl Exec, id: i64, at: i64) -> StoreResult<()> {
    touch(db, id, at).await?;
    db.execute(Tickets::update([(Tickets::UpdatedAt, at.into())]).where_eq(Tickets::ConversationId, id))
        .await?;
    Ok(())
}

fn not_a_tracker(action: &str) -> StoreError {
    Rejection::new(
        ErrorCode::InvalidTicketType,
        format!("Only tracker tickets support {action} conversations"),
    )
    .into()
}

impl Store {
    /// Links the conversation (or customer ticket) `conversation_id` to the tracker ticket
    /// `ticket_id` and answers the conversation. Linking it again to the same tracker changes
    /// nothing.
    pub async fn link_conversation(
        &self,
        workspace_id: i64,
        ticket_id: i64,
        conversation_id: i64,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        if ticket_category(&mut tx, workspace_id, ticket_id).await? != TRACKER {
            return Err(not_a_tracker("linking"));
        }
        // Locks the conversation row: two links of one conversation are decided one at a time.
        match row(&mut tx, workspace_id, conversation_id).await {
            Err(StoreError::NotFound(_)) => return Err(Missing::LinkableConversation.into()),
            other => other?,
        };
        if let Ok(category) = ticket_category(&mut tx, workspace_id, conversation_id).await
            && category != CUSTOMER
        {
            return Err(Rejection::new(
                ErrorCode::InvalidTicketType,
                "Only conversations and customer tickets can be linked to a tracker ticket",
            )
            .into());
        }
        let trackers: Vec<(i64,)> = tx
            .fetch_all(
                TicketLinks::select([TicketLinks::TicketId]).where_eq(TicketLinks::LinkedId, conversation_id),
            )
            .await?;
        match trackers.first() {
            Some((tracker,)) if *tracker == ticket_id => {}
            Some(_) => {
                return Err(Rejection::new(
                    ErrorCode::AlreadyLinkedToTracker,
                    "A conversation can only have one tracker ticket",
                )
                .into());
            }
            None => {
                let count: i64 = tx
                    .fetch_scalar(
                        TicketLinks::count(TicketLinks::LinkedId).where_eq(TicketLinks::TicketId, ticket_id),
                    )
                    .await?;
                if count >= MAX_LINKED {
                    return Err(Rejection::new(
                        ErrorCode::LinkedConversationLimitExceeded,
                        "Ticket has reached the maximum number of conversations that can be linked",
                    )
                    .into());
                }
                let at = now();
                tx.execute(&TicketLinks::insert([
                    (TicketLinks::TicketId, ticket_id.into()),
                    (TicketLinks::LinkedId, conversation_id.into()),
                    (TicketLinks::WorkspaceId, workspace_id.into()),
                    (TicketLinks::CreatedAt, at.into()),
                ]))
                .await?;
                touch_ticket(&mut tx, ticket_id, at).await?;
                touch_ticket(&mut tx, conversation_id, at).await?;
            }
        }
        let conversation = get(&mut tx, workspace_id, conversation_id).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    /// Unlinks the conversation `conversation_id` from the tracker ticket `ticket_id` and
    /// answers the conversation.
    pub async fn unlink_conversation(
        &self,
        workspace_id: i64,
        ticket_id: i64,
        conversation_id: i64,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        if ticket_category(&mut tx, workspace_id, ticket_id).await? != TRACKER {
            return Err(not_a_tracker("unlinking"));
        }
        let removed = tx
            .execute(
                TicketLinks::delete()
                    .where_eq(TicketLinks::TicketId, ticket_id)
                    .where_eq(TicketLinks::LinkedId, conversation_id),
            )
            .await?;
        if removed == 0 {
            return Err(Missing::LinkedConversation.into());
        }
        let at = now();
        touch_ticket(&mut tx, ticket_id, at).await?;
        touch_ticket(&mut tx, conversation_id, at).await?;
        let conversation = get(&mut tx, workspace_id, conversation_id).await?;
        tx.commit().await?;
        Ok(conversation)
    }

    /// Tags a ticket; tagging twice keeps the first application.
    pub async fn tag_ticket(
        &self,
        workspace_id: i64,
        id: i64,
        tag_id: i64,
        admin_id: i64,
    ) -> StoreResult<Tag> {
        let mut tx = self.begin().await?;
        ticket_category(&mut tx, workspace_id, id).await?;
        let tag = tags::tag(&mut tx, workspace_id, id, tag_id, admin_id).await?;
        touch_ticket(&mut tx, id, now()).await?;
        tx.commit().await?;
        Ok(tag)
    }

    /// Removes a tag from a ticket; a tag it does not carry is not found.
    pub async fn untag_ticket(
        &self,
        workspace_id: i64,
        id: i64,
        tag_id: i64,
        admin_id: i64,
    ) -> StoreResult<Tag> {
        let mut tx = self.begin().await?;
        ticket_category(&mut tx, workspace_id, id).await?;
        let tag = tags::untag(&mut tx, workspace_id, id, tag_id, admin_id).await?;
        touch_ticket(&mut tx, id, now()).await?;
        tx.commit().await?;
        Ok(tag)
    }
}
