//! `GET /teams/{id}/metrics`: each team admin's open, idle and snoozed conversations, counted
//! from the conversations' state (one grouped query over the assignee index).

use sea_query::{Expr, ExprTrait, Query};

use crate::domain::team::{TeamMetric, TeamMetricList};
use crate::store::backend::rows::row_struct;
use crate::store::schema::conversations::Conversations;
use crate::store::{Exec, Store, StoreResult, now};

row_struct! {
    struct CountsRow {
        admin_id: i64,
        open: i64,
        idle: i64,
        snoozed: i64,
    }
}

/// `SUM(CASE WHEN cond THEN 1 ELSE 0 END)`, as a BIGINT on both backends.
fn count_where(cond: Expr) -> Expr {
    Expr::case(cond, 1).finally(0).sum().cast_as("BIGINT")
}

impl Store {
    pub async fn team_metrics(
        &self,
        workspace_id: i64,
        team_id: i64,
        idle_seconds: i64,
    ) -> StoreResult<TeamMetricList> {
        let mut conn = self.conn().await?;
        let team = super::teams::get(&mut conn, workspace_id, team_id).await?;
        let idle_since = now() - idle_seconds;
        let state = Conversations::State.col();
        let counts: Vec<CountsRow> = if team.admin_ids.is_empty() {
            Vec::new()
        } else {
            conn.fetch_all(
                &Query::select()
                    .expr_as(Conversations::AdminAssigneeId.col(), "admin_id")
                    .expr_as(count_where(state.clone().eq("open")), "open")
                    .expr_as(
                        count_where(
                            state.clone().eq("open").and(Conversations::WaitingSince.col().lte(idle_since)),
                        ),
                        "idle",
                    )
                    .expr_as(count_where(state.clone().eq("snoozed")), "snoozed")
                    .from(Conversations::Table)
                    .and_where(Conversations::WorkspaceId.col().eq(workspace_id))
                    .and_where(Conversations::AdminAssigneeId.col().is_in(team.admin_ids.iter().copied()))
                    .and_where(state.is_in(["open", "snoozed"]))
                    .group_by_col((Conversations::Table, Conversations::AdminAssigneeId))
                    .take(),
            )
            .await?
        };
        let data = team
            .admin_ids
            .iter()
            .map(|&admin_id| {
                let c = counts.iter().find(|c| c.admin_id == admin_id);
                TeamMetric {
                    kind: "team_metric",
                    admin_id,
                    open: c.map_or(0, |c| c.open),
                    idle: c.map_or(0, |c| c.idle),
                    snoozed: c.map_or(0, |c| c.snoozed),
                }
            })
            .collect();
        Ok(TeamMetricList { kind: "team_metric.list", data })
    }
}
