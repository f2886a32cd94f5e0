//! `POST /tickets/{id}/change_type` (2.16) and `POST /conversations/{id}/convert`: a ticket
//! moved to another type of its category, and a conversation made a ticket. Both act as the
//! token's admin.

use axum::Router;
use axum::routing::post;

use super::AppState;
use super::extract::{Ctx, Json, Path, Reply};
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::ticket::Ticket;
use crate::domain::ticket_conversion::{ChangeTypeBody, ConvertBody};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{ticket_id}/change_type", post(change_type))
        .route("/conversations/{conversation_id}/convert", post(convert))
}

/// operationId: changeTicketType
async fn change_type(ctx: Ctx, Path(id): Path<String>, Json(body): Json<ChangeTypeBody>) -> Reply<Ticket> {
    let id = ids::parse_numeric(id.trim()).ok_or(Missing::Resource)?;
    let change = body.check()?;
    Ok(Json(ctx.store.change_ticket_type(ctx.workspace_id, id, ctx.admin_id, &change).await?))
}

/// operationId: convertConversationToTicket
async fn convert(ctx: Ctx, Path(id): Path<String>, Json(body): Json<ConvertBody>) -> Reply<Ticket> {
    let id = ids::parse_numeric(id.trim()).ok_or(Missing::Conversation)?;
    let convert = body.check()?;
    Ok(Json(ctx.store.convert_conversation(ctx.workspace_id, id, ctx.admin_id, &convert).await?))
}
