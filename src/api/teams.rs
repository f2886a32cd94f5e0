//! Teams: `GET /teams`, `GET /teams/{id}`. Teams are made with `switchboard team create`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json as JsonResponse, Router};

use super::AppState;
use super::extract::{Ctx, Path};
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::pages::NamedList;
use crate::domain::team::Team;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new().route("/teams", get(list)).route("/teams/{team_id}", get(retrieve))
}

/// operationId: listTeams
async fn list(State(state): State<AppState>, ctx: Ctx) -> ApiResult<JsonResponse<NamedList<Team>>> {
    Ok(JsonResponse(NamedList::new(state.store.list_teams(ctx.workspace_id).await?)))
}

/// operationId: retrieveTeam
async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(team_id): Path<String>,
) -> ApiResult<JsonResponse<Team>> {
    let id = ids::parse_numeric(&team_id).ok_or(Missing::Team)?;
    Ok(JsonResponse(state.store.get_team(ctx.workspace_id, id).await?))
}
