//! Visitors: `GET /visitors?user_id=`, `PUT /visitors`, `POST /visitors/convert`, and
//! `POST /_switchboard/visitors`, which makes a visitor as Intercom's Messenger would.

use axum::Router;
use axum::routing::{get, post};
use serde::Deserialize;

use super::AppState;
use super::extract::{Ctx, Json, Query, Reply};
use crate::domain::contact::Contact;
use crate::domain::error::OrMissing;
use crate::domain::visitor::{ConvertBody, NewVisitor, UpdateBody, Visitor};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visitors", get(retrieve).put(update))
        .route("/visitors/convert", post(convert))
        .route("/_switchboard/visitors", post(create))
}

#[derive(Deserialize)]
struct RetrieveParams {
    user_id: Option<String>,
}

/// operationId: retrieveVisitorWithUserId
async fn retrieve(ctx: Ctx, Query(params): Query<RetrieveParams>) -> Reply<Visitor> {
    let user_id = params.user_id.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
    let user_id = user_id.or_missing("user_id")?;
    Ok(Json(ctx.store.get_visitor(ctx.workspace_id, &user_id).await?))
}

/// operationId: updateVisitor
async fn update(ctx: Ctx, Json(body): Json<UpdateBody>) -> Reply<Visitor> {
    let changes = body.check()?;
    Ok(Json(ctx.store.update_visitor(ctx.workspace_id, &changes).await?))
}

/// operationId: convertVisitor
async fn convert(ctx: Ctx, Json(body): Json<ConvertBody>) -> Reply<Contact> {
    let conversion = body.check()?;
    Ok(Json(ctx.store.convert_visitor(ctx.workspace_id, &conversion).await?))
}

/// Not Intercom's: a visitor as the Messenger would make it, for operators and tests.
async fn create(ctx: Ctx, Json(body): Json<NewVisitor>) -> Reply<Visitor> {
    let new = body.check()?;
    Ok(Json(ctx.store.create_visitor(ctx.workspace_id, &new).await?))
}
