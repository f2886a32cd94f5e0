//! The admin activity log: written in the transaction of the change it records.

use crate::store::backend::rows::row_struct;
use sea_query::{Cond, Expr, ExprTrait, Iden, Order, Query};

use crate::domain::activity_log::{ActivityLog, NewActivity, PerformedBy};
use crate::store::admins::Admins;
use crate::store::{Exec, Store, StoreResult, now};

#[derive(Iden)]
pub(crate) enum ActivityLogs {
    Table,
    Seq,
    Id,
    WorkspaceId,
    AdminId,
    Ip,
    ActivityType,
    ActivityDescription,
    Metadata,
    CreatedAt,
}

row_struct! {
    struct ActivityRow {
        seq: i64,
        id: String,
        admin_id: i64,
        email: String,
        ip: Option<String>,
        activity_type: String,
        activity_description: String,
        metadata: String,
        created_at: i64,
    }
}

/// Where a page of the log starts: strictly older than this entry.
#[derive(Debug, Clone, Copy)]
pub struct LogPosition {
    pub created_at: i64,
    pub seq: i64,
}

pub struct LogQuery {
    pub created_at_after: i64,
    pub created_at_before: Option<i64>,
    pub after: Option<LogPosition>,
    pub limit: u64,
}

pub(crate) async fn insert(db: &mut impl Exec, workspace_id: i64, activity: &NewActivity) -> StoreResult<()> {
    db.execute(
        Query::insert()
            .into_table(ActivityLogs::Table)
            .columns([
                ActivityLogs::Id,
                ActivityLogs::WorkspaceId,
                ActivityLogs::AdminId,
                ActivityLogs::ActivityType,
                ActivityLogs::ActivityDescription,
                ActivityLogs::Metadata,
                ActivityLogs::CreatedAt,
            ])
            .values_panic([
                uuid::Uuid::new_v4().to_string().into(),
                workspace_id.into(),
                activity.admin_id.into(),
                activity.activity_type.as_str().into(),
                activity.description.clone().into(),
                activity.metadata.to_string().into(),
                now().into(),
            ]),
    )
    .await?;
    Ok(())
}

impl Store {
    /// One page of the log, newest first, with the total number of entries in the range.
    pub async fn list_activity_logs(
        &self,
        workspace_id: i64,
        query: &LogQuery,
    ) -> StoreResult<(Vec<(ActivityLog, LogPosition)>, i64)> {
        let mut range = Cond::all()
            .add(Expr::col((ActivityLogs::Table, ActivityLogs::WorkspaceId)).eq(workspace_id))
            .add(Expr::col((ActivityLogs::Table, ActivityLogs::CreatedAt)).gte(query.created_at_after));
        if let Some(before) = query.created_at_before {
            range = range.add(Expr::col((ActivityLogs::Table, ActivityLogs::CreatedAt)).lte(before));
        }
        let mut conn = self.conn().await?;
        let total: i64 = conn
            .fetch_scalar(
                Query::select()
                    .expr(Expr::col((ActivityLogs::Table, ActivityLogs::Seq)).count())
                    .from(ActivityLogs::Table)
                    .cond_where(range.clone()),
            )
            .await?;
        let mut page = range;
        if let Some(after) = query.after {
            let created_at = Expr::col((ActivityLogs::Table, ActivityLogs::CreatedAt));
            page = page.add(
                Cond::any().add(created_at.clone().lt(after.created_at)).add(
                    Cond::all()
                        .add(created_at.eq(after.created_at))
                        .add(Expr::col((ActivityLogs::Table, ActivityLogs::Seq)).lt(after.seq)),
                ),
            );
        }
        let rows: Vec<ActivityRow> = conn
            .fetch_all(
                Query::select()
                    .columns([
                        (ActivityLogs::Table, ActivityLogs::Seq),
                        (ActivityLogs::Table, ActivityLogs::Id),
                        (ActivityLogs::Table, ActivityLogs::AdminId),
                        (ActivityLogs::Table, ActivityLogs::Ip),
                        (ActivityLogs::Table, ActivityLogs::ActivityType),
                        (ActivityLogs::Table, ActivityLogs::ActivityDescription),
                        (ActivityLogs::Table, ActivityLogs::Metadata),
                        (ActivityLogs::Table, ActivityLogs::CreatedAt),
                    ])
                    .column((Admins::Table, Admins::Email))
                    .from(ActivityLogs::Table)
                    .inner_join(
                        Admins::Table,
                        Expr::col((Admins::Table, Admins::Id))
                            .equals((ActivityLogs::Table, ActivityLogs::AdminId)),
                    )
                    .cond_where(page)
                    .order_by((ActivityLogs::Table, ActivityLogs::CreatedAt), Order::Desc)
                    .order_by((ActivityLogs::Table, ActivityLogs::Seq), Order::Desc)
                    .limit(query.limit),
            )
            .await?;
        let logs = rows
            .into_iter()
            .map(|r| {
                let position = LogPosition { created_at: r.created_at, seq: r.seq };
                let log = ActivityLog {
                    id: r.id,
                    performed_by: PerformedBy {
                        kind: "admin",
                        id: r.admin_id.to_string(),
                        email: r.email,
                        ip: r.ip,
                    },
                    metadata: serde_json::from_str(&r.metadata).unwrap_or_default(),
                    created_at: r.created_at,
                    activity_type: r.activity_type,
                    activity_description: r.activity_description,
                };
                (log, position)
            })
            .collect();
        Ok((logs, total))
    }
}
