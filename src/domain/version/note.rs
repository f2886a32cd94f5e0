//! `note`.

use super::{Rule, Shape, Version};

pub const NOTE: &Shape = &[Rule::Since(Version::V2_16, &["company"])];
