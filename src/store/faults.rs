//! Faults injected for tests and development. A fault's `remaining` is counted down by one
//! conditional `UPDATE`, so a `count` holds across every process on one database.

use sea_query::{Cond, Expr, ExprTrait, Order, Query};

use crate::domain::error::Missing;
use crate::domain::fault::{Fault, FaultSpec};
use crate::store::schema::faults::{FaultRow, Faults};
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

fn fault(row: FaultRow) -> Fault {
    Fault {
        kind: "fault",
        id: row.id.to_string(),
        method: row.method,
        path: row.path,
        status: row.status.map(|s| s as u16),
        error_code: row.error_code,
        delay_ms: row.delay_ms,
        count: row.count,
        remaining: row.remaining,
        probability: row.probability,
        drop_connection: row.drop_connection,
        applied: row.applied,
        created_at: row.created_at,
    }
}

/// Not yet used up: `remaining` is unlimited or above zero.
fn active() -> Cond {
    Cond::any().add(Faults::Remaining.col().is_null()).add(Faults::Remaining.col().gt(0))
}

impl Store {
    pub async fn create_fault(&self, workspace_id: i64, spec: &FaultSpec) -> StoreResult<Fault> {
        let mut tx = self.begin_single().await?;
        let row: FaultRow = tx
            .fetch_one(
                Faults::insert([
                    (Faults::WorkspaceId, workspace_id.into()),
                    (Faults::Method, spec.method.clone().into()),
                    (Faults::Path, spec.path.clone().into()),
                    (Faults::Status, spec.status.map(i64::from).into()),
                    (Faults::ErrorCode, spec.error_code.clone().into()),
                    (Faults::DelayMs, spec.delay_ms.into()),
                    (Faults::Count, spec.count.into()),
                    (Faults::Remaining, spec.count.into()),
                    (Faults::Probability, spec.probability.into()),
                    (Faults::DropConnection, spec.drop_connection.into()),
                    (Faults::Applied, 0i64.into()),
                    (Faults::CreatedAt, now().into()),
                ])
                .returning(Query::returning().columns(Faults::COLUMNS.iter().copied())),
            )
            .await?;
        tx.commit().await?;
        Ok(fault(row))
    }

    /// Every fault of the workspace, used up ones too, oldest first.
    pub async fn list_faults(&self, workspace_id: i64) -> StoreResult<Vec<Fault>> {
        let rows: Vec<FaultRow> = self
            .conn()
            .await?
            .fetch_all(
                Faults::select_rows()
                    .where_eq(Faults::WorkspaceId, workspace_id)
                    .order_by(Faults::Id, Order::Asc),
            )
            .await?;
        Ok(rows.into_iter().map(fault).collect())
    }

    /// The faults that may still apply, oldest first: what a request is matched against.
    pub async fn active_faults(&self, workspace_id: i64) -> StoreResult<Vec<Fault>> {
        let rows: Vec<FaultRow> = self
            .conn()
            .await?
            .fetch_all(
                Faults::select_rows()
                    .where_eq(Faults::WorkspaceId, workspace_id)
                    .cond_where(active())
                    .order_by(Faults::Id, Order::Asc),
            )
            .await?;
        Ok(rows.into_iter().map(fault).collect())
    }

    /// Takes one application of the fault: `false` when it is gone or used up meanwhile.
    pub async fn claim_fault(&self, workspace_id: i64, id: i64) -> StoreResult<bool> {
        let mut tx = self.begin_single().await?;
        let claimed = tx
            .execute(
                Query::update()
                    .table(Faults::Table)
                    .value(Faults::Remaining, Expr::col(Faults::Remaining).sub(1))
                    .value(Faults::Applied, Expr::col(Faults::Applied).add(1))
                    .and_where(Faults::Id.col().eq(id))
                    .and_where(Faults::WorkspaceId.col().eq(workspace_id))
                    .cond_where(active()),
            )
            .await?;
        tx.commit().await?;
        Ok(claimed == 1)
    }

    /// Deletes every fault of the workspace; how many there were.
    pub async fn delete_faults(&self, workspace_id: i64) -> StoreResult<u64> {
        let mut tx = self.begin_single().await?;
        let deleted =
            tx.execute(&Faults::delete().where_eq(Faults::WorkspaceId, workspace_id).take()).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    pub async fn delete_fault(&self, workspace_id: i64, id: i64) -> StoreResult<()> {
        let mut tx = self.begin_single().await?;
        let deleted = tx
            .execute(
                &Faults::delete().where_eq(Faults::WorkspaceId, workspace_id).where_eq(Faults::Id, id).take(),
            )
            .await?;
        tx.commit().await?;
        if deleted == 0 {
            return Err(Missing::Resource.into());
        }
        Ok(())
    }
}
