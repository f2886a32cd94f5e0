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
    let as_object = version == Version::V2_11;
    match avatar {
        Value::String(url) if as_object => *avatar = json!({"type": "avatar", "image_url": url}),
        Value::Object(object) if !as_object => {
            *avatar = object.get("image_url").cloned().unwrap_or(Value::Null);
        }
        _ => {}
    }
}
