//! `/_switchboard/snapshots`: named copies of the workspace's data, and restoring one.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};

use crate::api::AppState;
use crate::api::extract::{Ctx, Json, Path, Reply};
use crate::domain::pages::List;
use crate::domain::snapshot::{self, Snapshot};
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/_switchboard/snapshots", get(list).post(create))
        .route("/_switchboard/snapshots/{name}", delete(remove))
        .route("/_switchboard/snapshots/{name}/restore", post(restore))
}

#[derive(Deserialize)]
struct CreateRequest {
    name: String,
}

async fn create(ctx: Ctx, Json(request): Json<CreateRequest>) -> ApiResult<(StatusCode, Json<Snapshot>)> {
    snapshot::check_name(&request.name)?;
    let created = ctx.store.create_snapshot(ctx.workspace_id, &request.name).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn list(ctx: Ctx) -> Reply<List<Snapshot>> {
    Ok(Json(List::new(ctx.store.list_snapshots(ctx.workspace_id).await?)))
}

async fn restore(State(state): State<AppState>, ctx: Ctx, Path(name): Path<String>) -> Reply<Snapshot> {
    let snapshot = ctx.store.restore_snapshot(ctx.workspace_id, &name).await?;
    // The faults are the snapshot's now: read them again.
    state.controls.faults.forget(ctx.workspace_id);
    Ok(Json(snapshot))
}

#[derive(Serialize)]
struct Deleted {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    deleted: bool,
}

async fn remove(ctx: Ctx, Path(name): Path<String>) -> Reply<Deleted> {
    ctx.store.delete_snapshot(ctx.workspace_id, &name).await?;
    Ok(Json(Deleted { kind: "snapshot", name, deleted: true }))
}
