//! Tickets: create, retrieve, update, delete, reply (`/tickets`).

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{get, post};

use super::extract::{Ctx, Json, Path, Reply};
use super::{AppState, origin};
use crate::domain::conversation::requests::ReplyBody;
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::ticket::requests::{CreateBody, UpdateBody};
use crate::domain::ticket::{Ticket, TicketDeleted, TicketPart};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", post(create))
        .route("/tickets/{ticket_id}", get(retrieve).put(update).delete(delete))
        .route("/tickets/{ticket_id}/reply", post(reply))
}

/// A ticket's id from the path; anything Switchboard never made names no ticket.
fn ticket_id(raw: &str, missing: Missing) -> Result<i64, Missing> {
    ids::parse_numeric(raw.trim()).ok_or(missing)
}

/// operationId: createTicket
async fn create(ctx: Ctx, Json(body): Json<CreateBody>) -> Reply<Ticket> {
    let new = body.check()?;
    Ok(Json(ctx.store.create_ticket(ctx.workspace_id, ctx.admin_id, &new).await?))
}

/// operationId: getTicket
async fn retrieve(ctx: Ctx, Path(id): Path<String>) -> Reply<Ticket> {
    Ok(Json(ctx.store.get_ticket(ctx.workspace_id, ticket_id(&id, Missing::Ticket)?).await?))
}

/// operationId: updateTicket
async fn update(ctx: Ctx, Path(id): Path<String>, Json(body): Json<UpdateBody>) -> Reply<Ticket> {
    let id = ticket_id(&id, Missing::Ticket)?;
    let update = body.check()?;
    Ok(Json(ctx.store.update_ticket(ctx.workspace_id, id, ctx.admin_id, &update).await?))
}

/// operationId: deleteTicket
async fn delete(ctx: Ctx, Path(id): Path<String>) -> Reply<TicketDeleted> {
    Ok(Json(ctx.store.delete_ticket(ctx.workspace_id, ticket_id(&id, Missing::Ticket)?).await?))
}

/// operationId: replyTicket
async fn reply(
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<ReplyBody>,
) -> Reply<TicketPart> {
    let id = ticket_id(&id, Missing::Resource)?;
    let mut reply = body.check()?;
    let origin = origin(&headers);
    reply.attachments.extend(reply.uploads.iter().map(|upload| upload.attachment(&origin)));
    Ok(Json(ctx.store.reply_to_ticket(ctx.workspace_id, id, &reply).await?))
}
