//! Teams: `GET /teams`, `GET /teams/{id}`. Teams are made with `switchboard team create`.

use axum::Router;
use axum::routing::get;

use super::AppState;
use super::extract::{Ctx, Json, Path, Reply};
use crate::domain::error::Missing;
use crate::domain::ids;
use crate::domain::pages::NamedList;
use crate::domain::team::Team;

pub fn router() -> Router<AppState> {
    Router::new().route("/teams", get(list)).route("/teams/{team_id}", get(retrieve))
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
