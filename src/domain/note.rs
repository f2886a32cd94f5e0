//! Notes: what admins write about a contact or a company.

use serde::Serialize;

use super::admin::Admin;
use super::ids::{self, TypedRef};
use super::pages::listed;

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(serialize_with = "ids::as_string")]
    pub id: i64,
    pub created_at: i64,
    /// The contact the note is about, or null for a note about a company.
    pub contact: Option<NoteContact>,
    /// The company the note is about (2.16): a note is about a contact or a company, never both.
    pub company: Option<TypedRef>,
    pub author: Admin,
    pub body: String,
}

listed!(Note: "note.list", "notes");

/// The contact the note is about.
pub type NoteContact = TypedRef;

/// The stored body: text as Intercom shows it, one HTML paragraph; HTML is kept as sent.
pub fn body_html(body: &str) -> String {
    let body = body.trim();
    if body.starts_with('<') {
        return body.to_owned();
    }
    let escaped = body.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!("<p>{escaped}</p>")
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_becomes_a_paragraph() {
        assert_eq!(super::body_html("Hello"), "<p>Hello</p>");
        assert_eq!(super::body_html("a < b & c"), "<p>a &lt; b &amp; c</p>");
        assert_eq!(super::body_html("<p>Already</p>"), "<p>Already</p>");
    }
}
