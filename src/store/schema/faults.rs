//! Faults injected for tests and development.

use crate::store::backend::rows::table;

table! {
    /// `faults`: what a matching request of the workspace gets instead of its answer.
    pub(crate) Faults => FaultRow {
        Id: i64,
        WorkspaceId: i64,
        Method: Option<String>,
        Path: Option<String>,
        Status: Option<i64>,
        ErrorCode: Option<String>,
        DelayMs: Option<i64>,
        Count: Option<i64>,
        /// Requests it still fails; `None`: every matching one.
        Remaining: Option<i64>,
        Probability: f64,
        DropConnection: bool,
        /// Requests it has failed (or delayed) so far.
        Applied: i64,
        CreatedAt: i64,
    }
}
