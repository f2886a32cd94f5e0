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
