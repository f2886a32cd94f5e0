//! Conversations. Reads (`reads`) build the conversation object; every write (`writes`,
//! `participants`, `tags`, `redact`, `assignment_rules`) adds a part (`parts`) and moves the
//! conversation's state and statistics in one transaction.
//!
//! Snoozes end without a timer: the stored state stays `snoozed` and every read derives the
//! state at that moment (`State::effective`, and the same CASE in search), so any number of
//! server processes agree. The next write stores the derived state.

pub mod assignment_rules;
pub mod handling;
pub mod hooks;
pub mod lifecycle;
pub mod part_reads;
pub mod participants;
pub mod parts;
pub mod reads;
pub mod redact;
pub mod tags;
pub mod writes;

use crate::domain::error::Missing;
use crate::store::admins::{self, teams};
use crate::store::{Exec, StoreError, StoreResult};

/// Whether `q` (a select of one integer column) finds a row.
pub(crate) async fn exists(db: &mut impl Exec, q: &sea_query::SelectStatement) -> StoreResult<bool> {
    let found: Option<(i64,)> = db.fetch_optional(q).await?;
    Ok(found.is_some())
}

/// The admin acting, or "Admin not found".
pub(crate) async fn check_admin(db: &mut impl Exec, workspace_id: i64, admin_id: i64) -> StoreResult<()> {
    match admins::get(db, workspace_id, admin_id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound(_)) => Err(Missing::Admin.into()),
        Err(other) => Err(other),
    }
}

/// The team assigned, or "Team not found".
pub(crate) async fn check_team(db: &mut impl Exec, workspace_id: i64, team_id: i64) -> StoreResult<()> {
    match teams::get(db, workspace_id, team_id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound(_)) => Err(Missing::Team.into()),
        Err(other) => Err(other),
    }
}
