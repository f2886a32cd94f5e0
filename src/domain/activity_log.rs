use serde::Serialize;
use serde_json::Value;

use super::pages::listed;
use super::str_enum::str_enum;

str_enum! {
    /// The activity types Switchboard records (a subset of the description's enum).
    pub enum ActivityType {
        AdminAwayModeChange => "admin_away_mode_change",
        AdminProvisioned => "admin_provisioned",
        AppPackageTokenRegeneration => "app_package_token_regeneration",
    }
}

/// An activity to record, written in the same transaction as the change it describes.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub admin_id: i64,
    pub activity_type: ActivityType,
    pub description: String,
    pub metadata: Value,
}

/// Where a page of the log starts: strictly older than this entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogPosition {
    pub created_at: i64,
    pub seq: i64,
}

/// `GET /admins/activity_logs`: entries created in a range, newest first, from a position.
#[derive(Debug, Clone)]
pub struct LogQuery {
    pub created_at_after: i64,
    pub created_at_before: Option<i64>,
    pub after: Option<LogPosition>,
    pub limit: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityLog {
    pub id: String,
    pub performed_by: PerformedBy,
    pub metadata: Value,
    pub created_at: i64,
    pub activity_type: String,
    pub activity_description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PerformedBy {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub email: String,
    /// Left out when unknown: the description's `ip` is a string, never null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

listed!(ActivityLog: "activity_log.list", "activity_logs");
