//! Segments: saved contact or company searches. An operator makes them with the CLI
//! (`switchboard segment create`); membership is always computed by the search compiler from
//! the saved query.

use serde::Serialize;
use serde_json::Value as Json;

use super::contact::Role;
use super::pages::listed;
use super::search::{self, Literal};
use super::str_enum::str_enum;

str_enum! {
    /// Who a segment is about: `user`s, or leads (`contact` in Intercom's terms, `lead` accepted).
    pub enum PersonType {
        User => "user",
        Contact => "contact" | "lead",
    }
}

impl PersonType {
    pub fn role(self) -> Role {
        match self {
            PersonType::User => Role::User,
            PersonType::Contact => Role::Lead,
        }
    }
}

str_enum! {
    /// What a segment's query selects. Company segments are queries over the company fields
    /// (`GET /companies/{id}/segments`, `GET /companies?segment_id=`); they show `person_type`
    /// `user`, the people a company is made of.
    pub enum SegmentModel {
        Contact => "contact",
        Company => "company",
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub person_type: PersonType,
    /// Only with `include_count=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

listed!(Segment: "segment.list", "segments");

/// True if a filter of the saved `query` is on `field` (and, with `value`, compares it with
/// that value, alone or in a list): what makes a tag or an attribute a segment's dependency.
/// A query was checked when it was saved; one that does not parse references nothing.
pub fn references(query: &Json, field: &str, value: Option<&str>) -> bool {
    let Ok(query) = search::parse(query) else { return false };
    let same = |want: &str, v: &Literal| match v {
        Literal::String(s) => s == want,
        Literal::Number(n) => n.to_string() == want,
        _ => false,
    };
    query.any_filter(&mut |f| {
        f.field == field
            && value.is_none_or(|want| match &f.value {
                Literal::List(items) => items.iter().any(|v| same(want, v)),
                v => same(want, v),
            })
    })
}

/// A segment as saved: its query is the search language's JSON, checked when it was saved.
#[derive(Debug, Clone)]
pub struct SavedSegment {
    pub public_id: String,
    pub name: String,
    pub person_type: PersonType,
    pub model: SegmentModel,
    pub query: Json,
    pub created_at: i64,
    pub updated_at: i64,
}

impl SavedSegment {
    pub fn object(&self, count: Option<i64>) -> Segment {
        Segment {
            kind: "segment",
            id: self.public_id.clone(),
            name: self.name.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            person_type: self.person_type,
            count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::references;
    use serde_json::json;

    #[test]
    fn finds_fields_and_values_at_any_depth() {
        let q = json!({"operator": "AND", "value": [
            {"field": "email", "operator": "~", "value": "x"},
            {"operator": "OR", "value": [
                {"field": "tag_id", "operator": "=", "value": 7},
                {"field": "custom_attributes.plan", "operator": "IN", "value": ["a", "b"]}]}]});
        assert!(references(&q, "tag_id", Some("7")));
        assert!(!references(&q, "tag_id", Some("8")));
        assert!(references(&q, "custom_attributes.plan", None));
        assert!(references(&q, "custom_attributes.plan", Some("b")));
        assert!(!references(&q, "name", None));
    }
}
