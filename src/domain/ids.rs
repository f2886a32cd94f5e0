//! Intercom's id formats. Admins, conversations, tags and most other objects have numeric
//! ids that travel as strings; contacts and companies have 24-hex ids (see `hex_id`).

use rand::Rng;
use serde::{Serialize, Serializer};

/// Serializes a numeric database id the way Intercom shows it: as a JSON string.
pub fn as_string<S: Serializer>(id: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(id)
}

/// An id as a response shows it: numeric ids as strings, an absent one as `null`.
pub trait ShownId {
    fn show<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

impl ShownId for String {
    fn show<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

impl ShownId for i64 {
    fn show<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        as_string(self, serializer)
    }
}

impl<T: ShownId> ShownId for Option<T> {
    fn show<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(id) => id.show(serializer),
            None => serializer.serialize_none(),
        }
    }
}

/// `serialize_with` for any [`ShownId`], e.g. an optional numeric id.
pub fn shown<I: ShownId, S: Serializer>(id: &I, serializer: S) -> Result<S::Ok, S::Error> {
    id.show(serializer)
}

/// `{"type": "admin", "id": "7"}`: how one object names another. The id is a 24-hex
/// `String`, a numeric `i64`, or an `Option<i64>` where the reference may name nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(bound(serialize = "I: ShownId, K: Serialize"))]
pub struct TypedRef<I = String, K = &'static str> {
    #[serde(rename = "type")]
    pub kind: K,
    #[serde(serialize_with = "shown")]
    pub id: I,
}

pub fn as_strings<S: Serializer>(ids: &[i64], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(ids.iter().map(|id| id.to_string()))
}

/// Parses a numeric id from a path or body; anything else names no object.
pub fn parse_numeric(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().filter(|id| *id > 0)
}

/// A new 24-hex id: 4 bytes of creation time then 8 random bytes, like the
/// ObjectIds Intercom hands out, so ids sort roughly by creation.
pub fn hex_id(now: i64) -> String {
    let random: [u8; 8] = rand::rng().random();
    format!("{:08x}{}", now as u32, hex::encode(random))
}

/// A random token of `bytes` bytes, hex-encoded.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    hex::encode(buf)
}

#[cfg(test)]
mod tests {
    use super::TypedRef;
    use serde_json::json;

    #[test]
    fn references_show_numeric_ids_as_strings() {
        let admin = TypedRef { kind: "admin", id: 7_i64 };
        assert_eq!(serde_json::to_value(admin).unwrap(), json!({"type": "admin", "id": "7"}));
        let contact: TypedRef = TypedRef { kind: "contact", id: "5f0a".into() };
        assert_eq!(serde_json::to_value(contact).unwrap(), json!({"type": "contact", "id": "5f0a"}));
        let nobody = TypedRef { kind: "nobody_admin", id: None::<i64> };
        assert_eq!(serde_json::to_value(nobody).unwrap(), json!({"type": "nobody_admin", "id": null}));
    }
}
