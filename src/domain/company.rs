//! The company object as a contact's companies show it.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::tag::Tag;

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
    pub monthly_spend: f64,
    pub session_count: i64,
    pub user_count: i64,
    pub size: Option<i64>,
    pub website: Option<String>,
    pub industry: Option<String>,
    pub tags: CompanyTags,
    pub segments: CompanySegments,
    pub plan: Plan,
    pub custom_attributes: Map<String, Json>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompanyTags {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub tags: Vec<Tag>,
}

/// Segments here are sets of contacts, so no company is ever in one.
#[derive(Debug, Clone, Serialize)]
pub struct CompanySegments {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub segments: [Json; 0],
}

impl CompanySegments {
    pub fn none() -> Self {
        CompanySegments { kind: "segment.list", segments: [] }
    }
}

/// `{}` for a company without a plan, as Intercom shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Plan {
    pub fn named(name: Option<String>) -> Plan {
        Plan { kind: name.as_ref().map(|_| "plan"), name }
    }
}

/// `GET /contacts/{id}/companies`. The SDKs read `companies` (the spec's schema); the
/// spec's recorded example and raw-HTTP clients read `data`: both carry the page.
#[derive(Debug, Serialize)]
pub struct ContactCompanies {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub data: Vec<Company>,
    pub companies: Vec<Company>,
    pub total_count: i64,
    pub pages: PagesLink,
}

/// Page-numbered pagination (`pages_link`): `next` is the URL of the next page, if any.
#[derive(Debug, Serialize)]
pub struct PagesLink {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub page: i64,
    pub per_page: i64,
    pub total_pages: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}
