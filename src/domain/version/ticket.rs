//! `ticket`, `ticket_type` and `ticket_part`. Up to 2.11 a ticket's state is its category
//! (a string) with the labels beside it; 2.12 made it an object, and ticket types list their
//! states. 2.16 types the assignee ids as integers.

use serde_json::Value;

use super::{Rule, Shape, Version};

pub const TICKET: &Shape = &[
    Rule::Since(Version::V2_10, &["category", "open", "snoozed_until", "linked_objects"]),
    Rule::Since(Version::V2_16, &["previous_ticket_state_id"]),
    Rule::Until(Version::V2_12, &["ticket_state_internal_label", "ticket_state_external_label"]),
    Rule::Retype("ticket_state", state),
    Rule::Retype("admin_assignee_id", assignee_id),
    Rule::Retype("team_assignee_id", assignee_id),
    Rule::Nested("ticket_type", TICKET_TYPE),
    Rule::Nested("ticket_parts", PARTS),
];

pub const TICKET_TYPE: &Shape =
    &[Rule::Since(Version::V2_10, &["category"]), Rule::Since(Version::V2_12, &["ticket_states"])];

const PARTS: &Shape = &[Rule::Nested("ticket_parts", PART)];

pub const PART: &Shape = &[Rule::Since(Version::V2_14, &["updated_attribute_data"])];

/// Up to 2.11 `ticket_state` is the state's category.
fn state(version: Version, state: &mut Value) {
    if version < Version::V2_12
        && let Some(category) = state.get("category").cloned()
    {
        *state = category;
    }
}

/// Up to 2.15 the assignee ids are strings (`"0"` for nobody); 2.16 has integers.
fn assignee_id(version: Version, id: &mut Value) {
    if version < Version::V2_16
        && let Value::Number(n) = id
    {
        *id = Value::String(n.to_string());
    }
}
