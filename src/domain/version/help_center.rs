//! `help_center` and `collection`.

use super::{Rule, Shape, Version};

pub const HELP_CENTER: &Shape = &[Rule::Since(Version::V2_16, &["default", "locales"])];

pub const COLLECTION: &Shape = &[Rule::Since(Version::V2_10, &["parent_id"])];
