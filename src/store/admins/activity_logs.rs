//! The admin activity log: written in the transaction of the change it records.

use sea_query::{Cond, ExprTrait, Order, Query};

use crate::domain::activity_log::{ActivityLog, LogPosition, LogQuery, LogSearch, NewActivity, PerformedBy};
use crate::store::backend::rows::row_struct;
use crate::store::schema::admins::{ActivityLogRow, ActivityLogs, Admins};
use crate::store::{Exec, Store, StoreResult, now};

row_struct! {
    /// An entry with the email of the admin who did it.
    struct ActivityWithEmail {
        log: ActivityLogRow,
        email: String,
    }
}

impl ActivityWithEmail {
    fn into_domain(self) -> (ActivityLog, LogPosition) {
        let ActivityWithEmail { log, email } = self;
        let ActivityLogRow {
            seq,
            id,
            workspace_id: _,
            admin_id,
            ip,
            activity_type,
            activity_description,
            metadata,
            created_at,
        } = log;
        let log = ActivityLog {
            id,
            performed_by: PerformedBy { kind: "admin", id: admin_id.to_string(), email, ip },
            metadata: serde_json::from_str(&metadata).unwrap_or_default(),
            created_at,
            activity_type,
            activity_description,
        };
        (log, LogPosition { created_at, seq })
    }
}

pub(crate) async fn insert(db: &mut impl Exec, workspace_id: i64, activity: &NewActivity) -> StoreResult<()> {
    db.execute(&ActivityLogs::insert([
        (ActivityLogs::Id, uuid::Uuid::new_v4().to_string().into()),
        (ActivityLogs::WorkspaceId, workspace_id.into()),
        (ActivityLogs::AdminId, activity.admin_id.into()),
        (ActivityLogs::ActivityType, activity.activity_type.as_str().into()),
        (ActivityLogs::ActivityDescription, activity.description.clone().into()),
        (ActivityLogs::Metadata, activity.metadata.to_string().into()),
        (ActivityLogs::CreatedAt, now().into()),
    ]))
    .await?;
    Ok(())
}

/// Entries with their author's email, newest first.
fn select_with_email(cond: Cond) -> sea_query::SelectStatement {
    ActivityLogs::select_all(&mut Query::select())
        .column((Admins::Table, Admins::Email))
        .from(ActivityLogs::Table)
        .inner_join(Admins::Table, Admins::Id.col().equals((ActivityLogs::Table, ActivityLogs::AdminId)))
        .cond_where(cond)
        .order_by((ActivityLogs::Table, ActivityLogs::CreatedAt), Order::Desc)
        .order_by((ActivityLogs::Table, ActivityLogs::Seq), Order::Desc)
        .take()
}

impl Store {
    /// One numbered page of the entries in a range, of the types asked for, and their total.
    pub async fn search_activity_logs(
        &self,
        workspace_id: i64,
        search: &LogSearch,
    ) -> StoreResult<(Vec<ActivityLog>, i64)> {
        let mut cond = Cond::all()
            .add(ActivityLogs::WorkspaceId.col().eq(workspace_id))
            .add(ActivityLogs::CreatedAt.col().gte(search.created_at_after));
        if let Some(before) = search.created_at_before {
            cond = cond.add(ActivityLogs::CreatedAt.col().lte(before));
        }
        if !search.event_types.is_empty() {
            cond = cond
                .add(ActivityLogs::ActivityType.col().is_in(search.event_types.iter().map(String::as_str)));
        }
        let mut conn = self.conn().await?;
        let total: i64 =
            conn.fetch_scalar(ActivityLogs::count(ActivityLogs::Seq).cond_where(cond.clone())).await?;
        let rows: Vec<ActivityWithEmail> = conn
            .fetch_all(
                select_with_email(cond)
                    .limit(search.per_page)
                    .offset((search.page - 1).saturating_mul(search.per_page)),
            )
            .await?;
        Ok((rows.into_iter().map(|r| r.into_domain().0).collect(), total))
    }

    /// One page of the log, newest first, with the total number of entries in the range.
    pub async fn list_activity_logs(
        &self,
        workspace_id: i64,
        query: &LogQuery,
    ) -> StoreResult<(Vec<(ActivityLog, LogPosition)>, i64)> {
        let mut range = Cond::all()
            .add(ActivityLogs::WorkspaceId.col().eq(workspace_id))
            .add(ActivityLogs::CreatedAt.col().gte(query.created_at_after));
        if let Some(before) = query.created_at_before {
            range = range.add(ActivityLogs::CreatedAt.col().lte(before));
        }
        let mut conn = self.conn().await?;
        let total: i64 =
            conn.fetch_scalar(ActivityLogs::count(ActivityLogs::Seq).cond_where(range.clone())).await?;
        let mut page = range;
        if let Some(after) = query.after {
            let created_at = ActivityLogs::CreatedAt.col();
            page = page.add(Cond::any().add(created_at.clone().lt(after.created_at)).add(
                Cond::all().add(created_at.eq(after.created_at)).add(ActivityLogs::Seq.col().lt(after.seq)),
            ));
        }
        let rows: Vec<ActivityWithEmail> = conn.fetch_all(select_with_email(page).limit(query.limit)).await?;
        Ok((rows.into_iter().map(ActivityWithEmail::into_domain).collect(), total))
    }
}
