//! Companies, plans and contacts' companies.

use sea_query::{Condition, Expr, ExprTrait, Query};
use serde_json::{Map, Value as Json};

use crate::store::backend::rows::{JsonColumn, table};

table! {
    /// `companies`. `last_request_at` is kept by triggers (migration 0004).
    pub(crate) Companies => CompanyRow {
        Id: i64,
        PublicId: String,
        WorkspaceId: i64,
        CompanyId: String,
        Name: Option<String>,
        Plan: Option<String>,
        Size: Option<i64>,
        Website: Option<String>,
        Industry: Option<String>,
        /// A double for history's sake; the API shows it truncated.
        MonthlySpend: f64,
        SessionCount: i64,
        RemoteCreatedAt: Option<i64>,
        LastRequestAt: Option<i64>,
        CustomAttributes: JsonColumn<Map<String, Json>>,
        CreatedAt: i64,
        UpdatedAt: i64,
        /// When `DELETE /companies/{id}` archived it; an archived company is read by nothing.
        ArchivedAt: Option<i64>,
    }
}

table! {
    /// `contact_companies`: which contacts a company has.
    pub(crate) ContactCompanies => ContactCompanyRow {
        ContactId: i64,
        CompanyId: i64,
        CreatedAt: i64,
    }
}

table! {
    /// `plans`: the workspace's plan names, each with the id the company object shows.
    pub(crate) Plans => PlanRow {
        Id: i64,
        WorkspaceId: i64,
        Name: String,
        CreatedAt: i64,
    }
}

table! {
    /// `company_scrolls`: the open scroll of each workspace.
    pub(crate) CompanyScrolls => CompanyScrollRow {
        WorkspaceId: i64,
        Param: String,
        /// The last company served.
        LastId: i64,
        ExpiresAt: i64,
    }
}

/// The workspace's companies that are not archived: the only ones any read shows.
pub(crate) fn live(workspace_id: i64) -> Condition {
    Condition::all()
        .add(Expr::col((Companies::Table, Companies::WorkspaceId)).eq(workspace_id))
        .add(Expr::col((Companies::Table, Companies::ArchivedAt)).is_null())
}

/// The companies the lists, scrolls and segment counts show: the workspace's live companies
/// that have a contact. Here, beside the tables it reads, because companies and segments both ask.
pub(crate) fn listed(workspace_id: i64) -> Condition {
    let members = Query::select()
        .expr(Expr::val(1))
        .from(ContactCompanies::Table)
        .and_where(ContactCompanies::CompanyId.col().equals((Companies::Table, Companies::Id)))
        .take();
    live(workspace_id).add(Expr::exists(members))
}
