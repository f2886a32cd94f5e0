//! `admin` (also `/me`'s admin with its app).

use serde_json::{Value, json};

use super::{Rule, Shape, Version};

pub const ADMIN: &Shape = &[
    Rule::Since(Version::V2_8, &["team_priority_level"]),
    Rule::Since(Version::V2_14, &["away_status_reason_id"]),
    Rule::Since(Version::V2_16, &["role"]),
    Rule::Retype("avatar", avatar),
];

/// 2.11 describes `avatar` as `{type: "avatar", image_url}` (its URL required); every other
/// version as the URL. An admin without one has `null` in every version.
fn avatar(version: Version, avatar: &mut Value) {
    let url = match avatar {
        Value::String(url) => Value::String(std::mem::take(url)),
        Value::Object(object) => object.shift_remove("image_url").unwrap_or(Value::Null),
        _ => Value::Null,
    };
    *avatar = match url {
        Value::String(url) if version == Version::V2_11 => json!({"type": "avatar", "image_url": url}),
        url => url,
    };
}
