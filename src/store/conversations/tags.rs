//! Conversation tags: `POST /conversations/{id}/tags`, `DELETE /conversations/{id}/tags/{tag_id}`,
//! on the workspace's tags (the contacts' `tags` table).

use sea_query::{Expr, ExprTrait, OnConflict, Query};

use crate::domain::error::Missing;
use crate::domain::tag::Tag;
use crate::store::conversations::check_admin;
use crate::store::conversations::parts::touch;
use crate::store::conversations::reads::{applied_tag, row};
use crate::store::schema::conversations::ConversationTags;
use crate::store::schema::tags::Tags;
use crate::store::{Exec, Store, StoreError, StoreResult, now};

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
        conversation(&mut tx, workspace_id, id).await?;
        let (name,) = tag_name(&mut tx, workspace_id, tag_id).await?;
        check_admin(&mut tx, workspace_id, admin_id).await?;
        let at = now();
        tx.execute(
            Query::insert()
                .into_table(ConversationTags::Table)
                .columns([
                    ConversationTags::ConversationId,
                    ConversationTags::TagId,
                    ConversationTags::AppliedAt,
                    ConversationTags::AppliedBy,
                ])
                .values_panic([id.into(), tag_id.into(), at.into(), admin_id.into()])
                .on_conflict(
                    OnConflict::columns([ConversationTags::ConversationId, ConversationTags::TagId])
                        .do_nothing()
                        .to_owned(),
                ),
        )
        .await?;
        let tag = applied(&mut tx, id, tag_id, name).await?.ok_or(StoreError::NotFound(Missing::Tag))?;
        touch(&mut tx, id, at).await?;
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
        conversation(&mut tx, workspace_id, id).await?;
        let (name,) = tag_name(&mut tx, workspace_id, tag_id).await?;
        check_admin(&mut tx, workspace_id, admin_id).await?;
        let tag = applied(&mut tx, id, tag_id, name).await?.ok_or(StoreError::NotFound(Missing::Tag))?;
        tx.execute(
            Query::delete()
                .from_table(ConversationTags::Table)
                .and_where(Expr::col(ConversationTags::ConversationId).eq(id))
                .and_where(Expr::col(ConversationTags::TagId).eq(tag_id)),
        )
        .await?;
        touch(&mut tx, id, now()).await?;
        tx.commit().await?;
        Ok(tag)
    }
}

/// The tag endpoints name a missing conversation "Conversation not found".
async fn conversation(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<()> {
    match row(db, workspace_id, id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound(_)) => Err(Missing::Conversation.into()),
        Err(other) => Err(other),
    }
}

async fn tag_name(db: &mut impl Exec, workspace_id: i64, tag_id: i64) -> StoreResult<(String,)> {
    db.fetch_optional(
        Query::select()
            .column(Tags::Name)
            .from(Tags::Table)
            .and_where(Expr::col(Tags::WorkspaceId).eq(workspace_id))
            .and_where(Expr::col(Tags::Id).eq(tag_id)),
    )
    .await?
    .ok_or(StoreError::NotFound(Missing::Tag))
}

async fn applied(db: &mut impl Exec, id: i64, tag_id: i64, name: String) -> StoreResult<Option<Tag>> {
    let found: Option<(i64, Option<i64>)> = db
        .fetch_optional(
            Query::select()
                .columns([ConversationTags::AppliedAt, ConversationTags::AppliedBy])
                .from(ConversationTags::Table)
                .and_where(Expr::col(ConversationTags::ConversationId).eq(id))
                .and_where(Expr::col(ConversationTags::TagId).eq(tag_id)),
        )
        .await?;
    Ok(found.map(|(at, by)| applied_tag(tag_id, name, at, by)))
}
