//! Snapshots: a workspace's [`WORKSPACE_DATA`] copied into `snapshot_tables`, and put back.
//! Each table's rows are kept in chunks (a `snapshot_tables` row each, at consecutive
//! positions), written and restored one at a time, so the server's memory does not grow with
//! the workspace. A snapshot taken before chunks has one row per table: the same layout.
//!
//! A restore deletes the workspace's data and reinserts the copied rows with their ids,
//! timestamps and counters (event summaries, assignment turns, scroll positions are rows too).
//! Ids come from sequences shared by all workspaces (PostgreSQL identity columns, SQLite
//! `AUTOINCREMENT`), which only ever move forward: every id in a snapshot was handed out
//! before it was taken, so no id made later, in any workspace, can equal one, and objects
//! made after a restore get new ids above every earlier one. Nothing needs to move them.

use sea_query::Order;
use serde_json::{Map, Value};

use super::copy;
use super::{WORKSPACE_DATA, delete_data};
use crate::domain::snapshot::{self, Snapshot};
use crate::store::schema::snapshots::{SnapshotRow, Snapshots};
use crate::store::{ConnRef, Exec, Session, Store, StoreError, StoreResult, WhereEq, now};

impl From<SnapshotRow> for Snapshot {
    fn from(row: SnapshotRow) -> Self {
        let counts = serde_json::from_str::<Map<String, Value>>(&row.counts).unwrap_or_default();
        Snapshot { kind: "snapshot", name: row.name, created_at: row.created_at, counts }
    }
}

async fn find(db: &mut impl Exec, workspace_id: i64, name: &str) -> StoreResult<SnapshotRow> {
    let query = Snapshots::select_rows()
        .where_eq(Snapshots::WorkspaceId, workspace_id)
        .where_eq(Snapshots::Name, name)
        .take();
    db.fetch_optional(&query).await?.ok_or_else(|| snapshot::not_found(name).into())
}

impl Store {
    /// `POST /_switchboard/snapshots`: copies the workspace's data as one consistent read.
    pub async fn create_snapshot(&self, workspace_id: i64, name: &str) -> StoreResult<Snapshot> {
        let mut tx = self.begin().await?;
        if let ConnRef::Postgres(c) = tx.conn() {
            // Every table read as of one moment, whatever commits meanwhile.
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(c).await?;
        }
        let created_at = now();
        let insert = Snapshots::insert([
            (Snapshots::WorkspaceId, workspace_id.into()),
            (Snapshots::Name, name.into()),
            (Snapshots::CreatedAt, created_at.into()),
            (Snapshots::Counts, "{}".into()),
        ])
        .returning_col(Snapshots::Id)
        .take();
        let id: i64 = match tx.fetch_scalar(&insert).await {
            Err(StoreError::Conflict { .. }) => return Err(snapshot::exists(name).into()),
            other => other?,
        };
        let mut counts = Map::new();
        let mut position = 0;
        for owned in WORKSPACE_DATA {
            let dumped = copy::dump(&mut tx, owned, workspace_id, id, position).await?;
            counts.insert(owned.table.to_owned(), dumped.rows.into());
            position += dumped.chunks;
        }
        let counts_text = Value::Object(counts.clone()).to_string();
        tx.execute(
            &Snapshots::update([(Snapshots::Counts, counts_text.into())]).where_eq(Snapshots::Id, id).take(),
        )
        .await?;
        tx.commit().await?;
        Ok(Snapshot { kind: "snapshot", name: name.to_owned(), created_at, counts })
    }

    /// `GET /_switchboard/snapshots`, oldest first.
    pub async fn list_snapshots(&self, workspace_id: i64) -> StoreResult<Vec<Snapshot>> {
        let query = Snapshots::select_rows()
            .where_eq(Snapshots::WorkspaceId, workspace_id)
            .order_by(Snapshots::CreatedAt, Order::Asc)
            .order_by(Snapshots::Id, Order::Asc)
            .take();
        let rows: Vec<SnapshotRow> = self.conn().await?.fetch_all(&query).await?;
        Ok(rows.into_iter().map(Snapshot::from).collect())
    }

    /// `POST /_switchboard/snapshots/{name}/restore`: the workspace's data as the snapshot
    /// holds it, in one transaction.
    pub async fn restore_snapshot(&self, workspace_id: i64, name: &str) -> StoreResult<Snapshot> {
        let mut tx = self.begin().await?;
        let found = find(&mut tx, workspace_id, name).await?;
        let chunks = copy::chunks(&mut tx, found.id).await?;
        delete_data(&mut tx, workspace_id).await?;
        if let Session::Sqlite(c) = tx.session() {
            // A collection's parent may have a higher id than the collection: check
            // references once every row is back (and back to checking each statement after).
            c.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        }
        let mut loaded = Ok(());
        // Each table's chunks are consecutive.
        for table in chunks.chunk_by(|a, b| a.table == b.table) {
            loaded = copy::load(&mut tx, found.id, table).await;
            if loaded.is_err() {
                break;
            }
        }
        if let Session::Sqlite(c) = tx.session() {
            // The rest of the batch checks its references as usual.
            c.execute_batch("PRAGMA defer_foreign_keys = OFF")?;
        }
        loaded?;
        tx.commit().await?;
        Ok(found.into())
    }

    /// `DELETE /_switchboard/snapshots/{name}`.
    pub async fn delete_snapshot(&self, workspace_id: i64, name: &str) -> StoreResult<()> {
        let mut tx = self.begin_single().await?;
        let delete = Snapshots::delete()
            .where_eq(Snapshots::WorkspaceId, workspace_id)
            .where_eq(Snapshots::Name, name)
            .take();
        if tx.execute(&delete).await? == 0 {
            return Err(snapshot::not_found(name).into());
        }
        tx.commit().await
    }
}
