//! `data_attribute`.

use serde_json::{Map, Value};

use super::{Rule, Shape, Version};

/// No description's `data_attribute.model` enum has `conversation` (2.16 lists conversation
/// attributes at `/conversation_attributes` instead): such attributes are left out of lists.
pub const DATA_ATTRIBUTE: &Shape = &[Rule::Listed(model_described)];

fn model_described(_: Version, attribute: &Map<String, Value>) -> bool {
    attribute.get("model").and_then(Value::as_str) != Some("conversation")
}
