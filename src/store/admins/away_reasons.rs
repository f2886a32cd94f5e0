//! Away status reasons: the workspace's defaults (written the first time they are needed) and
//! the ones an operator adds.

use sea_query::{ExprTrait, Order};

use crate::domain::away_status_reason::{self, AwayStatusReason, DEFAULTS};
use crate::domain::error::{Missing, Rejection};
use crate::store::schema::admins::{AwayStatusReasonRow, AwayStatusReasons, AwayStatusSettings};
use crate::store::{Exec, Store, StoreError, StoreResult, WhereEq, now};

fn reason(r: AwayStatusReasonRow) -> AwayStatusReason {
    AwayStatusReason {
        kind: "away_status_reason",
        id: r.id,
        label: r.label,
        emoji: r.emoji,
        order: r.sort_order,
        deleted: r.deleted,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// Writes the default reasons of a workspace that has none yet (in the caller's transaction).
async fn ensure_defaults(db: &mut impl Exec, workspace_id: i64) -> StoreResult<()> {
    let count: i64 = db
        .fetch_scalar(
            AwayStatusReasons::count(AwayStatusReasons::Id)
                .where_eq(AwayStatusReasons::WorkspaceId, workspace_id),
        )
        .await?;
    if count > 0 {
        return Ok(());
    }
    let at = now();
    for (order, (emoji, label)) in DEFAULTS.iter().enumerate() {
        db.execute(&AwayStatusReasons::insert_or_ignore(
            [
                (AwayStatusReasons::WorkspaceId, workspace_id.into()),
                (AwayStatusReasons::Label, (*label).into()),
                (AwayStatusReasons::Emoji, (*emoji).into()),
                (AwayStatusReasons::SortOrder, (order as i64 + 1).into()),
                (AwayStatusReasons::Deleted, false.into()),
                (AwayStatusReasons::CreatedAt, at.into()),
                (AwayStatusReasons::UpdatedAt, at.into()),
            ],
            [AwayStatusReasons::WorkspaceId, AwayStatusReasons::Label],
        ))
        .await?;
    }
    Ok(())
}

async fn find(db: &mut impl Exec, workspace_id: i64, id: i64) -> StoreResult<Option<AwayStatusReason>> {
    let row: Option<AwayStatusReasonRow> = db
        .fetch_optional(
            AwayStatusReasons::select_rows()
                .where_eq(AwayStatusReasons::WorkspaceId, workspace_id)
                .where_eq(AwayStatusReasons::Id, id),
        )
        .await?;
    Ok(row.map(reason))
}

async fn list(db: &mut impl Exec, workspace_id: i64) -> StoreResult<Vec<AwayStatusReason>> {
    let rows: Vec<AwayStatusReasonRow> = db
        .fetch_all(
            AwayStatusReasons::select_rows()
                .where_eq(AwayStatusReasons::WorkspaceId, workspace_id)
                .order_by(AwayStatusReasons::SortOrder, Order::Asc)
                .order_by(AwayStatusReasons::Id, Order::Asc),
        )
        .await?;
    Ok(rows.into_iter().map(reason).collect())
}

async fn reason_required(db: &mut impl Exec, workspace_id: i64) -> StoreResult<bool> {
    let row: Option<(bool,)> = db
        .fetch_optional(
            &AwayStatusSettings::select([AwayStatusSettings::ReasonRequired])
                .where_eq(AwayStatusSettings::WorkspaceId, workspace_id)
                .take(),
        )
        .await?;
    Ok(row.is_some_and(|(required,)| required))
}

/// Checks the reason of an admin going away (in the away change's transaction): one the
/// workspace has and has not deleted, and one at all where the workspace requires it.
pub(crate) async fn check_going_away(
    db: &mut impl Exec,
    workspace_id: i64,
    reason: Option<i64>,
) -> StoreResult<Option<AwayStatusReason>> {
    let Some(id) = reason else {
        return match reason_required(db, workspace_id).await? {
            true => Err(away_status_reason::mandatory().into()),
            false => Ok(None),
        };
    };
    ensure_defaults(db, workspace_id).await?;
    let found = find(db, workspace_id, id).await?;
    match away_status_reason::unusable(found.as_ref()) {
        Some(rejection) => Err(rejection.into()),
        None => Ok(found),
    }
}

impl Store {
    /// Every reason of the workspace, deleted ones included, in their order.
    pub async fn list_away_status_reasons(&self, workspace_id: i64) -> StoreResult<Vec<AwayStatusReason>> {
        let listed = list(&mut self.conn().await?, workspace_id).await?;
        if !listed.is_empty() {
            return Ok(listed);
        }
        // The first time: the defaults are written, once, then read.
        let mut tx = self.begin().await?;
        ensure_defaults(&mut tx, workspace_id).await?;
        let listed = list(&mut tx, workspace_id).await?;
        tx.commit().await?;
        Ok(listed)
    }

    /// Adds a reason after the others (the operator's CLI).
    pub async fn create_away_status_reason(
        &self,
        workspace_id: i64,
        label: &str,
        emoji: &str,
    ) -> StoreResult<AwayStatusReason> {
        let label = away_status_reason::check_label(label)?;
        let mut tx = self.begin().await?;
        ensure_defaults(&mut tx, workspace_id).await?;
        let last: Option<i64> = tx
            .fetch_scalar(
                &sea_query::Query::select()
                    .expr(AwayStatusReasons::SortOrder.col().max())
                    .from(AwayStatusReasons::Table)
                    .and_where(AwayStatusReasons::WorkspaceId.col().eq(workspace_id))
                    .take(),
            )
            .await?;
        let at = now();
        let inserted = tx
            .fetch_scalar::<i64>(
                AwayStatusReasons::insert([
                    (AwayStatusReasons::WorkspaceId, workspace_id.into()),
                    (AwayStatusReasons::Label, label.clone().into()),
                    (AwayStatusReasons::Emoji, emoji.trim().into()),
                    (AwayStatusReasons::SortOrder, (last.unwrap_or(0) + 1).into()),
                    (AwayStatusReasons::Deleted, false.into()),
                    (AwayStatusReasons::CreatedAt, at.into()),
                    (AwayStatusReasons::UpdatedAt, at.into()),
                ])
                .returning_col(AwayStatusReasons::Id),
            )
            .await;
        let id = match inserted {
            Ok(id) => id,
            Err(StoreError::Conflict { .. }) => {
                return Err(
                    Rejection::invalid("label", format!("an away status reason \"{label}\" exists")).into()
                );
            }
            Err(other) => return Err(other),
        };
        let created =
            find(&mut tx, workspace_id, id).await?.ok_or(StoreError::NotFound(Missing::Resource))?;
        tx.commit().await?;
        Ok(created)
    }

    /// Whether going away needs a reason (the operator's CLI).
    pub async fn set_away_status_reason_required(
        &self,
        workspace_id: i64,
        required: bool,
    ) -> StoreResult<()> {
        let mut tx = self.begin_single().await?;
        tx.execute(
            &AwayStatusSettings::insert([
                (AwayStatusSettings::WorkspaceId, workspace_id.into()),
                (AwayStatusSettings::ReasonRequired, required.into()),
            ])
            .on_conflict(
                sea_query::OnConflict::column(AwayStatusSettings::WorkspaceId)
                    .update_column(AwayStatusSettings::ReasonRequired)
                    .to_owned(),
            )
            .take(),
        )
        .await?;
        tx.commit().await
    }

    /// Marks a reason deleted: it stays listed, and can no longer be chosen.
    pub async fn delete_away_status_reason(
        &self,
        workspace_id: i64,
        id: i64,
    ) -> StoreResult<AwayStatusReason> {
        let mut tx = self.begin().await?;
        ensure_defaults(&mut tx, workspace_id).await?;
        tx.execute_found(
            AwayStatusReasons::update([
                (AwayStatusReasons::Deleted, true.into()),
                (AwayStatusReasons::UpdatedAt, now().into()),
            ])
            .where_eq(AwayStatusReasons::WorkspaceId, workspace_id)
            .where_eq(AwayStatusReasons::Id, id),
        )
        .await?;
        let deleted =
            find(&mut tx, workspace_id, id).await?.ok_or(StoreError::NotFound(Missing::Resource))?;
        tx.commit().await?;
        Ok(deleted)
    }
}
