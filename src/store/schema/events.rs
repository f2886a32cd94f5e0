//! Data events and their summaries.

use crate::store::backend::rows::table;

table! {
    /// `events`: one per (workspace, contact, name, time); `metadata` is a JSON object.
    pub(crate) Events => EventRow {
        Id: i64,
        WorkspaceId: i64,
        ContactId: i64,
        EventName: String,
        CreatedAt: i64,
        Metadata: Option<String>,
    }
}

table! {
    /// `event_summaries`: a summary imported through `POST /events/summaries`.
    pub(crate) EventSummaries => EventSummaryRow {
        WorkspaceId: i64,
        ContactId: i64,
        EventName: String,
        Count: i64,
        FirstAt: i64,
        LastAt: i64,
    }
}
