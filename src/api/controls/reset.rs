//! `POST /_switchboard/reset`: deletes the workspace's data, keeps the workspace, its admins,
//! teams and tokens.

use axum::Router;
use axum::routing::post;

use crate::api::AppState;
use crate::api::extract::{Ctx, Json, Reply};
use crate::domain::snapshot::Reset;

pub fn router() -> Router<AppState> {
    Router::new().route("/_switchboard/reset", post(reset))
}

async fn reset(ctx: Ctx) -> Reply<Reset> {
    Ok(Json(Reset::new(ctx.store.reset_workspace(ctx.workspace_id).await?)))
}
