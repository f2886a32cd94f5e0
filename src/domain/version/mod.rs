//! The `Intercom-Version` header, and how a response takes the shape of the version asked for.
//!
//! The response types serialize the newest shape (2.16). [`shape`] rewrites that JSON for an
//! older version: it dispatches each object by its `"type"` to its resource's [`Shape`], one
//! file per resource in this folder, each listing that resource's differences as [`Rule`]s.
//! Versions 1.0 to 2.6 have no published description: they get 2.7's shape.

mod activity_log;
mod admin;
mod article;
mod company;
mod contact;
mod conversation;
mod data_attribute;
mod help_center;
mod note;
mod team;
mod ticket;

use std::cell::Cell;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

pub use contact::contact_owner_id;

macro_rules! versions {
    ($($variant:ident => $spelling:literal),* $(,)?) => {
        /// A version Intercom accepts, in release order (so `V2_7 < V2_16 < Preview`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Version {
            $($variant),*
        }

        impl Version {
            const ALL: &[(Version, &str)] = &[$((Version::$variant, $spelling)),*];
        }
    };
}

versions! {
    V1_0 => "1.0", V1_1 => "1.1", V1_2 => "1.2", V1_3 => "1.3", V1_4 => "1.4",
    V2_0 => "2.0", V2_1 => "2.1", V2_2 => "2.2", V2_3 => "2.3", V2_4 => "2.4", V2_5 => "2.5", V2_6 => "2.6",
    V2_7 => "2.7", V2_8 => "2.8", V2_9 => "2.9", V2_10 => "2.10", V2_11 => "2.11", V2_12 => "2.12",
    V2_13 => "2.13", V2_14 => "2.14", V2_15 => "2.15", V2_16 => "2.16",
    Preview => "Preview",
}

impl Version {
    /// What a workspace answers a request without the header, unless its operator chose otherwise.
    pub const DEFAULT: Version = Version::V2_11;
    /// The oldest version with a published description: older ones are shaped as this one.
    const OLDEST_DESCRIBED: Version = Version::V2_7;

    /// A requested version (any case; `Unstable` is Preview's old name), or `None` if Intercom
    /// has no such version.
    pub fn parse(raw: &str) -> Option<Version> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("Unstable") {
            return Some(Version::Preview);
        }
        Version::ALL
            .iter()
            .find(|(_, spelling)| spelling.eq_ignore_ascii_case(raw))
            .map(|(version, _)| *version)
    }

    /// The canonical spelling, as the descriptions write it.
    pub fn as_str(self) -> &'static str {
        Version::ALL.iter().find(|(version, _)| *version == self).map_or("", |(_, spelling)| spelling)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Version {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        Version::parse(raw)
            .ok_or_else(|| format!("'{raw}' is not an Intercom API version (1.0 to 2.16, or Preview)"))
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One difference between a resource's newest shape and an older version's.
pub enum Rule {
    /// Fields a version's description adds: absent before it.
    Since(Version, &'static [&'static str]),
    /// Fields a version's description drops: absent from it on.
    Until(Version, &'static [&'static str]),
    /// A field whose type or values differ by version, rewritten to the form the version has.
    /// Each rewrite accepts every form, so it holds whatever the Rust type serializes.
    Retype(&'static str, fn(Version, &mut Value)),
    /// A field holding another object (or an array of them) with differences of its own.
    Nested(&'static str, &'static Shape),
    /// Every value of the object is an object of that shape (translations keyed by locale).
    EachValue(&'static Shape),
    /// Whether the object can appear in a list at a version (its values must be in the
    /// version's enums); one that cannot is left out of the list.
    Listed(fn(Version, &Map<String, Value>) -> bool),
}

/// A resource's differences across versions.
pub type Shape = [Rule];

/// The shape of each top-level object `type` that differs across versions. Objects of other
/// types (lists, pages, search results) are walked for the objects they hold.
fn shape_of(object: &Map<String, Value>) -> Option<&'static Shape> {
    let kind = object.get("type").and_then(Value::as_str)?;
    Some(match kind {
        "activity_log" => activity_log::ACTIVITY_LOG,
        "admin" if object.contains_key("app") => admin::ADMIN_WITH_APP,
        "admin" => admin::ADMIN,
        "article" => article::ARTICLE,
        "help_center" => help_center::HELP_CENTER,
        "company" => company::COMPANY,
        "contact" => contact::CONTACT,
        "conversation" => conversation::CONVERSATION,
        "conversation_part" => conversation::PART,
        "data_attribute" => data_attribute::DATA_ATTRIBUTE,
        "note" => note::NOTE,
        "team" => team::TEAM,
        "ticket" => ticket::TICKET,
        "ticket_type" => ticket::TICKET_TYPE,
        "ticket_part" => ticket::PART,
        _ => return None,
    })
}

/// A response type whose serialization follows the version [`to_vec_shaped`] writes for, as
/// [`shape`] would rewrite it: its `Since` fields skipped by [`writing_before`], its `Retype`s
/// written in the version's type (`version::tests` holds the two ways byte-equal in every
/// version).
pub trait ShapesItself: Serialize {}

thread_local! {
    /// The version [`to_vec_shaped`] is writing for, read by the types that shape themselves.
    static SHAPING: Cell<Option<Version>> = const { Cell::new(None) };
}

/// `body` as JSON bytes in `version`'s shape, written directly: the same bytes as serializing
/// it to a `Value`, [`shape`]-ing that and writing it, without the tree of allocations between
/// (40% of the CPU of a page of 50 contacts). Only for types that shape themselves.
pub fn to_vec_shaped<T: ShapesItself>(version: Version, body: &T) -> serde_json::Result<Vec<u8>> {
    let previous = SHAPING.replace(Some(version.max(Version::OLDEST_DESCRIBED)));
    let written = serde_json::to_vec(body);
    SHAPING.set(previous);
    written
}

/// The version being written by [`to_vec_shaped`]; `None` outside it (the newest shape, which
/// [`shape`] rewrites afterwards).
fn shaping() -> Option<Version> {
    SHAPING.get()
}

/// Whether [`to_vec_shaped`] is writing for a version older than `since`: for the
/// `skip_serializing_if` of a field a `Since` rule names.
pub fn writing_before(since: Version) -> bool {
    shaping().is_some_and(|version| version < since)
}

/// Rewrites a response body, serialized in the newest shape, into `version`'s shape.
pub fn shape(version: Version, body: &mut Value) {
    walk(version.max(Version::OLDEST_DESCRIBED), body);
}

/// Shapes an object by its type, or, for a list or other wrapper, the objects it holds.
fn walk(version: Version, value: &mut Value) {
    match value {
        Value::Object(object) => match shape_of(object) {
            Some(shape) => apply(version, shape, object),
            None => object.values_mut().for_each(|child| walk(version, child)),
        },
        Value::Array(items) => {
            items.retain(|item| listed_by_type(version, item));
            items.iter_mut().for_each(|item| walk(version, item));
        }
        _ => {}
    }
}

fn listed_by_type(version: Version, item: &Value) -> bool {
    match item.as_object() {
        Some(object) => match shape_of(object) {
            Some(shape) => listed(version, shape, object),
            None => true,
        },
        None => true,
    }
}

fn listed(version: Version, shape: &Shape, object: &Map<String, Value>) -> bool {
    shape.iter().all(|rule| match rule {
        Rule::Listed(keep) => keep(version, object),
        _ => true,
    })
}

fn apply(version: Version, shape: &Shape, object: &mut Map<String, Value>) {
    for rule in shape {
        match rule {
            Rule::Since(added, fields) if version < *added => remove(object, fields),
            Rule::Until(dropped, fields) if version >= *dropped => remove(object, fields),
            Rule::Retype(field, rewrite) => {
                if let Some(value) = object.get_mut(*field) {
                    rewrite(version, value);
                }
            }
            Rule::Nested(field, inner) => {
                if let Some(value) = object.get_mut(*field) {
                    apply_nested(version, inner, value);
                }
            }
            Rule::EachValue(inner) => {
                object.values_mut().for_each(|value| apply_nested(version, inner, value));
            }
            Rule::Since(..) | Rule::Until(..) | Rule::Listed(_) => {}
        }
    }
}

/// Removes fields, keeping the others in their order (serde_json's `preserve_order`: answers
/// keep the order of their types' fields, as Intercom's do).
fn remove(object: &mut Map<String, Value>, fields: &[&str]) {
    for field in fields {
        object.shift_remove(*field);
    }
}

/// Applies a shape to a nested object, or to each object of a nested array.
fn apply_nested(version: Version, shape: &Shape, value: &mut Value) {
    match value {
        Value::Object(object) => apply(version, shape, object),
        Value::Array(items) => {
            items.retain(|item| item.as_object().is_none_or(|object| listed(version, shape, object)));
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                apply(version, shape, item);
            }
        }
        _ => {}
    }
}

/// An id that is an integer up to a version and a string from it on (`contact.owner_id` in 2.16).
fn id_string_from(since: Version, version: Version, id: &mut Value) {
    match id {
        Value::Number(n) if version >= since => *id = Value::String(n.to_string()),
        Value::String(s) if version < since => {
            if let Ok(n) = s.parse::<i64>() {
                *id = Value::from(n);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
