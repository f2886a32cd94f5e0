//! `POST /_switchboard/reset`: deletes the workspace's data, keeps the workspace, its admins,
//! teams and tokens.

use axum::Router;
use axum::extract::State;
use axum::routing::post;

use crate::api::AppState;
use crate::api::extract::{Ctx, Json, Reply};
use crate::domain::snapshot::Reset;

pub fn router() -> Router<AppState> {
    Router::new().route("/_switchboard/reset", post(reset))
}

async fn reset(State(state): State<AppState>, ctx: Ctx) -> Reply<Reset> {
    let deleted = ctx.store.reset_workspace(ctx.workspace_id).await?;
    // The rows are gone; so is what this process keeps of them (its journal, its fault cache).
    state.controls.forget(ctx.workspace_id);
    Ok(Json(Reset::new(deleted)))
}
