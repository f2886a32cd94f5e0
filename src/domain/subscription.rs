//! Subscription types (made by an operator with the CLI) and contacts' choices about them.

use serde::Serialize;

use super::error::Rejection;
use super::ids;
use super::str_enum::str_enum;

/// What `switchboard subscription-type create` makes, already checked.
#[derive(Debug, Clone)]
pub struct NewSubscriptionType {
    pub name: String,
    pub description: String,
    pub locale: String,
    pub state: String,
    pub consent_type: ConsentType,
    pub content_types: Vec<String>,
}

/// A contact's choice must use the type's own consent type.
pub fn consent_mismatch(expected: ConsentType) -> Rejection {
    Rejection::invalid(
        "consent_type",
        format!("consent_type must be {} for this subscription type", expected.as_str()),
    )
}

str_enum! {
    pub enum ConsentType {
        OptIn => "opt_in",
        OptOut => "opt_out",
    }
}

/// `live`, `draft` or `archived`.
pub const STATES: [&str; 3] = ["live", "draft", "archived"];
/// What a subscription type can cover.
pub const CONTENT_TYPES: [&str; 2] = ["email", "sms_message"];

/// The `subscription` object (a subscription type).
#[derive(Debug, Clone, Serialize)]
pub struct SubscriptionType {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub state: String,
    pub consent_type: ConsentType,
    pub default_translation: Translation,
    pub translations: Vec<Translation>,
    pub content_types: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Translation {
    pub name: String,
    pub description: String,
    pub locale: String,
}
