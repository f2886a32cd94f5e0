//! `help_center`.

use super::{Rule, Shape, Version};

pub const HELP_CENTER: &Shape = &[Rule::Since(Version::V2_16, &["default", "locales"])];
