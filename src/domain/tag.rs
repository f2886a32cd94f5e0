//! Tags: labels on contacts (and companies), listed per workspace and per contact.

use serde::Serialize;

use super::error::{ErrorCode, Rejection};
use super::ids::{self, TypedRef};
use super::pages::listed;

/// Why a tag cannot be renamed or deleted as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagRejection {
    /// Another tag already has the name.
    NameTaken,
    /// Segments filter on the tag: their names.
    UsedBySegments(Vec<String>),
}

impl From<TagRejection> for Rejection {
    fn from(rejection: TagRejection) -> Self {
        match rejection {
            TagRejection::NameTaken => Rejection::invalid("name", "Another tag already has this name"),
            TagRejection::UsedBySegments(names) => Rejection::new(
                ErrorCode::TagHasDependentObjects,
                format!("Unable to delete Tag with dependent objects. Segments: {}.", names.join(", ")),
            ),
        }
    }
}

/// The `tag` object. `applied_at` / `applied_by` appear only where the tag is shown as
/// applied to something (a contact's tags, tagging a contact).
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_by: Option<AdminReference>,
}

impl Tag {
    pub fn new(id: i64, name: String) -> Tag {
        Tag { kind: "tag", id, name, applied_at: None, applied_by: None }
    }
}

/// `{"type": "admin", "id": "..."}`: who applied a tag.
pub type AdminReference = TypedRef<i64>;

impl AdminReference {
    /// The admin `id` (the only object Switchboard names by a bare numeric reference).
    pub fn new(id: i64) -> AdminReference {
        AdminReference { kind: "admin", id }
    }
}

listed!(Tag: "tag.list", "tags");

/// A tag name as stored: trimmed, and not empty.
pub fn clean_name(name: &str) -> Option<String> {
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}
