use serde::Serialize;

use super::ids;
use super::pages::listed;

/// The `team` object: a group of admins, made by the operator with the CLI.
#[derive(Debug, Clone, Serialize)]
pub struct Team {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub name: String,
    pub admin_ids: Vec<i64>,
    /// Switchboard's teams do not balance load (2.14): no limit, no distribution method.
    pub assignment_limit: Option<i64>,
    pub distribution_method: Option<String>,
}

listed!(Team: "team.list", "teams");

/// `team_metric`: an admin's conversations right now.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TeamMetric {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub admin_id: i64,
    /// Open conversations assigned to the admin (idle ones included).
    pub open: i64,
    /// Open ones that have waited for an admin reply longer than the idle threshold.
    pub idle: i64,
    pub snoozed: i64,
}

/// `team_metric.list`: one metric per admin of the team, in the team's order.
#[derive(Debug, Clone, Serialize)]
pub struct TeamMetricList {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub data: Vec<TeamMetric>,
}

/// `idle_threshold` in seconds: clamped to 1..=86400 as documented; 1800 when absent.
pub fn idle_threshold(raw: Option<i64>) -> i64 {
    raw.unwrap_or(1800).clamp(1, 86_400)
}
