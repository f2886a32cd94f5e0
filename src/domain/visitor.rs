//! Visitors: anonymous website visitors, kept apart from contacts until converted to a lead or
//! merged into a user. Intercom's come from its Messenger; Switchboard's from an operator
//! (`switchboard visitor create`, `POST /_switchboard/visitors`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::contact::Role;
use super::error::{OrMissing, Rejection};
use super::nullable;

type Checked<T> = Result<T, Rejection>;

/// `visitor`, as `GET /visitors` answers it.
#[derive(Debug, Clone, Serialize)]
pub struct Visitor {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub user_id: String,
    /// A visitor is anonymous until converted.
    pub anonymous: bool,
    /// Intercom answers `""` for a visitor without one.
    pub email: String,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub pseudonym: Option<String>,
    pub avatar: Avatar,
    pub app_id: String,
    pub companies: Named,
    pub location_data: Map<String, Json>,
    /// The description (and python-intercom's model) spell it `las_request_at`; an integer,
    /// never null, so it is left out until the visitor has made a request.
    #[serde(rename = "las_request_at", skip_serializing_if = "Option::is_none")]
    pub last_request_at: Option<i64>,
    pub created_at: i64,
    pub remote_created_at: i64,
    pub signed_up_at: i64,
    pub updated_at: i64,
    pub session_count: i64,
    pub social_profiles: Named,
    pub owner_id: Option<String>,
    pub unsubscribed_from_emails: bool,
    pub marked_email_as_spam: bool,
    pub has_hard_bounced: bool,
    pub tags: Named,
    pub segments: Named,
    pub custom_attributes: Map<String, Json>,
    pub referrer: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_content: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_source: Option<String>,
    pub utm_term: Option<String>,
    pub do_not_track: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Avatar {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub image_url: Option<String>,
}

/// A list a visitor shows by its name (`{"type": "tag.list", "tags": []}`). A visitor has no
/// companies, tags, segments or social profiles here: nothing in the API gives it any.
#[derive(Debug, Clone)]
pub struct Named {
    kind: &'static str,
    field: &'static str,
}

impl Serialize for Named {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", self.kind)?;
        map.serialize_entry(self.field, &[(); 0])?;
        map.end()
    }
}

impl Named {
    pub const COMPANIES: Named = Named { kind: "company.list", field: "companies" };
    pub const SOCIAL_PROFILES: Named = Named { kind: "social_profile.list", field: "social_profiles" };
    pub const TAGS: Named = Named { kind: "tag.list", field: "tags" };
    pub const SEGMENTS: Named = Named { kind: "segment.list", field: "segments" };
}

/// A visitor an operator makes (the Messenger's part).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewVisitor {
    /// Generated (a UUID) when absent.
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub referrer: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_content: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_source: Option<String>,
    pub utm_term: Option<String>,
    pub custom_attributes: Option<Map<String, Json>>,
}

impl NewVisitor {
    /// Trims every text; a blank one is absent.
    pub fn check(mut self) -> Checked<NewVisitor> {
        for value in [
            &mut self.user_id,
            &mut self.email,
            &mut self.phone,
            &mut self.name,
            &mut self.referrer,
            &mut self.utm_campaign,
            &mut self.utm_content,
            &mut self.utm_medium,
            &mut self.utm_source,
            &mut self.utm_term,
        ] {
            *value = clean(value.take());
        }
        if let Some(email) = &self.email
            && crate::domain::contact::clean_email(Some(email.clone())).is_err()
        {
            return Err(Rejection::invalid("email", format!("'{email}' is not an email address")));
        }
        Ok(self)
    }
}

fn clean(value: Option<String>) -> Option<String> {
    value.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// How a request names a visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitorKey {
    Id(String),
    UserId(String),
    Email(String),
}

/// `update_visitor_request`.
#[derive(Debug, Deserialize)]
pub struct UpdateBody {
    id: Option<String>,
    user_id: Option<String>,
    #[serde(default, deserialize_with = "nullable::present")]
    name: Option<Option<String>>,
    custom_attributes: Option<Map<String, Json>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VisitorChanges {
    /// The visitor is found by `id`, else by `user_id`; with both, they must name the same one.
    pub id: Option<String>,
    pub user_id: Option<String>,
    /// `Some(None)` clears it.
    pub name: Option<Option<String>>,
    /// Merged into the visitor's, checked against the contact data attributes.
    pub custom_attributes: Option<Map<String, Json>>,
}

impl UpdateBody {
    pub fn check(self) -> Checked<VisitorChanges> {
        let (id, user_id) = (clean(self.id), clean(self.user_id));
        if id.is_none() && user_id.is_none() {
            return Err(Rejection::missing("id"));
        }
        Ok(VisitorChanges {
            id,
            user_id,
            name: self.name.map(clean),
            custom_attributes: self.custom_attributes,
        })
    }
}

/// `convert_visitor_request`.
#[derive(Debug, Deserialize)]
pub struct ConvertBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    user: Option<Identifiers>,
    visitor: Option<Identifiers>,
}

#[derive(Debug, Deserialize)]
struct Identifiers {
    id: Option<String>,
    user_id: Option<String>,
    email: Option<String>,
}

/// Who the visitor becomes: an existing contact named by `id` or `user_id` (merged into), or
/// else a new contact of `role` with `user_id` as its external id and `email`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub role: Role,
    pub visitor: VisitorKey,
    pub contact_id: Option<String>,
    pub external_id: Option<String>,
    pub email: Option<String>,
}

impl ConvertBody {
    pub fn check(self) -> Checked<Conversion> {
        let role = match self.kind.as_deref().map(str::trim) {
            None => return Err(Rejection::missing("type")),
            Some("user") => Role::User,
            Some("lead") => Role::Lead,
            Some(other) => {
                return Err(Rejection::invalid("type", format!("type must be user or lead, not '{other}'")));
            }
        };
        let visitor = self.visitor.or_missing("visitor")?;
        let visitor = match (clean(visitor.id), clean(visitor.user_id), clean(visitor.email)) {
            (Some(id), _, _) => VisitorKey::Id(id),
            (None, Some(user_id), _) => VisitorKey::UserId(user_id),
            (None, None, Some(email)) => VisitorKey::Email(email),
            _ => return Err(Rejection::missing("visitor.id")),
        };
        let user = self.user.or_missing("user")?;
        let (contact_id, external_id, email) = (clean(user.id), clean(user.user_id), clean(user.email));
        // The description asks for `id` or `user_id`; its own example names the user by email.
        if contact_id.is_none() && external_id.is_none() && email.is_none() {
            return Err(Rejection::missing("user.id"));
        }
        Ok(Conversion { role, visitor, contact_id, external_id, email })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn conversions() {
        let read = |v: Json| serde_json::from_value::<ConvertBody>(v).unwrap().check();
        let c = read(json!({"type": "user", "visitor": {"user_id": "v1"}, "user": {"email": "a@b.io", "user_id": "u"}}))
            .unwrap();
        assert_eq!((c.role, c.visitor), (Role::User, VisitorKey::UserId("v1".into())));
        assert_eq!((c.external_id.as_deref(), c.email.as_deref()), (Some("u"), Some("a@b.io")));
        let c = read(json!({"type": "lead", "visitor": {"email": "v@b.io"}, "user": {"email": "a@b.io"}}))
            .unwrap();
        assert_eq!(c.role, Role::Lead);
        let err = read(json!({"type": "user", "visitor": {"id": "v"}, "user": {}})).unwrap_err();
        assert_eq!(err, Rejection::missing("user.id"));
        let err = read(json!({"type": "admin", "visitor": {"id": "v"}, "user": {"id": "a"}})).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("type"));
        let err = read(json!({"type": "lead", "visitor": {}, "user": {"id": "a"}})).unwrap_err();
        assert_eq!(err, Rejection::missing("visitor.id"));
    }

    #[test]
    fn updates_name_a_visitor() {
        let read = |v: Json| serde_json::from_value::<UpdateBody>(v).unwrap().check();
        let c = read(json!({"user_id": "v", "name": null})).unwrap();
        assert_eq!((c.user_id.as_deref(), c.name), (Some("v"), Some(None)));
        assert_eq!(read(json!({"name": "x"})).unwrap_err(), Rejection::missing("id"));
    }
}
