//! Teams: `GET /teams`, `GET /teams/{id}`, `GET /teams/{id}/metrics` (2.16). Teams are made
//! with `switchboard team create`.

use axum::Router;
use axum::routing::get;

use super::AppState;
use serde::Deserialize;

use super::extract::{Ctx, Json, Path, Query, Reply};
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::pages::NamedList;
use crate::domain::team::{self, Team, TeamMetricList};
use crate::error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", get(list))
        .route("/teams/{team_id}", get(retrieve))
        .route("/teams/{team_id}/metrics", get(metrics))
}

/// operationId: listTeams
async fn list(ctx: Ctx) -> Reply<NamedList<Team>> {
    Ok(Json(NamedList::new(ctx.store.list_teams(ctx.workspace_id).await?)))
}

/// operationId: retrieveTeam
async fn retrieve(ctx: Ctx, Path(team_id): Path<String>) -> Reply<Team> {
    let id = ids::parse_numeric(&team_id).ok_or(Missing::Team)?;
    Ok(Json(ctx.store.get_team(ctx.workspace_id, id).await?))
}

#[derive(Deserialize)]
struct MetricsParams {
    idle_threshold: Option<String>,
}

/// operationId: getTeamMetrics
async fn metrics(
    ctx: Ctx,
    Path(team_id): Path<String>,
    Query(params): Query<MetricsParams>,
) -> Reply<TeamMetricList> {
    let id = ids::parse_numeric(&team_id).ok_or(Missing::Team)?;
    let threshold = params
        .idle_threshold
        .map(|raw| raw.trim().parse::<i64>())
        .transpose()
        .map_err(|_| ApiError::invalid("idle_threshold", "idle_threshold must be a number of seconds"))?;
    Ok(Json(ctx.store.team_metrics(ctx.workspace_id, id, team::idle_threshold(threshold)).await?))
}
