//! A workspace's clock setting (`/_switchboard/clock`). A workspace on real time has no row.
//! Requests read it with their token's owner (see `tokens::authenticate`), so a process that
//! caches tokens sees another process's change once its cache entry expires.

use sea_query::{LockType, OnConflict};

use crate::domain::clock::{Clock, ClockChange};
use crate::store::schema::workspaces::{WorkspaceClockRow, WorkspaceClocks, Workspaces};
use crate::store::{Backend, Exec, Store, StoreResult, WhereEq, real_now};

async fn load(db: &mut impl Exec, workspace_id: i64) -> StoreResult<Clock> {
    let row: Option<WorkspaceClockRow> = db
        .fetch_optional(WorkspaceClocks::select_rows().where_eq(WorkspaceClocks::WorkspaceId, workspace_id))
        .await?;
    Ok(row.map_or(Clock::REAL, |row| Clock { frozen_at: row.clock_frozen_at, offset: row.clock_offset }))
}

impl Store {
    pub async fn workspace_clock(&self, workspace_id: i64) -> StoreResult<Clock> {
        load(&mut self.conn().await?, workspace_id).await
    }

    /// Applies `change` to the workspace's clock and answers the clock it leaves.
    pub async fn change_workspace_clock(&self, workspace_id: i64, change: ClockChange) -> StoreResult<Clock> {
        let mut tx = self.begin().await?;
        // Two changes at once apply one after the other (an `advance` is read, then written).
        // SQLite's write transaction already holds the database; on PostgreSQL the workspace's
        // row is the lock (`NO KEY UPDATE`: it does not stop inserts that reference it).
        if tx.backend() == Backend::Postgres {
            let lock = Workspaces::select([Workspaces::Id])
                .where_eq(Workspaces::Id, workspace_id)
                .lock(LockType::NoKeyUpdate)
                .take();
            tx.fetch_optional::<(i64,)>(&lock).await?;
        }
        let clock = load(&mut tx, workspace_id).await?.changed(change, real_now())?;
        if clock == Clock::REAL {
            tx.execute(WorkspaceClocks::delete().where_eq(WorkspaceClocks::WorkspaceId, workspace_id))
                .await?;
        } else {
            tx.execute(
                &WorkspaceClocks::insert([
                    (WorkspaceClocks::WorkspaceId, workspace_id.into()),
                    (WorkspaceClocks::ClockFrozenAt, clock.frozen_at.into()),
                    (WorkspaceClocks::ClockOffset, clock.offset.into()),
                ])
                .on_conflict(
                    OnConflict::column(WorkspaceClocks::WorkspaceId)
                        .update_columns([WorkspaceClocks::ClockFrozenAt, WorkspaceClocks::ClockOffset])
                        .to_owned(),
                )
                .take(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(clock)
    }
}
