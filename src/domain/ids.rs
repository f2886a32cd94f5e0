//! Intercom's id formats. Admins, conversations, tags and most other objects have numeric
//! ids that travel as strings; contacts and companies have 24-hex ids (see `hex_id`).

use rand::Rng;
use serde::Serializer;

/// Serializes a numeric database id the way Intercom shows it: as a JSON string.
pub fn as_string<S: Serializer>(id: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(id)
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
