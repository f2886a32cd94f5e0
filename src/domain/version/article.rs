//! `article` (and its list item), its `statistics` and its `translated_content`.

use super::{Rule, Shape, Version};

/// The 2.16 fields an article and each of its translations gain.
const AUTHORING_2_16: &[&str] = &[
    "body_markdown",
    "has_unpublished_changes",
    "draft_updated_at",
    "ai_chatbot_availability",
    "ai_copilot_availability",
    "ai_sales_agent_availability",
    "created_by_id",
    "updated_by_id",
];

pub const ARTICLE: &Shape = &[
    Rule::Since(Version::V2_13, &["tags"]),
    Rule::Since(Version::V2_16, AUTHORING_2_16),
    Rule::Since(
        Version::V2_16,
        &[
            "exclude_from_article_suggestions",
            "help_center_audience",
            "scheduled_publish_at",
            "scheduled_unpublish_at",
            "audience_ids",
        ],
    ),
    // 2.16 names the parents in `parent_ids` only.
    Rule::Until(Version::V2_16, &["parent_id", "parent_type"]),
    Rule::Nested("statistics", STATISTICS),
    Rule::Nested("translated_content", TRANSLATED_CONTENT),
];

const STATISTICS: &Shape =
    &[Rule::Since(Version::V2_16, &["fin_involvements", "fin_resolutions", "fin_resolution_rate"])];

/// `{type: "article_translated_content", en: {…article_content}, fr: …}`.
const TRANSLATED_CONTENT: &Shape = &[Rule::EachValue(CONTENT)];

const CONTENT: &Shape =
    &[Rule::Since(Version::V2_16, AUTHORING_2_16), Rule::Since(Version::V2_16, &["audience_ids"])];
