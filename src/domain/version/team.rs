//! `team`.

use super::{Rule, Shape, Version};

pub const TEAM: &Shape = &[
    Rule::Since(Version::V2_8, &["admin_priority_level"]),
    Rule::Since(Version::V2_14, &["assignment_limit", "distribution_method"]),
];
