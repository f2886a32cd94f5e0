//! `contact` (its nested `location`, `companies`, `notes`, `tags` and `social_profiles` are the
//! same in every version).

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::{Rule, Shape, Version, id_string_from, shaping};

pub const CONTACT: &Shape = &[
    // Described in 2.11; later schemas omit it but their examples and search fields keep it.
    Rule::Since(Version::V2_11, &["formatted_phone"]),
    // In the descriptions' examples from 2.12 on (their schemas never list it).
    Rule::Since(Version::V2_12, &["enabled_push_messaging"]),
    // `email_verified` is a 2.16 request field, answered back from 2.16 on.
    Rule::Since(Version::V2_16, &["merge_history", "email_verified"]),
    Rule::Retype("owner_id", owner_id),
];

fn owner_id(version: Version, id: &mut Value) {
    id_string_from(Version::V2_16, version, id);
}

/// `serialize_with` for `contact.owner_id`: a string when writing for 2.16 on, else a number.
pub fn contact_owner_id<S: Serializer>(id: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
    match (id, shaping()) {
        (Some(id), Some(version)) if version >= Version::V2_16 => serializer.collect_str(id),
        (id, _) => id.serialize(serializer),
    }
}
