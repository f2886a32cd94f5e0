//! `data_attribute`.

use serde_json::{Map, Value};

use super::{Rule, Shape, Version};

/// 2.7 to 2.15 list conversation attributes (`GET /data_attributes?model=conversation`), although
/// their `data_attribute.model` enum names only `contact` and `company`; 2.16 takes no such model
/// (it manages conversation attributes at `/conversations/attributes`): there they are left out.
pub const DATA_ATTRIBUTE: &Shape = &[Rule::Listed(model_listed)];

fn model_listed(version: Version, attribute: &Map<String, Value>) -> bool {
    version < Version::V2_16 || attribute.get("model").and_then(Value::as_str) != Some("conversation")
}
