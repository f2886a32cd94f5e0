//! Away status reasons: why an admin is away (`GET /away_status_reasons`, and the
//! `away_status_reason_id` of `PUT /admins/{id}/away`). They are workspace settings: every
//! workspace has the defaults below, and an operator adds more with the CLI.

use serde::Serialize;

use super::error::{ErrorCode, Rejection};
use super::ids;

#[derive(Debug, Clone, Serialize)]
pub struct AwayStatusReason {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub label: String,
    pub emoji: String,
    pub order: i64,
    pub deleted: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The reasons a workspace starts with, in their order: (emoji, label).
pub const DEFAULTS: [(&str, &str); 6] = [
    ("☕", "On a break"),
    ("🍔", "At lunch"),
    ("📅", "In a meeting"),
    ("🏠", "Done for the day"),
    ("🌴", "On vacation"),
    ("🤒", "Out sick"),
];

/// Why a reason cannot be chosen for away mode.
pub fn unusable(reason: Option<&AwayStatusReason>) -> Option<Rejection> {
    let field = "away_status_reason_id";
    match reason {
        None => Some(Rejection::invalid(field, "Away status reason not found")),
        Some(r) if r.deleted => Some(Rejection::invalid(field, "Away status reason is deleted")),
        Some(_) => None,
    }
}

/// Going away without a reason where the workspace requires one.
pub fn mandatory() -> Rejection {
    Rejection::new(ErrorCode::AwayStatusReasonMandatory, "Away status reason is mandatory")
        .with_field("away_status_reason_id")
}

/// A label an operator gives a new reason.
pub fn check_label(label: &str) -> Result<String, Rejection> {
    let label = label.trim();
    if label.is_empty() {
        return Err(Rejection::invalid("label", "label must not be empty"));
    }
    Ok(label.to_owned())
}
