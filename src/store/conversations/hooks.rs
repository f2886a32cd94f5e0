//! The webhook notifications of writes to conversation rows, recorded on the write's own
//! transaction. A ticket is a conversation row too: a write to one sends the ticket's topic
//! (Intercom has `ticket.*` topics for replies, notes, assignments and closing), never the
//! conversation's. Every helper reads the workspace's subscriptions once and reads nothing
//! more when nobody listens to the topics the write could send.

use serde_json::{Value, json};

use crate::domain::conversation::Conversation;
use crate::domain::ticket::Ticket;
use crate::domain::webhook;
use crate::store::conversations::exists;
use crate::store::schema::tickets::Tickets;
use crate::store::webhooks::{Listeners, record};
use crate::store::{Exec, StoreResult, WhereEq};

/// Whether the conversation row `id` is a ticket's.
pub(crate) async fn is_ticket(db: &mut impl Exec, id: i64) -> StoreResult<bool> {
    exists(db, &Tickets::select([Tickets::ConversationId]).where_eq(Tickets::ConversationId, id).take()).await
}

/// A ticket topic's item: the ticket, except for `ticket.closed`, whose item holds it under
/// `ticket` (as Intercom's webhook reference describes that topic's payload).
pub(crate) fn ticket_item(topic: &str, ticket: &Ticket) -> Value {
    let ticket = serde_json::to_value(ticket).expect("a ticket serializes");
    if topic == webhook::TICKET_CLOSED { json!({ "ticket": ticket }) } else { ticket }
}

/// Records each of `topics` about the ticket `id` for its subscribers; `known` is the ticket
/// when the write has already read it.
pub(crate) async fn notify_ticket(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    topics: &[&str],
    known: Option<&Ticket>,
) -> StoreResult<()> {
    let listeners = Listeners::of(db, workspace_id).await?;
    if !listeners.want_any(topics) {
        return Ok(());
    }
    let read;
    let ticket = match known {
        Some(ticket) => ticket,
        None => {
            read = crate::store::tickets::reads::get(db, workspace_id, id).await?;
            &read
        }
    };
    for topic in topics {
        record(db, workspace_id, topic, &ticket_item(topic, ticket), &listeners.to(topic)).await?;
    }
    Ok(())
}

/// Records a write to the conversation row `id`: `conversation_topics` for a conversation,
/// `ticket_topics` when the row is a ticket's. `known` is the conversation when the write has
/// already read it.
pub(crate) async fn notify(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    conversation_topics: &[&str],
    ticket_topics: &[&str],
    known: Option<&Conversation>,
) -> StoreResult<()> {
    let listeners = Listeners::of(db, workspace_id).await?;
    if !listeners.want_any(conversation_topics) && !listeners.want_any(ticket_topics) {
        return Ok(());
    }
    if is_ticket(db, id).await? {
        if listeners.want_any(ticket_topics) {
            let ticket = crate::store::tickets::reads::get(db, workspace_id, id).await?;
            for topic in ticket_topics {
                record(db, workspace_id, topic, &ticket_item(topic, &ticket), &listeners.to(topic)).await?;
            }
        }
        return Ok(());
    }
    if !listeners.want_any(conversation_topics) {
        return Ok(());
    }
    let read;
    let conversation = match known {
        Some(conversation) => conversation,
        None => {
            read = crate::store::conversations::reads::get(db, workspace_id, id).await?;
            &read
        }
    };
    for topic in conversation_topics {
        record(db, workspace_id, topic, conversation, &listeners.to(topic)).await?;
    }
    Ok(())
}

/// `conversation_part.tag.created`: the conversation with the tag newly applied to it in
/// `tags_added` (a `tag.list`); nothing for a ticket's row.
pub(crate) async fn notify_tagged(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    tag: &crate::domain::tag::Tag,
) -> StoreResult<()> {
    let to = Listeners::of(db, workspace_id).await?.to(webhook::CONVERSATION_PART_TAG_CREATED);
    if to.is_empty() || is_ticket(db, id).await? {
        return Ok(());
    }
    let conversation = crate::store::conversations::reads::get(db, workspace_id, id).await?;
    let mut item = serde_json::to_value(&conversation).expect("a conversation serializes");
    item["tags_added"] = json!({"type": "tag.list", "tags": [tag]});
    record(db, workspace_id, webhook::CONVERSATION_PART_TAG_CREATED, &item, &to).await
}

/// `conversation.deleted` (its item the identifying fields only), before the row goes; nothing
/// for a ticket's row (Intercom has no topic for a deleted ticket).
pub(crate) async fn notify_deleted(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<()> {
    let to = Listeners::of(db, workspace_id).await?.to(webhook::CONVERSATION_DELETED);
    if to.is_empty() || is_ticket(db, id).await? {
        return Ok(());
    }
    let item = json!({"type": "conversation", "id": id.to_string()});
    record(db, workspace_id, webhook::CONVERSATION_DELETED, &item, &to).await
}
