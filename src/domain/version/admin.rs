//! `admin` (also `/me`'s admin with its app).

use serde_json::{Value, json};

use super::{Rule, Shape, Version};

pub const ADMIN: &Shape = &[
    Rule::Since(Version::V2_8, &["team_priority_level"]),
    Rule::Since(Version::V2_14, &["away_status_reason_id"]),
    Rule::Since(Version::V2_16, &["role"]),
    Rule::Retype("avatar", avatar),
];

/// `GET /me`'s admin with its `app`: its avatar is `{type: "avatar", image_url}` in every version.
pub const ADMIN_WITH_APP: &Shape = &[
    Rule::Since(Version::V2_8, &["team_priority_level"]),
    Rule::Since(Version::V2_14, &["away_status_reason_id"]),
    Rule::Since(Version::V2_16, &["role"]),
    Rule::Retype("avatar", avatar_object),
];

/// An avatar's URL, whichever form it has.
fn url(avatar: &mut Value) -> Value {
    match avatar {
        Value::String(url) => Value::String(std::mem::take(url)),
        Value::Object(object) => object.shift_remove("image_url").unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// 2.11 describes `admin.avatar` as `{type: "avatar", image_url}` with a URL; every other
/// version as the URL. An admin without one has `null`.
fn avatar(version: Version, avatar: &mut Value) {
    *avatar = match url(avatar) {
        Value::String(url) if version == Version::V2_11 => json!({"type": "avatar", "image_url": url}),
        url => url,
    };
}

fn avatar_object(_: Version, avatar: &mut Value) {
    *avatar = json!({"type": "avatar", "image_url": url(avatar)});
}
