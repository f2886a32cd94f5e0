//! Ticket types and their attributes (`/ticket_types`), and the workspace's ticket states
//! (`/ticket_states`).

use axum::Router;
use axum::routing::{get, post, put};

use super::AppState;
use super::extract::{Ctx, Json, Path, Reply};
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::pages::List;
use crate::domain::ticket::requests::{AttributeBody, TypeBody};
use crate::domain::ticket::{TicketStateDetailed, TicketType, TicketTypeAttribute};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ticket_types", get(list).post(create))
        .route("/ticket_types/{ticket_type_id}", get(retrieve).put(update))
        .route("/ticket_types/{ticket_type_id}/attributes", post(create_attribute))
        .route("/ticket_types/{ticket_type_id}/attributes/{attribute_id}", put(update_attribute))
        .route("/ticket_states", get(list_states))
}

/// A type's id from the path; anything Switchboard never made names no type.
fn type_id(raw: &str) -> Result<i64, Missing> {
    ids::parse_numeric(raw.trim()).ok_or(Missing::TicketType)
}

/// operationId: listTicketTypes
async fn list(ctx: Ctx) -> Reply<List<TicketType>> {
    Ok(Json(List::new(ctx.store.list_ticket_types(ctx.workspace_id).await?)))
}

/// operationId: createTicketType
async fn create(ctx: Ctx, Json(body): Json<TypeBody>) -> Reply<TicketType> {
    let new = body.new_type()?;
    Ok(Json(ctx.store.create_ticket_type(ctx.workspace_id, &new).await?))
}

/// operationId: getTicketType
async fn retrieve(ctx: Ctx, Path(id): Path<String>) -> Reply<TicketType> {
    Ok(Json(ctx.store.get_ticket_type(ctx.workspace_id, type_id(&id)?).await?))
}

/// operationId: updateTicketType
async fn update(ctx: Ctx, Path(id): Path<String>, Json(body): Json<TypeBody>) -> Reply<TicketType> {
    let id = type_id(&id)?;
    let change = body.change(false)?;
    Ok(Json(ctx.store.update_ticket_type(ctx.workspace_id, id, &change).await?))
}

/// operationId: createTicketTypeAttribute
async fn create_attribute(
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<AttributeBody>,
) -> Reply<TicketTypeAttribute> {
    let id = type_id(&id)?;
    let change = body.check(true)?;
    Ok(Json(ctx.store.create_ticket_type_attribute(ctx.workspace_id, id, &change).await?))
}

/// operationId: updateTicketTypeAttribute
async fn update_attribute(
    ctx: Ctx,
    Path((id, attribute_id)): Path<(String, String)>,
    Json(body): Json<AttributeBody>,
) -> Reply<TicketTypeAttribute> {
    let id = type_id(&id)?;
    let attribute_id = ids::parse_numeric(attribute_id.trim()).ok_or(Missing::Resource)?;
    let change = body.check(false)?;
    Ok(Json(ctx.store.update_ticket_type_attribute(ctx.workspace_id, id, attribute_id, &change).await?))
}

/// operationId: listTicketStates
async fn list_states(ctx: Ctx) -> Reply<List<TicketStateDetailed>> {
    Ok(Json(List::new(ctx.store.list_ticket_states(ctx.workspace_id).await?)))
}
