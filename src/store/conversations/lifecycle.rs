//! Deleting conversations (the ids are kept for `GET /conversations/deleted`), merging one
//! into another, and closing a blocked contact's conversations.

use std::collections::HashMap;

use sea_query::{Condition, ExprTrait, Order};

use crate::domain::conversation::lifecycle::{ConversationDeleted, DeletedConversation};
use crate::domain::conversation::statistics::Event;
use crate::domain::conversation::{Conversation, State, part_type};
use crate::domain::error::{ErrorCode, Rejection};
use crate::store::conversations::participants::add_participant;
use crate::store::conversations::parts::{NewPart, PartAuthor, insert_part, record_all, save};
use crate::store::conversations::reads::{get, row};
use crate::store::schema::conversations::{
    ConversationContacts, ConversationMerges, Conversations, DeletedConversations,
};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

/// A page of deleted conversation ids and how many there are in all.
pub struct DeletedPage {
    pub conversations: Vec<DeletedConversation>,
    pub total: i64,
}

fn merge_failed(message: &str) -> StoreError {
    Rejection::new(ErrorCode::MergeFailed, message).into()
}

/// For each of `ids`, the conversations merged with it: its primary, or its secondaries.
pub(crate) async fn linked(db: &mut impl Exec, ids: &[i64]) -> StoreResult<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i64, i64)> = db
        .fetch_all(
            ConversationMerges::select([ConversationMerges::SecondaryId, ConversationMerges::PrimaryId])
                .cond_where(
                    Condition::any()
                        .add(ConversationMerges::SecondaryId.col().is_in(ids.iter().copied()))
                        .add(ConversationMerges::PrimaryId.col().is_in(ids.iter().copied())),
                )
                .order_by(ConversationMerges::SecondaryId, Order::Asc),
        )
        .await?;
    for (secondary, primary) in rows {
        out.entry(secondary).or_default().push(primary);
        out.entry(primary).or_default().push(secondary);
    }
    Ok(out)
}

/// Closes `id` as the admin, unless it is closed already.
async fn close(db: &mut impl Exec, workspace_id: i64, id: i64, admin_id: i64, at: i64) -> StoreResult<()> {
    let row = row(db, workspace_id, id).await?;
    let mut core = row.core(at);
    if core.state == State::Closed {
        return Ok(());
    }
    let waiting = core.waiting_since;
    core.state = State::Closed;
    core.snoozed_until = None;
    insert_part(db, id, NewPart::event(part_type::CLOSE, PartAuthor::Admin(admin_id), core.state, at))
        .await?;
    record_all(&mut core.stats, &[Event::Close { admin_id }], at, waiting);
    save(db, id, &core, at).await
}

/// Blocking a contact closes the conversations it takes part in (Intercom archives them).
/// Runs inside the block's transaction.
pub(crate) async fn close_for_blocked(
    db: &mut impl Exec,
    workspace_id: i64,
    contact_id: i64,
    admin_id: i64,
) -> StoreResult<()> {
    let theirs = ConversationContacts::select([ConversationContacts::ConversationId])
        .where_eq(ConversationContacts::ContactId, contact_id)
        .take();
    let open: Vec<(i64,)> = db
        .fetch_all(
            Conversations::select([Conversations::Id])
                .where_eq(Conversations::WorkspaceId, workspace_id)
                .and_where(Conversations::Id.col().in_subquery(theirs))
                .and_where(Conversations::State.col().ne(State::Closed.as_str()))
                .order_by(Conversations::Id, Order::Asc),
        )
        .await?;
    let at = now();
    for (id,) in open {
        close(db, workspace_id, id, admin_id, at).await?;
    }
    Ok(())
}

impl Store {
    /// Deletes a conversation with its parts, participants and tags, keeping its id (and
    /// whether its metrics were retained) for `GET /conversations/deleted`.
    pub async fn delete_conversation(
        &self,
        workspace_id: i64,
        id: i64,
        retain_metrics: bool,
    ) -> StoreResult<ConversationDeleted> {
        let mut tx = self.begin().await?;
        row(&mut tx, workspace_id, id).await?;
        crate::store::conversations::hooks::notify_deleted(&mut tx, workspace_id, id).await?;
        tx.execute(Conversations::delete().where_eq(Conversations::Id, id)).await?;
        tx.execute(&DeletedConversations::insert([
            (DeletedConversations::WorkspaceId, workspace_id.into()),
            (DeletedConversations::ConversationId, id.into()),
            (DeletedConversations::MetricsRetained, retain_metrics.into()),
            (DeletedConversations::DeletedAt, now().into()),
        ]))
        .await?;
        tx.commit().await?;
        Ok(ConversationDeleted { id, object: "conversation", deleted: true })
    }

    /// A page (1-based) of the workspace's deleted conversation ids, by id.
    pub async fn list_deleted_conversations(
        &self,
        workspace_id: i64,
        newest_first: bool,
        page: u64,
        per_page: u64,
    ) -> StoreResult<DeletedPage> {
        let mut conn = self.conn().await?;
        let total: i64 = conn
            .fetch_scalar(
                DeletedConversations::count(DeletedConversations::ConversationId)
                    .where_eq(DeletedConversations::WorkspaceId, workspace_id),
            )
            .await?;
        let order = if newest_first { Order::Desc } else { Order::Asc };
        let rows: Vec<(i64, bool, i64)> = conn
            .fetch_all(
                DeletedConversations::select([
                    DeletedConversations::ConversationId,
                    DeletedConversations::MetricsRetained,
                    DeletedConversations::DeletedAt,
                ])
                .where_eq(DeletedConversations::WorkspaceId, workspace_id)
                .order_by(DeletedConversations::ConversationId, order)
                .offset((page - 1) * per_page)
                .limit(per_page),
            )
            .await?;
        let conversations = rows
            .into_iter()
            .map(|(id, metrics_retained, deleted_at)| DeletedConversation {
                kind: "conversation",
                id,
                metrics_retained,
                deleted_at,
            })
            .collect();
        Ok(DeletedPage { conversations, total })
    }

    /// Merges `secondary` into `primary` as the admin: the secondary is closed and linked to
    /// the primary, its contacts join the primary, and the primary records the merge with a
    /// `merged_primary_conversation` part. Returns the primary.
    pub async fn merge_conversation(
        &self,
        workspace_id: i64,
        secondary: i64,
        primary: i64,
        admin_id: i64,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        if secondary == primary {
            row(&mut tx, workspace_id, secondary).await?;
            return Err(merge_failed("Cannot merge a conversation into itself"));
        }
        // Both rows are locked in id order, so that two merges of the same pair, either way
        // round, wait for each other instead of deadlocking.
        let primary_row = if secondary < primary {
            row(&mut tx, workspace_id, secondary).await?;
            row(&mut tx, workspace_id, primary).await
        } else {
            let found = row(&mut tx, workspace_id, primary).await;
            row(&mut tx, workspace_id, secondary).await?;
            found
        };
        let primary_row = match primary_row {
            Err(StoreError::NotFound(_)) => return Err(merge_failed("Primary conversation not found")),
            other => other?,
        };
        let merged_away: Vec<(i64, i64)> = tx
            .fetch_all(
                ConversationMerges::select([ConversationMerges::SecondaryId, ConversationMerges::PrimaryId])
                    .and_where(ConversationMerges::SecondaryId.col().is_in([secondary, primary])),
            )
            .await?;
        if merged_away.iter().any(|(s, _)| *s == secondary) {
            return Err(merge_failed("Secondary conversation has already been merged"));
        }
        if !merged_away.is_empty() {
            return Err(merge_failed("Primary conversation has been merged into another conversation"));
        }
        let at = now();
        close(&mut tx, workspace_id, secondary, admin_id, at).await?;
        let contacts: Vec<(i64,)> = tx
            .fetch_all(
                ConversationContacts::select([ConversationContacts::ContactId])
                    .where_eq(ConversationContacts::ConversationId, secondary)
                    .order_by(ConversationContacts::AddedAt, Order::Asc),
            )
            .await?;
        for (contact,) in contacts {
            add_participant(&mut tx, primary, contact, at).await?;
        }
        tx.execute(&ConversationMerges::insert([
            (ConversationMerges::SecondaryId, secondary.into()),
            (ConversationMerges::PrimaryId, primary.into()),
            (ConversationMerges::AdminId, admin_id.into()),
            (ConversationMerges::MergedAt, at.into()),
        ]))
        .await?;
        let mut core = primary_row.core(at);
        let waiting = core.waiting_since;
        insert_part(
            &mut tx,
            primary,
            NewPart::event(part_type::MERGED_PRIMARY, PartAuthor::Bot, core.state, at),
        )
        .await?;
        record_all(&mut core.stats, &[], at, waiting);
        save(&mut tx, primary, &core, at).await?;
        let merged = get(&mut tx, workspace_id, primary).await?;
        tx.commit().await?;
        Ok(merged)
    }
}
