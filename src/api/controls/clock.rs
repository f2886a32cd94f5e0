//! `/_switchboard/clock`: the workspace's clock, which every timestamp it records and every
//! rule that depends on time reads (see `domain::clock`).

use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::api::AppState;
use crate::api::extract::{Ctx, Json, Reply};
use crate::domain::clock::{ClockChange, ClockReading};
use crate::store::real_now;

pub fn router() -> Router<AppState> {
    Router::new().route("/_switchboard/clock", get(show).put(change))
}

async fn show(ctx: Ctx) -> Reply<ClockReading> {
    let clock = ctx.store.workspace_clock(ctx.workspace_id).await?;
    Ok(Json(clock.reading(real_now())))
}

async fn change(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<ClockChange>,
) -> Reply<ClockReading> {
    let clock = ctx.store.change_workspace_clock(ctx.workspace_id, body).await?;
    // The cached owners hold the old clock: this process applies the change at once.
    state.tokens.forget_workspace(ctx.workspace_id);
    Ok(Json(clock.reading(real_now())))
}
