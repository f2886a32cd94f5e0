//! Teams and their admins.

use std::collections::HashMap;

use sea_query::{Expr, ExprTrait, Order};

use crate::domain::error::Missing;
use crate::domain::team::Team;
use crate::store::admins;
use crate::store::schema::admins::{TeamAdminRow, TeamAdmins, TeamRow, Teams};
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

async fn load(db: &mut impl Exec, rows: Vec<TeamRow>) -> StoreResult<Vec<Team>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let members: Vec<TeamAdminRow> = if ids.is_empty() {
        Vec::new()
    } else {
        db.fetch_all(
            TeamAdmins::select_rows()
                .and_where(Expr::col(TeamAdmins::TeamId).is_in(ids))
                .order_by(TeamAdmins::AdminId, Order::Asc),
        )
        .await?
    };
    let mut admins: HashMap<i64, Vec<i64>> = HashMap::new();
    for TeamAdminRow { team_id, admin_id } in members {
        admins.entry(team_id).or_default().push(admin_id);
    }
    Ok(rows
        .into_iter()
        .map(|TeamRow { id, workspace_id: _, name, created_at: _ }| Team {
            kind: "team",
            id,
            name,
            admin_ids: admins.remove(&id).unwrap_or_default(),
            assignment_limit: None,
            distribution_method: None,
        })
        .collect())
}

fn select(workspace_id: i64) -> sea_query::SelectStatement {
    Teams::select_rows().where_eq(Teams::WorkspaceId, workspace_id).order_by(Teams::Id, Order::Asc).take()
}

/// A team of the workspace, or `NotFound(Missing::Team)`.
pub(crate) async fn get(db: &mut impl Exec, workspace_id: i64, team_id: i64) -> StoreResult<Team> {
    let row = db.fetch_optional(select(workspace_id).where_eq(Teams::Id, team_id)).await?;
    Ok(load(db, vec![row.ok_or(Missing::Team)?]).await?.remove(0))
}

impl Store {
    pub async fn list_teams(&self, workspace_id: i64) -> StoreResult<Vec<Team>> {
        let mut conn = self.conn().await?;
        let rows = conn.fetch_all(&select(workspace_id)).await?;
        load(&mut conn, rows).await
    }

    pub async fn get_team(&self, workspace_id: i64, team_id: i64) -> StoreResult<Team> {
        get(&mut self.conn().await?, workspace_id, team_id).await
    }

    /// Creates a team with its admins, who must belong to the workspace.
    pub async fn create_team(&self, workspace_id: i64, name: &str, admin_ids: &[i64]) -> StoreResult<Team> {
        let mut tx = self.begin().await?;
        let team_id: i64 = tx
            .fetch_scalar(
                Teams::insert([
                    (Teams::WorkspaceId, workspace_id.into()),
                    (Teams::Name, name.into()),
                    (Teams::CreatedAt, now().into()),
                ])
                .returning_col(Teams::Id),
            )
            .await?;
        for &admin_id in admin_ids {
            add_member(&mut tx, workspace_id, team_id, admin_id).await?;
        }
        let team = get(&mut tx, workspace_id, team_id).await?;
        tx.commit().await?;
        Ok(team)
    }

    /// Adds an admin of the workspace to one of its teams (a no-op if already there).
    pub async fn add_team_admin(&self, workspace_id: i64, team_id: i64, admin_id: i64) -> StoreResult<Team> {
        let mut tx = self.begin().await?;
        get(&mut tx, workspace_id, team_id).await?;
        add_member(&mut tx, workspace_id, team_id, admin_id).await?;
        let team = get(&mut tx, workspace_id, team_id).await?;
        tx.commit().await?;
        Ok(team)
    }
}

async fn add_member(db: &mut impl Exec, workspace_id: i64, team_id: i64, admin_id: i64) -> StoreResult<()> {
    admins::get(db, workspace_id, admin_id).await?;
    db.execute(&TeamAdmins::insert_or_ignore(
        [(TeamAdmins::TeamId, team_id.into()), (TeamAdmins::AdminId, admin_id.into())],
        [TeamAdmins::TeamId, TeamAdmins::AdminId],
    ))
    .await?;
    Ok(())
}
