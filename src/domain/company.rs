//! Companies: the company object, what a write may change, and what its lists add to a list.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::data_attribute::{DataAttribute, check_custom_attributes};
use super::error::{ErrorCode, Rejection};
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
    /// This and the other optional attributes are left out when the company has none, as in
    /// Intercom's examples: the description types them as strings and integers, never null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The creation time the company was given, or else its creation in Switchboard (as
    /// Intercom's examples show it).
    pub remote_created_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_request_at: Option<i64>,
    pub monthly_spend: i64,
    pub session_count: i64,
    pub user_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    pub tags: NamedList<Tag>,
    /// The company segments the company is in.
    pub segments: NamedList<Segment>,
    pub plan: Plan,
    pub custom_attributes: Map<String, Json>,
    /// Notes about the company (2.16): Switchboard's notes are about contacts.
    pub notes: NamedList<super::note::Note>,
}

/// `{}` for a company without a plan, as Intercom shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ids::shown")]
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
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
    /// "Set to true to update the company's last seen time to now" (2.16).
    pub update_last_request_at: bool,
}

/// A company named by its Intercom id (`id`) or by the id the workspace gave it (`company_id`).
#[derive(Debug, Clone, Default)]
pub struct CompanyRef {
    pub id: Option<String>,
    pub company_id: Option<String>,
}

/// The filters of `GET /companies`.
#[derive(Debug, Clone, Default)]
pub struct CompanyFilter {
    pub company_id: Option<String>,
    pub name: Option<String>,
    pub tag_id: Option<String>,
    pub segment_id: Option<String>,
}

/// `PUT /companies/{id}` may send `company_id` only unchanged.
pub fn company_id_changed() -> Rejection {
    Rejection::invalid("company_id", "company_id cannot be changed once the company is created")
}

/// A page past the first [`LIST_LIMIT`] companies of a list.
pub fn page_limit_reached() -> Rejection {
    Rejection::new(ErrorCode::BadRequest, "page limit reached, please use scroll API")
}

/// A contact already has [`MAX_COMPANIES_PER_CONTACT`] companies.
pub fn contact_company_limit() -> Rejection {
    Rejection::new(
        ErrorCode::ContactCompanyLimitExceeded,
        format!("Contact has reached the maximum of {MAX_COMPANIES_PER_CONTACT} company associations"),
    )
}

/// Another scroll of the workspace is open.
pub fn scroll_exists() -> Rejection {
    Rejection::new(ErrorCode::ScrollExists, "scroll already exists for this workspace")
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
) -> Result<(), Rejection> {
    let checked = check_custom_attributes(changes, attributes)
        .map_err(|r| Rejection::invalid("custom_attributes", r.message()))?;
    for (name, value) in checked {
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

/// The `extra` of `company_scroll`. `total_count` is always null, as Intercom sends it (a scroll
/// does not count); `pages` is left out (its schema is an object, and a scroll has no pages);
/// `scroll_param` is gone once the scroll has ended.
#[derive(Debug, Serialize)]
pub struct Scroll {
    total_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scroll_param: Option<String>,
}

impl Scroll {
    pub fn new(scroll_param: Option<String>) -> Scroll {
        Scroll { total_count: None, scroll_param }
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

    /// The answers Intercom gives, as the API sent them before they moved here.
    #[test]
    fn rejections_keep_intercoms_codes_and_messages() {
        let answer = |r: Rejection| (r.code.status(), r.code.as_str(), r.message, r.field);
        assert_eq!(
            answer(company_id_changed()),
            (
                400,
                "parameter_invalid",
                "company_id cannot be changed once the company is created".into(),
                Some("company_id".into())
            )
        );
        assert_eq!(
            answer(page_limit_reached()),
            (400, "bad_request", "page limit reached, please use scroll API".into(), None)
        );
        assert_eq!(
            answer(contact_company_limit()),
            (
                400,
                "contact_company_limit_exceeded",
                "Contact has reached the maximum of 1000 company associations".into(),
                None
            )
        );
        assert_eq!(
            answer(scroll_exists()),
            (400, "scroll_exists", "scroll already exists for this workspace".into(), None)
        );
    }

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
