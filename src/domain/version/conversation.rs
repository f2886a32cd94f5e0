//! `conversation` (whole or as a list item) and what it holds: `source` and its author,
//! `statistics`, `conversation_rating`, `ai_agent`, `company`, and `conversation_parts` with
//! their authors.

use serde_json::Value;

use super::{Rule, Shape, Version, company};

pub const CONVERSATION: &Shape = &[
    Rule::Since(Version::V2_10, &["linked_objects"]),
    // 2.12 and 2.13 omit `custom_attributes`, which 2.11 and 2.14 on have: a gap in those two
    // descriptions, not a removal, so it stays.
    Rule::Since(Version::V2_11, &["custom_attributes", "ai_agent", "ai_agent_participated"]),
    Rule::Since(Version::V2_15, &["company"]),
    Rule::Since(
        Version::V2_16,
        &[
            "sales_agent",
            "sales_agent_participated",
            "channel",
            "external_references",
            "monitor_evaluations",
            "scorecards",
        ],
    ),
    Rule::Retype("priority", priority),
    Rule::Retype("admin_assignee_id", assignee_id),
    Rule::Retype("team_assignee_id", assignee_id),
    Rule::Nested("source", SOURCE),
    Rule::Nested("statistics", STATISTICS),
    Rule::Nested("conversation_rating", RATING),
    Rule::Nested("ai_agent", AI_AGENT),
    Rule::Nested("conversation_parts", PARTS),
    Rule::Nested("company", company::COMPANY),
];

const SOURCE: &Shape = &[
    Rule::Since(Version::V2_16, &["recipients", "reply_to", "email_message_metadata"]),
    Rule::Nested("author", SOURCE_AUTHOR),
];

/// A conversation_part_author up to 2.15; 2.16's conversation_source_author has no AI flags.
const SOURCE_AUTHOR: &Shape = &[
    Rule::Since(Version::V2_14, &["from_ai_agent", "is_ai_answer"]),
    Rule::Until(Version::V2_16, &["from_ai_agent", "is_ai_answer"]),
];

const STATISTICS: &Shape = &[
    Rule::Since(Version::V2_12, &["assigned_team_first_response_time"]),
    Rule::Since(
        Version::V2_13,
        &["assigned_team_first_response_time_in_office_hours", "handling_time", "adjusted_handling_time"],
    ),
];

const RATING: &Shape = &[Rule::Since(Version::V2_14, &["updated_at"])];

const AI_AGENT: &Shape = &[Rule::Since(Version::V2_14, &["created_at", "updated_at"])];

/// `{type: "conversation_part.list", conversation_parts: [...], total_count}`.
const PARTS: &Shape = &[Rule::Nested("conversation_parts", PART)];

pub const PART: &Shape = &[
    Rule::Since(
        Version::V2_13,
        &["email_message_metadata", "state", "tags", "event_details", "app_package_code"],
    ),
    Rule::Since(Version::V2_14, &["metadata"]),
    Rule::Nested("author", PART_AUTHOR),
];

const PART_AUTHOR: &Shape = &[Rule::Since(Version::V2_14, &["from_ai_agent", "is_ai_answer"])];

/// Up to 2.15 a conversation is `priority` or `not_priority`; 2.16 has levels (`none` … `urgent`).
fn priority(version: Version, priority: &mut Value) {
    let Some(current) = priority.as_str() else { return };
    let rewritten = if version >= Version::V2_16 {
        match current {
            // The descriptions give no mapping from the old flag: a priority one reads as high.
            "priority" => "high",
            "not_priority" => "none",
            _ => return,
        }
    } else {
        match current {
            "priority" | "not_priority" => return,
            "none" => "not_priority",
            _ => "priority",
        }
    };
    *priority = Value::from(rewritten);
}

/// Up to 2.15 an unassigned conversation's assignee is `null`; 2.16 says `0`.
fn assignee_id(version: Version, id: &mut Value) {
    match id {
        Value::Null if version >= Version::V2_16 => *id = Value::from(0),
        Value::Number(n) if version < Version::V2_16 && n.as_i64() == Some(0) => *id = Value::Null,
        _ => {}
    }
}
