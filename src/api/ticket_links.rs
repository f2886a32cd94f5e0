//! Ticket tags and a tracker ticket's linked conversations: `POST /tickets/{id}/tags`,
//! `DELETE /tickets/{id}/tags/{tag_id}`, `POST /tickets/{id}/linked_conversations` and
//! `DELETE /tickets/{id}/linked_conversations/{id}` (2.16).

use axum::Router;
use axum::routing::{delete, post};
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Json, Path, Reply};
use crate::domain::conversation::Conversation;
use crate::domain::conversation::requests::{IdValue, TagBody, UntagBody};
use crate::domain::error::{ErrorCode, Missing, Rejection};
use crate::domain::ids;
use crate::domain::tag::Tag;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{ticket_id}/tags", post(attach_tag))
        .route("/tickets/{ticket_id}/tags/{tag_id}", delete(detach_tag))
        .route("/tickets/{ticket_id}/linked_conversations", post(link))
        .route("/tickets/{ticket_id}/linked_conversations/{id}", delete(unlink))
}

/// The ticket a path names; anything Switchboard could not have made is not found.
pub(crate) fn ticket_id(raw: &str) -> ApiResult<i64> {
    Ok(ids::parse_numeric(raw.trim()).ok_or(Missing::Ticket)?)
}

/// operationId: attachTagToTicket
async fn attach_tag(ctx: Ctx, Path(id): Path<String>, Json(body): Json<TagBody>) -> Reply<Tag> {
    let id = ticket_id(&id)?;
    let (tag_id, admin_id) = body.check()?;
    Ok(Json(ctx.store.tag_ticket(ctx.workspace_id, id, tag_id, admin_id).await?))
}

/// operationId: detachTagFromTicket
async fn detach_tag(
    ctx: Ctx,
    Path((id, tag_id)): Path<(String, String)>,
    Json(body): Json<UntagBody>,
) -> Reply<Tag> {
    let id = ticket_id(&id)?;
    let tag_id = ids::parse_numeric(tag_id.trim()).unwrap_or(0);
    let admin_id = body.check()?;
    Ok(Json(ctx.store.untag_ticket(ctx.workspace_id, id, tag_id, admin_id).await?))
}

#[derive(Deserialize)]
struct LinkBody {
    conversation_id: Option<IdValue>,
}

/// operationId: linkConversationToTicket
async fn link(ctx: Ctx, Path(id): Path<String>, Json(body): Json<LinkBody>) -> Reply<Conversation> {
    let id = ticket_id(&id)?;
    let conversation = body.conversation_id.ok_or_else(|| {
        Rejection::new(ErrorCode::ParameterNotFound, "conversation_id not specified")
            .with_field("conversation_id")
    })?;
    let conversation = conversation.numeric().ok_or(Missing::LinkableConversation)?;
    Ok(Json(ctx.store.link_conversation(ctx.workspace_id, id, conversation).await?))
}

/// operationId: unlinkConversationFromTicket
async fn unlink(ctx: Ctx, Path((id, conversation)): Path<(String, String)>) -> Reply<Conversation> {
    let id = ticket_id(&id)?;
    // An id Switchboard never made is linked to nothing.
    let conversation = ids::parse_numeric(conversation.trim()).unwrap_or(0);
    Ok(Json(ctx.store.unlink_conversation(ctx.workspace_id, id, conversation).await?))
}
