//! Content data export jobs.

use crate::store::backend::rows::table;

table! {
    /// `content_exports`: a job of `/export/content/data`; the finished file is in `file`,
    /// read only by the download (it is left out of the row).
    pub(crate) ContentExports => ContentExportRow {
        Id: i64,
        WorkspaceId: i64,
        JobIdentifier: String,
        Status: String,
        CreatedAtAfter: i64,
        CreatedAtBefore: i64,
        CreatedAt: i64,
        UpdatedAt: i64,
        LeaseUntil: Option<i64>,
        Attempts: i64,
        RowCount: Option<i64>,
        CompletedAt: Option<i64>,
        DownloadExpiresAt: Option<i64>;
        File,
    }
}
