//! `activity_log` and its `metadata`.

use super::{Rule, Shape, Version};

pub const ACTIVITY_LOG: &Shape = &[Rule::Nested("metadata", METADATA)];

const METADATA: &Shape = &[
    Rule::Since(
        Version::V2_13,
        &[
            "previous_state",
            "new_state",
            "threshold_minutes",
            "last_activity_at",
            "auto",
            "setting_type",
            "changes",
        ],
    ),
    Rule::Since(
        Version::V2_14,
        &[
            "conversation_assignment_limit",
            "ticket_assignment_limit",
            "team",
            "team_assignment_limit",
            "enabled",
            "consent_id",
            "expired_at",
            "before",
            "after",
        ],
    ),
    Rule::Since(Version::V2_15, &["mode"]),
];
