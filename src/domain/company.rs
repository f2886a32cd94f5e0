//! Companies: the company object, what a write may change, and what its lists add to a list.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::data_attribute::{AttributeRejection, DataAttribute, check_custom_attributes};
use super::ids;
use super::pages::{NamedList, Paged, PagesLink};
use super::segment::Segment;
use super::tag::Tag;

/// "There is a limit of 10,000 Companies that can be returned" by the page-numbered lists.
pub const LIST_LIMIT: u64 = 10_000;
/// Companies per scroll page.
pub const SCROLL_PAGE: u64 = 100;
/// "If the scroll isn't used for 1 minute, it expires".
pub const SCROLL_TTL_SECS: i64 = 60;
/// "Contact has reached the maximum of 1000 company associations".
pub const MAX_COMPANIES_PER_CONTACT: i64 = 1000;
/// `monthly_spend` "has an upper limit of 2**31-1".
pub const MAX_MONTHLY_SPEND: i64 = 2_147_483_647;

#[derive(Debug, Clone, Serialize)]
pub struct Company {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub company_id: String,
    pub id: String,
    pub app_id: String,
    pub name: Option<String>,
    pub remote_created_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_request_at: Option<i64>,
    pub monthly_spend: i64,
    pub session_count: i64,
    pub user_count: i64,
    pub size: Option<i64>,
    pub website: Option<String>,
    pub industry: Option<String>,
    pub tags: NamedList<Tag>,
    /// The company segments the company is in.
    pub segments: NamedList<Segment>,
    pub plan: Plan,
    pub custom_attributes: Map<String, Json>,
}

/// `{}` for a company without a plan, as Intercom shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "plan_id")]
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

fn plan_id<S: serde::Serializer>(id: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => ids::as_string(id, serializer),
        None => serializer.serialize_none(),
    }
}

impl Plan {
    /// The plan called `name` (with the id the workspace's plan of that name has).
    pub fn new(id: Option<i64>, name: Option<String>) -> Plan {
        match name {
            Some(name) => Plan { kind: Some("plan"), id, name: Some(name) },
            None => Plan { kind: None, id: None, name: None },
        }
    }
}

/// What a create or update writes: absent fields are left alone, `Some(None)` clears one.
#[derive(Debug, Clone, Default)]
pub struct CompanyChanges {
    pub name: Option<Option<String>>,
    pub plan: Option<Option<String>>,
    pub size: Option<Option<i64>>,
    pub website: Option<Option<String>>,
    pub industry: Option<Option<String>>,
    pub monthly_spend: Option<i64>,
    pub remote_created_at: Option<Option<i64>>,
    pub custom_attributes: Option<Map<String, Json>>,
}

/// `monthly_spend` as stored: "this will truncate floats ... 155.98 will be truncated to 155".
pub fn monthly_spend(value: f64) -> Option<i64> {
    let truncated = value.trunc();
    (truncated.is_finite() && truncated.abs() <= MAX_MONTHLY_SPEND as f64).then_some(truncated as i64)
}

/// Applies a `custom_attributes` write: every key must be a live attribute of the company
/// model and every value of its type; `null` removes a value.
pub fn merge_custom_attributes(
    current: &mut Map<String, Json>,
    changes: &Map<String, Json>,
    attributes: &[DataAttribute],
) -> Result<(), AttributeRejection> {
    for (name, value) in check_custom_attributes(changes, attributes)? {
        match value {
            Some(value) => current.insert(name, value),
            None => current.remove(&name),
        };
    }
    Ok(())
}

/// `DELETE /companies/{id}`.
#[derive(Debug, Serialize)]
pub struct CompanyDeleted {
    pub id: String,
    pub object: &'static str,
    pub deleted: bool,
}

/// `POST /companies/list` order: by `last_request_at`, most recent first unless asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

impl Order {
    pub fn parse(raw: &str) -> Option<Order> {
        match raw.to_ascii_lowercase().as_str() {
            "asc" => Some(Order::Asc),
            "desc" => Some(Order::Desc),
            _ => None,
        }
    }
}

/// The `extra` of `company_scroll`. `pages` and `total_count` are always null, as Intercom
/// sends them; `scroll_param` is gone once the scroll has ended.
#[derive(Debug, Serialize)]
pub struct Scroll {
    pages: Option<PagesLink>,
    total_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scroll_param: Option<String>,
}

impl Scroll {
    pub fn new(scroll_param: Option<String>) -> Scroll {
        Scroll { pages: None, total_count: None, scroll_param }
    }
}

/// The `extra` of `GET /contacts/{id}/companies`. The SDKs read `companies` (the spec's
/// schema); the spec's recorded example and raw-HTTP clients read `data`: both carry the page.
#[derive(Debug, Serialize)]
pub struct AlsoCompanies {
    pub companies: Vec<Company>,
    #[serde(flatten)]
    pub paged: Paged<PagesLink>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_spend_truncates_and_is_bounded() {
        assert_eq!(monthly_spend(155.98), Some(155));
        assert_eq!(monthly_spend(-1.5), Some(-1));
        assert_eq!(monthly_spend(2_147_483_647.0), Some(MAX_MONTHLY_SPEND));
        assert_eq!(monthly_spend(2_147_483_648.0), None);
        assert_eq!(monthly_spend(f64::NAN), None);
    }

    #[test]
    fn plans_show_as_an_empty_object_when_unset() {
        assert_eq!(serde_json::to_value(Plan::new(None, None)).unwrap(), serde_json::json!({}));
        assert_eq!(
            serde_json::to_value(Plan::new(Some(7), Some("Pro".into()))).unwrap(),
            serde_json::json!({"type": "plan", "id": "7", "name": "Pro"})
        );
    }
}
