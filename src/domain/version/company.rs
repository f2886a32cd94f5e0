//! `company`.

use super::{Rule, Shape, Version};

pub const COMPANY: &Shape = &[Rule::Since(Version::V2_16, &["notes"])];
