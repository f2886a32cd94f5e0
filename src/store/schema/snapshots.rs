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
