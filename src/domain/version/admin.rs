//! `admin` (also `/me`'s admin with its app).

use serde_json::{Value, json};

use super::{Rule, Shape, Version};

pub const ADMIN: &Shape = &[
    Rule::Since(Version::V2_8, &["team_priority_level"]),
    Rule::Since(Version::V2_14, &["away_status_reason_id"]),
    Rule::Since(Version::V2_16, &["role"]),
    Rule::Retype("avatar", avatar),
];

/// 2.11 describes `avatar` as `{type: "avatar", image_url}`; every other version as the URL.
fn avatar(version: Version, avatar: &mut Value) {
    match avatar {
        Value::String(url) if version == Version::V2_11 => {
            *avatar = json!({"type": "avatar", "image_url": std::mem::take(url)});
        }
        Value::Object(object) if version != Version::V2_11 => {
            *avatar = object.shift_remove("image_url").unwrap_or(Value::Null);
        }
        _ => {}
    }
}
