//! Admins (teammates) and their team memberships.

pub mod activity_logs;
pub mod away_reasons;
pub mod team_metrics;
pub mod teams;

use sea_query::{Expr, ExprTrait, Order, Query};

use crate::domain::activity_log::{ActivityType, NewActivity};
use crate::domain::admin::{Admin, Avatar, AwayMode, NewAdmin};
use crate::domain::error::Missing;
use crate::store::backend::rows::row_struct;
use crate::store::schema::admins::{AdminRow, Admins};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

row_struct! {
    struct AdminWithTeams {
        admin: AdminRow,
        /// The admin's team ids, comma separated, or NULL.
        team_ids: Option<String>,
    }
}

/// The admins of a workspace, each with its team ids (one statement).
fn select(workspace_id: i64) -> sea_query::SelectStatement {
    Admins::select_all(&mut Query::select())
        // `string_agg(.. ORDER BY ..)` is spelt the same by PostgreSQL and SQLite (3.44+).
        .expr_as(
            Expr::cust(
                r#"(SELECT string_agg(CAST("team_admins"."team_id" AS TEXT), ',' ORDER BY "team_admins"."team_id") FROM "team_admins" WHERE "team_admins"."admin_id" = "admins"."id")"#,
            ),
            "team_ids",
        )
        .from(Admins::Table)
        .and_where(Admins::WorkspaceId.col().eq(workspace_id))
        .order_by((Admins::Table, Admins::Id), Order::Asc)
        .to_owned()
}

impl From<AdminWithTeams> for Admin {
    fn from(row: AdminWithTeams) -> Admin {
        let AdminWithTeams { admin, team_ids } = row;
        let AdminRow {
            id,
            workspace_id: _,
            name,
            email,
            job_title,
            away_mode_enabled,
            away_mode_reassign,
            has_inbox_seat,
            email_verified,
            avatar_url,
            created_at: _,
            away_status_reason_id,
        } = admin;
        Admin {
            kind: "admin",
            id,
            name,
            email,
            job_title: job_title.unwrap_or_default(),
            away_mode_enabled,
            away_mode_reassign,
            away_status_reason_id,
            has_inbox_seat,
            team_ids: team_ids
                .as_deref()
                .map(|ids| ids.split(',').filter_map(|id| id.parse().ok()).collect())
                .unwrap_or_default(),
            avatar: Some(Avatar::new(avatar_url)),
            role: None,
            email_verified,
        }
    }
}

pub(crate) async fn insert(db: &mut impl Exec, workspace_id: i64, admin: &NewAdmin) -> StoreResult<i64> {
    db.fetch_scalar(
        Admins::insert([
            (Admins::WorkspaceId, workspace_id.into()),
            (Admins::Name, admin.name.clone().into()),
            (Admins::Email, admin.email.clone().into()),
            (Admins::JobTitle, admin.job_title.clone().into()),
            (Admins::CreatedAt, now().into()),
        ])
        .returning_col(Admins::Id),
    )
    .await
}

/// An admin of the workspace, or `NotFound(Missing::Admin)`.
pub(crate) async fn get(db: &mut impl Exec, workspace_id: i64, admin_id: i64) -> StoreResult<Admin> {
    let row: Option<AdminWithTeams> =
        db.fetch_optional(select(workspace_id).and_where(Admins::Id.col().eq(admin_id))).await?;
    Ok(row.ok_or(Missing::Admin)?.into())
}

impl Store {
    pub async fn list_admins(&self, workspace_id: i64) -> StoreResult<Vec<Admin>> {
        let rows: Vec<AdminWithTeams> = self.conn().await?.fetch_all(&select(workspace_id)).await?;
        Ok(rows.into_iter().map(Admin::from).collect())
    }

    pub async fn get_admin(&self, workspace_id: i64, admin_id: i64) -> StoreResult<Admin> {
        get(&mut self.conn().await?, workspace_id, admin_id).await
    }

    /// Adds an admin (a teammate) to a workspace and records it in the activity log.
    pub async fn create_admin(&self, workspace_id: i64, admin: &NewAdmin) -> StoreResult<Admin> {
        let mut tx = self.begin().await?;
        let id = insert(&mut tx, workspace_id, admin).await?;
        activity_logs::insert(
            &mut tx,
            workspace_id,
            &NewActivity {
                admin_id: id,
                activity_type: ActivityType::AdminProvisioned,
                description: format!("{} was added to the workspace.", admin.name),
                metadata: serde_json::json!({}),
            },
        )
        .await?;
        let created = get(&mut tx, workspace_id, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Sets away mode; the change and its activity-log entry commit together.
    /// `changed_by` is the admin whose token made the request.
    /// An unknown `admin_id` is `NotFound(Missing::AdminForAdminId)`.
    pub async fn set_admin_away(
        &self,
        workspace_id: i64,
        admin_id: i64,
        changed_by: i64,
        away: AwayMode,
    ) -> StoreResult<Admin> {
        let mut tx = self.begin().await?;
        let touched = tx
            .execute(
                Admins::update([
                    (Admins::AwayModeEnabled, away.enabled.into()),
                    (Admins::AwayModeReassign, away.reassign.into()),
                    (Admins::AwayStatusReasonId, away.reason_id.filter(|_| away.enabled).into()),
                ])
                .where_eq(Admins::WorkspaceId, workspace_id)
                .where_eq(Admins::Id, admin_id),
            )
            .await?;
        if touched == 0 {
            return Err(StoreError::NotFound(Missing::AdminForAdminId));
        }
        // A reason counts only while away.
        let reason = match away.enabled {
            true => away_reasons::check_going_away(&mut tx, workspace_id, away.reason_id).await?,
            false => None,
        };
        let admin = get(&mut tx, workspace_id, admin_id).await?;
        let changer = get(&mut tx, workspace_id, changed_by).await?;
        activity_logs::insert(
            &mut tx,
            workspace_id,
            &NewActivity {
                admin_id: changed_by,
                activity_type: ActivityType::AdminAwayModeChange,
                description: format!(
                    "{} changed {}'s away mode to {}.",
                    changer.name,
                    admin.name,
                    if away.enabled { "away" } else { "active" }
                ),
                metadata: {
                    let mut metadata = serde_json::json!({
                        "away_mode": away.enabled,
                        "reassign_conversations": away.reassign,
                        "update_by": changed_by,
                        "update_by_name": changer.name,
                        "source": format!("admin update from API - Admin id: {changed_by}"),
                        "auto_changed": "false",
                    });
                    // As Intercom logs it: "😌 On a break".
                    if let Some(r) = reason {
                        metadata["away_status_reason"] = format!("{} {}", r.emoji, r.label).trim().into();
                    }
                    metadata
                },
            },
        )
        .await?;
        tx.commit().await?;
        Ok(admin)
    }
}
