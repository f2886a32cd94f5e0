//! Conversation tags: `POST /conversations/{id}/tags`, `DELETE /conversations/{id}/tags/{tag_id}`,
//! on the workspace's tags (the contacts' `tags` table).

use crate::domain::error::Missing;
use crate::domain::tag::Tag;
use crate::domain::webhook;
use crate::store::conversations::parts::touch;
use crate::store::conversations::reads::{applied_tag, row};
use crate::store::conversations::{check_admin, exists, hooks};
use crate::store::schema::conversations::ConversationTags;
use crate::store::schema::tags::Tags;
use crate::store::webhooks;
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

impl Store {
    /// Tags a conversation; tagging twice keeps the first application.
    pub async fn tag_conversation(
        &self,
        workspace_id: i64,
        id: i64,
        tag_id: i64,
        admin_id: i64,
    ) -> StoreResult<Tag> {
        let mut tx = self.begin().await?;
        // Only a new tagging is notified; whether it is costs a read only when someone listens.
        let topic = webhook::CONVERSATION_PART_TAG_CREATED;
        let listening = !webhooks::subscribers(&mut tx, workspace_id, topic).await?.is_empty();
        let had = listening
            && exists(
                &mut tx,
                ConversationTags::select([ConversationTags::TagId])
                    .where_eq(ConversationTags::ConversationId, id)
                    .where_eq(ConversationTags::TagId, tag_id),
            )
            .await?;
        let tag = tag(&mut tx, workspace_id, id, tag_id, admin_id).await?;
        if listening && !had {
            hooks::notify_tagged(&mut tx, workspace_id, id, &tag).await?;
        }
        tx.commit().await?;
        Ok(tag)
    }

    /// Removes a tag from a conversation; a tag it does not carry is not found.
    pub async fn untag_conversation(
        &self,
        workspace_id: i64,
        id: i64,
        tag_id: i64,
        admin_id: i64,
    ) -> StoreResult<Tag> {
        let mut tx = self.begin().await?;
        let tag = untag(&mut tx, workspace_id, id, tag_id, admin_id).await?;
        tx.commit().await?;
        Ok(tag)
    }
}

/// Tags a conversation (or a ticket, which is one) inside the caller's transaction.
pub(crate) async fn tag(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    tag_id: i64,
    admin_id: i64,
) -> StoreResult<Tag> {
    let name = check(db, workspace_id, id, tag_id, admin_id).await?;
    let at = now();
    db.execute(&ConversationTags::insert_or_ignore(
        [
            (ConversationTags::ConversationId, id.into()),
            (ConversationTags::TagId, tag_id.into()),
            (ConversationTags::AppliedAt, at.into()),
            (ConversationTags::AppliedBy, admin_id.into()),
        ],
        [ConversationTags::ConversationId, ConversationTags::TagId],
    ))
    .await?;
    let tag = applied(db, id, tag_id, name).await?.ok_or(StoreError::NotFound(Missing::Tag))?;
    touch(db, id, at).await?;
    Ok(tag)
}

/// Removes a tag from a conversation (or a ticket) inside the caller's transaction.
pub(crate) async fn untag(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    tag_id: i64,
    admin_id: i64,
) -> StoreResult<Tag> {
    let name = check(db, workspace_id, id, tag_id, admin_id).await?;
    let tag = applied(db, id, tag_id, name).await?.ok_or(StoreError::NotFound(Missing::Tag))?;
    db.execute(
        ConversationTags::delete()
            .where_eq(ConversationTags::ConversationId, id)
            .where_eq(ConversationTags::TagId, tag_id),
    )
    .await?;
    touch(db, id, now()).await?;
    Ok(tag)
}

/// Checks the conversation, the tag and the admin, in that order; answers the tag's name.
/// The tag endpoints name a missing conversation "Conversation not found".
async fn check(
    db: &mut impl Exec,
    workspace_id: i64,
    id: i64,
    tag_id: i64,
    admin_id: i64,
) -> StoreResult<String> {
    match row(db, workspace_id, id).await {
        Err(StoreError::NotFound(_)) => return Err(Missing::Conversation.into()),
        other => other?,
    };
    let (name,): (String,) = db
        .fetch_optional(
            Tags::select([Tags::Name]).where_eq(Tags::WorkspaceId, workspace_id).where_eq(Tags::Id, tag_id),
        )
        .await?
        .ok_or(StoreError::NotFound(Missing::Tag))?;
    check_admin(db, workspace_id, admin_id).await?;
    Ok(name)
}

async fn applied(db: &mut impl Exec, id: i64, tag_id: i64, name: String) -> StoreResult<Option<Tag>> {
    let found: Option<(i64, Option<i64>)> = db
        .fetch_optional(
            ConversationTags::select([ConversationTags::AppliedAt, ConversationTags::AppliedBy])
                .where_eq(ConversationTags::ConversationId, id)
                .where_eq(ConversationTags::TagId, tag_id),
        )
        .await?;
    Ok(found.map(|(at, by)| applied_tag(tag_id, name, at, by)))
}
