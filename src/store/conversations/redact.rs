//! Redaction: the text of a part or of the source is overwritten, not flagged.

use crate::domain::conversation::{Conversation, body, not_redactable};
use crate::domain::error::Missing;
use crate::domain::webhook;
use crate::store::conversations::hooks;
use crate::store::conversations::parts::{set, touch};
use crate::store::conversations::reads::{get, row};
use crate::store::conversations::writes::write_words;
use crate::store::schema::conversations::{ConversationParts, Conversations};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now, uploads};

impl Store {
    /// Redacts a part (it must have a body) or the source (a contact must have written it).
    /// The text is overwritten, not flagged: on SQLite with `secure_delete`, so that the old
    /// text does not linger in free pages.
    pub async fn redact_conversation(
        &self,
        workspace_id: i64,
        redaction: crate::domain::conversation::requests::Redaction,
    ) -> StoreResult<Conversation> {
        use crate::domain::conversation::requests::Redaction;
        let mut tx = self.begin().await?;
        if let crate::store::Session::Sqlite(c) = tx.session() {
            c.pragma_update(None, "secure_delete", "ON").map_err(StoreError::from)?;
        }
        let at = now();
        let (conversation_id, target) = match redaction {
            Redaction::Part { conversation_id, part_id } => (conversation_id, part_id.map(Ok)),
            Redaction::Source { conversation_id, source_id } => (conversation_id, source_id.map(Err)),
        };
        let (Some(id), Some(target)) = (conversation_id, target) else {
            return Err(Missing::Part.into());
        };
        let row = match row(&mut tx, workspace_id, id).await {
            Err(StoreError::NotFound(_)) => return Err(Missing::Part.into()),
            other => other?,
        };
        match target {
            Ok(part_id) => {
                let found: Option<(Option<String>,)> = tx
                    .fetch_optional(
                        ConversationParts::select([ConversationParts::Body])
                            .where_eq(ConversationParts::Id, part_id)
                            .where_eq(ConversationParts::ConversationId, id),
                    )
                    .await?;
                match found {
                    None => return Err(Missing::Part.into()),
                    Some((None,)) => return Err(not_redactable().into()),
                    Some(_) => {}
                }
                tx.execute(
                    ConversationParts::update([
                        (ConversationParts::Body, body::REDACTED.into()),
                        (ConversationParts::Attachments, "[]".into()),
                        (ConversationParts::Redacted, true.into()),
                        (ConversationParts::UpdatedAt, at.into()),
                    ])
                    .where_eq(ConversationParts::Id, part_id),
                )
                .await?;
                uploads::delete_of_part(&mut tx, part_id).await?;
            }
            Err(source_id) => {
                if source_id != row.id {
                    return Err(Missing::Part.into());
                }
                if row.source_author_contact_id.is_none() || row.source_author_type == "admin" {
                    return Err(not_redactable().into());
                }
                let redacted = vec![
                    (Conversations::SourceBody, body::REDACTED.into()),
                    (Conversations::SourceAttachments, "[]".into()),
                    (Conversations::SourceRedacted, true.into()),
                ];
                set(&mut tx, id, redacted).await?;
                write_words(&mut tx, id, None).await?;
            }
        }
        touch(&mut tx, id, at).await?;
        let conversation = get(&mut tx, workspace_id, id).await?;
        let topics = [webhook::CONVERSATION_PART_REDACTED];
        hooks::notify(&mut tx, workspace_id, id, &topics, &[], Some(&conversation)).await?;
        tx.commit().await?;
        Ok(conversation)
    }
}
