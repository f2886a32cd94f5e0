//! Snapshots of a workspace's data (`/_switchboard/snapshots`).

use crate::store::backend::rows::table;

table! {
    /// `snapshots`: a named copy of a workspace's data; `counts` is a JSON object of rows per table.
    pub(crate) Snapshots => SnapshotRow {
        Id: i64,
        WorkspaceId: i64,
        Name: String,
        CreatedAt: i64,
        Counts: String,
    }
}

table! {
    /// `snapshot_tables`: one table's rows in a snapshot, as JSON (see `store::controls::copy`),
    /// and the columns they were read with.
    pub(crate) SnapshotTables => SnapshotTableRow {
        SnapshotId: i64,
        Position: i64,
        TableName: String,
        Columns: String,
        RowCount: i64,
        Data: String,
    }
}
